package core

import (
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

// The story: a t3.medium (three interfaces) takes two more, each
// with its own Elastic IP (two websites on two addresses), and refuses a
// fourth.
func TestAttachInterfacesUpToTheTypeLimit(t *testing.T) {
	e := newEnv(t, "")
	id := e.launchTyped(use1, "t3.medium", "us-east-1a", 1)[0]
	var enis, eips []string
	for i := range 3 {
		ni := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a"})
		enis = append(enis, ni.NetworkInterfaceId)
		if i < 2 {
			a := e.allocate(use1)
			e.associate(use1, &ec2.AssociateAddressInput{AllocationId: a.AllocationId, NetworkInterfaceId: ni.NetworkInterfaceId})
			eips = append(eips, a.PublicIp)
		}
	}
	e.attach(use1, enis[0], id, nil)    // next free index: 1
	e.attach(use1, enis[1], id, ptr(2)) // named
	_, err := e.c.AttachNetworkInterface(e.ctx, use1, &ec2.AttachNetworkInterfaceInput{NetworkInterfaceId: enis[2], InstanceId: id})
	wantCode(t, err, ec2.CodeAttachmentLimitExceeded, "t3.medium")
	in := e.get(use1, id)
	if len(in.NetworkInterfaces) != 3 {
		t.Fatalf("%d interfaces, want 3", len(in.NetworkInterfaces))
	}
	for dev, ni := range in.NetworkInterfaces {
		if ni.Attachment.DeviceIndex != dev || ni.Status != "in-use" {
			t.Fatalf("interface %d: %s", dev, jsonOf(t, ni))
		}
		if dev > 0 && (ni.NetworkInterfaceId != enis[dev-1] || ni.Association == nil || ni.Association.PublicIp != eips[dev-1]) {
			t.Fatalf("interface %d: %s, want %s with %s", dev, jsonOf(t, ni), enis[dev-1], eips[dev-1])
		}
	}
	// The primary public IP is still the instance's own pool address.
	if in.PublicIpAddress == "" || in.PublicIpAddress == eips[0] || in.PublicIpAddress == eips[1] {
		t.Fatalf("primary public IP %q", in.PublicIpAddress)
	}
	if got := e.eni(use1, enis[2]); got.Status != "available" {
		t.Fatalf("the refused interface is %s", got.Status)
	}
	checkAll(t, e, use1)
}

func TestAttachNetworkInterfaceRefusals(t *testing.T) {
	e := newEnv(t, "")
	ids := e.launchTyped(use1, "t2.micro", "us-east-1a", 3) // 2 interfaces, 2 addresses each
	id, full, dead := ids[0], ids[1], ids[2]
	e.terminateWait(use1, dead)
	e.attach(use1, e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a"}).NetworkInterfaceId, full, nil)
	free := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a"}).NetworkInterfaceId
	inUse := e.primaryENI(use1, full)
	otherZone := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1b"}).NetworkInterfaceId
	threeIPs := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", SecondaryPrivateIpAddressCount: 2}).NetworkInterfaceId
	cases := []struct {
		name     string
		eni, ins string
		dev      *int
		code     string
	}{
		{"device 0", free, id, ptr(0), ec2.CodeInvalidParameterValue},
		{"negative device", free, id, ptr(-1), ec2.CodeInvalidParameterValue},
		{"device beyond the type", free, id, ptr(2), ec2.CodeInvalidParameterValue},
		{"device taken", free, full, ptr(1), ec2.CodeAttachmentLimitExceeded},
		{"interface of another zone", otherZone, id, nil, ec2.CodeInvalidParameterCombination},
		{"interface in use", inUse, id, nil, ec2.CodeInvalidNetworkInterfaceInUse},
		{"more addresses than the type allows", threeIPs, id, nil, ec2.CodePrivateIpAddressLimitExceeded},
		{"terminated instance", free, dead, nil, ec2.CodeIncorrectInstanceState},
		{"unknown instance", free, "i-0123456789abcdef0", nil, ec2.CodeInvalidInstanceIDNotFound},
		{"unknown interface", "eni-0123456789abcdef0", id, nil, ec2.CodeInvalidNetworkInterfaceIDNotFound},
		{"malformed interface", "eni-", id, nil, ec2.CodeInvalidNetworkInterfaceIDMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.AttachNetworkInterface(e.ctx, use1, &ec2.AttachNetworkInterfaceInput{NetworkInterfaceId: tc.eni, InstanceId: tc.ins, DeviceIndex: tc.dev})
			wantCode(t, err, tc.code)
			if n := len(e.get(use1, id).NetworkInterfaces); n != 1 {
				t.Fatalf("a refused attach left %s with %d interfaces", id, n)
			}
			checkNetInvariants(t, e, use1)
		})
	}
	t.Run("device taken, room left", func(t *testing.T) {
		big := e.launchTyped(use1, "t3.medium", "us-east-1a", 1)[0]
		e.attach(use1, free, big, ptr(1))
		other := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a"}).NetworkInterfaceId
		_, err := e.c.AttachNetworkInterface(e.ctx, use1, &ec2.AttachNetworkInterfaceInput{NetworkInterfaceId: other, InstanceId: big, DeviceIndex: ptr(1)})
		wantCode(t, err, ec2.CodeInvalidParameterValue, "already has an interface attached at device index '1'")
	})
}

// The lowest free device index is taken when none is named, so an
// interface attached after a detach from the middle stays in range.
func TestAttachFillsTheLowestFreeDeviceIndex(t *testing.T) {
	e := newEnv(t, "")
	id := e.launchTyped(use1, "t3.medium", "us-east-1a", 1)[0]
	a := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a"}).NetworkInterfaceId
	b := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a"}).NetworkInterfaceId
	c := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a"}).NetworkInterfaceId
	att := e.attach(use1, a, id, nil)
	e.attach(use1, b, id, nil)
	e.detach(use1, att)
	e.attach(use1, c, id, nil)
	got := map[string]int{}
	for _, ni := range e.get(use1, id).NetworkInterfaces {
		got[ni.NetworkInterfaceId] = ni.Attachment.DeviceIndex
	}
	if got[b] != 2 || got[c] != 1 {
		t.Fatalf("device indexes %v, want %s at 2 and %s at 1", got, b, c)
	}
	checkAll(t, e, use1)
}

func TestDetachNetworkInterface(t *testing.T) {
	e := newEnv(t, "")
	id := e.launchTyped(use1, "t3.medium", "us-east-1a", 1)[0]
	primaryAttach := e.get(use1, id).NetworkInterfaces[0].Attachment.AttachmentId
	ni := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", SecondaryPrivateIpAddressCount: 1})
	a := e.allocate(use1)
	e.associate(use1, &ec2.AssociateAddressInput{AllocationId: a.AllocationId, NetworkInterfaceId: ni.NetworkInterfaceId, PrivateIpAddress: ni.PrivateIpAddresses[1].PrivateIpAddress})
	att := e.attach(use1, ni.NetworkInterfaceId, id, nil)
	cases := []struct {
		name   string
		attach string
		code   string
	}{
		{"device 0", primaryAttach, ec2.CodeOperationNotPermitted},
		{"unknown attachment", "eni-attach-0123456789abcdef0", ec2.CodeInvalidAttachmentIDNotFound},
		{"malformed attachment", "attach-1", ec2.CodeInvalidAttachmentIDNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.DetachNetworkInterface(e.ctx, use1, &ec2.DetachNetworkInterfaceInput{AttachmentId: tc.attach})
			wantCode(t, err, tc.code)
			if n := len(e.get(use1, id).NetworkInterfaces); n != 2 {
				t.Fatalf("a refused detach left %d interfaces", n)
			}
		})
	}
	t.Run("secondary keeps its addresses and Elastic IP", func(t *testing.T) {
		e.detach(use1, att)
		got := e.eni(use1, ni.NetworkInterfaceId)
		if got.Status != "available" || got.Attachment != nil || !sameSet(privateIPs(got), privateIPs(ni)) ||
			publicOf(got, ni.PrivateIpAddresses[1].PrivateIpAddress) != a.PublicIp {
			t.Fatalf("detached: %s", jsonOf(t, got))
		}
		if ad := e.address(use1, a.AllocationId); ad.InstanceId != "" || ad.NetworkInterfaceId != ni.NetworkInterfaceId {
			t.Fatalf("address after detach: %+v", ad)
		}
		if n := len(e.get(use1, id).NetworkInterfaces); n != 1 {
			t.Fatalf("instance still lists %d interfaces", n)
		}
		_, err := e.c.DetachNetworkInterface(e.ctx, use1, &ec2.DetachNetworkInterfaceInput{AttachmentId: att})
		wantCode(t, err, ec2.CodeInvalidAttachmentIDNotFound)
		checkAll(t, e, use1)
	})
}

