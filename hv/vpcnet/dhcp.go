package vpcnet

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"golang.org/x/sys/unix"
)

// leaseTime is how long an address is leased: EC2's VPC DHCP gives an
// hour. The address never changes, so a lapsed lease is asked again.
const leaseTime = time.Hour

// lease is what one guest interface is told by DHCP.
type lease struct {
	mac      net.HardwareAddr
	ip       netip.Addr
	subnet   netip.Prefix
	router   netip.Addr
	dns      []netip.Addr
	domain   string
	hostname string
}

// dhcpServer answers one tap's DHCP: only the interface's own MAC gets
// an answer, and only its own address.
type dhcpServer struct {
	conn net.PacketConn
	mu   sync.Mutex // guards l's options, which the VPC's policy sets
	l    lease
	done chan struct{}
}

// setOptions changes what the next answers say of DNS and the domain.
func (s *dhcpServer) setOptions(domain string, dns []netip.Addr) {
	s.mu.Lock()
	s.l.domain, s.l.dns = domain, dns
	s.mu.Unlock()
}

// startDHCP listens on port 67 of a tap inside a namespace.
func startDHCP(ns, tap string, l lease) (*dhcpServer, error) {
	var conn net.PacketConn
	err := inNS(ns, func() error {
		lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) {
				if serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); serr != nil {
					return
				}
				if serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_BROADCAST, 1); serr != nil {
					return
				}
				serr = unix.BindToDevice(int(fd), tap)
			})
			if err != nil {
				return err
			}
			return serr
		}}
		var err error
		conn, err = lc.ListenPacket(context.Background(), "udp4", ":67")
		return err
	})
	if err != nil {
		return nil, err
	}
	s := &dhcpServer{conn: conn, l: l, done: make(chan struct{})}
	go s.serve()
	return s, nil
}

// close stops the server.
func (s *dhcpServer) close() {
	_ = s.conn.Close()
	<-s.done
}

func (s *dhcpServer) serve() {
	defer close(s.done)
	buf := make([]byte, 1500)
	bcast := &net.UDPAddr{IP: net.IPv4bcast, Port: 68}
	for {
		n, _, err := s.conn.ReadFrom(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		req, err := dhcpv4.FromBytes(buf[:n])
		if err != nil || req.OpCode != dhcpv4.OpcodeBootRequest || !bytes.Equal(req.ClientHWAddr, s.l.mac) {
			continue
		}
		if reply := s.answer(req); reply != nil {
			_, _ = s.conn.WriteTo(reply.ToBytes(), bcast)
		}
	}
}

// answer is the reply to a request (nil: none).
func (s *dhcpServer) answer(req *dhcpv4.DHCPv4) *dhcpv4.DHCPv4 {
	s.mu.Lock()
	l := s.l
	s.mu.Unlock()
	var typ dhcpv4.MessageType
	switch req.MessageType() {
	case dhcpv4.MessageTypeDiscover:
		typ = dhcpv4.MessageTypeOffer
	case dhcpv4.MessageTypeRequest:
		typ = dhcpv4.MessageTypeAck
		asked := req.RequestedIPAddress()
		if asked == nil || asked.IsUnspecified() {
			asked = req.ClientIPAddr
		}
		if !asked.Equal(l.ip.AsSlice()) {
			nak, err := dhcpv4.NewReplyFromRequest(req, dhcpv4.WithMessageType(dhcpv4.MessageTypeNak),
				dhcpv4.WithOption(dhcpv4.OptServerIdentifier(l.router.AsSlice())))
			if err != nil {
				return nil
			}
			return nak
		}
	case dhcpv4.MessageTypeInform:
		typ = dhcpv4.MessageTypeAck
	default:
		return nil
	}
	mods := []dhcpv4.Modifier{
		dhcpv4.WithMessageType(typ),
		dhcpv4.WithYourIP(l.ip.AsSlice()),
		dhcpv4.WithServerIP(l.router.AsSlice()),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(l.router.AsSlice())),
		dhcpv4.WithNetmask(net.CIDRMask(l.subnet.Bits(), 32)),
		dhcpv4.WithRouter(l.router.AsSlice()),
		dhcpv4.WithLeaseTime(uint32(leaseTime / time.Second)),
	}
	if len(l.dns) > 0 {
		var ips []net.IP
		for _, d := range l.dns {
			ips = append(ips, d.AsSlice())
		}
		mods = append(mods, dhcpv4.WithDNS(ips...))
	}
	if l.domain != "" {
		mods = append(mods, dhcpv4.WithOption(dhcpv4.OptDomainName(l.domain)))
	}
	if l.hostname != "" {
		mods = append(mods, dhcpv4.WithOption(dhcpv4.OptHostName(l.hostname)))
	}
	if typ == dhcpv4.MessageTypeAck && req.MessageType() == dhcpv4.MessageTypeInform {
		mods = append(mods, dhcpv4.WithYourIP(net.IPv4zero))
	}
	reply, err := dhcpv4.NewReplyFromRequest(req, mods...)
	if err != nil {
		return nil
	}
	reply.SetBroadcast()
	return reply
}
