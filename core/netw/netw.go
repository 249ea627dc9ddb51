// Package netw is the address plane of a region: its VPCs (the default one
// with a default subnet per zone, and those the account creates), their
// subnets, private address allocation within subnets and the pool of
// public IPv4 addresses. It holds no locks; core's Cloud serialises access.
package netw

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"net/netip"
	"strings"
)

// Subnet is a VPC subnet in one zone with its private address bitmap.
type Subnet struct {
	SubnetId string       `json:"SubnetId"`
	VpcId    string       `json:"VpcId,omitempty"` // "" in stores from before VPCs were many: the default VPC
	Zone     string       `json:"AvailabilityZone"`
	Cidr     netip.Prefix `json:"CidrBlock"`
	Default  bool         `json:"DefaultForAz"`
	// MapPublic is MapPublicIpOnLaunch (a default subnet's is on).
	MapPublic bool `json:"MapPublicIpOnLaunch,omitempty"`
	// Recorded attributes: ec2x has no IPv6 and no DNS64.
	AssignIpv6   bool   `json:"AssignIpv6AddressOnCreation,omitempty"`
	Dns64        bool   `json:"EnableDns64,omitempty"`
	HostnameType string `json:"HostnameType,omitempty"`
	DnsA         bool   `json:"DnsA,omitempty"`
	DnsAAAA      bool   `json:"DnsAAAA,omitempty"`
	// Ipv6 is the subnet's IPv6 block, recorded (ec2x hands out no IPv6).
	Ipv6 []CidrBlock `json:"Ipv6CidrBlocks,omitempty"`
	// Reserved ranges set aside (CreateSubnetCidrReservation), recorded.
	Reservations []Reservation `json:"Reservations,omitempty"`
	set          *bitset
}

// Vpc is a VPC: its IPv4 blocks ([0] the primary), its default security
// group and its attributes.
type Vpc struct {
	VpcId          string      `json:"VpcId"`
	Blocks         []CidrBlock `json:"CidrBlocks"`
	IsDefault      bool        `json:"IsDefault,omitempty"`
	Tenancy        string      `json:"InstanceTenancy,omitempty"` // "" is default
	DefaultGroupId string      `json:"DefaultGroupId"`
	DnsSupport     bool        `json:"EnableDnsSupport"`
	DnsHostnames   bool        `json:"EnableDnsHostnames"`
	NauMetrics     bool        `json:"EnableNetworkAddressUsageMetrics,omitempty"`
	// DhcpOptionsId is its DHCP options set ("default": none).
	DhcpOptionsId string `json:"DhcpOptionsId,omitempty"`
	// Ipv6 is the Amazon-provided IPv6 block asked for, recorded only.
	Ipv6 []CidrBlock `json:"Ipv6CidrBlocks,omitempty"`
}

// Reservation is a range of a subnet set aside: prefix (for delegation)
// or explicit (for addresses assigned by hand).
type Reservation struct {
	Id          string `json:"SubnetCidrReservationId"`
	Cidr        string `json:"Cidr"`
	Type        string `json:"ReservationType"`
	Description string `json:"Description,omitempty"`
}

// CidrBlock is one of a VPC's address blocks and its association ID.
type CidrBlock struct {
	AssociationId string `json:"AssociationId"`
	Cidr          string `json:"CidrBlock"`
}

// Prefix is the block as a prefix (blocks are checked when made).
func (c CidrBlock) Prefix() netip.Prefix { p, _ := netip.ParsePrefix(c.Cidr); return p }

// Cidr is the VPC's primary block.
func (v *Vpc) Cidr() netip.Prefix { return v.Blocks[0].Prefix() }

