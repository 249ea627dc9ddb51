package core

import (
	"context"
	"sort"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// AttachNetworkInterface attaches an available interface to an instance of
// the same zone, within the instance type's limits on interfaces and on
// addresses per interface. A running guest gets it at once when its driver
// hot-plugs; otherwise at its next boot.
func (c *Cloud) AttachNetworkInterface(ctx context.Context, region string, in *ec2.AttachNetworkInterfaceInput) (*ec2.AttachNetworkInterfaceOutput, error) {
	var out *ec2.AttachNetworkInterfaceOutput
	var inst *instRecord
	var nic *eniRecord
	err := c.mutateThen(ctx, region, in.DryRun, func(t *tx) error {
		e, err := t.lookupENI(in.NetworkInterfaceId)
		if err != nil {
			return err
		}
		recs, err := c.lookupLocked(t.rs, []string{in.InstanceId})
		if err != nil {
			return err
		}
		r := t.instance(recs[0].InstanceId)
		switch r.State.Name {
		case ec2.StateRunning, ec2.StateStopped, ec2.StatePending:
		default:
			return ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is %s; interfaces attach to pending, running or stopped instances.", r.InstanceId, r.State.Name)
		}
		if e.InstanceId != "" {
			return ec2.Errorf(ec2.CodeInvalidNetworkInterfaceInUse, "Interface %s is currently in use by %s.", e.NetworkInterfaceId, e.InstanceId)
		}
		if sub := t.rs.net.SubnetByID(e.SubnetId); sub == nil || sub.Zone != r.Placement.AvailabilityZone {
			return ec2.Errorf(ec2.CodeInvalidParameterCombination, "You may not attach a network interface to an instance if they are not in the same availability zone (%s is in %s, %s in %s).",
				e.NetworkInterfaceId, t.rs.zoneOf(e.SubnetId), r.InstanceId, r.Placement.AvailabilityZone)
		}
		typ := c.cfg.Types[r.InstanceType]
		if len(r.Enis)+1 > typ.MaxENIs {
			return ec2.Errorf(ec2.CodeAttachmentLimitExceeded, "Interface count %d exceeds the limit for %s (%d).", len(r.Enis)+1, r.InstanceType, typ.MaxENIs)
		}
		if len(e.Addrs) > typ.IPv4PerENI {
			return ec2.Errorf(ec2.CodePrivateIpAddressLimitExceeded, "Interface %s has %d private addresses; %s allows %d per interface.", e.NetworkInterfaceId, len(e.Addrs), r.InstanceType, typ.IPv4PerENI)
		}
		used := map[int]bool{}
		for _, id := range r.Enis {
			if x := t.iface(id); x != nil {
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
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "Device index %d is out of range for %s (0 to %d).", dev, r.InstanceType, typ.MaxENIs-1)
			case used[dev]:
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "Instance '%s' already has an interface attached at device index '%d'.", r.InstanceId, dev)
			}
		}
		n := e.clone()
		n.InstanceId, n.AttachmentId, n.DeviceIndex, n.AttachTime = r.InstanceId, c.newID("eni-attach"), dev, c.clk.Now()
		n.DeleteOnTermination = false
		t.putIface(n)
		nr := r.clone()
		nr.Enis = t.sortByDevice(append(append([]string(nil), r.Enis...), n.NetworkInterfaceId))
		t.putInstance(nr)
		out = &ec2.AttachNetworkInterfaceOutput{AttachmentId: n.AttachmentId}
		inst, nic = nr, n
		return nil
	}, func(t *tx) []driverCall { return c.hotplug(inst, t.rs.nic(nic), true) })
	return out, err
}

// sortByDevice orders interface IDs by device index.
func (t *tx) sortByDevice(ids []string) []string {
	sort.SliceStable(ids, func(i, j int) bool { return t.iface(ids[i]).DeviceIndex < t.iface(ids[j]).DeviceIndex })
	return ids
}

func (rs *regionState) zoneOf(subnetID string) string {
	if s := rs.net.SubnetByID(subnetID); s != nil {
		return s.Zone
	}
	return ""
}

