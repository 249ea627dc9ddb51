package network

import (
	"context"
	"slices"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/core/tagging"
)

// routeParts are a VPC's route tables and gateways: the parts ec2x has.
type routeParts struct{ s *Service }

var _ vpcParts = routeParts{}

// created makes a VPC's main route table; a default VPC also gets an
// attached internet gateway and a default route to it, as in EC2.
func (p routeParts) created(tx *state.Tx, vpcID string, isDefault bool) error {
	acl := defaultACL(tx.Region().NewID("acl"), vpcID)
	if v := p.s.book(tx.Region()).net.VpcByID(vpcID); v != nil && len(v.Ipv6) > 0 {
		// A VPC made with an IPv6 block lets IPv6 through too, as in EC2.
		acl.Entries = withIpv6Allow(acl.Entries)
	}
	state.Put(tx, ACLs, acl)
	t := newTable(tx, vpcID, true, nil)
	if isDefault {
		g := &Gateway{GatewayId: tx.Region().NewID("igw"), VpcId: vpcID}
		state.Put(tx, Gateways, g)
		n := cloneTable(t)
		n.Routes = append(n.Routes, StoredRoute{Dest: "0.0.0.0/0", Gateway: g.GatewayId})
		state.Put(tx, RouteTables, n)
	}
	return nil
}

// blockers are the gateways attached to the VPC and its tables but the main one.
func (p routeParts) blockers(rd state.Reader, vpcID string) []string {
	var out []string
	state.Each(rd, Gateways, func(g *Gateway) bool {
		if g.VpcId == vpcID {
			out = append(out, g.GatewayId)
		}
		return true
	})
	state.Each(rd, RouteTables, func(t *RouteTable) bool {
		if t.VpcId == vpcID && !slices.ContainsFunc(t.Assocs, func(a RTAssoc) bool { return a.Main }) {
			out = append(out, t.RouteTableId)
		}
		return true
	})
	state.Each(rd, ACLs, func(a *ACL) bool {
		if a.VpcId == vpcID && !a.IsDefault {
			out = append(out, a.NetworkAclId)
		}
		return true
	})
	return out
}

// deleted removes the VPC's main table and default ACL.
func (p routeParts) deleted(tx *state.Tx, vpcID string) {
	if t := mainTable(tx, vpcID); t != nil {
		state.Delete(tx, RouteTables, t.RouteTableId)
	}
	if a := vpcDefaultACL(tx, vpcID); a != nil {
		state.Delete(tx, ACLs, a.NetworkAclId)
	}
}

// subnetDeleted drops the subnet's explicit associations.
func (p routeParts) subnetDeleted(tx *state.Tx, subnetID string) {
	if a := aclOfSubnet(tx, subnetID); a != nil {
		n := cloneACL(a)
		n.Assocs = slices.DeleteFunc(n.Assocs, func(x AclAssoc) bool { return x.SubnetId == subnetID })
		state.Put(tx, ACLs, n)
	}
	state.Each(tx, RouteTables, func(t *RouteTable) bool {
		if i := slices.IndexFunc(t.Assocs, func(a RTAssoc) bool { return a.SubnetId == subnetID }); i >= 0 {
			n := cloneTable(t)
			n.Assocs = slices.Delete(n.Assocs, i, i+1)
			state.Put(tx, RouteTables, n)
			return false
		}
		return true
	})
}

// ipv6Added adds the IPv6 allow rules to the VPC's default ACL, each way
// whose rules are still the ones it was made with (EC2 leaves a changed
// default ACL alone).
func (p routeParts) ipv6Added(tx *state.Tx, vpcID string) {
	a := vpcDefaultACL(tx, vpcID)
	if a == nil {
		return
	}
	n := cloneACL(a)
	n.Entries = withIpv6Allow(n.Entries)
	if len(n.Entries) != len(a.Entries) {
		state.Put(tx, ACLs, n)
	}
}

