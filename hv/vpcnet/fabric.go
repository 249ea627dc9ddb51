// Package vpcnet is the private network of real guests: each VPC is a
// Linux network namespace that routes between its guests' taps as EC2's
// VPC router does (layer 3 only: it answers ARP for every address, so
// no broadcast crosses it), hands out addresses by DHCP, serves the
// instance metadata service at 169.254.169.254, and enforces security
// groups and network ACLs with nftables. Guests in two VPCs never share
// a namespace, so overlapping CIDRs are fine. Nothing touches the host's
// own interfaces.
package vpcnet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"sync"

	"github.com/rs/zerolog"
)

// VPC names a VPC of a region.
type VPC struct{ Region, ID string }

// String is region/vpc-id.
func (v VPC) String() string { return v.Region + "/" + v.ID }

// Options configure a Fabric.
type Options struct {
	// Home identifies the daemon: every name the fabric makes derives
	// from it, so two daemons (or tests) never share a namespace.
	Home string
	// IMDS, when set, is given each VPC's listener at 169.254.169.254:80
	// inside the VPC's namespace, to serve until it is closed.
	IMDS func(v VPC, l net.Listener)
	// DNS is the name server (host:port) the VPCs' resolvers relay to;
	// "" is the host's first in /etc/resolv.conf.
	DNS string
	Log zerolog.Logger
}

// PlugSpec is a guest interface to plug into its VPC.
type PlugSpec struct {
	VPC      VPC
	NIC      string // eni-...
	MAC      string
	IPs      []netip.Addr // the primary first
	Subnet   netip.Prefix
	Hostname string
}

// Fabric owns a daemon's VPC namespaces.
type Fabric struct {
	o    Options
	id   string // from Home
	mu   sync.Mutex
	vpcs map[VPC]*vpcState
	// policies outlive the namespaces: a VPC's namespace goes with its
	// last guest and comes back, with the same rules, with the next.
	policies map[VPC]Policy
}

type vpcState struct {
	ns    string
	ports map[string]*plugged // by NIC ID
	imds  net.Listener
	dns   *dnsRelay
	// dnsAt are the resolver addresses dns answers on.
	dnsAt string
}

type plugged struct {
	spec PlugSpec
	tap  string
	dhcp *dhcpServer
}

// New checks that this machine can run the fabric and returns it; the
// error wraps ErrUnavailable with the reason when it cannot.
func New(o Options) (*Fabric, error) {
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: needs root for network namespaces, taps and nftables", ErrUnavailable)
	}
	for _, tool := range []string{"ip", "nft"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("%w: no %s command (apt-get install iproute2 nftables)", ErrUnavailable, tool)
		}
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		return nil, fmt.Errorf("%w: no /dev/net/tun", ErrUnavailable)
	}
	f := &Fabric{o: o, id: short(o.Home, 6), vpcs: map[VPC]*vpcState{}, policies: map[VPC]Policy{}}
	f.sweep(context.Background())
	return f, nil
}

// nsPrefix is the name prefix of a home's namespaces.
func nsPrefix(home string) string { return "ec2x-" + short(home, 6) + "-" }

// namespaces are the names of a home's namespaces.
func namespaces(home string) []string {
	ents, _ := os.ReadDir(nsDir)
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), nsPrefix(home)) {
			out = append(out, e.Name())
		}
	}
	return out
}

// sweep deletes the namespaces no guest holds a tap in any more (their
// guests ended while no daemon ran): a namespace with nothing but lo.
func (f *Fabric) sweep(ctx context.Context) {
	for _, ns := range namespaces(f.o.Home) {
		var devs []net.Interface
		if err := inNS(ns, func() (err error) { devs, err = net.Interfaces(); return }); err != nil {
			continue
		}
		if len(devs) <= 1 {
			_ = run(ctx, "", "ip", "netns", "del", ns)
		}
	}
}

// RemoveNamespaces deletes every namespace of a home's daemon, guests or
// not (a test's, when it ends).
func RemoveNamespaces(ctx context.Context, home string) error {
	var errs []error
	for _, ns := range namespaces(home) {
		errs = append(errs, run(ctx, "", "ip", "netns", "del", ns))
	}
	return errors.Join(errs...)
}

// short is n hex digits of a hash of parts.
func short(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:n]
}

// Namespace is the name of a VPC's namespace (for `ip netns exec`).
func (f *Fabric) Namespace(v VPC) string { return nsPrefix(f.o.Home) + short(v.String(), 10) }

// tapName is a NIC's tap: unique within its VPC's namespace, 15 bytes.
func tapName(nic string) string { return "e" + short(nic, 14) }

// routerOf is a subnet's router, its base +1, as in EC2.
func routerOf(p netip.Prefix) netip.Addr { return p.Masked().Addr().Next() }

// resolverOf is the resolver of a VPC's block, its base +2.
func resolverOf(p netip.Prefix) netip.Addr { return p.Masked().Addr().Next().Next() }

