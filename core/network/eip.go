package network

import (
	"context"
	"net/netip"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// AllocateAddress takes an Elastic IP from the region's pool.
func (s *Service) AllocateAddress(ctx context.Context, region string, in *ec2.AllocateAddressInput) (*ec2.AllocateAddressOutput, error) {
	if in.NetworkBorderGroup != "" && in.NetworkBorderGroup != region {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid network border group '%s': %s has only its own, %s.", in.NetworkBorderGroup, region, region)
	}
	if in.Domain != "" && in.Domain != "vpc" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for domain: only vpc", in.Domain)
	}
	tags, err := tagging.FromSpecs(in.TagSpecifications, "elastic-ip")
	if err != nil {
		return nil, err
	}
	var out *ec2.AllocateAddressOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		limit := s.cfg.Limits.ElasticIPsPerRegion
		if state.Len(tx, Addresses) >= limit {
			return ec2.Errorf(ec2.CodeAddressLimitExceeded, "The maximum number of addresses has been reached (%d in %s).", limit, region)
		}
		pub, err := s.ClaimPublic(tx)
		if err != nil {
			return err
		}
		a := &Address{AllocationId: tx.Region().NewID("eipalloc"), PublicIp: pub.String(), AllocationTime: s.rt.Clock().Now().UTC(), Tags: tags}
		state.Put(tx, Addresses, a)
		out = &ec2.AllocateAddressOutput{PublicIp: a.PublicIp, AllocationId: a.AllocationId, Domain: "vpc", PublicIpv4Pool: "amazon", NetworkBorderGroup: region}
		if in.DryRun {
			return state.DryRun()
		}
		return nil
	})
	return out, err
}

// findAddress finds an allocation by ID or by its public IP.
func findAddress(rd state.Reader, allocID, publicIP string) (*Address, error) {
	switch {
	case allocID != "":
		if !ec2.ValidID("eipalloc", allocID) {
			return nil, ec2.MalformedID(ec2.CodeInvalidAllocationIDMalformed, "eipalloc", allocID)
		}
		if a := state.Get(rd, Addresses, allocID); a != nil {
			return a, nil
		}
		return nil, ec2.Errorf(ec2.CodeInvalidAllocationIDNotFound, "The allocation ID '%s' does not exist", allocID)
	case publicIP != "":
		var found *Address
		state.Each(rd, Addresses, func(a *Address) bool {
			if a.PublicIp == publicIP {
				found = a
				return false
			}
			return true
		})
		if found != nil {
			return found, nil
		}
		return nil, ec2.Errorf(ec2.CodeInvalidAddressNotFound, "Address %s not found.", publicIP)
	}
	return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter AllocationId or PublicIp")
}

// AssociateAddress points an Elastic IP at an instance (its primary
// interface's primary address) or at an interface's private address. What
// that address had is displaced: a pool address goes back to the pool,
// another Elastic IP is disassociated but stays allocated.
func (s *Service) AssociateAddress(ctx context.Context, region string, in *ec2.AssociateAddressInput) (*ec2.AssociateAddressOutput, error) {
	// The parameters are checked before any lookup, as EC2 checks them.
	if in.InstanceId != "" && in.NetworkInterfaceId != "" {
		return nil, errInstanceAndENI
	}
	var out *ec2.AssociateAddressOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		a, err := findAddress(tx, in.AllocationId, in.PublicIp)
		if err != nil {
			return err
		}
		e, err := s.associationTarget(tx, in.InstanceId, in.NetworkInterfaceId)
		if err != nil {
			return err
		}
		if vpc := s.SubnetVpc(tx, e.SubnetId); attachedGateway(tx, vpc) == nil {
			return ec2.Errorf(ec2.CodeGatewayNotAttached, "Network %s is not attached to any internet gateway", vpc)
		}
		idx := 0
		if in.PrivateIpAddress != "" {
			if idx = e.AddrIndex(in.PrivateIpAddress); idx < 0 {
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "The private IP address %s is not assigned to the network interface %s.", in.PrivateIpAddress, e.NetworkInterfaceId)
			}
		}
		if a.AssociationId != "" {
			if a.NetworkInterfaceId == e.NetworkInterfaceId && a.PrivateIpAddress == e.Addrs[idx].Private {
				out = &ec2.AssociateAddressOutput{AssociationId: a.AssociationId}
				return dryRun(in.DryRun)
			}
			if !in.AllowReassociation {
				return ec2.Errorf(ec2.CodeResourceAlreadyAssociated, "resource %s is already associated with associate-id %s", a.AllocationId, a.AssociationId)
			}
			s.disassociate(tx, a)
			a = state.Get(tx, Addresses, a.AllocationId)
			e = Interface(tx, e.NetworkInterfaceId)
		}
		out = &ec2.AssociateAddressOutput{AssociationId: s.associate(tx, a, e, idx)}
		return dryRun(in.DryRun)
	})
	return out, err
}

// dryRun is the end of a change asked as a dry run: it is rolled back.
func dryRun(dry bool) error {
	if dry {
		return state.DryRun()
	}
	return nil
}

