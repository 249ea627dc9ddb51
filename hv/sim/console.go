package sim

import (
	"bytes"
	"context"
	"fmt"
	"math/bits"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/ec2x/ec2x/hv"
)

// maxConsole is how much console EC2's GetConsoleOutput keeps: the last 64 KiB.
const maxConsole = 64 << 10

// pruneAt is the event count from which record drops events whose text
// lies wholly before the last maxConsole bytes.
const pruneAt = 32

type evKind uint8

const (
	evBoot      evKind = iota // power-on boot
	evReboot                  // OS reboot: a shutdown, then a boot
	evHalt                    // graceful shutdown
	evPowerOff                // forced power off: prints nothing, cuts the text before it short
	evNote                    // a line the host wrote (a spot notice); ref indexes guest.notes
	evHibernate               // memory written to disk, then power off; ref: the boot's origin
	evResume                  // the same boot back from its image; ref: the boot's shifted origin
)

// event is one entry of a guest's power history, from which the console is
// rendered. Text of an event never depends on older events, so old ones can
// be dropped.
type event struct {
	at    int64  // unix ns
	ref   int64  // reboot, halt: unix ns the boot being ended began
	boot  uint32 // boot, reboot: the boot begun; halt, power off: the boot ended
	mem   uint32 // boot, reboot: MiB at that boot
	vcpus uint16 // boot, reboot: vCPUs at that boot
	kind  evKind
}

// record appends ev to g's history and, now and then, drops history that
// can no longer reach the console. d.mu must be held.
func (d *Driver) record(g *guest, ev event, now time.Time) {
	g.events = append(g.events, ev)
	n := len(g.events)
	if n < pruneAt || n%8 != 0 {
		return
	}
	v := d.view(g)
	t := now.UnixNano()
	size := 0
	var buf []byte
	for i := n - 1; i > 0; i-- {
		buf = v.chunk(buf[:0], i, t)
		// Strictly more, so the byte before the 64 KiB window is kept and
		// the line-boundary trim comes out the same.
		if size += len(buf); size > maxConsole {
			g.events = slices.Clone(g.events[i:])
			oldest := g.events[0].boot
			g.nics = slices.DeleteFunc(g.nics, func(r nicRec) bool {
				return r.until != stillAttached && r.until <= oldest
			})
			return
		}
	}
}

// view is a copy of what a guest's console is rendered from, so rendering
// runs without the driver's lock.
type view struct {
	guest
	seed             int64
	bootDur, stopDur time.Duration
}

func (d *Driver) view(g *guest) *view {
	v := &view{guest: *g, seed: d.opts.Seed, bootDur: d.opts.Boot, stopDur: d.opts.Stop}
	v.nics = slices.Clone(g.nics)
	v.events = slices.Clone(g.events)
	v.timer = nil
	return v
}

// Console renders the guest's console log: the last 64 KiB of everything
// its boots and shutdowns printed, cut at a line boundary.
func (d *Driver) Console(ctx context.Context, id string) ([]byte, error) {
	d.mu.Lock()
	g, err := d.lookup(ctx, id)
	if err != nil {
		d.mu.Unlock()
		return nil, err
	}
	v := d.view(g)
	now := d.clk.Now().UnixNano()
	d.mu.Unlock()
	// Render newest first and stop once the window is full: older text
	// would be cut anyway.
	var chunks [][]byte
	size := 0
	for i := len(v.events) - 1; i >= 0 && size <= maxConsole; i-- {
		c := v.chunk(nil, i, now)
		chunks = append(chunks, c)
		size += len(c)
	}
	b := make([]byte, 0, size)
	for i := len(chunks) - 1; i >= 0; i-- {
		b = append(b, chunks[i]...)
	}
	return tail(b), nil
}

// tail keeps the last maxConsole bytes of b, starting at a line.
func tail(b []byte) []byte {
	if len(b) <= maxConsole {
		return b
	}
	cut := len(b) - maxConsole
	if b[cut-1] != '\n' {
		i := bytes.IndexByte(b[cut:], '\n')
		if i < 0 {
			return []byte{}
		}
		cut += i + 1
	}
	return bytes.Clone(b[cut:])
}

// chunk appends the text of event i as seen at now: an event still in
// progress (a boot, say) shows only the lines printed so far.
func (v *view) chunk(b []byte, i int, now int64) []byte {
	ev := v.events[i]
	end := now
	if i+1 < len(v.events) {
		end = v.events[i+1].at
	}
	switch ev.kind {
	case evBoot:
		return v.boot(b, ev, end)
	case evReboot:
		b = v.shutdown(b, ev, end, true)
		return v.boot(b, ev, end)
	case evHalt:
		return v.shutdown(b, ev, end, false)
	case evHibernate:
		return v.hibernate(b, ev, end)
	case evResume:
		return v.resume(b, ev, end)
	case evNote:
		if v.notes != nil && int(ev.ref) < len(*v.notes) {
			b = append(b, (*v.notes)[ev.ref]...)
			b = append(b, '\n')
		}
	}
	return b
}

