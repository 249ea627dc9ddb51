package network

import (
	"context"
	"net/netip"
	"slices"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// Gateway is an internet gateway (igw-) or an egress-only one (eigw-),
// and the VPC it is attached to ("" for none).
type Gateway struct {
	GatewayId string    `json:"GatewayId"`
	VpcId     string    `json:"VpcId,omitempty"`
	Tags      []ec2.Tag `json:"Tags,omitempty"`
}

// RouteTable is a route table. Its local routes (one per VPC block) are
// not stored: they follow the VPC's blocks.
type RouteTable struct {
	RouteTableId string        `json:"RouteTableId"`
	VpcId        string        `json:"VpcId"`
	Routes       []StoredRoute `json:"Routes,omitempty"`
	Assocs       []RTAssoc     `json:"Associations,omitempty"`
	Tags         []ec2.Tag     `json:"Tags,omitempty"`
}

// StoredRoute is a route to a target.
type StoredRoute struct {
	Dest    string `json:"Destination"` // a CIDR, IPv4 or IPv6
	Gateway string `json:"GatewayId,omitempty"`
	Eigw    string `json:"EgressOnlyInternetGatewayId,omitempty"`
	ENI     string `json:"NetworkInterfaceId,omitempty"`
	Inst    string `json:"InstanceId,omitempty"`
}

// RTAssoc is one association of a table: the VPC's main one, a subnet's
// or a gateway's.
type RTAssoc struct {
	AssociationId string `json:"AssociationId"`
	Main          bool   `json:"Main,omitempty"`
	SubnetId      string `json:"SubnetId,omitempty"`
	GatewayId     string `json:"GatewayId,omitempty"`
}

// The tables of gateways (igw/<region>/<id>, eigw- ones too) and route
// tables (rtb/<region>/<id>).
var (
	Gateways    = state.Table[Gateway]{Kind: "igw", ID: func(g *Gateway) string { return g.GatewayId }}
	RouteTables = state.Table[RouteTable]{Kind: "rtb", ID: func(t *RouteTable) string { return t.RouteTableId }}
)

// EC2's default quotas: internet gateways per region, route tables per
// VPC (the main one counted), routes per table and address family (the
// local ones not counted).
const (
	maxGatewaysPerRegion = 5
	maxTablesPerVpc      = 200
	maxRoutesPerTable    = 50
)

// cloneTable is a table that may be changed without touching t.
func cloneTable(t *RouteTable) *RouteTable {
	n := *t
	n.Routes, n.Assocs = slices.Clone(t.Routes), slices.Clone(t.Assocs)
	return &n
}

// newTable makes a route table of a VPC (main: its main one).
func newTable(tx *state.Tx, vpc string, main bool, tags []ec2.Tag) *RouteTable {
	t := &RouteTable{RouteTableId: tx.Region().NewID("rtb"), VpcId: vpc, Tags: tags}
	if main {
		t.Assocs = []RTAssoc{{AssociationId: tx.Region().NewID("rtbassoc"), Main: true}}
	}
	state.Put(tx, RouteTables, t)
	return t
}

// mainTable is a VPC's main route table, or nil.
func mainTable(rd state.Reader, vpc string) *RouteTable {
	var found *RouteTable
	state.Each(rd, RouteTables, func(t *RouteTable) bool {
		if t.VpcId == vpc && slices.ContainsFunc(t.Assocs, func(a RTAssoc) bool { return a.Main }) {
			found = t
			return false
		}
		return true
	})
	return found
}

// attachedGateway is the internet gateway attached to a VPC, or nil.
func attachedGateway(rd state.Reader, vpc string) *Gateway {
	var found *Gateway
	state.Each(rd, Gateways, func(g *Gateway) bool {
		if g.VpcId == vpc && ec2.ValidID("igw", g.GatewayId) {
			found = g
			return false
		}
		return true
	})
	return found
}

// routeState is active, or blackhole when the target is gone or detached.
func routeState(rd state.Reader, vpc string, r StoredRoute) string {
	switch {
	case r.Gateway != "" || r.Eigw != "":
		id := r.Gateway + r.Eigw
		if g := state.Get(rd, Gateways, id); g == nil || g.VpcId != vpc {
			return "blackhole"
		}
	case r.ENI != "":
		if e := Interface(rd, r.ENI); e == nil || e.InstanceId == "" {
			return "blackhole"
		}
	}
	return "active"
}

// tableView is a table as DescribeRouteTables shows it.
func (s *Service) tableView(rd state.Reader, t *RouteTable) *ec2.RouteTable {
	out := &ec2.RouteTable{RouteTableId: t.RouteTableId, VpcId: t.VpcId, OwnerId: ec2.OwnerID, Tags: t.Tags,
		Routes: []ec2.Route{}, Associations: []ec2.RouteTableAssociation{}, PropagatingVgws: []ec2.PropagatingVgw{}}
	if v := s.book(rd.Region()).net.VpcByID(t.VpcId); v != nil {
		for _, b := range v.Blocks {
			out.Routes = append(out.Routes, ec2.Route{DestinationCidrBlock: b.Cidr, GatewayId: "local", Origin: "CreateRouteTable", State: "active"})
		}
		for _, b := range v.Ipv6 {
			out.Routes = append(out.Routes, ec2.Route{DestinationIpv6CidrBlock: b.Cidr, GatewayId: "local", Origin: "CreateRouteTable", State: "active"})
		}
	}
	for _, r := range t.Routes {
		v := ec2.Route{GatewayId: r.Gateway, EgressOnlyInternetGatewayId: r.Eigw, NetworkInterfaceId: r.ENI, InstanceId: r.Inst,
			Origin: "CreateRoute", State: routeState(rd, t.VpcId, r)}
		if p, err := netip.ParsePrefix(r.Dest); err == nil && p.Addr().Is6() {
			v.DestinationIpv6CidrBlock = r.Dest
		} else {
			v.DestinationCidrBlock = r.Dest
		}
		// An interface's instance is the one it is attached to now; once
		// the interface is gone the route keeps the instance it had.
		if e := Interface(rd, r.ENI); e != nil {
			v.InstanceId = e.InstanceId
		}
		if v.InstanceId != "" {
			v.InstanceOwnerId = ec2.OwnerID
		}
		out.Routes = append(out.Routes, v)
	}
	for _, a := range t.Assocs {
		out.Associations = append(out.Associations, ec2.RouteTableAssociation{RouteTableAssociationId: a.AssociationId, RouteTableId: t.RouteTableId,
			SubnetId: a.SubnetId, GatewayId: a.GatewayId, Main: a.Main, AssociationState: ec2.RouteTableAssociationState{State: "associated"}})
	}
	return out
}

// gatewayFor is an internet gateway by ID or EC2's error.
func gatewayFor(rd state.Reader, id string) (*Gateway, error) {
	if g := state.Get(rd, Gateways, id); g != nil && ec2.ValidID("igw", id) {
		return g, nil
	}
	if !ec2.ValidID("igw", id) {
		return nil, ec2.MalformedID(ec2.CodeInvalidInternetGatewayIDMalformed, "igw", id)
	}
	return nil, ec2.Errorf(ec2.CodeInvalidInternetGatewayIDNotFound, "The internetGateway ID '%s' does not exist", id)
}

// tableFor is a route table by ID or EC2's error.
func tableFor(rd state.Reader, id string) (*RouteTable, error) {
	if t := state.Get(rd, RouteTables, id); t != nil {
		return t, nil
	}
	if !ec2.ValidID("rtb", id) {
		return nil, ec2.MalformedID(ec2.CodeInvalidRouteTableIdMalformed, "rtb", id)
	}
	return nil, ec2.Errorf(ec2.CodeInvalidRouteTableIDNotFound, "The routeTable ID '%s' does not exist", id)
}

// gatewayView is a gateway as DescribeInternetGateways shows it.
func gatewayView(g *Gateway) *ec2.InternetGateway {
	out := &ec2.InternetGateway{InternetGatewayId: g.GatewayId, OwnerId: ec2.OwnerID, Tags: g.Tags, Attachments: []ec2.InternetGatewayAttachment{}}
	if g.VpcId != "" {
		out.Attachments = []ec2.InternetGatewayAttachment{{State: "available", VpcId: g.VpcId}}
	}
	return out
}

// CreateInternetGateway makes a detached internet gateway.
func (s *Service) CreateInternetGateway(ctx context.Context, region string, in *ec2.TagsInput) (*ec2.InternetGatewayOutput, error) {
	tags, err := tagging.FromSpecs(in.TagSpecifications, "internet-gateway")
	if err != nil {
		return nil, err
	}
	var out *ec2.InternetGatewayOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		n := 0
		state.Each(tx, Gateways, func(g *Gateway) bool {
			if ec2.ValidID("igw", g.GatewayId) {
				n++
			}
			return true
		})
		if n >= maxGatewaysPerRegion {
			return ec2.Errorf(ec2.CodeInternetGatewayLimitExceeded, "The maximum number of internet gateways has been reached.")
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		g := &Gateway{GatewayId: tx.Region().NewID("igw"), Tags: tags}
		state.Put(tx, Gateways, g)
		out = &ec2.InternetGatewayOutput{InternetGateway: gatewayView(g)}
		return nil
	})
	return out, err
}

