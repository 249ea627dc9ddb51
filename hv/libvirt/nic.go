package libvirt

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	golibvirt "github.com/digitalocean/go-libvirt"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/qemuguest"
)

// The NICs are QEMU's user-mode networks on its command line (domain.go),
// unknown to libvirt, so they are hot-plugged and forwarded through
// libvirt's passage to QEMU's monitor (virsh qemu-monitor-command), with
// the same commands hv/qemu sends on its own QMP socket.

// monitorHMP is the flag of QEMUDomainMonitorCommand for a human monitor
// command (VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP); 0 is QMP.
const monitorHMP = 1

// hmp runs a human monitor command; HMP reports failures as text.
func hmp(l *golibvirt.Libvirt, dom golibvirt.Domain, cmd string) error {
	out, err := l.QEMUDomainMonitorCommand(dom, cmd, monitorHMP)
	if err != nil {
		return fmt.Errorf("qemu %s: %w", cmd, err)
	}
	if msg := strings.TrimSpace(out); msg != "" {
		return fmt.Errorf("qemu %s: %s", cmd, msg)
	}
	return nil
}

// qmp runs a QMP command with arguments.
func qmp(l *golibvirt.Libvirt, dom golibvirt.Domain, command string, args any) error {
	_, err := qmpReturn(l, dom, command, args)
	return err
}

