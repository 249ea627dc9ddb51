package qemu

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/qemuguest"
	"github.com/ec2x/ec2x/hv/vpcnet"
)

// ForwardPort implements hv.PortForwarder with QEMU's hostfwd on the
// interface's user-mode network: a loopback port reaches the guest port.
func (d *Driver) ForwardPort(ctx context.Context, id string, deviceIndex, port int) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.get(id)
	if err != nil {
		return "", err
	}
	if g.pid == 0 {
		return "", fmt.Errorf("%w: %s is not running", hv.ErrInvalidState, id)
	}
	if deviceIndex == 0 && port == 22 {
		return "127.0.0.1:" + strconv.Itoa(g.SSHPort), nil
	}
	for _, n := range g.Spec.NICs {
		if n.DeviceIndex == deviceIndex && d.inVPC(n) {
			p, err := d.proxyPort(g, n, port, 0)
			if err != nil {
				return "", err
			}
			return "127.0.0.1:" + strconv.Itoa(p), nil
		}
	}
	key := strconv.Itoa(deviceIndex) + "/" + strconv.Itoa(port)
	if hp, ok := g.Forwards[key]; ok {
		return "127.0.0.1:" + strconv.Itoa(hp), nil
	}
	nd, ok := -1, false
	for _, n := range g.Spec.NICs {
		if n.DeviceIndex == deviceIndex {
			nd, ok = g.Netdevs[n.ID]
		}
	}
	if !ok {
		return "", fmt.Errorf("%w: %s has no interface at device index %d until it starts again", hv.ErrInvalidState, id, deviceIndex)
	}
	hp, err := qemuguest.FreePort()
	if err != nil {
		return "", err
	}
	var msg string
	cmd := fmt.Sprintf("hostfwd_add n%d tcp:127.0.0.1:%d-:%d", nd, hp, port)
	if err := qmp(ctx, g.path("qmp.sock"), "human-monitor-command", map[string]string{"command-line": cmd}, &msg); err != nil {
		return "", err
	}
	if strings.TrimSpace(msg) != "" {
		return "", fmt.Errorf("qemu %s: %s", cmd, strings.TrimSpace(msg))
	}
	if g.Forwards == nil {
		g.Forwards = map[string]int{}
	}
	g.Forwards[key] = hp
	_ = g.save()
	return "127.0.0.1:" + strconv.Itoa(hp), nil
}

// AttachNIC implements hv.NICHotPlugger: the NIC joins the guest's spec
// for every later start and, while the guest runs, is hot-plugged through
// QMP (a new user-mode network and virtio-net device).
func (d *Driver) AttachNIC(ctx context.Context, id string, nic hv.NIC) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.get(id)
	if err != nil {
		return err
	}
	for _, n := range g.Spec.NICs {
		if n.ID == nic.ID {
			return fmt.Errorf("%w: %s is already attached to %s", hv.ErrInvalidState, nic.ID, id)
		}
	}
	if g.pid > 0 {
		i := g.takeNetdev()
		if err := g.save(); err != nil {
			return err
		}
		if err := d.hotPlug(ctx, g, i, nic); err != nil {
			g.unplug(context.WithoutCancel(ctx), i) // whatever of it QEMU took
			return err
		}
		if g.Netdevs == nil {
			g.Netdevs = map[string]int{}
		}
		g.Netdevs[nic.ID] = i
	}
	g.Spec.NICs = append(g.Spec.NICs, nic)
	return g.save()
}

// takeNetdev hands out a netdev number no NIC of the running process has
// had: an unplugged NIC's netdev may not be gone yet (the guest
// acknowledges unplugs), and a failed hot-plug may have left one behind.
func (g *guest) takeNetdev() int {
	i := g.NextNetdev
	for _, n := range g.Netdevs {
		i = max(i, n+1)
	}
	g.NextNetdev = i + 1
	return i
}

