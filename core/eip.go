package core

import (
	"context"
	"net/netip"
	"sort"
)

// Address is an Elastic IP as DescribeAddresses shows it. HourlyCharge is
// ec2x's addition: what the address costs, associated or idle.
type Address struct {
	PublicIp                string `json:"PublicIp"`
	AllocationId            string `json:"AllocationId"`
	AssociationId           string `json:"AssociationId,omitempty"`
	InstanceId              string `json:"InstanceId,omitempty"`
	NetworkInterfaceId      string `json:"NetworkInterfaceId,omitempty"`
	NetworkInterfaceOwnerId string `json:"NetworkInterfaceOwnerId,omitempty"`
	PrivateIpAddress        string `json:"PrivateIpAddress,omitempty"`
	Domain                  string `json:"Domain"`
	PublicIpv4Pool          string `json:"PublicIpv4Pool"`
	NetworkBorderGroup      string `json:"NetworkBorderGroup"`
	Tags                    []Tag  `json:"Tags,omitempty"`
	HourlyCharge            string `json:"HourlyCharge"`
}

// AllocateAddressInput is EC2's AllocateAddress request.
type AllocateAddressInput struct {
	Domain            string             `json:"Domain,omitempty"`
	TagSpecifications []TagSpecification `json:"TagSpecifications,omitempty"`
	DryRun            bool               `json:"DryRun,omitempty"`
}

// AllocateAddressOutput answers AllocateAddress.
type AllocateAddressOutput struct {
	PublicIp           string `json:"PublicIp"`
	AllocationId       string `json:"AllocationId"`
	Domain             string `json:"Domain"`
	PublicIpv4Pool     string `json:"PublicIpv4Pool"`
	NetworkBorderGroup string `json:"NetworkBorderGroup"`
}

// AllocateAddress takes an Elastic IP from the region's pool.
func (c *Cloud) AllocateAddress(ctx context.Context, region string, in *AllocateAddressInput) (*AllocateAddressOutput, error) {
	if in.Domain != "" && in.Domain != "vpc" {
		return nil, Errorf(CodeInvalidParameterValue, "Invalid value '%s' for domain: only vpc", in.Domain)
	}
	var tags []Tag
	for _, ts := range in.TagSpecifications {
		if ts.ResourceType != "elastic-ip" {
			return nil, Errorf(CodeInvalidParameterValue, "'%s' is not a valid taggable resource type for this operation.", ts.ResourceType)
		}
		tags = append(tags, ts.Tags...)
	}
	tags, err := mergeTags(nil, tags)
	if err != nil {
		return nil, err
	}
	var out *AllocateAddressOutput
	err = c.mutate(ctx, region, in.DryRun, func(t *tx) error {
		if n := len(t.rs.eips) + t.newAllocations(); n >= c.cfg.Limits.ElasticIPsPerRegion {
			return Errorf(CodeAddressLimitExceeded, "The maximum number of addresses has been reached (%d in %s).", c.cfg.Limits.ElasticIPsPerRegion, t.rs.name)
		}
		pub, err := t.claimPublic()
		if err != nil {
			return err
		}
		a := &eipRecord{AllocationId: c.newID("eipalloc"), PublicIp: pub.String(), AllocationTime: c.clk.Now().UTC(), Tags: tags}
		t.putAddress(a)
		out = &AllocateAddressOutput{PublicIp: a.PublicIp, AllocationId: a.AllocationId, Domain: "vpc", PublicIpv4Pool: "amazon", NetworkBorderGroup: t.rs.name}
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
			return nil, Errorf(CodeInvalidAllocationIDMalformed, "Invalid id: \"%s\" (expecting \"eipalloc-...\")", allocID)
		}
		if a := t.address(allocID); a != nil {
			return a, nil
		}
		return nil, Errorf(CodeInvalidAllocationIDNotFound, "The allocation ID '%s' does not exist", allocID)
	case publicIP != "":
		for id := range t.rs.eips {
			if a := t.address(id); a != nil && a.PublicIp == publicIP {
				return a, nil
			}
		}
		return nil, Errorf(CodeInvalidAddressNotFound, "Address %s not found.", publicIP)
	}
	return nil, Errorf(CodeMissingParameter, "The request must contain the parameter AllocationId or PublicIp")
}

