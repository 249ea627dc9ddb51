package network

import (
	"context"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/core/tagging"
)

// ACL is a network ACL: numbered, stateless rules each way, and the
// subnets explicitly associated with it. A subnet no ACL names is its
// VPC's default ACL's, under an association ID derived from the subnet.
type ACL struct {
	NetworkAclId string     `json:"NetworkAclId"`
	VpcId        string     `json:"VpcId"`
	IsDefault    bool       `json:"IsDefault,omitempty"`
	Entries      []AclEntry `json:"Entries,omitempty"`
	Assocs       []AclAssoc `json:"Associations,omitempty"`
	Tags         []ec2.Tag  `json:"Tags,omitempty"`
}

// AclEntry is one rule.
type AclEntry struct {
	Rule     int    `json:"RuleNumber"`
	Egress   bool   `json:"Egress,omitempty"`
	Protocol string `json:"Protocol"` // a number, or -1 for all
	Allow    bool   `json:"Allow,omitempty"`
	Cidr     string `json:"CidrBlock,omitempty"`
	Ipv6Cidr string `json:"Ipv6CidrBlock,omitempty"`
	From     *int   `json:"From,omitempty"` // ports (6, 17) or ICMP type (1)
	To       *int   `json:"To,omitempty"`   // ports, or ICMP code
}

// AclAssoc is an explicit association of a subnet.
type AclAssoc struct {
	AssociationId string `json:"AssociationId"`
	SubnetId      string `json:"SubnetId"`
}

// ACLs is the table of network ACLs: acl/<region>/<id>.
var ACLs = state.Table[ACL]{Kind: "acl", ID: func(a *ACL) string { return a.NetworkAclId }}

// Rule numbers a user may give; 32767 is the catch-all deny of every ACL.
// EC2's default quotas: ACLs per VPC, rules per ACL, direction and
// address family.
const (
	maxAclRule    = 32766
	aclDenyAll    = 32767
	maxAclsPerVpc = 200
	maxAclRules   = 20
)

func cloneACL(a *ACL) *ACL {
	n := *a
	n.Entries, n.Assocs = slices.Clone(a.Entries), slices.Clone(a.Assocs)
	return &n
}

// defaultACL is a VPC's default ACL: all traffic allowed both ways.
func defaultACL(id, vpc string) *ACL {
	return &ACL{NetworkAclId: id, VpcId: vpc, IsDefault: true, Entries: []AclEntry{
		{Rule: 100, Protocol: "-1", Allow: true, Cidr: "0.0.0.0/0"}, {Rule: 100, Egress: true, Protocol: "-1", Allow: true, Cidr: "0.0.0.0/0"}}}
}

// vpcDefaultACL is a VPC's default ACL, or nil.
func vpcDefaultACL(rd state.Reader, vpc string) *ACL {
	var found *ACL
	state.Each(rd, ACLs, func(a *ACL) bool {
		if a.VpcId == vpc && a.IsDefault {
			found = a
			return false
		}
		return true
	})
	return found
}

// implicitAssoc is the association ID of a subnet that no ACL names.
func implicitAssoc(subnetID string) string {
	return "aclassoc-" + strings.TrimPrefix(subnetID, "subnet-")
}

// ensureACL gives a VPC loaded from an older store its default ACL.
func (s *Service) ensureACL(r *state.Region, put func(key []byte, v any)) {
	for _, v := range s.book(r).net.Vpcs {
		if vpcDefaultACL(r, v.VpcId) == nil {
			a := defaultACL(r.NewID("acl"), v.VpcId)
			state.Seed(r, ACLs, a)
			put(store.Key(ACLs.Kind, r.Name, a.NetworkAclId), a)
		}
	}
}

