package core

import (
	"slices"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/instance"
	"github.com/ec2x/ec2x/core/network"
)

// checkNetInvariants checks the links between a region's network records,
// read under one lock so the check is exact: every association points at
// something that exists and points back, every limit holds, and instances
// hold only what their state allows. checkAddressBooks covers the pools.
func checkNetInvariants(t testing.TB, e *env, region string) {
	t.Helper()
	rs, unlock := e.view(region)
	defer unlock()
	if n, limit := len(rs.eips), e.cfg.Limits.ElasticIPsPerRegion; n > limit {
		t.Fatalf("%s has %d Elastic IPs, over its limit of %d", region, n, limit)
	}
	for id, a := range rs.eips {
		if id != a.AllocationId {
			t.Fatalf("allocation %s filed under %s", a.AllocationId, id)
		}
		if a.AssociationId == "" {
			if a.NetworkInterfaceId != "" || a.PrivateIpAddress != "" {
				t.Fatalf("%s is not associated but points at %s/%s", id, a.NetworkInterfaceId, a.PrivateIpAddress)
			}
			continue
		}
		ni := rs.enis[a.NetworkInterfaceId]
		if ni == nil {
			t.Fatalf("%s (%s) is associated with %s, which does not exist", id, a.AssociationId, a.NetworkInterfaceId)
		}
		i := ni.AddrIndex(a.PrivateIpAddress)
		if i < 0 {
			t.Fatalf("%s is associated with %s of %s, which has no such address", id, a.PrivateIpAddress, ni.NetworkInterfaceId)
		}
		if ad := ni.Addrs[i]; ad.AllocationId != id || ad.AssociationId != a.AssociationId || ad.Public != a.PublicIp {
			t.Fatalf("%s (%s, %s) points at %s/%s, which holds %+v", id, a.AssociationId, a.PublicIp, ni.NetworkInterfaceId, ad.Private, ad)
		}
	}
	assocs := map[string]string{}
	for id, ni := range rs.enis {
		if id != ni.NetworkInterfaceId || len(ni.Addrs) == 0 {
			t.Fatalf("interface %s filed under %s with %d addresses", ni.NetworkInterfaceId, id, len(ni.Addrs))
		}
		for i, ad := range ni.Addrs {
			switch {
			case ad.AllocationId != "":
				a := rs.eips[ad.AllocationId]
				if a == nil || a.NetworkInterfaceId != id || a.PrivateIpAddress != ad.Private || a.AssociationId != ad.AssociationId {
					t.Fatalf("%s/%s holds %s (%s), which does not point back: %+v", id, ad.Private, ad.AllocationId, ad.AssociationId, a)
				}
				if other, dup := assocs[ad.AssociationId]; dup {
					t.Fatalf("association %s on %s and %s", ad.AssociationId, other, id)
				}
				assocs[ad.AssociationId] = id
			case ad.AssociationId != "":
				t.Fatalf("%s/%s has association %s without an allocation", id, ad.Private, ad.AssociationId)
			case ad.Auto():
				// Pool addresses go only to the primary address of an
				// instance's primary interface, while it holds a host.
				r := rs.instances[ni.InstanceId]
				if i != 0 || ni.DeviceIndex != 0 || r == nil || !instance.HoldsHost(r.State.Name) {
					state := "no instance"
					if r != nil {
						state = r.State.Name
					}
					t.Fatalf("%s (device %d) holds pool address %s on address %d; its instance %q is %s", id, ni.DeviceIndex, ad.Public, i, ni.InstanceId, state)
				}
			}
		}
		for _, g := range ni.Groups {
			if rs.sgs[g] == nil {
				t.Fatalf("%s uses group %s, which does not exist", id, g)
			}
		}
		if ni.InstanceId == "" {
			if ni.AttachmentId != "" || ni.DeviceIndex != 0 {
				t.Fatalf("%s is available but has attachment %q at device %d", id, ni.AttachmentId, ni.DeviceIndex)
			}
			if len(ni.Addrs) > network.MaxAddrsPerInterface {
				t.Fatalf("%s has %d addresses, over %d", id, len(ni.Addrs), network.MaxAddrsPerInterface)
			}
			continue
		}
		r := rs.instances[ni.InstanceId]
		if r == nil || r.State.Name == ec2.StateTerminated || !slices.Contains(r.Enis, id) {
			t.Fatalf("%s is attached to %s, which does not list it: %+v", id, ni.InstanceId, r)
		}
		if ni.AttachmentId == "" {
			t.Fatalf("%s is attached to %s without an attachment ID", id, ni.InstanceId)
		}
		if z := rs.zoneOf(ni.SubnetId); z != r.Placement.AvailabilityZone {
			t.Fatalf("%s in %s is attached to %s in %s", id, z, r.InstanceId, r.Placement.AvailabilityZone)
		}
	}
	for id, r := range rs.instances {
		if r.State.Name == ec2.StateTerminated {
			if len(r.Enis) != 0 {
				t.Fatalf("%s is terminated but holds interfaces %v", id, r.Enis)
			}
			continue
		}
		typ := e.cfg.Types[r.InstanceType]
		if len(r.Enis) == 0 || len(r.Enis) > typ.MaxENIs {
			t.Fatalf("%s (%s, %s) has %d interfaces; the type allows 1 to %d", id, r.InstanceType, r.State.Name, len(r.Enis), typ.MaxENIs)
		}
		prev := -1
		for k, eid := range r.Enis {
			ni := rs.enis[eid]
			if ni == nil || ni.InstanceId != id {
				t.Fatalf("%s lists interface %s, which is not attached to it: %+v", id, eid, ni)
			}
			if (k == 0) != (ni.DeviceIndex == 0) || ni.DeviceIndex <= prev {
				t.Fatalf("%s has interfaces at device indexes out of order or twice: %v (at %d: device %d)", id, r.Enis, k, ni.DeviceIndex)
			}
			prev = ni.DeviceIndex
			if len(ni.Addrs) > typ.IPv4PerENI {
				t.Fatalf("%s (%s) has %d addresses on %s; the type allows %d", id, r.InstanceType, len(ni.Addrs), eid, typ.IPv4PerENI)
			}
		}
	}
}
