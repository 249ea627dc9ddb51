package network

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/netw"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// EC2's default quotas and bounds for VPCs.
const (
	maxVpcsPerRegion = 5
	maxBlocksPerVpc  = 5
	minVpcBits       = 16 // the largest block: /16
	maxVpcBits       = 28 // the smallest: /28
)

// saveNet writes the region's network record in tx (it holds every VPC
// and subnet; a few KB).
func (s *Service) saveNet(tx *state.Tx) {
	tx.PutKey(networkKey(tx.Region().Name), s.book(tx.Region()).net, nil)
}

// vpcFor is a VPC by ID, or EC2's error for one that is malformed or
// unknown.
func (s *Service) vpcFor(rd state.Reader, id string) (*netw.Vpc, error) {
	if v := s.book(rd.Region()).net.VpcByID(id); v != nil {
		return v, nil
	}
	if id == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter VpcId")
	}
	return nil, vpcNotFound(id)
}

// vpcBlock checks an IPv4 block for a VPC: /16 to /28, given as its
// network address.
func vpcBlock(cidr string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() {
		return p, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter cidrBlock is invalid. This is not a valid CIDR block.", cidr)
	}
	if p.Bits() < minVpcBits || p.Bits() > maxVpcBits {
		return p, ec2.Errorf(ec2.CodeInvalidVpcRange, "The CIDR '%s' is invalid.", cidr)
	}
	return p.Masked(), nil
}

// vpcView is a VPC as DescribeVpcs shows it.
func (s *Service) vpcView(rd state.Reader, v *netw.Vpc) *ec2.Vpc {
	out := &ec2.Vpc{VpcId: v.VpcId, CidrBlock: v.Cidr().String(), InstanceTenancy: or(v.Tenancy, "default"), IsDefault: v.IsDefault,
		State: "available", OwnerId: ec2.OwnerID, DhcpOptionsId: s.parts.dhcpOptionsID(rd, v.VpcId), Tags: netTagsOf(rd, v.VpcId)}
	for _, b := range v.Blocks {
		out.CidrBlockAssociationSet = append(out.CidrBlockAssociationSet, ec2.VpcCidrBlockAssociation{AssociationId: b.AssociationId,
			CidrBlock: b.Cidr, CidrBlockState: ec2.VpcCidrBlockState{State: "associated"}})
	}
	for _, b := range v.Ipv6 {
		out.Ipv6CidrBlockAssociationSet = append(out.Ipv6CidrBlockAssociationSet, ipv6View(b, rd.Region().Name))
	}
	return out
}

// ipv6View is an Amazon-provided IPv6 block as EC2 shows it: advertised
// from the region's own network border group.
func ipv6View(b netw.CidrBlock, region string) ec2.VpcIpv6CidrBlockAssociation {
	return ec2.VpcIpv6CidrBlockAssociation{AssociationId: b.AssociationId, Ipv6CidrBlock: b.Cidr,
		Ipv6CidrBlockState: ec2.VpcCidrBlockState{State: "associated"}, NetworkBorderGroup: region, Ipv6Pool: "Amazon"}
}

// newIpv6Block is an Amazon-provided /56 for a VPC: unique in the
// region, from the documentation prefix (no route leads there).
func newIpv6Block(tx *state.Tx) netw.CidrBlock {
	v := tx.Region().Rand().Uint32()
	a := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, byte(v >> 16), byte(v >> 8), byte(v), 0})
	return netw.CidrBlock{AssociationId: tx.Region().NewID("vpc-cidr-assoc"), Cidr: netip.PrefixFrom(a, 56).String()}
}

