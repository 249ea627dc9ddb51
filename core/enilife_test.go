package core

import (
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

// ifaceView is what a user compares across a stop and start: which
// interfaces, at which device index, with which addresses.
func ifaceView(t *testing.T, in *ec2.Instance) string {
	t.Helper()
	var b strings.Builder
	for _, ni := range in.NetworkInterfaces {
		b.WriteString(ni.NetworkInterfaceId + "@" + jsonOf(t, ni.Attachment.DeviceIndex) + ":")
		for _, p := range ni.PrivateIpAddresses {
			b.WriteString(" " + p.PrivateIpAddress)
			if p.Association != nil && p.Association.AllocationId != "" {
				b.WriteString("=" + p.Association.PublicIp)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestInterfacesSurviveStopStartAndRestart(t *testing.T) {
	e := newEnv(t, "")
	id := e.launchTyped(use1, "t3.medium", "us-east-1a", 1)[0]
	primary := e.primaryENI(use1, id)
	if _, err := e.c.AssignPrivateIpAddresses(e.ctx, use1, &ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: primary, SecondaryPrivateIpAddressCount: 2}); err != nil {
		t.Fatal(err)
	}
	ni := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", SecondaryPrivateIpAddressCount: 1})
	e.attach(use1, ni.NetworkInterfaceId, id, ptr(2))
	a := e.allocate(use1)
	e.associate(use1, &ec2.AssociateAddressInput{AllocationId: a.AllocationId, NetworkInterfaceId: ni.NetworkInterfaceId, PrivateIpAddress: ni.PrivateIpAddresses[1].PrivateIpAddress})
	want := ifaceView(t, e.get(use1, id))
	steps := []struct {
		name string
		do   func()
	}{
		{"stopped", func() { e.stopWait(use1, id) }},
		{"started", func() { e.startWait(use1, id) }},
		{"restarted daemon", func() { e.reopen() }},
		{"stopped after restart", func() { e.stopWait(use1, id) }},
		{"started after restart", func() { e.startWait(use1, id) }},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.do()
			if got := ifaceView(t, e.get(use1, id)); got != want {
				t.Fatalf("interfaces\n got %s\nwant %s", got, want)
			}
			checkAll(t, e, use1)
		})
	}
}

func TestTerminateDeletesPrimaryAndDetachesOthers(t *testing.T) {
	e := newEnv(t, "")
	id := e.launchTyped(use1, "t3.medium", "us-east-1a", 1)[0]
	sub := e.subnetIn(use1, "us-east-1a")
	primary := e.primaryENI(use1, id)
	onPrimary := e.allocate(use1)
	e.associate(use1, &ec2.AssociateAddressInput{AllocationId: onPrimary.AllocationId, InstanceId: id})
	ni := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", SecondaryPrivateIpAddressCount: 1})
	e.attach(use1, ni.NetworkInterfaceId, id, nil)
	onSecond := e.allocate(use1)
	e.associate(use1, &ec2.AssociateAddressInput{AllocationId: onSecond.AllocationId, NetworkInterfaceId: ni.NetworkInterfaceId})
	e.terminateWait(use1, id)

	t.Run("device 0 is deleted and its address freed", func(t *testing.T) {
		_, err := e.c.DescribeNetworkInterfaces(e.ctx, use1, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{primary}})
		wantCode(t, err, ec2.CodeInvalidNetworkInterfaceIDNotFound)
		// Counted with the instance's address taken: it is back, and the
		// surviving interface's two are still taken.
		if free := e.freeInSubnet(use1, sub.SubnetId); free != sub.AvailableIpAddressCount+1-2 {
			t.Fatalf("subnet has %d free, want %d", free, sub.AvailableIpAddressCount+1-2)
		}
		if ad := e.address(use1, onPrimary.AllocationId); ad.AssociationId != "" {
			t.Fatalf("the primary's Elastic IP is still associated: %+v", ad)
		}
	})
	t.Run("others are detached with their addresses", func(t *testing.T) {
		got := e.eni(use1, ni.NetworkInterfaceId)
		if got.Status != "available" || got.Attachment != nil || !sameSet(privateIPs(got), privateIPs(ni)) {
			t.Fatalf("after terminate: %s", jsonOf(t, got))
		}
		if got.Association == nil || got.Association.PublicIp != onSecond.PublicIp {
			t.Fatalf("the surviving interface lost its Elastic IP: %s", jsonOf(t, got))
		}
		if in := e.get(use1, id); len(in.NetworkInterfaces) != 0 || in.PrivateIpAddress != "" {
			t.Fatalf("terminated instance shows %d interfaces, private IP %q", len(in.NetworkInterfaces), in.PrivateIpAddress)
		}
	})
	t.Run("the survivor moves to a replacement", func(t *testing.T) {
		repl := e.launchTyped(use1, "t3.medium", "us-east-1a", 1)[0]
		e.attach(use1, ni.NetworkInterfaceId, repl, nil)
		in := e.get(use1, repl)
		if len(in.NetworkInterfaces) != 2 || in.NetworkInterfaces[1].Association == nil || in.NetworkInterfaces[1].Association.PublicIp != onSecond.PublicIp {
			t.Fatalf("replacement: %s", jsonOf(t, in.NetworkInterfaces))
		}
	})
	checkAll(t, e, use1)
}

// The guest's boot log lists every interface the instance has at that
// boot: attached while running (hot-plugged, seen from the next boot) or
// while stopped (seen when it starts).
func TestConsoleShowsAttachedInterfaces(t *testing.T) {
	lastBoot := func(log string) string {
		i := strings.LastIndex(log, "Net device info")
		if i < 0 {
			return ""
		}
		return log[i:]
	}
	cases := []struct {
		name    string
		stopped bool
	}{
		{"attached while running, after a reboot", false},
		{"attached while stopped, after start", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "")
			id := e.launchTyped(use1, "t3.medium", "us-east-1a", 1)[0]
			ni := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a"})
			if tc.stopped {
				e.stopWait(use1, id)
			}
			att := e.attach(use1, ni.NetworkInterfaceId, id, nil)
			if tc.stopped {
				e.startWait(use1, id)
			} else if _, err := e.c.RebootInstances(e.ctx, use1, &ec2.InstanceIdsInput{InstanceIds: []string{id}}); err != nil {
				t.Fatal(err)
			}
			e.advance(e.bootTime())
			boot := lastBoot(e.console(use1, id))
			if !strings.Contains(boot, "ens6") || !strings.Contains(boot, ni.PrivateIpAddress) || !strings.Contains(boot, e.get(use1, id).PrivateIpAddress) {
				t.Fatalf("the boot log does not show both interfaces (%s on ens6):\n%s", ni.PrivateIpAddress, boot)
			}
			// Detached, the next boot no longer has it.
			e.detach(use1, att)
			e.stopWait(use1, id)
			e.startWait(use1, id)
			e.advance(e.bootTime())
			if boot := lastBoot(e.console(use1, id)); strings.Contains(boot, ni.PrivateIpAddress) || boot == "" {
				t.Fatalf("the boot after detaching still shows %s:\n%s", ni.PrivateIpAddress, boot)
			}
		})
	}
}

