package network

import (
	"net/netip"
	"slices"

	"github.com/ec2x/ec2x/core/state"
)

// What reaches a guest from outside its VPC: EC2 answers on a public IP
// only where the subnet routes 0.0.0.0/0 to an internet gateway attached
// to its VPC, and every packet crossing the subnet's edge passes its
// network ACL each way (stateless: the reply is checked too).

// tableOfSubnet is the table a subnet routes by: its explicit one, else
// its VPC's main table.
func (s *Service) tableOfSubnet(rd state.Reader, subnetID string) *RouteTable {
	var found *RouteTable
	state.Each(rd, RouteTables, func(t *RouteTable) bool {
		if slices.ContainsFunc(t.Assocs, func(a RTAssoc) bool { return a.SubnetId == subnetID }) {
			found = t
			return false
		}
		return true
	})
	if found == nil {
		found = mainTable(rd, s.SubnetVpc(rd, subnetID))
	}
	return found
}

// InternetRouted reports whether a subnet's route table sends 0.0.0.0/0
// to an internet gateway attached to its VPC.
func (s *Service) InternetRouted(rd state.Reader, subnetID string) bool {
	t := s.tableOfSubnet(rd, subnetID)
	if t == nil {
		return false
	}
	for _, r := range t.Routes {
		if r.Dest == "0.0.0.0/0" && r.Gateway != "" {
			if g := state.Get(rd, Gateways, r.Gateway); g != nil && g.VpcId == t.VpcId {
				return true
			}
		}
	}
	return false
}

// SubnetACL is the network ACL a subnet's traffic passes: its explicit
// one, else its VPC's default ACL (nil: none, which admits nothing).
func (s *Service) SubnetACL(rd state.Reader, subnetID string) *ACL {
	if a := aclOfSubnet(rd, subnetID); a != nil {
		return a
	}
	vpc := s.SubnetVpc(rd, subnetID)
	var found *ACL
	state.Each(rd, ACLs, func(a *ACL) bool {
		if a.IsDefault && a.VpcId == vpc {
			found = a
		}
		return found == nil
	})
	return found
}

// Allows reports whether the ACL lets a TCP ("6") or UDP ("17") packet
// through in one direction: inbound from peer to port, or outbound to
// peer's port. The lowest-numbered matching rule decides; none matching
// denies, as EC2's final "*" rule does.
func (a *ACL) Allows(proto string, egress bool, peer netip.Addr, port int) bool {
	if a == nil {
		return false
	}
	peer = peer.Unmap()
	rules := slices.Clone(a.Entries)
	slices.SortFunc(rules, func(x, y AclEntry) int { return x.Rule - y.Rule })
	for _, e := range rules {
		if e.Egress != egress || (e.Protocol != "-1" && e.Protocol != proto) {
			continue
		}
		cidr := e.Cidr
		if peer.Is6() {
			cidr = e.Ipv6Cidr
		}
		p, err := netip.ParsePrefix(cidr)
		if err != nil || !p.Contains(peer) {
			continue
		}
		if e.Protocol == proto && e.From != nil && e.To != nil && (port < *e.From || port > *e.To) {
			continue
		}
		return e.Allow
	}
	return false
}
