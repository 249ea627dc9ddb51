package core

import (
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

// restartFleet makes address exhaustion exact: us-east-1 has a 16-address
// public pool and /28 subnets (11 usable addresses each), so any address the
// reloaded books forgot would be handed out twice before the pool ran dry.
const restartFleet = `
[regions.us-east-1]
zones = ["us-east-1a", "us-east-1b"]
public_pool = "198.18.0.0/28"
vpc_cidr = "172.31.0.0/16"
subnet_prefix = 28
default_image = "amazon-linux-2023"

[fleet]
builtin_hosts = false  # these hosts are the whole fleet

[[hosts]]
zone = "us-east-1a"
count = 1
vcpus = 16
memory_gib = 64
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["t2"]

[[hosts]]
zone = "us-east-1b"
count = 1
vcpus = 16
memory_gib = 64
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["t2"]

[[hosts]]
zone = "us-west-2a"
count = 1
vcpus = 16
memory_gib = 64
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["t2"]
`

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRestartCompletesInterruptedWorkAndRebuildsBooks(t *testing.T) {
	e := newEnvWith(t, restartFleet, envOptions{sync: true})
	zoneA := &ec2.Placement{AvailabilityZone: "us-east-1a"}
	key, err := e.c.CreateKeyPair(e.ctx, use1, &ec2.CreateKeyPairInput{KeyName: "ops", KeyType: "ed25519",
		TagSpecifications: []ec2.TagSpecification{{ResourceType: "key-pair", Tags: []ec2.Tag{{Key: "team", Value: "ops"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	tokenRun := func() *ec2.RunInstancesInput {
		return &ec2.RunInstancesInput{MinCount: 3, KeyName: "ops", ClientToken: "tok", Placement: zoneA, TagSpecifications: instanceTags("Name", "a")}
	}
	resA := e.run(use1, tokenRun())
	a := idsOf(resA.Instances)
	cdef := idsOf(e.run(use1, &ec2.RunInstancesInput{MinCount: 4, Placement: zoneA}).Instances)
	west := idsOf(e.run(usw2, &ec2.RunInstancesInput{MinCount: 2}).Instances)
	if _, err := e.c.CreateKeyPair(e.ctx, usw2, &ec2.CreateKeyPairInput{KeyName: "west", KeyType: "ed25519"}); err != nil {
		t.Fatal(err)
	}
	e.advance(e.bootTime())
	e.wait(use1, ec2.StateRunning, append(a, cdef...)...)
	e.wait(usw2, ec2.StateRunning, west...)

	c, d, ee, f := cdef[0], cdef[1], cdef[2], cdef[3]
	e.stop(use1, false, ee)
	e.terminate(use1, f)
	e.advance(e.stopTime())
	e.wait(use1, ec2.StateStopped, ee)
	e.wait(use1, ec2.StateTerminated, f)
	if _, err := e.c.ModifyInstanceAttribute(e.ctx, use1, &ec2.ModifyInstanceAttributeInput{InstanceId: ee, InstanceType: &ec2.AttributeValue{Value: "t2.small"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.createTags(a[:1], "role", "db"); err != nil {
		t.Fatal(err)
	}
	// Interrupted work: the clock stands still from here to the restart.
	e.stop(use1, false, c)
	e.terminate(use1, d)
	b := e.run(use1, &ec2.RunInstancesInput{Placement: zoneA}).Instances[0].InstanceId
	checkInvariants(t, e, use1)

	unchanged := append([]string{ee, f}, a...)
	before := map[string]string{}
	for _, id := range unchanged {
		before[id] = jsonOf(t, e.get(use1, id))
	}
	for _, id := range west {
		before[id] = jsonOf(t, e.get(usw2, id))
	}
	privC := e.get(use1, c).PrivateIpAddress

	e.reopen()

	t.Run("books rebuilt at once", func(t *testing.T) {
		checkInvariants(t, e, use1)
		checkInvariants(t, e, usw2)
	})
	t.Run("a stop the crash interrupted is finished", func(t *testing.T) {
		in := e.wait(use1, ec2.StateStopped, c)[0]
		if in.PublicIpAddress != "" || in.Placement.HostId != "" || in.PrivateIpAddress != privC {
			t.Errorf("after restart %s is stopped holding %q/%q, private %s (was %s)", c, in.PublicIpAddress, in.Placement.HostId, in.PrivateIpAddress, privC)
		}
	})
	t.Run("a pending launch boots and a shutdown ends", func(t *testing.T) {
		if st := e.get(use1, b).State.Name; st != ec2.StatePending {
			t.Errorf("%s is %s right after restart, want pending", b, st)
		}
		if st := e.get(use1, d).State.Name; st != ec2.StateShuttingDown {
			t.Errorf("%s is %s right after restart, want shutting-down", d, st)
		}
		e.advance(e.bootTime())
		e.wait(use1, ec2.StateRunning, b)
		if gone := e.wait(use1, ec2.StateTerminated, d)[0]; gone.PrivateIpAddress != "" {
			t.Errorf("terminated after restart but holds %s", gone.PrivateIpAddress)
		}
		checkInvariants(t, e, use1)
	})
	t.Run("everything else survived as it was", func(t *testing.T) {
		for _, id := range unchanged {
			if got := jsonOf(t, e.get(use1, id)); got != before[id] {
				t.Errorf("%s changed across the restart:\n%s\n%s", id, before[id], got)
			}
		}
		for _, id := range west {
			if got := jsonOf(t, e.get(usw2, id)); got != before[id] {
				t.Errorf("%s changed across the restart", id)
			}
		}
		if in := e.get(use1, ee); in.InstanceType != "t2.small" || in.State.Name != ec2.StateStopped {
			t.Errorf("modified instance came back as %s, %s", in.InstanceType, in.State.Name)
		}
		if v, _ := e.get(use1, a[0]).Tag("role"); v != "db" {
			t.Errorf("tag lost: %v", e.get(use1, a[0]).Tags)
		}
		keys, err := e.c.DescribeKeyPairs(e.ctx, use1, &ec2.DescribeKeyPairsInput{IncludePublicKey: true})
		if err != nil || len(keys.KeyPairs) != 1 {
			t.Fatalf("key pairs %+v, %v", keys, err)
		}
		if k := keys.KeyPairs[0]; k.KeyPairId != key.KeyPairId || k.KeyFingerprint != key.KeyFingerprint || len(k.Tags) != 1 || k.PublicKey == "" {
			t.Errorf("key pair came back as %+v", k)
		}
		if w, err := e.c.DescribeKeyPairs(e.ctx, usw2, &ec2.DescribeKeyPairsInput{KeyNames: []string{"west"}}); err != nil || len(w.KeyPairs) != 1 {
			t.Errorf("us-west-2 key pair: %+v, %v", w, err)
		}
		again := e.run(use1, tokenRun())
		if again.ReservationId != resA.ReservationId || !slices.Equal(idsOf(again.Instances), a) {
			t.Errorf("ClientToken after restart gave %s %v, want %s %v", again.ReservationId, idsOf(again.Instances), resA.ReservationId, a)
		}
		other := tokenRun()
		other.MinCount = 1
		_, err = e.c.RunInstances(e.ctx, use1, other)
		wantCode(t, err, ec2.CodeIdempotentParameterMismatch)
	})
	t.Run("no held address is handed out again", func(t *testing.T) {
		// Held in us-east-1a: a×3, b, c, e privately (5 of 11 free) and
		// a×3, b publicly (12 of 16 free).
		launched := 0
		for {
			_, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{Placement: zoneA})
			if err != nil {
				wantCode(t, err, ec2.CodeInsufficientFreeAddressesInSubnet, "subnet")
				break
			}
			launched++
			checkInvariants(t, e, use1)
		}
		if launched != 5 {
			t.Errorf("us-east-1a took %d more launches, want exactly the 5 free addresses", launched)
		}
		launched = 0
		for {
			_, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{Placement: &ec2.Placement{AvailabilityZone: "us-east-1b"}})
			if err != nil {
				wantCode(t, err, ec2.CodeInsufficientAddressCapacity, "public IPv4 pool")
				break
			}
			launched++
		}
		if launched != 7 {
			t.Errorf("the public pool gave %d more addresses, want the 7 left", launched)
		}
		checkInvariants(t, e, use1)
		// The stopped instance cannot start without a public address; a
		// terminate frees one.
		_, err := e.c.StartInstances(e.ctx, use1, &ec2.StartInstancesInput{InstanceIds: []string{ee}})
		wantCode(t, err, ec2.CodeInsufficientAddressCapacity)
		e.terminate(use1, b)
		e.advance(e.stopTime())
		e.wait(use1, ec2.StateTerminated, b)
		e.start(use1, ee)
		e.advance(e.bootTime())
		e.wait(use1, ec2.StateRunning, ee)
		checkInvariants(t, e, use1)
	})
	t.Run("a second restart changes nothing", func(t *testing.T) {
		snap := jsonOf(t, e.list(use1))
		hosts := jsonOf(t, e.hosts(use1))
		e.reopen()
		checkInvariants(t, e, use1)
		if got := jsonOf(t, e.list(use1)); got != snap {
			t.Errorf("instances differ after a quiet restart")
		}
		if got := jsonOf(t, e.hosts(use1)); got != hosts {
			t.Errorf("host usage differs after a quiet restart:\n%s\n%s", hosts, got)
		}
	})
}

// A config that moves a region to another public pool (as adding qemu
// hosts moves it to its local pool) must not stop the daemon from starting:
// addresses handed out keep their owners, and new ones come from the new pool.
func TestRestartWithAnotherPublicPool(t *testing.T) {
	e := newEnvWith(t, restartFleet, envOptions{sync: true})
	old := netip.MustParsePrefix("198.18.0.0/28")
	eip, err := e.c.AllocateAddress(e.ctx, use1, &ec2.AllocateAddressInput{})
	if err != nil {
		t.Fatal(err)
	}
	id := e.launchRunning(use1, 1)[0]
	if ip := e.get(use1, id).PublicIpAddress; !old.Contains(netip.MustParseAddr(ip)) {
		t.Fatalf("public IP %s not in %s", ip, old)
	}

	e.cfg = loadConfig(t, strings.Replace(restartFleet, `public_pool = "198.18.0.0/28"`, `public_pool = "203.0.113.0/28"`, 1))
	e.reopen()
	moved := netip.MustParsePrefix("203.0.113.0/28")
	got, err := e.c.DescribeAddresses(e.ctx, use1, &ec2.DescribeAddressesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Addresses) != 1 || got.Addresses[0].PublicIp != eip.PublicIp {
		t.Fatalf("addresses after the pool moved = %s, want only %s", jsonOf(t, got.Addresses), eip.PublicIp)
	}
	if ip := e.get(use1, id).PublicIpAddress; !old.Contains(netip.MustParseAddr(ip)) {
		t.Errorf("running instance's public IP became %s; it keeps its address until it stops", ip)
	}
	fresh, err := e.c.AllocateAddress(e.ctx, use1, &ec2.AllocateAddressInput{})
	if err != nil {
		t.Fatal(err)
	}
	if !moved.Contains(netip.MustParseAddr(fresh.PublicIp)) {
		t.Errorf("new Elastic IP %s not in the new pool %s", fresh.PublicIp, moved)
	}
	if _, err := e.c.ReleaseAddress(e.ctx, use1, &ec2.ReleaseAddressInput{AllocationId: eip.AllocationId}); err != nil {
		t.Errorf("release an address of the old pool: %v", err)
	}
	e.stop(use1, false, id)
	e.advance(e.stopTime())
	e.wait(use1, ec2.StateStopped, id)
	e.start(use1, id)
	e.advance(e.bootTime())
	e.wait(use1, ec2.StateRunning, id)
	if ip := e.get(use1, id).PublicIpAddress; !moved.Contains(netip.MustParseAddr(ip)) {
		t.Errorf("public IP after stop/start = %s, want one of %s", ip, moved)
	}
}