// CreateVpc makes a VPC with its default security group (and, through
// its parts, its main route table, default network ACL and DHCP options).
func (s *Service) CreateVpc(ctx context.Context, region string, in *ec2.CreateVpcInput) (*ec2.VpcOutput, error) {
	switch {
	case in.Ipv4IpamPoolId != "" || in.Ipv6IpamPoolId != "":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "IPAM pools are not offered by ec2x: give CidrBlock.")
	case in.CidrBlock == "":
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.")
	case in.Ipv6CidrBlock != "" || in.Ipv6Pool != "":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "ec2x has no BYOIP IPv6 pools: use AmazonProvidedIpv6CidrBlock.")
	}
	switch in.InstanceTenancy {
	case "", "default", "dedicated":
	default:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter instanceTenancy is invalid. Valid values: default, dedicated", in.InstanceTenancy)
	}
	block, err := vpcBlock(in.CidrBlock)
	if err != nil {
		return nil, err
	}
	tags, err := tagging.FromSpecs(in.TagSpecifications, "vpc")
	if err != nil {
		return nil, err
	}
	var out *ec2.VpcOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		net := s.book(tx.Region()).net
		if len(net.Vpcs) >= maxVpcsPerRegion {
			return ec2.Errorf(ec2.CodeVpcLimitExceeded, "The maximum number of VPCs has been reached.")
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		r := tx.Region()
		v := &netw.Vpc{VpcId: r.NewID("vpc"), Blocks: []netw.CidrBlock{{AssociationId: r.NewID("vpc-cidr-assoc"), Cidr: block.String()}},
			DefaultGroupId: r.NewID("sg"), DnsSupport: true}
		if in.InstanceTenancy == "dedicated" {
			v.Tenancy = "dedicated"
		}
		if in.AmazonProvidedIpv6CidrBlock {
			v.Ipv6 = []netw.CidrBlock{newIpv6Block(tx)}
		}
		return s.addVpc(tx, v, nil, tags, func() { out = &ec2.VpcOutput{Vpc: createdView(s.vpcView(tx, v))} })
	})
	return out, err
}

// createdView is a new VPC as its creation answers it: pending, as EC2
// answers (DescribeVpcs then finds it available).
func createdView(v *ec2.Vpc) *ec2.Vpc {
	v.State = "pending"
	return v
}

// addVpc records a new VPC and its subnets in tx with its default group
// and its parts; view runs once all of it is in place.
func (s *Service) addVpc(tx *state.Tx, v *netw.Vpc, subs []*netw.Subnet, tags []ec2.Tag, view func()) error {
	net := s.book(tx.Region()).net
	v.DhcpOptionsId = s.newVpcDhcp(tx)
	oldVpcs, oldSubs := net.Vpcs, net.Subnets
	oldID, oldCidr, oldGroup := net.VpcId, net.VpcCidr, net.DefaultGroupId
	tx.OnRollback(func() {
		net.Vpcs, net.Subnets = oldVpcs, oldSubs
		net.VpcId, net.VpcCidr, net.DefaultGroupId = oldID, oldCidr, oldGroup
	})
	if v.IsDefault {
		net.Vpcs = append([]*netw.Vpc{v}, slices.Clone(net.Vpcs)...)
		net.Subnets = append(subs, slices.Clone(net.Subnets)...)
		net.VpcId, net.VpcCidr, net.DefaultGroupId = v.VpcId, v.Cidr(), v.DefaultGroupId
	} else {
		net.Vpcs = append(slices.Clone(net.Vpcs), v)
	}
	state.Put(tx, Groups, defaultGroup(v.DefaultGroupId, v.VpcId))
	if len(tags) > 0 {
		state.Put(tx, NetTags, &tagging.Beside{ResourceId: v.VpcId, Tags: tags})
	}
	if err := s.parts.created(tx, v.VpcId, v.IsDefault); err != nil {
		return err
	}
	s.saveNet(tx)
	view()
	return nil
}

