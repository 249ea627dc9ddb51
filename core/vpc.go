package core

import "context"

// Subnet is a subnet as DescribeSubnets shows it.
type Subnet struct {
	SubnetId                string `json:"SubnetId"`
	VpcId                   string `json:"VpcId"`
	AvailabilityZone        string `json:"AvailabilityZone"`
	CidrBlock               string `json:"CidrBlock"`
	AvailableIpAddressCount int    `json:"AvailableIpAddressCount"`
	DefaultForAz            bool   `json:"DefaultForAz"`
	MapPublicIpOnLaunch     bool   `json:"MapPublicIpOnLaunch"`
	State                   string `json:"State"`
	OwnerId                 string `json:"OwnerId"`
}

// DescribeSubnetsInput is EC2's DescribeSubnets request.
type DescribeSubnetsInput struct {
	SubnetIds []string `json:"SubnetIds,omitempty"`
	Filters   []Filter `json:"Filters,omitempty"`
}

// DescribeSubnetsOutput lists subnets.
type DescribeSubnetsOutput struct {
	Subnets []Subnet `json:"Subnets"`
}

var subnetFilters = map[string]func(s *Subnet) []string{
	"subnet-id":         func(s *Subnet) []string { return []string{s.SubnetId} },
	"vpc-id":            func(s *Subnet) []string { return []string{s.VpcId} },
	"availability-zone": func(s *Subnet) []string { return []string{s.AvailabilityZone} },
	"cidr-block":        func(s *Subnet) []string { return []string{s.CidrBlock} },
	"default-for-az": func(s *Subnet) []string {
		if s.DefaultForAz {
			return []string{"true"}
		}
		return []string{"false"}
	},
}

// DescribeSubnets lists the default VPC's subnets with their free addresses.
func (c *Cloud) DescribeSubnets(ctx context.Context, region string, in *DescribeSubnetsInput) (*DescribeSubnetsOutput, error) {
	fs, err := compileGeneric(in.Filters, subnetFilters, func(*Subnet) []Tag { return nil })
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
			return nil, Errorf(CodeInvalidSubnetIDNotFound, "The subnet ID '%s' does not exist", id)
		}
	}
	out := &DescribeSubnetsOutput{Subnets: []Subnet{}}
	for _, s := range rs.net.Subnets {
		if len(in.SubnetIds) > 0 && !contains(in.SubnetIds, s.SubnetId) {
			continue
		}
		v := Subnet{SubnetId: s.SubnetId, VpcId: rs.net.VpcId, AvailabilityZone: s.Zone, CidrBlock: s.Cidr.String(),
			AvailableIpAddressCount: s.Available(), DefaultForAz: s.Default, MapPublicIpOnLaunch: true, State: "available", OwnerId: OwnerID}
		if matchGeneric(fs, &v) {
			out.Subnets = append(out.Subnets, v)
		}
	}
	return out, nil
}

// Vpc is a VPC as DescribeVpcs shows it.
type Vpc struct {
	VpcId     string `json:"VpcId"`
	CidrBlock string `json:"CidrBlock"`
	IsDefault bool   `json:"IsDefault"`
	State     string `json:"State"`
	OwnerId   string `json:"OwnerId"`
}

// DescribeVpcsOutput lists VPCs.
type DescribeVpcsOutput struct {
	Vpcs []Vpc `json:"Vpcs"`
}

// DescribeVpcs lists the region's VPCs: its default VPC.
func (c *Cloud) DescribeVpcs(ctx context.Context, region string, _ *Empty) (*DescribeVpcsOutput, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	rs, err := c.region(region)
	if err != nil {
		return nil, err
	}
	return &DescribeVpcsOutput{Vpcs: []Vpc{{VpcId: rs.net.VpcId, CidrBlock: rs.net.VpcCidr.String(), IsDefault: true, State: "available", OwnerId: OwnerID}}}, nil
}
