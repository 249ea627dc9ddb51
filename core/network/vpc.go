package network

import (
	"context"
	"strconv"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

var subnetSpec = &describe.Spec[*ec2.Subnet]{
	Fields: []describe.Field[*ec2.Subnet]{
		{Name: "subnet-id", Value: func(s *ec2.Subnet) string { return s.SubnetId }},
		{Name: "vpc-id", Value: func(s *ec2.Subnet) string { return s.VpcId }},
		{Name: "availability-zone", Value: func(s *ec2.Subnet) string { return s.AvailabilityZone }},
		{Name: "cidr-block", Value: func(s *ec2.Subnet) string { return s.CidrBlock }},
		{Name: "default-for-az", Value: func(s *ec2.Subnet) string { return strconv.FormatBool(s.DefaultForAz) }},
		{Name: "state", Value: func(s *ec2.Subnet) string { return s.State }},
		{Name: "owner-id", Value: func(s *ec2.Subnet) string { return s.OwnerId }},
		{Name: "map-public-ip-on-launch", Value: func(s *ec2.Subnet) string { return strconv.FormatBool(s.MapPublicIpOnLaunch) }},
		{Name: "available-ip-address-count", Value: func(s *ec2.Subnet) string { return strconv.Itoa(s.AvailableIpAddressCount) }},
	},
	Tags: func(s *ec2.Subnet) []ec2.Tag { return s.Tags },
	// In zone order, as the region lays them out.
	Key:    func(k *describe.Key, s *ec2.Subnet) { k.Str(s.AvailabilityZone); k.Str(s.SubnetId) },
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "SubnetIds"},
}

// DescribeSubnets lists the default VPC's subnets with their free addresses.
func (s *Service) DescribeSubnets(ctx context.Context, region string, in *ec2.DescribeSubnetsInput) (*ec2.DescribeSubnetsOutput, error) {
	q := describe.Query{Filters: in.Filters, IDs: in.SubnetIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeSubnets"}
	out, next, err := state.Describe(s.rt, region, subnetSpec, q, func(r *state.Region) ([]*ec2.Subnet, error) {
		net := s.book(r).net
		for _, id := range in.SubnetIds {
			if net.SubnetByID(id) == nil {
				return nil, SubnetNotFound(id)
			}
		}
		var views []*ec2.Subnet
		for _, sub := range net.Subnets {
			if len(in.SubnetIds) == 0 || contains(in.SubnetIds, sub.SubnetId) {
				views = append(views, &ec2.Subnet{SubnetId: sub.SubnetId, VpcId: net.VpcId, AvailabilityZone: sub.Zone, CidrBlock: sub.Cidr.String(),
					AvailableIpAddressCount: sub.Available(), DefaultForAz: sub.Default, MapPublicIpOnLaunch: true, State: "available", OwnerId: ec2.OwnerID,
					Tags: netTagsOf(r, sub.SubnetId)})
			}
		}
		return views, nil
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeSubnetsOutput{Subnets: out, NextToken: next}, nil
}

var vpcSpec = &describe.Spec[*ec2.Vpc]{
	Fields: []describe.Field[*ec2.Vpc]{
		{Name: "vpc-id", Value: func(v *ec2.Vpc) string { return v.VpcId }},
		{Name: "cidr", Value: func(v *ec2.Vpc) string { return v.CidrBlock }},
		{Name: "cidr-block-association.cidr-block", Value: func(v *ec2.Vpc) string { return v.CidrBlock }},
		{Name: "is-default", Value: func(v *ec2.Vpc) string { return strconv.FormatBool(v.IsDefault) }},
		{Name: "state", Value: func(v *ec2.Vpc) string { return v.State }},
		{Name: "owner-id", Value: func(v *ec2.Vpc) string { return v.OwnerId }},
	},
	Tags:   func(v *ec2.Vpc) []ec2.Tag { return v.Tags },
	Key:    func(k *describe.Key, v *ec2.Vpc) { k.Str(v.VpcId) },
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "VpcIds"},
}

// DescribeVpcs lists the region's VPCs: its default VPC.
func (s *Service) DescribeVpcs(ctx context.Context, region string, in *ec2.DescribeVpcsInput) (*ec2.DescribeVpcsOutput, error) {
	q := describe.Query{Filters: in.Filters, IDs: in.VpcIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeVpcs"}
	out, next, err := state.Describe(s.rt, region, vpcSpec, q, func(r *state.Region) ([]*ec2.Vpc, error) {
		net := s.book(r).net
		for _, id := range in.VpcIds {
			if id != net.VpcId {
				return nil, vpcNotFound(id)
			}
		}
		return []*ec2.Vpc{{VpcId: net.VpcId, CidrBlock: net.VpcCidr.String(), IsDefault: true, State: "available", OwnerId: ec2.OwnerID,
			Tags: netTagsOf(r, net.VpcId)}}, nil
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeVpcsOutput{Vpcs: out, NextToken: next}, nil
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

// SubnetNotFound is EC2's error for a subnet ID that names no subnet:
// Malformed when it has not even a subnet ID's shape, else NotFound.
func SubnetNotFound(id string) error {
	if !ec2.ValidID("subnet", id) {
		return ec2.MalformedID(ec2.CodeInvalidSubnetIDMalformed, "subnet", id)
	}
	return ec2.Errorf(ec2.CodeInvalidSubnetIDNotFound, "The subnet ID '%s' does not exist", id)
}

// vpcNotFound is SubnetNotFound for a VPC ID.
func vpcNotFound(id string) error {
	if !ec2.ValidID("vpc", id) {
		return ec2.MalformedID(ec2.CodeInvalidVpcIDMalformed, "vpc", id)
	}
	return ec2.Errorf(ec2.CodeInvalidVpcIDNotFound, "The vpc ID '%s' does not exist", id)
}

// NetTags is the table of the default VPC's and its subnets' tags, which
// live in the region's network record: ntag/<region>/<id>.
var NetTags = tagging.BesideTable("ntag")

// netTagsOf is a VPC's or subnet's tags.
func netTagsOf(rd state.Reader, id string) []ec2.Tag { return tagging.BesideOf(rd, NetTags, id) }

// vpcTags and subnetTags are the taggable kinds of the default VPC and
// its subnets.
func (s *Service) vpcTags() tagging.Kind {
	return tagging.BesideKind(NetTags, "vpc-", "vpc", func(rd state.Reader, id string) error {
		if id != s.book(rd.Region()).net.VpcId {
			return vpcNotFound(id)
		}
		return nil
	})
}

func (s *Service) subnetTags() tagging.Kind {
	return tagging.BesideKind(NetTags, "subnet-", "subnet", func(rd state.Reader, id string) error {
		if s.book(rd.Region()).net.SubnetByID(id) == nil {
			return SubnetNotFound(id)
		}
		return nil
	})
}
