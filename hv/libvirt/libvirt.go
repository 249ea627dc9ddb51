// Package libvirt is the hypervisor driver that runs each guest as a
// domain of a libvirt host, named by a URI (qemu:///system,
// qemu+tcp://HOST/system, qemu+ssh://...): the engine fleets already run,
// as OpenStack Nova drives it. A guest is what hv/qemu makes of it (a
// qcow2 overlay root, a cloud-init NoCloud seed, the serial console in a
// file, user-mode networks with SSH forwarded to a loopback port), told
// to libvirtd as domain XML instead of run as a QEMU process of ours.
//
// The domains are the truth: each carries its spec and counters in its
// metadata, so a daemon that starts again re-attaches by listing the
// domains named as its own. The guests' files (root disk, seed, console)
// are written by this process and opened by the host's QEMU, and the
// forwarded ports are on the host's loopback: the host must be this
// machine, or share the driver's directory and be reached through its
// loopback (what remote hosts need is said in docs/ARCHITECTURE.md).
package libvirt

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	golibvirt "github.com/digitalocean/go-libvirt"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/qemuguest"
)

// Name is the driver's name in the catalog and in config.
const Name = "libvirt"

const (
	// powerdownGrace is how long a graceful stop waits before it pulls
	// the plug, as hv/qemu waits.
	powerdownGrace = 30 * time.Second
	// pollEvery is how often the domains' states are read: a guest that
	// powers off is reported stopped within it.
	pollEvery = 250 * time.Millisecond
)

func init() { hv.Register(Name, open) }

// Driver runs guests as the domains of one libvirt host.
type Driver struct {
	opts hv.Options
	uri  *url.URL
	// prefix starts the name of every domain of this driver (DomainPrefix).
	prefix string
	dir    string
	// domType is the domain type the host offers: kvm, else qemu (TCG).
	domType string

	connMu sync.Mutex
	conn   *golibvirt.Libvirt
	// connGen numbers the connections made (guarded by connMu): the
	// poll re-attaches when it finds a new one.
	connGen uint64
	// attachedGen is the connection the poll last re-attached on (the
	// watch loop's own).
	attachedGen uint64

	// health is the outcome of the last poll (Reachable).
	healthMu sync.Mutex
	lastOK   time.Time
	lastErr  error

	mu sync.Mutex
	g  map[string]*guest
	// seq numbers starts, so that a poll begun before a start does not
	// take the new run for ended.
	seq   uint64
	done  chan struct{}
	close sync.Once
	wg    sync.WaitGroup
}

var (
	_ hv.Driver         = (*Driver)(nil)
	_ hv.SSHEndpoint    = (*Driver)(nil)
	_ hv.PortForwarder  = (*Driver)(nil)
	_ hv.NICHotPlugger  = (*Driver)(nil)
	_ hv.Accelerated    = (*Driver)(nil)
	_ hv.GuestNetworker = (*Driver)(nil)
	_ hv.Mover          = (*Driver)(nil)
	_ hv.HostInspector  = (*Driver)(nil)
	_ hv.HealthReporter = (*Driver)(nil)
)

// guest is one domain as this driver knows it.
type guest struct {
	// op serialises the calls that change the domain; taken before mu.
	op  sync.Mutex
	dom golibvirt.Domain
	dir string
	// the fields below are guarded by Driver.mu
	m       meta
	running bool
	runSeq  uint64
	// defSeq is the seq when the domain was first defined.
	defSeq uint64
	// gone says the guest was destroyed while a call waited for op.
	gone bool
	// stopping and destroying say why the domain is expected to end.
	stopping, destroying bool
	// consoleAtStart is the console's size when the run started.
	consoleAtStart int64
	// last are the running domain's counters as last read.
	lastCPU             time.Duration
	lastRead, lastWrite uint64
}

func (g *guest) path(name string) string { return filepath.Join(g.dir, name) }

