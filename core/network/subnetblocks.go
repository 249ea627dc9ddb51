package network

import (
	"context"
	"net/netip"
	"slices"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/netw"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// changeSubnet runs f on a copy of a subnet (its allocator shared) and
// puts the copy in its place.
func (s *Service) changeSubnet(tx *state.Tx, id string, f func(sub *netw.Subnet) error) error {
	net := s.book(tx.Region()).net
	i := slices.IndexFunc(net.Subnets, func(x *netw.Subnet) bool { return x.SubnetId == id })
	if i < 0 {
		return SubnetNotFound(id)
	}
	n := *net.Subnets[i]
	n.Ipv6, n.Reservations = slices.Clone(n.Ipv6), slices.Clone(n.Reservations)
	if err := f(&n); err != nil {
		return err
	}
	old := net.Subnets
	net.Subnets = slices.Clone(old)
	net.Subnets[i] = &n
	tx.OnRollback(func() { net.Subnets = old })
	s.saveNet(tx)
	return nil
}

func subnetV6View(b netw.CidrBlock, state string) *ec2.SubnetIpv6CidrBlockAssociation {
	return &ec2.SubnetIpv6CidrBlockAssociation{AssociationId: b.AssociationId, Ipv6CidrBlock: b.Cidr, Ipv6CidrBlockState: ec2.VpcCidrBlockState{State: state}}
}

// AssociateSubnetCidrBlock gives a subnet a /64 of its VPC's IPv6 block
// (recorded: ec2x hands out no IPv6 addresses).
func (s *Service) AssociateSubnetCidrBlock(ctx context.Context, region string, in *ec2.AssociateSubnetCidrBlockInput) (*ec2.SubnetCidrBlockOutput, error) {
	if in.Ipv6IpamPoolId != "" || in.Ipv6NetmaskLength != 0 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "ec2x has no IPAM pools: give Ipv6CidrBlock.")
	}
	p, err := netip.ParsePrefix(in.Ipv6CidrBlock)
	if err != nil || !p.Addr().Is6() || p.Bits() != 64 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter ipv6CidrBlock is invalid. A subnet's IPv6 block is a /64.", in.Ipv6CidrBlock)
	}
	var out *ec2.SubnetCidrBlockOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		return s.changeSubnet(tx, in.SubnetId, func(sub *netw.Subnet) error {
			v := s.book(tx.Region()).net.VpcByID(sub.VpcId)
			inVpc := false
			for _, b := range v.Ipv6 {
				inVpc = inVpc || b.Prefix().Contains(p.Addr())
			}
			switch {
			case !inVpc:
				return ec2.Errorf(ec2.CodeInvalidSubnetRange, "The IPv6 CIDR '%s' is not within the VPC's IPv6 blocks.", p)
			case len(sub.Ipv6) > 0:
				return ec2.Errorf(ec2.CodeCidrLimitExceeded, "The subnet %s already has an IPv6 CIDR block.", sub.SubnetId)
			}
			b := netw.CidrBlock{AssociationId: tx.Region().NewID("subnet-cidr-assoc"), Cidr: p.Masked().String()}
			sub.Ipv6 = append(sub.Ipv6, b)
			out = &ec2.SubnetCidrBlockOutput{SubnetId: sub.SubnetId, Ipv6CidrBlockAssociation: subnetV6View(b, "associating")}
			return nil
		})
	})
	return out, err
}

// DisassociateSubnetCidrBlock removes a subnet's IPv6 block.
func (s *Service) DisassociateSubnetCidrBlock(ctx context.Context, region string, in *ec2.AssociationIdInput) (*ec2.SubnetCidrBlockOutput, error) {
	var out *ec2.SubnetCidrBlockOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		for _, sub := range s.book(tx.Region()).net.Subnets {
			if i := slices.IndexFunc(sub.Ipv6, func(b netw.CidrBlock) bool { return b.AssociationId == in.AssociationId }); i >= 0 {
				b := sub.Ipv6[i]
				out = &ec2.SubnetCidrBlockOutput{SubnetId: sub.SubnetId, Ipv6CidrBlockAssociation: subnetV6View(b, "disassociating")}
				return s.changeSubnet(tx, sub.SubnetId, func(n *netw.Subnet) error { n.Ipv6 = slices.Delete(n.Ipv6, i, i+1); return nil })
			}
		}
		return assocNotFound(in.AssociationId)
	})
	return out, err
}

func reservationView(sub *netw.Subnet, r netw.Reservation, tags []ec2.Tag) *ec2.SubnetCidrReservation {
	return &ec2.SubnetCidrReservation{SubnetCidrReservationId: r.Id, SubnetId: sub.SubnetId, Cidr: r.Cidr, ReservationType: r.Type,
		Description: r.Description, OwnerId: ec2.OwnerID, Tags: tags}
}

