package network

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// Limits of EC2's default quotas.
const (
	maxGroupsPerRegion = 2500
	maxRulesPerGroup   = 60
)

// defaultGroupView names the default group.
func (s *Service) defaultGroupView(rd state.Reader) []ec2.GroupIdentifier {
	return []ec2.GroupIdentifier{{GroupId: s.DefaultGroupID(rd), GroupName: "default"}}
}

// groupView is a group as DescribeSecurityGroups shows it.
func groupView(g *Group) ec2.SecurityGroup {
	perms := g.IpPermissions
	if perms == nil {
		perms = []ec2.IpPermission{}
	}
	egress := g.egress()
	if egress == nil {
		egress = []ec2.IpPermission{}
	}
	return ec2.SecurityGroup{GroupId: g.GroupId, GroupName: g.GroupName, Description: g.Description, VpcId: g.VpcId,
		OwnerId: ec2.OwnerID, IpPermissions: perms, Tags: g.Tags, IpPermissionsEgress: egress}
}

// findGroup finds a group by ID or name.
func (s *Service) findGroup(rd state.Reader, id, name string) (*Group, error) {
	switch {
	case id != "":
		if !ec2.ValidID("sg", id) {
			return nil, ec2.MalformedID(ec2.CodeInvalidGroupIdMalformed, "sg", id)
		}
		if g := state.Get(rd, Groups, id); g != nil {
			return g, nil
		}
		return nil, ec2.Errorf(ec2.CodeInvalidGroupNotFound, "The security group '%s' does not exist", id)
	case name != "":
		if g := groupByName(rd, name); g != nil {
			return g, nil
		}
		return nil, ec2.Errorf(ec2.CodeInvalidGroupNotFound, "The security group '%s' does not exist in default VPC '%s'", name, s.VpcID(rd))
	}
	return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter GroupId or GroupName")
}

// CreateSecurityGroup makes a group in the region's default VPC; it admits
// nothing until rules are added.
func (s *Service) CreateSecurityGroup(ctx context.Context, region string, in *ec2.CreateSecurityGroupInput) (*ec2.CreateSecurityGroupOutput, error) {
	switch {
	case in.GroupName == "" || len(in.GroupName) > 255:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Group names are 1 to 255 characters")
	case strings.HasPrefix(strings.ToLower(in.GroupName), "sg-"):
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Group names may not start with 'sg-'")
	case in.Description == "":
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter GroupDescription")
	case !validGroupText(in.Description):
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid security group description. Valid descriptions are strings less than 256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*")
	}
	tags, err := tagging.FromSpecs(in.TagSpecifications, "security-group")
	if err != nil {
		return nil, err
	}
	var out *ec2.CreateSecurityGroupOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		vpc := in.VpcId
		if vpc == "" {
			if vpc = s.VpcID(tx); vpc == "" {
				return ec2.Errorf(ec2.CodeVPCIdNotSpecified, "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.")
			}
		} else if s.book(tx.Region()).net.VpcByID(vpc) == nil {
			return vpcNotFound(vpc)
		}
		if in.GroupName == "default" {
			return ec2.Errorf(ec2.CodeInvalidGroupReserved, "The security group 'default' is reserved.")
		}
		if groupInVpc(tx, vpc, in.GroupName) != nil {
			return ec2.Errorf(ec2.CodeInvalidGroupDuplicate, "The security group '%s' already exists for VPC '%s'", in.GroupName, vpc)
		}
		if state.Len(tx, Groups) >= maxGroupsPerRegion {
			return ec2.Errorf(ec2.CodeSecurityGroupLimitExceeded, "The maximum number of security groups (%d) has been reached.", maxGroupsPerRegion)
		}
		g := &Group{GroupId: tx.Region().NewID("sg"), GroupName: in.GroupName, Description: in.Description, VpcId: vpc, Tags: tags}
		state.Put(tx, Groups, g)
		out = &ec2.CreateSecurityGroupOutput{GroupId: g.GroupId, Tags: tags}
		return dryRun(in.DryRun)
	})
	return out, err
}

