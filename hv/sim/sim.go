// Package sim is the embedded simulated hypervisor driver. No guest really
// runs: boot and shutdown take configurable simulated time on the injected
// clock, the console log is generated on demand the way a Linux guest prints
// it, and resource counters follow a workload model. Output is deterministic
// given Options.Seed and the clock, and per-guest state is a few hundred
// bytes, so one driver holds a fleet of 100,000 guests.
package sim

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/internal/clock"
)

// Name is the name sim registers under.
const Name = "sim"

func init() {
	hv.Register(Name, func(_ context.Context, opts hv.Options) (hv.Driver, error) {
		return New(opts)
	})
}

var (
	_ hv.Driver                = (*Driver)(nil)
	_ hv.NICHotPlugger         = (*Driver)(nil)
	_ hv.ConsoleAppender       = (*Driver)(nil)
	_ hv.WorkloadSetter        = (*Driver)(nil)
	_ hv.DiagnosticInterrupter = (*Driver)(nil)
)

var errClosed = errors.New("sim: driver is closed")

// Driver is the simulated hypervisor. It is safe for concurrent use.
type Driver struct {
	opts hv.Options
	clk  clock.Clock

	mu       sync.Mutex
	guests   map[string]*guest
	disks    map[string][]simDisk         // volumes by guest ID (few guests have any)
	shared   map[guestShared]*guestShared // interned: a fleet has few
	closed   bool
	queue    []hv.Event // settled states waiting for Notify, in order
	draining bool       // a goroutine is delivering queue
}

// guest is kept small on purpose: no log text, only what the console and
// counters are computed from.
type guest struct {
	id, itype, hostname string
	*guestShared
	nics       []nicRec
	notes      *[]string // lines the host wrote; few guests have any
	events     []event
	timer      clock.Timer
	acc        counters // up to segAt
	segAt      int64    // unix ns up to which acc is summed; valid while running
	bootAt     int64    // unix ns the current boot began
	upAt       int64    // unix ns the guest last became running
	offAt      int64    // unix ns a hibernated guest's power went off
	mem        uint32   // MiB
	vcpus      uint16
	volGiB     uint16
	boots      uint32 // boots begun so far
	gen        uint32 // bumped by each transition; stale timers compare it
	state      hv.State
	load       workload
	destroying bool
	hibernated bool // the next Start resumes instead of booting
}

// guestShared is what many guests have alike: the image they boot and the
// key they let in. Guests point at one interned copy (a pointer instead
// of four strings keeps a guest in a 256-byte allocation).
type guestShared struct {
	image, arch, user, sshKey string
}

// intern returns the driver's copy of sh; d.mu must be held.
func (d *Driver) intern(sh guestShared) *guestShared {
	if p, ok := d.shared[sh]; ok {
		return p
	}
	if d.shared == nil {
		d.shared = map[guestShared]*guestShared{}
	}
	p := &sh
	d.shared[sh] = p
	return p
}

// nicRec is a NIC and the boots that see it: from <= boot < until.
type nicRec struct {
	hv.NIC
	from, until uint32
}

const stillAttached = ^uint32(0)

// New returns a sim driver. A nil Clock means the wall clock; a nil Notify
// drops events.
func New(opts hv.Options) (*Driver, error) {
	if opts.Boot < 0 || opts.Stop < 0 {
		return nil, fmt.Errorf("sim: negative boot (%v) or stop (%v) time", opts.Boot, opts.Stop)
	}
	clk := opts.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	if opts.Notify == nil {
		opts.Notify = func(hv.Event) {}
	}
	return &Driver{opts: opts, clk: clk, guests: make(map[string]*guest)}, nil
}

// Name returns "sim".
func (d *Driver) Name() string { return Name }

// Capabilities declares what sim does: NIC and volume hot-plug and
// graceful stop, but no real guest, no volume data to snapshot and
// nothing that outlives the process.
func (d *Driver) Capabilities() hv.Capabilities {
	return hv.Capabilities{HotPlugNIC: true, GracefulStop: true, StatusChecks: true, DiagnosticInterrupt: true, Hibernate: true, HotPlugDisk: true, Move: true}
}

