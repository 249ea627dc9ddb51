package network

import (
	"context"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// AttachNetworkInterface attaches an available interface to an instance of
// the same zone, within the instance type's limits on interfaces and on
// addresses per interface. A running guest gets it at once when its driver
// hot-plugs; otherwise at its next boot.
func (s *Service) AttachNetworkInterface(ctx context.Context, region string, in *ec2.AttachNetworkInterfaceInput) (*ec2.AttachNetworkInterfaceOutput, error) {
	var out *ec2.AttachNetworkInterfaceOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		e, err := lookupENI(tx, in.NetworkInterfaceId)
		if err != nil {
			return err
		}
		r, err := s.inst.Instance(tx, in.InstanceId)
		if err != nil {
			return err
		}
		switch r.State {
		case ec2.StateRunning, ec2.StateStopped, ec2.StatePending:
		default:
			return ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is %s; interfaces attach to pending, running or stopped instances.", r.ID, r.State)
		}
		if e.InstanceId != "" {
			return ec2.Errorf(ec2.CodeInvalidNetworkInterfaceInUse, "Interface %s is currently in use by %s.", e.NetworkInterfaceId, e.InstanceId)
		}
		if sub := s.SubnetByID(tx, e.SubnetId); sub == nil || sub.Zone != r.Zone {
			return ec2.Errorf(ec2.CodeInvalidParameterCombination, "You may not attach a network interface to an instance if they are not in the same availability zone (%s is in %s, %s in %s).",
				e.NetworkInterfaceId, s.ZoneOf(tx, e.SubnetId), r.ID, r.Zone)
		}
		typ := s.cfg.Types[r.Type]
		if len(r.ENIs)+1 > typ.MaxENIs {
			return ec2.Errorf(ec2.CodeAttachmentLimitExceeded, "Interface count %d exceeds the limit for %s (%d).", len(r.ENIs)+1, r.Type, typ.MaxENIs)
		}
		if len(e.Addrs) > typ.IPv4PerENI {
			return ec2.Errorf(ec2.CodePrivateIpAddressLimitExceeded, "Interface %s has %d private addresses; %s allows %d per interface.", e.NetworkInterfaceId, len(e.Addrs), r.Type, typ.IPv4PerENI)
		}
		used := map[int]bool{}
		for _, id := range r.ENIs {
			if x := Interface(tx, id); x != nil {
				used[x.DeviceIndex] = true
			}
		}
		// Unnamed, the lowest free index: after a detach from the middle,
		// one past the highest could leave the type's range (0 to MaxENIs-1)
		// that a named index must keep to.
		dev := 1
		for used[dev] {
			dev++
		}
		if in.DeviceIndex != nil {
			dev = *in.DeviceIndex
			switch {
			case dev < 1:
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "Device index %d is not valid: device 0 is the primary interface, made at launch.", dev)
			case dev >= typ.MaxENIs:
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "Device index %d is out of range for %s (0 to %d).", dev, r.Type, typ.MaxENIs-1)
			case used[dev]:
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "Instance '%s' already has an interface attached at device index '%d'.", r.ID, dev)
			}
		}
		if in.DryRun {
			return state.DryRun()
		}
		n := e.Clone()
		n.InstanceId, n.AttachmentId, n.DeviceIndex, n.AttachTime = r.ID, tx.Region().NewID("eni-attach"), dev, s.rt.Clock().Now()
		n.DeleteOnTermination = false
		PutInterface(tx, n)
		s.inst.SetInterfaces(tx, r.ID, byDevice(tx, append(append([]string(nil), r.ENIs...), n.NetworkInterfaceId)))
		s.inst.Hotplug(tx, r.ID, s.NIC(tx, n), true)
		out = &ec2.AttachNetworkInterfaceOutput{AttachmentId: n.AttachmentId}
		return nil
	})
	return out, err
}

