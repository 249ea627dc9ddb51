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
	"github.com/ec2x/ec2x/core/tagging"
)

// CreateRouteTable makes a route table in a VPC, with its local routes.
func (s *Service) CreateRouteTable(ctx context.Context, region string, in *ec2.CreateRouteTableInput) (*ec2.CreateRouteTableOutput, error) {
	tags, err := tagging.FromSpecs(in.TagSpecifications, "route-table")
	if err != nil {
		return nil, err
	}
	var out *ec2.CreateRouteTableOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		if _, err := s.vpcFor(tx, in.VpcId); err != nil {
			return err
		}
		n := 0
		state.Each(tx, RouteTables, func(t *RouteTable) bool {
			if t.VpcId == in.VpcId {
				n++
			}
			return true
		})
		if n >= maxTablesPerVpc {
			return ec2.Errorf(ec2.CodeRouteTableLimitExceeded, "The maximum number of route tables has been reached.")
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		t := newTable(tx, in.VpcId, false, tags)
		out = &ec2.CreateRouteTableOutput{ClientToken: in.ClientToken, RouteTable: s.tableView(tx, t)}
		return nil
	})
	return out, err
}

// DeleteRouteTable deletes a table that is neither main nor associated.
func (s *Service) DeleteRouteTable(ctx context.Context, region string, in *ec2.RouteTableIdInput) (*ec2.Empty, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		t, err := tableFor(tx, in.RouteTableId)
		if err != nil {
			return err
		}
		if len(t.Assocs) > 0 {
			return ec2.Errorf(ec2.CodeDependencyViolation, "The routeTable '%s' has dependencies and cannot be deleted.", t.RouteTableId)
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		state.Delete(tx, RouteTables, t.RouteTableId)
		return nil
	})
	return empty(err)
}

// assocByID finds an association and its table.
func assocByID(rd state.Reader, id string) (*RouteTable, int) {
	var found *RouteTable
	at := -1
	state.Each(rd, RouteTables, func(t *RouteTable) bool {
		if i := slices.IndexFunc(t.Assocs, func(a RTAssoc) bool { return a.AssociationId == id }); i >= 0 {
			found, at = t, i
			return false
		}
		return true
	})
	return found, at
}

func assocNotFound(id string) error {
	return ec2.Errorf(ec2.CodeInvalidAssociationIDNotFound, "The association ID '%s' does not exist", id)
}

// AssociateRouteTable ties a table to a subnet of its VPC (one explicit
// table per subnet) or to a gateway attached to it.
func (s *Service) AssociateRouteTable(ctx context.Context, region string, in *ec2.AssociateRouteTableInput) (*ec2.AssociateRouteTableOutput, error) {
	switch {
	case in.PublicIpv4Pool != "":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "ec2x has no BYOIP pools.")
	case (in.SubnetId == "") == (in.GatewayId == ""):
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Exactly one of SubnetId and GatewayId must be given.")
	}
	var out *ec2.AssociateRouteTableOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		t, err := tableFor(tx, in.RouteTableId)
		if err != nil {
			return err
		}
		a := RTAssoc{AssociationId: tx.Region().NewID("rtbassoc"), SubnetId: in.SubnetId, GatewayId: in.GatewayId}
		if in.SubnetId != "" {
			sub := s.SubnetByID(tx, in.SubnetId)
			if sub == nil {
				return SubnetNotFound(in.SubnetId)
			}
			if sub.VpcId != t.VpcId {
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "route table %s and subnet %s belong to different networks", t.RouteTableId, sub.SubnetId)
			}
			state.Each(tx, RouteTables, func(x *RouteTable) bool {
				if slices.ContainsFunc(x.Assocs, func(o RTAssoc) bool { return o.SubnetId == in.SubnetId }) {
					err = ec2.Errorf(ec2.CodeResourceAlreadyAssociated, "the specified association for route table %s conflicts with an existing association", x.RouteTableId)
					return false
				}
				return true
			})
		} else {
			g, gerr := gatewayFor(tx, in.GatewayId)
			switch {
			case gerr != nil:
				err = gerr
			case g.VpcId != t.VpcId:
				err = ec2.Errorf(ec2.CodeInvalidParameterValue, "route table %s and gateway %s belong to different networks", t.RouteTableId, g.GatewayId)
			default:
				// A gateway has one route table, as a subnet has.
				state.Each(tx, RouteTables, func(x *RouteTable) bool {
					if slices.ContainsFunc(x.Assocs, func(o RTAssoc) bool { return o.GatewayId == in.GatewayId }) {
						err = ec2.Errorf(ec2.CodeResourceAlreadyAssociated, "the specified association for route table %s conflicts with an existing association", x.RouteTableId)
						return false
					}
					return true
				})
			}
		}
		if err != nil {
			return err
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		n := cloneTable(t)
		n.Assocs = append(n.Assocs, a)
		state.Put(tx, RouteTables, n)
		out = &ec2.AssociateRouteTableOutput{AssociationId: a.AssociationId, AssociationState: &ec2.RouteTableAssociationState{State: "associated"}}
		return nil
	})
	return out, err
}