// vpc makes sure a VPC's namespace is there, set up, with its metadata
// listener; f.mu is held.
func (f *Fabric) vpc(ctx context.Context, v VPC) (*vpcState, error) {
	if st, ok := f.vpcs[v]; ok {
		return st, nil
	}
	ns := f.Namespace(v)
	if !nsExists(ns) {
		if err := run(ctx, "", "ip", "netns", "add", ns); err != nil {
			return nil, err
		}
	}
	// Defaults first, so that every tap made later gets them.
	if err := sysctl(ctx, ns, "net.ipv4.ip_forward=1", "net.ipv4.conf.default.proxy_arp=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
		"net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"); err != nil {
		return nil, err
	}
	if err := ipBatch(ctx, ns, "link set lo up", "addr replace 169.254.169.254/32 dev lo"); err != nil {
		return nil, err
	}
	if err := f.uplink(ctx, ns); err != nil {
		return nil, fmt.Errorf("the way out of %s: %w", ns, err)
	}
	st := &vpcState{ns: ns, ports: map[string]*plugged{}}
	if f.o.IMDS != nil {
		err := inNS(ns, func() error {
			l, err := net.Listen("tcp4", "169.254.169.254:80")
			st.imds = l
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("metadata service in %s: %w", ns, err)
		}
		go f.o.IMDS(v, st.imds)
	}
	f.vpcs[v] = st
	if err := f.apply(ctx, v, st); err != nil {
		return nil, err
	}
	return st, nil
}

// Plug makes a guest interface's tap in its VPC and returns the tap's
// file for QEMU (-netdev tap,fd=N); the caller closes its copy once
// QEMU holds one. DHCP answers the interface from then on.
func (f *Fabric) Plug(ctx context.Context, s PlugSpec) (*os.File, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, err := f.vpc(ctx, s.VPC)
	if err != nil {
		return nil, err
	}
	f.unplugLocked(st, s.NIC)
	tap := tapName(s.NIC)
	file, err := openTap(st.ns, tap)
	if err != nil {
		return nil, err
	}
	if err := f.wire(ctx, s.VPC, st, s, tap); err != nil {
		file.Close()
		return nil, err
	}
	return file, nil
}

// Resume wires an interface whose tap a running guest already holds (a
// daemon restarted while its guests ran): routes, DHCP and rules again.
func (f *Fabric) Resume(ctx context.Context, s PlugSpec) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, err := f.vpc(ctx, s.VPC)
	if err != nil {
		return err
	}
	f.unplugLocked(st, s.NIC)
	return f.wire(ctx, s.VPC, st, s, tapName(s.NIC))
}

// wire routes a tap's addresses to it, starts its DHCP and reloads the
// VPC's rules; f.mu is held.
func (f *Fabric) wire(ctx context.Context, v VPC, st *vpcState, s PlugSpec, tap string) error {
	if len(s.IPs) == 0 || !s.Subnet.IsValid() {
		return fmt.Errorf("interface %s: no address or subnet", s.NIC)
	}
	mac, err := net.ParseMAC(s.MAC)
	if err != nil {
		return fmt.Errorf("interface %s: %w", s.NIC, err)
	}
	router := routerOf(s.Subnet)
	// proxy_delay 0: the router answers ARP at once (the kernel delays
	// proxy answers by up to 0.8 s by default).
	lines := []string{"ntable change name arp_cache dev " + tap + " proxy_delay 0",
		"link set " + tap + " up", "addr replace " + router.String() + "/32 dev " + tap}
	for _, ip := range s.IPs {
		lines = append(lines, "route replace "+ip.String()+"/32 dev "+tap)
	}
	if err := ipBatch(ctx, st.ns, lines...); err != nil {
		return err
	}
	l := lease{mac: mac, ip: s.IPs[0], subnet: s.Subnet, router: router, hostname: s.Hostname}
	l.domain, l.dns = dhcpOptions(f.policies[v], s.Subnet)
	srv, err := startDHCP(st.ns, tap, l)
	if err != nil {
		return fmt.Errorf("DHCP for %s: %w", s.NIC, err)
	}
	st.ports[s.NIC] = &plugged{spec: s, tap: tap, dhcp: srv}
	if err := f.apply(ctx, v, st); err != nil {
		f.unplugLocked(st, s.NIC) // no DHCP for a tap that is going
		return err
	}
	return nil
}

// dhcpOptions are the domain and name servers DHCP gives a VPC's guests:
// the VPC's DHCP options, else its resolver at its base +2 (the subnet's
// until the VPC's blocks are known).
func dhcpOptions(p Policy, subnet netip.Prefix) (string, []netip.Addr) {
	dns := []netip.Addr{resolverOf(subnet)}
	if len(p.Cidrs) > 0 {
		dns = []netip.Addr{resolverOf(p.Cidrs[0])} // the VPC's, as in EC2
	}
	if len(p.DNS) > 0 {
		dns = nil
		for _, d := range p.DNS {
			if a, err := netip.ParseAddr(d); err == nil {
				dns = append(dns, a)
			}
		}
	}
	return p.DomainName, dns
}

