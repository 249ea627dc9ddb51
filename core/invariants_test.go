package core

import (
	"net/netip"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/ec2x/ec2x/core/netw"
)

// snapshot returns the region's instances and hosts as of one moment.
// Driver events land asynchronously, so a host listing taken between two
// instance listings is only trusted when both listings are equal: host
// usage changes only together with an instance's record.
func snapshot(t testing.TB, e *env, region string) ([]*Instance, []HostInfo) {
	t.Helper()
	for range 200 {
		a, err := e.c.DescribeInstances(e.ctx, region, &DescribeInstancesInput{})
		if err != nil {
			t.Fatalf("describe: %v", err)
		}
		h, err := e.c.DescribeHosts(e.ctx, region, &Empty{})
		if err != nil {
			t.Fatalf("hosts: %v", err)
		}
		b, err := e.c.DescribeInstances(e.ctx, region, &DescribeInstancesInput{})
		if err != nil {
			t.Fatalf("describe: %v", err)
		}
		if sameRecords(a.Instances, b.Instances) {
			return a.Instances, h.Hosts
		}
	}
	t.Fatal("the region never held still long enough to read it")
	return nil, nil
}

func sameRecords(a, b []*Instance) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

// checkInvariants checks what must hold in every state a user can observe:
// no address is handed out twice, states and what they hold agree, and host
// usage is exactly the sum of the guests and within capacity.
func checkInvariants(t testing.TB, e *env, region string) {
	t.Helper()
	ins, hosts := snapshot(t, e, region)
	byHost := map[string]HostInfo{}
	for _, h := range hosts {
		byHost[h.ID] = h
	}
	privs, pubs := map[string]string{}, map[string]string{}
	type use struct{ vcpus, mem, guests int }
	used := map[string]*use{}
	guests := map[string][]string{}
	for _, in := range ins {
		id, st := in.InstanceId, in.State.Name
		if want := NewState(st); in.State != want || !ValidStateName(st) {
			t.Fatalf("%s: state %+v is not EC2's", id, in.State)
		}
		for _, ni := range in.NetworkInterfaces {
			for _, p := range ni.PrivateIpAddresses {
				if other, dup := privs[p.PrivateIpAddress]; dup {
					t.Fatalf("private IP %s held by %s and %s", p.PrivateIpAddress, other, id)
				}
				privs[p.PrivateIpAddress] = id
			}
		}
		if in.PublicIpAddress != "" {
			if other, dup := pubs[in.PublicIpAddress]; dup {
				t.Fatalf("public IP %s held by %s and %s", in.PublicIpAddress, other, id)
			}
			pubs[in.PublicIpAddress] = id
		}
		if (in.PublicIpAddress == "") != (in.PublicDnsName == "") {
			t.Fatalf("%s: public IP %q but DNS name %q", id, in.PublicIpAddress, in.PublicDnsName)
		}
		switch st {
		case StateTerminated:
			if in.PrivateIpAddress != "" || len(in.NetworkInterfaces) != 0 {
				t.Fatalf("%s: terminated but holds private IP %q / %d interfaces", id, in.PrivateIpAddress, len(in.NetworkInterfaces))
			}
			fallthrough
		case StateStopped:
			if in.PublicIpAddress != "" || in.Placement.HostId != "" {
				t.Fatalf("%s: %s but holds public IP %q, host %q", id, st, in.PublicIpAddress, in.Placement.HostId)
			}
		case StatePending, StateRunning:
			if in.PublicIpAddress == "" || in.Placement.HostId == "" {
				t.Fatalf("%s: %s without public IP (%q) or host (%q)", id, st, in.PublicIpAddress, in.Placement.HostId)
			}
		case StateStopping:
			if in.Placement.HostId == "" {
				t.Fatalf("%s: stopping without a host", id)
			}
		}
		if st != StateTerminated && (in.PrivateIpAddress == "" || in.NetworkInterfaces[0].PrivateIpAddress != in.PrivateIpAddress) {
			t.Fatalf("%s: %s with private IP %q", id, st, in.PrivateIpAddress)
		}
		if in.Placement.HostId == "" {
			continue
		}
		h, ok := byHost[in.Placement.HostId]
		if !ok || h.Zone != in.Placement.AvailabilityZone {
			t.Fatalf("%s: in %s on host %s, which is not a host of that zone", id, in.Placement.AvailabilityZone, in.Placement.HostId)
		}
		typ := e.cfg.Types[in.InstanceType]
		u := used[h.ID]
		if u == nil {
			u = &use{}
			used[h.ID] = u
		}
		u.vcpus += typ.VCPUs
		u.mem += typ.MemoryMiB
		u.guests++
		guests[h.ID] = append(guests[h.ID], id)
	}
	for _, h := range hosts {
		u := used[h.ID]
		if u == nil {
			u = &use{}
		}
		if h.UsedVCPUs != u.vcpus || h.UsedMemoryMiB != u.mem || h.Guests != u.guests {
			t.Fatalf("host %s uses %d vCPUs, %d MiB, %d guests; its guests add up to %d, %d, %d",
				h.ID, h.UsedVCPUs, h.UsedMemoryMiB, h.Guests, u.vcpus, u.mem, u.guests)
		}
		if h.UsedVCPUs > h.CapacityVCpus || h.UsedMemoryMiB > h.CapacityMemoryMiB {
			t.Fatalf("host %s over capacity: %d/%d vCPUs, %d/%d MiB", h.ID, h.UsedVCPUs, h.CapacityVCpus, h.UsedMemoryMiB, h.CapacityMemoryMiB)
		}
		listed := make([]string, len(h.Instances))
		for i, g := range h.Instances {
			listed[i] = g.InstanceId
		}
		want := guests[h.ID]
		sort.Strings(want)
		if !slices.Equal(listed, want) {
			t.Fatalf("host %s lists guests %v, instances on it are %v", h.ID, listed, want)
		}
	}
	checkAddressBooks(t, e, region)
}

// checkAddressBooks checks that the region's address allocators hold
// exactly the addresses its instances hold: a leak would show up later as
// a pool that runs dry, a double booking as two guests with one address.
// Both sides are read under one lock, so the check is exact.
func checkAddressBooks(t testing.TB, e *env, region string) {
	t.Helper()
	e.c.mu.RLock()
	defer e.c.mu.RUnlock()
	rs := e.c.regions[region]
	pubs := 0
	privs := map[string]int{} // subnet -> addresses held
	for _, e := range rs.enis {
		for _, a := range e.Addrs {
			privs[e.SubnetId]++
			if a.auto() {
				pubs++
				if !rs.net.Public().InUse(netip.MustParseAddr(a.Public)) {
					t.Fatalf("%s holds public IP %s, which the pool thinks is free", e.NetworkInterfaceId, a.Public)
				}
			}
		}
	}
	pubs += len(rs.eips)
	pool := netip.MustParsePrefix(rs.cfg.PublicPool)
	if size := 1 << (32 - pool.Bits()); rs.net.Public().Free() != size-pubs {
		t.Fatalf("public pool of %s has %d free of %d, but instances hold %d", region, rs.net.Public().Free(), size, pubs)
	}
	for _, s := range rs.net.Subnets {
		size := 1 << (32 - s.Cidr.Bits())
		if want := size - netw.Reserved - 1 - privs[s.SubnetId]; s.Available() != want {
			t.Fatalf("subnet %s has %d free addresses, want %d (%d held by instances)", s.SubnetId, s.Available(), want, privs[s.SubnetId])
		}
	}
}