func open(ctx context.Context, o hv.Options) (hv.Driver, error) {
	if o.URI == "" {
		return nil, fmt.Errorf("%w: the libvirt driver needs a host URI ([[hosts]] uri)", hv.ErrUnavailable)
	}
	u, err := url.Parse(o.URI)
	if err != nil {
		return nil, fmt.Errorf("%w: libvirt URI %q: %v", hv.ErrUnavailable, o.URI, err)
	}
	if _, err := exec.LookPath("qemu-img"); err != nil {
		return nil, fmt.Errorf("%w: qemu-img is not installed (apt-get install qemu-utils)", hv.ErrUnavailable)
	}
	abs, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	host := sha256.Sum256([]byte(o.URI))
	d := &Driver{opts: o, uri: u, prefix: DomainPrefix(abs),
		dir: filepath.Join(abs, Name, hex.EncodeToString(host[:6])), g: map[string]*guest{}, done: make(chan struct{})}
	if err := os.MkdirAll(d.dir, 0o700); err != nil {
		return nil, err
	}
	l, gen, err := d.connection()
	if err != nil {
		// a host of a fleet that does not answer now: the daemon starts
		// all the same (the host is unreachable to core), and the watch
		// loop attaches when it answers
		o.Logger.Warn().Err(err).Str("uri", o.URI).Msg("libvirt host does not answer; attached when it does")
		d.answered(err)
	} else {
		if err := d.attach(ctx, l, gen); err != nil {
			_ = l.Disconnect()
			return nil, err
		}
		d.answered(nil)
		o.Logger.Info().Str("uri", o.URI).Str("accel", d.Accel()).Int("guests", len(d.g)).Msg("libvirt host connected")
	}
	d.wg.Add(1)
	go d.watch()
	return d, nil
}

// attach learns what a newly answering host offers (the domain type, the
// first time) and re-attaches to its domains.
func (d *Driver) attach(ctx context.Context, l *golibvirt.Libvirt, gen uint64) error {
	d.mu.Lock()
	typ := d.domType
	d.mu.Unlock()
	if typ == "" {
		t, why, err := d.chooseType(l)
		if err != nil {
			return fmt.Errorf("%w: libvirt host %s: %v", hv.ErrUnavailable, d.opts.URI, err)
		}
		d.mu.Lock()
		d.domType = t
		d.mu.Unlock()
		d.opts.Logger.Debug().Str("uri", d.opts.URI).Str("type", t).Str("why", why).Msg("domain type chosen")
	}
	if err := d.reattach(ctx, l); err != nil {
		return err
	}
	d.attachedGen = gen
	return nil
}

// DomainPrefix starts the name of every domain of a driver opened on the
// directory dir (absolute): "ec2x-", a hash of dir, "-". Daemons of two
// EC2X_HOMEs on one host never take each other's domains for their own
// (core destroys the guests it does not know).
func DomainPrefix(dir string) string {
	sum := sha256.Sum256([]byte(dir))
	return "ec2x-" + hex.EncodeToString(sum[:4]) + "-"
}

// client is the connection to the host, made again when it was lost (a
// libvirtd restarted, a network that dropped).
func (d *Driver) client() (*golibvirt.Libvirt, error) {
	l, _, err := d.connection()
	return l, err
}

// connection is client with the connection's number: one more each time
// it is made again.
func (d *Driver) connection() (*golibvirt.Libvirt, uint64, error) {
	d.connMu.Lock()
	defer d.connMu.Unlock()
	if d.conn != nil && d.conn.IsConnected() {
		return d.conn, d.connGen, nil
	}
	l, err := golibvirt.ConnectToURI(d.uri)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: libvirt host %s: %v", hv.ErrUnavailable, d.opts.URI, err)
	}
	d.conn = l
	d.connGen++
	return l, d.connGen, nil
}

// Name implements hv.Driver.
func (d *Driver) Name() string { return Name }

// Capabilities implements hv.Driver: what this driver does, no more.
func (d *Driver) Capabilities() hv.Capabilities {
	return hv.Capabilities{RealGuest: true, Persistent: true, GracefulStop: true, HotPlugNIC: true, Move: true}
}

// Accel implements hv.Accelerated: kvm when the host offers it, else tcg.
func (d *Driver) Accel() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.domType == "kvm" {
		return "kvm"
	}
	return "tcg"
}

// GuestNetwork implements hv.GuestNetworker: libvirt guests get user-mode
// networks; VPC networks on libvirt hosts are not done yet.
func (d *Driver) GuestNetwork() string {
	return "user (VPC networks are not plugged into libvirt hosts yet)"
}

func (d *Driver) notify(id string, s hv.State, reason string) {
	if d.opts.Notify != nil {
		d.opts.Notify(hv.Event{ID: id, State: s, At: d.now(), Reason: reason})
	}
}

func (d *Driver) now() time.Time {
	if d.opts.Clock != nil {
		return d.opts.Clock.Now()
	}
	return time.Now()
}

