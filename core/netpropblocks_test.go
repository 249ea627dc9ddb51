package core

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/netw"
)

// The fuzzer's operations on VPCs' secondary blocks and subnets' CIDR
// reservations, each with its outcome predicted from what the API shows
// just before.

// secondaryBlock is a random secondary block for a 10.x VPC: mostly
// from 10/8 (often over the VPC's own blocks), sometimes from a private
// range the VPC may not mix with it.
func (f *netFuzzer) secondaryBlock() string {
	if f.rng.IntN(6) == 0 {
		return fmt.Sprintf("192.168.%d.0/24", f.rng.IntN(4))
	}
	return fmt.Sprintf("10.%d.0.0/%d", f.rng.IntN(8), 16+f.rng.IntN(9))
}

func (f *netFuzzer) associateBlock(region string) {
	vpc := f.pick(region, kVpc)
	if vpc == "" {
		return
	}
	b := f.secondaryBlock()
	f.logf("associate-vpc-block %s %s %s", region, vpc, b)
	_, err := f.e.c.AssociateVpcCidrBlock(f.e.ctx, region, &ec2.AssociateVpcCidrBlockInput{VpcId: vpc, CidrBlock: b})
	f.forget(region, kVpc, vpc, err, ec2.CodeInvalidVpcIDNotFound)
	f.expect("associate-vpc-block", err, ec2.CodeInvalidVpcRange, ec2.CodeCidrLimitExceeded, ec2.CodeInvalidVpcIDNotFound)
}

// disassociateBlock removes one of a VPC's blocks at random: refused for
// the primary one and for one a subnet lies in, done otherwise.
func (f *netFuzzer) disassociateBlock(region string) {
	vpc := f.pick(region, kVpc)
	if vpc == "" {
		return
	}
	vs, err := f.e.c.DescribeVpcs(f.e.ctx, region, &ec2.DescribeVpcsInput{VpcIds: []string{vpc}})
	if err != nil {
		f.forget(region, kVpc, vpc, err, ec2.CodeInvalidVpcIDNotFound)
		return
	}
	blocks := vs.Vpcs[0].CidrBlockAssociationSet
	i := f.rng.IntN(len(blocks))
	subs, err := f.e.c.DescribeSubnets(f.e.ctx, region, &ec2.DescribeSubnetsInput{Filters: []ec2.Filter{{Name: "vpc-id", Values: []string{vpc}}}})
	if err != nil {
		f.t.Fatal(err)
	}
	want := ""
	block := netip.MustParsePrefix(blocks[i].CidrBlock)
	for _, s := range subs.Subnets {
		if block.Overlaps(netip.MustParsePrefix(s.CidrBlock)) {
			want = ec2.CodeInvalidCidrBlockInUse
		}
	}
	if i == 0 {
		want = ec2.CodeOperationNotPermitted
	}
	f.logf("disassociate-vpc-block %s %s %s (want %q)", region, vpc, block, want)
	_, err = f.e.c.DisassociateVpcCidrBlock(f.e.ctx, region, &ec2.AssociationIdInput{AssociationId: blocks[i].AssociationId})
	if got := codeOrNone(err); got != want {
		f.t.Fatalf("disassociate-vpc-block %s: %q (%v), want %q", block, got, err, want)
	}
	f.expect("disassociate-vpc-block", err, want)
}