// AssociateAddressInput is EC2's AssociateAddress request.
type AssociateAddressInput struct {
	AllocationId       string `json:"AllocationId,omitempty"`
	PublicIp           string `json:"PublicIp,omitempty"`
	InstanceId         string `json:"InstanceId,omitempty"`
	NetworkInterfaceId string `json:"NetworkInterfaceId,omitempty"`
	PrivateIpAddress   string `json:"PrivateIpAddress,omitempty"`
	AllowReassociation bool   `json:"AllowReassociation,omitempty"`
	DryRun             bool   `json:"DryRun,omitempty"`
}

// AssociateAddressOutput answers AssociateAddress.
type AssociateAddressOutput struct {
	AssociationId string `json:"AssociationId"`
}

// AssociateAddress points an Elastic IP at an instance (its primary
// interface's primary address) or at an interface's private address. What
// that address had is displaced: a pool address goes back to the pool,
// another Elastic IP is disassociated but stays allocated.
func (c *Cloud) AssociateAddress(ctx context.Context, region string, in *AssociateAddressInput) (*AssociateAddressOutput, error) {
	var out *AssociateAddressOutput
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
				return Errorf(CodeInvalidParameterValue, "The private IP address %s is not assigned to the network interface %s.", in.PrivateIpAddress, e.NetworkInterfaceId)
			}
		}
		if a.AssociationId != "" {
			if a.NetworkInterfaceId == e.NetworkInterfaceId && a.PrivateIpAddress == e.Addrs[idx].Private {
				out = &AssociateAddressOutput{AssociationId: a.AssociationId}
				return nil
			}
			if !in.AllowReassociation {
				return Errorf(CodeResourceAlreadyAssociated, "resource %s is already associated with associate-id %s", a.AllocationId, a.AssociationId)
			}
			t.disassociate(a)
			a = t.address(a.AllocationId)
			e = t.iface(e.NetworkInterfaceId)
		}
		assoc := t.associate(a, e, idx)
		out = &AssociateAddressOutput{AssociationId: assoc}
		return nil
	})
	return out, err
}

