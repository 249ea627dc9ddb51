package instance

import (
	"context"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// ModifyInstanceMetadataOptions changes what the instance's metadata
// service allows: IMDSv1 or tokens only, the PUT response's hop limit,
// the endpoint itself, and the instance's tags in its metadata. The IMDS
// reads them at every request.
func (s *Service) ModifyInstanceMetadataOptions(ctx context.Context, region string, in *ec2.ModifyInstanceMetadataOptionsInput) (*ec2.ModifyInstanceMetadataOptionsOutput, error) {
	var out *ec2.ModifyInstanceMetadataOptionsOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		r, err := s.one(tx, in.InstanceId)
		if err != nil {
			return err
		}
		if r.State.Name == ec2.StateTerminated || r.State.Name == ec2.StateShuttingDown {
			return incorrectState(r, "modified")
		}
		m, err := r.Attr().Metadata.change(ec2.InstanceMetadataOptionsRequest{HttpTokens: in.HttpTokens, HttpPutResponseHopLimit: in.HttpPutResponseHopLimit,
			HttpEndpoint: in.HttpEndpoint, HttpProtocolIpv6: in.HttpProtocolIpv6, InstanceMetadataTags: in.InstanceMetadataTags})
		if err != nil {
			return err
		}
		if in.DryRun {
			return state.DryRun()
		}
		n := r.clone()
		n.editAttrs().Metadata = m
		s.put(tx, n)
		v := m.View()
		v.State = "pending" // as EC2 answers; the change is in force once this returns
		out = &ec2.ModifyInstanceMetadataOptionsOutput{InstanceId: r.InstanceId, InstanceMetadataOptions: v}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MonitorInstances turns detailed monitoring on; the answer says pending,
// as EC2's, and the instances show enabled.
func (s *Service) MonitorInstances(ctx context.Context, region string, in *ec2.MonitorInstancesInput) (*ec2.MonitorInstancesOutput, error) {
	ms, err := s.setMonitoring(ctx, region, in, true)
	if err != nil {
		return nil, err
	}
	return &ec2.MonitorInstancesOutput{InstanceMonitorings: ms}, nil
}

// UnmonitorInstances turns detailed monitoring off (disabling, then disabled).
func (s *Service) UnmonitorInstances(ctx context.Context, region string, in *ec2.UnmonitorInstancesInput) (*ec2.UnmonitorInstancesOutput, error) {
	ms, err := s.setMonitoring(ctx, region, (*ec2.MonitorInstancesInput)(in), false)
	if err != nil {
		return nil, err
	}
	return &ec2.UnmonitorInstancesOutput{InstanceMonitorings: ms}, nil
}

// setMonitoring sets every instance's monitoring in one transaction.
func (s *Service) setMonitoring(ctx context.Context, region string, in *ec2.MonitorInstancesInput, on bool) ([]ec2.InstanceMonitoring, error) {
	if len(in.InstanceIds) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter InstanceId")
	}
	answer := "disabling"
	if on {
		answer = "pending"
	}
	var out []ec2.InstanceMonitoring
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		recs, err := s.lookup(tx, in.InstanceIds)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if r.State.Name == ec2.StateTerminated {
				return incorrectState(r, "monitored")
			}
		}
		if in.DryRun {
			return state.DryRun()
		}
		for _, r := range recs {
			if r.Attr().Monitored != on {
				n := r.clone()
				n.editAttrs().Monitored = on
				s.put(tx, n)
			}
			out = append(out, ec2.InstanceMonitoring{InstanceId: r.InstanceId, Monitoring: ec2.Monitoring{State: answer}})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
