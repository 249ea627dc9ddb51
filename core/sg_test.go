package core

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

var sgIDShape = regexp.MustCompile(`^sg-[0-9a-f]{17}$`)

// group describes one security group by ID.
func (e *env) group(region, id string) ec2.SecurityGroup {
	e.t.Helper()
	out, err := e.c.DescribeSecurityGroups(e.ctx, region, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
	if err != nil {
		e.t.Fatalf("DescribeSecurityGroups %s: %v", id, err)
	}
	return out.SecurityGroups[0]
}

// createGroup makes a group and returns its ID.
func (e *env) createGroup(region, name string) string {
	e.t.Helper()
	out, err := e.c.CreateSecurityGroup(e.ctx, region, &ec2.CreateSecurityGroupInput{GroupName: name, Description: name + " servers"})
	if err != nil {
		e.t.Fatalf("CreateSecurityGroup %s: %v", name, err)
	}
	return out.GroupId
}

// perm is an ingress rule for a protocol and port range from CIDRs.
func perm(proto string, from, to int, cidrs ...string) ec2.IpPermission {
	p := ec2.IpPermission{IpProtocol: proto, FromPort: ptr(from), ToPort: ptr(to), IpRanges: []ec2.IpRange{}}
	for _, c := range cidrs {
		p.IpRanges = append(p.IpRanges, ec2.IpRange{CidrIp: c})
	}
	return p
}

func TestDefaultSecurityGroupPerRegion(t *testing.T) {
	e := newEnv(t, "")
	seen := map[string]bool{}
	for _, region := range []string{use1, usw2} {
		t.Run(region, func(t *testing.T) {
			vpcs, err := e.c.DescribeVpcs(e.ctx, region, &ec2.DescribeVpcsInput{})
			if err != nil {
				t.Fatal(err)
			}
			out, err := e.c.DescribeSecurityGroups(e.ctx, region, &ec2.DescribeSecurityGroupsInput{GroupNames: []string{"default"}})
			if err != nil {
				t.Fatal(err)
			}
			g := out.SecurityGroups[0]
			if !sgIDShape.MatchString(g.GroupId) || seen[g.GroupId] || g.VpcId != vpcs.Vpcs[0].VpcId || g.OwnerId != ec2.OwnerID {
				t.Fatalf("default group %s (VPC %s)", jsonOf(t, g), vpcs.Vpcs[0].VpcId)
			}
			seen[g.GroupId] = true
			// EC2's default group admits its own members, and sends anywhere.
			if len(g.IpPermissions) != 1 || g.IpPermissions[0].IpProtocol != "-1" || len(g.IpPermissions[0].UserIdGroupPairs) != 1 ||
				g.IpPermissions[0].UserIdGroupPairs[0].GroupId != g.GroupId || len(g.IpPermissionsEgress) != 1 {
				t.Fatalf("default rules %s", jsonOf(t, g))
			}
			for _, in := range []ec2.DeleteSecurityGroupInput{{GroupId: g.GroupId}, {GroupName: "default"}} {
				_, err := e.c.DeleteSecurityGroup(e.ctx, region, &in)
				wantCode(t, err, ec2.CodeCannotDelete)
			}
			// A launch without groups lands in it.
			id := e.launch(region, 1)[0]
			if sgs := e.get(region, id).SecurityGroups; len(sgs) != 1 || sgs[0] != (ec2.GroupIdentifier{GroupId: g.GroupId, GroupName: "default"}) {
				t.Fatalf("instance groups %v", sgs)
			}
		})
	}
	t.Run("after a restart", func(t *testing.T) {
		e.reopen()
		out, err := e.c.DescribeSecurityGroups(e.ctx, use1, &ec2.DescribeSecurityGroupsInput{})
		if err != nil || len(out.SecurityGroups) != 1 || !seen[out.SecurityGroups[0].GroupId] {
			t.Fatalf("groups after restart: %v %v", out, err)
		}
	})
}

func TestCreateSecurityGroup(t *testing.T) {
	e := newEnv(t, "")
	vpcs, err := e.c.DescribeVpcs(e.ctx, use1, &ec2.DescribeVpcsInput{})
	if err != nil {
		t.Fatal(err)
	}
	web := e.createGroup(use1, "web")
	if g := e.group(use1, web); !sgIDShape.MatchString(web) || g.GroupName != "web" || g.Description != "web servers" ||
		len(g.IpPermissions) != 0 || g.IpPermissions == nil || g.VpcId != vpcs.Vpcs[0].VpcId {
		t.Fatalf("created %s", jsonOf(t, g))
	}
	cases := []struct {
		name   string
		region string
		in     ec2.CreateSecurityGroupInput
		code   string
	}{
		{"same name in another region", usw2, ec2.CreateSecurityGroupInput{GroupName: "web", Description: "d"}, ""},
		{"explicit default VPC", use1, ec2.CreateSecurityGroupInput{GroupName: "db", Description: "d", VpcId: vpcs.Vpcs[0].VpcId}, ""},
		{"duplicate name", use1, ec2.CreateSecurityGroupInput{GroupName: "web", Description: "d"}, ec2.CodeInvalidGroupDuplicate},
		{"default is reserved", use1, ec2.CreateSecurityGroupInput{GroupName: "default", Description: "d"}, ec2.CodeInvalidGroupReserved},
		{"empty name", use1, ec2.CreateSecurityGroupInput{Description: "d"}, ec2.CodeInvalidParameterValue},
		{"name like an ID", use1, ec2.CreateSecurityGroupInput{GroupName: "sg-web", Description: "d"}, ec2.CodeInvalidParameterValue},
		{"unknown VPC", use1, ec2.CreateSecurityGroupInput{GroupName: "x", Description: "d", VpcId: "vpc-0123456789abcdef0"}, "InvalidVpcID.NotFound"},
		{"dry run", use1, ec2.CreateSecurityGroupInput{GroupName: "dry", Description: "d", DryRun: true}, ec2.CodeDryRunOperation},
		{"no description", use1, ec2.CreateSecurityGroupInput{GroupName: "nodesc"}, ec2.CodeMissingParameter},
		{"description outside EC2's set", use1, ec2.CreateSecurityGroupInput{GroupName: "odd", Description: "caf\u00e9?"}, ec2.CodeInvalidParameterValue},
		{"description of 256 characters", use1, ec2.CreateSecurityGroupInput{GroupName: "long", Description: strings.Repeat("d", 256)}, ec2.CodeInvalidParameterValue},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := e.c.DescribeSecurityGroups(e.ctx, tc.region, &ec2.DescribeSecurityGroupsInput{})
			_, err := e.c.CreateSecurityGroup(e.ctx, tc.region, &tc.in)
			after, _ := e.c.DescribeSecurityGroups(e.ctx, tc.region, &ec2.DescribeSecurityGroupsInput{})
			if tc.code == "" {
				if err != nil || len(after.SecurityGroups) != len(before.SecurityGroups)+1 {
					t.Fatalf("err %v; %d groups, were %d", err, len(after.SecurityGroups), len(before.SecurityGroups))
				}
				return
			}
			wantCode(t, err, tc.code)
			if len(after.SecurityGroups) != len(before.SecurityGroups) {
				t.Fatalf("a refused create made a group")
			}
		})
	}
}