// CreateDefaultVpc makes a new default VPC, with a default subnet in
// every zone, once the region has none.
func (s *Service) CreateDefaultVpc(ctx context.Context, region string, in *ec2.DryRunInput) (*ec2.VpcOutput, error) {
	var out *ec2.VpcOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		net := s.book(tx.Region()).net
		if net.VpcId != "" {
			return ec2.Errorf(ec2.CodeDefaultVpcAlreadyExists, "A Default VPC already exists for this account in this region.")
		}
		if len(net.Vpcs) >= maxVpcsPerRegion {
			return ec2.Errorf(ec2.CodeVpcLimitExceeded, "The maximum number of VPCs has been reached.")
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		rc := tx.Region().Cfg
		// Laid out on a copy, then added as any VPC is.
		scratch := &netw.Region{}
		v, err := scratch.AddDefaultVpc(netip.MustParsePrefix(rc.VpcCidr), rc.SubnetPrefix, rc.Zones, tx.Region().NewID)
		if err != nil {
			return fmt.Errorf("default VPC of %s: %w", tx.Region().Name, err)
		}
		return s.addVpc(tx, v, scratch.Subnets, nil, func() { out = &ec2.VpcOutput{Vpc: createdView(s.vpcView(tx, v))} })
	})
	return out, err
}

// vpcDependents lists what keeps a VPC from being deleted: its subnets,
// its groups but the default, its interfaces, and its parts'.
func (s *Service) vpcDependents(rd state.Reader, v *netw.Vpc) []string {
	var deps []string
	for _, sub := range s.book(rd.Region()).net.SubnetsOf(v.VpcId) {
		deps = append(deps, sub.SubnetId)
	}
	state.Each(rd, Groups, func(g *Group) bool {
		if g.VpcId == v.VpcId && g.GroupId != v.DefaultGroupId {
			deps = append(deps, g.GroupId)
		}
		return true
	})
	return append(deps, s.parts.blockers(rd, v.VpcId)...)
}

// DeleteVpc deletes a VPC that nothing depends on, with its default group
// and parts; deleting the default VPC leaves the region without one.
func (s *Service) DeleteVpc(ctx context.Context, region string, in *ec2.VpcIdInput) (*ec2.Empty, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		v, err := s.vpcFor(tx, in.VpcId)
		if err != nil {
			return err
		}
		if deps := s.vpcDependents(tx, v); len(deps) > 0 {
			return ec2.Errorf(ec2.CodeDependencyViolation, "The vpc '%s' has dependencies and cannot be deleted.", v.VpcId)
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		net := s.book(tx.Region()).net
		oldVpcs := net.Vpcs
		oldID, oldCidr, oldGroup := net.VpcId, net.VpcCidr, net.DefaultGroupId
		tx.OnRollback(func() {
			net.Vpcs = oldVpcs
			net.VpcId, net.VpcCidr, net.DefaultGroupId = oldID, oldCidr, oldGroup
		})
		net.Vpcs = slices.DeleteFunc(slices.Clone(net.Vpcs), func(x *netw.Vpc) bool { return x == v })
		if v.IsDefault {
			net.VpcId, net.VpcCidr, net.DefaultGroupId = "", netip.Prefix{}, ""
		}
		if state.Get(tx, Groups, v.DefaultGroupId) != nil {
			state.Delete(tx, Groups, v.DefaultGroupId)
		}
		if state.Get(tx, NetTags, v.VpcId) != nil {
			state.Delete(tx, NetTags, v.VpcId)
		}
		s.parts.deleted(tx, v.VpcId)
		s.saveNet(tx)
		return nil
	})
	return empty(err)
}

// groupInVpc is the group of a VPC with that name, or nil.
func groupInVpc(rd state.Reader, vpc, name string) *Group {
	var found *Group
	state.Each(rd, Groups, func(g *Group) bool {
		if g.VpcId == vpc && g.GroupName == name {
			found = g
			return false
		}
		return true
	})
	return found
}

// empty is the answer of an action that returns nothing.
func empty(err error) (*ec2.Empty, error) {
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{}, nil
}