// get returns a guest with its op lock held, or ErrNotFound.
func (d *Driver) get(id string) (*guest, error) {
	d.mu.Lock()
	g, ok := d.g[id]
	d.mu.Unlock()
	if !ok {
		return nil, hv.ErrNotFound
	}
	g.op.Lock()
	if g.gone {
		g.op.Unlock()
		return nil, hv.ErrNotFound
	}
	return g, nil
}

// hold returns guest id with its op lock held (the caller unlocks it)
// and the connection to its host.
func (d *Driver) hold(id string) (*guest, *golibvirt.Libvirt, error) {
	g, err := d.get(id)
	if err != nil {
		return nil, nil, err
	}
	l, err := d.client()
	if err != nil {
		g.op.Unlock()
		return nil, nil, err
	}
	return g, l, nil
}

// isRunning reads g.running under the driver's lock.
func (d *Driver) isRunning(g *guest) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return g.running
}

// Create implements hv.Lifecycle: the guest's root disk and seed in its
// directory, then a domain defined with them.
func (d *Driver) Create(ctx context.Context, spec hv.GuestSpec) error {
	d.mu.Lock()
	if _, ok := d.g[spec.ID]; ok {
		d.mu.Unlock()
		return hv.ErrExists
	}
	g := &guest{dir: d.guestDir(spec.ID), m: meta{Spec: spec}}
	g.op.Lock()
	defer g.op.Unlock()
	d.g[spec.ID] = g // held by op until it is defined
	d.mu.Unlock()
	err := d.create(ctx, g)
	if err != nil {
		os.RemoveAll(g.dir)
		d.mu.Lock()
		delete(d.g, spec.ID)
		g.gone = true
		d.mu.Unlock()
	}
	return err
}

func (d *Driver) create(ctx context.Context, g *guest) error {
	l, err := d.client()
	if err != nil {
		return err
	}
	// a domain of this name left by a crash between define and save
	if dom, err := l.DomainLookupByName(d.prefix + g.m.Spec.ID); err == nil {
		return fmt.Errorf("%w: domain %s is defined on %s", hv.ErrExists, dom.Name, d.opts.URI)
	}
	if err := os.MkdirAll(g.dir, 0o700); err != nil {
		return err
	}
	if err := qemuguest.MakeRoot(ctx, g.path("root.qcow2"), g.m.Spec); err != nil {
		return err
	}
	if err := qemuguest.WriteSeed(g.path("seed.iso"), g.m.Spec); err != nil {
		return err
	}
	return d.define(l, g)
}

// define (re)defines the guest's domain from its spec and metadata.
func (d *Driver) define(l *golibvirt.Libvirt, g *guest) error {
	d.mu.Lock()
	x, err := d.domainXML(g)
	d.mu.Unlock()
	if err != nil {
		return err
	}
	dom, err := l.DomainDefineXMLFlags(x, golibvirt.DomainDefineValidate)
	if err != nil {
		return fmt.Errorf("libvirt define %s: %w", g.m.Spec.ID, err)
	}
	d.mu.Lock()
	if g.dom.Name == "" {
		d.seq++
		g.defSeq = d.seq
	}
	g.dom = dom
	d.mu.Unlock()
	d.keepMeta(g)
	return nil
}

// Start implements hv.Lifecycle: the domain is defined again with a new
// SSH port, then started; libvirtd returns once QEMU runs.
func (d *Driver) Start(ctx context.Context, id string) error {
	g, l, err := d.hold(id)
	if err != nil {
		return err
	}
	defer g.op.Unlock()
	if d.isRunning(g) {
		return fmt.Errorf("%w: %s is running", hv.ErrInvalidState, id)
	}
	port, err := qemuguest.FreePort()
	if err != nil {
		return err
	}
	d.mu.Lock()
	g.m.SSHPort, g.m.Forwards, g.m.Netdevs = port, nil, map[string]int{}
	for i, nic := range g.m.Spec.NICs {
		g.m.Netdevs[nic.ID] = i
	}
	g.m.NextNetdev = len(g.m.Spec.NICs)
	d.mu.Unlock()
	if err := d.define(l, g); err != nil {
		return err
	}
	var at int64
	if fi, err := os.Stat(g.path("console.log")); err == nil {
		at = fi.Size()
	}
	if _, err := l.DomainCreateWithFlags(g.dom, 0); err != nil {
		return fmt.Errorf("libvirt start %s: %w", id, err)
	}
	d.mu.Lock()
	d.seq++
	g.running, g.runSeq, g.stopping, g.consoleAtStart = true, d.seq, false, at
	d.mu.Unlock()
	d.notify(id, hv.StateRunning, "")
	return nil
}

