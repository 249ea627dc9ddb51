// Package netw is the address plane of a region: its default VPC, one default
// subnet per zone, private address allocation within subnets and the pool of
// public IPv4 addresses. It holds no locks; core's Cloud serialises access.
package netw

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"net/netip"
)

// Subnet is a VPC subnet in one zone with its private address bitmap.
type Subnet struct {
	SubnetId string       `json:"SubnetId"`
	Zone     string       `json:"AvailabilityZone"`
	Cidr     netip.Prefix `json:"CidrBlock"`
	Default  bool         `json:"DefaultForAz"`
	set      *bitset
}

// Region is the network state of one region.
type Region struct {
	Name           string       `json:"Region"`
	VpcId          string       `json:"VpcId"`
	VpcCidr        netip.Prefix `json:"CidrBlock"`
	DefaultGroupId string       `json:"DefaultGroupId"`
	Subnets        []*Subnet    `json:"Subnets"`
	public         *Pool
}

// Reserved is how many addresses at the start of every subnet EC2 keeps for
// itself (network, router, DNS, future use); the last one is reserved too.
const Reserved = 4

// NewRegion lays out a default VPC: cidr split into /prefix subnets, one per
// zone in order; ids supplies the random IDs.
func NewRegion(name string, vpc netip.Prefix, prefix int, zones []string, pool netip.Prefix, id func(prefix string) string) (*Region, error) {
	r := &Region{Name: name, VpcId: id("vpc"), VpcCidr: vpc, DefaultGroupId: id("sg")}
	base := vpc.Addr()
	size := uint32(1) << (32 - prefix)
	for i, z := range zones {
		start := addrU32(base) + uint32(i)*size
		p, err := u32Addr(start).Prefix(prefix)
		if err != nil || !vpc.Contains(p.Addr()) {
			return nil, fmt.Errorf("vpc %s has no room for subnet %d of /%d", vpc, i, prefix)
		}
		r.Subnets = append(r.Subnets, &Subnet{SubnetId: id("subnet"), Zone: z, Cidr: p, Default: true})
	}
	if err := r.Init(pool); err != nil {
		return nil, err
	}
	return r, nil
}

// Init prepares the in-memory allocators of a region loaded from the store.
func (r *Region) Init(pool netip.Prefix) error {
	for _, s := range r.Subnets {
		n := 1 << (32 - s.Cidr.Bits())
		s.set = newBitset(n)
		// EC2 reserves the first four and the last address of each subnet.
		for i := 0; i < Reserved && i < n; i++ {
			s.set.set(i)
		}
		s.set.set(n - 1)
	}
	p, err := NewPool(pool)
	if err != nil {
		return err
	}
	r.public = p
	return nil
}

// SubnetByZone returns the default subnet of zone, or nil.
func (r *Region) SubnetByZone(zone string) *Subnet {
	for _, s := range r.Subnets {
		if s.Zone == zone && s.Default {
			return s
		}
	}
	return nil
}

// SubnetByID returns the subnet with that ID, or nil.
func (r *Region) SubnetByID(id string) *Subnet {
	for _, s := range r.Subnets {
		if s.SubnetId == id {
			return s
		}
	}
	return nil
}

// Public is the region's public IPv4 pool.
func (r *Region) Public() *Pool { return r.public }

// Available is the number of free private addresses.
func (s *Subnet) Available() int { return s.set.free() }

// Allocate takes a free private address, starting the search at a random
// point so that addresses look like EC2's.
func (s *Subnet) Allocate(rng *rand.Rand) (netip.Addr, error) {
	i, ok := s.set.takeFrom(rng.IntN(s.set.n))
	if !ok {
		return netip.Addr{}, ErrSubnetFull
	}
	return u32Addr(addrU32(s.Cidr.Addr()) + uint32(i)), nil
}

// Reserve marks a specific address as taken (loading, or a requested IP).
func (s *Subnet) Reserve(a netip.Addr) error {
	i, err := s.index(a)
	if err != nil {
		return err
	}
	if s.set.has(i) {
		return fmt.Errorf("%w: %s", ErrAddressInUse, a)
	}
	s.set.set(i)
	return nil
}

// Release returns an address to the subnet.
func (s *Subnet) Release(a netip.Addr) {
	if i, err := s.index(a); err == nil && i >= Reserved && i < s.set.n-1 {
		s.set.clear(i)
	}
}