// aclView is an ACL as DescribeNetworkAcls shows it: its rules in order,
// the catch-all denies last, and every subnet it holds.
func (s *Service) aclView(rd state.Reader, a *ACL) *ec2.NetworkAcl {
	out := &ec2.NetworkAcl{NetworkAclId: a.NetworkAclId, VpcId: a.VpcId, IsDefault: a.IsDefault, OwnerId: ec2.OwnerID, Tags: a.Tags,
		Entries: []ec2.NetworkAclEntry{}, Associations: []ec2.NetworkAclAssociation{}}
	entries := slices.Clone(a.Entries)
	entries = append(entries, AclEntry{Rule: aclDenyAll, Protocol: "-1", Cidr: "0.0.0.0/0"}, AclEntry{Rule: aclDenyAll, Egress: true, Protocol: "-1", Cidr: "0.0.0.0/0"})
	if v := s.book(rd.Region()).net.VpcByID(a.VpcId); v != nil && len(v.Ipv6) > 0 {
		// A VPC with IPv6 has a catch-all deny for IPv6 too.
		entries = append(entries, AclEntry{Rule: aclDenyAll, Protocol: "-1", Ipv6Cidr: "::/0"}, AclEntry{Rule: aclDenyAll, Egress: true, Protocol: "-1", Ipv6Cidr: "::/0"})
	}
	slices.SortStableFunc(entries, func(x, y AclEntry) int {
		// Outbound rules first, as EC2 lists them.
		if x.Egress != y.Egress {
			if x.Egress {
				return -1
			}
			return 1
		}
		return x.Rule - y.Rule
	})
	for _, e := range entries {
		v := ec2.NetworkAclEntry{RuleNumber: e.Rule, Egress: e.Egress, Protocol: e.Protocol, RuleAction: "deny", CidrBlock: e.Cidr, Ipv6CidrBlock: e.Ipv6Cidr}
		if e.Allow {
			v.RuleAction = "allow"
		}
		switch e.Protocol {
		case "6", "17":
			v.PortRange = &ec2.PortRange{From: e.From, To: e.To}
		case "1", "58":
			v.IcmpTypeCode = &ec2.IcmpTypeCode{Type: e.From, Code: e.To}
		}
		out.Entries = append(out.Entries, v)
	}
	for _, as := range a.Assocs {
		out.Associations = append(out.Associations, ec2.NetworkAclAssociation{NetworkAclAssociationId: as.AssociationId, NetworkAclId: a.NetworkAclId, SubnetId: as.SubnetId})
	}
	if a.IsDefault {
		for _, sub := range s.book(rd.Region()).net.SubnetsOf(a.VpcId) {
			if aclOfSubnet(rd, sub.SubnetId) == nil {
				out.Associations = append(out.Associations, ec2.NetworkAclAssociation{NetworkAclAssociationId: implicitAssoc(sub.SubnetId),
					NetworkAclId: a.NetworkAclId, SubnetId: sub.SubnetId})
			}
		}
	}
	return out
}

// aclOfSubnet is the ACL that names a subnet explicitly, or nil.
func aclOfSubnet(rd state.Reader, subnetID string) *ACL {
	var found *ACL
	state.Each(rd, ACLs, func(a *ACL) bool {
		if slices.ContainsFunc(a.Assocs, func(x AclAssoc) bool { return x.SubnetId == subnetID }) {
			found = a
			return false
		}
		return true
	})
	return found
}

// aclFor is an ACL by ID or EC2's error.
func aclFor(rd state.Reader, id string) (*ACL, error) {
	if a := state.Get(rd, ACLs, id); a != nil {
		return a, nil
	}
	if !ec2.ValidID("acl", id) {
		return nil, ec2.MalformedID(ec2.CodeInvalidNetworkAclIDMalformed, "acl", id)
	}
	return nil, ec2.Errorf(ec2.CodeInvalidNetworkAclIDNotFound, "The networkAcl ID '%s' does not exist", id)
}

