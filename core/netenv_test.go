package core

import (
	"net/netip"
	"slices"

	"github.com/ec2x/ec2x/core/ec2"
)

// Helpers for the networking tests: thin wrappers that fail the test on an
// error, so each test reads as the user's sequence of commands.

// allocate takes an Elastic IP.
func (e *env) allocate(region string) *ec2.AllocateAddressOutput {
	e.t.Helper()
	out, err := e.c.AllocateAddress(e.ctx, region, &ec2.AllocateAddressInput{})
	if err != nil {
		e.t.Fatalf("AllocateAddress in %s: %v", region, err)
	}
	return out
}

// associate associates an address and returns the association ID.
func (e *env) associate(region string, in *ec2.AssociateAddressInput) string {
	e.t.Helper()
	out, err := e.c.AssociateAddress(e.ctx, region, in)
	if err != nil {
		e.t.Fatalf("AssociateAddress %+v: %v", *in, err)
	}
	return out.AssociationId
}

func (e *env) disassociate(region, assocID string) {
	e.t.Helper()
	if _, err := e.c.DisassociateAddress(e.ctx, region, &ec2.DisassociateAddressInput{AssociationId: assocID}); err != nil {
		e.t.Fatalf("DisassociateAddress %s: %v", assocID, err)
	}
}

func (e *env) release(region, allocID string) {
	e.t.Helper()
	if _, err := e.c.ReleaseAddress(e.ctx, region, &ec2.ReleaseAddressInput{AllocationId: allocID}); err != nil {
		e.t.Fatalf("ReleaseAddress %s: %v", allocID, err)
	}
}

// addresses lists the region's Elastic IPs matching the filters.
func (e *env) addresses(region string, fs ...ec2.Filter) []ec2.Address {
	e.t.Helper()
	out, err := e.c.DescribeAddresses(e.ctx, region, &ec2.DescribeAddressesInput{Filters: fs})
	if err != nil {
		e.t.Fatalf("DescribeAddresses %v: %v", fs, err)
	}
	return out.Addresses
}

// address describes one allocation.
func (e *env) address(region, allocID string) ec2.Address {
	e.t.Helper()
	out, err := e.c.DescribeAddresses(e.ctx, region, &ec2.DescribeAddressesInput{AllocationIds: []string{allocID}})
	if err != nil {
		e.t.Fatalf("DescribeAddresses %s: %v", allocID, err)
	}
	if len(out.Addresses) != 1 {
		e.t.Fatalf("DescribeAddresses %s: %d addresses", allocID, len(out.Addresses))
	}
	return out.Addresses[0]
}

// addressByIP is one Elastic IP by its address, or none for "".
func (e *env) addressByIP(region, ip string) ec2.Address {
	e.t.Helper()
	if ip == "" {
		return ec2.Address{}
	}
	out, err := e.c.DescribeAddresses(e.ctx, region, &ec2.DescribeAddressesInput{PublicIps: []string{ip}})
	if err != nil || len(out.Addresses) != 1 {
		e.t.Fatalf("DescribeAddresses %s: %d addresses, %v", ip, len(out.Addresses), err)
	}
	return out.Addresses[0]
}

// createENI makes an interface.
func (e *env) createENI(region string, in *ec2.CreateNetworkInterfaceInput) ec2.NetworkInterface {
	e.t.Helper()
	out, err := e.c.CreateNetworkInterface(e.ctx, region, in)
	if err != nil {
		e.t.Fatalf("CreateNetworkInterface %+v: %v", *in, err)
	}
	return out.NetworkInterface
}

// attach attaches an interface (dev nil: the next free index) and returns
// the attachment ID.
func (e *env) attach(region, eni, inst string, dev *int) string {
	e.t.Helper()
	out, err := e.c.AttachNetworkInterface(e.ctx, region, &ec2.AttachNetworkInterfaceInput{NetworkInterfaceId: eni, InstanceId: inst, DeviceIndex: dev})
	if err != nil {
		e.t.Fatalf("AttachNetworkInterface %s to %s: %v", eni, inst, err)
	}
	return out.AttachmentId
}

func (e *env) detach(region, attachID string) {
	e.t.Helper()
	if _, err := e.c.DetachNetworkInterface(e.ctx, region, &ec2.DetachNetworkInterfaceInput{AttachmentId: attachID}); err != nil {
		e.t.Fatalf("DetachNetworkInterface %s: %v", attachID, err)
	}
}

