package core

import (
	"errors"
	"net/netip"
	"regexp"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/instance"
)

var (
	allocIDShape = regexp.MustCompile(`^eipalloc-[0-9a-f]{17}$`)
	assocIDShape = regexp.MustCompile(`^eipassoc-[0-9a-f]{17}$`)
)

// checkAll runs every invariant helper on the regions a test touched.
func checkAll(t testing.TB, e *env, regions ...string) {
	t.Helper()
	for _, r := range regions {
		checkInvariants(t, e, r)
		checkNetInvariants(t, e, r)
	}
}

func TestElasticIPLimitPerRegion(t *testing.T) {
	cases := []struct {
		name  string
		toml  string
		limit int
	}{
		{"default limit of 5", "", 5},
		{"configured limit", "[limits]\nelastic_ips_per_region = 2\n", 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.toml)
			pool := netip.MustParsePrefix(e.cfg.Regions[use1].PublicPool)
			seen := map[string]bool{}
			var first string
			for i := range tc.limit {
				a := e.allocate(use1)
				if !allocIDShape.MatchString(a.AllocationId) || a.Domain != "vpc" || !pool.Contains(netip.MustParseAddr(a.PublicIp)) || seen[a.PublicIp] {
					t.Fatalf("allocation %d: %+v (pool %s, seen %v)", i, a, pool, seen)
				}
				seen[a.PublicIp] = true
				if i == 0 {
					first = a.AllocationId
				}
				if !e.poolHolds(use1, a.PublicIp) {
					t.Fatalf("%s is allocated but free in the pool", a.PublicIp)
				}
			}
			_, err := e.c.AllocateAddress(e.ctx, use1, &ec2.AllocateAddressInput{})
			wantCode(t, err, ec2.CodeAddressLimitExceeded)
			if n := len(e.addresses(use1)); n != tc.limit {
				t.Fatalf("a refused allocation left %d addresses, want %d", n, tc.limit)
			}
			// Regions are independent: the limit is per region.
			if w := e.allocate(usw2); !netip.MustParsePrefix(e.cfg.Regions[usw2].PublicPool).Contains(netip.MustParseAddr(w.PublicIp)) {
				t.Fatalf("us-west-2 allocated %s outside its pool", w.PublicIp)
			}
			// Releasing one makes room for one.
			e.release(use1, first)
			e.allocate(use1)
			_, err = e.c.AllocateAddress(e.ctx, use1, &ec2.AllocateAddressInput{})
			wantCode(t, err, ec2.CodeAddressLimitExceeded)
			checkAll(t, e, use1, usw2)
		})
	}
}

func TestAllocateAddressRequest(t *testing.T) {
	e := newEnv(t, "")
	cases := []struct {
		name string
		in   ec2.AllocateAddressInput
		code string
	}{
		{"dry run", ec2.AllocateAddressInput{DryRun: true}, ec2.CodeDryRunOperation},
		{"standard domain", ec2.AllocateAddressInput{Domain: "standard"}, ec2.CodeInvalidParameterValue},
		{"tags for another resource", ec2.AllocateAddressInput{TagSpecifications: instanceTags("a", "b")}, ec2.CodeInvalidParameter},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.AllocateAddress(e.ctx, use1, &tc.in)
			wantCode(t, err, tc.code)
			if n := len(e.addresses(use1)); n != 0 {
				t.Fatalf("a refused request allocated %d", n)
			}
			checkAddressBooks(t, e, use1)
		})
	}
}