// CreateNetworkAcl makes an ACL in a VPC that denies everything until
// rules are added.
func (s *Service) CreateNetworkAcl(ctx context.Context, region string, in *ec2.CreateNetworkAclInput) (*ec2.CreateNetworkAclOutput, error) {
	tags, err := tagging.FromSpecs(in.TagSpecifications, "network-acl")
	if err != nil {
		return nil, err
	}
	var out *ec2.CreateNetworkAclOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		if _, err := s.vpcFor(tx, in.VpcId); err != nil {
			return err
		}
		n := 0
		state.Each(tx, ACLs, func(a *ACL) bool {
			if a.VpcId == in.VpcId {
				n++
			}
			return true
		})
		if n >= maxAclsPerVpc {
			return ec2.Errorf(ec2.CodeNetworkAclLimitExceeded, "The maximum number of network ACLs has been reached.")
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		a := &ACL{NetworkAclId: tx.Region().NewID("acl"), VpcId: in.VpcId, Tags: tags}
		state.Put(tx, ACLs, a)
		out = &ec2.CreateNetworkAclOutput{ClientToken: in.ClientToken, NetworkAcl: s.aclView(tx, a)}
		return nil
	})
	return out, err
}

// DeleteNetworkAcl deletes an ACL no subnet uses; the default one stays.
func (s *Service) DeleteNetworkAcl(ctx context.Context, region string, in *ec2.NetworkAclIdInput) (*ec2.Empty, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		a, err := aclFor(tx, in.NetworkAclId)
		if err != nil {
			return err
		}
		switch {
		case a.IsDefault:
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "cannot delete default network ACL %s", a.NetworkAclId)
		case len(a.Assocs) > 0:
			return ec2.Errorf(ec2.CodeDependencyViolation, "The networkAcl '%s' has dependencies and cannot be deleted.", a.NetworkAclId)
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		state.Delete(tx, ACLs, a.NetworkAclId)
		return nil
	})
	return empty(err)
}

// aclEntry checks a rule as EC2 does.
func aclEntry(in *ec2.NetworkAclEntryInput) (AclEntry, error) {
	e := AclEntry{Cidr: in.CidrBlock, Ipv6Cidr: in.Ipv6CidrBlock}
	switch {
	case in.RuleNumber == nil:
		return e, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter ruleNumber")
	case *in.RuleNumber < 1 || *in.RuleNumber > maxAclRule:
		return e, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%d) for parameter ruleNumber is invalid. The rule number must be between 1 and %d.", *in.RuleNumber, maxAclRule)
	case in.Egress == nil:
		return e, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter egress")
	case (in.CidrBlock == "") == (in.Ipv6CidrBlock == ""):
		return e, ec2.Errorf(ec2.CodeMissingParameter, "Either 'cidrBlock' or 'ipv6CidrBlock' should be provided.")
	}
	e.Rule, e.Egress = *in.RuleNumber, *in.Egress
	if p, err := netip.ParsePrefix(in.CidrBlock + in.Ipv6CidrBlock); err != nil || p.Addr().Is4() != (in.CidrBlock != "") {
		return e, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter cidrBlock is invalid. This is not a valid CIDR block.", in.CidrBlock+in.Ipv6CidrBlock)
	}
	switch in.RuleAction {
	case "allow":
		e.Allow = true
	case "deny":
	default:
		return e, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter ruleAction is invalid. Valid values: allow, deny", in.RuleAction)
	}
	proto := strings.ToLower(in.Protocol)
	switch proto {
	case "all":
		proto = "-1"
	case "tcp":
		proto = "6"
	case "udp":
		proto = "17"
	case "icmp":
		proto = "1"
	case "icmpv6":
		proto = "58"
	}
	if n, err := strconv.Atoi(proto); err != nil || n < -1 || n > 255 {
		return e, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter protocol is invalid.", in.Protocol)
	}
	e.Protocol = proto
	switch proto {
	case "6", "17":
		if in.PortRange == nil || in.PortRange.From == nil || in.PortRange.To == nil || *in.PortRange.From < 0 || *in.PortRange.To > 65535 || *in.PortRange.From > *in.PortRange.To {
			return e, ec2.Errorf(ec2.CodeInvalidParameterValue, "TCP and UDP rules need a port range From..To within 0-65535.")
		}
		e.From, e.To = in.PortRange.From, in.PortRange.To
	case "1", "58": // ICMP, ICMPv6
		if in.IcmpTypeCode == nil || in.IcmpTypeCode.Type == nil || in.IcmpTypeCode.Code == nil {
			return e, ec2.Errorf(ec2.CodeInvalidParameterValue, "ICMP rules need an ICMP type and code (-1 for all).")
		}
		e.From, e.To = in.IcmpTypeCode.Type, in.IcmpTypeCode.Code
	}
	return e, nil
}

