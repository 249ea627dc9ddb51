package network

import (
	"context"
	"strconv"

	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/netw"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

var subnetSpec = &describe.Spec[*ec2.Subnet]{
	Fields: []describe.Field[*ec2.Subnet]{
		{Name: "subnet-id", Value: func(s *ec2.Subnet) string { return s.SubnetId }},
		{Name: "subnet-arn", Value: func(s *ec2.Subnet) string { return s.SubnetArn }},
		{Name: "vpc-id", Value: func(s *ec2.Subnet) string { return s.VpcId }},
		{Name: "availability-zone", Value: func(s *ec2.Subnet) string { return s.AvailabilityZone }},
		{Name: "availability-zone-id", Value: func(s *ec2.Subnet) string { return s.AvailabilityZoneId }},
		{Name: "cidr-block", Value: func(s *ec2.Subnet) string { return s.CidrBlock }},
		{Name: "cidr", Value: func(s *ec2.Subnet) string { return s.CidrBlock }},
		{Name: "cidrBlock", Value: func(s *ec2.Subnet) string { return s.CidrBlock }},
		{Name: "default-for-az", Value: func(s *ec2.Subnet) string { return strconv.FormatBool(s.DefaultForAz) }},
		{Name: "defaultForAz", Value: func(s *ec2.Subnet) string { return strconv.FormatBool(s.DefaultForAz) }},
		{Name: "state", Value: func(s *ec2.Subnet) string { return s.State }},
		{Name: "owner-id", Value: func(s *ec2.Subnet) string { return s.OwnerId }},
		{Name: "map-public-ip-on-launch", Value: func(s *ec2.Subnet) string { return strconv.FormatBool(s.MapPublicIpOnLaunch) }},
		{Name: "map-customer-owned-ip-on-launch", Value: func(s *ec2.Subnet) string { return "false" }},
		{Name: "available-ip-address-count", Value: func(s *ec2.Subnet) string { return strconv.Itoa(s.AvailableIpAddressCount) }},
		{Name: "enable-dns64", Value: func(s *ec2.Subnet) string { return strconv.FormatBool(s.EnableDns64) }},
		{Name: "ipv6-native", Value: func(s *ec2.Subnet) string { return "false" }},
		{Name: "ipv6-cidr-block-association.ipv6-cidr-block", Values: func(s *ec2.Subnet) []string {
			return subnetV6Values(s, func(a ec2.VpcIpv6CidrBlockAssociation) string { return a.Ipv6CidrBlock })
		}},
		{Name: "ipv6-cidr-block-association.association-id", Values: func(s *ec2.Subnet) []string {
			return subnetV6Values(s, func(a ec2.VpcIpv6CidrBlockAssociation) string { return a.AssociationId })
		}},
		{Name: "ipv6-cidr-block-association.state", Values: func(s *ec2.Subnet) []string {
			return subnetV6Values(s, func(a ec2.VpcIpv6CidrBlockAssociation) string { return a.Ipv6CidrBlockState.State })
		}},
		// Outposts' and local network interfaces' attributes: ec2x has neither.
		{Name: "customer-owned-ipv4-pool", Values: func(s *ec2.Subnet) []string { return nil }},
		{Name: "enable-lni-at-device-index", Values: func(s *ec2.Subnet) []string { return nil }},
		{Name: "outpost-arn", Values: func(s *ec2.Subnet) []string { return nil }},
		{Name: "private-dns-name-options-on-launch.hostname-type", Value: func(s *ec2.Subnet) string { return s.PrivateDnsNameOptionsOnLaunch.HostnameType }},
		{Name: "private-dns-name-options-on-launch.enable-resource-name-dns-a-record", Value: func(s *ec2.Subnet) string {
			return strconv.FormatBool(s.PrivateDnsNameOptionsOnLaunch.EnableResourceNameDnsARecord)
		}},
		{Name: "private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record", Value: func(s *ec2.Subnet) string {
			return strconv.FormatBool(s.PrivateDnsNameOptionsOnLaunch.EnableResourceNameDnsAAAARecord)
		}},
	},
	Tags: func(s *ec2.Subnet) []ec2.Tag { return s.Tags },
	// In zone order, as the region lays them out.
	Key:    func(k *describe.Key, s *ec2.Subnet) { k.Str(s.AvailabilityZone); k.Str(s.SubnetId) },
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "SubnetIds"},
}