// Holds reports whether one of the VPC's IPv4 blocks holds all of p.
func (v *Vpc) Holds(p netip.Prefix) bool {
	for _, b := range v.Blocks {
		if bp := b.Prefix(); bp.Bits() <= p.Bits() && bp.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// Region is the network state of one region. VpcId, VpcCidr and
// DefaultGroupId name the default VPC (empty once it is deleted); Vpcs
// holds every VPC, the default one first.
type Region struct {
	Name           string       `json:"Region"`
	VpcId          string       `json:"VpcId"`
	VpcCidr        netip.Prefix `json:"CidrBlock"`
	DefaultGroupId string       `json:"DefaultGroupId"`
	Vpcs           []*Vpc       `json:"Vpcs,omitempty"`
	// DefaultDhcpOptionsId is the set new VPCs get (Amazon's DNS).
	DefaultDhcpOptionsId string    `json:"DefaultDhcpOptionsId,omitempty"`
	Subnets              []*Subnet `json:"Subnets"`
	public               *Pool
}

// Reserved is how many addresses at the start of every subnet EC2 keeps for
// itself (network, router, DNS, future use); the last one is reserved too.
const Reserved = 4

// NewRegion lays out a default VPC: cidr split into /prefix subnets, one per
// zone in order; ids supplies the random IDs.
func NewRegion(name string, vpc netip.Prefix, prefix int, zones []string, pool netip.Prefix, id func(prefix string) string) (*Region, error) {
	r := &Region{Name: name}
	if _, err := r.AddDefaultVpc(vpc, prefix, zones, id); err != nil {
		return nil, err
	}
	if err := r.Init(pool); err != nil {
		return nil, err
	}
	return r, nil
}

// AddDefaultVpc lays out a new default VPC: cidr split into /prefix
// subnets, one per zone in order, each mapping public IPs at launch. Its
// subnets' allocators are ready; call it on an initialised region.
func (r *Region) AddDefaultVpc(vpc netip.Prefix, prefix int, zones []string, id func(prefix string) string) (*Vpc, error) {
	v := &Vpc{VpcId: id("vpc"), Blocks: []CidrBlock{{AssociationId: id("vpc-cidr-assoc"), Cidr: vpc.String()}}, IsDefault: true,
		DefaultGroupId: id("sg"), DnsSupport: true, DnsHostnames: true}
	var subs []*Subnet
	base := vpc.Addr()
	size := uint32(1) << (32 - prefix)
	for i, z := range zones {
		start := addrU32(base) + uint32(i)*size
		p, err := u32Addr(start).Prefix(prefix)
		if err != nil || !vpc.Contains(p.Addr()) {
			return nil, fmt.Errorf("vpc %s has no room for subnet %d of /%d", vpc, i, prefix)
		}
		sub := &Subnet{SubnetId: id("subnet"), VpcId: v.VpcId, Zone: z, Cidr: p, Default: true, MapPublic: true}
		sub.init()
		subs = append(subs, sub)
	}
	r.VpcId, r.VpcCidr, r.DefaultGroupId = v.VpcId, vpc, v.DefaultGroupId
	r.Vpcs = append([]*Vpc{v}, r.Vpcs...)
	r.Subnets = append(subs, r.Subnets...)
	return v, nil
}

// init makes a subnet's allocator: EC2 reserves the first four and the
// last address of each subnet.
func (s *Subnet) init() {
	n := 1 << (32 - s.Cidr.Bits())
	s.set = newBitset(n)
	for i := 0; i < Reserved && i < n; i++ {
		s.set.set(i)
	}
	s.set.set(n - 1)
}

// NewSubnet makes a subnet with its allocator ready.
func NewSubnet(id, vpc, zone string, cidr netip.Prefix) *Subnet {
	s := &Subnet{SubnetId: id, VpcId: vpc, Zone: zone, Cidr: cidr}
	s.init()
	return s
}

// Init prepares the in-memory allocators of a region loaded from the
// store. A store from before VPCs were many has the default VPC only in
// the region's own fields and subnets without a VPC: they are made whole.
func (r *Region) Init(pool netip.Prefix) error {
	if len(r.Vpcs) == 0 && r.VpcId != "" {
		r.Vpcs = []*Vpc{{VpcId: r.VpcId, Blocks: []CidrBlock{{AssociationId: "vpc-cidr-assoc-" + strings.TrimPrefix(r.VpcId, "vpc-"), Cidr: r.VpcCidr.String()}},
			IsDefault: true, DefaultGroupId: r.DefaultGroupId, DnsSupport: true, DnsHostnames: true}}
	}
	for _, s := range r.Subnets {
		if s.VpcId == "" {
			s.VpcId, s.MapPublic = r.VpcId, s.Default
		}
		s.init()
	}
	p, err := NewPool(pool)
	if err != nil {
		return err
	}
	r.public = p
	return nil
}

// VpcByID returns the VPC with that ID, or nil.
func (r *Region) VpcByID(id string) *Vpc {
	for _, v := range r.Vpcs {
		if v.VpcId == id {
			return v
		}
	}
	return nil
}

// DefaultVpc is the region's default VPC, or nil once it is deleted.
func (r *Region) DefaultVpc() *Vpc { return r.VpcByID(r.VpcId) }

// SubnetsOf lists a VPC's subnets.
func (r *Region) SubnetsOf(vpc string) []*Subnet {
	var out []*Subnet
	for _, s := range r.Subnets {
		if s.VpcId == vpc {
			out = append(out, s)
		}
	}
	return out
}

// Overlaps reports the subnet of vpc whose range overlaps p, or nil.
func (r *Region) Overlaps(vpc string, p netip.Prefix) *Subnet {
	for _, s := range r.Subnets {
		if s.VpcId == vpc && s.Cidr.Overlaps(p) {
			return s
		}
	}
	return nil
}

// Used is the number of addresses of the subnet that are handed out
// (not counting the five EC2 reserves).
func (s *Subnet) Used() int { return s.set.used - min(s.set.n, Reserved+1) }

// SubnetByZone returns the default subnet of zone, or nil.
func (r *Region) SubnetByZone(zone string) *Subnet {
	for _, s := range r.Subnets {
		if s.Zone == zone && s.Default && s.VpcId == r.VpcId {
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
// point so that addresses look like EC2's. Addresses in the subnet's CIDR
// reservations are passed over: EC2 hands them out only when asked for
// by address (explicit) or as prefixes (prefix).
func (s *Subnet) Allocate(rng *rand.Rand) (netip.Addr, error) {
	reserved := s.reservedRanges()
	var skipped []int
	defer func() {
		for _, i := range skipped {
			s.set.clear(i)
		}
	}()
	start := rng.IntN(s.set.n)
	for {
		i, ok := s.set.takeFrom(start)
		if !ok {
			return netip.Addr{}, ErrSubnetFull
		}
		a := u32Addr(addrU32(s.Cidr.Addr()) + uint32(i))
		if !inAny(reserved, a) {
			return a, nil
		}
		// Held until the search ends, so takeFrom moves past it.
		skipped = append(skipped, i)
		start = (i + 1) % s.set.n
	}
}

// reservedRanges are the subnet's CIDR reservations as prefixes.
func (s *Subnet) reservedRanges() []netip.Prefix {
	var out []netip.Prefix
	for _, r := range s.Reservations {
		if p, err := netip.ParsePrefix(r.Cidr); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// inAny reports whether one of ps holds a.
func inAny(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
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