// changeEntries runs f on a copy of an ACL's rules and stores it.
func (s *Service) changeEntries(ctx context.Context, region, id string, dry bool, f func(a *ACL) error) (*ec2.Empty, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		a, err := aclFor(tx, id)
		if err != nil {
			return err
		}
		n := cloneACL(a)
		if err := f(n); err != nil {
			return err
		}
		if err := dryRun(dry); err != nil {
			return err
		}
		state.Put(tx, ACLs, n)
		return nil
	})
	return empty(err)
}

func aclEntryIndex(a *ACL, rule int, egress bool) int {
	return slices.IndexFunc(a.Entries, func(e AclEntry) bool { return e.Rule == rule && e.Egress == egress })
}

// CreateNetworkAclEntry adds a numbered rule.
func (s *Service) CreateNetworkAclEntry(ctx context.Context, region string, in *ec2.NetworkAclEntryInput) (*ec2.Empty, error) {
	e, err := aclEntry(in)
	if err != nil {
		return nil, err
	}
	return s.changeEntries(ctx, region, in.NetworkAclId, in.DryRun, func(a *ACL) error {
		if aclEntryIndex(a, e.Rule, e.Egress) >= 0 {
			return ec2.Errorf(ec2.CodeNetworkAclEntryAlreadyExists, "The network acl entry identified by %d already exists.", e.Rule)
		}
		same := 0
		for _, x := range a.Entries {
			if x.Egress == e.Egress && (x.Ipv6Cidr == "") == (e.Ipv6Cidr == "") {
				same++
			}
		}
		if same >= maxAclRules {
			return ec2.Errorf(ec2.CodeNetworkAclEntryLimitExceeded, "The maximum number of network ACL entries has been reached.")
		}
		a.Entries = append(a.Entries, e)
		return nil
	})
}

// ReplaceNetworkAclEntry replaces a numbered rule.
func (s *Service) ReplaceNetworkAclEntry(ctx context.Context, region string, in *ec2.NetworkAclEntryInput) (*ec2.Empty, error) {
	e, err := aclEntry(in)
	if err != nil {
		return nil, err
	}
	return s.changeEntries(ctx, region, in.NetworkAclId, in.DryRun, func(a *ACL) error {
		i := aclEntryIndex(a, e.Rule, e.Egress)
		if i < 0 {
			return ec2.Errorf(ec2.CodeInvalidNetworkAclEntryNotFound, "The network acl entry identified by %d does not exist.", e.Rule)
		}
		a.Entries[i] = e
		return nil
	})
}

// DeleteNetworkAclEntry removes a numbered rule.
func (s *Service) DeleteNetworkAclEntry(ctx context.Context, region string, in *ec2.DeleteNetworkAclEntryInput) (*ec2.Empty, error) {
	if in.RuleNumber == nil || in.Egress == nil {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameters ruleNumber and egress")
	}
	return s.changeEntries(ctx, region, in.NetworkAclId, in.DryRun, func(a *ACL) error {
		i := aclEntryIndex(a, *in.RuleNumber, *in.Egress)
		if i < 0 {
			return ec2.Errorf(ec2.CodeInvalidNetworkAclEntryNotFound, "The network acl entry identified by %d does not exist.", *in.RuleNumber)
		}
		a.Entries = slices.Delete(a.Entries, i, i+1)
		return nil
	})
}