func TestAuthorizeAndRevokeIngress(t *testing.T) {
	e := newEnv(t, "")
	web := e.createGroup(use1, "web")
	lb := e.createGroup(use1, "lb")
	auth := func(id string, ps ...ec2.IpPermission) error {
		_, err := e.c.AuthorizeSecurityGroupIngress(e.ctx, use1, &ec2.AuthorizeSecurityGroupInput{SecurityGroupRuleInput: ec2.SecurityGroupRuleInput{GroupId: id, IpPermissions: ps}})
		return err
	}
	ok := []struct {
		name string
		p    ec2.IpPermission
	}{
		{"ssh from anywhere", perm("tcp", 22, 22, "0.0.0.0/0")},
		{"a port range from two CIDRs", perm("tcp", 8000, 8100, "10.0.0.0/8", "192.168.1.0/24")},
		{"protocol by number", perm("17", 53, 53, "10.0.0.0/8")},
		{"icmp, every type", perm("icmp", -1, -1, "172.16.0.0/12")},
		{"all traffic, host bits masked", perm("-1", 0, 0, "203.0.113.7/24")},
		{"from another group", ec2.IpPermission{IpProtocol: "tcp", FromPort: ptr(443), ToPort: ptr(443), UserIdGroupPairs: []ec2.UserIdGroupPair{{GroupId: lb}}}},
	}
	for _, tc := range ok {
		t.Run("authorize "+tc.name, func(t *testing.T) {
			if err := auth(web, tc.p); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("rules as described", func(t *testing.T) {
		var got []string
		for _, p := range e.group(use1, web).IpPermissions {
			for _, r := range p.IpRanges {
				got = append(got, p.IpProtocol+" "+jsonOf(t, p.FromPort)+"-"+jsonOf(t, p.ToPort)+" "+r.CidrIp)
			}
			for _, g := range p.UserIdGroupPairs {
				got = append(got, p.IpProtocol+" "+jsonOf(t, p.FromPort)+"-"+jsonOf(t, p.ToPort)+" "+g.GroupId)
			}
		}
		want := []string{"-1 null-null 203.0.113.0/24", "icmp -1--1 172.16.0.0/12", "tcp 22-22 0.0.0.0/0", "tcp 443-443 " + lb,
			"tcp 8000-8100 10.0.0.0/8", "tcp 8000-8100 192.168.1.0/24", "udp 53-53 10.0.0.0/8"}
		if !slices.Equal(got, want) {
			t.Fatalf("rules\n got %q\nwant %q", got, want)
		}
	})
	refusals := []struct {
		name  string
		group string
		p     ec2.IpPermission
		code  string
	}{
		{"duplicate", web, perm("tcp", 22, 22, "0.0.0.0/0"), ec2.CodeInvalidPermissionDuplicate},
		{"duplicate, protocol by number", web, perm("6", 22, 22, "0.0.0.0/0"), ec2.CodeInvalidPermissionDuplicate},
		{"CIDR prefix too long", web, perm("tcp", 1, 2, "10.0.0.0/33"), ec2.CodeInvalidParameterValue},
		{"not a CIDR", web, perm("tcp", 1, 2, "ten"), ec2.CodeInvalidParameterValue},
		{"IPv6 CIDR", web, perm("tcp", 1, 2, "::/0"), ec2.CodeInvalidParameterValue},
		{"port above 65535", web, perm("tcp", 1, 65536, "10.0.0.0/8"), ec2.CodeInvalidParameterValue},
		{"from above to", web, perm("udp", 90, 80, "10.0.0.0/8"), ec2.CodeInvalidParameterValue},
		{"negative port", web, perm("tcp", -1, 80, "10.0.0.0/8"), ec2.CodeInvalidParameterValue},
		{"tcp without ports", web, ec2.IpPermission{IpProtocol: "tcp", IpRanges: []ec2.IpRange{{CidrIp: "10.0.0.0/8"}}}, ec2.CodeInvalidParameterValue},
		{"icmp type out of range", web, perm("icmp", 300, 0, "10.0.0.0/8"), ec2.CodeInvalidParameterValue},
		{"unknown protocol", web, perm("gre", 0, 0, "10.0.0.0/8"), ec2.CodeInvalidPermissionMalformed},
		{"no source", web, perm("tcp", 80, 80), ec2.CodeInvalidPermissionMalformed},
		{"unknown source group", web, ec2.IpPermission{IpProtocol: "-1", UserIdGroupPairs: []ec2.UserIdGroupPair{{GroupId: "sg-0123456789abcdef0"}}}, ec2.CodeInvalidGroupNotFound},
		{"unknown group", "sg-0123456789abcdef0", perm("tcp", 80, 80, "10.0.0.0/8"), ec2.CodeInvalidGroupNotFound},
		{"malformed group", "web", perm("tcp", 80, 80, "10.0.0.0/8"), ec2.CodeInvalidGroupIdMalformed},
	}
	for _, tc := range refusals {
		t.Run("refuse "+tc.name, func(t *testing.T) {
			before := jsonOf(t, e.group(use1, web))
			wantCode(t, auth(tc.group, tc.p), tc.code)
			if after := jsonOf(t, e.group(use1, web)); after != before {
				t.Fatalf("a refused authorize changed the group:\n%s\n%s", before, after)
			}
		})
	}
	t.Run("a new and a duplicate rule: all or nothing", func(t *testing.T) {
		wantCode(t, auth(web, perm("tcp", 25, 25, "10.0.0.0/8"), perm("tcp", 22, 22, "0.0.0.0/0")), ec2.CodeInvalidPermissionDuplicate)
		_, err := e.c.RevokeSecurityGroupIngress(e.ctx, use1, &ec2.RevokeSecurityGroupInput{SecurityGroupRuleInput: ec2.SecurityGroupRuleInput{GroupId: web, IpPermissions: []ec2.IpPermission{perm("tcp", 25, 25, "10.0.0.0/8")}}})
		wantCode(t, err, ec2.CodeInvalidPermissionNotFound)
	})
	revokes := []struct {
		name string
		in   ec2.SecurityGroupRuleInput
		code string
		left int // rules (protocol, ports, source) left
	}{
		{"missing rule", ec2.SecurityGroupRuleInput{GroupId: web, IpPermissions: []ec2.IpPermission{perm("tcp", 23, 23, "0.0.0.0/0")}}, ec2.CodeInvalidPermissionNotFound, 7},
		{"an existing and a missing rule", ec2.SecurityGroupRuleInput{GroupId: web, IpPermissions: []ec2.IpPermission{perm("tcp", 22, 22, "0.0.0.0/0"), perm("tcp", 23, 23, "0.0.0.0/0")}}, ec2.CodeInvalidPermissionNotFound, 7},
		{"no permissions", ec2.SecurityGroupRuleInput{GroupId: web}, ec2.CodeMissingParameter, 7},
		{"one of two CIDRs, by group name", ec2.SecurityGroupRuleInput{GroupName: "web", IpPermissions: []ec2.IpPermission{perm("tcp", 8000, 8100, "192.168.1.0/24")}}, "", 6},
		{"ssh", ec2.SecurityGroupRuleInput{GroupId: web, IpPermissions: []ec2.IpPermission{perm("tcp", 22, 22, "0.0.0.0/0")}}, "", 5},
		{"ssh again", ec2.SecurityGroupRuleInput{GroupId: web, IpPermissions: []ec2.IpPermission{perm("tcp", 22, 22, "0.0.0.0/0")}}, ec2.CodeInvalidPermissionNotFound, 5},
	}
	for _, tc := range revokes {
		t.Run("revoke "+tc.name, func(t *testing.T) {
			_, err := e.c.RevokeSecurityGroupIngress(e.ctx, use1, &ec2.RevokeSecurityGroupInput{SecurityGroupRuleInput: tc.in})
			if tc.code != "" {
				wantCode(t, err, tc.code)
			} else if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, p := range e.group(use1, web).IpPermissions {
				n += len(p.IpRanges) + len(p.UserIdGroupPairs)
			}
			if n != tc.left {
				t.Fatalf("%d rules left, want %d", n, tc.left)
			}
		})
	}
}