// Create defines a stopped guest.
func (d *Driver) Create(ctx context.Context, spec hv.GuestSpec) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if spec.ID == "" {
		return errors.New("sim: guest spec has no ID")
	}
	if err := checkSize(spec.VCPUs, spec.MemoryMiB); err != nil {
		return err
	}
	load, err := parseWorkload(spec.Workload, spec.Load)
	if err != nil {
		return err
	}
	g := &guest{
		id: spec.ID, itype: spec.InstanceType, hostname: spec.Hostname,
		mem: uint32(spec.MemoryMiB), vcpus: uint16(spec.VCPUs), volGiB: uint16(max(0, min(spec.VolumeGiB, 65535))),
		state: hv.StateStopped, load: load,
	}
	if len(spec.NICs) > 0 {
		g.nics = make([]nicRec, 0, len(spec.NICs))
		for _, n := range spec.NICs {
			if err := g.canAttach(n); err != nil {
				return err
			}
			g.nics = append(g.nics, nicRec{NIC: n, until: stillAttached})
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return errClosed
	}
	if _, ok := d.guests[spec.ID]; ok {
		return fmt.Errorf("%w: %s", hv.ErrExists, spec.ID)
	}
	g.guestShared = d.intern(guestShared{image: spec.Image.Name, arch: spec.Image.Arch, user: spec.Image.User, sshKey: spec.SSHPublicKey})
	d.guests[spec.ID] = g
	return nil
}

func checkSize(vcpus, memoryMiB int) error {
	if vcpus < 1 || vcpus > 65535 || memoryMiB < 16 || memoryMiB > 1<<31 {
		return fmt.Errorf("sim: invalid size: %d vCPUs, %d MiB", vcpus, memoryMiB)
	}
	return nil
}

// lookup finds a guest; d.mu must be held.
func (d *Driver) lookup(ctx context.Context, id string) (*guest, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if d.closed {
		return nil, errClosed
	}
	g := d.guests[id]
	if g == nil {
		return nil, fmt.Errorf("%w: %s", hv.ErrNotFound, id)
	}
	return g, nil
}

func invalid(g *guest, verb string) error {
	state := g.state.String()
	if g.destroying {
		state = "being destroyed"
	}
	return fmt.Errorf("%w: cannot %s %s: it is %s", hv.ErrInvalidState, verb, g.id, state)
}

// Start boots a stopped guest; it is running after Options.Boot.
func (d *Driver) Start(ctx context.Context, id string) error {
	d.mu.Lock()
	g, err := d.lookup(ctx, id)
	if err == nil && g.state != hv.StateStopped {
		err = invalid(g, "start")
	}
	if err != nil {
		d.mu.Unlock()
		return err
	}
	now := d.clk.Now()
	g.gen++
	if g.hibernated {
		d.resume(g, now)
	} else {
		g.bootAt = now.UnixNano()
		d.record(g, event{kind: evBoot, at: g.bootAt, boot: g.boots, vcpus: g.vcpus, mem: g.mem}, now)
		g.boots++
	}
	if d.opts.Boot == 0 {
		d.running(g, now)
	} else {
		g.state = hv.StateStarting
		d.later(g, d.opts.Boot, d.bootDone)
	}
	d.mu.Unlock()
	d.flush()
	return nil
}

// running settles g as running at now; d.mu must be held.
func (d *Driver) running(g *guest, now time.Time) {
	g.state = hv.StateRunning
	g.segAt = now.UnixNano()
	g.upAt = g.segAt
	g.timer = nil
	d.queue = append(d.queue, hv.Event{ID: g.id, State: hv.StateRunning, At: now})
}

// stopped settles g as stopped at now; d.mu must be held.
func (d *Driver) stopped(g *guest, now time.Time) {
	g.state = hv.StateStopped
	g.timer = nil
	d.queue = append(d.queue, hv.Event{ID: g.id, State: hv.StateStopped, At: now})
}

// later runs settle after dur unless g has moved on by then; d.mu must be held.
func (d *Driver) later(g *guest, dur time.Duration, settle func(*guest, time.Time)) {
	gen := g.gen
	g.timer = d.clk.AfterFunc(dur, func() {
		d.mu.Lock()
		if d.closed || d.guests[g.id] != g || g.gen != gen {
			d.mu.Unlock()
			return
		}
		settle(g, d.clk.Now())
		d.mu.Unlock()
		d.flush()
	})
}

func (d *Driver) bootDone(g *guest, now time.Time) { d.running(g, now) }
func (d *Driver) stopDone(g *guest, now time.Time) { d.stopped(g, now) }

func (d *Driver) destroyDone(g *guest, now time.Time) {
	delete(d.guests, g.id)
	delete(d.disks, g.id)
	d.queue = append(d.queue, hv.Event{ID: g.id, State: hv.StateDestroyed, At: now})
}

// cancel forgets g's pending transition; d.mu must be held.
func (d *Driver) cancel(g *guest) {
	g.gen++
	if g.timer != nil {
		g.timer.Stop()
		g.timer = nil
	}
}