// CreateSubnetCidrReservation sets a range of a subnet aside, inside the
// subnet and overlapping no other reservation.
func (s *Service) CreateSubnetCidrReservation(ctx context.Context, region string, in *ec2.CreateSubnetCidrReservationInput) (*ec2.CreateSubnetCidrReservationOutput, error) {
	if in.ReservationType != "prefix" && in.ReservationType != "explicit" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter reservationType is invalid. Valid values: prefix, explicit", in.ReservationType)
	}
	p, err := netip.ParsePrefix(in.Cidr)
	if err != nil {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter cidr is invalid. This is not a valid CIDR block.", in.Cidr)
	}
	tags, err := tagging.FromSpecs(in.TagSpecifications, "subnet-cidr-reservation")
	if err != nil {
		return nil, err
	}
	var out *ec2.CreateSubnetCidrReservationOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		return s.changeSubnet(tx, in.SubnetId, func(sub *netw.Subnet) error {
			if p.Bits() < sub.Cidr.Bits() || !sub.Cidr.Contains(p.Addr()) {
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "The CIDR %s is not within the subnet %s (%s).", p, sub.SubnetId, sub.Cidr)
			}
			for _, r := range sub.Reservations {
				if q, err := netip.ParsePrefix(r.Cidr); err == nil && q.Overlaps(p) {
					return ec2.Errorf(ec2.CodeInvalidParameterValue, "The CIDR %s overlaps the reservation %s.", p, r.Id)
				}
			}
			if err := dryRun(in.DryRun); err != nil {
				return err
			}
			r := netw.Reservation{Id: tx.Region().NewID("scr"), Cidr: p.Masked().String(), Type: in.ReservationType, Description: in.Description}
			sub.Reservations = append(sub.Reservations, r)
			if len(tags) > 0 {
				state.Put(tx, NetTags, &tagging.Beside{ResourceId: r.Id, Tags: tags})
			}
			out = &ec2.CreateSubnetCidrReservationOutput{SubnetCidrReservation: reservationView(sub, r, tags)}
			return nil
		})
	})
	return out, err
}

// DeleteSubnetCidrReservation ends a reservation.
func (s *Service) DeleteSubnetCidrReservation(ctx context.Context, region string, in *ec2.DeleteSubnetCidrReservationInput) (*ec2.DeleteSubnetCidrReservationOutput, error) {
	var out *ec2.DeleteSubnetCidrReservationOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		for _, sub := range s.book(tx.Region()).net.Subnets {
			if i := slices.IndexFunc(sub.Reservations, func(r netw.Reservation) bool { return r.Id == in.SubnetCidrReservationId }); i >= 0 {
				if err := dryRun(in.DryRun); err != nil {
					return err
				}
				r := sub.Reservations[i]
				out = &ec2.DeleteSubnetCidrReservationOutput{DeletedSubnetCidrReservation: reservationView(sub, r, netTagsOf(tx, r.Id))}
				if state.Get(tx, NetTags, r.Id) != nil {
					state.Delete(tx, NetTags, r.Id)
				}
				return s.changeSubnet(tx, sub.SubnetId, func(n *netw.Subnet) error { n.Reservations = slices.Delete(n.Reservations, i, i+1); return nil })
			}
		}
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "The subnet CIDR reservation '%s' does not exist.", in.SubnetCidrReservationId)
	})
	return out, err
}

var reservationSpec = &describe.Spec[*ec2.SubnetCidrReservation]{
	Fields: []describe.Field[*ec2.SubnetCidrReservation]{
		{Name: "reservationType", Value: func(r *ec2.SubnetCidrReservation) string { return r.ReservationType }},
		{Name: "subnet-id", Value: func(r *ec2.SubnetCidrReservation) string { return r.SubnetId }},
	},
	Tags:   func(r *ec2.SubnetCidrReservation) []ec2.Tag { return r.Tags },
	Key:    func(k *describe.Key, r *ec2.SubnetCidrReservation) { k.Str(r.SubnetCidrReservationId) },
	Paging: describe.Paging{Min: 5, Max: 1000},
}

// GetSubnetCidrReservations lists a subnet's reservations, filtered and
// paged.
func (s *Service) GetSubnetCidrReservations(ctx context.Context, region string, in *ec2.GetSubnetCidrReservationsInput) (*ec2.GetSubnetCidrReservationsOutput, error) {
	q := describe.Query{Filters: in.Filters, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "GetSubnetCidrReservations/" + in.SubnetId}
	list, next, err := state.Describe(s.rt, region, reservationSpec, q, func(r *state.Region) ([]*ec2.SubnetCidrReservation, error) {
		sub := s.SubnetByID(r, in.SubnetId)
		if sub == nil {
			return nil, SubnetNotFound(in.SubnetId)
		}
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		var views []*ec2.SubnetCidrReservation
		for _, res := range sub.Reservations {
			views = append(views, reservationView(sub, res, netTagsOf(r, res.Id)))
		}
		return views, nil
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	if list == nil {
		list = []ec2.SubnetCidrReservation{}
	}
	// ec2x's subnets are IPv4, and so are their reservations.
	return &ec2.GetSubnetCidrReservationsOutput{SubnetIpv4CidrReservations: list,
		SubnetIpv6CidrReservations: []ec2.SubnetCidrReservation{}, NextToken: next}, nil
}