// Destroy implements hv.Lifecycle: the domain is destroyed if it runs,
// then undefined, and its files removed.
func (d *Driver) Destroy(ctx context.Context, id string) error {
	g, l, err := d.hold(id)
	if err != nil {
		return err
	}
	defer g.op.Unlock()
	d.mu.Lock()
	g.destroying = true
	running := g.running
	d.mu.Unlock()
	if running {
		return d.pullPlug(l, g) // ended removes it
	}
	return d.remove(l, g)
}

// remove undefines a stopped guest's domain, deletes its files and
// reports it destroyed; op is held.
func (d *Driver) remove(l *golibvirt.Libvirt, g *guest) error {
	if err := l.DomainUndefineFlags(g.dom, 0); err != nil && !golibvirt.IsNotFound(err) {
		return fmt.Errorf("libvirt undefine %s: %w", g.m.Spec.ID, err)
	}
	os.RemoveAll(g.dir)
	d.mu.Lock()
	delete(d.g, g.m.Spec.ID)
	g.gone = true
	d.mu.Unlock()
	d.notify(g.m.Spec.ID, hv.StateDestroyed, "")
	return nil
}

// Resize implements hv.Lifecycle: the domain is defined again with the
// new vCPUs and memory.
func (d *Driver) Resize(ctx context.Context, id string, vcpus, memoryMiB int) error {
	g, l, err := d.hold(id)
	if err != nil {
		return err
	}
	defer g.op.Unlock()
	if d.isRunning(g) {
		return fmt.Errorf("%w: %s is running", hv.ErrInvalidState, id)
	}
	d.mu.Lock()
	old := g.m.Spec
	g.m.Spec.VCPUs, g.m.Spec.MemoryMiB = vcpus, memoryMiB
	d.mu.Unlock()
	if err := d.define(l, g); err != nil {
		d.mu.Lock()
		g.m.Spec = old
		d.mu.Unlock()
		return err
	}
	return nil
}

// Console implements hv.Observer: the serial console file, its last 64 KiB.
func (d *Driver) Console(ctx context.Context, id string) ([]byte, error) {
	d.mu.Lock()
	g, ok := d.g[id]
	d.mu.Unlock()
	if !ok {
		return nil, hv.ErrNotFound
	}
	return qemuguest.ReadConsole(g.path("console.log"))
}

// List implements hv.Lister: the host's domains of this driver, asked
// afresh. A domain defined since (another daemon of the same directory
// cannot be) is taken in; one undefined behind the driver's back is
// forgotten.
func (d *Driver) List(ctx context.Context) ([]hv.GuestStatus, error) {
	l, err := d.client()
	if err != nil {
		return nil, err
	}
	if err := d.reattach(ctx, l); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]hv.GuestStatus, 0, len(d.g))
	for id, g := range d.g {
		if g.dom.Name == "" {
			continue // being created
		}
		s := hv.StateStopped
		if g.running {
			s = hv.StateRunning
		}
		out = append(out, hv.GuestStatus{ID: id, State: s})
	}
	return out, nil
}

// SSHAddress implements hv.SSHEndpoint: the port forwarded on the host's
// loopback (this machine's: see the package comment).
func (d *Driver) SSHAddress(ctx context.Context, id string) (string, int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, ok := d.g[id]
	if !ok {
		return "", 0, hv.ErrNotFound
	}
	if !g.running {
		return "", 0, fmt.Errorf("%w: %s is not running", hv.ErrInvalidState, id)
	}
	return "127.0.0.1", g.m.SSHPort, nil
}

// Close implements hv.Driver: the domains keep running; the next daemon
// re-attaches to them. A second Close does nothing.
func (d *Driver) Close(ctx context.Context) error {
	d.close.Do(func() { close(d.done) })
	d.wg.Wait()
	d.connMu.Lock()
	defer d.connMu.Unlock()
	if d.conn != nil {
		_ = d.conn.Disconnect()
		d.conn = nil
	}
	return nil
}

// guestDir is where a guest's files are, on this machine, which is the
// host's (see the package comment).
func (d *Driver) guestDir(id string) string { return filepath.Join(d.dir, id) }

// owned says whether a domain name is one of this driver's guests (not
// its KVM probe), and the guest's ID.
func (d *Driver) owned(name string) (string, bool) {
	id, ok := strings.CutPrefix(name, d.prefix)
	return id, ok && strings.HasPrefix(id, "i-")
}