// hotPlug adds netdev i, its traffic dumps and its virtio-net device: a
// tap in the NIC's VPC handed to QEMU over QMP, or a user-mode network.
func (d *Driver) hotPlug(ctx context.Context, g *guest, i int, nic hv.NIC) error {
	sock := g.path("qmp.sock")
	if d.inVPC(nic) {
		tap, err := d.opts.Fabric.Plug(ctx, plugSpec(g, nic))
		if err != nil {
			return err
		}
		name := fmt.Sprintf("tap%d", i)
		err = qmpWithFile(ctx, sock, "getfd", map[string]string{"fdname": name}, tap)
		tap.Close() // QEMU holds its own now
		if err != nil {
			return err
		}
		if err := qmp(ctx, sock, "netdev_add", map[string]any{"type": "tap", "id": fmt.Sprintf("n%d", i), "fd": name}, nil); err != nil {
			return err
		}
	} else {
		var msg string
		cmd := "netdev_add user," + qemuguest.NetdevOpts(i, nic)
		if err := qmp(ctx, sock, "human-monitor-command", map[string]string{"command-line": cmd}, &msg); err != nil {
			return err
		}
		if strings.TrimSpace(msg) != "" { // HMP reports errors as text
			return fmt.Errorf("qemu %s: %s", cmd, strings.TrimSpace(msg))
		}
	}
	if err := g.addDumps(ctx, i); err != nil {
		return err
	}
	dev := map[string]any{"driver": "virtio-net-pci", "netdev": fmt.Sprintf("n%d", i), "mac": nic.MAC, "id": fmt.Sprintf("d%d", i)}
	return qmp(ctx, sock, "device_add", dev, nil)
}

// unplug removes netdev i's traffic dumps and the netdev (its device is
// gone or going).
func (g *guest) unplug(ctx context.Context, i int) {
	g.delDumps(ctx, i)
	for _, d := range dumpDirs {
		delete(g.missingDumps, dumpID(i, d.name))
	}
	_ = qmp(ctx, g.path("qmp.sock"), "human-monitor-command", map[string]string{"command-line": fmt.Sprintf("netdev_del n%d", i)}, nil)
}

// DetachNIC implements hv.NICHotPlugger.
func (d *Driver) DetachNIC(ctx context.Context, id, nicID string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.get(id)
	if err != nil {
		return err
	}
	for i, n := range g.Spec.NICs {
		if n.ID != nicID {
			continue
		}
		if n.DeviceIndex == 0 {
			return fmt.Errorf("%w: the primary interface of %s cannot be detached", hv.ErrInvalidState, id)
		}
		if nd, ok := g.Netdevs[nicID]; ok && g.pid > 0 {
			if err := qmp(ctx, g.path("qmp.sock"), "device_del", map[string]any{"id": fmt.Sprintf("d%d", nd)}, nil); err != nil {
				return err
			}
			g.unplug(ctx, nd)
		}
		delete(g.Netdevs, nicID) // NextNetdev keeps its number from coming back
		if d.inVPC(n) {
			_ = d.opts.Fabric.Unplug(ctx, vpcnet.VPC{Region: g.Spec.Region, ID: n.VpcID}, n.ID)
			for key, l := range d.proxies[id] {
				if strings.HasPrefix(key, n.ID+"/") {
					_ = l.Close()
					delete(d.proxies[id], key)
				}
			}
		}
		// its forwards die with it; a NIC attached later at the same
		// device index gets its own
		for key := range g.Forwards {
			if strings.HasPrefix(key, strconv.Itoa(n.DeviceIndex)+"/") {
				delete(g.Forwards, key)
			}
		}
		g.Spec.NICs = append(g.Spec.NICs[:i:i], g.Spec.NICs[i+1:]...)
		return g.save()
	}
	return fmt.Errorf("%w: %s is not attached to %s", hv.ErrNotFound, nicID, id)
}