// validGroupText reports whether s is a valid description of a group in a
// VPC: fewer than 256 characters of a-zA-Z0-9, space and ._-:/()#,@[]+=&;{}!$*.
func validGroupText(s string) bool {
	if len(s) > 255 {
		return false
	}
	for _, c := range []byte(s) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte(" ._-:/()#,@[]+=&;{}!$*", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// rule is one (protocol, ports, source) triple: rules compare by it.
type rule struct {
	proto    string
	from, to int
	source   string // a CIDR, an IPv6 CIDR, a prefix list ID or a group ID
	desc     string
}

// key identifies a rule within one direction of a group: EC2 refuses a
// second rule of the same key.
func (r rule) key() string { return fmt.Sprintf("%s|%d|%d|%s", r.proto, r.from, r.to, r.source) }

// byName marks a rule's source that names a group of the default VPC by
// name, until the transaction resolves it to the group's ID.
const byName = "name:"

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
	for _, r := range p.Ipv6Ranges {
		pfx, err := netip.ParsePrefix(r.CidrIpv6)
		if err != nil || !pfx.Addr().Is6() || pfx.Addr().Is4In6() {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "CIDR block %s is malformed", r.CidrIpv6)
		}
		out = append(out, rule{proto, from, to, pfx.Masked().String(), r.Description})
	}
	for _, pl := range p.PrefixListIds {
		if !ec2.ValidID("pl", pl.PrefixListId) {
			return nil, ec2.MalformedID(ec2.CodeInvalidPrefixListIdMalformed, "pl", pl.PrefixListId)
		}
		out = append(out, rule{proto, from, to, pl.PrefixListId, pl.Description})
	}
	for _, g := range p.UserIdGroupPairs {
		switch {
		case g.GroupId != "":
			out = append(out, rule{proto, from, to, g.GroupId, g.Description})
		case g.GroupName != "":
			out = append(out, rule{proto, from, to, byName + g.GroupName, g.Description})
		default:
			return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter groupId or groupName")
		}
	}
	if len(out) == 0 {
		return nil, ec2.Errorf(ec2.CodeInvalidPermissionMalformed, "A rule needs at least one source CIDR or group")
	}
	return out, nil
}

// flatten lists rules.
func flatten(perms []ec2.IpPermission) []rule {
	var out []rule
	for _, p := range perms {
		rs, _ := normalize(p)
		out = append(out, rs...)
	}
	return out
}

// permissions groups rules back into EC2's shape, in a stable order.
func permissions(rules []rule) []ec2.IpPermission {
	rules = slices.Clone(rules)
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
		switch sourceKind(r.source) {
		case "group":
			p.UserIdGroupPairs = append(p.UserIdGroupPairs, ec2.UserIdGroupPair{GroupId: r.source, UserId: ec2.OwnerID, Description: r.desc})
		case "prefix-list":
			p.PrefixListIds = append(p.PrefixListIds, ec2.PrefixListId{PrefixListId: r.source, Description: r.desc})
		case "ipv6":
			p.Ipv6Ranges = append(p.Ipv6Ranges, ec2.Ipv6Range{CidrIpv6: r.source, Description: r.desc})
		default:
			p.IpRanges = append(p.IpRanges, ec2.IpRange{CidrIp: r.source, Description: r.desc})
		}
	}
	return out
}

// sourceKind says what a rule's source is: group, prefix-list, ipv6 or ipv4.
func sourceKind(source string) string {
	switch {
	case strings.HasPrefix(source, "sg-"):
		return "group"
	case strings.HasPrefix(source, "pl-"):
		return "prefix-list"
	case strings.Contains(source, ":"):
		return "ipv6"
	}
	return "ipv4"
}

func portOf(p *int) int {
	if p == nil {
		return -1
	}
	return *p
}

