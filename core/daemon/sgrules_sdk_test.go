package daemon

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// tcpPerm is a TCP rule set from CIDRs.
func tcpPerm(from, to int32, cidrs ...string) types.IpPermission {
	p := types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(from), ToPort: aws.Int32(to)}
	for _, c := range cidrs {
		p.IpRanges = append(p.IpRanges, types.IpRange{CidrIp: aws.String(c)})
	}
	return p
}

// groupRules lists a group's rules by ID.
func groupRules(t *testing.T, c *ec2.Client, group string) map[string]types.SecurityGroupRule {
	t.Helper()
	out, err := c.DescribeSecurityGroupRules(context.Background(), &ec2.DescribeSecurityGroupRulesInput{
		Filters: []types.Filter{{Name: aws.String("group-id"), Values: []string{group}}}})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]types.SecurityGroupRule{}
	for _, r := range out.SecurityGroupRules {
		m[aws.ToString(r.SecurityGroupRuleId)] = r
	}
	return m
}

// TestSDKSecurityGroupRuleIDs: every rule has an sgr- ID that Authorize
// returns, DescribeSecurityGroupRules lists, ModifySecurityGroupRules,
// the description updates, tags and Revoke by ID use, and that survives a
// restart.
func TestSDKSecurityGroupRuleIDs(t *testing.T) {
	home := t.TempDir()
	d := runDaemon(t, home, ec2Config)
	c := newSDK("http://"+d.ec2, testKey, testSecret)
	ctx := context.Background()
	g, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	web := aws.ToString(g.GroupId)

	// A new group has one rule, the allow-all egress, with an ID.
	rules := groupRules(t, c, web)
	var egressID string
	for id, r := range rules {
		if aws.ToBool(r.IsEgress) && aws.ToString(r.CidrIpv4) == "0.0.0.0/0" && aws.ToString(r.IpProtocol) == "-1" {
			egressID = id
		}
	}
	if len(rules) != 1 || !strings.HasPrefix(egressID, "sgr-") {
		t.Fatalf("a new group's rules: %+v, want the allow-all egress rule", rules)
	}

	auth, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(web),
		IpPermissions: []types.IpPermission{tcpPerm(22, 22, "10.0.0.0/8", "192.168.0.0/16")},
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeSecurityGroupRule,
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if !aws.ToBool(auth.Return) || len(auth.SecurityGroupRules) != 2 {
		t.Fatalf("Authorize gave %+v, want two rules, one per CIDR", auth.SecurityGroupRules)
	}
	sshA, sshB := auth.SecurityGroupRules[0], auth.SecurityGroupRules[1]
	for _, r := range auth.SecurityGroupRules {
		if !strings.HasPrefix(aws.ToString(r.SecurityGroupRuleId), "sgr-") || aws.ToString(r.GroupId) != web || aws.ToBool(r.IsEgress) ||
			aws.ToInt32(r.FromPort) != 22 || len(r.Tags) != 1 {
			t.Errorf("authorized rule %+v", r)
		}
	}
	idA, idB := aws.ToString(sshA.SecurityGroupRuleId), aws.ToString(sshB.SecurityGroupRuleId)

	t.Run("describe by ID, filter and tag", func(t *testing.T) {
		cases := []struct {
			name string
			in   *ec2.DescribeSecurityGroupRulesInput
			want []string
		}{
			{"by ID", &ec2.DescribeSecurityGroupRulesInput{SecurityGroupRuleIds: []string{idB}}, []string{idB}},
			{"by rule ID filter", &ec2.DescribeSecurityGroupRulesInput{Filters: []types.Filter{{Name: aws.String("security-group-rule-id"), Values: []string{idA}}}}, []string{idA}},
			{"by tag", &ec2.DescribeSecurityGroupRulesInput{Filters: []types.Filter{{Name: aws.String("tag:team"), Values: []string{"blue"}}}}, []string{idA, idB}},
			{"by group", &ec2.DescribeSecurityGroupRulesInput{Filters: []types.Filter{{Name: aws.String("group-id"), Values: []string{web}}}}, []string{idA, idB, egressID}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				out, err := c.DescribeSecurityGroupRules(ctx, tc.in)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, r := range out.SecurityGroupRules {
					got = append(got, aws.ToString(r.SecurityGroupRuleId))
				}
				slices.Sort(got)
				want := slices.Sorted(slices.Values(tc.want))
				if !slices.Equal(got, want) {
					t.Errorf("got %v, want %v", got, want)
				}
			})
		}
	})
	t.Run("paging", func(t *testing.T) {
		var all []string
		in := &ec2.DescribeSecurityGroupRulesInput{MaxResults: aws.Int32(5)}
		for {
			out, err := c.DescribeSecurityGroupRules(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.SecurityGroupRules) > 5 {
				t.Fatalf("a page of %d", len(out.SecurityGroupRules))
			}
			for _, r := range out.SecurityGroupRules {
				all = append(all, aws.ToString(r.SecurityGroupRuleId))
			}
			if out.NextToken == nil {
				break
			}
			in.NextToken = out.NextToken
		}
		full, err := c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(full.SecurityGroupRules) || len(all) < 5 {
			t.Errorf("paged %d rules, all at once %d", len(all), len(full.SecurityGroupRules))
		}
	})

	t.Run("modify a rule keeps its ID", func(t *testing.T) {
		_, err := c.ModifySecurityGroupRules(ctx, &ec2.ModifySecurityGroupRulesInput{GroupId: aws.String(web),
			SecurityGroupRules: []types.SecurityGroupRuleUpdate{{SecurityGroupRuleId: aws.String(idA), SecurityGroupRule: &types.SecurityGroupRuleRequest{
				IpProtocol: aws.String("tcp"), FromPort: aws.Int32(2222), ToPort: aws.Int32(2222), CidrIpv4: aws.String("10.0.0.0/8"), Description: aws.String("alt ssh")}}}})
		if err != nil {
			t.Fatal(err)
		}
		r := groupRules(t, c, web)[idA]
		if aws.ToInt32(r.FromPort) != 2222 || aws.ToString(r.Description) != "alt ssh" || len(r.Tags) != 1 {
			t.Errorf("modified rule %+v", r)
		}
	})
	t.Run("update descriptions by rule and by ID", func(t *testing.T) {
		_, err := c.UpdateSecurityGroupRuleDescriptionsIngress(ctx, &ec2.UpdateSecurityGroupRuleDescriptionsIngressInput{GroupId: aws.String(web),
			IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
				IpRanges: []types.IpRange{{CidrIp: aws.String("192.168.0.0/16"), Description: aws.String("office")}}}}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.UpdateSecurityGroupRuleDescriptionsEgress(ctx, &ec2.UpdateSecurityGroupRuleDescriptionsEgressInput{GroupId: aws.String(web),
			SecurityGroupRuleDescriptions: []types.SecurityGroupRuleDescription{{SecurityGroupRuleId: aws.String(egressID), Description: aws.String("out")}}})
		if err != nil {
			t.Fatal(err)
		}
		rs := groupRules(t, c, web)
		if aws.ToString(rs[idB].Description) != "office" || aws.ToString(rs[egressID].Description) != "out" {
			t.Errorf("descriptions: %q, %q", aws.ToString(rs[idB].Description), aws.ToString(rs[egressID].Description))
		}
	})
	t.Run("tag a rule", func(t *testing.T) {
		if _, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{egressID}, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("out")}}}); err != nil {
			t.Fatal(err)
		}
		if tags := groupRules(t, c, web)[egressID].Tags; len(tags) != 1 || aws.ToString(tags[0].Value) != "out" {
			t.Errorf("tags %+v", tags)
		}
	})

	// Each refusal, as EC2 words it.
	refusals := []apiRefusal{
		{"describe an unknown rule", func() error {
			_, err := c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{SecurityGroupRuleIds: []string{"sgr-0123456789abcdef0"}})
			return err
		}, "InvalidSecurityGroupRuleId.NotFound"},
		{"describe a malformed rule ID", func() error {
			_, err := c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{SecurityGroupRuleIds: []string{"rule-1"}})
			return err
		}, "InvalidSecurityGroupRuleId.Malformed"},
		{"modify an unknown rule", func() error {
			_, err := c.ModifySecurityGroupRules(ctx, &ec2.ModifySecurityGroupRulesInput{GroupId: aws.String(web),
				SecurityGroupRules: []types.SecurityGroupRuleUpdate{{SecurityGroupRuleId: aws.String("sgr-0123456789abcdef0"), SecurityGroupRule: &types.SecurityGroupRuleRequest{
					IpProtocol: aws.String("tcp"), FromPort: aws.Int32(1), ToPort: aws.Int32(1), CidrIpv4: aws.String("10.0.0.0/8")}}}})
			return err
		}, "InvalidSecurityGroupRuleId.NotFound"},
		{"modify into a duplicate", func() error {
			_, err := c.ModifySecurityGroupRules(ctx, &ec2.ModifySecurityGroupRulesInput{GroupId: aws.String(web),
				SecurityGroupRules: []types.SecurityGroupRuleUpdate{{SecurityGroupRuleId: aws.String(idA), SecurityGroupRule: &types.SecurityGroupRuleRequest{
					IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), CidrIpv4: aws.String("192.168.0.0/16")}}}})
			return err
		}, "InvalidPermission.Duplicate"},
		{"update the description of a missing rule", func() error {
			_, err := c.UpdateSecurityGroupRuleDescriptionsIngress(ctx, &ec2.UpdateSecurityGroupRuleDescriptionsIngressInput{GroupId: aws.String(web),
				IpPermissions: []types.IpPermission{tcpPerm(23, 23, "10.0.0.0/8")}})
			return err
		}, "InvalidPermission.NotFound"},
		{"revoke an unknown rule ID", func() error {
			_, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(web), SecurityGroupRuleIds: []string{"sgr-0123456789abcdef0"}})
			return err
		}, "InvalidSecurityGroupRuleId.NotFound"},
		{"revoke an egress rule ID as ingress", func() error {
			_, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(web), SecurityGroupRuleIds: []string{egressID}})
			return err
		}, "InvalidSecurityGroupRuleId.NotFound"},
		{"the old form mixed with IpPermissions", func() error {
			_, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(web), CidrIp: aws.String("10.1.0.0/16"),
				IpProtocol: aws.String("tcp"), FromPort: aws.Int32(80), ToPort: aws.Int32(80), IpPermissions: []types.IpPermission{tcpPerm(81, 81, "10.1.0.0/16")}})
			return err
		}, "InvalidParameterCombination"},
		{"the default egress again", func() error {
			_, err := c.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(web),
				IpPermissions: []types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
			return err
		}, "InvalidPermission.Duplicate"},
		{"revoke a missing egress rule", func() error {
			_, err := c.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(web), IpPermissions: []types.IpPermission{tcpPerm(443, 443, "0.0.0.0/0")}})
			return err
		}, "InvalidPermission.NotFound"},
		{"a rule from an unknown group", func() error {
			_, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(web), IpPermissions: []types.IpPermission{{
				IpProtocol: aws.String("-1"), UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: aws.String("sg-0123456789abcdef0")}}}}})
			return err
		}, "InvalidGroup.NotFound"},
		{"tag an unknown rule", func() error {
			_, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{"sgr-0123456789abcdef0"}, Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
			return err
		}, "InvalidSecurityGroupRuleId.NotFound"},
	}
	wantRefusals(t, refusals)

	t.Run("the old top-level form", func(t *testing.T) {
		out, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupName: aws.String("web"), CidrIp: aws.String("10.1.0.0/16"),
			IpProtocol: aws.String("tcp"), FromPort: aws.Int32(80), ToPort: aws.Int32(80)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.SecurityGroupRules) != 1 || aws.ToString(out.SecurityGroupRules[0].CidrIpv4) != "10.1.0.0/16" {
			t.Fatalf("rules %+v", out.SecurityGroupRules)
		}
		src, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupName: aws.String("web"), SourceSecurityGroupName: aws.String("default")})
		if err != nil {
			t.Fatal(err)
		}
		if r := src.SecurityGroupRules; len(r) != 1 || r[0].ReferencedGroupInfo == nil || aws.ToString(r[0].IpProtocol) != "-1" {
			t.Fatalf("rules %+v", r)
		}
		if _, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupName: aws.String("web"), CidrIp: aws.String("10.1.0.0/16"),
			IpProtocol: aws.String("tcp"), FromPort: aws.Int32(80), ToPort: aws.Int32(80)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupName: aws.String("web"), SourceSecurityGroupName: aws.String("default")}); err != nil {
			t.Fatal(err)
		}
	})

	// A restart keeps every ID, description and tag.
	before := groupRules(t, c, web)
	d.cancel()
	<-d.exited
	d = runDaemon(t, home, ec2Config)
	c = newSDK("http://"+d.ec2, testKey, testSecret)
	after := groupRules(t, c, web)
	if len(after) != len(before) {
		t.Fatalf("after a restart %d rules, before %d", len(after), len(before))
	}
	for id, r := range before {
		a, ok := after[id]
		if !ok || aws.ToString(a.Description) != aws.ToString(r.Description) || len(a.Tags) != len(r.Tags) {
			t.Errorf("rule %s after a restart: %+v, before %+v", id, a, r)
		}
	}

	t.Run("revoke by ID", func(t *testing.T) {
		out, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(web), SecurityGroupRuleIds: []string{idA}})
		if err != nil {
			t.Fatal(err)
		}
		if r := out.RevokedSecurityGroupRules; len(r) != 1 || aws.ToString(r[0].SecurityGroupRuleId) != idA || aws.ToInt32(r[0].FromPort) != 2222 {
			t.Errorf("revoked %+v", r)
		}
		if _, ok := groupRules(t, c, web)[idA]; ok {
			t.Error("the rule is still there")
		}
		eg, err := c.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(web), SecurityGroupRuleIds: []string{egressID}})
		if err != nil {
			t.Fatal(err)
		}
		if r := eg.RevokedSecurityGroupRules; len(r) != 1 || !aws.ToBool(r[0].IsEgress) {
			t.Errorf("revoked egress %+v", r)
		}
		d, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{web}})
		if err != nil {
			t.Fatal(err)
		}
		if e := d.SecurityGroups[0].IpPermissionsEgress; len(e) != 0 {
			t.Errorf("egress after revoking the allow-all rule: %+v", e)
		}
	})
}

