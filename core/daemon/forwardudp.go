package daemon

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/ec2x/ec2x/core/instance"
)

// udpIdle is how long a UDP flow through a public IP lives without a
// datagram either way (conntrack's default for an unanswered flow).
const udpIdle = 30 * time.Second

// serveUDP relays datagrams to a public IP's UDP port into the guest,
// one flow per client address, each with a socket into the guest's
// network that carries the guest's answers back. The rules are checked
// for each datagram: a rule revoked stops a flow at once.
func (f *forwarder) serveUDP(k listenKey, w *fwdListener) {
	var mu sync.Mutex
	flows := map[string]net.Conn{}
	buf := make([]byte, 65535)
	for {
		n, from, err := w.pc.ReadFrom(buf)
		if err != nil {
			mu.Lock()
			for _, c := range flows {
				c.Close()
			}
			mu.Unlock()
			return
		}
		src, err := netip.ParseAddrPort(from.String())
		if err != nil || !f.endpoint(k).AllowsUDP(src, w.target.port) {
			continue
		}
		mu.Lock()
		c, ok := flows[from.String()]
		mu.Unlock()
		if !ok {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			c, err = f.cloud.DialGuest(ctx, w.target.region, w.target.instance, w.target.device, "udp", w.target.port)
			cancel()
			if err != nil {
				f.log.Debug().Err(err).Str("instance", w.target.instance).Msg("forward udp")
				continue
			}
			mu.Lock()
			flows[from.String()] = c
			mu.Unlock()
			go func(c net.Conn, to net.Addr, src netip.AddrPort) {
				defer func() {
					mu.Lock()
					delete(flows, to.String())
					mu.Unlock()
					c.Close()
				}()
				ans := make([]byte, 65535)
				for {
					_ = c.SetReadDeadline(time.Now().Add(udpIdle))
					m, err := c.Read(ans)
					if err != nil {
						return
					}
					if f.endpoint(k).AllowsUDP(src, w.target.port) {
						_, _ = w.pc.WriteTo(ans[:m], to)
					}
				}
			}(c, from, src)
		}
		_, _ = c.Write(buf[:n])
	}
}

// endpoint is a listener's current endpoint (its rules as of the last
// reconcile).
func (f *forwarder) endpoint(k listenKey) *instance.PublicEndpoint {
	f.mu.Lock()
	defer f.mu.Unlock()
	if w, ok := f.ls[k]; ok {
		ep := w.ep
		return &ep
	}
	return &instance.PublicEndpoint{}
}
