package libvirt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	golibvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/qemuguest"
)

// Moves hand a guest to another libvirt host: to another Driver, whose
// directory is another of this machine (see the package comment). A
// running guest migrates live, libvirtd to libvirtd (peer to peer): its
// memory and the writes of its root overlay go over, the base image is
// shared, and it runs on without a reboot. A stopped guest moves with
// its files. A guest of a host that does not answer is defined, stopped,
// from its files on the other host (evacuation): this host's stale
// domain is dropped when it answers again (movedAway), by this driver's
// poll or by a driver opened later on the same directory, not left to
// core's reconcile. An evacuation takes the host for dead: were only its
// libvirtd down, the guest's QEMU would run on there, writing the disk
// that was copied, until the host answers and its domain is destroyed
// (the caller fences the host, or moves only from a host that died).
//
// Neither driver reports a state for a move: the guest runs, or stays
// stopped, where it went. The source's watch loop may see the domain
// vanish while a migration ends, but the guest's op lock is held until
// the guest is gone from the source's map, and a run that ended is
// settled only while the guest is still there (ended).

// movedDir holds the driver's tombstones: a file for every guest
// evacuated while its host was away.
const movedDir = "moved"

// sampleEvery is how often a migrating guest's counters are read on the
// source: what it runs between the last reading and the switch to the
// destination is not counted.
const sampleEvery = 200 * time.Millisecond

// Move implements hv.Mover: dst must be the libvirt driver of another
// host. The guest's op lock is held throughout, and its ID reserved on
// dst, so that no other call changes it on either side meanwhile.
func (d *Driver) Move(ctx context.Context, id string, dst hv.Driver) error {
	to, ok := dst.(*Driver)
	if !ok || to == nil {
		what := "no driver"
		if dst != nil {
			what = "the " + dst.Name() + " driver"
		}
		return fmt.Errorf("%w: a libvirt guest moves only to another libvirt host, not to %s", hv.ErrUnsupported, what)
	}
	if to == d || to.opts.URI == d.opts.URI || to.dir == d.dir {
		return fmt.Errorf("%w: %s is already on libvirt host %s", hv.ErrInvalidState, id, d.opts.URI)
	}
	g, err := d.get(id)
	if errors.Is(err, hv.ErrNotFound) && d.Reachable(ctx) != nil {
		// a host that did not answer since this driver opened: its guests
		// are known by the metadata they left in their directories
		g, err = d.fromFiles(id)
	}
	if err != nil {
		return err
	}
	defer g.op.Unlock()
	// the host's last poll decides: a guest is evacuated only from a
	// host the watch loop has found away
	away := d.Reachable(ctx)
	d.mu.Lock()
	running, ending := g.running, g.stopping || g.destroying
	d.mu.Unlock()
	if ending && away == nil {
		return fmt.Errorf("%w: %s is stopping", hv.ErrInvalidState, id)
	}
	in, err := to.reserve(id)
	if err != nil {
		return err
	}
	kept := false
	defer func() {
		if kept {
			in.op.Unlock()
		} else {
			to.release(in)
		}
	}()
	l2, err := to.client()
	if err != nil {
		return err
	}
	switch {
	case away != nil:
		kept, err = d.moveFiles(ctx, g, to, in, l2, away)
	case running:
		kept, err = d.migrate(ctx, g, to, in, l2)
	default:
		kept, err = d.moveFiles(ctx, g, to, in, l2, nil)
	}
	if err == nil && kept {
		to.keepMeta(in)
	}
	return err
}

// reserve takes id on d for a guest moving in: a guest without a domain
// yet, its op lock held, as Create holds one (List and the watch loop
// pass it by, reattach does not take the domain in for another).
func (d *Driver) reserve(id string) (*guest, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.g[id]; ok {
		return nil, fmt.Errorf("%w: %s is on libvirt host %s already", hv.ErrExists, id, d.opts.URI)
	}
	in := &guest{dir: d.guestDir(id), m: meta{Spec: hv.GuestSpec{ID: id}}}
	in.op.Lock()
	d.g[id] = in
	return in, nil
}

// release gives up a reservation whose move failed: dst keeps nothing.
func (d *Driver) release(in *guest) {
	os.RemoveAll(in.dir)
	d.mu.Lock()
	if d.g[in.m.Spec.ID] == in {
		delete(d.g, in.m.Spec.ID)
	}
	in.gone = true
	d.mu.Unlock()
	in.op.Unlock()
}