func (s *Subnet) index(a netip.Addr) (int, error) {
	if !s.Cidr.Contains(a) {
		return 0, fmt.Errorf("%w: %s is not in %s", ErrOutOfRange, a, s.Cidr)
	}
	return int(addrU32(a) - addrU32(s.Cidr.Addr())), nil
}

// Usable reports whether a is an address of the subnet that EC2 would hand
// out: not one of the first four nor the last.
func (s *Subnet) Usable(a netip.Addr) bool {
	i, err := s.index(a)
	return err == nil && i >= Reserved && i < s.set.n-1
}

// Netmask returns the dotted mask of the subnet (255.255.240.0 for a /20).
func (s *Subnet) Netmask() string {
	m := ^uint32(0) << (32 - s.Cidr.Bits())
	return u32Addr(m).String()
}

// Pool is a region's pool of public IPv4 addresses.
type Pool struct {
	prefix netip.Prefix
	set    *bitset
}

// NewPool makes a pool over every address of p.
func NewPool(p netip.Prefix) (*Pool, error) {
	if !p.Addr().Is4() {
		return nil, fmt.Errorf("public pool %s is not IPv4", p)
	}
	return &Pool{prefix: p, set: newBitset(1 << (32 - p.Bits()))}, nil
}

// Allocate takes a free public address from a random starting point.
func (p *Pool) Allocate(rng *rand.Rand) (netip.Addr, error) {
	i, ok := p.set.takeFrom(rng.IntN(p.set.n))
	if !ok {
		return netip.Addr{}, ErrPoolExhausted
	}
	return u32Addr(addrU32(p.prefix.Addr()) + uint32(i)), nil
}

// Reserve marks a as taken; it fails if a is outside the pool or taken.
func (p *Pool) Reserve(a netip.Addr) error {
	if !p.prefix.Contains(a) {
		return fmt.Errorf("%w: %s is not in %s", ErrOutOfRange, a, p.prefix)
	}
	i := int(addrU32(a) - addrU32(p.prefix.Addr()))
	if p.set.has(i) {
		return fmt.Errorf("%w: %s", ErrAddressInUse, a)
	}
	p.set.set(i)
	return nil
}

// Release returns a to the pool.
func (p *Pool) Release(a netip.Addr) {
	if p.prefix.Contains(a) {
		p.set.clear(int(addrU32(a) - addrU32(p.prefix.Addr())))
	}
}

// InUse reports whether a is taken.
func (p *Pool) InUse(a netip.Addr) bool {
	return p.prefix.Contains(a) && p.set.has(int(addrU32(a)-addrU32(p.prefix.Addr())))
}

// Free is the number of free addresses.
func (p *Pool) Free() int { return p.set.free() }

func addrU32(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func u32Addr(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// bitset is a fixed-size set of small integers with a free count.
type bitset struct {
	w    []uint64
	n    int
	used int
}

func newBitset(n int) *bitset { return &bitset{w: make([]uint64, (n+63)/64), n: n} }

func (b *bitset) has(i int) bool { return b.w[i>>6]&(1<<(uint(i)&63)) != 0 }

func (b *bitset) set(i int) {
	if !b.has(i) {
		b.w[i>>6] |= 1 << (uint(i) & 63)
		b.used++
	}
}

func (b *bitset) clear(i int) {
	if b.has(i) {
		b.w[i>>6] &^= 1 << (uint(i) & 63)
		b.used--
	}
}

func (b *bitset) free() int { return b.n - b.used }

// takeFrom sets and returns the first clear bit at or after start, wrapping.
func (b *bitset) takeFrom(start int) (int, bool) {
	if b.used >= b.n {
		return 0, false
	}
	nw := len(b.w)
	wi := start >> 6
	// First word: ignore bits below start.
	mask := ^uint64(0) << (uint(start) & 63)
	for k := 0; k <= nw; k++ {
		w := (wi + k) % nw
		free := ^b.w[w]
		if k == 0 {
			free &= mask
		}
		if k == nw {
			free &= ^mask // wrapped back to the first word: bits below start
		}
		if w == nw-1 && b.n&63 != 0 {
			free &= (1 << (uint(b.n) & 63)) - 1
		}
		if free != 0 {
			i := w<<6 + bits.TrailingZeros64(free)
			b.set(i)
			return i, true
		}
	}
	return 0, false
}
