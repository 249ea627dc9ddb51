package core

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

// Kinds of IDs the network fuzzer remembers for VPCs.
const (
	kVpc    = "vpc"
	kSubnet = "subnet"
	kTable  = "route-table"
)

// netVpcOps are the fuzzer's VPC operations: VPCs, subnets, route tables
// and ACLs made and deleted at random, interfaces made in the subnets.
var netVpcOps = []netOp{
	{weight: 2, do: (*netFuzzer).createVpc},
	{weight: 4, do: (*netFuzzer).createSubnet},
	{weight: 3, do: (*netFuzzer).createENIInSubnet},
	{weight: 2, do: (*netFuzzer).createTable},
	{weight: 2, do: (*netFuzzer).deleteSubnet},
	{weight: 2, do: (*netFuzzer).deleteVpc},
	{weight: 2, do: (*netFuzzer).associateBlock},
	{weight: 1, do: (*netFuzzer).disassociateBlock},
	{weight: 2, do: (*netFuzzer).createReservation},
}

func (f *netFuzzer) createVpc(region string) {
	cidr := fmt.Sprintf("10.%d.0.0/%d", f.rng.IntN(4), 16+f.rng.IntN(9)) // VPCs may overlap each other
	f.logf("create-vpc %s %s", region, cidr)
	out, err := f.e.c.CreateVpc(f.e.ctx, region, &ec2.CreateVpcInput{CidrBlock: cidr})
	if f.expect("create-vpc", err, ec2.CodeVpcLimitExceeded) {
		f.remember(region, kVpc, out.Vpc.VpcId)
		f.logf("  -> %s", out.Vpc.VpcId)
	}
}

func (f *netFuzzer) createSubnet(region string) {
	vpc := f.pick(region, kVpc)
	if vpc == "" {
		return
	}
	// A random block that may fall outside the VPC or over a sibling.
	cidr := fmt.Sprintf("10.%d.%d.%d/%d", f.rng.IntN(4), f.rng.IntN(4)*16, f.rng.IntN(2)*128, 24+f.rng.IntN(5))
	p := netip.MustParsePrefix(cidr).Masked()
	f.logf("create-subnet %s %s %s", region, vpc, p)
	out, err := f.e.c.CreateSubnet(f.e.ctx, region, &ec2.CreateSubnetInput{VpcId: vpc, CidrBlock: p.String(), AvailabilityZone: f.zone(region)})
	f.forget(region, kVpc, vpc, err, ec2.CodeInvalidVpcIDNotFound)
	if f.expect("create-subnet", err, ec2.CodeInvalidSubnetRange, ec2.CodeInvalidSubnetConflict, ec2.CodeInvalidVpcIDNotFound) {
		f.remember(region, kSubnet, out.Subnet.SubnetId)
		f.logf("  -> %s", out.Subnet.SubnetId)
	}
}

func (f *netFuzzer) createENIInSubnet(region string) {
	sub := f.pick(region, kSubnet)
	if sub == "" {
		return
	}
	f.logf("create-eni %s in %s", region, sub)
	out, err := f.e.c.CreateNetworkInterface(f.e.ctx, region, &ec2.CreateNetworkInterfaceInput{SubnetId: sub, SecondaryPrivateIpAddressCount: f.rng.IntN(3)})
	f.forget(region, kSubnet, sub, err, ec2.CodeInvalidSubnetIDNotFound)
	if f.expect("create-eni-in-subnet", err, ec2.CodeInsufficientFreeAddressesInSubnet, ec2.CodeInvalidSubnetIDNotFound) {
		f.remember(region, kENI, out.NetworkInterface.NetworkInterfaceId)
		f.checkReservedAddresses(region, sub, privateIPs(out.NetworkInterface))
	}
}

func (f *netFuzzer) createTable(region string) {
	vpc := f.pick(region, kVpc)
	if vpc == "" {
		return
	}
	f.logf("create-route-table %s %s", region, vpc)
	out, err := f.e.c.CreateRouteTable(f.e.ctx, region, &ec2.CreateRouteTableInput{VpcId: vpc})
	f.forget(region, kVpc, vpc, err, ec2.CodeInvalidVpcIDNotFound)
	if !f.expect("create-route-table", err, ec2.CodeInvalidVpcIDNotFound) {
		return
	}
	f.remember(region, kTable, out.RouteTable.RouteTableId)
	if sub := f.pick(region, kSubnet); sub != "" {
		_, err := f.e.c.AssociateRouteTable(f.e.ctx, region, &ec2.AssociateRouteTableInput{RouteTableId: out.RouteTable.RouteTableId, SubnetId: sub})
		f.expect("associate-route-table", err, ec2.CodeInvalidSubnetIDNotFound, ec2.CodeInvalidParameterValue, ec2.CodeResourceAlreadyAssociated)
	}
}