func TestAssociateElasticIPWithInstance(t *testing.T) {
	e := newEnv(t, "")
	id := e.launchRunning(use1, 1)[0]
	before := e.get(use1, id)
	auto := before.PublicIpAddress
	a := e.allocate(use1)
	assoc := e.associate(use1, &ec2.AssociateAddressInput{AllocationId: a.AllocationId, InstanceId: id})
	if !assocIDShape.MatchString(assoc) {
		t.Fatalf("association ID %q", assoc)
	}
	in := e.get(use1, id)
	if in.PublicIpAddress != a.PublicIp || in.PublicDnsName != instance.PublicDNS(use1, netip.MustParseAddr(a.PublicIp)) {
		t.Fatalf("after associate: public IP %q, DNS %q; want %s", in.PublicIpAddress, in.PublicDnsName, a.PublicIp)
	}
	if as := in.NetworkInterfaces[0].Association; as == nil || as.AllocationId != a.AllocationId || as.AssociationId != assoc || as.IpOwnerId != ec2.OwnerID {
		t.Fatalf("interface association %+v", as)
	}
	// The auto-assigned address went back to the pool.
	if e.poolHolds(use1, auto) {
		t.Fatalf("the auto-assigned %s is still taken after the Elastic IP replaced it", auto)
	}
	got := e.address(use1, a.AllocationId)
	want := ec2.Address{PublicIp: a.PublicIp, AllocationId: a.AllocationId, AssociationId: assoc, InstanceId: id,
		NetworkInterfaceId: before.NetworkInterfaces[0].NetworkInterfaceId, NetworkInterfaceOwnerId: ec2.OwnerID,
		PrivateIpAddress: before.PrivateIpAddress, Domain: "vpc", PublicIpv4Pool: "amazon", NetworkBorderGroup: use1, HourlyCharge: "0.005"}
	if jsonOf(t, got) != jsonOf(t, want) {
		t.Fatalf("DescribeAddresses\n got %s\nwant %s", jsonOf(t, got), jsonOf(t, want))
	}
	// Associating again where it already is changes nothing.
	if again := e.associate(use1, &ec2.AssociateAddressInput{AllocationId: a.AllocationId, InstanceId: id}); again != assoc {
		t.Fatalf("re-associating in place gave %s, want %s", again, assoc)
	}
	checkAll(t, e, use1)

	t.Run("kept through stop and start", func(t *testing.T) {
		e.stopWait(use1, id)
		if got := e.get(use1, id).PublicIpAddress; got != a.PublicIp {
			t.Fatalf("stopped: public IP %q, want the Elastic IP %s", got, a.PublicIp)
		}
		checkAll(t, e, use1)
		e.startWait(use1, id)
		if got := e.get(use1, id).PublicIpAddress; got != a.PublicIp {
			t.Fatalf("started again: public IP %q, want %s", got, a.PublicIp)
		}
		checkAll(t, e, use1)
	})
	t.Run("kept through a restart", func(t *testing.T) {
		e.reopen()
		if got := e.address(use1, a.AllocationId); got.AssociationId != assoc || got.InstanceId != id {
			t.Fatalf("after restart: %+v", got)
		}
		if got := e.get(use1, id).PublicIpAddress; got != a.PublicIp {
			t.Fatalf("after restart: public IP %q", got)
		}
		checkAll(t, e, use1)
	})
}

func TestDisassociateElasticIP(t *testing.T) {
	cases := []struct {
		name    string
		stopped bool
	}{
		{"running instance gets a new pool address", false},
		{"stopped instance has none until it starts", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "")
			id := e.launchRunning(use1, 1)[0]
			a := e.allocate(use1)
			assoc := e.associate(use1, &ec2.AssociateAddressInput{AllocationId: a.AllocationId, InstanceId: id})
			if tc.stopped {
				e.stopWait(use1, id)
			}
			// By association ID, or by public IP as EC2-Classic scripts do.
			if tc.stopped {
				e.disassociate(use1, assoc)
			} else if _, err := e.c.DisassociateAddress(e.ctx, use1, &ec2.DisassociateAddressInput{PublicIp: a.PublicIp}); err != nil {
				t.Fatal(err)
			}
			got := e.get(use1, id).PublicIpAddress
			switch {
			case tc.stopped && got != "":
				t.Fatalf("stopped instance got public IP %s", got)
			case !tc.stopped && (got == "" || got == a.PublicIp || !e.poolHolds(use1, got)):
				t.Fatalf("running instance has public IP %q after disassociating %s", got, a.PublicIp)
			}
			if ad := e.address(use1, a.AllocationId); ad.AssociationId != "" || ad.InstanceId != "" || ad.NetworkInterfaceId != "" || ad.PrivateIpAddress != "" {
				t.Fatalf("disassociated address still points somewhere: %+v", ad)
			}
			if !e.poolHolds(use1, a.PublicIp) {
				t.Fatalf("the Elastic IP %s went back to the pool while allocated", a.PublicIp)
			}
			checkAll(t, e, use1)
			if tc.stopped {
				e.startWait(use1, id)
				if got := e.get(use1, id).PublicIpAddress; got == "" || got == a.PublicIp {
					t.Fatalf("started without the Elastic IP: public IP %q", got)
				}
				checkAll(t, e, use1)
			}
			_, err := e.c.DisassociateAddress(e.ctx, use1, &ec2.DisassociateAddressInput{AssociationId: assoc})
			wantCode(t, err, ec2.CodeInvalidAssociationIDNotFound)
		})
	}
}

