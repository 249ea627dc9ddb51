package vpcnet

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// The VPC's rules as one nftables script, loaded in one transaction in
// the VPC's namespace. Every packet between guests (or out to the
// uplink) passes the namespace's forward hook with the sender's tap as
// input and the receiver's as output:
//
//  1. a guest sends only from its own addresses (EC2's source check);
//  2. network ACLs, stateless, at the edge of each subnet the packet
//     leaves or enters, lowest rule first, every packet (replies too);
//  3. only subnets routed to an internet gateway leave through the uplink;
//  4. security groups, stateful: a new flow must pass the sender's
//     egress rules and the receiver's ingress rules; replies follow.
//
// Traffic to the namespace itself (DHCP, the router, 169.254.169.254)
// never passes forward, as EC2's groups and ACLs never filter it.

// table is the nftables table ec2x owns in each VPC namespace.
const table = "ec2x"

// port is a plugged guest interface: its tap and the policy's view.
type portRules struct {
	tap    string
	subnet string
	ips    []netip.Addr
	in     []SGRule
	out    []SGRule
}

// ruleset renders the script for a policy and the taps plugged now.
// uplink is the namespace's device towards the host ("" when none).
func ruleset(p *Policy, ports []portRules, uplink string) string {
	var b strings.Builder
	// The first line makes the table exist so that flush cannot fail.
	fmt.Fprintf(&b, "table inet %s {}\nflush table inet %s\ntable inet %s {\n", table, table, table)
	b.WriteString("\tchain forward {\n\t\ttype filter hook forward priority 0; policy drop;\n")
	sort.Slice(ports, func(i, j int) bool { return ports[i].tap < ports[j].tap })
	for _, pt := range ports {
		fmt.Fprintf(&b, "\t\tiifname %q ip saddr != %s drop\n", pt.tap, addrSet(pt.ips))
	}
	b.WriteString("\t\tmeta nfproto ipv6 drop\n")
	for i, s := range p.Subnets {
		c := s.Cidr.Masked().String()
		fmt.Fprintf(&b, "\t\tip saddr %s ip daddr != %s jump acl_out_%d\n", c, c, i)
		fmt.Fprintf(&b, "\t\tip daddr %s ip saddr != %s jump acl_in_%d\n", c, c, i)
	}
	if uplink != "" {
		var out []netip.Prefix
		for _, s := range p.Subnets {
			if s.Internet {
				out = append(out, s.Cidr.Masked())
			}
		}
		if len(out) == 0 {
			fmt.Fprintf(&b, "\t\toifname %q drop\n", uplink)
		} else {
			fmt.Fprintf(&b, "\t\toifname %q ip saddr != %s drop\n", uplink, prefixSet(out))
		}
	}
	b.WriteString("\t\tct state established,related accept\n\t\tct state invalid drop\n")
	for _, pt := range ports {
		fmt.Fprintf(&b, "\t\tiifname %q jump sg_out_%s\n", pt.tap, pt.tap)
		fmt.Fprintf(&b, "\t\toifname %q jump sg_in_%s\n", pt.tap, pt.tap)
	}
	b.WriteString("\t\taccept\n\t}\n")
	for i, s := range p.Subnets {
		aclChain(&b, "acl_out_"+strconv.Itoa(i), "daddr", s.Outbound)
		aclChain(&b, "acl_in_"+strconv.Itoa(i), "saddr", s.Inbound)
	}
	for _, pt := range ports {
		sgChain(&b, "sg_out_"+pt.tap, "daddr", pt.out)
		sgChain(&b, "sg_in_"+pt.tap, "saddr", pt.in)
	}
	if uplink != "" {
		// what leaves the VPC leaves from its end of the pair
		fmt.Fprintf(&b, "\tchain post {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\toifname %q masquerade\n\t}\n", uplink)
	}
	b.WriteString("}\n")
	return b.String()
}

