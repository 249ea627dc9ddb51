package vpcnet

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"
)

// A VPC's way out: a veth pair from its namespace to the host. The
// namespace masquerades what its guests send out behind its end of the
// pair, and the host masquerades that behind its own addresses, so that
// guests reach the package mirror as EC2 instances reach the internet
// through an internet gateway. Only subnets whose route table sends
// 0.0.0.0/0 to an internet gateway get out (SubnetPolicy.Internet).
// Guests also get the VPC's resolver at its base +2: a relay to the
// host's own name server.

// uplinkDev is the namespace's end of the pair.
const uplinkDev = "up0"

// uplinkNet is where the pairs' /30s are carved: the shared address
// space of RFC 6598, which no guest network or home network routes.
var uplinkNet = netip.MustParsePrefix("100.64.0.0/10")

// hostNATTable is the host's nftables table for the pairs' masquerade
// (one for every daemon: the rule is the same).
const hostNATTable = "ec2x_nat"

// uplinkAddrs are a namespace's /30: the host's end, then its own.
func uplinkAddrs(ns string) (host, inside netip.Addr) {
	b := uplinkNet.Addr().As4()
	base := binary.BigEndian.Uint32(b[:])
	idx := uint32(0)
	for _, c := range []byte(short(ns, 8)) {
		idx = idx*31 + uint32(c)
	}
	n := base + (idx%(1<<20))*4 // 2^20 /30s in a /10
	var a [4]byte
	binary.BigEndian.PutUint32(a[:], n+1)
	host = netip.AddrFrom4(a)
	return host, host.Next()
}

// hostDev is the host's end of a namespace's pair (15 bytes at most).
func hostDev(ns string) string { return "x" + short(ns, 14) }

// uplink gives a namespace its pair, its default route and the host's
// masquerade; f.mu is held.
func (f *Fabric) uplink(ctx context.Context, ns string) error {
	host, inside := uplinkAddrs(ns)
	dev := hostDev(ns)
	var missing error
	if err := inNS(ns, func() error { _, missing = net.InterfaceByName(uplinkDev); return nil }); err != nil {
		return err
	}
	if missing != nil {
		// A namespace deleted a moment ago is torn down asynchronously:
		// its pair's host end may still be there, so it goes first.
		if _, err := net.InterfaceByName(dev); err == nil {
			_ = run(ctx, "", "ip", "link", "del", dev)
		}
		if err := run(ctx, "", "ip", "link", "add", dev, "type", "veth", "peer", "name", uplinkDev, "netns", ns); err != nil {
			return err
		}
	}
	if err := ipBatch(ctx, "", "addr replace "+host.String()+"/30 dev "+dev, "link set "+dev+" up"); err != nil {
		return err
	}
	if err := ipBatch(ctx, ns, "addr replace "+inside.String()+"/30 dev "+uplinkDev, "link set "+uplinkDev+" up",
		"route replace default via "+host.String()); err != nil {
		return err
	}
	// The host forwards for the namespaces, as for containers.
	if err := os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("1\n"), 0o644); err != nil {
		return fmt.Errorf("host forwarding: %w", err)
	}
	script := fmt.Sprintf("table ip %s {}\nflush table ip %s\ntable ip %s {\n\tchain post {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n"+
		"\t\tip saddr %s oifname != \"x*\" masquerade\n\t}\n}\n", hostNATTable, hostNATTable, hostNATTable, uplinkNet)
	return run(ctx, script, "nft", "-f", "-")
}

// dnsRelay answers a VPC's resolver addresses inside its namespace by
// asking the host's name server.
type dnsRelay struct {
	conns []net.PacketConn
}

// upstreamDNS is the host's first name server (Options.DNS wins).
func (f *Fabric) upstreamDNS() string {
	if f.o.DNS != "" {
		return f.o.DNS
	}
	b, err := os.ReadFile("/etc/resolv.conf")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if fs := strings.Fields(line); len(fs) == 2 && fs[0] == "nameserver" {
			return net.JoinHostPort(fs[1], "53")
		}
	}
	return ""
}

// startDNS listens on each resolver address (added to the namespace's
// lo) and relays queries upstream.
func (f *Fabric) startDNS(ctx context.Context, ns string, resolvers []netip.Addr) (*dnsRelay, error) {
	up := f.upstreamDNS()
	if up == "" {
		return &dnsRelay{}, nil
	}
	r := &dnsRelay{}
	for _, a := range resolvers {
		if err := ipBatch(ctx, ns, "addr replace "+a.String()+"/32 dev lo"); err != nil {
			r.close()
			return nil, err
		}
		var c net.PacketConn
		err := inNS(ns, func() (err error) { c, err = net.ListenPacket("udp4", net.JoinHostPort(a.String(), "53")); return })
		if err != nil {
			r.close()
			return nil, err
		}
		r.conns = append(r.conns, c)
		go relayDNS(c, up)
	}
	return r, nil
}

func (r *dnsRelay) close() {
	if r == nil {
		return
	}
	for _, c := range r.conns {
		_ = c.Close()
	}
}

// relayDNS forwards each query to the upstream server from a socket of
// the host's and sends its answer back.
func relayDNS(c net.PacketConn, upstream string) {
	buf := make([]byte, 4096)
	for {
		n, from, err := c.ReadFrom(buf)
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		q := append([]byte(nil), buf[:n]...)
		go func() {
			u, err := net.Dial("udp", upstream)
			if err != nil {
				return
			}
			defer u.Close()
			_ = u.SetDeadline(time.Now().Add(5 * time.Second))
			if _, err := u.Write(q); err != nil {
				return
			}
			ans := make([]byte, 4096)
			m, err := u.Read(ans)
			if err != nil {
				return
			}
			_, _ = c.WriteTo(ans[:m], from)
		}()
	}
}
