package core

import (
	"context"

	"github.com/ec2x/ec2x/core/ec2"
)

var subnetFilters = map[string]func(s *ec2.Subnet) []string{
	"subnet-id":         func(s *ec2.Subnet) []string { return []string{s.SubnetId} },
	"vpc-id":            func(s *ec2.Subnet) []string { return []string{s.VpcId} },
	"availability-zone": func(s *ec2.Subnet) []string { return []string{s.AvailabilityZone} },
	"cidr-block":        func(s *ec2.Subnet) []string { return []string{s.CidrBlock} },
	"default-for-az": func(s *ec2.Subnet) []string {
		if s.DefaultForAz {
			return []string{"true"}
		}
		return []string{"false"}
	},
}

// DescribeSubnets lists the default VPC's subnets with their free addresses.
func (c *Cloud) DescribeSubnets(ctx context.Context, region string, in *ec2.DescribeSubnetsInput) (*ec2.DescribeSubnetsOutput, error) {
	fs, err := compileGeneric(in.Filters, subnetFilters, func(*ec2.Subnet) []ec2.Tag { return nil })
	if err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	rs, err := c.region(region)
	if err != nil {
		return nil, err
	}
	for _, id := range in.SubnetIds {
		if rs.net.SubnetByID(id) == nil {
			return nil, ec2.Errorf(ec2.CodeInvalidSubnetIDNotFound, "The subnet ID '%s' does not exist", id)
		}
	}
	out := &ec2.DescribeSubnetsOutput{Subnets: []ec2.Subnet{}}
	for _, s := range rs.net.Subnets {
		if len(in.SubnetIds) > 0 && !contains(in.SubnetIds, s.SubnetId) {
			continue
		}
		v := ec2.Subnet{SubnetId: s.SubnetId, VpcId: rs.net.VpcId, AvailabilityZone: s.Zone, CidrBlock: s.Cidr.String(),
			AvailableIpAddressCount: s.Available(), DefaultForAz: s.Default, MapPublicIpOnLaunch: true, State: "available", OwnerId: ec2.OwnerID}
		if matchGeneric(fs, &v) {
			out.Subnets = append(out.Subnets, v)
		}
	}
	return out, nil
}

// DescribeVpcs lists the region's VPCs: its default VPC.
func (c *Cloud) DescribeVpcs(ctx context.Context, region string, _ *ec2.Empty) (*ec2.DescribeVpcsOutput, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	rs, err := c.region(region)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeVpcsOutput{Vpcs: []ec2.Vpc{{VpcId: rs.net.VpcId, CidrBlock: rs.net.VpcCidr.String(), IsDefault: true, State: "available", OwnerId: ec2.OwnerID}}}, nil
}
