package core

import (
	"net/netip"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/netw"
	"github.com/ec2x/ec2x/core/network"
)

// snapshot returns the region's instances and hosts as of one moment.
// Driver events land asynchronously, so a host listing taken between two
// instance listings is only trusted when both listings are equal: host
// usage changes only together with an instance's record.
func snapshot(t testing.TB, e *env, region string) ([]*ec2.Instance, []ec2.HostInfo) {
	t.Helper()
	for range 200 {
		a, err := e.c.DescribeInstances(e.ctx, region, &ec2.DescribeInstancesInput{})
		if err != nil {
			t.Fatalf("describe: %v", err)
		}
		h, err := e.c.DescribeHosts(e.ctx, region, &ec2.Empty{})
		if err != nil {
			t.Fatalf("hosts: %v", err)
		}
		b, err := e.c.DescribeInstances(e.ctx, region, &ec2.DescribeInstancesInput{})
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

func sameRecords(a, b []*ec2.Instance) bool {
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
	byHost := map[string]ec2.HostInfo{}
	for _, h := range hosts {
		byHost[h.ID] = h
	}
	privs, pubs := map[string]string{}, map[string]string{}
	type use struct{ vcpus, mem, guests int }
	used := map[string]*use{}
	guests := map[string][]string{}
	for _, in := range ins {
		id, st := in.InstanceId, in.State.Name
		if want := ec2.NewState(st); in.State != want || !ec2.ValidStateName(st) {
			t.Fatalf("%s: state %+v is not EC2's", id, in.State)
		}
		// Every address of every interface counts: an Elastic IP may sit on
		// a secondary address or a second interface.
		for _, ni := range in.NetworkInterfaces {
			for _, p := range ni.PrivateIpAddresses {
				// Unique within a VPC: VPCs may overlap.
				key := ni.VpcId + " " + p.PrivateIpAddress
				if other, dup := privs[key]; dup {
					t.Fatalf("private IP %s held by %s and %s in %s", p.PrivateIpAddress, other, id, ni.VpcId)
				}
				privs[key] = id
				if p.Association == nil {
					continue
				}
				if other, dup := pubs[p.Association.PublicIp]; dup {
					t.Fatalf("public IP %s held by %s and %s", p.Association.PublicIp, other, id)
				}
				pubs[p.Association.PublicIp] = id
			}
		}
		// An Elastic IP stays with a stopped instance; a pool address does not.
		elastic := len(in.NetworkInterfaces) > 0 && in.NetworkInterfaces[0].Association != nil &&
			in.NetworkInterfaces[0].Association.AllocationId != ""
		if (in.PublicIpAddress == "") != (in.PublicDnsName == "") {
			t.Fatalf("%s: public IP %q but DNS name %q", id, in.PublicIpAddress, in.PublicDnsName)
		}
		switch st {
		case ec2.StateTerminated:
			if in.PrivateIpAddress != "" || len(in.NetworkInterfaces) != 0 {
				t.Fatalf("%s: terminated but holds private IP %q / %d interfaces", id, in.PrivateIpAddress, len(in.NetworkInterfaces))
			}
			fallthrough
		case ec2.StateStopped:
			if (in.PublicIpAddress != "" && !elastic) || in.Placement.HostId != "" {
				t.Fatalf("%s: %s but holds public IP %q, host %q", id, st, in.PublicIpAddress, in.Placement.HostId)
			}
		case ec2.StatePending, ec2.StateRunning:
			if (in.PublicIpAddress == "" && !noPublicIP(e, region, in)) || in.Placement.HostId == "" {
				t.Fatalf("%s: %s without public IP (%q) or host (%q)", id, st, in.PublicIpAddress, in.Placement.HostId)
			}
		case ec2.StateStopping:
			if in.Placement.HostId == "" {
				t.Fatalf("%s: stopping without a host", id)
			}
		}
		if st != ec2.StateTerminated && (in.PrivateIpAddress == "" || in.NetworkInterfaces[0].PrivateIpAddress != in.PrivateIpAddress) {
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
	rs, unlock := e.view(region)
	defer unlock()
	// owner maps every public IP held to who holds it: a pool address to
	// its interface, an Elastic IP to its allocation. Two owners for one
	// address is the bug this guards against; so is an owned address the
	// pool thinks free, or a taken one nobody owns (the free count).
	owner := map[string]string{}
	own := func(ip, who string) {
		if other, dup := owner[ip]; dup {
			t.Fatalf("public IP %s has two owners: %s and %s", ip, other, who)
		}
		owner[ip] = who
		if !rs.net.Public().InUse(netip.MustParseAddr(ip)) {
			t.Fatalf("%s holds public IP %s, which the pool thinks is free", who, ip)
		}
	}
	privs := map[string]int{}        // subnet -> addresses held
	privOwner := map[string]string{} // private IP -> interface
	for _, e := range rs.enis {
		sub := rs.net.SubnetByID(e.SubnetId)
		if sub == nil {
			t.Fatalf("%s is in subnet %s, which does not exist", e.NetworkInterfaceId, e.SubnetId)
		}
		for _, a := range e.Addrs {
			privs[e.SubnetId]++
			key := sub.VpcId + " " + a.Private // unique within a VPC: VPCs may overlap
			if other, dup := privOwner[key]; dup {
				t.Fatalf("private IP %s held by %s and %s in %s", a.Private, other, e.NetworkInterfaceId, sub.VpcId)
			}
			privOwner[key] = e.NetworkInterfaceId
			if p, err := netip.ParseAddr(a.Private); err != nil || !sub.Usable(p) {
				t.Fatalf("%s holds %q, not a usable address of %s (%s)", e.NetworkInterfaceId, a.Private, sub.SubnetId, sub.Cidr)
			}
			if a.Auto() {
				own(a.Public, e.NetworkInterfaceId)
			}
		}
	}
	for _, a := range rs.eips {
		own(a.PublicIp, a.AllocationId)
	}
	pool := netip.MustParsePrefix(rs.cfg.PublicPool)
	if size := 1 << (32 - pool.Bits()); rs.net.Public().Free() != size-len(owner) {
		t.Fatalf("public pool of %s has %d free of %d, but %d addresses are held (pool and Elastic IPs)", region, rs.net.Public().Free(), size, len(owner))
	}
	for _, s := range rs.net.Subnets {
		size := 1 << (32 - s.Cidr.Bits())
		if want := size - netw.Reserved - 1 - privs[s.SubnetId]; s.Available() != want {
			t.Fatalf("subnet %s has %d free addresses, want %d (%d held by interfaces)", s.SubnetId, s.Available(), want, privs[s.SubnetId])
		}
	}
}

// noPublicIP reports whether an instance was launched to have no public
// IP from the pool (its primary interface says so).
func noPublicIP(e *env, region string, in *ec2.Instance) bool {
	if len(in.NetworkInterfaces) == 0 {
		return false
	}
	r, err := e.c.rt.Region(region)
	if err != nil {
		return false
	}
	r.RLock()
	defer r.RUnlock()
	eni := network.Interface(r, in.NetworkInterfaces[0].NetworkInterfaceId)
	return eni != nil && eni.NoAutoPublic
}
