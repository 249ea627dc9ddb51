package network

import (
	"context"
	"strconv"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
)

var subnetSpec = &describe.Spec[*ec2.Subnet]{
	Fields: []describe.Field[*ec2.Subnet]{
		{Name: "subnet-id", Values: func(s *ec2.Subnet) []string { return one(s.SubnetId) }},
		{Name: "vpc-id", Values: func(s *ec2.Subnet) []string { return one(s.VpcId) }},
		{Name: "availability-zone", Values: func(s *ec2.Subnet) []string { return one(s.AvailabilityZone) }},
		{Name: "cidr-block", Values: func(s *ec2.Subnet) []string { return one(s.CidrBlock) }},
		{Name: "default-for-az", Values: func(s *ec2.Subnet) []string { return one(strconv.FormatBool(s.DefaultForAz)) }},
		{Name: "state", Values: func(s *ec2.Subnet) []string { return one(s.State) }},
		{Name: "owner-id", Values: func(s *ec2.Subnet) []string { return one(s.OwnerId) }},
		{Name: "map-public-ip-on-launch", Values: func(s *ec2.Subnet) []string { return one(strconv.FormatBool(s.MapPublicIpOnLaunch)) }},
		{Name: "available-ip-address-count", Values: func(s *ec2.Subnet) []string { return one(strconv.Itoa(s.AvailableIpAddressCount)) }},
	},
	// In zone order, as the region lays them out.
	Key:    func(k *describe.Key, s *ec2.Subnet) { k.Str(s.AvailabilityZone); k.Str(s.SubnetId) },
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "SubnetIds"},
}

// DescribeSubnets lists the default VPC's subnets with their free addresses.
func (s *Service) DescribeSubnets(ctx context.Context, region string, in *ec2.DescribeSubnetsInput) (*ec2.DescribeSubnetsOutput, error) {
	plan, err := subnetSpec.Compile(describe.Query{Filters: in.Filters, IDs: in.SubnetIds,
		MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeSubnets/" + region})
	if err != nil {
		return nil, err
	}
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	r.RLock()
	defer r.RUnlock()
	net := s.book(r).net
	for _, id := range in.SubnetIds {
		if net.SubnetByID(id) == nil {
			return nil, ec2.Errorf(ec2.CodeInvalidSubnetIDNotFound, "The subnet ID '%s' does not exist", id)
		}
	}
	var views []*ec2.Subnet
	for _, sub := range net.Subnets {
		if len(in.SubnetIds) > 0 && !contains(in.SubnetIds, sub.SubnetId) {
			continue
		}
		views = append(views, &ec2.Subnet{SubnetId: sub.SubnetId, VpcId: net.VpcId, AvailabilityZone: sub.Zone, CidrBlock: sub.Cidr.String(),
			AvailableIpAddressCount: sub.Available(), DefaultForAz: sub.Default, MapPublicIpOnLaunch: true, State: "available", OwnerId: ec2.OwnerID})
	}
	page, next := plan.Page(plan.Filter(views))
	out := &ec2.DescribeSubnetsOutput{Subnets: make([]ec2.Subnet, len(page)), NextToken: next}
	for i, v := range page {
		out.Subnets[i] = *v
	}
	return out, nil
}

var vpcSpec = &describe.Spec[*ec2.Vpc]{
	Fields: []describe.Field[*ec2.Vpc]{
		{Name: "vpc-id", Values: func(v *ec2.Vpc) []string { return one(v.VpcId) }},
		{Name: "cidr", Values: func(v *ec2.Vpc) []string { return one(v.CidrBlock) }},
		{Name: "cidr-block-association.cidr-block", Values: func(v *ec2.Vpc) []string { return one(v.CidrBlock) }},
		{Name: "is-default", Values: func(v *ec2.Vpc) []string { return one(strconv.FormatBool(v.IsDefault)) }},
		{Name: "state", Values: func(v *ec2.Vpc) []string { return one(v.State) }},
		{Name: "owner-id", Values: func(v *ec2.Vpc) []string { return one(v.OwnerId) }},
	},
	Key:    func(k *describe.Key, v *ec2.Vpc) { k.Str(v.VpcId) },
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "VpcIds"},
}

// DescribeVpcs lists the region's VPCs: its default VPC.
func (s *Service) DescribeVpcs(ctx context.Context, region string, in *ec2.DescribeVpcsInput) (*ec2.DescribeVpcsOutput, error) {
	plan, err := vpcSpec.Compile(describe.Query{Filters: in.Filters, IDs: in.VpcIds,
		MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeVpcs/" + region})
	if err != nil {
		return nil, err
	}
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	r.RLock()
	net := s.book(r).net
	v := &ec2.Vpc{VpcId: net.VpcId, CidrBlock: net.VpcCidr.String(), IsDefault: true, State: "available", OwnerId: ec2.OwnerID}
	r.RUnlock()
	for _, id := range in.VpcIds {
		if id != v.VpcId {
			return nil, ec2.Errorf(ec2.CodeInvalidVpcIDNotFound, "The vpc ID '%s' does not exist", id)
		}
	}
	page, next := plan.Page(plan.Filter([]*ec2.Vpc{v}))
	out := &ec2.DescribeVpcsOutput{Vpcs: make([]ec2.Vpc, len(page)), NextToken: next}
	for i, p := range page {
		out.Vpcs[i] = *p
	}
	return out, nil
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
