package core

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/ec2x/ec2x/core/ec2"
)

// Limits of EC2's default quotas.
const (
	maxGroupsPerRegion = 2500
	maxRulesPerGroup   = 60
)

// groupByName finds a group of the region's default VPC by name.
func (rs *regionState) groupByName(name string) *sgRecord {
	for _, g := range rs.sgs {
		if g.GroupName == name {
			return g
		}
	}
	return nil
}

// defaultGroupIDs is the default group's ID list, shared by every interface
// that uses only it (the common case: one slice for a whole fleet).
func (rs *regionState) defaultGroupIDs() []string {
	if len(rs.defaultIDs) == 0 {
		rs.defaultIDs = []string{rs.net.DefaultGroupId}
	}
	return rs.defaultIDs
}

func (rs *regionState) defaultGroupView() []ec2.GroupIdentifier {
	return []ec2.GroupIdentifier{{GroupId: rs.net.DefaultGroupId, GroupName: "default"}}
}

func (rs *regionState) groupAPI(g *sgRecord) ec2.SecurityGroup {
	perms := g.IpPermissions
	if perms == nil {
		perms = []ec2.IpPermission{}
	}
	return ec2.SecurityGroup{GroupId: g.GroupId, GroupName: g.GroupName, Description: g.Description, VpcId: g.VpcId,
		OwnerId: ec2.OwnerID, IpPermissions: perms, Tags: g.Tags,
		IpPermissionsEgress: []ec2.IpPermission{{IpProtocol: "-1", IpRanges: []ec2.IpRange{{CidrIp: "0.0.0.0/0"}}}}}
}

// findGroup finds a group by ID or name.
func (t *tx) findGroup(id, name string) (*sgRecord, error) {
	switch {
	case id != "":
		if !sgIDRe.MatchString(id) {
			return nil, ec2.Errorf(ec2.CodeInvalidGroupIdMalformed, "Invalid id: \"%s\" (expecting \"sg-...\")", id)
		}
		if g := t.group(id); g != nil {
			return g, nil
		}
		return nil, ec2.Errorf(ec2.CodeInvalidGroupNotFound, "The security group '%s' does not exist", id)
	case name != "":
		for gid := range t.rs.sgs {
			if g := t.group(gid); g != nil && g.GroupName == name {
				return g, nil
			}
		}
		return nil, ec2.Errorf(ec2.CodeInvalidGroupNotFound, "The security group '%s' does not exist in default VPC '%s'", name, t.rs.net.VpcId)
	}
	return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter GroupId or GroupName")
}

// CreateSecurityGroup makes a group in the region's default VPC; it admits
// nothing until rules are added.
func (c *Cloud) CreateSecurityGroup(ctx context.Context, region string, in *ec2.CreateSecurityGroupInput) (*ec2.CreateSecurityGroupOutput, error) {
	switch {
	case in.GroupName == "" || len(in.GroupName) > 255:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Group names are 1 to 255 characters")
	case strings.HasPrefix(strings.ToLower(in.GroupName), "sg-"):
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Group names may not start with 'sg-'")
	case len(in.Description) > 255:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Group descriptions are at most 255 characters")
	}
	var tags []ec2.Tag
	for _, ts := range in.TagSpecifications {
		if ts.ResourceType != "security-group" {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "'%s' is not a valid taggable resource type for this operation.", ts.ResourceType)
		}
		tags = append(tags, ts.Tags...)
	}
	tags, err := mergeTags(nil, tags)
	if err != nil {
		return nil, err
	}
	var out *ec2.CreateSecurityGroupOutput
	err = c.mutate(ctx, region, in.DryRun, func(t *tx) error {
		if in.VpcId != "" && in.VpcId != t.rs.net.VpcId {
			return ec2.Errorf("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", in.VpcId)
		}
		if in.GroupName == "default" {
			return ec2.Errorf(ec2.CodeInvalidGroupReserved, "The security group 'default' is reserved.")
		}
		if _, err := t.findGroup("", in.GroupName); err == nil {
			return ec2.Errorf(ec2.CodeInvalidGroupDuplicate, "The security group '%s' already exists for VPC '%s'", in.GroupName, t.rs.net.VpcId)
		}
		if len(t.rs.sgs) >= maxGroupsPerRegion {
			return ec2.Errorf(ec2.CodeSecurityGroupLimitExceeded, "The maximum number of security groups (%d) has been reached.", maxGroupsPerRegion)
		}
		desc := in.Description
		if desc == "" {
			desc = in.GroupName
		}
		g := &sgRecord{GroupId: c.newID("sg"), GroupName: in.GroupName, Description: desc, VpcId: t.rs.net.VpcId, Tags: tags}
		t.putGroup(g)
		out = &ec2.CreateSecurityGroupOutput{GroupId: g.GroupId, Tags: tags}
		return nil
	})
	return out, err
}

