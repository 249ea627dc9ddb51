package core

import (
	"fmt"

	"github.com/ec2x/ec2x/core/ec2"
)

// Kinds of IDs the network fuzzer remembers.
const (
	kInst   = "instance"
	kAlloc  = "allocation"
	kAssoc  = "association"
	kENI    = "interface"
	kAttach = "attachment"
	kGroup  = "group"
)

// netOp is one kind of random operation and how often it is drawn.
type netOp struct {
	weight int
	do     func(f *netFuzzer, region string)
	clock  bool // moves the clock, so every region may change
}

// netOps weighs association and interface work over lifecycle work: the
// lifecycle is there to move instances under the addresses.
var netOps = append([]netOp{
	{weight: 6, do: (*netFuzzer).run},
	{weight: 4, do: (*netFuzzer).start},
	{weight: 4, do: (*netFuzzer).stop},
	{weight: 2, do: (*netFuzzer).terminate},
	{weight: 1, do: (*netFuzzer).modify},
	{weight: 5, do: (*netFuzzer).allocate},
	{weight: 4, do: (*netFuzzer).release},
	{weight: 12, do: (*netFuzzer).associate},
	{weight: 5, do: (*netFuzzer).disassociate},
	{weight: 6, do: (*netFuzzer).createENI},
	{weight: 7, do: (*netFuzzer).attach},
	{weight: 4, do: (*netFuzzer).detach},
	{weight: 3, do: (*netFuzzer).deleteENI},
	{weight: 4, do: (*netFuzzer).assign},
	{weight: 4, do: (*netFuzzer).unassign},
	{weight: 1, do: (*netFuzzer).crash},
	{weight: 2, do: (*netFuzzer).groups},
	{weight: 2, do: (*netFuzzer).describe},
	{weight: 10, do: func(f *netFuzzer, _ string) { f.advance() }, clock: true},
}, netVpcOps...)

var netOpsTotal = func() int {
	n := 0
	for _, op := range netOps {
		n += op.weight
	}
	return n
}()

// step makes one random operation and returns the regions it may have
// changed: its own, or every region when the clock moved. Regions share
// nothing, so the others need no new check.
func (f *netFuzzer) step() []string {
	region := netPropRegions[f.rng.IntN(len(netPropRegions))]
	n := f.rng.IntN(netOpsTotal)
	for _, op := range netOps {
		if n -= op.weight; n < 0 {
			op.do(f, region)
			if op.clock {
				return netPropRegions
			}
			return []string{region}
		}
	}
	panic("unreachable")
}

func (f *netFuzzer) zone(region string) string {
	zs := f.e.cfg.Regions[region].Zones
	return zs[f.rng.IntN(len(zs))]
}

func (f *netFuzzer) run(region string) {
	in := &ec2.RunInstancesInput{InstanceType: netPropTypes[f.rng.IntN(len(netPropTypes))], MinCount: 1, MaxCount: 1 + f.rng.IntN(2)}
	if f.rng.IntN(2) == 0 {
		in.Placement = &ec2.Placement{AvailabilityZone: f.zone(region)}
	}
	if g := f.pick(region, kGroup); g != "" && f.rng.IntN(3) == 0 {
		in.SecurityGroupIds = []string{g}
	}
	f.logf("run %s %s x%d groups %v", region, in.InstanceType, in.MaxCount, in.SecurityGroupIds)
	out, err := f.e.c.RunInstances(f.e.ctx, region, in)
	if !f.expect("run", err, ec2.CodeInsufficientInstanceCapacity, ec2.CodeInsufficientFreeAddressesInSubnet, ec2.CodeInvalidGroupNotFound) {
		f.forget(region, kGroup, firstOr(in.SecurityGroupIds), err, ec2.CodeInvalidGroupNotFound)
		return
	}
	for _, in := range out.Instances {
		ni := in.NetworkInterfaces[0]
		f.remember(region, kInst, in.InstanceId)
		f.remember(region, kENI, ni.NetworkInterfaceId)
		f.remember(region, kAttach, ni.Attachment.AttachmentId)
	}
	f.logf("  -> %v", idsOf(out.Instances))
}

// instances picks one or two known instances.
func (f *netFuzzer) instances(region string) []string {
	id := f.pick(region, kInst)
	if id == "" {
		return nil
	}
	if other := f.pick(region, kInst); f.rng.IntN(4) == 0 && other != id {
		return []string{id, other}
	}
	return []string{id}
}