// ReplaceNetworkAclAssociation moves a subnet to another ACL of its VPC.
func (s *Service) ReplaceNetworkAclAssociation(ctx context.Context, region string, in *ec2.ReplaceNetworkAclAssociationInput) (*ec2.ReplaceNetworkAclAssociationOutput, error) {
	var out *ec2.ReplaceNetworkAclAssociationOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		to, err := aclFor(tx, in.NetworkAclId)
		if err != nil {
			return err
		}
		subnet := ""
		var from *ACL
		state.Each(tx, ACLs, func(a *ACL) bool {
			if i := slices.IndexFunc(a.Assocs, func(x AclAssoc) bool { return x.AssociationId == in.AssociationId }); i >= 0 {
				from, subnet = a, a.Assocs[i].SubnetId
				return false
			}
			return true
		})
		if from == nil {
			for _, sub := range s.book(tx.Region()).net.Subnets {
				if implicitAssoc(sub.SubnetId) == in.AssociationId && aclOfSubnet(tx, sub.SubnetId) == nil {
					subnet = sub.SubnetId
				}
			}
		}
		if subnet == "" {
			return assocNotFound(in.AssociationId)
		}
		if s.SubnetVpc(tx, subnet) != to.VpcId {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "network ACL %s and subnet %s belong to different networks", to.NetworkAclId, subnet)
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		if from != nil {
			f := cloneACL(from)
			f.Assocs = slices.DeleteFunc(f.Assocs, func(x AclAssoc) bool { return x.AssociationId == in.AssociationId })
			state.Put(tx, ACLs, f)
		}
		t := cloneACL(state.Get(tx, ACLs, to.NetworkAclId))
		id := tx.Region().NewID("aclassoc")
		t.Assocs = append(t.Assocs, AclAssoc{AssociationId: id, SubnetId: subnet})
		state.Put(tx, ACLs, t)
		out = &ec2.ReplaceNetworkAclAssociationOutput{NewAssociationId: id}
		return nil
	})
	return out, err
}