// eni describes one interface.
func (e *env) eni(region, id string) ec2.NetworkInterface {
	e.t.Helper()
	out, err := e.c.DescribeNetworkInterfaces(e.ctx, region, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{id}})
	if err != nil {
		e.t.Fatalf("DescribeNetworkInterfaces %s: %v", id, err)
	}
	return out.NetworkInterfaces[0]
}

// enis lists interfaces matching the filters, by ID.
func (e *env) enis(region string, fs ...ec2.Filter) []string {
	e.t.Helper()
	out, err := e.c.DescribeNetworkInterfaces(e.ctx, region, &ec2.DescribeNetworkInterfacesInput{Filters: fs})
	if err != nil {
		e.t.Fatalf("DescribeNetworkInterfaces %v: %v", fs, err)
	}
	ids := make([]string, len(out.NetworkInterfaces))
	for i, ni := range out.NetworkInterfaces {
		ids[i] = ni.NetworkInterfaceId
	}
	return ids
}

// launchTyped launches n instances of a type in a zone and waits until they run.
func (e *env) launchTyped(region, typ, zone string, n int) []string {
	e.t.Helper()
	in := &ec2.RunInstancesInput{MinCount: n, InstanceType: typ}
	if zone != "" {
		in.Placement = &ec2.Placement{AvailabilityZone: zone}
	}
	ids := idsOf(e.run(region, in).Instances)
	e.advance(e.bootTime())
	e.wait(region, ec2.StateRunning, ids...)
	return ids
}

// stopWait stops instances and waits until they are stopped.
func (e *env) stopWait(region string, ids ...string) {
	e.t.Helper()
	e.stop(region, false, ids...)
	e.advance(e.stopTime())
	e.wait(region, ec2.StateStopped, ids...)
}

// startWait starts instances and waits until they run.
func (e *env) startWait(region string, ids ...string) {
	e.t.Helper()
	e.start(region, ids...)
	e.advance(e.bootTime())
	e.wait(region, ec2.StateRunning, ids...)
}

// terminateWait terminates instances and waits until they are gone.
func (e *env) terminateWait(region string, ids ...string) {
	e.t.Helper()
	e.terminate(region, ids...)
	e.advance(e.stopTime())
	e.wait(region, ec2.StateTerminated, ids...)
}

// primaryENI is the ID of an instance's device-0 interface.
func (e *env) primaryENI(region, inst string) string {
	e.t.Helper()
	in := e.get(region, inst)
	if len(in.NetworkInterfaces) == 0 {
		e.t.Fatalf("%s has no interfaces", inst)
	}
	return in.NetworkInterfaces[0].NetworkInterfaceId
}

// poolHolds reports whether the region's public pool marks ip as taken.
func (e *env) poolHolds(region, ip string) bool {
	rs, unlock := e.view(region)
	defer unlock()
	return rs.net.Public().InUse(netip.MustParseAddr(ip))
}

// freeInSubnet is the subnet's AvailableIpAddressCount.
func (e *env) freeInSubnet(region, subnetID string) int {
	e.t.Helper()
	out, err := e.c.DescribeSubnets(e.ctx, region, &ec2.DescribeSubnetsInput{SubnetIds: []string{subnetID}})
	if err != nil || len(out.Subnets) != 1 {
		e.t.Fatalf("DescribeSubnets %s: %v", subnetID, err)
	}
	return out.Subnets[0].AvailableIpAddressCount
}

// console is an instance's system log.
func (e *env) console(region, id string) string {
	e.t.Helper()
	out, err := e.c.GetConsoleOutput(e.ctx, region, &ec2.GetConsoleOutputInput{InstanceId: id})
	if err != nil {
		e.t.Fatalf("GetConsoleOutput %s: %v", id, err)
	}
	return out.Output
}

// privateIPs lists an interface's private addresses, primary first.
func privateIPs(ni ec2.NetworkInterface) []string {
	out := make([]string, len(ni.PrivateIpAddresses))
	for i, p := range ni.PrivateIpAddresses {
		out[i] = p.PrivateIpAddress
	}
	return out
}

// publicOf is the public IP associated with a private address of ni ("" if none).
func publicOf(ni ec2.NetworkInterface, private string) string {
	for _, p := range ni.PrivateIpAddresses {
		if p.PrivateIpAddress == private && p.Association != nil {
			return p.Association.PublicIp
		}
	}
	return ""
}

// allocIDs lists the allocation IDs of addresses, in answer order.
func allocIDs(as []ec2.Address) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.AllocationId
	}
	return out
}

// sameSet compares two ID lists as sets.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