// writer prints lines at natural offsets from a start time. Offsets are
// scaled by num/den to the configured boot or stop time, and lines whose
// scaled offset lies after limit are not printed yet.
type writer struct {
	b        []byte
	at       int64         // wall time of offset 0, unix ns
	up       time.Duration // kernel uptime at offset 0
	num, den time.Duration // scale; num == 0 means unscaled and no limit
	limit    time.Duration
	t, cap   time.Duration // natural offset of the next line, and its ceiling
	hidden   bool
}

// off is the scaled offset of the next line.
func (w *writer) off() time.Duration {
	if w.num == 0 {
		return w.t
	}
	hi, lo := bits.Mul64(uint64(w.t), uint64(w.num))
	q, _ := bits.Div64(hi, lo, uint64(w.den)) // exact: t = den gives num
	return time.Duration(q)
}

func (w *writer) visible() bool {
	if !w.hidden && w.num != 0 && w.off() > w.limit {
		w.hidden = true
	}
	return !w.hidden
}

// step moves time on by d within the current phase.
func (w *writer) step(d time.Duration) { w.t = min(w.t+d, w.cap) }

// phase starts a phase that runs from start to end.
func (w *writer) phase(start, end time.Duration) { w.t, w.cap = max(w.t, start), end }

// kern prints a line with a kernel timestamp.
func (w *writer) kern(format string, args ...any) {
	if !w.visible() {
		return
	}
	up := w.up + w.off()
	w.b = fmt.Appendf(w.b, "[%5d.%06d] ", up/time.Second, up%time.Second/time.Microsecond)
	w.b = fmt.Appendf(w.b, format, args...)
	w.b = append(w.b, '\n')
}

// plain prints a line as is.
func (w *writer) plain(s string) {
	if w.visible() {
		w.b = append(w.b, s...)
		w.b = append(w.b, '\n')
	}
}

// unit prints a systemd status line: ok is "[  OK  ] verb", else "         verb".
func (w *writer) unit(ok bool, verb, unit, desc string) {
	if !w.visible() {
		return
	}
	if ok {
		w.b = append(w.b, "[  OK  ] "...)
	} else {
		w.b = append(w.b, "         "...)
	}
	w.b = fmt.Appendf(w.b, "%s %s", verb, unit)
	if desc != "" {
		w.b = fmt.Appendf(w.b, " - %s", desc)
	}
	if !ok {
		w.b = append(w.b, "..."...)
	} else {
		w.b = append(w.b, '.')
	}
	w.b = append(w.b, '\n')
}

// wall is the wall-clock time of the next line, as cloud-init prints it.
func (w *writer) wall() string {
	return time.Unix(0, w.at+int64(w.off())).UTC().Format("Mon, 02 Jan 2006 15:04:05 -0700")
}

// uptime is the scaled offset in seconds, as cloud-init's "Up" prints it.
func (w *writer) uptime() string {
	return fmt.Sprintf("%.2f", (w.up + w.off()).Seconds())
}

