package instance

import (
	"context"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// volumeStatus is a volume's status: ec2x's volumes are always consistent
// and perform as provisioned, so every check passes.
func volumeStatus(v ec2.Volume) ec2.VolumeStatusItem {
	st := ec2.VolumeStatusItem{VolumeId: v.VolumeId, AvailabilityZone: v.AvailabilityZone, Actions: []ec2.VolumeStatusAction{}, Events: []ec2.VolumeStatusAction{},
		VolumeStatus: ec2.VolumeStatusInfo{Status: "ok", Details: []ec2.VolumeStatusDetails{{Name: "io-enabled", Status: "passed"}, {Name: "io-performance", Status: "not-applicable"}}}}
	if v.VolumeType == "io1" || v.VolumeType == "io2" {
		st.VolumeStatus.Details[1].Status = "normal"
	}
	for _, a := range v.Attachments {
		st.AttachmentStatuses = append(st.AttachmentStatuses, ec2.VolumeStatusAttachmentStatus{InstanceId: a.InstanceId})
	}
	return st
}

// volStatusSpec is DescribeVolumeStatus' filters, as EC2 documents them.
var volStatusSpec = &describe.Spec[ec2.VolumeStatusItem]{
	Fields: []describe.Field[ec2.VolumeStatusItem]{
		{Name: "availability-zone", Value: func(s ec2.VolumeStatusItem) string { return s.AvailabilityZone }},
		{Name: "volume-status.status", Value: func(s ec2.VolumeStatusItem) string { return s.VolumeStatus.Status }},
		{Name: "volume-status.details-name", Values: func(s ec2.VolumeStatusItem) []string {
			var out []string
			for _, d := range s.VolumeStatus.Details {
				out = append(out, d.Name)
			}
			return out
		}},
		{Name: "volume-status.details-status", Values: func(s ec2.VolumeStatusItem) []string {
			var out []string
			for _, d := range s.VolumeStatus.Details {
				out = append(out, d.Status)
			}
			return out
		}},
		{Name: "action.code", Values: func(ec2.VolumeStatusItem) []string { return nil }},
		{Name: "event.event-type", Values: func(ec2.VolumeStatusItem) []string { return nil }},
	},
	Key:    func(k *describe.Key, s ec2.VolumeStatusItem) { k.Str(s.VolumeId) },
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "VolumeIds"},
}

// DescribeVolumeStatus gives the volumes' status checks.
func (s *Service) DescribeVolumeStatus(ctx context.Context, region string, in *ec2.DescribeVolumeStatusInput) (*ec2.DescribeVolumeStatusOutput, error) {
	vols, err := s.DescribeVolumes(ctx, region, &ec2.DescribeVolumesInput{VolumeIds: in.VolumeIds})
	if err != nil {
		return nil, err
	}
	q := describe.Query{Filters: in.Filters, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeVolumeStatus"}
	out, next, err := state.Describe(s.rt, region, volStatusSpec, q, func(*state.Region) ([]ec2.VolumeStatusItem, error) {
		items := make([]ec2.VolumeStatusItem, 0, len(vols.Volumes))
		for _, v := range vols.Volumes {
			if v.State != volCreating && v.State != volDeleting {
				items = append(items, volumeStatus(v))
			}
		}
		return items, nil
	}, func(_ *state.Region, st ec2.VolumeStatusItem) ec2.VolumeStatusItem { return st })
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.VolumeStatusItem{}
	}
	return &ec2.DescribeVolumeStatusOutput{VolumeStatuses: out, NextToken: next}, nil
}

// DescribeVolumeAttribute gives autoEnableIO or productCodes.
func (s *Service) DescribeVolumeAttribute(ctx context.Context, region string, in *ec2.DescribeVolumeAttributeInput) (*ec2.DescribeVolumeAttributeOutput, error) {
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	r.RLock()
	v, err := s.volumeRecord(r, in.VolumeId)
	r.RUnlock()
	if err != nil {
		return nil, err
	}
	out := &ec2.DescribeVolumeAttributeOutput{VolumeId: v.VolumeId}
	switch in.Attribute {
	case "autoEnableIO":
		out.AutoEnableIO = ec2.BoolValue(v.AutoEnableIO)
	case "productCodes":
		out.ProductCodes = []ec2.ProductCode{}
	case "":
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter attribute")
	default:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter attribute is invalid. Supported values are: autoEnableIO, productCodes", in.Attribute)
	}
	if in.DryRun {
		return nil, state.DryRun()
	}
	return out, nil
}

// ModifyVolumeAttribute sets autoEnableIO.
func (s *Service) ModifyVolumeAttribute(ctx context.Context, region string, in *ec2.ModifyVolumeAttributeInput) (*ec2.Empty, error) {
	if in.AutoEnableIO == nil || in.AutoEnableIO.Value == nil {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter AutoEnableIO")
	}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		v, err := s.volumeRecord(tx, in.VolumeId)
		if err != nil {
			return err
		}
		n := *v
		n.AutoEnableIO = *in.AutoEnableIO.Value
		putVolume(tx, v, &n, s.clk.Now())
		return dryRun(in.DryRun)
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{}, nil
}