// forget drops a guest that moved away, without a state (op held), and
// its files.
func (d *Driver) forget(g *guest) {
	d.mu.Lock()
	if d.g[g.m.Spec.ID] == g {
		delete(d.g, g.m.Spec.ID)
	}
	g.gone = true
	d.mu.Unlock()
	os.RemoveAll(g.dir)
}

// carried is the metadata a guest takes along (held under Driver.mu):
// the counters so far become the base of the next host's, whose domain
// counts from zero; the forwards are the old QEMU's (the new host's
// ForwardPort adds them again on its own when asked).
func (g *guest) carried() meta {
	m := g.m
	m.Spec.NICs = slices.Clone(m.Spec.NICs)
	m.Netdevs = maps.Clone(m.Netdevs)
	m.Forwards = nil
	m.BaseCPU += g.lastCPU
	m.BaseDiskRead += g.lastRead
	m.BaseDiskWrite += g.lastWrite
	return m
}

// moveFiles moves a stopped guest (away nil), or evacuates the guest of a
// host that does not answer (away says why), to the host of to: its
// files are copied into to's directory and its domain defined there,
// stopped; then undefined here, or, for an evacuation, marked to be
// dropped when this host answers again. Says whether to kept the guest.
func (d *Driver) moveFiles(ctx context.Context, g *guest, to *Driver, in *guest, l2 *golibvirt.Libvirt, away error) (bool, error) {
	id := g.m.Spec.ID
	var l *golibvirt.Libvirt
	if away == nil {
		var err error
		if l, err = d.client(); err != nil {
			return false, err
		}
	}
	if _, err := l2.DomainLookupByName(to.prefix + id); err == nil {
		return false, fmt.Errorf("%w: domain %s is defined on %s", hv.ErrExists, to.prefix+id, to.opts.URI)
	}
	if err := copyDir(g.dir, in.dir); err != nil {
		return false, fmt.Errorf("move %s: %w", id, err)
	}
	d.mu.Lock()
	m := g.carried()
	d.mu.Unlock()
	to.mu.Lock()
	in.m, in.dom = m, golibvirt.Domain{UUID: g.dom.UUID}
	to.mu.Unlock()
	if err := to.define(l2, in); err != nil {
		return false, err
	}
	undo := func() { _ = l2.DomainUndefineFlags(in.dom, 0) }
	if away != nil {
		if err := d.markMoved(id); err != nil {
			undo()
			return false, err
		}
		d.opts.Logger.Warn().Err(away).Str("guest", id).Str("to", to.opts.URI).Msg("evacuated from a host that does not answer; defined there stopped")
	} else if err := l.DomainUndefineFlags(g.dom, 0); err != nil && !golibvirt.IsNotFound(err) {
		undo()
		return false, fmt.Errorf("libvirt undefine %s: %w", id, err)
	}
	to.unmarkMoved(id)
	d.forget(g)
	return true, nil
}