// DisassociateRouteTable ends an explicit association (the subnet goes
// back to its VPC's main table); the main association stays.
func (s *Service) DisassociateRouteTable(ctx context.Context, region string, in *ec2.AssociationIdDryRunInput) (*ec2.Empty, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		t, i := assocByID(tx, in.AssociationId)
		if t == nil {
			return assocNotFound(in.AssociationId)
		}
		if t.Assocs[i].Main {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "cannot disassociate the main route table association %s", in.AssociationId)
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		n := cloneTable(t)
		n.Assocs = slices.Delete(n.Assocs, i, i+1)
		state.Put(tx, RouteTables, n)
		return nil
	})
	return empty(err)
}

// ReplaceRouteTableAssociation moves an association to another table of
// the same VPC; moving the main association makes that table main.
func (s *Service) ReplaceRouteTableAssociation(ctx context.Context, region string, in *ec2.ReplaceRouteTableAssociationInput) (*ec2.ReplaceRouteTableAssociationOutput, error) {
	var out *ec2.ReplaceRouteTableAssociationOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		from, i := assocByID(tx, in.AssociationId)
		if from == nil {
			return assocNotFound(in.AssociationId)
		}
		to, err := tableFor(tx, in.RouteTableId)
		if err != nil {
			return err
		}
		if to.VpcId != from.VpcId {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "route table %s belongs to another network than association %s", to.RouteTableId, in.AssociationId)
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		a := from.Assocs[i]
		a.AssociationId = tx.Region().NewID("rtbassoc")
		f := cloneTable(from)
		f.Assocs = slices.Delete(f.Assocs, i, i+1)
		state.Put(tx, RouteTables, f)
		t := cloneTable(state.Get(tx, RouteTables, to.RouteTableId))
		t.Assocs = append(t.Assocs, a)
		state.Put(tx, RouteTables, t)
		out = &ec2.ReplaceRouteTableAssociationOutput{NewAssociationId: a.AssociationId, AssociationState: &ec2.RouteTableAssociationState{State: "associated"}}
		return nil
	})
	return out, err
}

// destOf is a route's destination, checked.
func destOf(v4, v6, pl string) (string, error) {
	switch {
	case pl != "":
		return "", ec2.Errorf(ec2.CodeInvalidParameterValue, "ec2x routes have no prefix-list destinations: give DestinationCidrBlock.")
	case (v4 == "") == (v6 == ""):
		return "", ec2.Errorf(ec2.CodeMissingParameter, "The request must contain exactly one of DestinationCidrBlock and DestinationIpv6CidrBlock")
	}
	p, err := netip.ParsePrefix(v4 + v6)
	if err != nil || p.Addr().Is4() != (v4 != "") {
		return "", ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.", v4+v6)
	}
	return p.Masked().String(), nil
}

// is6 reports whether a stored destination is an IPv6 one.
func is6(dest string) bool { return strings.Contains(dest, ":") }