// flush delivers queued events in order without holding d.mu. One goroutine
// delivers at a time, so events arrive in the order states changed even when
// Notify calls back into the driver.
func (d *Driver) flush() {
	d.mu.Lock()
	if d.draining {
		d.mu.Unlock()
		return
	}
	d.draining = true
	for len(d.queue) > 0 {
		e := d.queue[0]
		d.queue = d.queue[1:]
		d.mu.Unlock()
		d.opts.Notify(e)
		d.mu.Lock()
	}
	d.queue = nil
	d.draining = false
	d.mu.Unlock()
}

// Stop shuts a running or starting guest down: gracefully over Options.Stop,
// or at once when force. Force also cuts short a guest already stopping.
func (d *Driver) Stop(ctx context.Context, id string, force bool) error {
	d.mu.Lock()
	g, err := d.lookup(ctx, id)
	if err == nil {
		switch {
		case g.destroying, g.state == hv.StateStopped:
			err = invalid(g, "stop")
		case g.state == hv.StateStopping && !force:
			err = fmt.Errorf("%w: %s is already stopping (use force to cut it short)", hv.ErrInvalidState, id)
		}
	}
	if err != nil {
		d.mu.Unlock()
		return err
	}
	now := d.clk.Now()
	d.halt(g, now, force)
	d.powerDown(g, now, force)
	d.mu.Unlock()
	d.flush()
	return nil
}

// GuestShutdown simulates the guest's OS powering itself off (`poweroff`
// inside): it shuts down over Options.Stop, and Notify(StateStopped)
// follows with no Stop call, as a guest's own shutdown reaches EC2.
func (d *Driver) GuestShutdown(ctx context.Context, id string) error {
	d.mu.Lock()
	g, err := d.lookup(ctx, id)
	if err == nil && (g.destroying || g.state != hv.StateRunning) {
		err = invalid(g, "shut down")
	}
	if err != nil {
		d.mu.Unlock()
		return err
	}
	now := d.clk.Now()
	d.halt(g, now, false)
	d.powerDown(g, now, false)
	d.mu.Unlock()
	d.flush()
	return nil
}

// halt ends g's current boot at now: its counters stop, any pending
// transition is dropped, and the console shows a shutdown, or nothing more
// when forced. d.mu must be held.
func (d *Driver) halt(g *guest, now time.Time, force bool) {
	if g.state == hv.StateRunning {
		g.acc.add(integrate(g.load, d.noiseKey(g), int(g.vcpus), g.segAt, now.UnixNano()))
	}
	d.cancel(g)
	g.hibernated = false // a hibernation cut short saved nothing
	ev := event{kind: evHalt, at: now.UnixNano(), ref: g.bootAt, boot: g.boots - 1}
	if force {
		ev.kind = evPowerOff
	}
	d.record(g, ev, now)
}

// powerDown settles g as stopped at once (now, or always when Options.Stop
// is zero) or after Options.Stop; d.mu must be held.
func (d *Driver) powerDown(g *guest, now time.Time, atOnce bool) {
	if atOnce || d.opts.Stop == 0 {
		d.stopped(g, now)
		return
	}
	g.state = hv.StateStopping
	d.later(g, d.opts.Stop, d.stopDone)
}

// Reboot restarts a running guest's OS; the guest stays running.
func (d *Driver) Reboot(ctx context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.lookup(ctx, id)
	if err != nil {
		return err
	}
	if g.state != hv.StateRunning {
		return invalid(g, "reboot")
	}
	now := d.clk.Now()
	d.record(g, event{kind: evReboot, at: now.UnixNano(), ref: g.bootAt, boot: g.boots, vcpus: g.vcpus, mem: g.mem}, now)
	g.boots++
	g.bootAt = now.UnixNano()
	return nil
}

// Destroy shuts the guest down if needed and forgets it after Options.Stop.
// Destroying a guest already being destroyed is a no-op.
func (d *Driver) Destroy(ctx context.Context, id string) error {
	d.mu.Lock()
	g, err := d.lookup(ctx, id)
	if err != nil || g.destroying {
		d.mu.Unlock()
		return err
	}
	now := d.clk.Now()
	if g.state == hv.StateRunning || g.state == hv.StateStarting {
		d.halt(g, now, false)
	}
	d.cancel(g)
	g.destroying = true
	g.state = hv.StateStopping
	if d.opts.Stop == 0 {
		d.destroyDone(g, now)
	} else {
		d.later(g, d.opts.Stop, d.destroyDone)
	}
	d.mu.Unlock()
	d.flush()
	return nil
}