// subnetView is a subnet as DescribeSubnets shows it.
func (s *Service) subnetView(rd state.Reader, sub *netw.Subnet) *ec2.Subnet {
	r := rd.Region()
	return &ec2.Subnet{SubnetId: sub.SubnetId, SubnetArn: "arn:aws:ec2:" + r.Name + ":" + ec2.OwnerID + ":subnet/" + sub.SubnetId,
		VpcId: sub.VpcId, AvailabilityZone: sub.Zone, AvailabilityZoneId: s.zoneID(rd, sub.Zone), CidrBlock: sub.Cidr.String(),
		AvailableIpAddressCount: sub.Available(), DefaultForAz: sub.Default, MapPublicIpOnLaunch: sub.MapPublic,
		AssignIpv6AddressOnCreation: sub.AssignIpv6, EnableDns64: sub.Dns64, Ipv6CidrBlockAssociationSet: subnetV6Set(sub),
		PrivateDnsNameOptionsOnLaunch: &ec2.PrivateDnsNameOptionsOnLaunch{HostnameType: or(sub.HostnameType, "ip-name"),
			EnableResourceNameDnsARecord: sub.DnsA, EnableResourceNameDnsAAAARecord: sub.DnsAAAA},
		State: "available", OwnerId: ec2.OwnerID, Tags: netTagsOf(rd, sub.SubnetId)}
}

// subnetV6Set is a subnet's IPv6 blocks as DescribeSubnets shows them.
func subnetV6Set(sub *netw.Subnet) []ec2.VpcIpv6CidrBlockAssociation {
	out := []ec2.VpcIpv6CidrBlockAssociation{}
	for _, b := range sub.Ipv6 {
		out = append(out, ec2.VpcIpv6CidrBlockAssociation{AssociationId: b.AssociationId, Ipv6CidrBlock: b.Cidr, Ipv6CidrBlockState: ec2.VpcCidrBlockState{State: "associated"}})
	}
	return out
}

// zoneID is a zone's ID ("" for a zone the region does not have).
func (s *Service) zoneID(rd state.Reader, zone string) string {
	r := rd.Region()
	for i, z := range r.Cfg.Zones {
		if z == zone {
			return catalog.ZoneID(r.Cfg, r.Name, i)
		}
	}
	return ""
}

// DescribeSubnets lists the region's subnets with their free addresses.
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
				views = append(views, s.subnetView(r, sub))
			}
		}
		return views, nil
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeSubnetsOutput{Subnets: out, NextToken: next}, nil
}

// subnetV6Values is each of a subnet's IPv6 blocks' field.
func subnetV6Values(s *ec2.Subnet, f func(a ec2.VpcIpv6CidrBlockAssociation) string) []string {
	out := make([]string, len(s.Ipv6CidrBlockAssociationSet))
	for i, a := range s.Ipv6CidrBlockAssociationSet {
		out[i] = f(a)
	}
	return out
}

// vpcValues is each of a VPC's blocks' field.
func vpcValues(v *ec2.Vpc, f func(a ec2.VpcCidrBlockAssociation) string) []string {
	out := make([]string, len(v.CidrBlockAssociationSet))
	for i, a := range v.CidrBlockAssociationSet {
		out[i] = f(a)
	}
	return out
}

// vpcV6Values is vpcValues for the IPv6 blocks.
func vpcV6Values(v *ec2.Vpc, f func(a ec2.VpcIpv6CidrBlockAssociation) string) []string {
	out := make([]string, len(v.Ipv6CidrBlockAssociationSet))
	for i, a := range v.Ipv6CidrBlockAssociationSet {
		out[i] = f(a)
	}
	return out
}

