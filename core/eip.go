package core

import (
	"context"
	"net/netip"
	"sort"

	"github.com/ec2x/ec2x/core/ec2"
)

// AllocateAddress takes an Elastic IP from the region's pool.
func (c *Cloud) AllocateAddress(ctx context.Context, region string, in *ec2.AllocateAddressInput) (*ec2.AllocateAddressOutput, error) {
	if in.Domain != "" && in.Domain != "vpc" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for domain: only vpc", in.Domain)
	}
	var tags []ec2.Tag
	for _, ts := range in.TagSpecifications {
		if ts.ResourceType != "elastic-ip" {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "'%s' is not a valid taggable resource type for this operation.", ts.ResourceType)
		}
		tags = append(tags, ts.Tags...)
	}
	tags, err := mergeTags(nil, tags)
	if err != nil {
		return nil, err
	}
	var out *ec2.AllocateAddressOutput
	err = c.mutate(ctx, region, in.DryRun, func(t *tx) error {
		if n := len(t.rs.eips) + t.newAllocations(); n >= c.cfg.Limits.ElasticIPsPerRegion {
			return ec2.Errorf(ec2.CodeAddressLimitExceeded, "The maximum number of addresses has been reached (%d in %s).", c.cfg.Limits.ElasticIPsPerRegion, t.rs.name)
		}
		pub, err := t.claimPublic()
		if err != nil {
			return err
		}
		a := &eipRecord{AllocationId: c.newID("eipalloc"), PublicIp: pub.String(), AllocationTime: c.clk.Now().UTC(), Tags: tags}
		t.putAddress(a)
		out = &ec2.AllocateAddressOutput{PublicIp: a.PublicIp, AllocationId: a.AllocationId, Domain: "vpc", PublicIpv4Pool: "amazon", NetworkBorderGroup: t.rs.name}
		return nil
	})
	return out, err
}

// newAllocations counts allocations t adds that are not yet published.
func (t *tx) newAllocations() int {
	n := 0
	for id, a := range t.eip {
		if a != nil && t.rs.eips[id] == nil {
			n++
		}
	}
	return n
}

// findAddress finds an allocation by ID or by its public IP.
func (t *tx) findAddress(allocID, publicIP string) (*eipRecord, error) {
	switch {
	case allocID != "":
		if !allocIDRe.MatchString(allocID) {
			return nil, ec2.Errorf(ec2.CodeInvalidAllocationIDMalformed, "Invalid id: \"%s\" (expecting \"eipalloc-...\")", allocID)
		}
		if a := t.address(allocID); a != nil {
			return a, nil
		}
		return nil, ec2.Errorf(ec2.CodeInvalidAllocationIDNotFound, "The allocation ID '%s' does not exist", allocID)
	case publicIP != "":
		for id := range t.rs.eips {
			if a := t.address(id); a != nil && a.PublicIp == publicIP {
				return a, nil
			}
		}
		return nil, ec2.Errorf(ec2.CodeInvalidAddressNotFound, "Address %s not found.", publicIP)
	}
	return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter AllocationId or PublicIp")
}

// AssociateAddress points an Elastic IP at an instance (its primary
// interface's primary address) or at an interface's private address. What
// that address had is displaced: a pool address goes back to the pool,
// another Elastic IP is disassociated but stays allocated.
func (c *Cloud) AssociateAddress(ctx context.Context, region string, in *ec2.AssociateAddressInput) (*ec2.AssociateAddressOutput, error) {
	var out *ec2.AssociateAddressOutput
	err := c.mutate(ctx, region, in.DryRun, func(t *tx) error {
		a, err := t.findAddress(in.AllocationId, in.PublicIp)
		if err != nil {
			return err
		}
		e, err := t.associationTarget(in.InstanceId, in.NetworkInterfaceId)
		if err != nil {
			return err
		}
		idx := 0
		if in.PrivateIpAddress != "" {
			if idx = e.addrIndex(in.PrivateIpAddress); idx < 0 {
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "The private IP address %s is not assigned to the network interface %s.", in.PrivateIpAddress, e.NetworkInterfaceId)
			}
		}
		if a.AssociationId != "" {
			if a.NetworkInterfaceId == e.NetworkInterfaceId && a.PrivateIpAddress == e.Addrs[idx].Private {
				out = &ec2.AssociateAddressOutput{AssociationId: a.AssociationId}
				return nil
			}
			if !in.AllowReassociation {
				return ec2.Errorf(ec2.CodeResourceAlreadyAssociated, "resource %s is already associated with associate-id %s", a.AllocationId, a.AssociationId)
			}
			t.disassociate(a)
			a = t.address(a.AllocationId)
			e = t.iface(e.NetworkInterfaceId)
		}
		assoc := t.associate(a, e, idx)
		out = &ec2.AssociateAddressOutput{AssociationId: assoc}
		return nil
	})
	return out, err
}

