package network

import (
	"context"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

var ruleSpec = &describe.Spec[*ec2.SecurityGroupRule]{
	Fields: []describe.Field[*ec2.SecurityGroupRule]{
		{Name: "group-id", Value: func(r *ec2.SecurityGroupRule) string { return r.GroupId }},
		{Name: "security-group-rule-id", Value: func(r *ec2.SecurityGroupRule) string { return r.SecurityGroupRuleId }},
	},
	Tags: func(r *ec2.SecurityGroupRule) []ec2.Tag { return r.Tags },
	Key: func(k *describe.Key, r *ec2.SecurityGroupRule) {
		k.Str(r.GroupId)
		k.Str(r.SecurityGroupRuleId)
	},
	Paging: describe.Paging{Min: 5, Max: 1000},
}

// DescribeSecurityGroupRules lists rules by ID and filters.
func (s *Service) DescribeSecurityGroupRules(ctx context.Context, region string, in *ec2.DescribeSecurityGroupRulesInput) (*ec2.DescribeSecurityGroupRulesOutput, error) {
	for _, id := range in.SecurityGroupRuleIds {
		if !ec2.ValidID("sgr", id) {
			return nil, ec2.MalformedID(ec2.CodeInvalidSecurityGroupRuleIdMalformed, "sgr", id)
		}
	}
	q := describe.Query{Filters: in.Filters, IDs: in.SecurityGroupRuleIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeSecurityGroupRules"}
	out, next, err := state.Describe(s.rt, region, ruleSpec, q, func(r *state.Region) ([]*ec2.SecurityGroupRule, error) {
		byID := map[string]*ec2.SecurityGroupRule{}
		var all []*ec2.SecurityGroupRule
		state.Each(r, Groups, func(g *Group) bool {
			for _, x := range g.allRules() {
				v := ruleView(region, g.GroupId, x)
				byID[v.SecurityGroupRuleId] = &v
				all = append(all, &v)
			}
			return true
		})
		if len(in.SecurityGroupRuleIds) == 0 {
			return all, nil
		}
		picked := make([]*ec2.SecurityGroupRule, 0, len(in.SecurityGroupRuleIds))
		for _, id := range in.SecurityGroupRuleIds {
			v := byID[id]
			if v == nil {
				return nil, ec2.Errorf(ec2.CodeInvalidSecurityGroupRuleIdNotFound, "The security group rule ID '%s' does not exist", id)
			}
			picked = append(picked, v)
		}
		return picked, nil
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.SecurityGroupRule{}
	}
	return &ec2.DescribeSecurityGroupRulesOutput{SecurityGroupRules: out, NextToken: next}, nil
}

// requestRule turns a ModifySecurityGroupRules rule into a rule: exactly
// one source.
func requestRule(q *ec2.SecurityGroupRuleRequest) ([]rule, error) {
	if q == nil {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter SecurityGroupRule")
	}
	p := ec2.IpPermission{IpProtocol: q.IpProtocol, FromPort: q.FromPort, ToPort: q.ToPort}
	n := 0
	if q.CidrIpv4 != "" {
		p.IpRanges, n = []ec2.IpRange{{CidrIp: q.CidrIpv4, Description: q.Description}}, n+1
	}
	if q.CidrIpv6 != "" {
		p.Ipv6Ranges, n = []ec2.Ipv6Range{{CidrIpv6: q.CidrIpv6, Description: q.Description}}, n+1
	}
	if q.PrefixListId != "" {
		p.PrefixListIds, n = []ec2.PrefixListId{{PrefixListId: q.PrefixListId, Description: q.Description}}, n+1
	}
	if q.ReferencedGroupId != "" {
		p.UserIdGroupPairs, n = []ec2.UserIdGroupPair{{GroupId: q.ReferencedGroupId, Description: q.Description}}, n+1
	}
	if n != 1 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "A security group rule names exactly one of CidrIpv4, CidrIpv6, PrefixListId and ReferencedGroupId")
	}
	return normalize(p)
}

// ModifySecurityGroupRules replaces rules of a group by ID: each keeps its
// ID, direction and tags.
func (s *Service) ModifySecurityGroupRules(ctx context.Context, region string, in *ec2.ModifySecurityGroupRulesInput) (*ec2.Empty, error) {
	if in.GroupId == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter GroupId")
	}
	if len(in.SecurityGroupRules) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter SecurityGroupRules")
	}
	news := make([]rule, len(in.SecurityGroupRules))
	for i, u := range in.SecurityGroupRules {
		if !ec2.ValidID("sgr", u.SecurityGroupRuleId) {
			return nil, ec2.MalformedID(ec2.CodeInvalidSecurityGroupRuleIdMalformed, "sgr", u.SecurityGroupRuleId)
		}
		rs, err := requestRule(u.SecurityGroupRule)
		if err != nil {
			return nil, err
		}
		news[i] = rs[0]
	}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		g, err := s.findGroup(tx, in.GroupId, "")
		if err != nil {
			return err
		}
		if err := s.resolve(tx, g, news); err != nil {
			return err
		}
		n := *g
		for i, u := range in.SecurityGroupRules {
			if err := n.replaceRule(u.SecurityGroupRuleId, news[i]); err != nil {
				return err
			}
		}
		state.Put(tx, Groups, &n)
		return dryRun(in.DryRun)
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// replaceRule puts r in place of the rule of an ID in n, a copy being
// written; a rule of the same key in that direction is refused.
func (n *Group) replaceRule(id string, r rule) error {
	for _, egress := range []bool{false, true} {
		rs := n.dirRules(egress)
		i := indexRule(rs, func(x idRule) bool { return x.meta.ID == id })
		if i < 0 {
			continue
		}
		for j, x := range rs {
			if j != i && x.key() == r.key() {
				return duplicateRule(r)
			}
		}
		rs[i].rule = r
		rs[i].meta.Key = r.key()
		n.setRules(egress, rs)
		return nil
	}
	return ec2.Errorf(ec2.CodeInvalidSecurityGroupRuleIdNotFound, "The security group rule ID '%s' does not exist", id)
}