// AttachInternetGateway attaches a gateway to a VPC that has none.
func (s *Service) AttachInternetGateway(ctx context.Context, region string, in *ec2.InternetGatewayVpcInput) (*ec2.Empty, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		g, err := gatewayFor(tx, in.InternetGatewayId)
		if err != nil {
			return err
		}
		if _, err := s.vpcFor(tx, in.VpcId); err != nil {
			return err
		}
		if g.VpcId != "" {
			return ec2.Errorf(ec2.CodeResourceAlreadyAssociated, "resource %s is already attached to network %s", g.GatewayId, g.VpcId)
		}
		if other := attachedGateway(tx, in.VpcId); other != nil {
			return ec2.Errorf(ec2.CodeResourceAlreadyAssociated, "Network %s already has an internet gateway attached", in.VpcId)
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		n := *g
		n.VpcId = in.VpcId
		state.Put(tx, Gateways, &n)
		return nil
	})
	return empty(err)
}

// mappedPublic is a public address mapped in a VPC, or "".
func (s *Service) mappedPublic(rd state.Reader, vpc string) string {
	found := ""
	state.Each(rd, Interfaces, func(e *ENI) bool {
		if s.SubnetVpc(rd, e.SubnetId) != vpc {
			return true
		}
		for _, a := range e.Addrs {
			if a.Public != "" {
				found = a.Public
				return false
			}
		}
		return true
	})
	return found
}

