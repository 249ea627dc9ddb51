package network

import (
	"context"
	"net/netip"
	"slices"
	"strings"

	"github.com/ec2x/ec2x/core/ec2"

	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/hv/vpcnet"
)

// A VPC's policy is what a driver with a real guest network enforces
// between guests: each subnet's network ACL (stateless, at the subnet's
// edge) and each interface's security groups (stateful), with every peer
// resolved to addresses, so that the driver needs to know nothing of
// groups, prefix lists or default ACLs.

// VpcPolicy, and the parts of it, are the fabric's policy types.
type (
	VpcPolicy       = vpcnet.Policy
	SubnetPolicy    = vpcnet.SubnetPolicy
	ACLRule         = vpcnet.ACLRule
	InterfacePolicy = vpcnet.InterfacePolicy
	SGRule          = vpcnet.SGRule
)

// Policy is a VPC's policy now (false: no such VPC).
func (s *Service) Policy(rd state.Reader, vpcID string) (VpcPolicy, bool) {
	vpc := s.book(rd.Region()).net.VpcByID(vpcID)
	if vpc == nil {
		return VpcPolicy{}, false
	}
	p := VpcPolicy{VpcId: vpcID}
	for _, b := range vpc.Blocks {
		p.Cidrs = append(p.Cidrs, b.Prefix())
	}
	if d := state.Get(rd, DhcpSets, vpc.DhcpOptionsId); d != nil {
		for _, o := range d.Options {
			switch o.Key {
			case "domain-name":
				p.DomainName = strings.Join(o.Values, " ")
			case "domain-name-servers":
				// AmazonProvidedDNS is the VPC's resolver: left to the driver
				p.DNS = slices.DeleteFunc(slices.Clone(o.Values), func(v string) bool { return v == "AmazonProvidedDNS" })
			}
		}
	}
	subnets := map[string]bool{}
	for _, sub := range s.book(rd.Region()).net.Subnets {
		if sub.VpcId != vpcID {
			continue
		}
		subnets[sub.SubnetId] = true
		sp := SubnetPolicy{SubnetId: sub.SubnetId, Cidr: sub.Cidr, Internet: s.InternetRouted(rd, sub.SubnetId)}
		if a := s.SubnetACL(rd, sub.SubnetId); a != nil {
			sp.Inbound, sp.Outbound = a.rules(false), a.rules(true)
		}
		p.Subnets = append(p.Subnets, sp)
	}
	state.Each(rd, Interfaces, func(e *ENI) bool {
		if !subnets[e.SubnetId] {
			return true
		}
		ip := InterfacePolicy{NetworkInterfaceId: e.NetworkInterfaceId, SubnetId: e.SubnetId, MAC: e.MacAddress}
		for _, a := range e.Addrs {
			if x, err := netip.ParseAddr(a.Private); err == nil {
				ip.IPs = append(ip.IPs, x)
			}
		}
		for _, id := range e.Groups {
			if g := state.Get(rd, Groups, id); g != nil {
				ip.Ingress = append(ip.Ingress, sgRules(rd, g.IpPermissions)...)
				ip.Egress = append(ip.Egress, sgRules(rd, g.egress())...)
			}
		}
		p.Interfaces = append(p.Interfaces, ip)
		return true
	})
	return p, true
}

// rules are an ACL's IPv4 rules of one direction, lowest number first.
func (a *ACL) rules(egress bool) []ACLRule {
	var out []ACLRule
	for _, e := range a.Entries {
		if e.Egress != egress || e.Cidr == "" {
			continue
		}
		c, err := netip.ParsePrefix(e.Cidr)
		if err != nil {
			continue
		}
		r := ACLRule{Number: e.Rule, Proto: e.Protocol, From: -1, To: -1, Cidr: c, Allow: e.Allow}
		if e.From != nil && e.To != nil {
			r.From, r.To = *e.From, *e.To
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(x, y ACLRule) int { return x.Number - y.Number })
	return out
}

// sgRules resolves a group's rules of one direction to addresses (IPv4).
func sgRules(rd state.Reader, perms []ec2.IpPermission) []SGRule {
	var out []SGRule
	for _, r := range flatten(perms) {
		peers := peersOf(rd, r.source)
		if len(peers) == 0 {
			continue
		}
		out = append(out, SGRule{Proto: r.proto, From: r.from, To: r.to, Peers: peers})
	}
	return out
}

// peersOf are the IPv4 addresses a rule's source or destination stands
// for: a CIDR, a prefix list's current entries, or a group's members'
// private addresses (so a group rule never admits traffic from outside
// the VPC).
func peersOf(rd state.Reader, source string) []netip.Prefix {
	var out []netip.Prefix
	switch sourceKind(source) {
	case "ipv4":
		if pf, err := netip.ParsePrefix(source); err == nil {
			out = append(out, pf)
		}
	case "prefix-list":
		if p := prefixList(rd, source); p != nil && p.AddressFamily == "IPv4" {
			for _, e := range p.current().Entries {
				if pf, err := netip.ParsePrefix(e.Cidr); err == nil {
					out = append(out, pf)
				}
			}
		}
	case "group":
		out = memberAddrs(rd, source)
	}
	return out
}

// VpcPolicies are the policies of the VPCs named, as one consistent view
// of the region (a VPC that no longer exists is left out).
func (s *Service) VpcPolicies(ctx context.Context, region string, vpcIDs []string) ([]VpcPolicy, error) {
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	var out []VpcPolicy
	err = r.View(func(r *state.Region) error {
		for _, id := range vpcIDs {
			if p, ok := s.Policy(r, id); ok {
				out = append(out, p)
			}
		}
		return nil
	})
	return out, err
}

// InstanceAt is the instance whose interface in a VPC holds a private
// address (false: none): how a guest network tells who is asking.
func (s *Service) InstanceAt(ctx context.Context, region, vpcID string, ip netip.Addr) (string, bool) {
	r, err := s.rt.Region(region)
	if err != nil {
		return "", false
	}
	var id string
	_ = r.View(func(r *state.Region) error {
		want := ip.Unmap().String()
		state.Each(r, Interfaces, func(e *ENI) bool {
			if e.InstanceId == "" || !slices.ContainsFunc(e.Addrs, func(a Addr) bool { return a.Private == want }) {
				return true
			}
			if s.SubnetVpc(r, e.SubnetId) == vpcID {
				id = e.InstanceId
			}
			return id == ""
		})
		return nil
	})
	return id, id != ""
}