// rule is one (protocol, ports, source) triple: rules compare by it.
type rule struct {
	proto    string
	from, to int
	source   string // a CIDR or a group ID
	desc     string
}

// normalize checks a permission and flattens it into rules.
func normalize(p ec2.IpPermission) ([]rule, error) {
	proto := strings.ToLower(p.IpProtocol)
	switch proto {
	case "6":
		proto = "tcp"
	case "17":
		proto = "udp"
	case "1":
		proto = "icmp"
	case "all":
		proto = "-1"
	}
	from, to := -1, -1
	if p.FromPort != nil {
		from = *p.FromPort
	}
	if p.ToPort != nil {
		to = *p.ToPort
	}
	switch proto {
	case "tcp", "udp":
		if p.FromPort == nil || p.ToPort == nil || from < 0 || to > 65535 || from > to {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid port range %d-%d for %s: ports are 0 to 65535, from <= to", from, to, proto)
		}
	case "icmp":
		// FromPort is the ICMP type and ToPort the code; -1 means all.
		if from < -1 || from > 255 || to < -1 || to > 255 {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid ICMP type %d or code %d", from, to)
		}
	case "-1":
		from, to = -1, -1
	default:
		return nil, ec2.Errorf(ec2.CodeInvalidPermissionMalformed, "Invalid IP protocol '%s': use tcp, udp, icmp or -1", p.IpProtocol)
	}
	var out []rule
	for _, r := range p.IpRanges {
		pfx, err := netip.ParsePrefix(r.CidrIp)
		if err != nil || !pfx.Addr().Is4() {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "CIDR block %s is malformed", r.CidrIp)
		}
		out = append(out, rule{proto, from, to, pfx.Masked().String(), r.Description})
	}
	for _, g := range p.UserIdGroupPairs {
		out = append(out, rule{proto, from, to, g.GroupId, ""})
	}
	if len(out) == 0 {
		return nil, ec2.Errorf(ec2.CodeInvalidPermissionMalformed, "A rule needs at least one source CIDR or group")
	}
	return out, nil
}

// flatten lists a group's rules.
func flatten(g *sgRecord) []rule {
	var out []rule
	for _, p := range g.IpPermissions {
		rs, _ := normalize(p)
		out = append(out, rs...)
	}
	return out
}