// withIpv6Allow is a default ACL's rules with rule 101 allowing all IPv6
// added in each direction whose only rule is the first allow-all.
func withIpv6Allow(entries []AclEntry) []AclEntry {
	out := slices.Clone(entries)
	for _, egress := range []bool{false, true} {
		var dir []AclEntry
		for _, e := range entries {
			if e.Egress == egress {
				dir = append(dir, e)
			}
		}
		if len(dir) == 1 && dir[0] == (AclEntry{Rule: 100, Egress: egress, Protocol: "-1", Allow: true, Cidr: "0.0.0.0/0"}) {
			out = append(out, AclEntry{Rule: 101, Egress: egress, Protocol: "-1", Allow: true, Ipv6Cidr: "::/0"})
		}
	}
	return out
}

// dhcpOptionsID is the VPC's DHCP options set.
func (p routeParts) dhcpOptionsID(rd state.Reader, vpcID string) string {
	if v := p.s.book(rd.Region()).net.VpcByID(vpcID); v != nil {
		return v.DhcpOptionsId
	}
	return ""
}

// ensureParts gives every VPC of a region loaded from a store written
// before route tables its main table (and the default VPC its gateway),
// in the batch the load commits.
func (s *Service) ensureParts(r *state.Region, put func(key []byte, v any)) {
	for _, v := range s.book(r).net.Vpcs {
		if mainTable(r, v.VpcId) != nil {
			continue
		}
		t := &RouteTable{RouteTableId: r.NewID("rtb"), VpcId: v.VpcId, Assocs: []RTAssoc{{AssociationId: r.NewID("rtbassoc"), Main: true}}}
		if v.IsDefault {
			g := &Gateway{GatewayId: r.NewID("igw"), VpcId: v.VpcId}
			state.Seed(r, Gateways, g)
			put(store.Key(Gateways.Kind, r.Name, g.GatewayId), g)
			t.Routes = []StoredRoute{{Dest: "0.0.0.0/0", Gateway: g.GatewayId}}
		}
		state.Seed(r, RouteTables, t)
		put(store.Key(RouteTables.Kind, r.Name, t.RouteTableId), t)
	}
}

// eigwView is an egress-only gateway as EC2 shows it.
func eigwView(g *Gateway) *ec2.EgressOnlyInternetGateway {
	return &ec2.EgressOnlyInternetGateway{EgressOnlyInternetGatewayId: g.GatewayId, Tags: g.Tags,
		Attachments: []ec2.InternetGatewayAttachment{{State: "attached", VpcId: g.VpcId}}}
}

// CreateEgressOnlyInternetGateway makes an egress-only (IPv6) gateway,
// attached to its VPC from the start.
func (s *Service) CreateEgressOnlyInternetGateway(ctx context.Context, region string, in *ec2.CreateEgressOnlyInternetGatewayInput) (*ec2.CreateEgressOnlyInternetGatewayOutput, error) {
	tags, err := tagging.FromSpecs(in.TagSpecifications, "egress-only-internet-gateway")
	if err != nil {
		return nil, err
	}
	var out *ec2.CreateEgressOnlyInternetGatewayOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		if _, err := s.vpcFor(tx, in.VpcId); err != nil {
			return err
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		g := &Gateway{GatewayId: tx.Region().NewID("eigw"), VpcId: in.VpcId, Tags: tags}
		state.Put(tx, Gateways, g)
		out = &ec2.CreateEgressOnlyInternetGatewayOutput{ClientToken: in.ClientToken, EgressOnlyInternetGateway: eigwView(g)}
		return nil
	})
	return out, err
}

// eigwFor is an egress-only gateway by ID or EC2's error.
func eigwFor(rd state.Reader, id string) (*Gateway, error) {
	if g := state.Get(rd, Gateways, id); g != nil && ec2.ValidID("eigw", id) {
		return g, nil
	}
	return nil, ec2.Errorf(ec2.CodeInvalidEgressOnlyInternetGatewayIdNotFound, "The egress only internet gateway ID '%s' does not exist", id)
}