// Unplug forgets an interface: its DHCP stops and its rules go. Its tap
// goes with the last file of it (its guest's QEMU).
func (f *Fabric) Unplug(ctx context.Context, v VPC, nic string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, ok := f.vpcs[v]
	if !ok {
		return nil
	}
	f.unplugLocked(st, nic)
	if len(st.ports) == 0 {
		// the last guest is gone: so is the namespace (a running guest
		// would hold its tap, and its namespace, until it ends)
		return f.removeLocked(ctx, v)
	}
	return f.apply(ctx, v, st)
}

func (f *Fabric) unplugLocked(st *vpcState, nic string) {
	if p, ok := st.ports[nic]; ok {
		p.dhcp.close()
		delete(st.ports, nic)
	}
}

// SetPolicy replaces a VPC's rules, in one transaction: flows that are
// still allowed carry on.
func (f *Fabric) SetPolicy(ctx context.Context, v VPC, p Policy) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.policies[v] = p
	st, ok := f.vpcs[v]
	if !ok { // no guest there yet: the rules wait for the first
		return nil
	}
	return f.apply(ctx, v, st)
}

// apply loads the VPC's ruleset; f.mu is held.
func (f *Fabric) apply(ctx context.Context, v VPC, st *vpcState) error {
	policy := f.policies[v]
	var ports []portRules
	for nic, pl := range st.ports {
		pl.dhcp.setOptions(dhcpOptions(policy, pl.spec.Subnet))
		pr := portRules{tap: pl.tap, subnet: pl.spec.Subnet.String(), ips: pl.spec.IPs}
		if ip := policy.iface(nic); ip != nil {
			pr.in, pr.out = ip.Ingress, ip.Egress
			if len(ip.IPs) > 0 {
				pr.ips = ip.IPs
			}
		}
		ports = append(ports, pr)
	}
	if err := f.resolvers(ctx, st, policy); err != nil {
		return err
	}
	return run(ctx, ruleset(&policy, ports, uplinkDev), "ip", "netns", "exec", st.ns, "nft", "-f", "-")
}

// resolvers keeps the VPC's resolver relay on the base +2 of each of
// its blocks; f.mu is held.
func (f *Fabric) resolvers(ctx context.Context, st *vpcState, p Policy) error {
	var at []netip.Addr
	for _, c := range p.Cidrs {
		at = append(at, resolverOf(c))
	}
	key := fmt.Sprint(at)
	if key == st.dnsAt {
		return nil
	}
	st.dns.close()
	st.dns, st.dnsAt = nil, ""
	r, err := f.startDNS(ctx, st.ns, at)
	if err != nil {
		return err
	}
	st.dns, st.dnsAt = r, key
	return nil
}

// Dial connects from inside a VPC's namespace: how the host reaches a
// guest's private address (SSH, port forwards).
func (f *Fabric) Dial(ctx context.Context, v VPC, network, addr string) (net.Conn, error) {
	f.mu.Lock()
	st, ok := f.vpcs[v]
	f.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("no guest of %s runs here", v)
	}
	var c net.Conn
	err := inNS(st.ns, func() error {
		var d net.Dialer
		var err error
		c, err = d.DialContext(ctx, network, addr)
		return err
	})
	return c, err
}

// VPCs are the VPCs with guests plugged in now: those whose rules matter.
func (f *Fabric) VPCs() []VPC {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]VPC, 0, len(f.vpcs))
	for v := range f.vpcs {
		out = append(out, v)
	}
	return out
}

// Close stops the fabric's servers (DHCP, metadata). The namespaces and
// the guests' taps stay: guests outlive the daemon, and the next one
// resumes them.
func (f *Fabric) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for v, st := range f.vpcs {
		for nic := range st.ports {
			f.unplugLocked(st, nic)
		}
		if st.imds != nil {
			_ = st.imds.Close()
		}
		st.dns.close()
		delete(f.vpcs, v)
	}
}

// Remove deletes a VPC's namespace and forgets its rules (the VPC is
// gone).
func (f *Fabric) Remove(ctx context.Context, v VPC) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.policies, v)
	return f.removeLocked(ctx, v)
}

func (f *Fabric) removeLocked(ctx context.Context, v VPC) error {
	if st, ok := f.vpcs[v]; ok {
		for nic := range st.ports {
			f.unplugLocked(st, nic)
		}
		if st.imds != nil {
			_ = st.imds.Close()
		}
		st.dns.close()
		delete(f.vpcs, v)
	}
	ns := f.Namespace(v)
	if !nsExists(ns) {
		return nil
	}
	return run(ctx, "", "ip", "netns", "del", ns)
}

// RemoveAll deletes every namespace of this fabric's daemon.
func (f *Fabric) RemoveAll(ctx context.Context) error {
	f.Close()
	return RemoveNamespaces(ctx, f.o.Home)
}