func TestDeleteNetworkInterface(t *testing.T) {
	e := newEnv(t, "")
	id := e.launchTyped(use1, "t3.medium", "us-east-1a", 1)[0]
	attached := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a"}).NetworkInterfaceId
	e.attach(use1, attached, id, nil)
	cases := []struct {
		name, eni, code string
	}{
		{"attached", attached, ec2.CodeInvalidNetworkInterfaceInUse},
		{"an instance's primary", e.primaryENI(use1, id), ec2.CodeInvalidNetworkInterfaceInUse},
		{"unknown", "eni-0123456789abcdef0", ec2.CodeInvalidNetworkInterfaceIDNotFound},
		{"malformed", "eni-0123", ec2.CodeInvalidNetworkInterfaceIDMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.DeleteNetworkInterface(e.ctx, use1, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: tc.eni})
			wantCode(t, err, tc.code)
		})
	}
	t.Run("available: addresses back, Elastic IP kept", func(t *testing.T) {
		sub := e.subnetIn(use1, "us-east-1b")
		ni := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{SubnetId: sub.SubnetId, SecondaryPrivateIpAddressCount: 2})
		a := e.allocate(use1)
		e.associate(use1, &ec2.AssociateAddressInput{AllocationId: a.AllocationId, NetworkInterfaceId: ni.NetworkInterfaceId})
		if _, err := e.c.DeleteNetworkInterface(e.ctx, use1, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: ni.NetworkInterfaceId}); err != nil {
			t.Fatal(err)
		}
		if got := e.freeInSubnet(use1, sub.SubnetId); got != sub.AvailableIpAddressCount {
			t.Fatalf("subnet has %d free after delete, want %d", got, sub.AvailableIpAddressCount)
		}
		if ad := e.address(use1, a.AllocationId); ad.AssociationId != "" || !e.poolHolds(use1, a.PublicIp) {
			t.Fatalf("address after delete: %+v", ad)
		}
		_, err := e.c.DescribeNetworkInterfaces(e.ctx, use1, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{ni.NetworkInterfaceId}})
		wantCode(t, err, ec2.CodeInvalidNetworkInterfaceIDNotFound)
		// Its addresses can be had again.
		again := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{SubnetId: sub.SubnetId, PrivateIpAddress: ni.PrivateIpAddress})
		if again.PrivateIpAddress != ni.PrivateIpAddress {
			t.Fatalf("got %s", again.PrivateIpAddress)
		}
		checkAll(t, e, use1)
	})
}