// deps counts what EC2 says keeps a subnet or VPC from being deleted,
// read through the API before the delete.
func (f *netFuzzer) subnetDeps(region, sub string) int {
	out, err := f.e.c.DescribeNetworkInterfaces(f.e.ctx, region, &ec2.DescribeNetworkInterfacesInput{Filters: []ec2.Filter{{Name: "subnet-id", Values: []string{sub}}}})
	if err != nil {
		f.t.Fatal(err)
	}
	return len(out.NetworkInterfaces)
}

func (f *netFuzzer) vpcDeps(region, vpc string) int {
	filter := []ec2.Filter{{Name: "vpc-id", Values: []string{vpc}}}
	subs, err := f.e.c.DescribeSubnets(f.e.ctx, region, &ec2.DescribeSubnetsInput{Filters: filter})
	if err != nil {
		f.t.Fatal(err)
	}
	groups, err := f.e.c.DescribeSecurityGroups(f.e.ctx, region, &ec2.DescribeSecurityGroupsInput{Filters: filter})
	if err != nil {
		f.t.Fatal(err)
	}
	// Every table but the main one (association.main=false would leave
	// out tables with no association at all, as EC2 does).
	tables, err := f.e.c.DescribeRouteTables(f.e.ctx, region, &ec2.DescribeRouteTablesInput{Filters: filter})
	if err != nil {
		f.t.Fatal(err)
	}
	// the default group and the main table go with the VPC
	return len(subs.Subnets) + len(groups.SecurityGroups) - 1 + len(tables.RouteTables) - 1
}

func (f *netFuzzer) deleteSubnet(region string) {
	sub := f.pick(region, kSubnet)
	if sub == "" {
		return
	}
	deps := f.subnetDeps(region, sub)
	f.logf("delete-subnet %s %s (%d interfaces)", region, sub, deps)
	_, err := f.e.c.DeleteSubnet(f.e.ctx, region, &ec2.SubnetIdInput{SubnetId: sub})
	f.forget(region, kSubnet, sub, err, ec2.CodeInvalidSubnetIDNotFound)
	if ec2.CodeOf(err) == ec2.CodeInvalidSubnetIDNotFound {
		return
	}
	f.dependency("delete-subnet", deps > 0, err)
}

func (f *netFuzzer) deleteVpc(region string) {
	vpc := f.pick(region, kVpc)
	if vpc == "" {
		return
	}
	if _, err := f.e.c.DescribeVpcs(f.e.ctx, region, &ec2.DescribeVpcsInput{VpcIds: []string{vpc}}); err != nil {
		f.forget(region, kVpc, vpc, err, ec2.CodeInvalidVpcIDNotFound)
		return
	}
	deps := f.vpcDeps(region, vpc)
	f.logf("delete-vpc %s %s (%d dependencies)", region, vpc, deps)
	_, err := f.e.c.DeleteVpc(f.e.ctx, region, &ec2.VpcIdInput{VpcId: vpc})
	f.dependency("delete-vpc", deps > 0, err)
	if err == nil {
		f.forget(region, kVpc, vpc, ec2.Errorf(ec2.CodeInvalidVpcIDNotFound, "gone"), ec2.CodeInvalidVpcIDNotFound)
	}
}

// dependency fails unless a delete was refused with DependencyViolation
// exactly when something depended on what it deleted.
func (f *netFuzzer) dependency(op string, deps bool, err error) {
	f.t.Helper()
	refused := ec2.CodeOf(err) == ec2.CodeDependencyViolation
	if err != nil && !refused {
		f.t.Fatalf("%s: %v", op, err)
	}
	if refused != deps {
		f.t.Fatalf("%s: refused %v, but dependencies %v", op, refused, deps)
	}
	f.expect(op, err, ec2.CodeDependencyViolation)
}

// checkVpcInvariants: every subnet lies in one of its VPC's blocks, and
// no two subnets of a VPC overlap; see also checkBlockInvariants.
func checkVpcInvariants(t testing.TB, e *env, region string) {
	t.Helper()
	net := e.net(region)
	checkBlockInvariants(t, net)
	for i, s := range net.Subnets {
		v := net.VpcByID(s.VpcId)
		if v == nil {
			t.Fatalf("subnet %s is in %s, which does not exist", s.SubnetId, s.VpcId)
		}
		if !v.Holds(s.Cidr) {
			t.Fatalf("subnet %s (%s) is outside its VPC %s", s.SubnetId, s.Cidr, v.VpcId)
		}
		for _, o := range net.Subnets[i+1:] {
			if o.VpcId == s.VpcId && o.Cidr.Overlaps(s.Cidr) {
				t.Fatalf("subnets %s (%s) and %s (%s) of %s overlap", s.SubnetId, s.Cidr, o.SubnetId, o.Cidr, s.VpcId)
			}
		}
	}
}
