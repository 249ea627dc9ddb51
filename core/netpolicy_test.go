package core

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/network"
)

// TestVpcPolicy: what a driver with a real guest network is told to
// enforce is the VPC's rules with every peer resolved to addresses: a
// rule naming a group admits exactly its members' private IPs, a subnet
// passes its own ACL (or the VPC's default one), lowest rule first, and
// DHCP carries the VPC's options.
func TestVpcPolicy(t *testing.T) {
	e := newEnv(t, "")
	v, err := e.c.CreateVpc(e.ctx, use1, &ec2.CreateVpcInput{CidrBlock: "10.20.0.0/16"})
	if err != nil {
		t.Fatal(err)
	}
	vpc := v.Vpc.VpcId
	subnet := func(cidr string) string {
		s, err := e.c.CreateSubnet(e.ctx, use1, &ec2.CreateSubnetInput{VpcId: vpc, CidrBlock: cidr, AvailabilityZone: "us-east-1a"})
		if err != nil {
			t.Fatal(err)
		}
		return s.Subnet.SubnetId
	}
	front, back := subnet("10.20.1.0/24"), subnet("10.20.2.0/24")
	group := func(name string) string {
		g, err := e.c.CreateSecurityGroup(e.ctx, use1, &ec2.CreateSecurityGroupInput{GroupName: name, Description: name, VpcId: vpc})
		if err != nil {
			t.Fatal(err)
		}
		return g.GroupId
	}
	web, db := group("web"), group("db")
	if _, err := e.c.AuthorizeSecurityGroupIngress(e.ctx, use1, &ec2.AuthorizeSecurityGroupInput{SecurityGroupRuleInput: ec2.SecurityGroupRuleInput{GroupId: db,
		IpPermissions: []ec2.IpPermission{{IpProtocol: "tcp", FromPort: ptr(5432), ToPort: ptr(5432), UserIdGroupPairs: []ec2.UserIdGroupPair{{GroupId: web}}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.AuthorizeSecurityGroupIngress(e.ctx, use1, &ec2.AuthorizeSecurityGroupInput{SecurityGroupRuleInput: ec2.SecurityGroupRuleInput{GroupId: web,
		IpPermissions: []ec2.IpPermission{perm("udp", 53, 53, "10.20.0.0/16")}}}); err != nil {
		t.Fatal(err)
	}
	eni := func(sub, g string) *ec2.NetworkInterface {
		n, err := e.c.CreateNetworkInterface(e.ctx, use1, &ec2.CreateNetworkInterfaceInput{SubnetId: sub, Groups: []string{g}})
		if err != nil {
			t.Fatal(err)
		}
		return &n.NetworkInterface
	}
	w, d := eni(front, web), eni(back, db)

	acl, err := e.c.CreateNetworkAcl(e.ctx, use1, &ec2.CreateNetworkAclInput{VpcId: vpc})
	if err != nil {
		t.Fatal(err)
	}
	entry := func(n int, action string, from, to int) {
		if _, err := e.c.CreateNetworkAclEntry(e.ctx, use1, &ec2.NetworkAclEntryInput{NetworkAclId: acl.NetworkAcl.NetworkAclId, RuleNumber: ptr(n), Egress: ptr(false),
			Protocol: "6", RuleAction: action, CidrBlock: "10.20.0.0/16", PortRange: &ec2.PortRange{From: ptr(from), To: ptr(to)}}); err != nil {
			t.Fatal(err)
		}
	}
	entry(200, "allow", 0, 65535)
	entry(100, "deny", 22, 22)
	acls, err := e.c.DescribeNetworkAcls(e.ctx, use1, &ec2.DescribeNetworkAclsInput{Filters: []ec2.Filter{newFilter("association.subnet-id", back)}})
	if err != nil {
		t.Fatal(err)
	}
	var assoc string
	for _, a := range acls.NetworkAcls[0].Associations {
		if a.SubnetId == back {
			assoc = a.NetworkAclAssociationId
		}
	}
	if _, err := e.c.ReplaceNetworkAclAssociation(e.ctx, use1, &ec2.ReplaceNetworkAclAssociationInput{AssociationId: assoc,
		NetworkAclId: acl.NetworkAcl.NetworkAclId}); err != nil {
		t.Fatal(err)
	}
	opts, err := e.c.CreateDhcpOptions(e.ctx, use1, &ec2.CreateDhcpOptionsInput{DhcpConfigurations: []ec2.NewDhcpConfiguration{
		{Key: "domain-name", Values: []string{"corp.example"}}, {Key: "domain-name-servers", Values: []string{"10.20.0.2", "AmazonProvidedDNS"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.AssociateDhcpOptions(e.ctx, use1, &ec2.AssociateDhcpOptionsInput{DhcpOptionsId: opts.DhcpOptions.DhcpOptionsId, VpcId: vpc}); err != nil {
		t.Fatal(err)
	}

	ps, err := e.c.VpcPolicies(e.ctx, use1, []string{vpc, "vpc-0123456789abcdef0"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 {
		t.Fatalf("%d policies for one VPC and one unknown", len(ps))
	}
	p := ps[0]
	if !slices.Equal(p.Cidrs, []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16")}) || p.DomainName != "corp.example" || !slices.Equal(p.DNS, []string{"10.20.0.2"}) {
		t.Errorf("VPC %v, DHCP %q %v", p.Cidrs, p.DomainName, p.DNS)
	}
	iface := func(id string) network.InterfacePolicy {
		for _, i := range p.Interfaces {
			if i.NetworkInterfaceId == id {
				return i
			}
		}
		t.Fatalf("no interface %s in the policy", id)
		return network.InterfacePolicy{}
	}
	wp, dp := iface(w.NetworkInterfaceId), iface(d.NetworkInterfaceId)
	if len(p.Interfaces) != 2 || wp.MAC != w.MacAddress || wp.IPs[0].String() != w.PrivateIpAddress {
		t.Errorf("interfaces %+v", p.Interfaces)
	}
	wantDB := []network.SGRule{{Proto: "tcp", From: 5432, To: 5432, Peers: []netip.Prefix{netip.MustParsePrefix(w.PrivateIpAddress + "/32")}}}
	if !slices.EqualFunc(dp.Ingress, wantDB, sgRuleEqual) {
		t.Errorf("db's ingress %+v, want only web's member %s on 5432", dp.Ingress, w.PrivateIpAddress)
	}
	wantWeb := []network.SGRule{{Proto: "udp", From: 53, To: 53, Peers: []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16")}}}
	if !slices.EqualFunc(wp.Ingress, wantWeb, sgRuleEqual) {
		t.Errorf("web's ingress %+v", wp.Ingress)
	}
	allOut := []network.SGRule{{Proto: "-1", From: -1, To: -1, Peers: []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}}}
	if !slices.EqualFunc(wp.Egress, allOut, sgRuleEqual) {
		t.Errorf("web's egress %+v, want EC2's default allow-all", wp.Egress)
	}
	sub := func(id string) network.SubnetPolicy {
		for _, s := range p.Subnets {
			if s.SubnetId == id {
				return s
			}
		}
		t.Fatalf("no subnet %s", id)
		return network.SubnetPolicy{}
	}
	if in := sub(back).Inbound; len(in) != 2 || in[0].Number != 100 || in[0].Allow || in[0].From != 22 || in[1].Number != 200 || !in[1].Allow {
		t.Errorf("back's inbound ACL %+v: want rule 100 (deny 22) before 200", in)
	}
	if out := sub(back).Outbound; len(out) != 0 {
		t.Errorf("a new ACL's outbound rules %+v: want none (all denied)", out)
	}
	if in := sub(front).Inbound; len(in) != 1 || in[0].Number != 100 || !in[0].Allow || in[0].Proto != "-1" {
		t.Errorf("front's inbound (the default ACL) %+v: want rule 100 allowing all", in)
	}
}

// TestInstanceAt: a guest network tells who asks by VPC and private
// address; the same address in another VPC is another instance.
func TestInstanceAt(t *testing.T) {
	e := newEnv(t, "")
	launchIn := func(cidr string) (string, string, string) {
		v, err := e.c.CreateVpc(e.ctx, use1, &ec2.CreateVpcInput{CidrBlock: cidr})
		if err != nil {
			t.Fatal(err)
		}
		s, err := e.c.CreateSubnet(e.ctx, use1, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: cidr, AvailabilityZone: "us-east-1a"})
		if err != nil {
			t.Fatal(err)
		}
		out := e.run(use1, &ec2.RunInstancesInput{MinCount: 1, MaxCount: 1, SubnetId: s.Subnet.SubnetId, PrivateIpAddress: "10.40.0.10"})
		return v.Vpc.VpcId, out.Instances[0].InstanceId, out.Instances[0].PrivateIpAddress
	}
	vpc1, id1, ip1 := launchIn("10.40.0.0/24")
	vpc2, id2, ip2 := launchIn("10.40.0.0/24")
	if ip1 != "10.40.0.10" || ip2 != ip1 {
		t.Fatalf("private IPs %s and %s, want 10.40.0.10 in both VPCs", ip1, ip2)
	}
	cases := []struct {
		name, vpc, ip, want string
	}{
		{"first VPC", vpc1, ip1, id1},
		{"second VPC, same address", vpc2, ip2, id2},
		{"an address nobody holds", vpc1, "10.40.0.11", ""},
		{"an unknown VPC", "vpc-0123456789abcdef0", ip1, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := e.c.InstanceAt(e.ctx, use1, tc.vpc, netip.MustParseAddr(tc.ip))
			if got != tc.want || ok != (tc.want != "") {
				t.Errorf("InstanceAt(%s, %s) = %q, %v; want %q", tc.vpc, tc.ip, got, ok, tc.want)
			}
		})
	}
}

func sgRuleEqual(a, b network.SGRule) bool {
	return a.Proto == b.Proto && a.From == b.From && a.To == b.To && slices.Equal(a.Peers, b.Peers)
}