// associationTarget is the interface an association goes to.
func (t *tx) associationTarget(instanceID, eniID string) (*eniRecord, error) {
	switch {
	case instanceID != "" && eniID != "":
		return nil, Errorf(CodeInvalidParameterCombination, "Give an instance or a network interface, not both")
	case eniID != "":
		return t.lookupENI(eniID)
	case instanceID != "":
		recs, err := t.c.lookupLocked(t.rs, []string{instanceID})
		if err != nil {
			return nil, err
		}
		r := t.instance(recs[0].InstanceId)
		if r.State.Name == StateTerminated || r.State.Name == StateShuttingDown || len(r.Enis) == 0 {
			return nil, Errorf(CodeIncorrectInstanceState, "The instance '%s' is not in a valid state for this operation.", r.InstanceId)
		}
		if len(r.Enis) > 1 {
			return nil, Errorf(CodeInvalidInstanceID, "There are multiple interfaces attached to instance '%s'. Please specify an interface ID for the operation instead.", r.InstanceId)
		}
		return t.iface(r.Enis[0]), nil
	}
	return nil, Errorf(CodeMissingParameter, "The request must contain the parameter InstanceId or NetworkInterfaceId")
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
				(r.State.Name == StateRunning || r.State.Name == StatePending) {
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

// DisassociateAddressInput names an association by ID or public IP.
type DisassociateAddressInput struct {
	AssociationId string `json:"AssociationId,omitempty"`
	PublicIp      string `json:"PublicIp,omitempty"`
	DryRun        bool   `json:"DryRun,omitempty"`
}

// DisassociateAddress detaches an Elastic IP; it stays allocated.
func (c *Cloud) DisassociateAddress(ctx context.Context, region string, in *DisassociateAddressInput) (*Empty, error) {
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
				return Errorf(CodeInvalidAssociationIDNotFound, "The association ID '%s' does not exist", in.AssociationId)
			}
		case in.PublicIp != "":
			var err error
			if a, err = t.findAddress("", in.PublicIp); err != nil {
				return err
			}
			if a.AssociationId == "" {
				return Errorf(CodeInvalidAssociationIDNotFound, "The address %s is not associated", in.PublicIp)
			}
		default:
			return Errorf(CodeMissingParameter, "The request must contain the parameter AssociationId or PublicIp")
		}
		t.disassociate(a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Empty{Return: true}, nil
}

// ReleaseAddressInput names an allocation by ID or public IP.
type ReleaseAddressInput struct {
	AllocationId string `json:"AllocationId,omitempty"`
	PublicIp     string `json:"PublicIp,omitempty"`
	DryRun       bool   `json:"DryRun,omitempty"`
}

// ReleaseAddress returns an Elastic IP to the pool; an associated one is refused.
func (c *Cloud) ReleaseAddress(ctx context.Context, region string, in *ReleaseAddressInput) (*Empty, error) {
	err := c.mutate(ctx, region, in.DryRun, func(t *tx) error {
		a, err := t.findAddress(in.AllocationId, in.PublicIp)
		if err != nil {
			return err
		}
		if a.AssociationId != "" {
			return Errorf(CodeInvalidIPAddressInUse, "Address %s is in use (association %s).", a.PublicIp, a.AssociationId)
		}
		t.freePublic(a.PublicIp)
		t.deleteAddress(a.AllocationId)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Empty{Return: true}, nil
}

// DescribeAddressesInput is EC2's DescribeAddresses request.
type DescribeAddressesInput struct {
	AllocationIds []string `json:"AllocationIds,omitempty"`
	PublicIps     []string `json:"PublicIps,omitempty"`
	Filters       []Filter `json:"Filters,omitempty"`
}

// DescribeAddressesOutput lists Elastic IPs.
type DescribeAddressesOutput struct {
	Addresses []Address `json:"Addresses"`
}

var addressFilters = map[string]func(a *Address) []string{
	"allocation-id":        func(a *Address) []string { return []string{a.AllocationId} },
	"association-id":       func(a *Address) []string { return nonEmpty(a.AssociationId) },
	"domain":               func(a *Address) []string { return []string{a.Domain} },
	"instance-id":          func(a *Address) []string { return nonEmpty(a.InstanceId) },
	"network-interface-id": func(a *Address) []string { return nonEmpty(a.NetworkInterfaceId) },
	"private-ip-address":   func(a *Address) []string { return nonEmpty(a.PrivateIpAddress) },
	"public-ip":            func(a *Address) []string { return []string{a.PublicIp} },
	"network-border-group": func(a *Address) []string { return []string{a.NetworkBorderGroup} },
}

// DescribeAddresses lists the region's Elastic IPs, ordered by public IP.
func (c *Cloud) DescribeAddresses(ctx context.Context, region string, in *DescribeAddressesInput) (*DescribeAddressesOutput, error) {
	fs, err := compileGeneric(in.Filters, addressFilters, func(a *Address) []Tag { return a.Tags })
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
	out := &DescribeAddressesOutput{Addresses: viewsMatching(recs, func(a *eipRecord) Address { return rs.addressAPI(a, hourly) }, fs)}
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

func (rs *regionState) addressAPI(a *eipRecord, hourly string) Address {
	v := Address{PublicIp: a.PublicIp, AllocationId: a.AllocationId, AssociationId: a.AssociationId,
		NetworkInterfaceId: a.NetworkInterfaceId, PrivateIpAddress: a.PrivateIpAddress, Domain: "vpc",
		PublicIpv4Pool: "amazon", NetworkBorderGroup: rs.name, Tags: a.Tags, HourlyCharge: hourly}
	if a.NetworkInterfaceId != "" {
		v.NetworkInterfaceOwnerId = OwnerID
		if e := rs.enis[a.NetworkInterfaceId]; e != nil {
			v.InstanceId = e.InstanceId
		}
	}
	return v
}