// TestSDKSecurityGroupRuleLimit: 60 inbound and 60 outbound rules a
// group; the 61st of either is refused.
func TestSDKSecurityGroupRuleLimit(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	g, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("many"), Description: aws.String("many")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(g.GroupId)
	cidrs := func(n, from int) []string {
		var out []string
		for i := from; i < from+n; i++ {
			out = append(out, fmt.Sprintf("10.%d.0.0/16", i))
		}
		return out
	}
	cases := []struct {
		name   string
		egress bool
		cidrs  []string
		code   string
	}{
		{"60 inbound", false, cidrs(60, 0), ""},
		{"the 61st inbound", false, cidrs(1, 60), "RulesPerSecurityGroupLimitExceeded"},
		// The allow-all rule is one of 60 outbound.
		{"59 more outbound", true, cidrs(59, 0), ""},
		{"the 61st outbound", true, cidrs(1, 59), "RulesPerSecurityGroupLimitExceeded"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.egress {
				_, err = c.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(id), IpPermissions: []types.IpPermission{tcpPerm(80, 80, tc.cidrs...)}})
			} else {
				_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: []types.IpPermission{tcpPerm(80, 80, tc.cidrs...)}})
			}
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if code := apiCode(t, err); code != tc.code {
				t.Errorf("code %s, want %s", code, tc.code)
			}
		})
	}
}