// changeVpc runs f on a VPC's copy and stores it in its place: the
// record is changed only when f succeeds.
func (s *Service) changeVpc(tx *state.Tx, id string, f func(v *netw.Vpc) error) (*netw.Vpc, error) {
	v, err := s.vpcFor(tx, id)
	if err != nil {
		return nil, err
	}
	n := *v
	n.Blocks, n.Ipv6 = slices.Clone(v.Blocks), slices.Clone(v.Ipv6)
	if err := f(&n); err != nil {
		return nil, err
	}
	net := s.book(tx.Region()).net
	old := net.Vpcs
	net.Vpcs = slices.Clone(old)
	net.Vpcs[slices.Index(old, v)] = &n
	tx.OnRollback(func() { net.Vpcs = old })
	s.saveNet(tx)
	return &n, nil
}

// ModifyVpcAttribute sets one of a VPC's DNS or usage-metrics attributes.
func (s *Service) ModifyVpcAttribute(ctx context.Context, region string, in *ec2.ModifyVpcAttributeInput) (*ec2.Empty, error) {
	var set func(v *netw.Vpc, on bool)
	var value *ec2.AttributeBooleanValue
	var given []string
	for _, a := range []struct {
		name string
		v    *ec2.AttributeBooleanValue
		set  func(v *netw.Vpc, on bool)
	}{
		{"enableDnsSupport", in.EnableDnsSupport, func(v *netw.Vpc, on bool) { v.DnsSupport = on }},
		{"enableDnsHostnames", in.EnableDnsHostnames, func(v *netw.Vpc, on bool) { v.DnsHostnames = on }},
		{"enableNetworkAddressUsageMetrics", in.EnableNetworkAddressUsageMetrics, func(v *netw.Vpc, on bool) { v.NauMetrics = on }},
	} {
		if a.v != nil {
			given = append(given, a.name)
			set, value = a.set, a.v
		}
	}
	switch {
	case len(given) == 0:
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain exactly one attribute to modify.")
	case len(given) > 1:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Fields for multiple attribute types specified: %s", strings.Join(given, ", "))
	case value.Value == nil:
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter Value.")
	}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		_, err := s.changeVpc(tx, in.VpcId, func(v *netw.Vpc) error {
			set(v, *value.Value)
			if v.DnsHostnames && !v.DnsSupport {
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "DNS hostnames need DNS resolution: enable enableDnsSupport first (or disable enableDnsHostnames).")
			}
			return nil
		})
		return err
	})
	return empty(err)
}

// DescribeVpcAttribute answers one attribute of a VPC.
func (s *Service) DescribeVpcAttribute(ctx context.Context, region string, in *ec2.DescribeVpcAttributeInput) (*ec2.DescribeVpcAttributeOutput, error) {
	var out *ec2.DescribeVpcAttributeOutput
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	err = r.View(func(r *state.Region) error {
		v, err := s.vpcFor(r, in.VpcId)
		if err != nil {
			return err
		}
		out = &ec2.DescribeVpcAttributeOutput{VpcId: v.VpcId}
		switch in.Attribute {
		case "enableDnsSupport":
			out.EnableDnsSupport = ec2.BoolValue(v.DnsSupport)
		case "enableDnsHostnames":
			out.EnableDnsHostnames = ec2.BoolValue(v.DnsHostnames)
		case "enableNetworkAddressUsageMetrics":
			out.EnableNetworkAddressUsageMetrics = ec2.BoolValue(v.NauMetrics)
		case "":
			return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter Attribute")
		default:
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter attribute is invalid. Valid values: enableDnsSupport, enableDnsHostnames, enableNetworkAddressUsageMetrics", in.Attribute)
		}
		return dryRun(in.DryRun)
	})
	return out, err
}