var aclSpec = &describe.Spec[*ec2.NetworkAcl]{
	Fields: []describe.Field[*ec2.NetworkAcl]{
		{Name: "network-acl-id", Value: func(a *ec2.NetworkAcl) string { return a.NetworkAclId }},
		{Name: "vpc-id", Value: func(a *ec2.NetworkAcl) string { return a.VpcId }},
		{Name: "owner-id", Value: func(a *ec2.NetworkAcl) string { return a.OwnerId }},
		{Name: "default", Value: func(a *ec2.NetworkAcl) string { return strconv.FormatBool(a.IsDefault) }},
		{Name: "association.association-id", Values: func(a *ec2.NetworkAcl) []string {
			return each(a.Associations, func(x ec2.NetworkAclAssociation) string { return x.NetworkAclAssociationId })
		}},
		{Name: "association.network-acl-id", Values: func(a *ec2.NetworkAcl) []string {
			return each(a.Associations, func(x ec2.NetworkAclAssociation) string { return x.NetworkAclId })
		}},
		{Name: "association.subnet-id", Values: func(a *ec2.NetworkAcl) []string {
			return each(a.Associations, func(x ec2.NetworkAclAssociation) string { return x.SubnetId })
		}},
		{Name: "entry.cidr", Values: func(a *ec2.NetworkAcl) []string {
			return each(a.Entries, func(e ec2.NetworkAclEntry) string { return e.CidrBlock })
		}},
		{Name: "entry.ipv6-cidr", Values: func(a *ec2.NetworkAcl) []string {
			return each(a.Entries, func(e ec2.NetworkAclEntry) string { return e.Ipv6CidrBlock })
		}},
		{Name: "entry.egress", Values: func(a *ec2.NetworkAcl) []string {
			return each(a.Entries, func(e ec2.NetworkAclEntry) string { return strconv.FormatBool(e.Egress) })
		}},
		{Name: "entry.protocol", Values: func(a *ec2.NetworkAcl) []string {
			return each(a.Entries, func(e ec2.NetworkAclEntry) string { return e.Protocol })
		}},
		{Name: "entry.rule-action", Values: func(a *ec2.NetworkAcl) []string {
			return each(a.Entries, func(e ec2.NetworkAclEntry) string { return e.RuleAction })
		}},
		{Name: "entry.rule-number", Values: func(a *ec2.NetworkAcl) []string {
			return each(a.Entries, func(e ec2.NetworkAclEntry) string { return strconv.Itoa(e.RuleNumber) })
		}},
		{Name: "entry.port-range.from", Values: func(a *ec2.NetworkAcl) []string {
			return each(a.Entries, func(e ec2.NetworkAclEntry) string {
				return intOf(e.PortRange, func(p *ec2.PortRange) *int { return p.From })
			})
		}},
		{Name: "entry.port-range.to", Values: func(a *ec2.NetworkAcl) []string {
			return each(a.Entries, func(e ec2.NetworkAclEntry) string {
				return intOf(e.PortRange, func(p *ec2.PortRange) *int { return p.To })
			})
		}},
		{Name: "entry.icmp.type", Values: func(a *ec2.NetworkAcl) []string {
			return each(a.Entries, func(e ec2.NetworkAclEntry) string {
				return intOf(e.IcmpTypeCode, func(p *ec2.IcmpTypeCode) *int { return p.Type })
			})
		}},
		{Name: "entry.icmp.code", Values: func(a *ec2.NetworkAcl) []string {
			return each(a.Entries, func(e ec2.NetworkAclEntry) string {
				return intOf(e.IcmpTypeCode, func(p *ec2.IcmpTypeCode) *int { return p.Code })
			})
		}},
	},
	Tags:   func(a *ec2.NetworkAcl) []ec2.Tag { return a.Tags },
	Key:    func(k *describe.Key, a *ec2.NetworkAcl) { k.Str(a.NetworkAclId) },
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "NetworkAclIds"},
}

// intOf is a field of an optional struct as text ("" when absent).
func intOf[T any](p *T, f func(*T) *int) string {
	if p == nil || f(p) == nil {
		return ""
	}
	return strconv.Itoa(*f(p))
}

// DescribeNetworkAcls lists ACLs with their rules and subnets.
func (s *Service) DescribeNetworkAcls(ctx context.Context, region string, in *ec2.DescribeNetworkAclsInput) (*ec2.DescribeNetworkAclsOutput, error) {
	q := describe.Query{Filters: in.Filters, IDs: in.NetworkAclIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeNetworkAcls"}
	out, next, err := state.Describe(s.rt, region, aclSpec, q, func(r *state.Region) ([]*ec2.NetworkAcl, error) {
		for _, id := range in.NetworkAclIds {
			if _, err := aclFor(r, id); err != nil {
				return nil, err
			}
		}
		var views []*ec2.NetworkAcl
		state.Each(r, ACLs, func(a *ACL) bool {
			if len(in.NetworkAclIds) == 0 || contains(in.NetworkAclIds, a.NetworkAclId) {
				views = append(views, s.aclView(r, a))
			}
			return true
		})
		return views, dryRun(in.DryRun)
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeNetworkAclsOutput{NetworkAcls: out, NextToken: next}, nil
}

// aclTags is the taggable kind of network ACLs.
func (s *Service) aclTags() tagging.Kind {
	return tagging.Kind{Prefix: "acl-", Type: "network-acl",
		List: tagging.Lister(ACLs, func(a *ACL) string { return a.NetworkAclId }, func(a *ACL) []ec2.Tag { return a.Tags }),
		Retag: func(tx *state.Tx, id string, f tagging.Retag) error {
			a, err := aclFor(tx, id)
			if err != nil {
				return err
			}
			n := cloneACL(a)
			if n.Tags, err = f(a.Tags); err != nil {
				return err
			}
			state.Put(tx, ACLs, n)
			return nil
		}}
}
