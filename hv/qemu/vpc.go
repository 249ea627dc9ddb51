package qemu

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"time"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/vpcnet"
	"github.com/ec2x/ec2x/internal/netpipe"
)

// With a guest network fabric (hv.Options.Fabric), a NIC in a VPC is a
// tap in its VPC's namespace instead of a user-mode network of its own:
// guests of one VPC reach each other at their private addresses, and the
// host reaches a guest port through a loopback listener of the driver
// that connects from inside the VPC.

// inVPC reports whether a NIC goes into the fabric.
func (d *Driver) inVPC(nic hv.NIC) bool {
	return d.opts.Fabric != nil && nic.VpcID != "" && nic.Subnet.IsValid()
}

// plugSpec is a NIC as the fabric plugs it.
func plugSpec(g *guest, nic hv.NIC) vpcnet.PlugSpec {
	s := vpcnet.PlugSpec{VPC: vpcnet.VPC{Region: g.Spec.Region, ID: nic.VpcID}, NIC: nic.ID, MAC: nic.MAC, Subnet: nic.Subnet}
	for _, a := range append([]string{nic.PrivateIP}, nic.SecondaryIP...) {
		if ip, err := netip.ParseAddr(a); err == nil {
			s.IPs = append(s.IPs, ip)
		}
	}
	if nic.DeviceIndex == 0 {
		s.Hostname = g.Spec.Hostname
	}
	return s
}

// plugAll plugs a starting guest's VPC NICs: their tap files, to pass to
// QEMU (ExtraFiles), and the fd number each NIC's netdev reads.
func (d *Driver) plugAll(ctx context.Context, g *guest) ([]*os.File, map[string]int, error) {
	var files []*os.File
	fds := map[string]int{}
	for _, nic := range g.Spec.NICs {
		if !d.inVPC(nic) {
			continue
		}
		f, err := d.opts.Fabric.Plug(ctx, plugSpec(g, nic))
		if err != nil {
			closeAll(files)
			return nil, nil, err
		}
		fds[nic.ID] = 3 + len(files) // ExtraFiles start at fd 3
		files = append(files, f)
	}
	return files, fds, nil
}

func closeAll(fs []*os.File) {
	for _, f := range fs {
		f.Close()
	}
}

// resumeAll wires the VPC NICs of a guest found running after a restart.
func (d *Driver) resumeAll(ctx context.Context, g *guest) {
	for _, nic := range g.Spec.NICs {
		if d.inVPC(nic) {
			if err := d.opts.Fabric.Resume(ctx, plugSpec(g, nic)); err != nil {
				d.opts.Logger.Warn().Err(err).Str("guest", g.Spec.ID).Str("nic", nic.ID).Msg("resume a guest's private network")
			}
		}
	}
}

// unplugAll forgets a guest's VPC NICs and closes its port listeners;
// d.mu is held.
func (d *Driver) unplugAll(g *guest) {
	for _, nic := range g.Spec.NICs {
		if d.inVPC(nic) {
			_ = d.opts.Fabric.Unplug(context.Background(), vpcnet.VPC{Region: g.Spec.Region, ID: nic.VpcID}, nic.ID)
		}
	}
	for k, l := range d.proxies[g.Spec.ID] {
		_ = l.Close()
		delete(d.proxies[g.Spec.ID], k)
	}
	delete(d.proxies, g.Spec.ID)
}

// proxyPort is a loopback port that reaches a guest port on a VPC NIC,
// listening at want if it can (0: any port); d.mu is held.
func (d *Driver) proxyPort(g *guest, nic hv.NIC, port, want int) (int, error) {
	key := nic.ID + "/" + strconv.Itoa(port)
	if l, ok := d.proxies[g.Spec.ID][key]; ok {
		return l.Addr().(*net.TCPAddr).Port, nil
	}
	l, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(want)))
	if err != nil && want != 0 {
		l, err = net.Listen("tcp4", "127.0.0.1:0")
	}
	if err != nil {
		return 0, err
	}
	if d.proxies[g.Spec.ID] == nil {
		d.proxies[g.Spec.ID] = map[string]net.Listener{}
	}
	d.proxies[g.Spec.ID][key] = l
	vpc := vpcnet.VPC{Region: g.Spec.Region, ID: nic.VpcID}
	target := net.JoinHostPort(nic.PrivateIP, strconv.Itoa(port))
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go d.relay(c, vpc, target)
		}
	}()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// relay pipes a loopback connection to a guest port inside its VPC.
func (d *Driver) relay(c net.Conn, vpc vpcnet.VPC, target string) {
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	g, err := d.opts.Fabric.Dial(ctx, vpc, "tcp4", target)
	cancel()
	if err != nil {
		return
	}
	defer g.Close()
	netpipe.Join(c, g)
}

// primaryNIC is the guest's NIC at device index 0.
func primaryNIC(g *guest) (hv.NIC, bool) {
	for _, n := range g.Spec.NICs {
		if n.DeviceIndex == 0 {
			return n, true
		}
	}
	return hv.NIC{}, false
}

// sshProxy gives a guest whose primary NIC is in a VPC its SSH port: a
// proxy at g.SSHPort (kept across daemon restarts where it can be);
// d.mu is held.
func (d *Driver) sshProxy(g *guest) error {
	nic, ok := primaryNIC(g)
	if !ok || !d.inVPC(nic) {
		return nil
	}
	p, err := d.proxyPort(g, nic, 22, g.SSHPort)
	if err != nil {
		return fmt.Errorf("SSH to %s: %w", g.Spec.ID, err)
	}
	g.SSHPort = p
	return nil
}

// GuestNetwork says how guests are networked: their VPC's private
// network, or a network of each guest's own and why.
func (d *Driver) GuestNetwork() string {
	if d.opts.Fabric != nil {
		return "vpc"
	}
	if d.opts.GuestNetwork != "" {
		return "user (" + d.opts.GuestNetwork + ")"
	}
	return "user"
}

// DialGuest implements hv.GuestDialer for NICs in a VPC: a connection
// made from inside the VPC to the NIC's private address.
func (d *Driver) DialGuest(ctx context.Context, id string, deviceIndex int, network string, port int) (net.Conn, error) {
	d.mu.Lock()
	g, err := d.get(id)
	if err == nil && g.pid == 0 {
		err = fmt.Errorf("%w: %s is not running", hv.ErrInvalidState, id)
	}
	var nic hv.NIC
	found := false
	if err == nil {
		for _, n := range g.Spec.NICs {
			if n.DeviceIndex == deviceIndex {
				nic, found = n, true
			}
		}
	}
	region := ""
	if g != nil {
		region = g.Spec.Region
	}
	d.mu.Unlock()
	switch {
	case err != nil:
		return nil, err
	case !found:
		return nil, fmt.Errorf("%w: %s has no interface at device index %d", hv.ErrNotFound, id, deviceIndex)
	case !d.inVPC(nic):
		return nil, fmt.Errorf("%w: %s's interface %d has a user-mode network (no private VPC network here)", hv.ErrUnsupported, id, deviceIndex)
	case network != "tcp" && network != "udp":
		return nil, fmt.Errorf("%w: network %q", hv.ErrUnsupported, network)
	}
	return d.opts.Fabric.Dial(ctx, vpcnet.VPC{Region: region, ID: nic.VpcID}, network+"4", net.JoinHostPort(nic.PrivateIP, strconv.Itoa(port)))
}