// AssociateVpcCidrBlock adds a secondary IPv4 block (not overlapping the
// VPC's others) or an Amazon-provided IPv6 block to a VPC.
func (s *Service) AssociateVpcCidrBlock(ctx context.Context, region string, in *ec2.AssociateVpcCidrBlockInput) (*ec2.VpcCidrBlockOutput, error) {
	switch {
	case in.Ipv4IpamPoolId != "" || in.Ipv6IpamPoolId != "" || in.Ipv6CidrBlock != "" || in.Ipv6Pool != "":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "ec2x has no IPAM or BYOIP pools: give CidrBlock or AmazonProvidedIpv6CidrBlock.")
	case (in.CidrBlock == "") == !in.AmazonProvidedIpv6CidrBlock:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Exactly one of CidrBlock and AmazonProvidedIpv6CidrBlock must be given.")
	}
	var out *ec2.VpcCidrBlockOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		_, err := s.changeVpc(tx, in.VpcId, func(v *netw.Vpc) error {
			out = &ec2.VpcCidrBlockOutput{VpcId: v.VpcId}
			if in.AmazonProvidedIpv6CidrBlock {
				if len(v.Ipv6) > 0 {
					return ec2.Errorf(ec2.CodeCidrLimitExceeded, "This network '%s' has met its maximum number of allowed CIDRs: 1", v.VpcId)
				}
				b := newIpv6Block(tx)
				v.Ipv6 = append(v.Ipv6, b)
				a := ipv6View(b, tx.Region().Name)
				a.Ipv6CidrBlockState.State = "associating"
				out.Ipv6CidrBlockAssociation = &a
				s.parts.ipv6Added(tx, v.VpcId)
				return nil
			}
			p, err := vpcBlock(in.CidrBlock)
			if err != nil {
				return err
			}
			if len(v.Blocks) >= maxBlocksPerVpc {
				return ec2.Errorf(ec2.CodeCidrLimitExceeded, "This network '%s' has met its maximum number of allowed CIDRs: %d", v.VpcId, maxBlocksPerVpc)
			}
			for _, b := range v.Blocks {
				if b.Prefix().Overlaps(p) {
					return ec2.Errorf(ec2.CodeInvalidVpcRange, "The CIDR '%s' conflicts with another subnet", p)
				}
			}
			if restrictedBlock(v.Cidr(), p) {
				return ec2.Errorf(ec2.CodeInvalidVpcRange, "The CIDR '%s' is restricted. Use a CIDR from the same private address range as the current VPC CIDR, or use a publicly-routable CIDR.", p)
			}
			b := netw.CidrBlock{AssociationId: tx.Region().NewID("vpc-cidr-assoc"), Cidr: p.String()}
			v.Blocks = append(v.Blocks, b)
			out.CidrBlockAssociation = &ec2.VpcCidrBlockAssociation{AssociationId: b.AssociationId, CidrBlock: b.Cidr,
				CidrBlockState: ec2.VpcCidrBlockState{State: "associating"}}
			return nil
		})
		return err
	})
	return out, err
}

// privateRanges are the ranges whose blocks a VPC does not mix: RFC 1918's
// three and 198.19.0.0/16.
var privateRanges = [...]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("198.19.0.0/16")}

// restrictedBlock reports whether EC2 refuses p as a secondary block of a
// VPC whose primary block is primary: a block from one of privateRanges
// other than the primary's own (any of them when the primary is publicly
// routable or in 100.64.0.0/10).
func restrictedBlock(primary, p netip.Prefix) bool {
	for _, r := range privateRanges {
		if r.Overlaps(p) && !r.Contains(primary.Addr()) {
			return true
		}
	}
	return false
}