// errInstanceAndENI refuses an association that names both ends.
var errInstanceAndENI = ec2.Errorf(ec2.CodeInvalidParameterCombination, "Give an instance or a network interface, not both")

// associationTarget is the interface an association goes to.
func (s *Service) associationTarget(tx *state.Tx, instanceID, eniID string) (*ENI, error) {
	switch {
	case instanceID != "" && eniID != "":
		return nil, errInstanceAndENI
	case eniID != "":
		return lookupENI(tx, eniID)
	case instanceID != "":
		r, err := s.inst.Instance(tx, instanceID)
		if err != nil {
			return nil, err
		}
		if r.State == ec2.StateTerminated || r.State == ec2.StateShuttingDown || len(r.ENIs) == 0 {
			return nil, ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is not in a valid state for this operation.", r.ID)
		}
		if len(r.ENIs) > 1 {
			return nil, ec2.Errorf(ec2.CodeInvalidInstanceID, "There are multiple interfaces attached to instance '%s'. Please specify an interface ID for the operation instead.", r.ID)
		}
		return Interface(tx, r.ENIs[0]), nil
	}
	return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter InstanceId or NetworkInterfaceId")
}

// associate points a at address idx of e and returns the association ID.
func (s *Service) associate(tx *state.Tx, a *Address, e *ENI, idx int) string {
	old := e.Addrs[idx]
	if old.AllocationId != "" {
		s.disassociate(tx, state.Get(tx, Addresses, old.AllocationId))
		e = Interface(tx, e.NetworkInterfaceId)
		old = e.Addrs[idx] // disassociating may have given it a pool address
	}
	if old.Auto() {
		s.FreePublic(tx, old.Public)
	}
	assoc := tx.Region().NewID("eipassoc")
	n := e.Clone()
	n.Addrs[idx] = Addr{Private: old.Private, Public: a.PublicIp, AllocationId: a.AllocationId, AssociationId: assoc}
	PutInterface(tx, n)
	na := *a
	na.AssociationId, na.NetworkInterfaceId, na.PrivateIpAddress = assoc, e.NetworkInterfaceId, old.Private
	state.Put(tx, Addresses, &na)
	return assoc
}

// disassociate detaches a from its address. A running instance's primary
// address then gets a pool address, as EC2 gives it a new public IP.
func (s *Service) disassociate(tx *state.Tx, a *Address) {
	if a == nil || a.AssociationId == "" {
		return
	}
	if e := Interface(tx, a.NetworkInterfaceId); e != nil {
		if i := e.AddrIndex(a.PrivateIpAddress); i >= 0 && e.Addrs[i].AllocationId == a.AllocationId {
			n := e.Clone()
			n.Addrs[i] = Addr{Private: n.Addrs[i].Private}
			PutInterface(tx, n)
			if e.InstanceId != "" && e.DeviceIndex == 0 && i == 0 {
				if r, err := s.inst.Instance(tx, e.InstanceId); err == nil && (r.State == ec2.StateRunning || r.State == ec2.StatePending) {
					_ = s.AssignAutoPublic(tx, e.NetworkInterfaceId) // an exhausted pool leaves it without one
				}
			}
		}
	}
	na := *a
	na.AssociationId, na.NetworkInterfaceId, na.PrivateIpAddress = "", "", ""
	state.Put(tx, Addresses, &na)
}

// disassociateAll detaches every Elastic IP from an interface.
func (s *Service) disassociateAll(tx *state.Tx, e *ENI) {
	for _, ad := range e.Addrs {
		if ad.AllocationId != "" {
			s.disassociate(tx, state.Get(tx, Addresses, ad.AllocationId))
		}
	}
}