// permissions groups rules back into EC2's shape, in a stable order.
func permissions(rules []rule) []ec2.IpPermission {
	sort.SliceStable(rules, func(i, j int) bool {
		a, b := rules[i], rules[j]
		if a.proto != b.proto {
			return a.proto < b.proto
		}
		if a.from != b.from {
			return a.from < b.from
		}
		return a.to < b.to
	})
	var out []ec2.IpPermission
	for _, r := range rules {
		var p *ec2.IpPermission
		if n := len(out); n > 0 && out[n-1].IpProtocol == r.proto && portOf(out[n-1].FromPort) == r.from && portOf(out[n-1].ToPort) == r.to {
			p = &out[n-1]
		} else {
			np := ec2.IpPermission{IpProtocol: r.proto, IpRanges: []ec2.IpRange{}}
			if r.proto != "-1" {
				from, to := r.from, r.to
				np.FromPort, np.ToPort = &from, &to
			}
			out = append(out, np)
			p = &out[len(out)-1]
		}
		if strings.HasPrefix(r.source, "sg-") {
			p.UserIdGroupPairs = append(p.UserIdGroupPairs, ec2.UserIdGroupPair{GroupId: r.source, UserId: ec2.OwnerID})
		} else {
			p.IpRanges = append(p.IpRanges, ec2.IpRange{CidrIp: r.source, Description: r.desc})
		}
	}
	return out
}

func portOf(p *int) int {
	if p == nil {
		return -1
	}
	return *p
}

func sameRule(a, b rule) bool {
	return a.proto == b.proto && a.from == b.from && a.to == b.to && a.source == b.source
}

// AuthorizeSecurityGroupIngress adds ingress rules; a rule already there is
// refused (InvalidPermission.Duplicate), as EC2 does.
func (c *Cloud) AuthorizeSecurityGroupIngress(ctx context.Context, region string, in *ec2.SecurityGroupRuleInput) (*ec2.Empty, error) {
	return c.changeRules(ctx, region, in, func(have, add []rule) ([]rule, error) {
		for _, a := range add {
			for _, h := range have {
				if sameRule(a, h) {
					return nil, ec2.Errorf(ec2.CodeInvalidPermissionDuplicate, "the specified rule \"peer: %s, %s, from port: %d, to port: %d, ALLOW\" already exists", a.source, strings.ToUpper(a.proto), a.from, a.to)
				}
			}
			have = append(have, a)
		}
		if len(have) > maxRulesPerGroup {
			return nil, ec2.Errorf(ec2.CodeRulesPerSecurityGroupLimitExceeded, "The maximum number of rules per security group (%d) has been reached.", maxRulesPerGroup)
		}
		return have, nil
	})
}

// RevokeSecurityGroupIngress removes ingress rules; one that is not there
// is refused (InvalidPermission.NotFound).
func (c *Cloud) RevokeSecurityGroupIngress(ctx context.Context, region string, in *ec2.SecurityGroupRuleInput) (*ec2.Empty, error) {
	return c.changeRules(ctx, region, in, func(have, del []rule) ([]rule, error) {
		for _, d := range del {
			i := -1
			for j, h := range have {
				if sameRule(d, h) {
					i = j
				}
			}
			if i < 0 {
				return nil, ec2.Errorf(ec2.CodeInvalidPermissionNotFound, "The specified rule does not exist in this security group (%s %d-%d from %s).", d.proto, d.from, d.to, d.source)
			}
			have = append(have[:i:i], have[i+1:]...)
		}
		return have, nil
	})
}