// DetachInternetGateway detaches a gateway from its VPC, refused while
// public addresses are mapped there.
func (s *Service) DetachInternetGateway(ctx context.Context, region string, in *ec2.InternetGatewayVpcInput) (*ec2.Empty, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		g, err := gatewayFor(tx, in.InternetGatewayId)
		if err != nil {
			return err
		}
		if _, err := s.vpcFor(tx, in.VpcId); err != nil {
			return err
		}
		if g.VpcId != in.VpcId {
			return ec2.Errorf(ec2.CodeGatewayNotAttached, "resource %s is not attached to network %s", g.GatewayId, in.VpcId)
		}
		if ip := s.mappedPublic(tx, in.VpcId); ip != "" {
			return ec2.Errorf(ec2.CodeDependencyViolation, "Network %s has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.", in.VpcId)
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		n := *g
		n.VpcId = ""
		state.Put(tx, Gateways, &n)
		return nil
	})
	return empty(err)
}

// DeleteInternetGateway deletes a detached gateway.
func (s *Service) DeleteInternetGateway(ctx context.Context, region string, in *ec2.InternetGatewayIdInput) (*ec2.Empty, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		g, err := gatewayFor(tx, in.InternetGatewayId)
		if err != nil {
			return err
		}
		if g.VpcId != "" {
			return ec2.Errorf(ec2.CodeDependencyViolation, "The internetGateway '%s' has dependencies and cannot be deleted.", g.GatewayId)
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		state.Delete(tx, Gateways, g.GatewayId)
		return nil
	})
	return empty(err)
}

var gatewaySpec = &describe.Spec[*ec2.InternetGateway]{
	Fields: []describe.Field[*ec2.InternetGateway]{
		{Name: "internet-gateway-id", Value: func(g *ec2.InternetGateway) string { return g.InternetGatewayId }},
		{Name: "owner-id", Value: func(g *ec2.InternetGateway) string { return g.OwnerId }},
		{Name: "attachment.vpc-id", Values: func(g *ec2.InternetGateway) []string { return attachValues(g.Attachments, true) }},
		{Name: "attachment.state", Values: func(g *ec2.InternetGateway) []string { return attachValues(g.Attachments, false) }},
	},
	Tags:   func(g *ec2.InternetGateway) []ec2.Tag { return g.Tags },
	Key:    func(k *describe.Key, g *ec2.InternetGateway) { k.Str(g.InternetGatewayId) },
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "InternetGatewayIds"},
}

func attachValues(as []ec2.InternetGatewayAttachment, vpc bool) []string {
	var out []string
	for _, a := range as {
		if vpc {
			out = append(out, a.VpcId)
		} else {
			out = append(out, a.State)
		}
	}
	return out
}

// DescribeInternetGateways lists internet gateways.
func (s *Service) DescribeInternetGateways(ctx context.Context, region string, in *ec2.DescribeInternetGatewaysInput) (*ec2.DescribeInternetGatewaysOutput, error) {
	q := describe.Query{Filters: in.Filters, IDs: in.InternetGatewayIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeInternetGateways"}
	out, next, err := state.Describe(s.rt, region, gatewaySpec, q, func(r *state.Region) ([]*ec2.InternetGateway, error) {
		for _, id := range in.InternetGatewayIds {
			if _, err := gatewayFor(r, id); err != nil {
				return nil, err
			}
		}
		var views []*ec2.InternetGateway
		state.Each(r, Gateways, func(g *Gateway) bool {
			if ec2.ValidID("igw", g.GatewayId) && (len(in.InternetGatewayIds) == 0 || contains(in.InternetGatewayIds, g.GatewayId)) {
				views = append(views, gatewayView(g))
			}
			return true
		})
		return views, dryRun(in.DryRun)
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeInternetGatewaysOutput{InternetGateways: out, NextToken: next}, nil
}