// associationTarget is the interface an association goes to.
func (t *tx) associationTarget(instanceID, eniID string) (*eniRecord, error) {
	switch {
	case instanceID != "" && eniID != "":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Give an instance or a network interface, not both")
	case eniID != "":
		return t.lookupENI(eniID)
	case instanceID != "":
		recs, err := t.c.lookupLocked(t.rs, []string{instanceID})
		if err != nil {
			return nil, err
		}
		r := t.instance(recs[0].InstanceId)
		if r.State.Name == ec2.StateTerminated || r.State.Name == ec2.StateShuttingDown || len(r.Enis) == 0 {
			return nil, ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is not in a valid state for this operation.", r.InstanceId)
		}
		if len(r.Enis) > 1 {
			return nil, ec2.Errorf(ec2.CodeInvalidInstanceID, "There are multiple interfaces attached to instance '%s'. Please specify an interface ID for the operation instead.", r.InstanceId)
		}
		return t.iface(r.Enis[0]), nil
	}
	return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter InstanceId or NetworkInterfaceId")
}

// associate points a at address idx of e and returns the association ID.
func (t *tx) associate(a *eipRecord, e *eniRecord, idx int) string {
	old := e.Addrs[idx]
	if old.AllocationId != "" {
		t.disassociate(t.address(old.AllocationId))
		e = t.iface(e.NetworkInterfaceId)
		old = e.Addrs[idx] // disassociating may have given it a pool address
	}
	if old.auto() {
		t.freePublic(old.Public)
	}
	assoc := t.c.newID("eipassoc")
	n := e.clone()
	n.Addrs[idx] = eniAddr{Private: old.Private, Public: a.PublicIp, AllocationId: a.AllocationId, AssociationId: assoc}
	t.putIface(n)
	na := *a
	na.AssociationId, na.NetworkInterfaceId, na.PrivateIpAddress = assoc, e.NetworkInterfaceId, old.Private
	t.putAddress(&na)
	return assoc
}

// disassociate detaches a from its address. A running instance's primary
// address then gets a pool address, as EC2 gives it a new public IP.
func (t *tx) disassociate(a *eipRecord) {
	if a == nil || a.AssociationId == "" {
		return
	}
	if e := t.iface(a.NetworkInterfaceId); e != nil {
		if i := e.addrIndex(a.PrivateIpAddress); i >= 0 && e.Addrs[i].AllocationId == a.AllocationId {
			n := e.clone()
			n.Addrs[i] = eniAddr{Private: n.Addrs[i].Private}
			t.putIface(n)
			if r := t.instance(e.InstanceId); r != nil && e.DeviceIndex == 0 && i == 0 &&
				(r.State.Name == ec2.StateRunning || r.State.Name == ec2.StatePending) {
				_ = t.assignAutoPublic(r) // an exhausted pool leaves it without one
			}
		}
	}
	na := *a
	na.AssociationId, na.NetworkInterfaceId, na.PrivateIpAddress = "", "", ""
	t.putAddress(&na)
}

// disassociateAll detaches every Elastic IP from an interface.
func (t *tx) disassociateAll(e *eniRecord) {
	for _, ad := range e.Addrs {
		if ad.AllocationId != "" {
			t.disassociate(t.address(ad.AllocationId))
		}
	}
}

