package network

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/core/tagging"
)

// idRule is a rule with its identity.
type idRule struct {
	rule
	meta RuleID
}

// derivedRuleID is the ID of a rule that has none stored: a function of
// its group, direction and key, so that it reads the same until stored.
func derivedRuleID(group string, egress bool, key string) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s|%t|%s", group, egress, key))
	return "sgr-" + hex.EncodeToString(sum[:])[:17]
}

// ruleMeta is the identity of g's rule r.
func (g *Group) ruleMeta(egress bool, r rule) RuleID {
	k := r.key()
	for _, m := range g.Rules {
		if m.Egress == egress && m.Key == k {
			return m
		}
	}
	return RuleID{ID: derivedRuleID(g.GroupId, egress, k), Egress: egress, Key: k}
}

// dirRules lists g's inbound or outbound rules with their identities.
func (g *Group) dirRules(egress bool) []idRule {
	perms := g.IpPermissions
	if egress {
		perms = g.egress()
	}
	rs := flatten(perms)
	out := make([]idRule, len(rs))
	for i, r := range rs {
		out[i] = idRule{r, g.ruleMeta(egress, r)}
	}
	return out
}

// allRules lists g's rules, inbound first, with whether each is outbound.
func (g *Group) allRules() []idRule {
	return append(g.dirRules(false), g.dirRules(true)...)
}

// setRules makes rs n's rules of one direction (n is a copy being
// written) and stores the identity of every rule of both directions.
func (n *Group) setRules(egress bool, rs []idRule) {
	other := n.dirRules(!egress)
	plain := make([]rule, len(rs))
	for i, r := range rs {
		plain[i] = r.rule
	}
	perms := permissions(plain)
	if egress {
		if perms == nil {
			perms = []ec2.IpPermission{}
		}
		n.IpPermissionsEgress = &perms
	} else {
		n.IpPermissions = perms
	}
	metas := make([]RuleID, 0, len(rs)+len(other))
	for _, r := range slices.Concat(rs, other) {
		metas = append(metas, r.meta)
	}
	n.Rules = metas
}

// ruleInput is the rules a request names: IpPermissions or the old
// top-level form, never both.
func ruleInput(in *ec2.SecurityGroupRuleInput) ([]rule, error) {
	top := in.CidrIp != "" || in.IpProtocol != "" || in.FromPort != nil || in.ToPort != nil ||
		in.SourceSecurityGroupName != "" || in.SourceSecurityGroupOwnerId != ""
	perms := in.IpPermissions
	switch {
	case top && len(perms) > 0:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "The parameter 'ipPermissions' may not be used in combination with 'cidrIp', 'ipProtocol', 'fromPort', 'toPort', 'sourceSecurityGroupName' or 'sourceSecurityGroupOwnerId'")
	case top:
		p := ec2.IpPermission{IpProtocol: in.IpProtocol, FromPort: in.FromPort, ToPort: in.ToPort}
		if in.CidrIp != "" {
			if in.SourceSecurityGroupName != "" {
				return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "The parameter 'cidrIp' may not be used in combination with 'sourceSecurityGroupName'")
			}
			if in.IpProtocol == "" {
				return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter ipProtocol")
			}
			p.IpRanges = []ec2.IpRange{{CidrIp: in.CidrIp}}
		}
		if in.SourceSecurityGroupName != "" {
			// A group source without a protocol admits all traffic.
			if p.IpProtocol == "" {
				p.IpProtocol = "-1"
			}
			p.UserIdGroupPairs = []ec2.UserIdGroupPair{{GroupName: in.SourceSecurityGroupName, UserId: in.SourceSecurityGroupOwnerId}}
		}
		if p.IpRanges == nil && p.UserIdGroupPairs == nil {
			return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter cidrIp or sourceSecurityGroupName")
		}
		perms = []ec2.IpPermission{p}
	case len(perms) == 0:
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter IpPermissions")
	}
	var out []rule
	for _, p := range perms {
		rs, err := normalize(p)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}