// AuthorizeSecurityGroupIngress adds ingress rules; a rule already there is
// refused (InvalidPermission.Duplicate), as EC2 does.
func (s *Service) AuthorizeSecurityGroupIngress(ctx context.Context, region string, in *ec2.AuthorizeSecurityGroupInput) (*ec2.AuthorizeSecurityGroupOutput, error) {
	return s.authorize(ctx, region, in, false)
}

// AuthorizeSecurityGroupEgress adds outbound rules to a group (by ID, as
// EC2 takes it). ec2x records them and DescribeSecurityGroups shows them;
// guests reach out through their driver's own network, which does not
// apply them yet.
func (s *Service) AuthorizeSecurityGroupEgress(ctx context.Context, region string, in *ec2.AuthorizeSecurityGroupInput) (*ec2.AuthorizeSecurityGroupOutput, error) {
	if in.GroupId == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter groupId")
	}
	return s.authorize(ctx, region, in, true)
}

// RevokeSecurityGroupEgress removes outbound rules, as Terraform does
// with the allow-all rule of every group it creates.
func (s *Service) RevokeSecurityGroupEgress(ctx context.Context, region string, in *ec2.RevokeSecurityGroupInput) (*ec2.RevokeSecurityGroupOutput, error) {
	if in.GroupId == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter groupId")
	}
	return s.revoke(ctx, region, in, true)
}

// RevokeSecurityGroupIngress removes ingress rules; one that is not there
// is refused (InvalidPermission.NotFound).
func (s *Service) RevokeSecurityGroupIngress(ctx context.Context, region string, in *ec2.RevokeSecurityGroupInput) (*ec2.RevokeSecurityGroupOutput, error) {
	return s.revoke(ctx, region, in, false)
}

// DeleteSecurityGroup deletes a group no interface uses and no other
// group's rule names; the default group cannot be deleted.
func (s *Service) DeleteSecurityGroup(ctx context.Context, region string, in *ec2.DeleteSecurityGroupInput) (*ec2.Empty, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		g, err := s.findGroup(tx, in.GroupId, in.GroupName)
		if err != nil {
			return err
		}
		if g.GroupId == s.VpcDefaultGroup(tx, g.VpcId) {
			return ec2.Errorf(ec2.CodeCannotDelete, "the specified group: \"%s\" name: \"default\" cannot be deleted by a user", g.GroupId)
		}
		if user := groupUser(tx, g.GroupId); user != "" {
			return ec2.Errorf(ec2.CodeDependencyViolation, "resource %s has a dependent object (%s)", g.GroupId, user)
		}
		state.Delete(tx, Groups, g.GroupId)
		return dryRun(in.DryRun)
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// groupUser names something that uses the group, or "".
func groupUser(rd state.Reader, id string) string {
	user := ""
	state.Each(rd, Interfaces, func(e *ENI) bool {
		for _, g := range e.Groups {
			if g == id {
				user = e.NetworkInterfaceId
				if e.InstanceId != "" {
					user = fmt.Sprintf("%s of %s", e.NetworkInterfaceId, e.InstanceId)
				}
				return false
			}
		}
		return true
	})
	if user != "" {
		return user
	}
	state.Each(rd, Groups, func(g *Group) bool {
		for _, r := range flatten(append(slices.Clip(g.IpPermissions), g.egress()...)) {
			// A group's rule naming the group itself does not hold it.
			if r.source == id && g.GroupId != id {
				user = "a rule of " + g.GroupId
				return false
			}
		}
		return true
	})
	return user
}

var groupSpec = &describe.Spec[*ec2.SecurityGroup]{
	Fields: groupFields(),
	Tags:   func(g *ec2.SecurityGroup) []ec2.Tag { return g.Tags },
	// The default group first, then by name.
	Key: func(k *describe.Key, g *ec2.SecurityGroup) {
		if g.GroupName == "default" {
			k.Num(0)
		} else {
			k.Num(1)
		}
		k.Str(g.GroupName)
		k.Str(g.GroupId)
	},
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "GroupIds"},
}

