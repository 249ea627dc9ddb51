package sim

import (
	"context"
	"time"

	"github.com/ec2x/ec2x/hv"
)

var (
	_ hv.Hibernator        = (*Driver)(nil)
	_ hv.PowerOffDestroyer = (*Driver)(nil)
)

// Hibernate suspends a running guest to disk over Options.Stop: the
// console shows the kernel writing its memory image, and the next Start
// resumes the same boot (no new kernel start, the uptime carries on).
func (d *Driver) Hibernate(ctx context.Context, id string) error {
	d.mu.Lock()
	g, err := d.lookup(ctx, id)
	if err == nil && (g.destroying || g.state != hv.StateRunning) {
		err = invalid(g, "hibernate")
	}
	if err != nil {
		d.mu.Unlock()
		return err
	}
	now := d.clk.Now()
	g.acc.add(integrate(g.load, d.noiseKey(g), int(g.vcpus), g.segAt, now.UnixNano()))
	d.cancel(g)
	d.record(g, event{kind: evHibernate, at: now.UnixNano(), ref: g.bootAt, boot: g.boots - 1, mem: g.mem, vcpus: g.vcpus}, now)
	g.hibernated = true
	// The kernel's clock stops when the power goes: a resume shifts the
	// boot's origin by the time spent off, so the uptime continues.
	g.offAt = now.UnixNano() + int64(d.opts.Stop)
	d.powerDown(g, now, false)
	d.mu.Unlock()
	d.flush()
	return nil
}

// resume restarts a hibernated guest's boot at now; d.mu must be held.
func (d *Driver) resume(g *guest, now time.Time) {
	g.hibernated = false
	g.bootAt += now.UnixNano() - g.offAt
	d.record(g, event{kind: evResume, at: now.UnixNano(), ref: g.bootAt, boot: g.boots - 1, mem: g.mem, vcpus: g.vcpus}, now)
}

// DestroyPoweredOff cuts a guest's power and forgets it at once: no OS
// shutdown on its console.
func (d *Driver) DestroyPoweredOff(ctx context.Context, id string) error {
	d.mu.Lock()
	g, err := d.lookup(ctx, id)
	if err != nil {
		d.mu.Unlock()
		return err
	}
	now := d.clk.Now()
	if g.state == hv.StateRunning || g.state == hv.StateStarting || (g.state == hv.StateStopping && !g.destroying) {
		d.halt(g, now, true)
	}
	d.cancel(g)
	g.destroying = true
	d.destroyDone(g, now)
	d.mu.Unlock()
	d.flush()
	return nil
}

// hibernate appends what the kernel prints while it writes its memory
// image and powers off, over the stop time.
func (v *view) hibernate(b []byte, ev event, end int64) []byte {
	r := newRNG(v.seed, v.id, "hibernate", uint64(ev.at))
	total := r.between(2*time.Second, 4*time.Second)
	w := &writer{b: b, at: ev.at, up: time.Duration(ev.at - ev.ref), limit: time.Duration(end - ev.at)}
	if v.stopDur > 0 {
		w.num, w.den = v.stopDur, total
	}
	pages := int(ev.mem) * 256 / 3 // about a third of memory in use, 4 KiB pages
	w.phase(0, total/4)
	w.kern("PM: hibernation: hibernation entry")
	w.step(r.between(5*time.Millisecond, 30*time.Millisecond))
	w.kern("Filesystems sync: 0.%03d seconds", 5+r.intn(40))
	w.kern("Freezing user space processes")
	w.step(r.between(5*time.Millisecond, 20*time.Millisecond))
	w.kern("Freezing user space processes completed (elapsed 0.0%02d seconds)", 1+r.intn(20))
	w.kern("OOM killer disabled.")
	w.kern("PM: hibernation: Preallocating image memory")
	w.phase(total/4, total/2)
	w.kern("PM: hibernation: Allocated %d pages for snapshot", pages)
	w.kern("ACPI: PM: Preparing to enter system sleep state S4")
	w.kern("PM: Saving platform NVS memory")
	if ev.vcpus > 1 {
		w.kern("Disabling non-boot CPUs ...")
	}
	w.kern("PM: hibernation: Creating image:")
	w.kern("PM: hibernation: Need to copy %d pages", pages)
	w.phase(total/2, total)
	w.kern("PM: Image saving progress:   0%%")
	w.step(r.between(500*time.Millisecond, 1200*time.Millisecond))
	w.kern("PM: Image saving progress: 100%%")
	w.kern("PM: Image saving done")
	w.kern("PM: hibernation: Wrote %d kbytes", pages*4)
	w.kern("PM: S|")
	w.phase(total, total)
	w.kern("reboot: Power down")
	return w.b
}

// resume appends what the kernel prints when it comes back from its
// memory image, over the boot time: no kernel start, the uptime carries on.
func (v *view) resume(b []byte, ev event, end int64) []byte {
	r := newRNG(v.seed, v.id, "resume", uint64(ev.at))
	total := r.between(1500*time.Millisecond, 3*time.Second)
	w := &writer{b: b, at: ev.at, up: time.Duration(ev.at - ev.ref), limit: time.Duration(end - ev.at)}
	if v.bootDur > 0 {
		w.num, w.den = v.bootDur, total
	}
	w.phase(0, total/2)
	w.kern("PM: Image loading progress: 100%%")
	w.kern("PM: Image loading done")
	w.kern("PM: hibernation: Read %d kbytes", int(ev.mem)*1024/3)
	w.kern("PM: Image successfully loaded")
	w.phase(total/2, total)
	w.kern("ACPI: PM: Waking up from system sleep state S4")
	if ev.vcpus > 1 {
		w.kern("Enabling non-boot CPUs ...")
	}
	w.step(r.between(50*time.Millisecond, 200*time.Millisecond))
	w.kern("PM: restore of devices complete after %d.%03d msecs", 100+r.intn(400), r.intn(1000))
	w.kern("OOM killer enabled.")
	w.kern("Restarting tasks ... done.")
	w.phase(total, total)
	w.kern("PM: hibernation: hibernation exit")
	return w.b
}