// shutdown appends systemd's shutdown of the boot that ev ends: over the
// stop time for a halt, at once for a reboot.
func (v *view) shutdown(b []byte, ev event, end int64, reboot bool) []byte {
	r := newRNG(v.seed, v.id, "halt", uint64(ev.boot))
	total := r.between(900*time.Millisecond, 1800*time.Millisecond)
	w := &writer{b: b, at: ev.at, up: time.Duration(ev.at - ev.ref), limit: time.Duration(end - ev.at)}
	if !reboot && v.stopDur > 0 {
		w.num, w.den = v.stopDur, total
	}
	kind, what, final := "poweroff", "System Power Off", "Powering off."
	if reboot {
		kind, what, final = "reboot", "System Reboot", "Rebooting."
	}
	w.phase(0, total*2/3)
	w.unit(true, "Stopped target", "cloud-init.target", "Cloud-init target")
	w.unit(true, "Stopped target", "multi-user.target", "Multi-User System")
	w.unit(false, "Stopping", "cron.service", "Regular background program processing daemon")
	w.unit(false, "Stopping", "ssh.service", "OpenBSD Secure Shell server")
	w.step(r.between(20*time.Millisecond, 80*time.Millisecond))
	w.unit(true, "Stopped", "cron.service", "Regular background program processing daemon")
	w.unit(true, "Stopped", "ssh.service", "OpenBSD Secure Shell server")
	w.unit(true, "Stopped target", "network.target", "Network")
	w.unit(false, "Stopping", "systemd-networkd.service", "Network Configuration")
	w.step(r.between(50*time.Millisecond, 200*time.Millisecond))
	w.unit(true, "Stopped", "systemd-networkd.service", "Network Configuration")
	w.unit(true, "Reached target", "shutdown.target", "System Shutdown")
	w.unit(true, "Reached target", "final.target", "Late Shutdown Services")
	w.unit(true, "Finished", "systemd-"+kind+".service", what)
	w.unit(true, "Reached target", kind+".target", what)
	w.phase(total*2/3, total)
	w.kern("systemd-shutdown[1]: Syncing filesystems and block devices.")
	w.step(r.between(10*time.Millisecond, 60*time.Millisecond))
	w.kern("systemd-shutdown[1]: Sending SIGTERM to remaining processes...")
	w.kern("systemd-journald[%d]: Received SIGTERM from PID 1 (systemd-shutdown).", 180+r.intn(60))
	w.step(r.between(10*time.Millisecond, 60*time.Millisecond))
	w.kern("systemd-shutdown[1]: Sending SIGKILL to remaining processes...")
	w.kern("systemd-shutdown[1]: Unmounting file systems.")
	w.step(r.between(10*time.Millisecond, 40*time.Millisecond))
	w.kern("EXT4-fs (nvme0n1p1): unmounting filesystem %s.", v.rootUUID())
	w.kern("systemd-shutdown[1]: All filesystems, swaps, loop devices, MD devices and DM devices detached.")
	w.step(r.between(10*time.Millisecond, 40*time.Millisecond))
	w.kern("systemd-shutdown[1]: %s", final)
	w.phase(total, total)
	if reboot {
		w.kern("reboot: Restarting system")
	} else {
		w.kern("ACPI: PM: Preparing to enter system sleep state S5")
		w.kern("reboot: Power down")
	}
	return w.b
}

// rootUUID is the root filesystem's UUID, the same on every boot.
func (v *view) rootUUID() string {
	r := newRNG(v.seed, v.id, "rootfs", 0)
	return r.uuid()
}

// nicsAt returns the NICs boot n sees, by device index.
func (v *view) nicsAt(n uint32) []nicRec {
	var out []nicRec
	for _, r := range v.nics {
		if r.from <= n && n < r.until {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b nicRec) int { return a.DeviceIndex - b.DeviceIndex })
	return out
}

// host is the guest's hostname: the spec's, else EC2's ip-a-b-c-d form.
func (v *view) host(nics []nicRec) string {
	if v.hostname != "" {
		return v.hostname
	}
	if len(nics) > 0 && nics[0].PrivateIP != "" {
		return "ip-" + strings.ReplaceAll(nics[0].PrivateIP, ".", "-")
	}
	return "localhost"
}

// ifName is the predictable name of the NIC at a device index on EC2's
// Nitro instances: device 0 sits in PCI slot 5, hence ens5.
func ifName(deviceIndex int) string { return fmt.Sprintf("ens%d", 5+deviceIndex) }

// subnet describes a NIC's IPv4 subnet the way the route table shows it.
type subnet struct {
	ip, network, mask, gateway, dns string
	ok                              bool
}

func subnetOf(n hv.NIC) subnet {
	prefix := n.PrefixLen
	if prefix <= 0 || prefix > 32 {
		prefix = 20 // EC2's default subnets are /20
	}
	s := subnet{ip: n.PrivateIP, mask: "255.255.255.255"}
	a, err := netip.ParseAddr(n.PrivateIP)
	if err != nil || !a.Is4() {
		return s
	}
	p, _ := a.Prefix(prefix)
	m := ^uint32(0) << (32 - prefix)
	s.mask = fmt.Sprintf("%d.%d.%d.%d", m>>24, m>>16&255, m>>8&255, m&255)
	base := p.Addr().As4()
	s.network = p.Addr().String()
	base[3]++
	s.gateway = netip.AddrFrom4(base).String()
	base[3]++
	s.dns = netip.AddrFrom4(base).String()
	s.ok = true
	return s
}

// table formats rows the way cloud-init's ci-info tables (PrettyTable) do.
func table(title string, header []string, rows [][]string) []string {
	widths := make([]int, len(header))
	for _, row := range append([][]string{header}, rows...) {
		for i, c := range row {
			widths[i] = max(widths[i], len(c)+2)
		}
	}
	rule := "+"
	for _, w := range widths {
		rule += strings.Repeat("-", w) + "+"
	}
	format := func(row []string) string {
		s := "|"
		for i, c := range row {
			pad := widths[i] - len(c)
			s += strings.Repeat(" ", pad/2) + c + strings.Repeat(" ", pad-pad/2) + "|"
		}
		return s
	}
	pad := len(rule) - len(title)
	out := []string{strings.Repeat("+", max(pad/2, 0)) + title + strings.Repeat("+", max(pad-pad/2, 0)), rule, format(header), rule}
	for _, row := range rows {
		out = append(out, format(row))
	}
	return append(out, rule)
}