// DisassociateVpcCidrBlock removes a secondary block no subnet uses; the
// primary block stays with its VPC.
func (s *Service) DisassociateVpcCidrBlock(ctx context.Context, region string, in *ec2.AssociationIdInput) (*ec2.VpcCidrBlockOutput, error) {
	var out *ec2.VpcCidrBlockOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		net := s.book(tx.Region()).net
		for _, v := range net.Vpcs {
			for i, b := range v.Blocks {
				if b.AssociationId != in.AssociationId {
					continue
				}
				if i == 0 {
					return ec2.Errorf(ec2.CodeOperationNotPermitted, "The vpc CIDR block with association ID %s may not be disassociated. It is the primary IPv4 CIDR block of the VPC", b.AssociationId)
				}
				for _, sub := range net.SubnetsOf(v.VpcId) {
					if b.Prefix().Overlaps(sub.Cidr) {
						return ec2.Errorf(ec2.CodeInvalidCidrBlockInUse, "The vpc %s currently has a subnet within CIDR block %s", v.VpcId, b.Cidr)
					}
				}
				_, err := s.changeVpc(tx, v.VpcId, func(n *netw.Vpc) error { n.Blocks = slices.Delete(n.Blocks, i, i+1); return nil })
				out = &ec2.VpcCidrBlockOutput{VpcId: v.VpcId, CidrBlockAssociation: &ec2.VpcCidrBlockAssociation{AssociationId: b.AssociationId,
					CidrBlock: b.Cidr, CidrBlockState: ec2.VpcCidrBlockState{State: "disassociating"}}}
				return err
			}
			for i, b := range v.Ipv6 {
				if b.AssociationId == in.AssociationId {
					for _, sub := range net.SubnetsOf(v.VpcId) {
						for _, sb := range sub.Ipv6 {
							if b.Prefix().Overlaps(sb.Prefix()) {
								return ec2.Errorf(ec2.CodeInvalidCidrBlockInUse, "The vpc %s currently has a subnet within CIDR block %s", v.VpcId, b.Cidr)
							}
						}
					}
					_, err := s.changeVpc(tx, v.VpcId, func(n *netw.Vpc) error { n.Ipv6 = slices.Delete(n.Ipv6, i, i+1); return nil })
					a := ipv6View(b, tx.Region().Name)
					a.Ipv6CidrBlockState.State = "disassociating"
					out = &ec2.VpcCidrBlockOutput{VpcId: v.VpcId, Ipv6CidrBlockAssociation: &a}
					return err
				}
			}
		}
		return ec2.Errorf(ec2.CodeInvalidVpcCidrBlockAssociationIDNotFound, "The vpc CIDR block association ID '%s' does not exist", in.AssociationId)
	})
	return out, err
}

// ModifyVpcTenancy changes a dedicated VPC to default tenancy, the only
// change EC2 allows.
func (s *Service) ModifyVpcTenancy(ctx context.Context, region string, in *ec2.ModifyVpcTenancyInput) (*ec2.ReturnValueOutput, error) {
	if in.InstanceTenancy != "default" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter InstanceTenancy is invalid. The only valid value is default.", in.InstanceTenancy)
	}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		if _, err := s.vpcFor(tx, in.VpcId); err != nil {
			return err
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		_, err := s.changeVpc(tx, in.VpcId, func(v *netw.Vpc) error { v.Tenancy = ""; return nil })
		return err
	})
	if err != nil {
		return nil, err
	}
	return &ec2.ReturnValueOutput{ReturnValue: true}, nil
}

// GroupsForSubnet fits an interface's groups to its subnet's VPC: no
// groups given is that VPC's default group; a group of another VPC is
// refused as EC2 refuses it. sub nil is the default VPC's subnet the
// launch will choose; with no default VPC, a subnet must be named.
func (s *Service) GroupsForSubnet(rd state.Reader, sub *netw.Subnet, given bool, ids []string) ([]string, error) {
	net := s.book(rd.Region()).net
	vpc, subID := net.VpcId, ""
	if sub != nil {
		vpc, subID = sub.VpcId, sub.SubnetId
	}
	if vpc == "" {
		return nil, ec2.Errorf(ec2.CodeVPCIdNotSpecified, "No default VPC for this user. Specify a subnet.")
	}
	if !given {
		if vpc == net.VpcId {
			return ids, nil // the default VPC's default group, as resolved
		}
		return []string{s.VpcDefaultGroup(rd, vpc)}, nil
	}
	for _, id := range ids {
		if g := state.Get(rd, Groups, id); g != nil && g.VpcId != vpc && !slices.Contains(g.VpcAssociations, vpc) {
			if subID == "" {
				return nil, ec2.Errorf(ec2.CodeInvalidParameter, "Security group %s is not in the default VPC %s: give a subnet of %s.", id, vpc, g.VpcId)
			}
			return nil, ec2.Errorf(ec2.CodeInvalidParameter, "Security group %s and subnet %s belong to different networks.", id, subID)
		}
	}
	return ids, nil
}
