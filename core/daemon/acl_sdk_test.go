package daemon

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestSDKNetworkAclEntries: rules of every protocol as EC2 shows them,
// replaced and deleted by number and direction, the checks EC2 makes on
// them, each subnet in exactly one ACL as it moves, and the filters.
func TestSDKNetworkAclEntries(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.71.0.0/16")})
	must(t, err)
	vpc := v.Vpc.VpcId
	sub, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc, CidrBlock: aws.String("10.71.1.0/24")})
	must(t, err)
	subnet := aws.ToString(sub.Subnet.SubnetId)
	own, err := c.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: vpc, TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeNetworkAcl,
		Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("web")}}}}})
	must(t, err)
	acl := own.NetworkAcl.NetworkAclId
	if e := own.NetworkAcl.Entries; len(e) != 2 || e[0].RuleAction != types.RuleActionDeny || aws.ToInt32(e[0].RuleNumber) != 32767 {
		t.Errorf("a new ACL's entries (the catch-all denies only): %+v", e)
	}

	entry := func(rule int32, egress bool, proto string) *ec2.CreateNetworkAclEntryInput {
		return &ec2.CreateNetworkAclEntryInput{NetworkAclId: acl, RuleNumber: aws.Int32(rule), Egress: aws.Bool(egress), Protocol: aws.String(proto),
			RuleAction: types.RuleActionAllow, CidrBlock: aws.String("10.0.0.0/8")}
	}
	tcp := entry(100, false, "6")
	tcp.PortRange = &types.PortRange{From: aws.Int32(22), To: aws.Int32(22)}
	icmp := entry(110, false, "1")
	icmp.IcmpTypeCode = &types.IcmpTypeCode{Type: aws.Int32(8), Code: aws.Int32(-1)}
	all := entry(120, true, "-1")
	all.RuleAction = types.RuleActionDeny
	icmp6 := entry(130, false, "58")
	icmp6.CidrBlock, icmp6.Ipv6CidrBlock = nil, aws.String("::/0")
	icmp6.IcmpTypeCode = &types.IcmpTypeCode{Type: aws.Int32(128), Code: aws.Int32(0)}
	for _, e := range []*ec2.CreateNetworkAclEntryInput{tcp, icmp, all, icmp6} {
		_, err := c.CreateNetworkAclEntry(ctx, e)
		must(t, err)
	}
	entries := func() []types.NetworkAclEntry {
		t.Helper()
		d, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{NetworkAclIds: []string{aws.ToString(acl)}})
		must(t, err)
		return d.NetworkAcls[0].Entries
	}
	t.Run("entries as EC2 shows them", func(t *testing.T) {
		type shown struct {
			rule     int32
			egress   bool
			proto    string
			action   types.RuleAction
			from, to int32
		}
		var got []shown
		for _, e := range entries() {
			s := shown{rule: aws.ToInt32(e.RuleNumber), egress: aws.ToBool(e.Egress), proto: aws.ToString(e.Protocol), action: e.RuleAction}
			if e.PortRange != nil {
				s.from, s.to = aws.ToInt32(e.PortRange.From), aws.ToInt32(e.PortRange.To)
			}
			if e.IcmpTypeCode != nil {
				s.from, s.to = aws.ToInt32(e.IcmpTypeCode.Type), aws.ToInt32(e.IcmpTypeCode.Code)
			}
			got = append(got, s)
		}
		want := []shown{{120, true, "-1", "deny", 0, 0}, {32767, true, "-1", "deny", 0, 0},
			{100, false, "6", "allow", 22, 22}, {110, false, "1", "allow", 8, -1}, {130, false, "58", "allow", 128, 0}, {32767, false, "-1", "deny", 0, 0}}
		if !slices.Equal(got, want) {
			t.Errorf("entries\n%+v\nwant\n%+v", got, want)
		}
	})

	refusals := []apiRefusal{
		{"rule 0", func() error { _, err := c.CreateNetworkAclEntry(ctx, entry(0, false, "-1")); return err }, "InvalidParameterValue"},
		{"a protocol that is not one", func() error { _, err := c.CreateNetworkAclEntry(ctx, entry(200, false, "300")); return err }, "InvalidParameterValue"},
		{"tcp without ports", func() error { _, err := c.CreateNetworkAclEntry(ctx, entry(200, false, "6")); return err }, "InvalidParameterValue"},
		{"icmp without type and code", func() error { _, err := c.CreateNetworkAclEntry(ctx, entry(200, false, "1")); return err }, "InvalidParameterValue"},
		{"icmpv6 without type and code", func() error {
			e := entry(200, false, "58")
			e.CidrBlock, e.Ipv6CidrBlock = nil, aws.String("::/0")
			_, err := c.CreateNetworkAclEntry(ctx, e)
			return err
		}, "InvalidParameterValue"},
		{"a CIDR that is not one", func() error {
			e := entry(200, false, "-1")
			e.CidrBlock = aws.String("10.0.0.0/33")
			_, err := c.CreateNetworkAclEntry(ctx, e)
			return err
		}, "InvalidParameterValue"},
		{"an action that is not one", func() error {
			e := entry(200, false, "-1")
			e.RuleAction = "maybe"
			_, err := c.CreateNetworkAclEntry(ctx, e)
			return err
		}, "InvalidParameterValue"},
		{"delete a rule that is not there", func() error {
			_, err := c.DeleteNetworkAclEntry(ctx, &ec2.DeleteNetworkAclEntryInput{NetworkAclId: acl, RuleNumber: aws.Int32(120), Egress: aws.Bool(false)})
			return err
		}, "InvalidNetworkAclEntry.NotFound"},
		{"an ACL that does not exist", func() error {
			_, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{NetworkAclIds: []string{"acl-0123456789abcdef0"}})
			return err
		}, "InvalidNetworkAclID.NotFound"},
		{"a malformed ACL ID", func() error {
			_, err := c.DeleteNetworkAcl(ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: aws.String("nacl-1")})
			return err
		}, "InvalidNetworkAclId.Malformed"},
		{"an ACL in a VPC that does not exist", func() error {
			_, err := c.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: aws.String("vpc-0123456789abcdef0")})
			return err
		}, "InvalidVpcID.NotFound"},
	}
	wantRefusals(t, refusals)

	t.Run("replace and delete by number and direction", func(t *testing.T) {
		_, err := c.ReplaceNetworkAclEntry(ctx, &ec2.ReplaceNetworkAclEntryInput{NetworkAclId: acl, RuleNumber: aws.Int32(100), Egress: aws.Bool(false),
			Protocol: aws.String("17"), RuleAction: types.RuleActionDeny, CidrBlock: aws.String("0.0.0.0/0"), PortRange: &types.PortRange{From: aws.Int32(53), To: aws.Int32(53)}})
		must(t, err)
		e := entries()[2] // the outbound rules come first
		if aws.ToString(e.Protocol) != "17" || e.RuleAction != types.RuleActionDeny || aws.ToInt32(e.PortRange.From) != 53 || aws.ToString(e.CidrBlock) != "0.0.0.0/0" {
			t.Errorf("rule 100 replaced: %+v", e)
		}
		_, err = c.DeleteNetworkAclEntry(ctx, &ec2.DeleteNetworkAclEntryInput{NetworkAclId: acl, RuleNumber: aws.Int32(120), Egress: aws.Bool(true)})
		must(t, err)
		if n := len(entries()); n != 5 {
			t.Errorf("%d entries after the delete, want 5", n)
		}
	})

	aclsOf := func(filters ...types.Filter) []string {
		t.Helper()
		d, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: append(filters, types.Filter{Name: aws.String("vpc-id"), Values: []string{aws.ToString(vpc)}})})
		must(t, err)
		var ids []string
		for _, a := range d.NetworkAcls {
			ids = append(ids, aws.ToString(a.NetworkAclId))
		}
		return ids
	}
	def := aclsOf(types.Filter{Name: aws.String("default"), Values: []string{"true"}})
	if len(def) != 1 {
		t.Fatalf("default ACLs %v", def)
	}
	holder := func() []string {
		t.Helper()
		return aclsOf(types.Filter{Name: aws.String("association.subnet-id"), Values: []string{subnet}})
	}
	assocOf := func(id string) *string {
		t.Helper()
		d, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{NetworkAclIds: []string{id}})
		must(t, err)
		for _, a := range d.NetworkAcls[0].Associations {
			if aws.ToString(a.SubnetId) == subnet {
				return a.NetworkAclAssociationId
			}
		}
		t.Fatalf("%s does not hold %s", id, subnet)
		return nil
	}
	t.Run("the subnet moves from ACL to ACL, always in one", func(t *testing.T) {
		for _, to := range []string{aws.ToString(acl), def[0], aws.ToString(acl)} {
			from := holder()
			if len(from) != 1 {
				t.Fatalf("the subnet is in %v", from)
			}
			_, err := c.ReplaceNetworkAclAssociation(ctx, &ec2.ReplaceNetworkAclAssociationInput{AssociationId: assocOf(from[0]), NetworkAclId: aws.String(to)})
			must(t, err)
			if got := holder(); !slices.Equal(got, []string{to}) {
				t.Errorf("moved to %s, the subnet is in %v", to, got)
			}
		}
		other, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.72.0.0/16")})
		must(t, err)
		o, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []types.Filter{{Name: aws.String("vpc-id"), Values: []string{aws.ToString(other.Vpc.VpcId)}}}})
		must(t, err)
		_, err = c.ReplaceNetworkAclAssociation(ctx, &ec2.ReplaceNetworkAclAssociationInput{AssociationId: assocOf(aws.ToString(acl)), NetworkAclId: o.NetworkAcls[0].NetworkAclId})
		if code := apiCode(t, err); code != "InvalidParameterValue" {
			t.Errorf("to another VPC's ACL: %s", code)
		}
		_, err = c.ReplaceNetworkAclAssociation(ctx, &ec2.ReplaceNetworkAclAssociationInput{AssociationId: aws.String("aclassoc-0123456789abcdef0"), NetworkAclId: acl})
		if code := apiCode(t, err); code != "InvalidAssociationID.NotFound" {
			t.Errorf("an association that does not exist: %s", code)
		}
	})

	filters := []struct {
		name   string
		filter types.Filter
		want   []string
	}{
		{"default=false", types.Filter{Name: aws.String("default"), Values: []string{"false"}}, []string{aws.ToString(acl)}},
		{"entry.rule-number", types.Filter{Name: aws.String("entry.rule-number"), Values: []string{"110"}}, []string{aws.ToString(acl)}},
		{"entry.protocol", types.Filter{Name: aws.String("entry.protocol"), Values: []string{"17"}}, []string{aws.ToString(acl)}},
		{"entry.port-range.from", types.Filter{Name: aws.String("entry.port-range.from"), Values: []string{"53"}}, []string{aws.ToString(acl)}},
		{"entry.icmp.type", types.Filter{Name: aws.String("entry.icmp.type"), Values: []string{"8"}}, []string{aws.ToString(acl)}},
		{"entry.rule-action allow", types.Filter{Name: aws.String("entry.rule-action"), Values: []string{"allow"}}, []string{def[0], aws.ToString(acl)}},
		{"tag:Name", types.Filter{Name: aws.String("tag:Name"), Values: []string{"web"}}, []string{aws.ToString(acl)}},
	}
	for _, f := range filters {
		t.Run("filter "+f.name, func(t *testing.T) {
			got := aclsOf(f.filter)
			slices.Sort(got)
			want := slices.Clone(f.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}

	t.Run("deleting the subnet frees the ACL", func(t *testing.T) {
		_, err := c.DeleteNetworkAcl(ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: acl})
		if code := apiCode(t, err); code != "DependencyViolation" {
			t.Errorf("an ACL in use: %s", code)
		}
		_, err = c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: sub.Subnet.SubnetId})
		must(t, err)
		_, err = c.DeleteNetworkAcl(ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: acl})
		must(t, err)
	})
}