// createReservation sets a random range of a subnet aside: refused
// exactly when it overlaps one of the subnet's reservations.
func (f *netFuzzer) createReservation(region string) {
	sub := f.pick(region, kSubnet)
	if sub == "" {
		return
	}
	ss, err := f.e.c.DescribeSubnets(f.e.ctx, region, &ec2.DescribeSubnetsInput{SubnetIds: []string{sub}})
	if err != nil {
		f.forget(region, kSubnet, sub, err, ec2.CodeInvalidSubnetIDNotFound)
		return
	}
	cidr := netip.MustParsePrefix(ss.Subnets[0].CidrBlock)
	bits := min(32, cidr.Bits()+1+f.rng.IntN(4))
	a := cidr.Addr().As4()
	off := uint32(f.rng.IntN(1<<(bits-cidr.Bits()))) << (32 - bits)
	base := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v := base + off
	p := netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), bits)
	got, err := f.e.c.GetSubnetCidrReservations(f.e.ctx, region, &ec2.GetSubnetCidrReservationsInput{SubnetId: sub})
	if err != nil {
		f.t.Fatal(err)
	}
	want := ""
	for _, r := range got.SubnetIpv4CidrReservations {
		if netip.MustParsePrefix(r.Cidr).Overlaps(p) {
			want = ec2.CodeInvalidParameterValue
		}
	}
	typ := [...]string{"explicit", "prefix"}[f.rng.IntN(2)]
	f.logf("create-reservation %s %s %s %s (want %q)", region, sub, p, typ, want)
	_, err = f.e.c.CreateSubnetCidrReservation(f.e.ctx, region, &ec2.CreateSubnetCidrReservationInput{SubnetId: sub, Cidr: p.String(), ReservationType: typ})
	if code := codeOrNone(err); code != want {
		f.t.Fatalf("create-reservation %s: %q (%v), want %q", p, code, err, want)
	}
	f.expect("create-reservation", err, want)
}

// codeOrNone is err's EC2 code, "" for none.
func codeOrNone(err error) string {
	if err == nil {
		return ""
	}
	return ec2.CodeOf(err)
}

// checkReservedAddresses fails when an interface made in a subnet got an
// address automatically from one of the subnet's reservations.
func (f *netFuzzer) checkReservedAddresses(region, sub string, addrs []string) {
	f.t.Helper()
	got, err := f.e.c.GetSubnetCidrReservations(f.e.ctx, region, &ec2.GetSubnetCidrReservationsInput{SubnetId: sub})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, r := range got.SubnetIpv4CidrReservations {
		p := netip.MustParsePrefix(r.Cidr)
		for _, a := range addrs {
			if p.Contains(netip.MustParseAddr(a)) {
				f.t.Fatalf("interface in %s got %s, inside reservation %s (%s)", sub, a, r.SubnetCidrReservationId, r.Cidr)
			}
		}
	}
}

// checkBlockInvariants: a VPC has one to five IPv4 blocks that do not
// overlap and mix no two private ranges; a subnet's reservations lie in
// it and do not overlap.
func checkBlockInvariants(t testing.TB, net *netw.Region) {
	t.Helper()
	private := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"),
		netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("198.19.0.0/16")}
	rangeOf := func(p netip.Prefix) int {
		for i, r := range private {
			if r.Overlaps(p) {
				return i
			}
		}
		return -1
	}
	for _, v := range net.Vpcs {
		if n := len(v.Blocks); n < 1 || n > 5 {
			t.Fatalf("VPC %s has %d IPv4 blocks", v.VpcId, n)
		}
		for i, b := range v.Blocks {
			p := b.Prefix()
			if i > 0 && rangeOf(p) >= 0 && rangeOf(p) != rangeOf(v.Cidr()) {
				t.Fatalf("VPC %s (%s) has block %s of another private range", v.VpcId, v.Cidr(), p)
			}
			for _, o := range v.Blocks[i+1:] {
				if o.Prefix().Overlaps(p) {
					t.Fatalf("VPC %s has overlapping blocks %s and %s", v.VpcId, p, o.Cidr)
				}
			}
		}
	}
	for _, s := range net.Subnets {
		for i, r := range s.Reservations {
			p := netip.MustParsePrefix(r.Cidr)
			if p.Bits() < s.Cidr.Bits() || !s.Cidr.Contains(p.Addr()) {
				t.Fatalf("reservation %s (%s) is outside subnet %s (%s)", r.Id, p, s.SubnetId, s.Cidr)
			}
			for _, o := range s.Reservations[i+1:] {
				if netip.MustParsePrefix(o.Cidr).Overlaps(p) {
					t.Fatalf("subnet %s has overlapping reservations %s and %s", s.SubnetId, p, o.Cidr)
				}
			}
		}
	}
}