// DeleteEgressOnlyInternetGateway deletes an egress-only gateway.
func (s *Service) DeleteEgressOnlyInternetGateway(ctx context.Context, region string, in *ec2.EgressOnlyInternetGatewayIdInput) (*ec2.ReturnCodeOutput, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		g, err := eigwFor(tx, in.EgressOnlyInternetGatewayId)
		if err != nil {
			return err
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		state.Delete(tx, Gateways, g.GatewayId)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.ReturnCodeOutput{ReturnCode: true}, nil
}

var eigwSpec = &describe.Spec[*ec2.EgressOnlyInternetGateway]{
	Fields: []describe.Field[*ec2.EgressOnlyInternetGateway]{
		{Name: "egress-only-internet-gateway-id", Value: func(g *ec2.EgressOnlyInternetGateway) string { return g.EgressOnlyInternetGatewayId }},
	},
	Tags:   func(g *ec2.EgressOnlyInternetGateway) []ec2.Tag { return g.Tags },
	Key:    func(k *describe.Key, g *ec2.EgressOnlyInternetGateway) { k.Str(g.EgressOnlyInternetGatewayId) },
	Paging: describe.Paging{Min: 5, Max: 255, IDsParam: "EgressOnlyInternetGatewayIds"},
}

// DescribeEgressOnlyInternetGateways lists egress-only gateways.
func (s *Service) DescribeEgressOnlyInternetGateways(ctx context.Context, region string, in *ec2.DescribeEgressOnlyInternetGatewaysInput) (*ec2.DescribeEgressOnlyInternetGatewaysOutput, error) {
	q := describe.Query{Filters: in.Filters, IDs: in.EgressOnlyInternetGatewayIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeEgressOnlyInternetGateways"}
	out, next, err := state.Describe(s.rt, region, eigwSpec, q, func(r *state.Region) ([]*ec2.EgressOnlyInternetGateway, error) {
		var views []*ec2.EgressOnlyInternetGateway
		state.Each(r, Gateways, func(g *Gateway) bool {
			if ec2.ValidID("eigw", g.GatewayId) && (len(in.EgressOnlyInternetGatewayIds) == 0 || contains(in.EgressOnlyInternetGatewayIds, g.GatewayId)) {
				views = append(views, eigwView(g))
			}
			return true
		})
		return views, dryRun(in.DryRun)
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeEgressOnlyInternetGatewaysOutput{EgressOnlyInternetGateways: out, NextToken: next}, nil
}

// gatewayTags and tableTags are the taggable kinds of gateways (igw-,
// eigw-) and route tables.
func (s *Service) gatewayTags(prefix, typ string) tagging.Kind {
	return tagging.Kind{Prefix: prefix, Type: typ,
		List: func(rd state.Reader, each func(string, []ec2.Tag)) {
			state.Each(rd, Gateways, func(g *Gateway) bool {
				if len(g.Tags) > 0 && ec2.ValidID(prefix[:len(prefix)-1], g.GatewayId) {
					each(g.GatewayId, g.Tags)
				}
				return true
			})
		},
		Retag: func(tx *state.Tx, id string, f tagging.Retag) error {
			g := state.Get(tx, Gateways, id)
			if g == nil {
				if prefix == "igw-" {
					_, err := gatewayFor(tx, id)
					return err
				}
				_, err := eigwFor(tx, id)
				return err
			}
			n := *g
			var err error
			if n.Tags, err = f(g.Tags); err != nil {
				return err
			}
			state.Put(tx, Gateways, &n)
			return nil
		}}
}

func (s *Service) tableTags() tagging.Kind {
	return tagging.Kind{Prefix: "rtb-", Type: "route-table",
		List: tagging.Lister(RouteTables, func(t *RouteTable) string { return t.RouteTableId }, func(t *RouteTable) []ec2.Tag { return t.Tags }),
		Retag: func(tx *state.Tx, id string, f tagging.Retag) error {
			t, err := tableFor(tx, id)
			if err != nil {
				return err
			}
			n := cloneTable(t)
			if n.Tags, err = f(t.Tags); err != nil {
				return err
			}
			state.Put(tx, RouteTables, n)
			return nil
		}}
}
