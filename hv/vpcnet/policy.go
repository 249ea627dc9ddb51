package vpcnet

import "net/netip"

// Policy is one VPC's network rules as plain addresses: what the fabric
// enforces between the VPC's guests and at its edge. Whoever builds it
// (ec2x's network service) resolves groups, prefix lists and default
// ACLs to addresses first, so the fabric knows nothing of them.
type Policy struct {
	VpcId      string
	Cidrs      []netip.Prefix
	Subnets    []SubnetPolicy
	Interfaces []InterfacePolicy
	// DomainName and DNS are what DHCP hands guests (empty DNS: the VPC's
	// resolver address, its base +2).
	DomainName string
	DNS        []string
}

// SubnetPolicy is a subnet, its network ACL's rules (lowest number
// first), and whether its route table sends 0.0.0.0/0 to an internet
// gateway (only then does its traffic leave the VPC through NAT).
type SubnetPolicy struct {
	SubnetId string
	Cidr     netip.Prefix
	Inbound  []ACLRule
	Outbound []ACLRule
	Internet bool
}

// ACLRule is one numbered network ACL rule.
type ACLRule struct {
	Number int
	Proto  string // "-1" (all), or an IP protocol number: "6", "17", "1"
	From   int    // ports (tcp, udp) or ICMP type; -1: any
	To     int    // ports, or ICMP code; -1: any
	Cidr   netip.Prefix
	Allow  bool
}

// InterfacePolicy is a guest interface: its addresses and what its
// security groups admit in and out.
type InterfacePolicy struct {
	NetworkInterfaceId string
	SubnetId           string
	MAC                string
	IPs                []netip.Addr
	Ingress, Egress    []SGRule
}

// SGRule admits a protocol and ports from (ingress) or to (egress) peers.
type SGRule struct {
	Proto string // "tcp", "udp", "icmp", "-1" (all) or a protocol number
	From  int    // ports, or ICMP type (-1: any)
	To    int    // ports, or ICMP code (-1: any)
	Peers []netip.Prefix
}

// subnet is the policy's subnet by ID (nil: none).
func (p *Policy) subnet(id string) *SubnetPolicy {
	for i := range p.Subnets {
		if p.Subnets[i].SubnetId == id {
			return &p.Subnets[i]
		}
	}
	return nil
}

// iface is the policy's interface by ID (nil: none).
func (p *Policy) iface(id string) *InterfacePolicy {
	for i := range p.Interfaces {
		if p.Interfaces[i].NetworkInterfaceId == id {
			return &p.Interfaces[i]
		}
	}
	return nil
}