// DisassociateAddress detaches an Elastic IP; it stays allocated.
func (s *Service) DisassociateAddress(ctx context.Context, region string, in *ec2.DisassociateAddressInput) (*ec2.Empty, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		var a *Address
		switch {
		case in.AssociationId != "":
			state.Each(tx, Addresses, func(x *Address) bool {
				if x.AssociationId == in.AssociationId {
					a = x
					return false
				}
				return true
			})
			if a == nil {
				return ec2.Errorf(ec2.CodeInvalidAssociationIDNotFound, "The association ID '%s' does not exist", in.AssociationId)
			}
		case in.PublicIp != "":
			var err error
			if a, err = findAddress(tx, "", in.PublicIp); err != nil {
				return err
			}
			if a.AssociationId == "" {
				return ec2.Errorf(ec2.CodeInvalidAssociationIDNotFound, "The address %s is not associated", in.PublicIp)
			}
		default:
			return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter AssociationId or PublicIp")
		}
		s.disassociate(tx, a)
		return dryRun(in.DryRun)
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// ReleaseAddress returns an Elastic IP to the pool; an associated one is refused.
func (s *Service) ReleaseAddress(ctx context.Context, region string, in *ec2.ReleaseAddressInput) (*ec2.Empty, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		a, err := findAddress(tx, in.AllocationId, in.PublicIp)
		if err != nil {
			return err
		}
		if in.NetworkBorderGroup != "" && in.NetworkBorderGroup != region {
			// EC2's answer for a border group that is not the address's.
			return ec2.Errorf(ec2.CodeInvalidAddressNotFound, "The address %s is not in network border group %s.", a.PublicIp, in.NetworkBorderGroup)
		}
		if a.AssociationId != "" {
			return ec2.Errorf(ec2.CodeInvalidIPAddressInUse, "Address %s is in use (association %s).", a.PublicIp, a.AssociationId)
		}
		s.FreePublic(tx, a.PublicIp)
		state.Delete(tx, Addresses, a.AllocationId)
		return dryRun(in.DryRun)
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// addressItem is an allocation with its API view, for the engine.
type addressItem struct {
	ip netip.Addr
	v  ec2.Address
}

var addressSpec = &describe.Spec[*addressItem]{
	Fields: []describe.Field[*addressItem]{
		{Name: "allocation-id", Value: func(a *addressItem) string { return a.v.AllocationId }},
		{Name: "association-id", Values: func(a *addressItem) []string { return describe.Optional(a.v.AssociationId) }},
		{Name: "domain", Value: func(a *addressItem) string { return a.v.Domain }},
		{Name: "instance-id", Values: func(a *addressItem) []string { return describe.Optional(a.v.InstanceId) }},
		{Name: "network-interface-id", Values: func(a *addressItem) []string { return describe.Optional(a.v.NetworkInterfaceId) }},
		{Name: "network-interface-owner-id", Values: func(a *addressItem) []string { return describe.Optional(a.v.NetworkInterfaceOwnerId) }},
		{Name: "private-ip-address", Values: func(a *addressItem) []string { return describe.Optional(a.v.PrivateIpAddress) }},
		{Name: "public-ip", Value: func(a *addressItem) string { return a.v.PublicIp }},
		{Name: "network-border-group", Value: func(a *addressItem) string { return a.v.NetworkBorderGroup }},
	},
	Tags: func(a *addressItem) []ec2.Tag { return a.v.Tags },
	// Ordered by public IP, numerically.
	Key: func(k *describe.Key, a *addressItem) { k.Num(int64(ipNum(a.ip))); k.Str(a.v.AllocationId) },
}

func ipNum(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func one(s string) []string { return []string{s} }

// DescribeAddresses lists the region's Elastic IPs, ordered by public IP.
func (s *Service) DescribeAddresses(ctx context.Context, region string, in *ec2.DescribeAddressesInput) (*ec2.DescribeAddressesOutput, error) {
	q := describe.Query{Filters: in.Filters, IDs: append(append([]string(nil), in.AllocationIds...), in.PublicIps...), Scope: "DescribeAddresses"}
	hourly := s.cfg.Pricing.PublicIPv4Hourly
	out, _, err := state.Describe(s.rt, region, addressSpec, q, func(r *state.Region) ([]*addressItem, error) {
		var recs []*Address
		var err error
		if len(in.AllocationIds) > 0 || len(in.PublicIps) == 0 {
			recs, err = state.Gather(r, Addresses, in.AllocationIds, func(r *state.Region, id string) (*Address, error) { return findAddress(r, id, "") })
			if err != nil {
				return nil, err
			}
		}
		for _, ip := range in.PublicIps {
			a, err := findAddress(r, "", ip)
			if err != nil {
				return nil, err
			}
			recs = append(recs, a)
		}
		items := make([]*addressItem, len(recs))
		for i, a := range recs {
			items[i] = &addressItem{ip: netip.MustParseAddr(a.PublicIp), v: s.addressView(r, a, hourly)}
		}
		return items, nil
	}, func(_ *state.Region, a *addressItem) ec2.Address { return a.v })
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeAddressesOutput{Addresses: out}, nil
}

func (s *Service) addressView(rd state.Reader, a *Address, hourly string) ec2.Address {
	v := ec2.Address{PublicIp: a.PublicIp, AllocationId: a.AllocationId, AssociationId: a.AssociationId,
		NetworkInterfaceId: a.NetworkInterfaceId, PrivateIpAddress: a.PrivateIpAddress, Domain: "vpc",
		PublicIpv4Pool: "amazon", NetworkBorderGroup: rd.Region().Name, Tags: a.Tags, HourlyCharge: hourly}
	if a.NetworkInterfaceId != "" {
		v.NetworkInterfaceOwnerId = ec2.OwnerID
		if e := Interface(rd, a.NetworkInterfaceId); e != nil {
			v.InstanceId = e.InstanceId
		}
	}
	return v
}

// addressTags is the taggable kind of Elastic IPs.
func (s *Service) addressTags() tagging.Kind {
	return tagging.Kind{Prefix: "eipalloc-", Type: "elastic-ip",
		List: tagging.Lister(Addresses, func(a *Address) string { return a.AllocationId }, func(a *Address) []ec2.Tag { return a.Tags }),
		Retag: func(tx *state.Tx, id string, f tagging.Retag) error {
			a, err := findAddress(tx, id, "")
			if err != nil {
				return err
			}
			n := *a
			if n.Tags, err = f(a.Tags); err != nil {
				return err
			}
			state.Put(tx, Addresses, &n)
			return nil
		}}
}