// aclChain is a subnet ACL's rules in order: allow returns to the
// forward chain, deny drops, and nothing matching drops (EC2's "*").
func aclChain(b *strings.Builder, name, peer string, rules []ACLRule) {
	fmt.Fprintf(b, "\tchain %s {\n", name)
	rules = append([]ACLRule(nil), rules...)
	sort.SliceStable(rules, func(i, j int) bool { return rules[i].Number < rules[j].Number })
	for _, r := range rules {
		verdict := "drop"
		if r.Allow {
			verdict = "return"
		}
		m := match(peer, []netip.Prefix{r.Cidr}, aclProto(r.Proto), r.From, r.To)
		if m == "-" {
			continue
		}
		fmt.Fprintf(b, "\t\t%s%s # rule %d\n", m, verdict, r.Number)
	}
	b.WriteString("\t\tdrop\n\t}\n")
}

// sgChain is an interface's group rules of one direction: any match
// returns (the flow may go on), nothing matching drops.
func sgChain(b *strings.Builder, name, peer string, rules []SGRule) {
	fmt.Fprintf(b, "\tchain %s {\n", name)
	for _, r := range rules {
		if m := match(peer, r.Peers, r.Proto, r.From, r.To); m != "-" {
			fmt.Fprintf(b, "\t\t%sreturn\n", m)
		}
	}
	b.WriteString("\t\tdrop\n\t}\n")
}

// aclProto names an ACL's protocol number as groups name theirs.
func aclProto(p string) string {
	switch p {
	case "6":
		return "tcp"
	case "17":
		return "udp"
	case "1":
		return "icmp"
	}
	return p
}

// match is the nftables match for peers, a protocol and its ports or
// ICMP type and code, ending in a space ("-": matches nothing here, as an
// IPv6 peer or ICMPv6 in this IPv4 fabric).
func match(peer string, peers []netip.Prefix, proto string, from, to int) string {
	var v4 []netip.Prefix
	any := false
	for _, p := range peers {
		if !p.Addr().Is4() {
			continue
		}
		if p.Bits() == 0 {
			any = true
		}
		v4 = append(v4, p.Masked())
	}
	if len(v4) == 0 {
		return "-"
	}
	var b strings.Builder
	if !any {
		fmt.Fprintf(&b, "ip %s %s ", peer, prefixSet(v4))
	}
	switch proto {
	case "-1", "":
	case "tcp", "udp":
		b.WriteString("meta l4proto " + proto + " ")
		if from >= 0 && to >= 0 && !(from == 0 && to == 65535) {
			fmt.Fprintf(&b, "th dport %s ", portRange(from, to))
		}
	case "icmp":
		b.WriteString("meta l4proto icmp ")
		if from >= 0 {
			fmt.Fprintf(&b, "icmp type %d ", from)
			if to >= 0 {
				fmt.Fprintf(&b, "icmp code %d ", to)
			}
		}
	default:
		n, err := strconv.Atoi(proto)
		if err != nil || n < 0 || n > 255 || n == 58 {
			return "-"
		}
		fmt.Fprintf(&b, "meta l4proto %d ", n)
	}
	return b.String()
}

func portRange(from, to int) string {
	if from == to {
		return strconv.Itoa(from)
	}
	return strconv.Itoa(from) + "-" + strconv.Itoa(to)
}

func addrSet(ips []netip.Addr) string {
	var ps []netip.Prefix
	for _, ip := range ips {
		if ip.Is4() {
			ps = append(ps, netip.PrefixFrom(ip, 32))
		}
	}
	if len(ps) == 0 {
		return "{ 0.0.0.0/32 }" // no address: nothing it sends is its own
	}
	return prefixSet(ps)
}

// prefixSet is an nftables set of prefixes, each left out that another
// holds (nftables refuses overlapping intervals in one set).
func prefixSet(in []netip.Prefix) string {
	in = append([]netip.Prefix(nil), in...)
	sort.Slice(in, func(i, j int) bool { return in[i].Bits() < in[j].Bits() })
	var ps []netip.Prefix
	for _, p := range in {
		held := false
		for _, q := range ps {
			held = held || q.Contains(p.Addr())
		}
		if !held {
			ps = append(ps, p)
		}
	}
	s := make([]string, len(ps))
	for i, p := range ps {
		if p.Bits() == 32 {
			s[i] = p.Addr().String()
		} else {
			s[i] = p.String()
		}
	}
	return "{ " + strings.Join(s, ", ") + " }"
}