// resolve checks rules' sources against the region within tx: a group
// named by name (in the default VPC) becomes its ID; a group must exist and
// be in g's VPC, a prefix list must exist.
func (s *Service) resolve(rd state.Reader, g *Group, rs []rule) error {
	for i := range rs {
		r := &rs[i]
		switch {
		case strings.HasPrefix(r.source, byName):
			name := strings.TrimPrefix(r.source, byName)
			ref := groupByName(rd, name)
			if ref == nil || ref.VpcId != s.VpcID(rd) || g.VpcId != s.VpcID(rd) {
				return ec2.Errorf(ec2.CodeInvalidGroupNotFound, "The security group '%s' does not exist in default VPC '%s'", name, s.VpcID(rd))
			}
			r.source = ref.GroupId
		case sourceKind(r.source) == "group":
			if !ec2.ValidID("sg", r.source) {
				return ec2.MalformedID(ec2.CodeInvalidGroupIdMalformed, "sg", r.source)
			}
			ref := state.Get(rd, Groups, r.source)
			if ref == nil {
				return ec2.Errorf(ec2.CodeInvalidGroupNotFound, "The security group '%s' does not exist", r.source)
			}
			if ref.VpcId != g.VpcId {
				return ec2.Errorf(ec2.CodeInvalidGroupNotFound, "You have specified two resources that belong to different networks.")
			}
		case sourceKind(r.source) == "prefix-list":
			if _, ok := s.prefixListCidrs(rd, r.source); !ok {
				return ec2.Errorf(ec2.CodeInvalidPrefixListIdNotFound, "The prefix list ID '%s' does not exist", r.source)
			}
		}
	}
	return nil
}