// isLocal reports whether dest is one of the VPC's own blocks.
func (s *Service) isLocal(rd state.Reader, vpc, dest string) bool {
	v := s.book(rd.Region()).net.VpcByID(vpc)
	if v == nil {
		return false
	}
	for _, b := range append(slices.Clone(v.Blocks), v.Ipv6...) {
		if b.Cidr == dest {
			return true
		}
	}
	return false
}

// target checks a route's one target against the table's VPC.
func (s *Service) target(rd state.Reader, t *RouteTable, in *ec2.RouteInput) (StoredRoute, error) {
	r := StoredRoute{Gateway: in.GatewayId, Eigw: in.EgressOnlyInternetGatewayId, ENI: in.NetworkInterfaceId, Inst: in.InstanceId}
	n := 0
	for _, x := range []string{in.GatewayId, in.EgressOnlyInternetGatewayId, in.NetworkInterfaceId, in.InstanceId} {
		if x != "" {
			n++
		}
	}
	for _, x := range []string{in.NatGatewayId, in.TransitGatewayId, in.VpcPeeringConnectionId, in.VpcEndpointId, in.CarrierGatewayId, in.LocalGatewayId, in.CoreNetworkArn, in.OdbNetworkArn} {
		if x != "" {
			return r, ec2.Errorf(ec2.CodeInvalidParameterValue, "ec2x routes to internet gateways, egress-only gateways, interfaces and instances only.")
		}
	}
	if n != 1 {
		return r, ec2.Errorf(ec2.CodeInvalidParameterCombination, "The request must contain exactly one route target.")
	}
	switch {
	case in.GatewayId != "":
		g, err := gatewayFor(rd, in.GatewayId)
		if err != nil {
			return r, err
		}
		if g.VpcId != t.VpcId {
			return r, ec2.Errorf(ec2.CodeInvalidParameterValue, "route table %s and network gateway %s belong to different networks", t.RouteTableId, g.GatewayId)
		}
	case in.EgressOnlyInternetGatewayId != "":
		g, err := eigwFor(rd, in.EgressOnlyInternetGatewayId)
		if err != nil {
			return r, err
		}
		if g.VpcId != t.VpcId {
			return r, ec2.Errorf(ec2.CodeInvalidParameterValue, "route table %s and network gateway %s belong to different networks", t.RouteTableId, g.GatewayId)
		}
	case in.NetworkInterfaceId != "":
		e, err := lookupENI(rd, in.NetworkInterfaceId)
		if err != nil {
			return r, err
		}
		if s.SubnetVpc(rd, e.SubnetId) != t.VpcId {
			return r, ec2.Errorf(ec2.CodeInvalidParameterValue, "route table %s and interface %s belong to different networks", t.RouteTableId, e.NetworkInterfaceId)
		}
		r.Inst = e.InstanceId
	case in.InstanceId != "":
		inst, err := s.inst.Instance(rd, in.InstanceId)
		if err != nil {
			return r, err
		}
		if len(inst.ENIs) != 1 {
			return r, ec2.Errorf(ec2.CodeInvalidInstanceID, "There are multiple interfaces attached to instance '%s'. Please specify an interface ID for the operation instead.", inst.ID)
		}
		r.ENI = inst.ENIs[0]
	}
	return r, nil
}

// changeRoute finds a table's route to dest and runs f on the table's copy.
func (s *Service) changeRoute(tx *state.Tx, tableID, dest string, f func(t *RouteTable, i int) error) error {
	t, err := tableFor(tx, tableID)
	if err != nil {
		return err
	}
	n := cloneTable(t)
	i := slices.IndexFunc(n.Routes, func(r StoredRoute) bool { return r.Dest == dest })
	if err := f(n, i); err != nil {
		return err
	}
	state.Put(tx, RouteTables, n)
	return nil
}

