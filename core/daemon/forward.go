package daemon

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/ec2x/ec2x/core"
	"github.com/ec2x/ec2x/core/instance"
	"github.com/ec2x/ec2x/core/network"
	"github.com/ec2x/ec2x/internal/netpipe"
	"github.com/rs/zerolog"
)

// The forwarder makes instances' public IPs real on this machine: for each
// public address of a guest on a driver with real guests (qemu's pool lies
// in 127.0.0.0/8), it listens on the ports the security groups open and
// relays connections to the guest. Ports no rule opens have no listener,
// so connections to them are refused; moving an Elastic IP moves the
// listeners with it.

// maxPortsPerRule bounds the listeners one rule opens; a wider rule (say
// all traffic, 0-65535) opens the usual service ports within its range.
const maxPortsPerRule = 64

var servicePorts = []int{22, 80, 443, 3000, 5000, 8000, 8080, 8443, 9000}

// rulePorts are the ports a rule gets listeners for.
func rulePorts(r network.PortRule) []int {
	var out []int
	if r.To-r.From < maxPortsPerRule {
		for p := r.From; p <= r.To; p++ {
			out = append(out, p)
		}
		return out
	}
	for _, p := range servicePorts {
		if p >= r.From && p <= r.To {
			out = append(out, p)
		}
	}
	return out
}

type listenKey struct {
	proto string // tcp or udp
	addr  string // public IP:port
}

type listenTarget struct {
	region, instance string
	device, port     int
}

type fwdListener struct {
	l      net.Listener   // tcp
	pc     net.PacketConn // udp
	target listenTarget
	ep     instance.PublicEndpoint
}

func (w *fwdListener) close() {
	if w.l != nil {
		_ = w.l.Close()
	}
	if w.pc != nil {
		_ = w.pc.Close()
	}
}

type forwarder struct {
	cloud  *core.Cloud
	log    zerolog.Logger
	mu     sync.Mutex
	ls     map[listenKey]*fwdListener
	failed map[string]bool // addresses that could not be bound, logged once
}

// runForwarder reconciles the listeners every interval until ctx ends.
func runForwarder(ctx context.Context, cloud *core.Cloud, log zerolog.Logger, every time.Duration) {
	f := &forwarder{cloud: cloud, log: log, ls: map[listenKey]*fwdListener{}, failed: map[string]bool{}}
	t := time.NewTicker(every)
	defer t.Stop()
	defer f.closeAll()
	for {
		f.reconcile(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (f *forwarder) reconcile(ctx context.Context) {
	want := map[listenKey]*fwdListener{}
	for _, ep := range f.cloud.PublicEndpoints(ctx) {
		for proto, rules := range map[string][]network.PortRule{"tcp": ep.Rules, "udp": ep.UDPRules} {
			for _, r := range rules {
				for _, p := range rulePorts(r) {
					k := listenKey{proto, net.JoinHostPort(ep.PublicIp, strconv.Itoa(p))}
					want[k] = &fwdListener{target: listenTarget{ep.Region, ep.InstanceId, ep.DeviceIndex, p}, ep: ep}
				}
			}
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for k, have := range f.ls {
		if w, ok := want[k]; !ok || w.target != have.target {
			have.close()
			delete(f.ls, k)
		} else {
			have.ep = w.ep // rules may have changed
		}
	}
	for k, w := range want {
		if _, ok := f.ls[k]; ok {
			continue
		}
		var err error
		if k.proto == "udp" {
			w.pc, err = net.ListenPacket("udp", k.addr)
		} else {
			w.l, err = net.Listen("tcp", k.addr)
		}
		if err != nil {
			if !f.failed[k.proto+k.addr] {
				f.failed[k.proto+k.addr] = true
				f.log.Warn().Err(err).Str("addr", k.addr).Str("proto", k.proto).Msg("cannot forward a public IP port (is the region's public pool on this machine?)")
			}
			continue
		}
		delete(f.failed, k.proto+k.addr)
		f.ls[k] = w
		if k.proto == "udp" {
			go f.serveUDP(k, w)
		} else {
			go f.accept(k, w)
		}
		f.log.Debug().Str("addr", k.addr).Str("instance", w.target.instance).Int("port", w.target.port).Msg("forwarding")
	}
}

func (f *forwarder) accept(k listenKey, w *fwdListener) {
	for {
		c, err := w.l.Accept()
		if err != nil {
			return
		}
		go f.relay(k, c)
	}
}

// relay checks the source against the current rules and pipes the
// connection to the guest.
func (f *forwarder) relay(k listenKey, c net.Conn) {
	defer c.Close()
	f.mu.Lock()
	w, ok := f.ls[k]
	var ep instance.PublicEndpoint
	if ok {
		ep = w.ep
	}
	f.mu.Unlock()
	src, err := netip.ParseAddrPort(c.RemoteAddr().String())
	if !ok || err != nil || !ep.Allows(src, w.target.port) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	addr, err := f.cloud.ForwardPort(ctx, w.target.region, w.target.instance, w.target.device, w.target.port)
	cancel()
	if err != nil {
		f.log.Warn().Err(err).Str("instance", w.target.instance).Msg("forward")
		return
	}
	g, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return
	}
	defer g.Close()
	netpipe.Join(c, g)
}

func (f *forwarder) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k, w := range f.ls {
		w.close()
		delete(f.ls, k)
	}
}