// DetachNetworkInterface detaches a secondary interface; it keeps its
// addresses and Elastic IPs and becomes available. Device 0 never detaches.
func (c *Cloud) DetachNetworkInterface(ctx context.Context, region string, in *ec2.DetachNetworkInterfaceInput) (*ec2.Empty, error) {
	var inst *instRecord
	var nic *eniRecord
	err := c.mutateThen(ctx, region, in.DryRun, func(t *tx) error {
		if !attachIDRe.MatchString(in.AttachmentId) {
			return ec2.Errorf(ec2.CodeInvalidAttachmentIDNotFound, "The attachment ID '%s' does not exist", in.AttachmentId)
		}
		var e *eniRecord
		for _, x := range t.rs.enis {
			if x.AttachmentId == in.AttachmentId {
				e = t.iface(x.NetworkInterfaceId)
			}
		}
		if e == nil || e.AttachmentId != in.AttachmentId {
			return ec2.Errorf(ec2.CodeInvalidAttachmentIDNotFound, "The attachment ID '%s' does not exist", in.AttachmentId)
		}
		if e.DeviceIndex == 0 {
			return ec2.Errorf(ec2.CodeOperationNotPermitted, "The network interface at device index 0 cannot be detached.")
		}
		r := t.instance(e.InstanceId)
		n := e.clone()
		n.InstanceId, n.AttachmentId, n.DeviceIndex, n.AttachTime, n.DeleteOnTermination = "", "", 0, time.Time{}, false
		t.putIface(n)
		if r != nil {
			nr := r.clone()
			nr.Enis = nil
			for _, id := range r.Enis {
				if id != e.NetworkInterfaceId {
					nr.Enis = append(nr.Enis, id)
				}
			}
			t.putInstance(nr)
			inst, nic = nr, e
		}
		return nil
	}, func(t *tx) []driverCall {
		if inst == nil {
			return nil
		}
		return c.hotplug(inst, t.rs.nic(nic), false)
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// DeleteNetworkInterface deletes an available interface; its addresses go
// back to the subnet and its Elastic IPs are disassociated (not released).
func (c *Cloud) DeleteNetworkInterface(ctx context.Context, region string, in *ec2.DeleteNetworkInterfaceInput) (*ec2.Empty, error) {
	err := c.mutate(ctx, region, in.DryRun, func(t *tx) error {
		e, err := t.lookupENI(in.NetworkInterfaceId)
		if err != nil {
			return err
		}
		if e.InstanceId != "" {
			return ec2.Errorf(ec2.CodeInvalidNetworkInterfaceInUse, "The network interface '%s' is currently in use by %s.", e.NetworkInterfaceId, e.InstanceId)
		}
		t.disassociateAll(e)
		e = t.iface(e.NetworkInterfaceId)
		for _, a := range e.Addrs {
			t.freePrivate(e.SubnetId, a.Private)
			if a.auto() {
				t.freePublic(a.Public)
			}
		}
		t.deleteIface(e.NetworkInterfaceId)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// AssignPrivateIpAddresses adds secondary private addresses to an
// interface, within its instance type's limit when attached.
func (c *Cloud) AssignPrivateIpAddresses(ctx context.Context, region string, in *ec2.AssignPrivateIpAddressesInput) (*ec2.AssignPrivateIpAddressesOutput, error) {
	if in.SecondaryPrivateIpAddressCount < 0 || (len(in.PrivateIpAddresses) == 0 && in.SecondaryPrivateIpAddressCount == 0) {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "Give PrivateIpAddresses or a positive SecondaryPrivateIpAddressCount")
	}
	var out *ec2.AssignPrivateIpAddressesOutput
	err := c.mutate(ctx, region, in.DryRun, func(t *tx) error {
		e, err := t.lookupENI(in.NetworkInterfaceId)
		if err != nil {
			return err
		}
		limit := maxAddrsPerInterface
		if r := t.instance(e.InstanceId); r != nil {
			limit = c.cfg.Types[r.InstanceType].IPv4PerENI
		}
		want := append([]string(nil), in.PrivateIpAddresses...)
		for i := 0; i < in.SecondaryPrivateIpAddressCount; i++ {
			want = append(want, "")
		}
		if len(e.Addrs)+len(want) > limit {
			return ec2.Errorf(ec2.CodePrivateIpAddressLimitExceeded, "Number of private addresses %d exceeds the limit of %d for interface %s.", len(e.Addrs)+len(want), limit, e.NetworkInterfaceId)
		}
		n := e.clone()
		out = &ec2.AssignPrivateIpAddressesOutput{NetworkInterfaceId: e.NetworkInterfaceId, AssignedPrivateIpAddresses: []ec2.PrivateIP{}}
		for _, w := range want {
			ip, err := t.claimPrivate(e.SubnetId, w)
			if err != nil {
				return err
			}
			n.Addrs = append(n.Addrs, eniAddr{Private: ip})
			out.AssignedPrivateIpAddresses = append(out.AssignedPrivateIpAddresses, ec2.PrivateIP{PrivateIpAddress: ip})
		}
		t.putIface(n)
		return nil
	})
	return out, err
}

// UnassignPrivateIpAddresses removes secondary addresses; an Elastic IP on
// one is disassociated. The primary address cannot be removed.
func (c *Cloud) UnassignPrivateIpAddresses(ctx context.Context, region string, in *ec2.UnassignPrivateIpAddressesInput) (*ec2.Empty, error) {
	if len(in.PrivateIpAddresses) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter PrivateIpAddresses")
	}
	err := c.mutate(ctx, region, in.DryRun, func(t *tx) error {
		e, err := t.lookupENI(in.NetworkInterfaceId)
		if err != nil {
			return err
		}
		for _, ip := range in.PrivateIpAddresses {
			i := e.addrIndex(ip)
			switch {
			case i < 0:
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "Some of the specified addresses are not assigned to interface %s (%s).", e.NetworkInterfaceId, ip)
			case i == 0:
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "The primary private address %s of %s cannot be unassigned.", ip, e.NetworkInterfaceId)
			}
			if a := e.Addrs[i]; a.AllocationId != "" {
				t.disassociate(t.address(a.AllocationId))
				e = t.iface(e.NetworkInterfaceId)
			}
			n := e.clone()
			n.Addrs = append(n.Addrs[:i], n.Addrs[i+1:]...)
			t.freePrivate(e.SubnetId, ip)
			t.putIface(n)
			e = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}