var vpcSpec = &describe.Spec[*ec2.Vpc]{
	Fields: []describe.Field[*ec2.Vpc]{
		{Name: "vpc-id", Value: func(v *ec2.Vpc) string { return v.VpcId }},
		{Name: "cidr", Value: func(v *ec2.Vpc) string { return v.CidrBlock }},
		{Name: "cidr-block-association.cidr-block", Values: func(v *ec2.Vpc) []string {
			return vpcValues(v, func(a ec2.VpcCidrBlockAssociation) string { return a.CidrBlock })
		}},
		{Name: "cidr-block-association.association-id", Values: func(v *ec2.Vpc) []string {
			return vpcValues(v, func(a ec2.VpcCidrBlockAssociation) string { return a.AssociationId })
		}},
		{Name: "cidr-block-association.state", Values: func(v *ec2.Vpc) []string {
			return vpcValues(v, func(a ec2.VpcCidrBlockAssociation) string { return a.CidrBlockState.State })
		}},
		{Name: "ipv6-cidr-block-association.ipv6-cidr-block", Values: func(v *ec2.Vpc) []string {
			return vpcV6Values(v, func(a ec2.VpcIpv6CidrBlockAssociation) string { return a.Ipv6CidrBlock })
		}},
		{Name: "ipv6-cidr-block-association.association-id", Values: func(v *ec2.Vpc) []string {
			return vpcV6Values(v, func(a ec2.VpcIpv6CidrBlockAssociation) string { return a.AssociationId })
		}},
		{Name: "ipv6-cidr-block-association.state", Values: func(v *ec2.Vpc) []string {
			return vpcV6Values(v, func(a ec2.VpcIpv6CidrBlockAssociation) string { return a.Ipv6CidrBlockState.State })
		}},
		{Name: "ipv6-cidr-block-association.ipv6-pool", Values: func(v *ec2.Vpc) []string {
			return vpcV6Values(v, func(a ec2.VpcIpv6CidrBlockAssociation) string { return a.Ipv6Pool })
		}},
		{Name: "dhcp-options-id", Value: func(v *ec2.Vpc) string { return v.DhcpOptionsId }},
		{Name: "is-default", Value: func(v *ec2.Vpc) string { return strconv.FormatBool(v.IsDefault) }},
		{Name: "isDefault", Value: func(v *ec2.Vpc) string { return strconv.FormatBool(v.IsDefault) }},
		{Name: "instance-tenancy", Value: func(v *ec2.Vpc) string { return v.InstanceTenancy }},
		{Name: "state", Value: func(v *ec2.Vpc) string { return v.State }},
		{Name: "owner-id", Value: func(v *ec2.Vpc) string { return v.OwnerId }},
	},
	Tags:   func(v *ec2.Vpc) []ec2.Tag { return v.Tags },
	Key:    func(k *describe.Key, v *ec2.Vpc) { k.Str(v.VpcId) },
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "VpcIds"},
}

// DescribeVpcs lists the region's VPCs.
func (s *Service) DescribeVpcs(ctx context.Context, region string, in *ec2.DescribeVpcsInput) (*ec2.DescribeVpcsOutput, error) {
	q := describe.Query{Filters: in.Filters, IDs: in.VpcIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeVpcs"}
	out, next, err := state.Describe(s.rt, region, vpcSpec, q, func(r *state.Region) ([]*ec2.Vpc, error) {
		net := s.book(r).net
		for _, id := range in.VpcIds {
			if net.VpcByID(id) == nil {
				return nil, vpcNotFound(id)
			}
		}
		var views []*ec2.Vpc
		for _, v := range net.Vpcs {
			if len(in.VpcIds) == 0 || contains(in.VpcIds, v.VpcId) {
				views = append(views, s.vpcView(r, v))
			}
		}
		return views, nil
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

// NetTags is the table of the VPCs' and subnets' tags (they live in the
// region's network record): ntag/<region>/<id>.
var NetTags = tagging.BesideTable("ntag")

// netTagsOf is a VPC's or subnet's tags.
func netTagsOf(rd state.Reader, id string) []ec2.Tag { return tagging.BesideOf(rd, NetTags, id) }

// vpcTags and subnetTags are the taggable kinds of VPCs and subnets.
func (s *Service) vpcTags() tagging.Kind {
	return tagging.BesideKind(NetTags, "vpc-", "vpc", func(rd state.Reader, id string) error {
		if s.book(rd.Region()).net.VpcByID(id) == nil {
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