// migrate moves a running guest live to to's host (op held, in reserved
// on to). The destination gets the guest's files in its own directory
// (the root overlay created empty over the same base, its writes copied
// by the migration; the seed and the console copied before), a new SSH
// port (the source holds its own until the end) and the counters so far
// as its base. It starts paused, so that what the source's console wrote
// during the migration is appended before the guest goes on. Says
// whether to kept the guest: a failure leaves it running here.
func (d *Driver) migrate(ctx context.Context, g *guest, to *Driver, in *guest, l2 *golibvirt.Libvirt) (bool, error) {
	id := g.m.Spec.ID
	name := to.prefix + id
	l, err := d.client()
	if err != nil {
		return false, err
	}
	if _, err := l2.DomainLookupByName(name); err == nil {
		return false, fmt.Errorf("%w: domain %s is defined on %s", hv.ErrExists, name, to.opts.URI)
	}
	if err := os.MkdirAll(in.dir, 0o700); err != nil {
		return false, err
	}
	if err := precreate(ctx, g.path("root.qcow2"), in.path("root.qcow2")); err != nil {
		return false, err
	}
	if _, err := copyFile(g.path("seed.iso"), in.path("seed.iso")); err != nil {
		return false, err
	}
	copied, err := copyFile(g.path("console.log"), in.path("console.log"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, err
	}
	port, err := qemuguest.FreePort()
	if err != nil {
		return false, err
	}
	d.mu.Lock()
	m := g.carried()
	atStart := g.consoleAtStart
	d.mu.Unlock()
	m.SSHPort = port
	live, err := l.DomainGetXMLDesc(g.dom, golibvirt.DomainXMLMigratable)
	if err != nil {
		return false, fmt.Errorf("libvirt migrate %s: %w", id, err)
	}
	to.mu.Lock()
	in.m, in.dom = m, golibvirt.Domain{UUID: g.dom.UUID}
	persist, err := to.domainXML(in)
	md, mdErr := m.element()
	to.mu.Unlock()
	if err = errors.Join(err, mdErr); err != nil {
		return false, err
	}
	destXML, err := retarget(live, g.dir, in.dir, md, nicArgs(in, nicSlots(l, g.dom, m.Netdevs)))
	if err != nil {
		return false, fmt.Errorf("libvirt migrate %s: destination XML: %w", id, err)
	}
	host := migrationHost(to)
	params := []golibvirt.TypedParam{
		stringParam(golibvirt.MigrateParamURI, "tcp://"+uriHost(host)),
		stringParam(golibvirt.MigrateParamListenAddress, host),
		stringParam(golibvirt.MigrateParamDestName, name),
		stringParam(golibvirt.MigrateParamDestXML, destXML),
		stringParam(golibvirt.MigrateParamPersistXML, persist),
		// the root overlay; the seed is read-only and copied
		stringParam(golibvirt.MigrateParamMigrateDisks, "vda"),
	}
	flags := golibvirt.MigrateLive | golibvirt.MigratePeer2peer | golibvirt.MigratePersistDest |
		golibvirt.MigrateUndefineSource | golibvirt.MigrateNonSharedInc | golibvirt.MigratePaused
	t0 := time.Now()
	err = d.perform(ctx, l, g, to.opts.URI, params, flags)
	var dom2 golibvirt.Domain
	if err != nil {
		var landed bool
		if dom2, landed = d.landed(l, l2, g, name); !landed {
			return false, fmt.Errorf("libvirt migrate %s to %s: %w", id, to.opts.URI, err)
		}
		d.opts.Logger.Warn().Err(err).Str("guest", id).Msg("the migration reported an error but the guest runs on the destination")
	} else if dom2, err = l2.DomainLookupByName(name); err != nil {
		// cannot be: the destination persisted it
		return false, fmt.Errorf("libvirt migrate %s: not found on %s after the migration: %w", id, to.opts.URI, err)
	}
	// the source's QEMU has ended: its console is complete
	if err := appendFrom(g.path("console.log"), copied, in.path("console.log")); err != nil {
		d.opts.Logger.Warn().Err(err).Str("guest", id).Msg("console written during the migration")
	}
	resumeErr := l2.DomainResume(dom2)
	if resumeErr != nil && notRunning(resumeErr) {
		resumeErr = nil // it runs already
	}
	took := time.Since(t0)
	d.mu.Lock()
	final := g.carried() // with the last counters read on the source
	d.mu.Unlock()
	final.SSHPort = port
	to.mu.Lock()
	to.seq++
	in.dom, in.m = dom2, final
	in.running, in.runSeq, in.defSeq, in.consoleAtStart = true, to.seq, to.seq, atStart
	to.mu.Unlock()
	to.save(l2, in) // the final counters
	to.unmarkMoved(id)
	d.forget(g)
	d.opts.Logger.Info().Str("guest", id).Str("to", to.opts.URI).Dur("took", took).Msg("migrated live")
	if resumeErr != nil {
		return true, fmt.Errorf("libvirt migrate %s: it is on %s but paused: %w", id, to.opts.URI, resumeErr)
	}
	return true, nil
}

// perform runs the migration from the source's libvirtd to the
// destination's, reading the guest's counters meanwhile; a cancelled ctx
// aborts it.
func (d *Driver) perform(ctx context.Context, l *golibvirt.Libvirt, g *guest, dconn string, params []golibvirt.TypedParam, flags golibvirt.DomainMigrateFlags) error {
	done := make(chan error, 1)
	go func() {
		_, err := l.DomainMigratePerform3Params(g.dom, golibvirt.OptString{dconn}, params, nil, flags)
		done <- err
	}()
	tick := time.NewTicker(sampleEvery)
	defer tick.Stop()
	cancel := ctx.Done()
	for {
		select {
		case err := <-done:
			return err
		case <-tick.C:
			d.sample(l, []golibvirt.Domain{g.dom})
		case <-cancel:
			cancel = nil
			if err := l.DomainAbortJob(g.dom); err != nil {
				d.opts.Logger.Warn().Err(err).Str("guest", g.m.Spec.ID).Msg("abort the migration")
			}
		}
	}
}

// landed says, after a migration reported an error, whether the guest
// runs on the destination all the same: only when the source's domain is
// surely off and the destination's active. When the source's still runs,
// what the destination kept of it is dropped, and a source left paused
// is resumed.
func (d *Driver) landed(l, l2 *golibvirt.Libvirt, g *guest, name string) (golibvirt.Domain, bool) {
	st, _, err := l.DomainGetState(g.dom, 0)
	sourceOff := golibvirt.IsNotFound(err) || (err == nil && golibvirt.DomainState(st) == golibvirt.DomainShutoff)
	dom2, err2 := l2.DomainLookupByName(name)
	if sourceOff && err2 == nil {
		if active, err := l2.DomainIsActive(dom2); err == nil && active == 1 {
			return dom2, true
		}
	}
	if err == nil && !sourceOff {
		if golibvirt.DomainState(st) == golibvirt.DomainPaused {
			_ = l.DomainResume(g.dom)
		}
		if err2 == nil {
			_ = l2.DomainDestroyFlags(dom2, 0)
			_ = l2.DomainUndefineFlags(dom2, 0)
		}
	}
	return golibvirt.Domain{}, false
}

// uriHost is host as a URI has it: an IPv6 address in brackets.
func uriHost(host string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}

func stringParam(field, v string) golibvirt.TypedParam {
	return golibvirt.TypedParam{Field: field, Value: *golibvirt.NewTypedParamValueString(v)}
}

// migrationHost is where the destination's QEMU listens for the guest's
// memory and disk: the address of its libvirt host, or this machine's
// loopback for a local URI (see the package comment).
func migrationHost(to *Driver) string {
	if h := to.uri.Hostname(); h != "" {
		return h
	}
	return "127.0.0.1"
}

// retarget is the running domain's migratable XML for the destination:
// its files in the destination's directory, the metadata it carries and
// its NICs' QEMU arguments with the new SSH port. Everything else stays
// as the running guest has it: libvirt checks that the devices, and the
// name, are the same (the destination's name is a parameter of its own).
func retarget(live, from, to, md string, nics *libvirtxml.DomainQEMUCommandline) (string, error) {
	var dom libvirtxml.Domain
	if err := dom.Unmarshal(live); err != nil {
		return "", err
	}
	move := func(p *string) {
		if filepath.Dir(*p) == from {
			*p = filepath.Join(to, filepath.Base(*p))
		}
	}
	dom.Metadata = &libvirtxml.DomainMetadata{XML: md}
	dom.QEMUCommandline = nics
	if dev := dom.Devices; dev != nil {
		for _, dd := range dev.Disks {
			if dd.Source != nil && dd.Source.File != nil {
				move(&dd.Source.File.File)
			}
		}
		for _, s := range dev.Serials {
			if s.Source != nil && s.Source.File != nil {
				move(&s.Source.File.Path)
			}
		}
		for _, c := range dev.Consoles {
			if c.Source != nil && c.Source.File != nil {
				move(&c.Source.File.Path)
			}
		}
	}
	return dom.Marshal()
}

// nicSlots are the PCI addresses of the running guest's NICs by netdev
// number, as QEMU placed them: hot-plugged ones took free slots in the
// order they came, which the destination's command line would not give
// them. A NIC QEMU does not tell of is left to be placed.
func nicSlots(l *golibvirt.Libvirt, dom golibvirt.Domain, netdevs map[string]int) map[int]string {
	slots := map[int]string{}
	for _, i := range netdevs {
		out, err := qmpReturn(l, dom, "qom-get", map[string]any{"path": fmt.Sprintf("/machine/peripheral/d%d", i), "property": "addr"})
		var devfn int
		if err != nil || json.Unmarshal(out, &devfn) != nil || devfn < 0 {
			continue
		}
		slots[i] = fmt.Sprintf("%x.%x", devfn>>3, devfn&7)
	}
	return slots
}

// precreate makes dst an empty qcow2 like src: its size and its backing
// file (the image, shared), for a migration to fill with src's own
// clusters. src is in use (-U).
func precreate(ctx context.Context, src, dst string) error {
	out, err := exec.CommandContext(ctx, "qemu-img", "info", "-U", "--output=json", src).Output()
	if err != nil {
		return fmt.Errorf("qemu-img info %s: %v", src, err)
	}
	var info struct {
		Size          uint64 `json:"virtual-size"`
		Backing       string `json:"full-backing-filename"`
		BackingFormat string `json:"backing-filename-format"`
	}
	if err := json.Unmarshal(out, &info); err != nil {
		return fmt.Errorf("qemu-img info %s: %v", src, err)
	}
	args := []string{"create", "-q", "-f", "qcow2"}
	if info.Backing != "" {
		format := info.BackingFormat
		if format == "" {
			if format, _, err = qemuguest.DiskFormat(info.Backing); err != nil {
				return err
			}
		}
		args = append(args, "-F", format, "-b", info.Backing)
	}
	args = append(args, dst, strconv.FormatUint(info.Size, 10))
	if out, err := exec.CommandContext(ctx, "qemu-img", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("qemu-img create: %v: %s", err, out)
	}
	return nil
}

// copyFile copies src to dst (made anew) and says how many bytes it
// copied.
func copyFile(src, dst string) (int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// copyDir copies the files of a guest's directory into another, made anew.
func copyDir(from, to string) error {
	if err := os.MkdirAll(to, 0o700); err != nil {
		return err
	}
	ents, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		if _, err := copyFile(filepath.Join(from, e.Name()), filepath.Join(to, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// appendFrom appends what src holds from offset on to dst.
func appendFrom(src string, offset int64, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if _, err := in.Seek(offset, io.SeekStart); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// tombstone is the file that marks guest id as evacuated from this host.
func (d *Driver) tombstone(id string) string { return filepath.Join(d.dir, movedDir, id) }

func (d *Driver) markMoved(id string) error {
	if err := os.MkdirAll(filepath.Join(d.dir, movedDir), 0o700); err != nil {
		return err
	}
	return os.WriteFile(d.tombstone(id), nil, 0o600)
}

func (d *Driver) unmarkMoved(id string) { os.Remove(d.tombstone(id)) }

// movedAway says whether guest id was evacuated from this host while it
// was away: a domain of that name here is a stale copy. The mark is a
// file, so that a daemon started again (a new driver) drops it too.
func (d *Driver) movedAway(id string) bool {
	_, err := os.Stat(d.tombstone(id))
	return err == nil
}

// dropStale destroys and undefines the stale domain of an evacuated
// guest, which lives on another host now, once this host answers again.
func (d *Driver) dropStale(l *golibvirt.Libvirt, dom golibvirt.Domain, id string) {
	if err := l.DomainDestroyFlags(dom, 0); err != nil && !notRunning(err) && !golibvirt.IsNotFound(err) {
		d.opts.Logger.Warn().Err(err).Str("guest", id).Msg("destroy the stale domain of an evacuated guest")
		return
	}
	if err := l.DomainUndefineFlags(dom, 0); err != nil && !golibvirt.IsNotFound(err) {
		d.opts.Logger.Warn().Err(err).Str("guest", id).Msg("undefine the stale domain of an evacuated guest")
		return
	}
	d.unmarkMoved(id)
	d.opts.Logger.Info().Str("guest", id).Str("domain", dom.Name).Msg("dropped the stale domain of a guest evacuated while this host was away")
}

// metaFile is where a guest's directory keeps its metadata, for a driver
// that opens while its host does not answer and must evacuate the guest.
const metaFile = "meta.json"

// keepMeta writes the guest's metadata into its directory (the domain's
// own copy is on the host, out of reach when the host is away).
func (d *Driver) keepMeta(g *guest) {
	d.mu.Lock()
	b, err := json.Marshal(g.m)
	d.mu.Unlock()
	if err == nil {
		err = os.WriteFile(g.path(metaFile), b, 0o600)
	}
	if err != nil {
		d.opts.Logger.Warn().Err(err).Str("guest", g.m.Spec.ID).Msg("keep metadata in the guest's directory")
	}
}

// fromFiles takes up a guest this driver has not seen on its host from
// the metadata in its directory, with its op lock held.
func (d *Driver) fromFiles(id string) (*guest, error) {
	g := &guest{dir: d.guestDir(id)}
	b, err := os.ReadFile(g.path(metaFile))
	if err != nil {
		return nil, hv.ErrNotFound
	}
	if err := json.Unmarshal(b, &g.m); err != nil || g.m.Spec.ID != id {
		return nil, fmt.Errorf("%w: the metadata of %s in %s is unreadable", hv.ErrNotFound, id, g.dir)
	}
	g.op.Lock()
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.g[id]; ok {
		g.op.Unlock()
		return nil, fmt.Errorf("%w: %s appeared meanwhile", hv.ErrInvalidState, id)
	}
	d.g[id] = g
	return g, nil
}