// DisassociateAddress detaches an Elastic IP; it stays allocated.
func (c *Cloud) DisassociateAddress(ctx context.Context, region string, in *ec2.DisassociateAddressInput) (*ec2.Empty, error) {
	err := c.mutate(ctx, region, in.DryRun, func(t *tx) error {
		var a *eipRecord
		switch {
		case in.AssociationId != "":
			for id := range t.rs.eips {
				if x := t.address(id); x != nil && x.AssociationId == in.AssociationId {
					a = x
				}
			}
			if a == nil {
				return ec2.Errorf(ec2.CodeInvalidAssociationIDNotFound, "The association ID '%s' does not exist", in.AssociationId)
			}
		case in.PublicIp != "":
			var err error
			if a, err = t.findAddress("", in.PublicIp); err != nil {
				return err
			}
			if a.AssociationId == "" {
				return ec2.Errorf(ec2.CodeInvalidAssociationIDNotFound, "The address %s is not associated", in.PublicIp)
			}
		default:
			return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter AssociationId or PublicIp")
		}
		t.disassociate(a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// ReleaseAddress returns an Elastic IP to the pool; an associated one is refused.
func (c *Cloud) ReleaseAddress(ctx context.Context, region string, in *ec2.ReleaseAddressInput) (*ec2.Empty, error) {
	err := c.mutate(ctx, region, in.DryRun, func(t *tx) error {
		a, err := t.findAddress(in.AllocationId, in.PublicIp)
		if err != nil {
			return err
		}
		if a.AssociationId != "" {
			return ec2.Errorf(ec2.CodeInvalidIPAddressInUse, "Address %s is in use (association %s).", a.PublicIp, a.AssociationId)
		}
		t.freePublic(a.PublicIp)
		t.deleteAddress(a.AllocationId)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

var addressFilters = map[string]func(a *ec2.Address) []string{
	"allocation-id":        func(a *ec2.Address) []string { return []string{a.AllocationId} },
	"association-id":       func(a *ec2.Address) []string { return nonEmpty(a.AssociationId) },
	"domain":               func(a *ec2.Address) []string { return []string{a.Domain} },
	"instance-id":          func(a *ec2.Address) []string { return nonEmpty(a.InstanceId) },
	"network-interface-id": func(a *ec2.Address) []string { return nonEmpty(a.NetworkInterfaceId) },
	"private-ip-address":   func(a *ec2.Address) []string { return nonEmpty(a.PrivateIpAddress) },
	"public-ip":            func(a *ec2.Address) []string { return []string{a.PublicIp} },
	"network-border-group": func(a *ec2.Address) []string { return []string{a.NetworkBorderGroup} },
}

// DescribeAddresses lists the region's Elastic IPs, ordered by public IP.
func (c *Cloud) DescribeAddresses(ctx context.Context, region string, in *ec2.DescribeAddressesInput) (*ec2.DescribeAddressesOutput, error) {
	fs, err := compileGeneric(in.Filters, addressFilters, func(a *ec2.Address) []ec2.Tag { return a.Tags })
	if err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	rs, err := c.region(region)
	if err != nil {
		return nil, err
	}
	t := c.newTx(rs)
	recs, err := findEach(in.AllocationIds, func(id string) (*eipRecord, error) { return t.findAddress(id, "") })
	if err != nil {
		return nil, err
	}
	byIP, err := findEach(in.PublicIps, func(ip string) (*eipRecord, error) { return t.findAddress("", ip) })
	if err != nil {
		return nil, err
	}
	recs = append(recs, byIP...)
	if len(in.AllocationIds) == 0 && len(in.PublicIps) == 0 {
		recs = valuesOf(rs.eips)
	}
	hourly := c.cfg.Pricing.PublicIPv4Hourly
	out := &ec2.DescribeAddressesOutput{Addresses: viewsMatching(recs, func(a *eipRecord) ec2.Address { return rs.addressAPI(a, hourly) }, fs)}
	// Parse each address once, not once per comparison.
	keys := make(map[string]netip.Addr, len(out.Addresses))
	for _, a := range out.Addresses {
		keys[a.PublicIp] = mustAddr(a.PublicIp)
	}
	sort.Slice(out.Addresses, func(i, j int) bool {
		return keys[out.Addresses[i].PublicIp].Less(keys[out.Addresses[j].PublicIp])
	})
	return out, nil
}

func (rs *regionState) addressAPI(a *eipRecord, hourly string) ec2.Address {
	v := ec2.Address{PublicIp: a.PublicIp, AllocationId: a.AllocationId, AssociationId: a.AssociationId,
		NetworkInterfaceId: a.NetworkInterfaceId, PrivateIpAddress: a.PrivateIpAddress, Domain: "vpc",
		PublicIpv4Pool: "amazon", NetworkBorderGroup: rs.name, Tags: a.Tags, HourlyCharge: hourly}
	if a.NetworkInterfaceId != "" {
		v.NetworkInterfaceOwnerId = ec2.OwnerID
		if e := rs.enis[a.NetworkInterfaceId]; e != nil {
			v.InstanceId = e.InstanceId
		}
	}
	return v
}
