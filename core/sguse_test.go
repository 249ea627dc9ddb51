package core

import (
	"slices"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

func TestDescribeSecurityGroupsFilters(t *testing.T) {
	e := newEnv(t, "")
	web := e.createGroup(use1, "web")
	db := e.createGroup(use1, "db")
	if _, err := e.c.AuthorizeSecurityGroupIngress(e.ctx, use1, &ec2.AuthorizeSecurityGroupInput{SecurityGroupRuleInput: ec2.SecurityGroupRuleInput{GroupId: web, IpPermissions: []ec2.IpPermission{perm("tcp", 443, 443, "0.0.0.0/0")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.AuthorizeSecurityGroupIngress(e.ctx, use1, &ec2.AuthorizeSecurityGroupInput{SecurityGroupRuleInput: ec2.SecurityGroupRuleInput{GroupId: db, IpPermissions: []ec2.IpPermission{perm("udp", 5432, 5432, "10.0.0.0/8")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.CreateTags(e.ctx, use1, &ec2.CreateTagsInput{Resources: []string{db}, Tags: []ec2.Tag{{Key: "tier", Value: "data"}}}); err != nil {
		t.Fatal(err)
	}
	def := e.group(use1, e.net(use1).DefaultGroupId).GroupId
	vpcs, err := e.c.DescribeVpcs(e.ctx, use1, &ec2.DescribeVpcsInput{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		in   ec2.DescribeSecurityGroupsInput
		want []string // in answer order: default first, then by name; or as asked
	}{
		{"all", ec2.DescribeSecurityGroupsInput{}, []string{def, db, web}},
		{"group-name", ec2.DescribeSecurityGroupsInput{Filters: []ec2.Filter{newFilter("group-name", "web")}}, []string{web}},
		{"group-id", ec2.DescribeSecurityGroupsInput{Filters: []ec2.Filter{newFilter("group-id", db, def)}}, []string{def, db}},
		{"vpc-id", ec2.DescribeSecurityGroupsInput{Filters: []ec2.Filter{newFilter("vpc-id", vpcs.Vpcs[0].VpcId)}}, []string{def, db, web}},
		{"description wildcard", ec2.DescribeSecurityGroupsInput{Filters: []ec2.Filter{newFilter("description", "* servers")}}, []string{db, web}},
		{"ip-permission.protocol", ec2.DescribeSecurityGroupsInput{Filters: []ec2.Filter{newFilter("ip-permission.protocol", "udp")}}, []string{db}},
		{"ip-permission.cidr", ec2.DescribeSecurityGroupsInput{Filters: []ec2.Filter{newFilter("ip-permission.cidr", "0.0.0.0/0")}}, []string{web}},
		{"tag:tier", ec2.DescribeSecurityGroupsInput{Filters: []ec2.Filter{newFilter("tag:tier", "data")}}, []string{db}},
		{"ip-permission.from-port", ec2.DescribeSecurityGroupsInput{Filters: []ec2.Filter{newFilter("ip-permission.from-port", "443")}}, []string{web}},
		{"ip-permission.to-port", ec2.DescribeSecurityGroupsInput{Filters: []ec2.Filter{newFilter("ip-permission.to-port", "5432", "443")}}, []string{db, web}},
		// The default group's rule admits its own members: the pair names the owner.
		{"ip-permission.user-id", ec2.DescribeSecurityGroupsInput{Filters: []ec2.Filter{newFilter("ip-permission.user-id", ec2.OwnerID)}}, []string{def}},
		{"ip-permission.group-id", ec2.DescribeSecurityGroupsInput{Filters: []ec2.Filter{newFilter("ip-permission.group-id", def)}}, []string{def}},
		{"egress.ip-permission.cidr", ec2.DescribeSecurityGroupsInput{Filters: []ec2.Filter{newFilter("egress.ip-permission.cidr", "0.0.0.0/0")}}, []string{def, db, web}},
		{"egress.ip-permission.protocol", ec2.DescribeSecurityGroupsInput{Filters: []ec2.Filter{newFilter("egress.ip-permission.protocol", "-1")}}, []string{def, db, web}},
		// All-traffic egress has no ports, so a port filter passes over it.
		{"egress.ip-permission.from-port", ec2.DescribeSecurityGroupsInput{Filters: []ec2.Filter{newFilter("egress.ip-permission.from-port", "*")}}, nil},
		{"ip-permission.ipv6-cidr", ec2.DescribeSecurityGroupsInput{Filters: []ec2.Filter{newFilter("ip-permission.ipv6-cidr", "*")}}, nil},
		{"ip-permission.prefix-list-id", ec2.DescribeSecurityGroupsInput{Filters: []ec2.Filter{newFilter("ip-permission.prefix-list-id", "*")}}, nil},
		{"by names", ec2.DescribeSecurityGroupsInput{GroupNames: []string{"web", "default"}}, []string{web, def}},
		{"by ID and filter", ec2.DescribeSecurityGroupsInput{GroupIds: []string{web, db}, Filters: []ec2.Filter{newFilter("group-name", "db")}}, []string{db}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.c.DescribeSecurityGroups(e.ctx, use1, &tc.in)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, g := range out.SecurityGroups {
				got = append(got, g.GroupId)
			}
			if jsonOf(t, got) != jsonOf(t, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	errCases := []struct {
		name string
		in   ec2.DescribeSecurityGroupsInput
		code string
	}{
		{"unknown ID", ec2.DescribeSecurityGroupsInput{GroupIds: []string{"sg-0123456789abcdef0"}}, ec2.CodeInvalidGroupNotFound},
		{"malformed ID", ec2.DescribeSecurityGroupsInput{GroupIds: []string{"web"}}, ec2.CodeInvalidGroupIdMalformed},
		{"unknown name", ec2.DescribeSecurityGroupsInput{GroupNames: []string{"cache"}}, ec2.CodeInvalidGroupNotFound},
		{"unknown filter", ec2.DescribeSecurityGroupsInput{Filters: []ec2.Filter{newFilter("colour", "blue")}}, ec2.CodeInvalidParameterValue},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.DescribeSecurityGroups(e.ctx, use1, &tc.in)
			wantCode(t, err, tc.code)
		})
	}
	t.Run("another region's group is unknown", func(t *testing.T) {
		_, err := e.c.DescribeSecurityGroups(e.ctx, usw2, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{web}})
		wantCode(t, err, ec2.CodeInvalidGroupNotFound)
	})
}

func TestRunInstancesWithSecurityGroups(t *testing.T) {
	e := newEnv(t, "")
	web := e.createGroup(use1, "web")
	ssh := e.createGroup(use1, "ssh")
	var many []string
	for _, n := range []string{"g1", "g2", "g3", "g4"} {
		many = append(many, e.createGroup(use1, n))
	}
	def := e.net(use1).DefaultGroupId
	cases := []struct {
		name  string
		ids   []string
		names []string
		want  []ec2.GroupIdentifier
		code  string
	}{
		{"none: the default group", nil, nil, []ec2.GroupIdentifier{{GroupId: def, GroupName: "default"}}, ""},
		{"by ID", []string{web}, nil, []ec2.GroupIdentifier{{GroupId: web, GroupName: "web"}}, ""},
		{"by name", nil, []string{"ssh", "web"}, []ec2.GroupIdentifier{{GroupId: ssh, GroupName: "ssh"}, {GroupId: web, GroupName: "web"}}, ""},
		{"by ID and name, once each", []string{web}, []string{"ssh", "web"}, []ec2.GroupIdentifier{{GroupId: web, GroupName: "web"}, {GroupId: ssh, GroupName: "ssh"}}, ""},
		{"unknown ID", []string{"sg-0123456789abcdef0"}, nil, nil, ec2.CodeInvalidGroupNotFound},
		{"malformed ID", []string{"web"}, nil, nil, ec2.CodeInvalidGroupIdMalformed},
		{"unknown name", nil, []string{"cache"}, nil, ec2.CodeInvalidGroupNotFound},
		{"six groups", append([]string{web, ssh}, many...), nil, nil, ec2.CodeSecurityGroupsPerInterfaceLimitExceed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{SecurityGroupIds: tc.ids, SecurityGroups: tc.names})
			if tc.code != "" {
				wantCode(t, err, tc.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			id := out.Instances[0].InstanceId
			if jsonOf(t, out.Groups) != jsonOf(t, tc.want) || jsonOf(t, out.Instances[0].SecurityGroups) != jsonOf(t, tc.want) {
				t.Fatalf("reservation groups %v, instance %v, want %v", out.Groups, out.Instances[0].SecurityGroups, tc.want)
			}
			if got := e.get(use1, id).SecurityGroups; jsonOf(t, got) != jsonOf(t, tc.want) {
				t.Fatalf("described groups %v, want %v", got, tc.want)
			}
			if got := e.list(use1, newFilter("instance.group-id", tc.want[0].GroupId)); !slices.Contains(got, id) {
				t.Fatalf("instance.group-id filter misses %s: %v", id, got)
			}
			if ni := e.eni(use1, e.primaryENI(use1, id)); jsonOf(t, ni.Groups) != jsonOf(t, tc.want) {
				t.Fatalf("interface groups %v", ni.Groups)
			}
		})
	}
}

func TestDeleteSecurityGroupInUse(t *testing.T) {
	e := newEnv(t, "")
	byInst := e.createGroup(use1, "by-instance")
	byENI := e.createGroup(use1, "by-interface")
	byRule := e.createGroup(use1, "by-rule")
	lb := e.createGroup(use1, "lb")
	id := idsOf(e.run(use1, &ec2.RunInstancesInput{SecurityGroupIds: []string{byInst}}).Instances)[0]
	ni := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", Groups: []string{byENI}})
	if _, err := e.c.AuthorizeSecurityGroupIngress(e.ctx, use1, &ec2.AuthorizeSecurityGroupInput{SecurityGroupRuleInput: ec2.SecurityGroupRuleInput{GroupId: lb,
		IpPermissions: []ec2.IpPermission{{IpProtocol: "tcp", FromPort: ptr(80), ToPort: ptr(80), UserIdGroupPairs: []ec2.UserIdGroupPair{{GroupId: byRule}}}}}}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		in   ec2.DeleteSecurityGroupInput
		code string
		frag string
	}{
		{"used by an instance", ec2.DeleteSecurityGroupInput{GroupId: byInst}, ec2.CodeDependencyViolation, id},
		{"used by an interface, by name", ec2.DeleteSecurityGroupInput{GroupName: "by-interface"}, ec2.CodeDependencyViolation, ni.NetworkInterfaceId},
		{"named by another group's rule", ec2.DeleteSecurityGroupInput{GroupId: byRule}, ec2.CodeDependencyViolation, lb},
		{"unknown", ec2.DeleteSecurityGroupInput{GroupId: "sg-0123456789abcdef0"}, ec2.CodeInvalidGroupNotFound, ""},
		{"nothing named", ec2.DeleteSecurityGroupInput{}, ec2.CodeMissingParameter, ""},
		{"dry run", ec2.DeleteSecurityGroupInput{GroupId: lb, DryRun: true}, ec2.CodeDryRunOperation, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.DeleteSecurityGroup(e.ctx, use1, &tc.in)
			wantCode(t, err, tc.code, tc.frag)
		})
	}
	t.Run("free once nothing uses them", func(t *testing.T) {
		e.advance(e.bootTime())
		e.terminateWait(use1, id)
		if _, err := e.c.DeleteNetworkInterface(e.ctx, use1, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: ni.NetworkInterfaceId}); err != nil {
			t.Fatal(err)
		}
		for _, g := range []string{byInst, byENI, lb, byRule} { // lb first: its rule names byRule
			if _, err := e.c.DeleteSecurityGroup(e.ctx, use1, &ec2.DeleteSecurityGroupInput{GroupId: g}); err != nil {
				t.Fatalf("delete %s: %v", g, err)
			}
		}
		_, err := e.c.DeleteSecurityGroup(e.ctx, use1, &ec2.DeleteSecurityGroupInput{GroupId: byInst})
		wantCode(t, err, ec2.CodeInvalidGroupNotFound)
		checkAll(t, e, use1)
	})
}