// CreateRoute adds a route to a destination the table has no route to.
func (s *Service) CreateRoute(ctx context.Context, region string, in *ec2.RouteInput) (*ec2.ReturnOutput, error) {
	dest, err := destOf(in.DestinationCidrBlock, in.DestinationIpv6CidrBlock, in.DestinationPrefixListId)
	if err != nil {
		return nil, err
	}
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		return s.changeRoute(tx, in.RouteTableId, dest, func(t *RouteTable, i int) error {
			if i >= 0 || s.isLocal(tx, t.VpcId, dest) {
				return ec2.Errorf(ec2.CodeRouteAlreadyExists, "The route identified by %s already exists.", dest)
			}
			r, err := s.target(tx, t, in)
			if err != nil {
				return err
			}
			same := 0
			for _, x := range t.Routes {
				if is6(x.Dest) == is6(dest) {
					same++
				}
			}
			if same >= maxRoutesPerTable {
				return ec2.Errorf(ec2.CodeRouteLimitExceeded, "The maximum number of routes has been reached.")
			}
			r.Dest = dest
			t.Routes = append(t.Routes, r)
			return dryRun(in.DryRun)
		})
	})
	if err != nil {
		return nil, err
	}
	return &ec2.ReturnOutput{Return: true}, nil
}

// ReplaceRoute points an existing route at another target.
func (s *Service) ReplaceRoute(ctx context.Context, region string, in *ec2.RouteInput) (*ec2.Empty, error) {
	dest, err := destOf(in.DestinationCidrBlock, in.DestinationIpv6CidrBlock, in.DestinationPrefixListId)
	if err != nil {
		return nil, err
	}
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		return s.changeRoute(tx, in.RouteTableId, dest, func(t *RouteTable, i int) error {
			switch {
			case s.isLocal(tx, t.VpcId, dest):
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "cannot replace local route %s in route table %s", dest, t.RouteTableId)
			case i < 0:
				return ec2.Errorf(ec2.CodeInvalidRouteNotFound, "no route with destination-cidr-block %s in route table %s", dest, t.RouteTableId)
			}
			r, err := s.target(tx, t, in)
			if err != nil {
				return err
			}
			r.Dest = dest
			t.Routes[i] = r
			return dryRun(in.DryRun)
		})
	})
	return empty(err)
}

// DeleteRoute removes a route; the local routes stay.
func (s *Service) DeleteRoute(ctx context.Context, region string, in *ec2.DeleteRouteInput) (*ec2.Empty, error) {
	dest, err := destOf(in.DestinationCidrBlock, in.DestinationIpv6CidrBlock, in.DestinationPrefixListId)
	if err != nil {
		return nil, err
	}
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		return s.changeRoute(tx, in.RouteTableId, dest, func(t *RouteTable, i int) error {
			switch {
			case s.isLocal(tx, t.VpcId, dest):
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "cannot remove local route %s in route table %s", dest, t.RouteTableId)
			case i < 0:
				return ec2.Errorf(ec2.CodeInvalidRouteNotFound, "no route with destination-cidr-block %s in route table %s", dest, t.RouteTableId)
			}
			t.Routes = slices.Delete(t.Routes, i, i+1)
			return dryRun(in.DryRun)
		})
	})
	return empty(err)
}

// each is f of each element, as a filter's values.
func each[T any](xs []T, f func(T) string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if v := f(x); v != "" {
			out = append(out, v)
		}
	}
	return out
}