func TestReleaseAddress(t *testing.T) {
	e := newEnv(t, "")
	id := e.launchRunning(use1, 1)[0]
	held := e.allocate(use1)
	e.associate(use1, &ec2.AssociateAddressInput{AllocationId: held.AllocationId, InstanceId: id})
	idle := e.allocate(use1)
	gone := e.allocate(use1)
	e.release(use1, gone.AllocationId)
	cases := []struct {
		name string
		in   ec2.ReleaseAddressInput
		code string
	}{
		{"associated", ec2.ReleaseAddressInput{AllocationId: held.AllocationId}, ec2.CodeInvalidIPAddressInUse},
		{"associated, by public IP", ec2.ReleaseAddressInput{PublicIp: held.PublicIp}, ec2.CodeInvalidIPAddressInUse},
		{"already released", ec2.ReleaseAddressInput{AllocationId: gone.AllocationId}, ec2.CodeInvalidAllocationIDNotFound},
		{"unknown", ec2.ReleaseAddressInput{AllocationId: "eipalloc-0123456789abcdef0"}, ec2.CodeInvalidAllocationIDNotFound},
		{"malformed", ec2.ReleaseAddressInput{AllocationId: "eipalloc-xyz"}, ec2.CodeInvalidAllocationIDMalformed},
		{"unknown public IP", ec2.ReleaseAddressInput{PublicIp: "203.0.113.9"}, ec2.CodeInvalidAddressNotFound},
		{"nothing named", ec2.ReleaseAddressInput{}, ec2.CodeMissingParameter},
		{"dry run", ec2.ReleaseAddressInput{AllocationId: idle.AllocationId, DryRun: true}, ec2.CodeDryRunOperation},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.ReleaseAddress(e.ctx, use1, &tc.in)
			wantCode(t, err, tc.code)
			if n := len(e.addresses(use1)); n != 2 {
				t.Fatalf("a refused release left %d addresses, want 2", n)
			}
		})
	}
	t.Run("idle by public IP", func(t *testing.T) {
		if _, err := e.c.ReleaseAddress(e.ctx, use1, &ec2.ReleaseAddressInput{PublicIp: idle.PublicIp}); err != nil {
			t.Fatal(err)
		}
		if e.poolHolds(use1, idle.PublicIp) || e.poolHolds(use1, gone.PublicIp) {
			t.Fatal("released addresses are still taken in the pool")
		}
		if got := allocIDs(e.addresses(use1)); !sameSet(got, []string{held.AllocationId}) {
			t.Fatalf("left %v", got)
		}
		checkAll(t, e, use1)
	})
}

func TestTerminateKeepsElasticIPAllocated(t *testing.T) {
	e := newEnv(t, "")
	ids := e.launchRunning(use1, 2)
	a := e.allocate(use1)
	e.associate(use1, &ec2.AssociateAddressInput{AllocationId: a.AllocationId, InstanceId: ids[0]})
	e.terminateWait(use1, ids[0])
	if got := e.get(use1, ids[0]); got.PublicIpAddress != "" {
		t.Fatalf("terminated instance shows public IP %s", got.PublicIpAddress)
	}
	ad := e.address(use1, a.AllocationId)
	if ad.AssociationId != "" || ad.InstanceId != "" || !e.poolHolds(use1, a.PublicIp) {
		t.Fatalf("after terminate: %+v (taken in pool: %v)", ad, e.poolHolds(use1, a.PublicIp))
	}
	checkAll(t, e, use1)
	// The kept allocation serves the next instance: a replacement keeps the address.
	e.associate(use1, &ec2.AssociateAddressInput{AllocationId: a.AllocationId, InstanceId: ids[1]})
	if got := e.get(use1, ids[1]).PublicIpAddress; got != a.PublicIp {
		t.Fatalf("replacement has %q", got)
	}
	checkAll(t, e, use1)
}

// A guest that dies while running (a driver failure) ends terminated like
// any other: the Elastic IP comes off and stays allocated, and no pool
// address is lost on the way.
func TestGuestFailureKeepsElasticIPAndPool(t *testing.T) {
	e := newEnv(t, "")
	id := e.launchRunning(use1, 1)[0]
	a := e.allocate(use1)
	e.associate(use1, &ec2.AssociateAddressInput{AllocationId: a.AllocationId, InstanceId: id})
	e.driverFailed(id, "start", errors.New("host lost"))
	e.wait(use1, ec2.StateTerminated, id)
	if ad := e.address(use1, a.AllocationId); ad.AssociationId != "" {
		t.Fatalf("still associated: %+v", ad)
	}
	checkAll(t, e, use1)
}
