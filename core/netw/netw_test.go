package netw

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
)

func testRegion(t *testing.T, vpc string, prefix int, pool string) *Region {
	t.Helper()
	n := 0
	r, err := NewRegion("us-east-1", netip.MustParsePrefix(vpc), prefix, []string{"us-east-1a", "us-east-1b", "us-east-1c"},
		netip.MustParsePrefix(pool), func(p string) string { n++; return fmt.Sprintf("%s-%017x", p, n) })
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDefaultSubnetsLayout(t *testing.T) {
	r := testRegion(t, "172.31.0.0/16", 20, "198.18.0.0/24")
	want := []string{"172.31.0.0/20", "172.31.16.0/20", "172.31.32.0/20"}
	for i, s := range r.Subnets {
		if s.Cidr.String() != want[i] {
			t.Errorf("subnet %d = %s, want %s", i, s.Cidr, want[i])
		}
		if got := s.Available(); got != 4096-5 {
			t.Errorf("subnet %d has %d free, want 4091 (first four and last reserved)", i, got)
		}
	}
	if got := r.Subnets[1].Netmask(); got != "255.255.240.0" {
		t.Errorf("netmask = %s", got)
	}
}

func TestSubnetAllocatesEveryUsableAddressOnce(t *testing.T) {
	r := testRegion(t, "10.0.0.0/16", 28, "198.18.0.0/24")
	s := r.Subnets[0]
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[netip.Addr]bool{}
	for i := 0; i < 16-5; i++ {
		a, err := s.Allocate(rng)
		if err != nil {
			t.Fatalf("allocation %d: %v", i, err)
		}
		if seen[a] {
			t.Fatalf("%s allocated twice", a)
		}
		seen[a] = true
		last := a.As4()[3]
		if last < 4 || last == 15 {
			t.Fatalf("allocated reserved address %s", a)
		}
	}
	if _, err := s.Allocate(rng); !errors.Is(err, ErrSubnetFull) {
		t.Fatalf("full subnet: err = %v, want ErrSubnetFull", err)
	}
	s.Release(netip.MustParseAddr("10.0.0.7"))
	a, err := s.Allocate(rng)
	if err != nil || a.String() != "10.0.0.7" {
		t.Fatalf("after release got %s, %v; want 10.0.0.7", a, err)
	}
}

func TestPoolReserveAndRelease(t *testing.T) {
	p, err := NewPool(netip.MustParsePrefix("198.18.0.0/30"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		addr string
		want error
	}{
		{"free", "198.18.0.1", nil},
		{"taken", "198.18.0.1", ErrAddressInUse},
		{"outside", "198.19.0.1", ErrOutOfRange},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := p.Reserve(netip.MustParseAddr(tc.addr))
			if !errors.Is(err, tc.want) {
				t.Fatalf("Reserve(%s) = %v, want %v", tc.addr, err, tc.want)
			}
		})
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 3; i++ {
		if _, err := p.Allocate(rng); err != nil {
			t.Fatalf("allocate %d: %v", i, err)
		}
	}
	if _, err := p.Allocate(rng); !errors.Is(err, ErrPoolExhausted) {
		t.Fatalf("exhausted pool: %v", err)
	}
	p.Release(netip.MustParseAddr("198.18.0.1"))
	if p.InUse(netip.MustParseAddr("198.18.0.1")) || p.Free() != 1 {
		t.Fatalf("release did not free the address")
	}
}

func TestBitsetWrapsAround(t *testing.T) {
	b := newBitset(130)
	for i := 0; i < 130; i++ {
		if i != 5 {
			b.set(i)
		}
	}
	i, ok := b.takeFrom(100)
	if !ok || i != 5 {
		t.Fatalf("takeFrom(100) = %d, %v; want 5 after wrapping", i, ok)
	}
	if _, ok := b.takeFrom(0); ok {
		t.Fatal("full bitset gave a bit")
	}
}

// TestAllocatePassesOverReservations: automatic addresses never fall in a
// CIDR reservation, the subnet is full when only reserved ones are left,
// and an address of a reservation can still be taken by name.
func TestAllocatePassesOverReservations(t *testing.T) {
	s := NewSubnet("subnet-1", "vpc-1", "us-east-1a", netip.MustParsePrefix("10.0.0.0/28"))
	s.Reservations = []Reservation{{Id: "scr-1", Cidr: "10.0.0.4/30", Type: "explicit"}, {Id: "scr-2", Cidr: "10.0.0.12/31", Type: "prefix"}}
	reserved := netip.MustParsePrefix("10.0.0.4/30")
	rng := rand.New(rand.NewPCG(1, 2))
	var got []netip.Addr
	for {
		a, err := s.Allocate(rng)
		if errors.Is(err, ErrSubnetFull) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a)
	}
	for _, a := range got {
		if reserved.Contains(a) || netip.MustParsePrefix("10.0.0.12/31").Contains(a) {
			t.Errorf("handed out reserved %s", a)
		}
	}
	// 16 addresses, less the five EC2 keeps and the six reserved
	if len(got) != 16-5-4-2 {
		t.Errorf("handed out %d addresses %v, want %d", len(got), got, 16-5-4-2)
	}
	if s.Available() != 6 {
		t.Errorf("%d free after the search, want the 6 reserved ones", s.Available())
	}
	if err := s.Reserve(netip.MustParseAddr("10.0.0.5")); err != nil {
		t.Errorf("an explicit reservation's address by name: %v", err)
	}
}