// authorize adds rules to one direction of a group, each with a new ID and
// the tags asked for; a rule already there is refused, and so is the 61st.
func (s *Service) authorize(ctx context.Context, region string, in *ec2.AuthorizeSecurityGroupInput, egress bool) (*ec2.AuthorizeSecurityGroupOutput, error) {
	add, err := ruleInput(&in.SecurityGroupRuleInput)
	if err != nil {
		return nil, err
	}
	tags, err := tagging.FromSpecs(in.TagSpecifications, "security-group-rule")
	if err != nil {
		return nil, err
	}
	out := &ec2.AuthorizeSecurityGroupOutput{Return: true, SecurityGroupRules: []ec2.SecurityGroupRule{}}
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		g, err := s.findGroup(tx, in.GroupId, in.GroupName)
		if err != nil {
			return err
		}
		if err := s.resolve(tx, g, add); err != nil {
			return err
		}
		have := g.dirRules(egress)
		for _, a := range add {
			for _, h := range have {
				if h.key() == a.key() {
					return duplicateRule(a)
				}
			}
			r := idRule{a, RuleID{ID: tx.Region().NewID("sgr"), Egress: egress, Key: a.key(), Tags: tags}}
			have = append(have, r)
			out.SecurityGroupRules = append(out.SecurityGroupRules, ruleView(region, g.GroupId, r))
		}
		if len(have) > maxRulesPerGroup {
			return ec2.Errorf(ec2.CodeRulesPerSecurityGroupLimitExceeded, "The maximum number of rules per security group has been reached.")
		}
		n := *g
		n.setRules(egress, have)
		state.Put(tx, Groups, &n)
		return dryRun(in.DryRun)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// duplicateRule is EC2's refusal of a rule the group has.
func duplicateRule(a rule) error {
	return ec2.Errorf(ec2.CodeInvalidPermissionDuplicate, "the specified rule \"peer: %s, %s, from port: %d, to port: %d, ALLOW\" already exists", a.source, upperProto(a.proto), a.from, a.to)
}

func upperProto(p string) string {
	if p == "-1" {
		return "ALL"
	}
	b := []byte(p)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// revoke removes rules from one direction of a group, named by rule or
// by ID; one that is not there is refused.
func (s *Service) revoke(ctx context.Context, region string, in *ec2.RevokeSecurityGroupInput, egress bool) (*ec2.RevokeSecurityGroupOutput, error) {
	var del []rule
	if len(in.SecurityGroupRuleIds) > 0 {
		if len(in.IpPermissions) > 0 || in.CidrIp != "" || in.IpProtocol != "" || in.SourceSecurityGroupName != "" {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "The parameter 'SecurityGroupRuleIds' may not be used in combination with 'IpPermissions'")
		}
		for _, id := range in.SecurityGroupRuleIds {
			if !ec2.ValidID("sgr", id) {
				return nil, ec2.MalformedID(ec2.CodeInvalidSecurityGroupRuleIdMalformed, "sgr", id)
			}
		}
	} else {
		var err error
		if del, err = ruleInput(&in.SecurityGroupRuleInput); err != nil {
			return nil, err
		}
	}
	out := &ec2.RevokeSecurityGroupOutput{Return: true, RevokedSecurityGroupRules: []ec2.RevokedSecurityGroupRule{}}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		g, err := s.findGroup(tx, in.GroupId, in.GroupName)
		if err != nil {
			return err
		}
		if err := s.resolve(tx, g, del); err != nil {
			return err
		}
		have := g.dirRules(egress)
		remove := func(i int) {
			out.RevokedSecurityGroupRules = append(out.RevokedSecurityGroupRules, revokedView(g.GroupId, have[i]))
			have = append(have[:i:i], have[i+1:]...)
		}
		for _, id := range in.SecurityGroupRuleIds {
			i := indexRule(have, func(r idRule) bool { return r.meta.ID == id })
			if i < 0 {
				return ec2.Errorf(ec2.CodeInvalidSecurityGroupRuleIdNotFound, "The security group rule ID '%s' does not exist", id)
			}
			remove(i)
		}
		for _, d := range del {
			i := indexRule(have, func(r idRule) bool { return r.key() == d.key() })
			if i < 0 {
				return ec2.Errorf(ec2.CodeInvalidPermissionNotFound, "The specified rule does not exist in this security group (%s %d-%d from %s).", d.proto, d.from, d.to, d.source)
			}
			remove(i)
		}
		n := *g
		n.setRules(egress, have)
		state.Put(tx, Groups, &n)
		return dryRun(in.DryRun)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func indexRule(rs []idRule, f func(idRule) bool) int {
	for i, r := range rs {
		if f(r) {
			return i
		}
	}
	return -1
}

// ruleView is a rule as EC2 shows it by ID.
func ruleView(region, group string, r idRule) ec2.SecurityGroupRule {
	v := ec2.SecurityGroupRule{SecurityGroupRuleId: r.meta.ID, GroupId: group, GroupOwnerId: ec2.OwnerID, IsEgress: r.meta.Egress,
		SecurityGroupRuleArn: "arn:aws:ec2:" + region + ":" + ec2.OwnerID + ":security-group-rule/" + r.meta.ID,
		IpProtocol:           r.proto, FromPort: r.from, ToPort: r.to, Description: r.desc, Tags: r.meta.Tags}
	if v.Tags == nil {
		v.Tags = []ec2.Tag{}
	}
	switch sourceKind(r.source) {
	case "group":
		v.ReferencedGroupInfo = &ec2.ReferencedSecurityGroup{GroupId: r.source, UserId: ec2.OwnerID}
	case "prefix-list":
		v.PrefixListId = r.source
	case "ipv6":
		v.CidrIpv6 = r.source
	default:
		v.CidrIpv4 = r.source
	}
	return v
}

// revokedView is a rule as Revoke* reports it removed.
func revokedView(group string, r idRule) ec2.RevokedSecurityGroupRule {
	v := ruleView("", group, r)
	out := ec2.RevokedSecurityGroupRule{SecurityGroupRuleId: v.SecurityGroupRuleId, GroupId: group, IsEgress: v.IsEgress,
		IpProtocol: v.IpProtocol, FromPort: v.FromPort, ToPort: v.ToPort, CidrIpv4: v.CidrIpv4, CidrIpv6: v.CidrIpv6,
		PrefixListId: v.PrefixListId, Description: v.Description}
	if v.ReferencedGroupInfo != nil {
		out.ReferencedGroupId = r.source
	}
	return out
}

// storeRuleIDs gives every rule of the region's groups that has no stored
// ID its derived one, in the start-up batch, so that IDs stay as they were
// shown.
func storeRuleIDs(r *state.Region, b *store.Batch) {
	state.Each(r, Groups, func(g *Group) bool {
		all := g.allRules()
		if len(g.Rules) == len(all) {
			return true
		}
		n := *g
		n.Rules = make([]RuleID, len(all))
		for i, x := range all {
			n.Rules[i] = x.meta
		}
		state.Seed(r, Groups, &n)
		b.Put(store.Key(Groups.Kind, r.Name, n.GroupId), &n)
		return true
	})
}