// forgetInstances forgets an instance a one-instance request found gone
// (the message of a many-instance one does not say which).
func (f *netFuzzer) forgetInstances(region string, ids []string, err error) {
	if len(ids) == 1 {
		f.forget(region, kInst, ids[0], err, ec2.CodeInvalidInstanceIDNotFound)
	}
}

func (f *netFuzzer) start(region string) {
	if ids := f.instances(region); ids != nil {
		f.logf("start %s %v", region, ids)
		_, err := f.e.c.StartInstances(f.e.ctx, region, &ec2.StartInstancesInput{InstanceIds: ids})
		f.expect("start", err, ec2.CodeIncorrectInstanceState, ec2.CodeInvalidInstanceIDNotFound, ec2.CodeInsufficientInstanceCapacity)
		f.forgetInstances(region, ids, err)
	}
}

func (f *netFuzzer) stop(region string) {
	ids := f.instances(region)
	if ids == nil {
		return
	}
	powerOff := f.rng.IntN(5) == 0
	f.logf("stop %s %v skip-os-shutdown=%v", region, ids, powerOff)
	_, err := f.e.c.StopInstances(f.e.ctx, region, &ec2.StopInstancesInput{InstanceIds: ids, SkipOsShutdown: powerOff})
	f.forgetInstances(region, ids, err)
	if f.expect("stop", err, ec2.CodeIncorrectInstanceState, ec2.CodeInvalidInstanceIDNotFound) && powerOff {
		// A stop without the OS shutdown settles at once, through the
		// event loop: wait for it so that the next operation meets the
		// same state every run.
		f.e.wait(region, ec2.StateStopped, ids...)
	}
}

func (f *netFuzzer) terminate(region string) {
	if ids := f.instances(region); ids != nil {
		f.logf("terminate %s %v", region, ids)
		_, err := f.e.c.TerminateInstances(f.e.ctx, region, &ec2.TerminateInstancesInput{InstanceIds: ids})
		f.expect("terminate", err, ec2.CodeInvalidInstanceIDNotFound)
		f.forgetInstances(region, ids, err)
	}
}