// Resize changes the vCPUs and memory of a stopped guest; the next boot
// shows them.
func (d *Driver) Resize(ctx context.Context, id string, vcpus, memoryMiB int) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.lookup(ctx, id)
	if err != nil {
		return err
	}
	if err := checkSize(vcpus, memoryMiB); err != nil {
		return err
	}
	if g.state != hv.StateStopped {
		return invalid(g, "resize")
	}
	g.vcpus, g.mem = uint16(vcpus), uint32(memoryMiB)
	g.hibernated = false // a saved image of another size cannot resume
	return nil
}

// Stats returns the guest's cumulative counters. They grow only while the
// guest is running, following its workload model.
func (d *Driver) Stats(ctx context.Context, id string) (hv.Stats, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.lookup(ctx, id)
	if err != nil {
		return hv.Stats{}, err
	}
	now := d.clk.Now()
	c := g.acc
	mem := 0
	if g.state == hv.StateRunning {
		key, t := d.noiseKey(g), now.UnixNano()
		// Fold whole buckets into acc so later calls integrate only new
		// time; cutting at bucket edges keeps the sums call-independent.
		if edge := floorBucket(t); edge > g.segAt {
			g.acc.add(integrate(g.load, key, int(g.vcpus), g.segAt, edge))
			g.segAt = edge
		}
		c = g.acc
		c.add(integrate(g.load, key, int(g.vcpus), g.segAt, t))
		mem = memUsed(g.load, key, int(g.mem), t)
	}
	return hv.Stats{
		At: now, CPUTime: time.Duration(c.cpu), MemoryUsedMiB: mem,
		NetRxBytes: c.rx, NetTxBytes: c.tx, DiskReadBytes: c.rd, DiskWriteBytes: c.wr,
	}, nil
}

func (d *Driver) noiseKey(g *guest) uint64 {
	r := newRNG(d.opts.Seed, g.id, "load", 0)
	return r.next()
}

// SetWorkload switches a guest to another workload model from now on.
func (d *Driver) SetWorkload(ctx context.Context, id, name string, profile *hv.LoadProfile) error {
	load, err := parseWorkload(name, profile)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.lookup(ctx, id)
	if err != nil {
		return err
	}
	if g.state == hv.StateRunning {
		t := d.clk.Now().UnixNano()
		g.acc.add(integrate(g.load, d.noiseKey(g), int(g.vcpus), g.segAt, t))
		g.segAt = t
	}
	g.load = load
	return nil
}

// AppendConsole writes a host line (a spot interruption notice) to the
// guest's console, after what it has printed so far.
func (d *Driver) AppendConsole(ctx context.Context, id, line string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.lookup(ctx, id)
	if err != nil {
		return err
	}
	d.note(g, line, d.clk.Now())
	return nil
}

// note adds a line the host wrote to g's console at now.
func (d *Driver) note(g *guest, line string, now time.Time) {
	// A new slice each time: a view rendering without the lock keeps the
	// one it copied.
	var notes []string
	if g.notes != nil {
		notes = *g.notes
	}
	notes = append(notes[:len(notes):len(notes)], line)
	g.notes = &notes
	d.record(g, event{at: now.UnixNano(), ref: int64(len(notes) - 1), kind: evNote, boot: g.boots}, now)
}

// SendNMI interrupts a running guest as Linux takes an NMI nothing claims:
// two lines on its console, and it carries on.
func (d *Driver) SendNMI(ctx context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.lookup(ctx, id)
	if err != nil {
		return err
	}
	if g.state != hv.StateRunning {
		return fmt.Errorf("%w: %s is %s", hv.ErrInvalidState, id, g.state)
	}
	now := d.clk.Now()
	up := float64(now.UnixNano()-g.bootAt) / 1e9
	for _, line := range []string{"Uhhuh. NMI received for unknown reason 3d on CPU 0.", "Dazed and confused, but trying to continue"} {
		d.note(g, fmt.Sprintf("[%12.6f] %s", up, line), now)
	}
	return nil
}

// List returns every guest the driver knows, sorted by ID.
func (d *Driver) List(ctx context.Context) ([]hv.GuestStatus, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil, errClosed
	}
	out := make([]hv.GuestStatus, 0, len(d.guests))
	for id, g := range d.guests {
		out = append(out, hv.GuestStatus{ID: id, State: g.state})
	}
	d.mu.Unlock()
	slices.SortFunc(out, func(a, b hv.GuestStatus) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// Close stops every pending timer; the driver refuses calls afterwards.
func (d *Driver) Close(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	for _, g := range d.guests {
		if g.timer != nil {
			g.timer.Stop()
			g.timer = nil
		}
	}
	return nil
}