// DetachNetworkInterface detaches a secondary interface; it keeps its
// addresses and Elastic IPs and becomes available. Device 0 never detaches.
func (s *Service) DetachNetworkInterface(ctx context.Context, region string, in *ec2.DetachNetworkInterfaceInput) (*ec2.Empty, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		if !ec2.ValidID("eni-attach", in.AttachmentId) {
			return ec2.Errorf(ec2.CodeInvalidAttachmentIDNotFound, "The attachment ID '%s' does not exist", in.AttachmentId)
		}
		var e *ENI
		state.Each(tx, Interfaces, func(x *ENI) bool {
			if x.AttachmentId == in.AttachmentId {
				e = x
				return false
			}
			return true
		})
		if e == nil {
			return ec2.Errorf(ec2.CodeInvalidAttachmentIDNotFound, "The attachment ID '%s' does not exist", in.AttachmentId)
		}
		if e.DeviceIndex == 0 {
			return ec2.Errorf(ec2.CodeOperationNotPermitted, "The network interface at device index 0 cannot be detached.")
		}
		if in.DryRun {
			return state.DryRun()
		}
		PutInterface(tx, detached(e))
		if r, err := s.inst.Instance(tx, e.InstanceId); err == nil {
			var left []string
			for _, id := range r.ENIs {
				if id != e.NetworkInterfaceId {
					left = append(left, id)
				}
			}
			s.inst.SetInterfaces(tx, r.ID, left)
			s.inst.Hotplug(tx, r.ID, s.NIC(tx, e), false)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// DeleteNetworkInterface deletes an available interface; its addresses go
// back to the subnet and its Elastic IPs are disassociated (not released).
func (s *Service) DeleteNetworkInterface(ctx context.Context, region string, in *ec2.DeleteNetworkInterfaceInput) (*ec2.Empty, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		e, err := lookupENI(tx, in.NetworkInterfaceId)
		if err != nil {
			return err
		}
		if e.InstanceId != "" {
			return ec2.Errorf(ec2.CodeInvalidNetworkInterfaceInUse, "The network interface '%s' is currently in use by %s.", e.NetworkInterfaceId, e.InstanceId)
		}
		s.deleteInterface(tx, e)
		return dryRun(in.DryRun)
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// deleteInterface deletes e: its Elastic IPs are disassociated, its
// addresses go back to their pools.
func (s *Service) deleteInterface(tx *state.Tx, e *ENI) {
	s.disassociateAll(tx, e)
	e = Interface(tx, e.NetworkInterfaceId)
	for _, a := range e.Addrs {
		s.FreePrivate(tx, e.SubnetId, a.Private)
		if a.Auto() {
			s.FreePublic(tx, a.Public)
		}
	}
	state.Delete(tx, Interfaces, e.NetworkInterfaceId)
}

// AssignPrivateIpAddresses adds secondary private addresses to an
// interface, within its instance type's limit when attached.
func (s *Service) AssignPrivateIpAddresses(ctx context.Context, region string, in *ec2.AssignPrivateIpAddressesInput) (*ec2.AssignPrivateIpAddressesOutput, error) {
	if in.SecondaryPrivateIpAddressCount < 0 || (len(in.PrivateIpAddresses) == 0 && in.SecondaryPrivateIpAddressCount == 0) {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "Give PrivateIpAddresses or a positive SecondaryPrivateIpAddressCount")
	}
	var out *ec2.AssignPrivateIpAddressesOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		e, err := lookupENI(tx, in.NetworkInterfaceId)
		if err != nil {
			return err
		}
		limit := MaxAddrsPerInterface
		if e.InstanceId != "" {
			if r, err := s.inst.Instance(tx, e.InstanceId); err == nil {
				limit = s.cfg.Types[r.Type].IPv4PerENI
			}
		}
		want := append([]string(nil), in.PrivateIpAddresses...)
		for i := 0; i < in.SecondaryPrivateIpAddressCount; i++ {
			want = append(want, "")
		}
		if len(e.Addrs)+len(want) > limit {
			return ec2.Errorf(ec2.CodePrivateIpAddressLimitExceeded, "Number of private addresses %d exceeds the limit of %d for interface %s.", len(e.Addrs)+len(want), limit, e.NetworkInterfaceId)
		}
		n := e.Clone()
		out = &ec2.AssignPrivateIpAddressesOutput{NetworkInterfaceId: e.NetworkInterfaceId, AssignedPrivateIpAddresses: []ec2.PrivateIP{}}
		for _, w := range want {
			ip, err := s.ClaimPrivate(tx, e.SubnetId, w)
			if err != nil {
				return err
			}
			n.Addrs = append(n.Addrs, Addr{Private: ip})
			out.AssignedPrivateIpAddresses = append(out.AssignedPrivateIpAddresses, ec2.PrivateIP{PrivateIpAddress: ip})
		}
		PutInterface(tx, n)
		return dryRun(in.DryRun)
	})
	return out, err
}