var tableSpec = &describe.Spec[*ec2.RouteTable]{
	Fields: []describe.Field[*ec2.RouteTable]{
		{Name: "route-table-id", Value: func(t *ec2.RouteTable) string { return t.RouteTableId }},
		{Name: "vpc-id", Value: func(t *ec2.RouteTable) string { return t.VpcId }},
		{Name: "owner-id", Value: func(t *ec2.RouteTable) string { return t.OwnerId }},
		{Name: "association.route-table-association-id", Values: func(t *ec2.RouteTable) []string {
			return each(t.Associations, func(a ec2.RouteTableAssociation) string { return a.RouteTableAssociationId })
		}},
		{Name: "association.route-table-id", Values: func(t *ec2.RouteTable) []string {
			return each(t.Associations, func(a ec2.RouteTableAssociation) string { return a.RouteTableId })
		}},
		{Name: "association.subnet-id", Values: func(t *ec2.RouteTable) []string {
			return each(t.Associations, func(a ec2.RouteTableAssociation) string { return a.SubnetId })
		}},
		{Name: "association.gateway-id", Values: func(t *ec2.RouteTable) []string {
			return each(t.Associations, func(a ec2.RouteTableAssociation) string { return a.GatewayId })
		}},
		// Per association, as EC2 has it: a table with no association
		// matches neither true nor false.
		{Name: "association.main", Values: func(t *ec2.RouteTable) []string {
			return each(t.Associations, func(a ec2.RouteTableAssociation) string { return strconv.FormatBool(a.Main) })
		}},
		{Name: "route.destination-cidr-block", Values: func(t *ec2.RouteTable) []string {
			return each(t.Routes, func(r ec2.Route) string { return r.DestinationCidrBlock })
		}},
		{Name: "route.destination-ipv6-cidr-block", Values: func(t *ec2.RouteTable) []string {
			return each(t.Routes, func(r ec2.Route) string { return r.DestinationIpv6CidrBlock })
		}},
		{Name: "route.gateway-id", Values: func(t *ec2.RouteTable) []string {
			return each(t.Routes, func(r ec2.Route) string { return r.GatewayId })
		}},
		{Name: "route.egress-only-internet-gateway-id", Values: func(t *ec2.RouteTable) []string {
			return each(t.Routes, func(r ec2.Route) string { return r.EgressOnlyInternetGatewayId })
		}},
		{Name: "route.instance-id", Values: func(t *ec2.RouteTable) []string {
			return each(t.Routes, func(r ec2.Route) string { return r.InstanceId })
		}},
		{Name: "route.network-interface-id", Values: func(t *ec2.RouteTable) []string {
			return each(t.Routes, func(r ec2.Route) string { return r.NetworkInterfaceId })
		}},
		// Targets ec2x has not: EC2 takes these filters, and no route matches.
		{Name: "route.destination-prefix-list-id", Values: func(*ec2.RouteTable) []string { return nil }},
		{Name: "route.nat-gateway-id", Values: func(*ec2.RouteTable) []string { return nil }},
		{Name: "route.transit-gateway-id", Values: func(*ec2.RouteTable) []string { return nil }},
		{Name: "route.vpc-peering-connection-id", Values: func(*ec2.RouteTable) []string { return nil }},
		{Name: "route.origin", Values: func(t *ec2.RouteTable) []string { return each(t.Routes, func(r ec2.Route) string { return r.Origin }) }},
		{Name: "route.state", Values: func(t *ec2.RouteTable) []string { return each(t.Routes, func(r ec2.Route) string { return r.State }) }},
	},
	Tags:   func(t *ec2.RouteTable) []ec2.Tag { return t.Tags },
	Key:    func(k *describe.Key, t *ec2.RouteTable) { k.Str(t.RouteTableId) },
	Paging: describe.Paging{Min: 5, Max: 100, IDsParam: "RouteTableIds"},
}

// DescribeRouteTables lists route tables with their routes and associations.
func (s *Service) DescribeRouteTables(ctx context.Context, region string, in *ec2.DescribeRouteTablesInput) (*ec2.DescribeRouteTablesOutput, error) {
	q := describe.Query{Filters: in.Filters, IDs: in.RouteTableIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeRouteTables"}
	out, next, err := state.Describe(s.rt, region, tableSpec, q, func(r *state.Region) ([]*ec2.RouteTable, error) {
		for _, id := range in.RouteTableIds {
			if _, err := tableFor(r, id); err != nil {
				return nil, err
			}
		}
		var views []*ec2.RouteTable
		state.Each(r, RouteTables, func(t *RouteTable) bool {
			if len(in.RouteTableIds) == 0 || contains(in.RouteTableIds, t.RouteTableId) {
				views = append(views, s.tableView(r, t))
			}
			return true
		})
		return views, dryRun(in.DryRun)
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeRouteTablesOutput{RouteTables: out, NextToken: next}, nil
}
