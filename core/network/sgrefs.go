package network

import (
	"context"
	"slices"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// DescribeSecurityGroupReferences lists the VPCs whose groups reference
// the groups named across VPCs. A rule may only name a group of its own
// VPC in ec2x (there is no peering), so the list is empty, but every group
// named must exist.
func (s *Service) DescribeSecurityGroupReferences(ctx context.Context, region string, in *ec2.DescribeSecurityGroupReferencesInput) (*ec2.DescribeSecurityGroupReferencesOutput, error) {
	if len(in.GroupId) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter groupId")
	}
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	out := &ec2.DescribeSecurityGroupReferencesOutput{SecurityGroupReferenceSet: []ec2.SecurityGroupReference{}}
	err = r.View(func(r *state.Region) error {
		for _, id := range in.GroupId {
			g, err := s.findGroup(r, id, "")
			if err != nil {
				return err
			}
			state.Each(r, Groups, func(o *Group) bool {
				if o.VpcId != g.VpcId && slices.ContainsFunc(o.allRules(), func(x idRule) bool { return x.source == g.GroupId }) {
					out.SecurityGroupReferenceSet = append(out.SecurityGroupReferenceSet, ec2.SecurityGroupReference{GroupId: g.GroupId, ReferencingVpcId: o.VpcId})
				}
				return true
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, dryRun(in.DryRun)
}

var staleSpec = &describe.Spec[*ec2.StaleSecurityGroup]{
	Key:    func(k *describe.Key, g *ec2.StaleSecurityGroup) { k.Str(g.GroupId) },
	Paging: describe.Paging{Min: 5, Max: 255},
}

// DescribeStaleSecurityGroups lists a VPC's groups whose rules name a
// group that is gone. DeleteSecurityGroup refuses to delete a group a rule
// names, so none is ever stale; the answer is checked and shaped as EC2's.
func (s *Service) DescribeStaleSecurityGroups(ctx context.Context, region string, in *ec2.DescribeStaleSecurityGroupsInput) (*ec2.DescribeStaleSecurityGroupsOutput, error) {
	q := describe.Query{MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeStaleSecurityGroups/" + in.VpcId}
	out, next, err := state.Describe(s.rt, region, staleSpec, q, func(r *state.Region) ([]*ec2.StaleSecurityGroup, error) {
		if _, err := s.vpcFor(r, in.VpcId); err != nil {
			return nil, err
		}
		var stale []*ec2.StaleSecurityGroup
		state.Each(r, Groups, func(g *Group) bool {
			if g.VpcId != in.VpcId {
				return true
			}
			for _, x := range g.allRules() {
				if sourceKind(x.source) == "group" && state.Get(r, Groups, x.source) == nil {
					stale = append(stale, &ec2.StaleSecurityGroup{GroupId: g.GroupId, GroupName: g.GroupName, Description: g.Description, VpcId: g.VpcId})
					break
				}
			}
			return true
		})
		return stale, nil
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.StaleSecurityGroup{}
	}
	return &ec2.DescribeStaleSecurityGroupsOutput{StaleSecurityGroupSet: out, NextToken: next}, dryRun(in.DryRun)
}

var forVpcSpec = &describe.Spec[*ec2.SecurityGroupForVpc]{
	Fields: []describe.Field[*ec2.SecurityGroupForVpc]{
		{Name: "group-id", Value: func(g *ec2.SecurityGroupForVpc) string { return g.GroupId }},
		{Name: "group-name", Value: func(g *ec2.SecurityGroupForVpc) string { return g.GroupName }},
		{Name: "description", Value: func(g *ec2.SecurityGroupForVpc) string { return g.Description }},
		{Name: "owner-id", Value: func(g *ec2.SecurityGroupForVpc) string { return g.OwnerId }},
		{Name: "primary-vpc-id", Value: func(g *ec2.SecurityGroupForVpc) string { return g.PrimaryVpcId }},
	},
	Tags: func(g *ec2.SecurityGroupForVpc) []ec2.Tag { return g.Tags },
	Key: func(k *describe.Key, g *ec2.SecurityGroupForVpc) {
		k.Str(g.GroupName)
		k.Str(g.GroupId)
	},
	Paging: describe.Paging{Min: 5, Max: 1000},
}

// GetSecurityGroupsForVpc lists the groups an interface in a VPC may use:
// the VPC's own and those associated with it.
func (s *Service) GetSecurityGroupsForVpc(ctx context.Context, region string, in *ec2.GetSecurityGroupsForVpcInput) (*ec2.GetSecurityGroupsForVpcOutput, error) {
	q := describe.Query{Filters: in.Filters, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "GetSecurityGroupsForVpc/" + in.VpcId}
	out, next, err := state.Describe(s.rt, region, forVpcSpec, q, func(r *state.Region) ([]*ec2.SecurityGroupForVpc, error) {
		if _, err := s.vpcFor(r, in.VpcId); err != nil {
			return nil, err
		}
		var gs []*ec2.SecurityGroupForVpc
		state.Each(r, Groups, func(g *Group) bool {
			if g.VpcId == in.VpcId || slices.Contains(g.VpcAssociations, in.VpcId) {
				v := &ec2.SecurityGroupForVpc{GroupId: g.GroupId, GroupName: g.GroupName, Description: g.Description,
					OwnerId: ec2.OwnerID, PrimaryVpcId: g.VpcId, Tags: g.Tags}
				if v.Tags == nil {
					v.Tags = []ec2.Tag{}
				}
				gs = append(gs, v)
			}
			return true
		})
		return gs, nil
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.SecurityGroupForVpc{}
	}
	return &ec2.GetSecurityGroupsForVpcOutput{SecurityGroupForVpcs: out, NextToken: next}, dryRun(in.DryRun)
}

// AssociateSecurityGroupVpc lets interfaces of another VPC of the region
// use a group; the group's own VPC is refused.
func (s *Service) AssociateSecurityGroupVpc(ctx context.Context, region string, in *ec2.SecurityGroupVpcInput) (*ec2.SecurityGroupVpcOutput, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		g, err := s.findGroup(tx, in.GroupId, "")
		if err != nil {
			return err
		}
		if in.VpcId == g.VpcId {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The security group '%s' belongs to VPC '%s' and cannot be associated with it", g.GroupId, g.VpcId)
		}
		if _, err := s.vpcFor(tx, in.VpcId); err != nil {
			return err
		}
		if slices.Contains(g.VpcAssociations, in.VpcId) {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The security group '%s' is already associated with VPC '%s'", g.GroupId, in.VpcId)
		}
		n := *g
		n.VpcAssociations = append(slices.Clip(g.VpcAssociations), in.VpcId)
		state.Put(tx, Groups, &n)
		return dryRun(in.DryRun)
	})
	if err != nil {
		return nil, err
	}
	return &ec2.SecurityGroupVpcOutput{State: "associated"}, nil
}

// DisassociateSecurityGroupVpc ends an association while no interface of
// that VPC uses the group.
func (s *Service) DisassociateSecurityGroupVpc(ctx context.Context, region string, in *ec2.SecurityGroupVpcInput) (*ec2.SecurityGroupVpcOutput, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		g, err := s.findGroup(tx, in.GroupId, "")
		if err != nil {
			return err
		}
		if in.VpcId == "" {
			return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter VpcId")
		}
		i := slices.Index(g.VpcAssociations, in.VpcId)
		if i < 0 {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The security group '%s' is not associated with VPC '%s'", g.GroupId, in.VpcId)
		}
		var user string
		state.Each(tx, Interfaces, func(e *ENI) bool {
			if sub := s.SubnetByID(tx, e.SubnetId); sub != nil && sub.VpcId == in.VpcId && slices.Contains(e.Groups, g.GroupId) {
				user = e.NetworkInterfaceId
			}
			return user == ""
		})
		if user != "" {
			return ec2.Errorf(ec2.CodeDependencyViolation, "The security group '%s' is in use by network interface '%s' in VPC '%s'", g.GroupId, user, in.VpcId)
		}
		n := *g
		n.VpcAssociations = slices.Delete(slices.Clone(g.VpcAssociations), i, i+1)
		state.Put(tx, Groups, &n)
		return dryRun(in.DryRun)
	})
	if err != nil {
		return nil, err
	}
	return &ec2.SecurityGroupVpcOutput{State: "disassociated"}, nil
}

var vpcAssocSpec = &describe.Spec[*ec2.SecurityGroupVpcAssociation]{
	Fields: []describe.Field[*ec2.SecurityGroupVpcAssociation]{
		{Name: "group-id", Value: func(a *ec2.SecurityGroupVpcAssociation) string { return a.GroupId }},
		{Name: "vpc-id", Value: func(a *ec2.SecurityGroupVpcAssociation) string { return a.VpcId }},
		{Name: "vpc-owner-id", Value: func(a *ec2.SecurityGroupVpcAssociation) string { return a.VpcOwnerId }},
		{Name: "group-owner-id", Value: func(a *ec2.SecurityGroupVpcAssociation) string { return a.GroupOwnerId }},
		{Name: "state", Value: func(a *ec2.SecurityGroupVpcAssociation) string { return a.State }},
	},
	Key: func(k *describe.Key, a *ec2.SecurityGroupVpcAssociation) {
		k.Str(a.GroupId)
		k.Str(a.VpcId)
	},
	Paging: describe.Paging{Min: 5, Max: 1000},
}

// DescribeSecurityGroupVpcAssociations lists groups' associations with
// other VPCs.
func (s *Service) DescribeSecurityGroupVpcAssociations(ctx context.Context, region string, in *ec2.DescribeSecurityGroupVpcAssociationsInput) (*ec2.DescribeSecurityGroupVpcAssociationsOutput, error) {
	q := describe.Query{Filters: in.Filters, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeSecurityGroupVpcAssociations"}
	out, next, err := state.Describe(s.rt, region, vpcAssocSpec, q, func(r *state.Region) ([]*ec2.SecurityGroupVpcAssociation, error) {
		var as []*ec2.SecurityGroupVpcAssociation
		state.Each(r, Groups, func(g *Group) bool {
			for _, v := range g.VpcAssociations {
				as = append(as, &ec2.SecurityGroupVpcAssociation{GroupId: g.GroupId, GroupOwnerId: ec2.OwnerID, VpcId: v, VpcOwnerId: ec2.OwnerID, State: "associated"})
			}
			return true
		})
		return as, nil
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.SecurityGroupVpcAssociation{}
	}
	return &ec2.DescribeSecurityGroupVpcAssociationsOutput{SecurityGroupVpcAssociations: out, NextToken: next}, dryRun(in.DryRun)
}

// ValidateSecurityGroupQuotasForInterface checks that groups could be an
// interface's together: they exist and are at most five.
func (s *Service) ValidateSecurityGroupQuotasForInterface(ctx context.Context, region string, in *ec2.ValidateSecurityGroupQuotasForInterfaceInput) (*ec2.ValidateSecurityGroupQuotasForInterfaceOutput, error) {
	if len(in.SecurityGroupIds) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter SecurityGroupIds")
	}
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	err = r.View(func(r *state.Region) error {
		_, _, err := s.ResolveGroups(r, in.SecurityGroupIds, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &ec2.ValidateSecurityGroupQuotasForInterfaceOutput{Valid: true}, dryRun(in.DryRun)
}