func TestAssignAndUnassignPrivateIPs(t *testing.T) {
	e := newEnv(t, "")
	id := e.launchTyped(use1, "t3.medium", "us-east-1a", 1)[0] // 6 addresses per interface
	primary := e.primaryENI(use1, id)
	sub := e.subnetIn(use1, "us-east-1a")
	assign := func(in ec2.AssignPrivateIpAddressesInput) ([]string, error) {
		out, err := e.c.AssignPrivateIpAddresses(e.ctx, use1, &in)
		if err != nil {
			return nil, err
		}
		var ips []string
		for _, p := range out.AssignedPrivateIpAddresses {
			ips = append(ips, p.PrivateIpAddress)
		}
		return ips, nil
	}
	got, err := assign(ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: primary, PrivateIpAddresses: []string{"172.31.3.3"}, SecondaryPrivateIpAddressCount: 3})
	if err != nil || len(got) != 4 || got[0] != "172.31.3.3" {
		t.Fatalf("assign: %v %v", got, err)
	}
	in := e.get(use1, id)
	if ips := privateIPs(e.eni(use1, primary)); len(ips) != 5 || ips[0] != in.PrivateIpAddress || len(in.NetworkInterfaces[0].PrivateIpAddresses) != 5 {
		t.Fatalf("addresses %v; instance shows %d", ips, len(in.NetworkInterfaces[0].PrivateIpAddresses))
	}
	if free := e.freeInSubnet(use1, sub.SubnetId); free != sub.AvailableIpAddressCount-4 {
		t.Fatalf("subnet has %d free, want %d", free, sub.AvailableIpAddressCount-4)
	}
	a := e.allocate(use1)
	e.associate(use1, &ec2.AssociateAddressInput{AllocationId: a.AllocationId, NetworkInterfaceId: primary, PrivateIpAddress: "172.31.3.3"})
	checkAll(t, e, use1)

	refusals := []struct {
		name string
		in   ec2.AssignPrivateIpAddressesInput
		code string
	}{
		{"over the type's limit", ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: primary, SecondaryPrivateIpAddressCount: 2}, ec2.CodePrivateIpAddressLimitExceeded},
		{"an address in use", ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: primary, PrivateIpAddresses: []string{in.PrivateIpAddress}}, ec2.CodeInvalidIPAddressInUse},
		{"a reserved address", ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: primary, PrivateIpAddresses: []string{"172.31.0.2"}}, ec2.CodeInvalidParameterValue},
		{"nothing asked", ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: primary}, ec2.CodeMissingParameter},
		{"unknown interface", ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: "eni-0123456789abcdef0", SecondaryPrivateIpAddressCount: 1}, ec2.CodeInvalidNetworkInterfaceIDNotFound},
	}
	for _, tc := range refusals {
		t.Run("assign "+tc.name, func(t *testing.T) {
			_, err := assign(tc.in)
			wantCode(t, err, tc.code)
			if n := len(privateIPs(e.eni(use1, primary))); n != 5 {
				t.Fatalf("a refused assign left %d addresses", n)
			}
			checkAddressBooks(t, e, use1)
		})
	}
	unassigns := []struct {
		name string
		ips  []string
		code string
	}{
		{"the primary", []string{in.PrivateIpAddress}, ec2.CodeInvalidParameterValue},
		{"one not assigned", []string{"172.31.9.9"}, ec2.CodeInvalidParameterValue},
		{"a good one then a bad one", []string{got[1], "172.31.9.9"}, ec2.CodeInvalidParameterValue},
		{"none", nil, ec2.CodeMissingParameter},
	}
	for _, tc := range unassigns {
		t.Run("unassign "+tc.name, func(t *testing.T) {
			_, err := e.c.UnassignPrivateIpAddresses(e.ctx, use1, &ec2.UnassignPrivateIpAddressesInput{NetworkInterfaceId: primary, PrivateIpAddresses: tc.ips})
			wantCode(t, err, tc.code)
			if n := len(privateIPs(e.eni(use1, primary))); n != 5 {
				t.Fatalf("a refused unassign left %d addresses", n)
			}
			checkAddressBooks(t, e, use1)
		})
	}
	t.Run("unassign one with an Elastic IP", func(t *testing.T) {
		if _, err := e.c.UnassignPrivateIpAddresses(e.ctx, use1, &ec2.UnassignPrivateIpAddressesInput{NetworkInterfaceId: primary, PrivateIpAddresses: []string{"172.31.3.3", got[1]}}); err != nil {
			t.Fatal(err)
		}
		if ips := privateIPs(e.eni(use1, primary)); len(ips) != 3 || strings.Contains(strings.Join(ips, ","), "172.31.3.3") {
			t.Fatalf("addresses %v", ips)
		}
		if ad := e.address(use1, a.AllocationId); ad.AssociationId != "" || !e.poolHolds(use1, a.PublicIp) {
			t.Fatalf("address %+v: want disassociated and still allocated", ad)
		}
		if free := e.freeInSubnet(use1, sub.SubnetId); free != sub.AvailableIpAddressCount-2 {
			t.Fatalf("subnet has %d free, want %d", free, sub.AvailableIpAddressCount-2)
		}
		checkAll(t, e, use1)
	})
	t.Run("available interfaces have no type limit", func(t *testing.T) {
		ni := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a"})
		if _, err := assign(ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: ni.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 10}); err != nil {
			t.Fatal(err)
		}
		// ... but attaching one with more than the type allows is refused.
		_, err := e.c.AttachNetworkInterface(e.ctx, use1, &ec2.AttachNetworkInterfaceInput{NetworkInterfaceId: ni.NetworkInterfaceId, InstanceId: id})
		wantCode(t, err, ec2.CodePrivateIpAddressLimitExceeded)
		checkAll(t, e, use1)
	})
}