// DescribeSecurityGroups lists groups by ID, name and filters.
func (s *Service) DescribeSecurityGroups(ctx context.Context, region string, in *ec2.DescribeSecurityGroupsInput) (*ec2.DescribeSecurityGroupsOutput, error) {
	ids := append(append([]string(nil), in.GroupIds...), in.GroupNames...)
	q := describe.Query{Filters: in.Filters, IDs: ids, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeSecurityGroups"}
	out, next, err := state.Describe(s.rt, region, groupSpec, q, func(r *state.Region) ([]*ec2.SecurityGroup, error) {
		var recs []*Group
		var err error
		if len(in.GroupIds) > 0 || len(in.GroupNames) == 0 {
			recs, err = state.Gather(r, Groups, in.GroupIds, func(r *state.Region, id string) (*Group, error) { return s.findGroup(r, id, "") })
			if err != nil {
				return nil, err
			}
		}
		for _, n := range in.GroupNames {
			g, err := s.findGroup(r, "", n)
			if err != nil {
				return nil, err
			}
			recs = append(recs, g)
		}
		views := make([]*ec2.SecurityGroup, len(recs))
		for i, g := range recs {
			v := groupView(g)
			views[i] = &v
		}
		return views, nil
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeSecurityGroupsOutput{SecurityGroups: out, NextToken: next}, nil
}

// groupByName finds a group of the region's default VPC by name.
func groupByName(rd state.Reader, name string) *Group {
	var found *Group
	state.Each(rd, Groups, func(g *Group) bool {
		if g.GroupName == name {
			found = g
			return false
		}
		return true
	})
	return found
}

// maxGroupsPerInterface is EC2's default quota.
const maxGroupsPerInterface = 5

// ResolveGroups maps group IDs and names to the region's groups; none
// means the VPC's default group.
func (s *Service) ResolveGroups(rd state.Reader, ids, names []string) ([]ec2.GroupIdentifier, []string, error) {
	if len(ids) == 0 && len(names) == 0 {
		return s.defaultGroupView(rd), s.book(rd.Region()).defaultGroupIDs(), nil
	}
	var out []ec2.GroupIdentifier
	var outIDs []string
	seen := map[string]bool{}
	add := func(g *Group) {
		if !seen[g.GroupId] {
			seen[g.GroupId] = true
			out = append(out, ec2.GroupIdentifier{GroupId: g.GroupId, GroupName: g.GroupName})
			outIDs = append(outIDs, g.GroupId)
		}
	}
	for _, id := range ids {
		g := state.Get(rd, Groups, id)
		if g == nil {
			if !ec2.ValidID("sg", id) {
				return nil, nil, ec2.MalformedID(ec2.CodeInvalidGroupIdMalformed, "sg", id)
			}
			return nil, nil, ec2.Errorf(ec2.CodeInvalidGroupNotFound, "The security group '%s' does not exist in default VPC '%s'", id, s.VpcID(rd))
		}
		add(g)
	}
	for _, n := range names {
		g := groupByName(rd, n)
		if g == nil {
			return nil, nil, ec2.Errorf(ec2.CodeInvalidGroupNotFound, "The security group '%s' does not exist in default VPC '%s'", n, s.VpcID(rd))
		}
		add(g)
	}
	if len(out) > maxGroupsPerInterface {
		return nil, nil, ec2.Errorf(ec2.CodeSecurityGroupsPerInterfaceLimitExceed, "The maximum number of security groups per interface has been reached (%d).", maxGroupsPerInterface)
	}
	return out, outIDs, nil
}

// groupTags is the taggable kind of security groups.
func (s *Service) groupTags() tagging.Kind {
	return tagging.Kind{Prefix: "sg-", Type: "security-group",
		List: tagging.Lister(Groups, func(g *Group) string { return g.GroupId }, func(g *Group) []ec2.Tag { return g.Tags }),
		Retag: func(tx *state.Tx, id string, f tagging.Retag) error {
			g, err := s.findGroup(tx, id, "")
			if err != nil {
				return err
			}
			n := *g
			if n.Tags, err = f(g.Tags); err != nil {
				return err
			}
			state.Put(tx, Groups, &n)
			return nil
		}}
}