// crash makes a running guest die under the instance, as a failed host or
// driver does: the instance ends terminated with everything given back.
func (f *netFuzzer) crash(region string) {
	id := f.pick(region, kInst)
	if id == "" {
		return
	}
	out, err := f.e.c.DescribeInstances(f.e.ctx, region, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil || out.Instances[0].State.Name != ec2.StateRunning {
		return
	}
	f.logf("crash %s %s", region, id)
	f.e.driverFailed(id, "host", fmt.Errorf("host lost"))
	f.e.wait(region, ec2.StateTerminated, id)
	f.tally["crash ok"]++
}

func (f *netFuzzer) modify(region string) {
	if id := f.pick(region, kInst); id != "" {
		typ := netPropTypes[f.rng.IntN(len(netPropTypes))]
		f.logf("modify %s %s -> %s", region, id, typ)
		_, err := f.e.c.ModifyInstanceAttribute(f.e.ctx, region, &ec2.ModifyInstanceAttributeInput{InstanceId: id, InstanceType: &ec2.AttributeValue{Value: typ}})
		f.expect("modify", err, ec2.CodeIncorrectInstanceState, ec2.CodeInvalidInstanceAttributeValue, ec2.CodeInvalidInstanceIDNotFound)
		f.forget(region, kInst, id, err, ec2.CodeInvalidInstanceIDNotFound)
	}
}

func (f *netFuzzer) allocate(region string) {
	f.logf("allocate %s", region)
	out, err := f.e.c.AllocateAddress(f.e.ctx, region, &ec2.AllocateAddressInput{})
	if f.expect("allocate", err, ec2.CodeAddressLimitExceeded) {
		f.remember(region, kAlloc, out.AllocationId)
		f.ipOf[out.AllocationId] = out.PublicIp
		f.logf("  -> %s %s", out.AllocationId, out.PublicIp)
	}
}

func (f *netFuzzer) release(region string) {
	id := f.pick(region, kAlloc)
	if id == "" {
		return
	}
	in := &ec2.ReleaseAddressInput{AllocationId: id}
	if f.rng.IntN(4) == 0 {
		in = &ec2.ReleaseAddressInput{PublicIp: f.ipOf[id]}
	}
	f.logf("release %s %+v", region, *in)
	_, err := f.e.c.ReleaseAddress(f.e.ctx, region, in)
	if f.expect("release", err, ec2.CodeInvalidIPAddressInUse, ec2.CodeInvalidAllocationIDNotFound, ec2.CodeInvalidAddressNotFound) && f.e.poolHolds(region, f.ipOf[id]) {
		f.t.Fatalf("released %s, but the pool still holds %s", id, f.ipOf[id])
	}
	f.forget(region, kAlloc, id, err, ec2.CodeInvalidAllocationIDNotFound)
	f.forget(region, kAlloc, id, err, ec2.CodeInvalidAddressNotFound)
}

// associate moves a known allocation to an instance (its primary address,
// or one it names) or to an interface address, with or without
// AllowReassociation, and checks that DescribeAddresses agrees.
func (f *netFuzzer) associate(region string) {
	alloc := f.pick(region, kAlloc)
	if alloc == "" {
		return
	}
	in := &ec2.AssociateAddressInput{AllocationId: alloc, AllowReassociation: f.rng.IntN(2) == 0}
	if f.rng.IntN(5) == 0 {
		in.AllocationId, in.PublicIp = "", f.ipOf[alloc]
	}
	if f.rng.IntN(2) == 0 {
		if in.InstanceId = f.pick(region, kInst); in.InstanceId == "" {
			return
		}
	} else {
		if in.NetworkInterfaceId = f.pick(region, kENI); in.NetworkInterfaceId == "" {
			return
		}
		if ips := f.addressesOf(region, in.NetworkInterfaceId); len(ips) > 0 && f.rng.IntN(2) == 0 {
			in.PrivateIpAddress = ips[f.rng.IntN(len(ips))]
		}
	}
	f.logf("associate %s %+v", region, *in)
	out, err := f.e.c.AssociateAddress(f.e.ctx, region, in)
	if !f.expect("associate", err, ec2.CodeResourceAlreadyAssociated, ec2.CodeInvalidAllocationIDNotFound, ec2.CodeInvalidAddressNotFound,
		ec2.CodeIncorrectInstanceState, ec2.CodeInvalidInstanceID, ec2.CodeInvalidInstanceIDNotFound, ec2.CodeInvalidNetworkInterfaceIDNotFound,
		ec2.CodeGatewayNotAttached) { // an interface in a VPC of the fuzzer's, which has no internet gateway
		f.forget(region, kAlloc, alloc, err, ec2.CodeInvalidAllocationIDNotFound)
		f.forget(region, kAlloc, alloc, err, ec2.CodeInvalidAddressNotFound)
		f.forget(region, kInst, in.InstanceId, err, ec2.CodeInvalidInstanceIDNotFound)
		f.forget(region, kENI, in.NetworkInterfaceId, err, ec2.CodeInvalidNetworkInterfaceIDNotFound)
		return
	}
	f.remember(region, kAssoc, out.AssociationId)
	// By PublicIp, the address may be another allocation's: the fuzzer
	// keeps released IDs on purpose, and the pool gives their IPs again.
	got := f.e.addressByIP(region, in.PublicIp)
	if in.PublicIp == "" {
		got = f.e.address(region, alloc)
	}
	if got.AssociationId != out.AssociationId || (in.InstanceId != "" && got.InstanceId != in.InstanceId) ||
		(in.NetworkInterfaceId != "" && got.NetworkInterfaceId != in.NetworkInterfaceId) ||
		(in.PrivateIpAddress != "" && got.PrivateIpAddress != in.PrivateIpAddress) {
		f.t.Fatalf("associated %+v as %s, but DescribeAddresses shows %+v", *in, out.AssociationId, got)
	}
	if in.InstanceId != "" && f.e.get(region, in.InstanceId).PublicIpAddress != got.PublicIp {
		f.t.Fatalf("associated %s with %s, which shows public IP %q", got.PublicIp, in.InstanceId, f.e.get(region, in.InstanceId).PublicIpAddress)
	}
}

func (f *netFuzzer) disassociate(region string) {
	in := &ec2.DisassociateAddressInput{AssociationId: f.pick(region, kAssoc)}
	if alloc := f.pick(region, kAlloc); alloc != "" && (in.AssociationId == "" || f.rng.IntN(4) == 0) {
		in = &ec2.DisassociateAddressInput{PublicIp: f.ipOf[alloc]}
	}
	if in.AssociationId == "" && in.PublicIp == "" {
		return
	}
	f.logf("disassociate %s %+v", region, *in)
	_, err := f.e.c.DisassociateAddress(f.e.ctx, region, in)
	f.expect("disassociate", err, ec2.CodeInvalidAssociationIDNotFound, ec2.CodeInvalidAddressNotFound)
	f.forget(region, kAssoc, in.AssociationId, err, ec2.CodeInvalidAssociationIDNotFound)
}

func (f *netFuzzer) createENI(region string) {
	zone := f.zone(region)
	in := &ec2.CreateNetworkInterfaceInput{AvailabilityZone: zone, SecondaryPrivateIpAddressCount: f.rng.IntN(3)}
	codes := []string{ec2.CodeInsufficientFreeAddressesInSubnet, ec2.CodeInvalidGroupNotFound}
	if f.rng.IntN(4) == 0 {
		// A random address of the subnet: free, taken or reserved.
		in.AvailabilityZone = ""
		in.SubnetId, in.PrivateIpAddress = f.randomPrivate(region, zone)
		codes = append(codes, ec2.CodeInvalidIPAddressInUse, ec2.CodeInvalidParameterValue)
	}
	if g := f.pick(region, kGroup); g != "" && f.rng.IntN(3) == 0 {
		in.Groups = []string{g}
	}
	f.logf("create-eni %s %+v", region, *in)
	out, err := f.e.c.CreateNetworkInterface(f.e.ctx, region, in)
	f.forget(region, kGroup, firstOr(in.Groups), err, ec2.CodeInvalidGroupNotFound)
	if f.expect("create-eni", err, codes...) {
		f.remember(region, kENI, out.NetworkInterface.NetworkInterfaceId)
		f.logf("  -> %s %v", out.NetworkInterface.NetworkInterfaceId, privateIPs(out.NetworkInterface))
	}
}

// pickLive picks an interface that matches filters now (most known ones
// are attached or gone, and attach and detach would mostly be refused).
func (f *netFuzzer) pickLive(region string, fs ...ec2.Filter) *ec2.NetworkInterface {
	out, err := f.e.c.DescribeNetworkInterfaces(f.e.ctx, region, &ec2.DescribeNetworkInterfacesInput{Filters: fs})
	if err != nil {
		f.t.Fatal(err)
	}
	if len(out.NetworkInterfaces) == 0 {
		return nil
	}
	return &out.NetworkInterfaces[f.rng.IntN(len(out.NetworkInterfaces))]
}

func (f *netFuzzer) attach(region string) {
	eni, inst := f.pick(region, kENI), f.pick(region, kInst)
	if ni := f.pickLive(region, newFilter("status", "available")); ni != nil && f.rng.IntN(3) != 0 {
		eni = ni.NetworkInterfaceId
	}
	if eni == "" || inst == "" {
		return
	}
	in := &ec2.AttachNetworkInterfaceInput{NetworkInterfaceId: eni, InstanceId: inst}
	if f.rng.IntN(3) == 0 {
		in.DeviceIndex = ptr(f.rng.IntN(4))
	}
	f.logf("attach %s %s -> %s dev %v", region, eni, inst, in.DeviceIndex)
	out, err := f.e.c.AttachNetworkInterface(f.e.ctx, region, in)
	if !f.expect("attach", err, ec2.CodeInvalidNetworkInterfaceIDNotFound, ec2.CodeInvalidInstanceIDNotFound, ec2.CodeIncorrectInstanceState,
		ec2.CodeInvalidNetworkInterfaceInUse, ec2.CodeInvalidParameterCombination, ec2.CodeAttachmentLimitExceeded, ec2.CodePrivateIpAddressLimitExceeded,
		ec2.CodeInvalidParameterValue) {
		f.forget(region, kENI, eni, err, ec2.CodeInvalidNetworkInterfaceIDNotFound)
		f.forget(region, kInst, inst, err, ec2.CodeInvalidInstanceIDNotFound)
		return
	}
	f.remember(region, kAttach, out.AttachmentId)
	if ni := f.e.eni(region, eni); ni.Attachment == nil || ni.Attachment.InstanceId != inst || ni.Attachment.AttachmentId != out.AttachmentId {
		f.t.Fatalf("attached %s to %s as %s, but it shows %+v", eni, inst, out.AttachmentId, ni.Attachment)
	}
}

func (f *netFuzzer) detach(region string) {
	att := f.pick(region, kAttach)
	if ni := f.pickLive(region, newFilter("attachment.device-index", "1", "2")); ni != nil && f.rng.IntN(3) != 0 {
		att = ni.Attachment.AttachmentId
	}
	if att != "" {
		f.logf("detach %s %s", region, att)
		_, err := f.e.c.DetachNetworkInterface(f.e.ctx, region, &ec2.DetachNetworkInterfaceInput{AttachmentId: att, Force: f.rng.IntN(2) == 0})
		f.expect("detach", err, ec2.CodeInvalidAttachmentIDNotFound, ec2.CodeOperationNotPermitted)
		f.forget(region, kAttach, att, err, ec2.CodeInvalidAttachmentIDNotFound)
	}
}

func (f *netFuzzer) deleteENI(region string) {
	if eni := f.pick(region, kENI); eni != "" {
		f.logf("delete-eni %s %s", region, eni)
		_, err := f.e.c.DeleteNetworkInterface(f.e.ctx, region, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: eni})
		f.expect("delete-eni", err, ec2.CodeInvalidNetworkInterfaceInUse, ec2.CodeInvalidNetworkInterfaceIDNotFound)
		f.forget(region, kENI, eni, err, ec2.CodeInvalidNetworkInterfaceIDNotFound)
	}
}