// qmpReturn runs a QMP command with arguments and returns what it returned.
func qmpReturn(l *golibvirt.Libvirt, dom golibvirt.Domain, command string, args any) (json.RawMessage, error) {
	b, err := json.Marshal(map[string]any{"execute": command, "arguments": args})
	if err != nil {
		return nil, err
	}
	out, err := l.QEMUDomainMonitorCommand(dom, string(b), 0)
	if err != nil {
		return nil, fmt.Errorf("qemu %s: %w", command, err)
	}
	var r struct {
		Return json.RawMessage `json:"return"`
		Error  *struct {
			Desc string `json:"desc"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		return nil, fmt.Errorf("qemu %s: %v", command, err)
	}
	if r.Error != nil {
		return nil, fmt.Errorf("qemu %s: %s", command, r.Error.Desc)
	}
	return r.Return, nil
}

// running returns a guest whose domain runs, with op held.
func (d *Driver) running(id string) (*guest, error) {
	g, err := d.get(id)
	if err != nil {
		return nil, err
	}
	if !d.isRunning(g) {
		g.op.Unlock()
		return nil, fmt.Errorf("%w: %s is not running", hv.ErrInvalidState, id)
	}
	return g, nil
}

// ForwardPort implements hv.PortForwarder with QEMU's hostfwd on the
// NIC's user-mode network: a port on the host's loopback (this
// machine's) reaches the guest's port.
func (d *Driver) ForwardPort(ctx context.Context, id string, deviceIndex, port int) (string, error) {
	g, err := d.running(id)
	if err != nil {
		return "", err
	}
	defer g.op.Unlock()
	d.mu.Lock()
	key := strconv.Itoa(deviceIndex) + "/" + strconv.Itoa(port)
	hp, ok := g.m.Forwards[key]
	if deviceIndex == 0 && port == 22 {
		hp, ok = g.m.SSHPort, true
	}
	nd := -1
	for _, n := range g.m.Spec.NICs {
		if i, has := g.m.Netdevs[n.ID]; has && n.DeviceIndex == deviceIndex {
			nd = i
		}
	}
	d.mu.Unlock()
	if ok {
		return "127.0.0.1:" + strconv.Itoa(hp), nil
	}
	if nd < 0 {
		return "", fmt.Errorf("%w: %s has no interface at device index %d until it starts again", hv.ErrInvalidState, id, deviceIndex)
	}
	l, err := d.client()
	if err != nil {
		return "", err
	}
	if hp, err = qemuguest.FreePort(); err != nil {
		return "", err
	}
	if err := hmp(l, g.dom, fmt.Sprintf("hostfwd_add n%d tcp:127.0.0.1:%d-:%d", nd, hp, port)); err != nil {
		return "", err
	}
	d.mu.Lock()
	if g.m.Forwards == nil {
		g.m.Forwards = map[string]int{}
	}
	g.m.Forwards[key] = hp
	d.mu.Unlock()
	d.save(l, g)
	return "127.0.0.1:" + strconv.Itoa(hp), nil
}

// save writes the guest's metadata into its definition (op held); a
// failure loses only what a later daemon would re-attach with.
func (d *Driver) save(l *golibvirt.Libvirt, g *guest) {
	if err := d.define(l, g); err != nil {
		d.opts.Logger.Warn().Err(err).Str("guest", g.m.Spec.ID).Msg("save metadata")
	}
}

// AttachNIC implements hv.NICHotPlugger: the NIC joins the guest's spec
// for every later start and, while the guest runs, is hot-plugged (a new
// user-mode network and virtio-net device).
func (d *Driver) AttachNIC(ctx context.Context, id string, nic hv.NIC) error {
	g, l, err := d.hold(id)
	if err != nil {
		return err
	}
	defer g.op.Unlock()
	d.mu.Lock()
	for _, n := range g.m.Spec.NICs {
		if n.ID == nic.ID {
			d.mu.Unlock()
			return fmt.Errorf("%w: %s is already attached to %s", hv.ErrInvalidState, nic.ID, id)
		}
	}
	running := g.running
	i := g.m.NextNetdev
	for _, n := range g.m.Netdevs {
		i = max(i, n+1)
	}
	if running {
		// never a number a NIC of this run has had, even one whose
		// hot-plug failed or whose unplug the guest has not finished
		g.m.NextNetdev = i + 1
	}
	d.mu.Unlock()
	if running {
		if err := hmp(l, g.dom, "netdev_add user,"+qemuguest.NetdevOpts(i, nic)); err != nil {
			return err
		}
		dev := map[string]any{"driver": "virtio-net-pci", "netdev": fmt.Sprintf("n%d", i), "mac": nic.MAC, "id": fmt.Sprintf("d%d", i)}
		if err := qmp(l, g.dom, "device_add", dev); err != nil {
			_ = hmp(l, g.dom, fmt.Sprintf("netdev_del n%d", i))
			return err
		}
	}
	d.mu.Lock()
	if running {
		if g.m.Netdevs == nil {
			g.m.Netdevs = map[string]int{}
		}
		g.m.Netdevs[nic.ID] = i
	}
	g.m.Spec.NICs = append(g.m.Spec.NICs, nic)
	d.mu.Unlock()
	d.save(l, g)
	return nil
}

// DetachNIC implements hv.NICHotPlugger.
func (d *Driver) DetachNIC(ctx context.Context, id, nicID string) error {
	g, l, err := d.hold(id)
	if err != nil {
		return err
	}
	defer g.op.Unlock()
	d.mu.Lock()
	at, nd, plugged := -1, 0, false
	var nic hv.NIC
	for i, n := range g.m.Spec.NICs {
		if n.ID == nicID {
			at, nic = i, n
			nd, plugged = g.m.Netdevs[nicID]
		}
	}
	running := g.running
	d.mu.Unlock()
	if at < 0 {
		return fmt.Errorf("%w: %s is not attached to %s", hv.ErrNotFound, nicID, id)
	}
	if nic.DeviceIndex == 0 {
		return fmt.Errorf("%w: the primary interface of %s cannot be detached", hv.ErrInvalidState, id)
	}
	if plugged && running {
		if err := qmp(l, g.dom, "device_del", map[string]any{"id": fmt.Sprintf("d%d", nd)}); err != nil {
			return err
		}
		_ = hmp(l, g.dom, fmt.Sprintf("netdev_del n%d", nd))
	}
	d.mu.Lock()
	delete(g.m.Netdevs, nicID) // NextNetdev keeps its number from coming back
	// its forwards die with it; a NIC attached later at the same device
	// index gets its own
	for key := range g.m.Forwards {
		if strings.HasPrefix(key, strconv.Itoa(nic.DeviceIndex)+"/") {
			delete(g.m.Forwards, key)
		}
	}
	g.m.Spec.NICs = append(g.m.Spec.NICs[:at:at], g.m.Spec.NICs[at+1:]...)
	d.mu.Unlock()
	d.save(l, g)
	return nil
}
