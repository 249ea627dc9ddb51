package instance

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// The Modify*Options actions change one group of an instance's launch
// options (launchopts.go), each in one transaction.

// changeOne applies f to n, a copy of the instance r, in one transaction
// and stores n; stopped requires the instance to be stopped, as EC2 does
// for the changes that need a new boot. Every one-instance change but the
// lifecycle's goes through it.
func (s *Service) changeOne(ctx context.Context, region, id string, stopped, dryRun bool, f func(tx *state.Tx, r, n *Record) error) (*Record, error) {
	var out *Record
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		r, err := s.one(tx, id)
		if err != nil {
			return err
		}
		if stopped && r.State.Name != ec2.StateStopped {
			return ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is not in the 'stopped' state.", r.InstanceId)
		}
		n := r.clone()
		if err := f(tx, r, n); err != nil {
			return err
		}
		if dryRun {
			return state.DryRun()
		}
		s.put(tx, n)
		out = n
		return nil
	})
	return out, err
}

// ModifyInstanceCpuOptions changes a stopped instance's cores and threads
// within its type's, and turns nested virtualization on or off where the
// type's processor offers it. A request with only NestedVirtualization
// keeps the cores and threads.
func (s *Service) ModifyInstanceCpuOptions(ctx context.Context, region string, in *ec2.ModifyInstanceCpuOptionsInput) (*ec2.ModifyInstanceCpuOptionsOutput, error) {
	if err := oneOf("NestedVirtualization", in.NestedVirtualization, "enabled", "disabled"); err != nil {
		return nil, err
	}
	n, err := s.changeOne(ctx, region, in.InstanceId, true, in.DryRun, func(_ *state.Tx, _, n *Record) error {
		t := s.cfg.Types[n.InstanceType]
		if t == nil {
			return ec2.Errorf(ec2.CodeInvalidInstanceType, "The instance type %s is not in the catalogue.", n.InstanceType)
		}
		if err := checkCoresThreads(n.InstanceType, t, in.CoreCount, in.ThreadsPerCore); err != nil {
			return err
		}
		if in.NestedVirtualization == "enabled" && !slices.Contains(t.Features, "nested-virtualization") {
			return ec2.Errorf(ec2.CodeUnsupportedOperation, "Nested virtualization is not supported for the instance type %s.", n.InstanceType)
		}
		if in.NestedVirtualization == "" || in.CoreCount != 0 || in.ThreadsPerCore != 0 {
			o := n.editOpts()
			o.Cores, o.Threads = in.CoreCount, in.ThreadsPerCore
		}
		if in.NestedVirtualization != "" {
			n.editOpts().Nested = in.NestedVirtualization
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &ec2.ModifyInstanceCpuOptionsOutput{InstanceId: n.InstanceId, CoreCount: n.Opts().Cores, ThreadsPerCore: n.Opts().Threads, NestedVirtualization: n.Opts().Nested}
	if t := s.cfg.Types[n.InstanceType]; t != nil {
		threads := max(t.ThreadsPerCore, 1)
		out.CoreCount, out.ThreadsPerCore = or0(n.Opts().Cores, t.VCPUs/threads), or0(n.Opts().Threads, threads)
	}
	return out, nil
}

func or0(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// ModifyInstanceMaintenanceOptions turns simplified auto recovery on or off.
func (s *Service) ModifyInstanceMaintenanceOptions(ctx context.Context, region string, in *ec2.ModifyInstanceMaintenanceOptionsInput) (*ec2.ModifyInstanceMaintenanceOptionsOutput, error) {
	if err := oneOf("AutoRecovery", in.AutoRecovery, "default", "disabled"); err != nil {
		return nil, err
	}
	if err := oneOf("RebootMigration", in.RebootMigration, "default", "disabled"); err != nil {
		return nil, err
	}
	n, err := s.changeOne(ctx, region, in.InstanceId, false, in.DryRun, func(_ *state.Tx, _, n *Record) error {
		if in.AutoRecovery != "" {
			n.editOpts().AutoRecovery = in.AutoRecovery
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.ModifyInstanceMaintenanceOptionsOutput{InstanceId: n.InstanceId, AutoRecovery: or(n.Opts().AutoRecovery, "default"), RebootMigration: in.RebootMigration}, nil
}

// ModifyInstanceNetworkPerformanceOptions sets the bandwidth weighting.
func (s *Service) ModifyInstanceNetworkPerformanceOptions(ctx context.Context, region string, in *ec2.ModifyInstanceNetworkPerformanceOptionsInput) (*ec2.ModifyInstanceNetworkPerformanceOptionsOutput, error) {
	if in.BandwidthWeighting == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter BandwidthWeighting")
	}
	if err := oneOf("BandwidthWeighting", in.BandwidthWeighting, "default", "vpc-1", "ebs-1"); err != nil {
		return nil, err
	}
	n, err := s.changeOne(ctx, region, in.InstanceId, false, in.DryRun, func(_ *state.Tx, _, n *Record) error {
		n.editOpts().Bandwidth = in.BandwidthWeighting
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.ModifyInstanceNetworkPerformanceOptionsOutput{InstanceId: n.InstanceId, BandwidthWeighting: n.Opts().Bandwidth}, nil
}

// ModifyPrivateDnsNameOptions changes the private host name options; the
// host name's type only while stopped (the guest takes it at boot).
func (s *Service) ModifyPrivateDnsNameOptions(ctx context.Context, region string, in *ec2.ModifyPrivateDnsNameOptionsInput) (*ec2.Empty, error) {
	if err := oneOf("PrivateDnsHostnameType", in.PrivateDnsHostnameType, "ip-name", "resource-name"); err != nil {
		return nil, err
	}
	_, err := s.changeOne(ctx, region, in.InstanceId, in.PrivateDnsHostnameType != "", in.DryRun, func(_ *state.Tx, _, n *Record) error {
		if in.PrivateDnsHostnameType != "" {
			n.editOpts().HostnameType = in.PrivateDnsHostnameType
		}
		if in.EnableResourceNameDnsARecord != nil {
			n.editOpts().DnsA = *in.EnableResourceNameDnsARecord
		}
		if in.EnableResourceNameDnsAAAARecord != nil {
			n.editOpts().DnsAAAA = *in.EnableResourceNameDnsAAAARecord
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// ModifyInstancePlacement changes a stopped instance's tenancy. ec2x has
// no placement groups or Dedicated Hosts to move it into.
func (s *Service) ModifyInstancePlacement(ctx context.Context, region string, in *ec2.ModifyInstancePlacementInput) (*ec2.Empty, error) {
	switch {
	case in.GroupName != "" || in.GroupId != "":
		return nil, ec2.Errorf(ec2.CodeInvalidPlacementGroupUnknown, "The Placement Group '%s' is unknown.", in.GroupName+in.GroupId)
	case in.HostId != "" || in.HostResourceGroupArn != "" || in.Tenancy == "host" || in.Affinity == "host":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "ec2x has no Dedicated Hosts to place the instance on.")
	}
	if err := oneOf("Tenancy", in.Tenancy, "default", "dedicated"); err != nil {
		return nil, err
	}
	if err := oneOf("Affinity", in.Affinity, "default"); err != nil {
		return nil, err
	}
	_, err := s.changeOne(ctx, region, in.InstanceId, true, false, func(_ *state.Tx, _, n *Record) error {
		if in.Tenancy != "" {
			n.Placement.Tenancy = in.Tenancy
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// profileARN is the ARN a profile specification names.
func profileARN(p *ec2.IamInstanceProfileSpecification) (string, error) {
	switch {
	case p == nil || (p.Arn == "" && p.Name == ""):
		return "", ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter IamInstanceProfile")
	case p.Arn != "":
		if !strings.HasPrefix(p.Arn, "arn:aws:iam::") || !strings.Contains(p.Arn, ":instance-profile/") {
			return "", ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter iamInstanceProfile.arn is invalid.", p.Arn)
		}
		return p.Arn, nil
	}
	return "arn:aws:iam::" + ec2.OwnerID + ":instance-profile/" + p.Name, nil
}

// assocView is an instance's profile association.
func assocView(r *Record) ec2.IamInstanceProfileAssociation {
	return ec2.IamInstanceProfileAssociation{AssociationId: r.Opts().IamAssoc, InstanceId: r.InstanceId, State: "associated", Timestamp: r.Opts().IamSince,
		IamInstanceProfile: ec2.IamInstanceProfile{Arn: r.Opts().IamProfile, Id: profileID(r.Opts().IamProfile)}}
}

// AssociateIamInstanceProfile gives an instance without one a profile.
func (s *Service) AssociateIamInstanceProfile(ctx context.Context, region string, in *ec2.AssociateIamInstanceProfileInput) (*ec2.IamInstanceProfileAssociationOutput, error) {
	arn, err := profileARN(in.IamInstanceProfile)
	if err != nil {
		return nil, err
	}
	n, err := s.changeOne(ctx, region, in.InstanceId, false, false, func(_ *state.Tx, _, n *Record) error {
		if n.Opts().IamProfile != "" {
			return ec2.Errorf(ec2.CodeIncorrectState, "There is an existing association for instance %s", n.InstanceId)
		}
		if n.State.Name == ec2.StateTerminated || n.State.Name == ec2.StateShuttingDown {
			return incorrectState(n, "associated")
		}
		o := n.editOpts()
		o.IamProfile, o.IamAssoc, o.IamSince = arn, newAssocID(n.InstanceId, s.clk.Now()), s.clk.Now().UTC()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.IamInstanceProfileAssociationOutput{IamInstanceProfileAssociation: assocView(n)}, nil
}

// newAssocID is an association's ID: new for each association.
func newAssocID(instanceID string, at time.Time) string {
	return "iip-assoc-" + profileID(instanceID + at.String())[4:]
}

// byAssociation finds the instance an association ID belongs to.
func (s *Service) byAssociation(rd state.Reader, id string) (*Record, error) {
	var found *Record
	state.Each(rd, Instances, func(r *Record) bool {
		if r.Opts().IamAssoc == id {
			found = r
			return false
		}
		return true
	})
	if found == nil {
		return nil, ec2.Errorf(ec2.CodeInvalidAssociationIDNotFound, "The association %s is not found", id)
	}
	return found, nil
}

// changeAssociation applies f to the instance of an association.
func (s *Service) changeAssociation(ctx context.Context, region, id string, f func(n *Record)) (ec2.IamInstanceProfileAssociation, error) {
	var out ec2.IamInstanceProfileAssociation
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		r, err := s.byAssociation(tx, id)
		if err != nil {
			return err
		}
		out = assocView(r)
		n := r.clone()
		f(n)
		s.put(tx, n)
		if n.Opts().IamAssoc != "" {
			out = assocView(n)
		}
		return nil
	})
	return out, err
}

// ReplaceIamInstanceProfileAssociation swaps the profile: a new association.
func (s *Service) ReplaceIamInstanceProfileAssociation(ctx context.Context, region string, in *ec2.ReplaceIamInstanceProfileAssociationInput) (*ec2.IamInstanceProfileAssociationOutput, error) {
	arn, err := profileARN(in.IamInstanceProfile)
	if err != nil {
		return nil, err
	}
	a, err := s.changeAssociation(ctx, region, in.AssociationId, func(n *Record) {
		o := n.editOpts()
		o.IamProfile, o.IamAssoc, o.IamSince = arn, newAssocID(n.InstanceId, s.clk.Now()), s.clk.Now().UTC()
	})
	if err != nil {
		return nil, err
	}
	return &ec2.IamInstanceProfileAssociationOutput{IamInstanceProfileAssociation: a}, nil
}

// DisassociateIamInstanceProfile removes an instance's profile.
func (s *Service) DisassociateIamInstanceProfile(ctx context.Context, region string, in *ec2.DisassociateIamInstanceProfileInput) (*ec2.IamInstanceProfileAssociationOutput, error) {
	a, err := s.changeAssociation(ctx, region, in.AssociationId, func(n *Record) { o := n.editOpts(); o.IamProfile, o.IamAssoc = "", "" })
	if err != nil {
		return nil, err
	}
	a.State = "disassociating"
	return &ec2.IamInstanceProfileAssociationOutput{IamInstanceProfileAssociation: a}, nil
}

// assocSpec is DescribeIamInstanceProfileAssociations' filters.
var assocSpec = &describe.Spec[ec2.IamInstanceProfileAssociation]{
	Fields: []describe.Field[ec2.IamInstanceProfileAssociation]{
		{Name: "instance-id", Value: func(a ec2.IamInstanceProfileAssociation) string { return a.InstanceId }},
		{Name: "state", Value: func(a ec2.IamInstanceProfileAssociation) string { return a.State }},
	},
	Key:    func(k *describe.Key, a ec2.IamInstanceProfileAssociation) { k.Str(a.AssociationId) },
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "AssociationIds"},
}

// DescribeIamInstanceProfileAssociations lists the instances' profiles.
func (s *Service) DescribeIamInstanceProfileAssociations(ctx context.Context, region string, in *ec2.DescribeIamInstanceProfileAssociationsInput) (*ec2.DescribeIamInstanceProfileAssociationsOutput, error) {
	q := describe.Query{Filters: in.Filters, IDs: in.AssociationIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeIamInstanceProfileAssociations"}
	out, next, err := state.Describe(s.rt, region, assocSpec, q, func(r *state.Region) ([]ec2.IamInstanceProfileAssociation, error) {
		var items []ec2.IamInstanceProfileAssociation
		for _, id := range in.AssociationIds {
			rec, err := s.byAssociation(r, id)
			if err != nil {
				return nil, err
			}
			items = append(items, assocView(rec))
		}
		if len(in.AssociationIds) > 0 {
			return items, nil
		}
		for _, rec := range state.Published(r, Instances) {
			if rec.Opts().IamAssoc != "" && rec.State.Name != ec2.StateTerminated {
				items = append(items, assocView(rec))
			}
		}
		return items, nil
	}, func(_ *state.Region, a ec2.IamInstanceProfileAssociation) ec2.IamInstanceProfileAssociation { return a })
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.IamInstanceProfileAssociation{}
	}
	return &ec2.DescribeIamInstanceProfileAssociationsOutput{IamInstanceProfileAssociations: out, NextToken: next}, nil
}