// TestSDKNetworkAclsWithIpv6: a VPC made with an IPv6 block has a default
// ACL that lets IPv6 through (rule 101 each way), and every ACL of it
// ends with a catch-all deny for IPv6 beside the IPv4 one.
func TestSDKNetworkAclsWithIpv6(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.73.0.0/16"), AmazonProvidedIpv6CidrBlock: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	own, err := c.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: v.Vpc.VpcId})
	if err != nil {
		t.Fatal(err)
	}
	type shown struct {
		rule   int32
		egress bool
		action types.RuleAction
		cidr   string
	}
	entries := func(filter types.Filter) []shown {
		t.Helper()
		d, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []types.Filter{filter, {Name: aws.String("vpc-id"), Values: []string{aws.ToString(v.Vpc.VpcId)}}}})
		if err != nil || len(d.NetworkAcls) != 1 {
			t.Fatalf("%+v, %v", d, err)
		}
		var out []shown
		for _, e := range d.NetworkAcls[0].Entries {
			out = append(out, shown{aws.ToInt32(e.RuleNumber), aws.ToBool(e.Egress), e.RuleAction, aws.ToString(e.CidrBlock) + aws.ToString(e.Ipv6CidrBlock)})
		}
		return out
	}
	cases := []struct {
		name   string
		filter types.Filter
		want   []shown
	}{
		{"the default ACL", types.Filter{Name: aws.String("default"), Values: []string{"true"}}, []shown{
			{100, true, "allow", "0.0.0.0/0"}, {101, true, "allow", "::/0"}, {32767, true, "deny", "0.0.0.0/0"}, {32767, true, "deny", "::/0"},
			{100, false, "allow", "0.0.0.0/0"}, {101, false, "allow", "::/0"}, {32767, false, "deny", "0.0.0.0/0"}, {32767, false, "deny", "::/0"}}},
		{"a new ACL", types.Filter{Name: aws.String("network-acl-id"), Values: []string{aws.ToString(own.NetworkAcl.NetworkAclId)}}, []shown{
			{32767, true, "deny", "0.0.0.0/0"}, {32767, true, "deny", "::/0"}, {32767, false, "deny", "0.0.0.0/0"}, {32767, false, "deny", "::/0"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := entries(tc.filter); !slices.Equal(got, tc.want) {
				t.Errorf("entries\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

// TestSDKIpv6BlockOpensDefaultAcl: an IPv6 block given to a VPC later
// adds the IPv6 allow rules to its default ACL, each way whose rules were
// never changed.
func TestSDKIpv6BlockOpensDefaultAcl(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	rules := func(vpc *string) (in, out []string) {
		t.Helper()
		d, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []types.Filter{
			{Name: aws.String("vpc-id"), Values: []string{aws.ToString(vpc)}}, {Name: aws.String("default"), Values: []string{"true"}}}})
		if err != nil || len(d.NetworkAcls) != 1 {
			t.Fatalf("%+v, %v", d, err)
		}
		for _, e := range d.NetworkAcls[0].Entries {
			r := strconv.Itoa(int(aws.ToInt32(e.RuleNumber))) + ":" + aws.ToString(e.CidrBlock) + aws.ToString(e.Ipv6CidrBlock)
			if aws.ToBool(e.Egress) {
				out = append(out, r)
			} else {
				in = append(in, r)
			}
		}
		return in, out
	}
	cases := []struct {
		name    string
		cidr    string
		change  bool // an inbound rule added before the IPv6 block
		wantIn  []string
		wantOut []string
	}{
		{"unchanged", "10.74.0.0/16", false,
			[]string{"100:0.0.0.0/0", "101:::/0", "32767:0.0.0.0/0", "32767:::/0"}, []string{"100:0.0.0.0/0", "101:::/0", "32767:0.0.0.0/0", "32767:::/0"}},
		{"inbound rules changed", "10.75.0.0/16", true,
			[]string{"50:10.0.0.0/8", "100:0.0.0.0/0", "32767:0.0.0.0/0", "32767:::/0"}, []string{"100:0.0.0.0/0", "101:::/0", "32767:0.0.0.0/0", "32767:::/0"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(tc.cidr)})
			if err != nil {
				t.Fatal(err)
			}
			if tc.change {
				d, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []types.Filter{{Name: aws.String("vpc-id"), Values: []string{aws.ToString(v.Vpc.VpcId)}}}})
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.CreateNetworkAclEntry(ctx, &ec2.CreateNetworkAclEntryInput{NetworkAclId: d.NetworkAcls[0].NetworkAclId, RuleNumber: aws.Int32(50),
					Egress: aws.Bool(false), Protocol: aws.String("-1"), RuleAction: types.RuleActionDeny, CidrBlock: aws.String("10.0.0.0/8")})
				if err != nil {
					t.Fatal(err)
				}
			}
			if _, err := c.AssociateVpcCidrBlock(ctx, &ec2.AssociateVpcCidrBlockInput{VpcId: v.Vpc.VpcId, AmazonProvidedIpv6CidrBlock: aws.Bool(true)}); err != nil {
				t.Fatal(err)
			}
			in, out := rules(v.Vpc.VpcId)
			if !slices.Equal(in, tc.wantIn) || !slices.Equal(out, tc.wantOut) {
				t.Errorf("inbound %v outbound %v, want %v and %v", in, out, tc.wantIn, tc.wantOut)
			}
		})
	}
}