func (f *netFuzzer) assign(region string) {
	eni := f.pick(region, kENI)
	if eni == "" {
		return
	}
	in := &ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: eni, SecondaryPrivateIpAddressCount: 1 + f.rng.IntN(2)}
	f.logf("assign %s %s +%d", region, eni, in.SecondaryPrivateIpAddressCount)
	_, err := f.e.c.AssignPrivateIpAddresses(f.e.ctx, region, in)
	f.expect("assign", err, ec2.CodePrivateIpAddressLimitExceeded, ec2.CodeInsufficientFreeAddressesInSubnet, ec2.CodeInvalidNetworkInterfaceIDNotFound)
	f.forget(region, kENI, eni, err, ec2.CodeInvalidNetworkInterfaceIDNotFound)
}

// unassign removes a random address, the primary now and then (refused).
func (f *netFuzzer) unassign(region string) {
	eni := f.pick(region, kENI)
	ips := f.addressesOf(region, eni)
	if len(ips) == 0 {
		return
	}
	ip := ips[f.rng.IntN(len(ips))]
	f.logf("unassign %s %s %s", region, eni, ip)
	_, err := f.e.c.UnassignPrivateIpAddresses(f.e.ctx, region, &ec2.UnassignPrivateIpAddressesInput{NetworkInterfaceId: eni, PrivateIpAddresses: []string{ip}})
	if f.expect("unassign", err, ec2.CodeInvalidParameterValue) && ip == ips[0] {
		f.t.Fatalf("unassigned %s, the primary address of %s", ip, eni)
	}
}

