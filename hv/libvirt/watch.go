package libvirt

import (
	"context"
	"fmt"
	"strings"
	"time"

	golibvirt "github.com/digitalocean/go-libvirt"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/qemuguest"
)

// The driver learns that a domain ended by asking the host which of its
// domains are active, four times a second: one call for every guest, and
// nothing to miss when the connection drops (libvirt's event stream would
// lose what happened while it was down). Every fourth poll also reads the
// running domains' counters, so that a run's CPU time and disk bytes are
// kept when it ends (a domain's counters start at zero each run).

func (d *Driver) watch() {
	defer d.wg.Done()
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for n := 0; ; n++ {
		select {
		case <-d.done:
			return
		case <-t.C:
		}
		d.poll(n%4 == 0)
	}
}

// poll settles the runs that ended since the last poll, and records
// whether the host answered (Reachable). A connection that was lost is
// made again here (the host's libvirtd restarted, its network came
// back), and the host's domains re-attached on it.
func (d *Driver) poll(withStats bool) {
	l, gen, err := d.connection()
	if err != nil {
		d.answered(err) // the host is away; the next poll tries again
		return
	}
	if gen != d.attachedGen {
		if err := d.attach(context.Background(), l, gen); err != nil {
			d.answered(err)
			return
		}
		d.opts.Logger.Info().Str("uri", d.opts.URI).Msg("libvirt host connected again; its domains re-attached")
	}
	d.mu.Lock()
	seq := d.seq // a run started after this is not judged by this poll
	d.mu.Unlock()
	doms, _, err := l.ConnectListAllDomains(1, golibvirt.ConnectListDomainsActive)
	if err != nil {
		d.answered(fmt.Errorf("%w: libvirt host %s: list domains: %v", hv.ErrUnavailable, d.opts.URI, err))
		return
	}
	d.answered(nil)
	active := map[string]bool{}
	for _, dom := range doms {
		active[dom.Name] = true
	}
	type end struct {
		g   *guest
		run uint64
	}
	var ended []end
	var running []golibvirt.Domain
	d.mu.Lock()
	for _, g := range d.g {
		switch {
		case !g.running || g.runSeq > seq:
		case !active[g.dom.Name]:
			ended = append(ended, end{g, g.runSeq})
		default:
			running = append(running, g.dom)
		}
	}
	d.mu.Unlock()
	for _, e := range ended {
		// op may be held by a call that waits on the host: settle apart
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			e.g.op.Lock()
			defer e.g.op.Unlock()
			if l, err := d.client(); err == nil { // the connection may be new
				d.ended(l, e.g, e.run)
			}
		}()
	}
	if withStats && len(running) > 0 {
		d.sample(l, running)
	}
}

// ended settles run of g once its domain is off (op held): its counters
// join the guest's, and it is reported stopped, or removed when it was
// being destroyed. A second call for the same run does nothing.
func (d *Driver) ended(l *golibvirt.Libvirt, g *guest, run uint64) {
	d.mu.Lock()
	if !g.running || g.runSeq != run || g.gone {
		d.mu.Unlock()
		return
	}
	g.running = false
	g.m.BaseCPU += g.lastCPU
	g.m.BaseDiskRead += g.lastRead
	g.m.BaseDiskWrite += g.lastWrite
	g.lastCPU, g.lastRead, g.lastWrite = 0, 0, 0
	g.m.Forwards = nil
	destroying, stopping := g.destroying, g.stopping
	g.stopping = false
	id := g.m.Spec.ID
	d.mu.Unlock()
	if destroying {
		if err := d.remove(l, g); err != nil {
			d.opts.Logger.Warn().Err(err).Str("guest", id).Msg("destroy")
		}
		return
	}
	// the counters go into the definition, for a daemon that comes after
	if err := d.define(l, g); err != nil {
		d.opts.Logger.Warn().Err(err).Str("guest", id).Msg("save counters")
	}
	reason := ""
	if !stopping {
		reason = "the guest powered off"
	}
	d.notify(id, hv.StateStopped, reason)
}

// counters are a running domain's counters from its stats record.
type counters struct {
	cpu         time.Duration
	read, write uint64
	// balloon figures in bytes, -1 where the guest reported none
	total, avail, free, caches int64
	reported                   bool
}

func readCounters(params []golibvirt.TypedParam) counters {
	c := counters{total: -1, avail: -1, free: -1, caches: -1}
	for _, p := range params {
		v, ok := number(p.Value)
		if !ok {
			continue
		}
		switch f := p.Field; {
		case f == "cpu.time":
			c.cpu = time.Duration(v)
		case strings.HasPrefix(f, "block.") && strings.HasSuffix(f, ".rd.bytes"):
			c.read += v
		case strings.HasPrefix(f, "block.") && strings.HasSuffix(f, ".wr.bytes"):
			c.write += v
		case f == "balloon.available": // the guest's MemTotal, KiB
			c.total = int64(v) << 10
		case f == "balloon.usable": // its MemAvailable
			c.avail = int64(v) << 10
		case f == "balloon.unused": // its MemFree
			c.free = int64(v) << 10
		case f == "balloon.disk_caches":
			c.caches = int64(v) << 10
		case f == "balloon.last-update":
			c.reported = v > 0
		}
	}
	return c
}