// UnassignPrivateIpAddresses removes secondary addresses; an Elastic IP on
// one is disassociated. The primary address cannot be removed.
func (s *Service) UnassignPrivateIpAddresses(ctx context.Context, region string, in *ec2.UnassignPrivateIpAddressesInput) (*ec2.Empty, error) {
	if len(in.PrivateIpAddresses) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter PrivateIpAddresses")
	}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		e, err := lookupENI(tx, in.NetworkInterfaceId)
		if err != nil {
			return err
		}
		for _, ip := range in.PrivateIpAddresses {
			i := e.AddrIndex(ip)
			switch {
			case i < 0:
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "Some of the specified addresses are not assigned to interface %s (%s).", e.NetworkInterfaceId, ip)
			case i == 0:
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "The primary private address %s of %s cannot be unassigned.", ip, e.NetworkInterfaceId)
			}
			if a := e.Addrs[i]; a.AllocationId != "" {
				s.disassociate(tx, state.Get(tx, Addresses, a.AllocationId))
				e = Interface(tx, e.NetworkInterfaceId)
			}
			n := e.Clone()
			n.Addrs = append(n.Addrs[:i], n.Addrs[i+1:]...)
			s.FreePrivate(tx, e.SubnetId, ip)
			PutInterface(tx, n)
			e = n
		}
		return dryRun(in.DryRun)
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// AssignAutoPublic gives an interface's primary address a public IP from
// the pool, unless it has one (an Elastic IP survives stop and start).
func (s *Service) AssignAutoPublic(tx *state.Tx, eniID string) error {
	e := Interface(tx, eniID)
	if e == nil || len(e.Addrs) == 0 || e.Addrs[0].Public != "" || e.NoAutoPublic {
		return nil
	}
	pub, err := s.ClaimPublic(tx)
	if err != nil {
		return err
	}
	n := e.Clone()
	n.Addrs[0].Public = pub.String()
	PutInterface(tx, n)
	return nil
}

// DropAutoPublic returns the pool addresses of interfaces; Elastic IPs
// stay associated.
func (s *Service) DropAutoPublic(tx *state.Tx, enis []string) {
	for _, id := range enis {
		e := Interface(tx, id)
		if e == nil {
			continue
		}
		var n *ENI
		for i, a := range e.Addrs {
			if !a.Auto() {
				continue
			}
			if n == nil {
				n = e.Clone()
			}
			s.FreePublic(tx, a.Public)
			n.Addrs[i].Public = ""
		}
		if n != nil {
			PutInterface(tx, n)
		}
	}
}

// ReleaseInterfaces frees what a terminated instance's interfaces hold:
// those that go with it (DeleteOnTermination) lose their Elastic IPs and
// are deleted, the others are detached and keep theirs, so they can move
// to a replacement instance with its public addresses; pool addresses go
// back.
func (s *Service) ReleaseInterfaces(tx *state.Tx, enis []string) {
	for _, id := range enis {
		if e := Interface(tx, id); e != nil && e.DeleteOnTermination {
			s.disassociateAll(tx, e)
		}
	}
	// Pool addresses go back after the disassociations: taking an Elastic
	// IP from the primary of a guest that died while running gives it a
	// pool address, which would otherwise leak with the deleted interface.
	s.DropAutoPublic(tx, enis)
	for _, id := range enis {
		e := Interface(tx, id)
		if e == nil {
			continue
		}
		if e.DeleteOnTermination {
			for _, a := range e.Addrs {
				s.FreePrivate(tx, e.SubnetId, a.Private)
			}
			state.Delete(tx, Interfaces, id)
			continue
		}
		PutInterface(tx, detached(e))
	}
}