// groups creates a group (names repeat: duplicates) or deletes one (in use:
// refused).
func (f *netFuzzer) groups(region string) {
	if g := f.pick(region, kGroup); g != "" && f.rng.IntN(2) == 0 {
		f.logf("delete-group %s %s", region, g)
		_, err := f.e.c.DeleteSecurityGroup(f.e.ctx, region, &ec2.DeleteSecurityGroupInput{GroupId: g})
		f.expect("delete-group", err, ec2.CodeDependencyViolation, ec2.CodeInvalidGroupNotFound)
		f.forget(region, kGroup, g, err, ec2.CodeInvalidGroupNotFound)
		return
	}
	name := fmt.Sprintf("g%d", f.rng.IntN(4))
	f.logf("create-group %s %s", region, name)
	out, err := f.e.c.CreateSecurityGroup(f.e.ctx, region, &ec2.CreateSecurityGroupInput{GroupName: name, Description: name})
	if f.expect("create-group", err, ec2.CodeInvalidGroupDuplicate) {
		f.remember(region, kGroup, out.GroupId)
	}
}

// describe checks that filters return only what they name.
func (f *netFuzzer) describe(region string) {
	if inst := f.pick(region, kInst); inst != "" {
		for _, a := range f.e.addresses(region, newFilter("instance-id", inst)) {
			if a.InstanceId != inst {
				f.t.Fatalf("instance-id=%s returned %+v", inst, a)
			}
		}
	}
	out, err := f.e.c.DescribeNetworkInterfaces(f.e.ctx, region, &ec2.DescribeNetworkInterfacesInput{Filters: []ec2.Filter{newFilter("status", "available")}})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, ni := range out.NetworkInterfaces {
		if ni.Status != "available" || ni.Attachment != nil {
			f.t.Fatalf("status=available returned %s", jsonOf(f.t, ni))
		}
	}
}