// number is a typed parameter's value as an unsigned integer.
func number(v golibvirt.TypedParamValue) (uint64, bool) {
	switch n := v.I.(type) {
	case uint64:
		return n, true
	case int64:
		return uint64(max(n, 0)), true
	case uint32:
		return uint64(n), true
	case int32:
		return uint64(max(n, 0)), true
	}
	return 0, false
}

// sample keeps the running domains' latest counters.
func (d *Driver) sample(l *golibvirt.Libvirt, doms []golibvirt.Domain) {
	recs, err := l.ConnectGetAllDomainStats(doms, uint32(golibvirt.DomainStatsCPUTotal|golibvirt.DomainStatsBlock), 0)
	if err != nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range recs {
		id, ok := d.owned(r.Dom.Name)
		if g := d.g[id]; ok && g != nil && g.running {
			g.keep(readCounters(r.Params))
		}
	}
}

// keep raises the run's counters to c (held under Driver.mu).
func (g *guest) keep(c counters) {
	g.lastCPU = max(g.lastCPU, c.cpu)
	g.lastRead, g.lastWrite = max(g.lastRead, c.read), max(g.lastWrite, c.write)
}

// Stats implements hv.Observer: CPU time and disk bytes from libvirt's
// domain stats, cumulative over the guest's runs; memory as the guest's
// balloon driver reports it. The user-mode NICs are QEMU's, unknown to
// libvirt, so no network bytes are counted (0).
func (d *Driver) Stats(ctx context.Context, id string) (hv.Stats, error) {
	d.mu.Lock()
	g, ok := d.g[id]
	if !ok {
		d.mu.Unlock()
		return hv.Stats{}, hv.ErrNotFound
	}
	running, run, dom := g.running, g.runSeq, g.dom
	d.mu.Unlock()
	var c counters
	read := false
	if running {
		if l, err := d.client(); err == nil {
			flags := golibvirt.DomainStatsCPUTotal | golibvirt.DomainStatsBlock | golibvirt.DomainStatsBalloon
			if recs, err := l.ConnectGetAllDomainStats([]golibvirt.Domain{dom}, uint32(flags), 0); err == nil && len(recs) == 1 {
				c, read = readCounters(recs[0].Params), true
			}
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if read && g.running && g.runSeq == run {
		g.keep(c)
	}
	st := hv.Stats{At: d.now(), CPUTime: g.m.BaseCPU + g.lastCPU,
		DiskReadBytes: g.m.BaseDiskRead + g.lastRead, DiskWriteBytes: g.m.BaseDiskWrite + g.lastWrite}
	if read && c.reported {
		st.MemoryUsedMiB = qemuguest.MemUsedMiB(c.total, c.avail, c.free, c.caches, g.m.Spec.MemoryMiB)
	}
	return st, nil
}

// reattach takes in the host's domains of this driver that it does not
// know (all of them when the daemon starts), with their metadata, and
// forgets the guests whose domains are gone.
func (d *Driver) reattach(ctx context.Context, l *golibvirt.Libvirt) error {
	d.mu.Lock()
	seq := d.seq // a domain defined after this is not judged by this list
	d.mu.Unlock()
	doms, _, err := l.ConnectListAllDomains(1, 0)
	if err != nil {
		return fmt.Errorf("%w: libvirt host %s: list domains: %v", hv.ErrUnavailable, d.opts.URI, err)
	}
	seen := map[string]bool{}
	for _, dom := range doms {
		id, ok := d.owned(dom.Name)
		if !ok {
			continue
		}
		seen[id] = true
		d.mu.Lock()
		_, known := d.g[id]
		d.mu.Unlock()
		if known {
			continue
		}
		if d.movedAway(id) {
			// the guest was evacuated while this host was away: this
			// is its stale copy
			d.dropStale(l, dom, id)
			continue
		}
		x, err := l.DomainGetMetadata(dom, int32(golibvirt.DomainMetadataElement), []string{metaNS}, golibvirt.DomainAffectConfig)
		if err != nil {
			d.opts.Logger.Warn().Err(err).Str("domain", dom.Name).Msg("a domain of ours without its metadata")
			continue
		}
		m, err := parseMeta(x)
		if err != nil || m.Spec.ID != id {
			d.opts.Logger.Warn().Err(err).Str("domain", dom.Name).Msg("unreadable metadata")
			continue
		}
		g := &guest{dom: dom, dir: d.guestDir(id), m: m}
		state, _, err := l.DomainGetState(dom, 0)
		if err != nil {
			continue
		}
		d.mu.Lock()
		if _, known := d.g[id]; !known {
			st := golibvirt.DomainState(state)
			g.running = st != golibvirt.DomainShutoff && st != golibvirt.DomainCrashed
			g.runSeq = d.seq
			d.g[id] = g
			if g.running {
				d.opts.Logger.Info().Str("guest", id).Str("domain", dom.Name).Msg("re-attached to a running guest")
			}
		}
		d.mu.Unlock()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for id, g := range d.g {
		if g.dom.Name != "" && g.defSeq <= seq && !seen[id] && !g.gone {
			d.opts.Logger.Warn().Str("guest", id).Msg("its domain is gone from the host; forgotten")
			delete(d.g, id)
			g.gone = true
		}
	}
	return nil
}