// Changing the type of a stopped instance keeps to the new type's limits
// on interfaces and on addresses per interface.
func TestModifyTypeKeepsInterfaceLimits(t *testing.T) {
	e := newEnv(t, "")
	ids := e.launchTyped(use1, "t3.medium", "us-east-1a", 2)
	manyENIs, manyIPs := ids[0], ids[1]
	e.attach(use1, e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a"}).NetworkInterfaceId, manyENIs, nil)
	e.attach(use1, e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a"}).NetworkInterfaceId, manyENIs, nil)
	if _, err := e.c.AssignPrivateIpAddresses(e.ctx, use1, &ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: e.primaryENI(use1, manyIPs), SecondaryPrivateIpAddressCount: 3}); err != nil {
		t.Fatal(err)
	}
	e.stopWait(use1, ids...)
	cases := []struct {
		name, id, typ string
		code          string
	}{
		{"three interfaces onto a two-interface type", manyENIs, "t3.micro", ec2.CodeInvalidInstanceAttributeValue},
		{"four addresses onto a two-address type", manyIPs, "t3.micro", ec2.CodeInvalidInstanceAttributeValue},
		{"four addresses onto a four-address type", manyIPs, "t3.small", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.ModifyInstanceAttribute(e.ctx, use1, &ec2.ModifyInstanceAttributeInput{InstanceId: tc.id, InstanceType: &ec2.AttributeValue{Value: tc.typ}})
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
			} else {
				wantCode(t, err, tc.code)
			}
			checkAll(t, e, use1)
		})
	}
}