func (c *Cloud) changeRules(ctx context.Context, region string, in *ec2.SecurityGroupRuleInput, f func(have, change []rule) ([]rule, error)) (*ec2.Empty, error) {
	if len(in.IpPermissions) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter IpPermissions")
	}
	var change []rule
	for _, p := range in.IpPermissions {
		rs, err := normalize(p)
		if err != nil {
			return nil, err
		}
		change = append(change, rs...)
	}
	err := c.mutate(ctx, region, in.DryRun, func(t *tx) error {
		g, err := t.findGroup(in.GroupId, in.GroupName)
		if err != nil {
			return err
		}
		for _, r := range change {
			if strings.HasPrefix(r.source, "sg-") && t.group(r.source) == nil {
				return ec2.Errorf(ec2.CodeInvalidGroupNotFound, "The security group '%s' does not exist", r.source)
			}
		}
		rules, err := f(flatten(g), change)
		if err != nil {
			return err
		}
		n := *g
		n.IpPermissions = permissions(rules)
		t.putGroup(&n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// DeleteSecurityGroup deletes a group no interface uses and no other
// group's rule names; the default group cannot be deleted.
func (c *Cloud) DeleteSecurityGroup(ctx context.Context, region string, in *ec2.DeleteSecurityGroupInput) (*ec2.Empty, error) {
	err := c.mutate(ctx, region, in.DryRun, func(t *tx) error {
		g, err := t.findGroup(in.GroupId, in.GroupName)
		if err != nil {
			return err
		}
		if g.GroupId == t.rs.net.DefaultGroupId {
			return ec2.Errorf(ec2.CodeCannotDelete, "the specified group: \"%s\" name: \"default\" cannot be deleted by a user", g.GroupId)
		}
		if user := t.rs.groupUser(g.GroupId); user != "" {
			return ec2.Errorf(ec2.CodeDependencyViolation, "resource %s has a dependent object (%s)", g.GroupId, user)
		}
		t.deleteGroup(g.GroupId)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// groupUser names something that uses the group, or "".
func (rs *regionState) groupUser(id string) string {
	for _, e := range rs.enis {
		for _, g := range e.Groups {
			if g == id {
				if e.InstanceId != "" {
					return fmt.Sprintf("%s of %s", e.NetworkInterfaceId, e.InstanceId)
				}
				return e.NetworkInterfaceId
			}
		}
	}
	for _, g := range rs.sgs {
		for _, r := range flatten(g) {
			if r.source == id && g.GroupId != id {
				return "a rule of " + g.GroupId
			}
		}
	}
	return ""
}

var groupFilters = map[string]func(g *ec2.SecurityGroup) []string{
	"group-id":    func(g *ec2.SecurityGroup) []string { return []string{g.GroupId} },
	"group-name":  func(g *ec2.SecurityGroup) []string { return []string{g.GroupName} },
	"vpc-id":      func(g *ec2.SecurityGroup) []string { return []string{g.VpcId} },
	"description": func(g *ec2.SecurityGroup) []string { return []string{g.Description} },
	"ip-permission.protocol": func(g *ec2.SecurityGroup) []string {
		var out []string
		for _, p := range g.IpPermissions {
			out = append(out, p.IpProtocol)
		}
		return out
	},
	"ip-permission.cidr": func(g *ec2.SecurityGroup) []string {
		var out []string
		for _, p := range g.IpPermissions {
			for _, r := range p.IpRanges {
				out = append(out, r.CidrIp)
			}
		}
		return out
	},
}

// DescribeSecurityGroups lists groups by ID, name and filters.
func (c *Cloud) DescribeSecurityGroups(ctx context.Context, region string, in *ec2.DescribeSecurityGroupsInput) (*ec2.DescribeSecurityGroupsOutput, error) {
	fs, err := compileGeneric(in.Filters, groupFilters, func(g *ec2.SecurityGroup) []ec2.Tag { return g.Tags })
	if err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	rs, err := c.region(region)
	if err != nil {
		return nil, err
	}
	t := c.newTx(rs)
	recs, err := findEach(in.GroupIds, func(id string) (*sgRecord, error) { return t.findGroup(id, "") })
	if err != nil {
		return nil, err
	}
	byName, err := findEach(in.GroupNames, func(n string) (*sgRecord, error) { return t.findGroup("", n) })
	if err != nil {
		return nil, err
	}
	recs = append(recs, byName...)
	if len(in.GroupIds) == 0 && len(in.GroupNames) == 0 {
		recs = valuesOf(rs.sgs)
	}
	out := &ec2.DescribeSecurityGroupsOutput{SecurityGroups: viewsMatching(recs, rs.groupAPI, fs)}
	sort.Slice(out.SecurityGroups, func(i, j int) bool {
		a, b := out.SecurityGroups[i], out.SecurityGroups[j]
		if (a.GroupName == "default") != (b.GroupName == "default") {
			return a.GroupName == "default"
		}
		return a.GroupName < b.GroupName
	})
	return out, nil
}
