package vpcnet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
)

// A test guest is a network namespace of its own with a tap "eth0"
// wired to the fabric's tap by copying frames both ways: the kernel on
// each side is real, only the cable is a loop in the test.

type guest struct {
	t   *testing.T
	ns  string
	mac string
	ip  netip.Addr
}

// newGuest plugs a guest interface into the fabric and returns its
// namespace, with eth0 up but without an address.
func newGuest(t *testing.T, f *Fabric, s PlugSpec) *guest {
	t.Helper()
	ctx := context.Background()
	ns := fmt.Sprintf("ec2xt-%s-%s", f.id, short(s.NIC, 6))
	if err := run(ctx, "", "ip", "netns", "add", ns); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run(context.Background(), "", "ip", "netns", "del", ns) })
	fabricSide, err := f.Plug(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	guestSide, err := openTap(ns, "eth0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fabricSide.Close(); guestSide.Close() })
	go pipeFrames(fabricSide, guestSide)
	go pipeFrames(guestSide, fabricSide)
	if err := ipBatch(ctx, ns, "link set lo up", "link set eth0 address "+s.MAC, "link set eth0 up"); err != nil {
		t.Fatal(err)
	}
	return &guest{t: t, ns: ns, mac: s.MAC}
}

// pipeFrames copies whole frames (a tap read is one frame).
func pipeFrames(from, to *os.File) {
	buf := make([]byte, 65536)
	for {
		n, err := from.Read(buf)
		if err != nil {
			return
		}
		if _, err := to.Write(buf[:n]); err != nil && !errors.Is(err, os.ErrClosed) {
			continue
		}
	}
}

// dhcp asks the fabric for eth0's address and configures what it says.
func (g *guest) dhcp() *nclient4.Lease {
	g.t.Helper()
	lease := g.lease()
	ack := lease.ACK
	ones, _ := ack.SubnetMask().Size()
	g.ip = netip.MustParseAddr(ack.YourIPAddr.String())
	if err := ipBatch(context.Background(), g.ns, fmt.Sprintf("addr add %s/%d dev eth0", ack.YourIPAddr, ones),
		"route add default via "+ack.Router()[0].String()); err != nil {
		g.t.Fatal(err)
	}
	return lease
}

// lease asks the fabric's DHCP for eth0's lease.
func (g *guest) lease() *nclient4.Lease {
	g.t.Helper()
	var lease *nclient4.Lease
	err := inNS(g.ns, func() error {
		c, err := nclient4.New("eth0", nclient4.WithTimeout(2*time.Second), nclient4.WithRetry(5))
		if err != nil {
			return err
		}
		defer c.Close()
		lease, err = c.Request(context.Background())
		return err
	})
	if err != nil {
		g.t.Fatalf("DHCP in %s: %v", g.ns, err)
	}
	return lease
}

// listen serves a TCP port inside the guest, answering each connection
// with the guest's name.
func (g *guest) listen(port int) {
	g.t.Helper()
	var l net.Listener
	if err := inNS(g.ns, func() (err error) { l, err = net.Listen("tcp4", fmt.Sprintf(":%d", port)); return }); err != nil {
		g.t.Fatal(err)
	}
	g.t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			_, _ = io.WriteString(c, g.ns)
			c.Close()
		}
	}()
}

// reach reports whether the guest gets an answer from addr within a
// short time (a dropped SYN times out).
func (g *guest) reach(addr string) (string, error) {
	var out string
	err := inNS(g.ns, func() error {
		c, err := net.DialTimeout("tcp4", addr, 1500*time.Millisecond)
		if err != nil {
			return err
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(3 * time.Second))
		b, err := io.ReadAll(c)
		out = string(b)
		return err
	})
	return out, err
}

// udpEcho answers every datagram on a UDP port with the guest's name.
func (g *guest) udpEcho(port int) {
	g.t.Helper()
	var c net.PacketConn
	if err := inNS(g.ns, func() (err error) { c, err = net.ListenPacket("udp4", fmt.Sprintf(":%d", port)); return }); err != nil {
		g.t.Fatal(err)
	}
	g.t.Cleanup(func() { c.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			_, from, err := c.ReadFrom(buf)
			if err != nil {
				return
			}
			_, _ = c.WriteTo([]byte(g.ns), from)
		}
	}()
}

// udpAsk sends a datagram to addr and waits briefly for an answer.
func (g *guest) udpAsk(addr string) (string, error) {
	var out string
	err := inNS(g.ns, func() error {
		c, err := net.Dial("udp4", addr)
		if err != nil {
			return err
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(1500 * time.Millisecond))
		if _, err := c.Write([]byte("ping")); err != nil {
			return err
		}
		buf := make([]byte, 1500)
		n, err := c.Read(buf)
		out = string(buf[:n])
		return err
	})
	return out, err
}