// UpdateSecurityGroupRuleDescriptionsIngress sets descriptions of inbound rules.
func (s *Service) UpdateSecurityGroupRuleDescriptionsIngress(ctx context.Context, region string, in *ec2.UpdateSecurityGroupRuleDescriptionsInput) (*ec2.Empty, error) {
	return s.updateDescriptions(ctx, region, in, false)
}

// UpdateSecurityGroupRuleDescriptionsEgress sets descriptions of outbound rules.
func (s *Service) UpdateSecurityGroupRuleDescriptionsEgress(ctx context.Context, region string, in *ec2.UpdateSecurityGroupRuleDescriptionsInput) (*ec2.Empty, error) {
	return s.updateDescriptions(ctx, region, in, true)
}

// updateDescriptions sets the descriptions of existing rules, named by
// the rule (IpPermissions, whose descriptions are the new ones) or by ID.
func (s *Service) updateDescriptions(ctx context.Context, region string, in *ec2.UpdateSecurityGroupRuleDescriptionsInput, egress bool) (*ec2.Empty, error) {
	var want []rule
	switch {
	case len(in.IpPermissions) > 0 && len(in.SecurityGroupRuleDescriptions) > 0:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "The parameter 'IpPermissions' may not be used in combination with 'SecurityGroupRuleDescriptions'")
	case len(in.IpPermissions) == 0 && len(in.SecurityGroupRuleDescriptions) == 0:
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter IpPermissions or SecurityGroupRuleDescriptions")
	}
	for _, p := range in.IpPermissions {
		rs, err := normalize(p)
		if err != nil {
			return nil, err
		}
		want = append(want, rs...)
	}
	for _, d := range in.SecurityGroupRuleDescriptions {
		if !ec2.ValidID("sgr", d.SecurityGroupRuleId) {
			return nil, ec2.MalformedID(ec2.CodeInvalidSecurityGroupRuleIdMalformed, "sgr", d.SecurityGroupRuleId)
		}
	}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		g, err := s.findGroup(tx, in.GroupId, in.GroupName)
		if err != nil {
			return err
		}
		if err := s.resolve(tx, g, want); err != nil {
			return err
		}
		rs := g.dirRules(egress)
		for _, w := range want {
			i := indexRule(rs, func(x idRule) bool { return x.key() == w.key() })
			if i < 0 {
				return ec2.Errorf(ec2.CodeInvalidPermissionNotFound, "The specified rule does not exist in this security group (%s %d-%d from %s).", w.proto, w.from, w.to, w.source)
			}
			rs[i].desc = w.desc
		}
		for _, d := range in.SecurityGroupRuleDescriptions {
			i := indexRule(rs, func(x idRule) bool { return x.meta.ID == d.SecurityGroupRuleId })
			if i < 0 {
				return ec2.Errorf(ec2.CodeInvalidSecurityGroupRuleIdNotFound, "The security group rule ID '%s' does not exist", d.SecurityGroupRuleId)
			}
			rs[i].desc = d.Description
		}
		n := *g
		n.setRules(egress, rs)
		state.Put(tx, Groups, &n)
		return dryRun(in.DryRun)
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// ruleTags is the taggable kind of security group rules.
func (s *Service) ruleTags() tagging.Kind {
	return tagging.Kind{Prefix: "sgr-", Type: "security-group-rule",
		List: func(rd state.Reader, each func(string, []ec2.Tag)) {
			state.Each(rd, Groups, func(g *Group) bool {
				for _, m := range g.Rules {
					if len(m.Tags) > 0 {
						each(m.ID, m.Tags)
					}
				}
				return true
			})
		},
		Retag: func(tx *state.Tx, id string, f tagging.Retag) error {
			if !ec2.ValidID("sgr", id) {
				return ec2.MalformedID(ec2.CodeInvalidSecurityGroupRuleIdMalformed, "sgr", id)
			}
			var found *Group
			state.Each(tx, Groups, func(g *Group) bool {
				for _, x := range g.allRules() {
					if x.meta.ID == id {
						found = g
						return false
					}
				}
				return true
			})
			if found == nil {
				return ec2.Errorf(ec2.CodeInvalidSecurityGroupRuleIdNotFound, "The security group rule ID '%s' does not exist", id)
			}
			n := *found
			all := n.allRules()
			n.Rules = make([]RuleID, len(all))
			for i, x := range all {
				if x.meta.ID == id {
					tags, err := f(x.meta.Tags)
					if err != nil {
						return err
					}
					x.meta.Tags = tags
				}
				n.Rules[i] = x.meta
			}
			state.Put(tx, Groups, &n)
			return nil
		}}
}
