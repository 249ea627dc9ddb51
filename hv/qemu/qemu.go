// Package qemu is the hypervisor driver that runs real guests: each guest
// is a qemu-system-x86_64 process (KVM when /dev/kvm works, TCG otherwise)
// with a copy-on-write qcow2 root volume, a cloud-init NoCloud seed, its
// serial console in a file (the system log) and QMP for status, shutdown
// and counters. QEMU daemonizes, so guests outlive the ec2x daemon, which
// re-attaches to them when it starts again.
package qemu

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/qemuguest"
)

// Name is the driver's name in the catalog and in config.
const Name = "qemu"

const (
	// powerdownGrace is how long a graceful stop waits before quitting.
	powerdownGrace = 30 * time.Second
)

func init() { hv.Register(Name, open) }

// Driver runs guests as QEMU processes.
type Driver struct {
	opts  hv.Options
	bin   string
	accel string // kvm or tcg
	// rotateAt is the size at which traffic dump files are emptied.
	rotateAt int64
	dir      string
	mu       sync.Mutex
	g        map[string]*guest
	done     chan struct{}
	wg       sync.WaitGroup

	// hz is USER_HZ, the clock ticks per second of /proc's CPU times.
	hz int64
	// proxies are the loopback listeners that reach guest ports inside
	// their VPC (vpc.go), by guest ID and "NIC/port".
	proxies map[string]map[string]net.Listener
}

var (
	_ hv.Driver                = (*Driver)(nil)
	_ hv.PortForwarder         = (*Driver)(nil)
	_ hv.Accelerated           = (*Driver)(nil)
	_ hv.NICHotPlugger         = (*Driver)(nil)
	_ hv.SSHEndpoint           = (*Driver)(nil)
	_ hv.ConsoleAppender       = (*Driver)(nil)
	_ hv.DiagnosticInterrupter = (*Driver)(nil)
	_ hv.GuestNetworker        = (*Driver)(nil)
	_ hv.GuestDialer           = (*Driver)(nil)
)

// guest is one guest's files and process.
type guest struct {
	Spec    hv.GuestSpec `json:"Spec"`
	SSHPort int          `json:"SSHPort"`
	// Counters of the runs that ended: the process's own restart at zero.
	BaseCPU       time.Duration `json:"BaseCPU"`
	BaseDiskRead  uint64        `json:"BaseDiskRead"`
	BaseDiskWrite uint64        `json:"BaseDiskWrite"`
	BaseNetIn     uint64        `json:"BaseNetIn,omitempty"`
	BaseNetOut    uint64        `json:"BaseNetOut,omitempty"`
	// Rotated* are the running process's traffic in dump files emptied
	// since it started (see netstats.go).
	RotatedNetIn  uint64 `json:"RotatedNetIn,omitempty"`
	RotatedNetOut uint64 `json:"RotatedNetOut,omitempty"`
	// Forwards are the host ports forwarded to the running process's guest
	// ports, by "DEVICE/PORT" (QEMU forgets them when it exits).
	Forwards map[string]int `json:"Forwards,omitempty"`
	// Netdevs number the running process's NICs by interface ID: QEMU's
	// netdev and device IDs stay with a NIC when another is unplugged.
	Netdevs map[string]int `json:"Netdevs,omitempty"`
	// NextNetdev is the next netdev number to hand out: never one a NIC
	// of the running process has had, even one whose hot-plug failed.
	NextNetdev int `json:"NextNetdev,omitempty"`
	// Hibernated says the next start resumes from the saved state.
	Hibernated bool `json:"Hibernated,omitempty"`
	// Disks are its EBS volumes besides the root disk (disk.go).
	Disks []volume `json:"Disks,omitempty"`
	// diskMu holds its disks still while one comes, goes or is copied.
	diskMu sync.Mutex
	// missingDumps are traffic dump filters to add again (a rotation whose
	// re-add failed), by filter ID.
	missingDumps map[string]map[string]any
	dir          string
	pid          int
	// consoleAtStart is the console's size when the process started.
	consoleAtStart int64
	// dumps are the running process's traffic dump files as read so far.
	dumps map[string]*netDump
	// last are the running process's counters as last read.
	lastCPU                 time.Duration
	lastDiskRead, lastDiskW uint64
	// stopping and destroying say why the process is expected to end.
	stopping, destroying bool
}

func open(ctx context.Context, o hv.Options) (hv.Driver, error) {
	bin, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		return nil, fmt.Errorf("%w: qemu-system-x86_64 is not installed (apt-get install qemu-system-x86 qemu-utils)", hv.ErrUnavailable)
	}
	if _, err := exec.LookPath("qemu-img"); err != nil {
		return nil, fmt.Errorf("%w: qemu-img is not installed (apt-get install qemu-utils)", hv.ErrUnavailable)
	}
	dir := filepath.Join(o.Dir, Name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	a, why := chooseAccel(ctx, bin, dir)
	o.Logger.Info().Str("accel", a).Str("why", why).Msg("qemu guests run on " + a)
	hz, err := clockTicks()
	if err != nil {
		hz = 100 // USER_HZ on every Linux architecture QEMU's x86 guests run on
		o.Logger.Warn().Err(err).Msg("qemu: cannot read the clock tick rate; assuming 100 Hz")
	}
	d := &Driver{opts: o, bin: bin, accel: a, rotateAt: dumpRotateBytes, hz: hz, dir: dir, g: map[string]*guest{}, done: make(chan struct{}),
		proxies: map[string]map[string]net.Listener{}}
	if err := d.reattach(); err != nil {
		return nil, err
	}
	return d, nil
}

// Name implements hv.Driver.
func (d *Driver) Name() string { return Name }

// Accel says how guests run: kvm or tcg.
func (d *Driver) Accel() string { return d.accel }

// Capabilities implements hv.Driver.
func (d *Driver) Capabilities() hv.Capabilities {
	return hv.Capabilities{RealGuest: true, Persistent: true, GracefulStop: true, HotPlugNIC: true, StatusChecks: true, Screenshot: true, DiagnosticInterrupt: true, Hibernate: true, HotPlugDisk: true, SnapshotDisk: true}
}

func (g *guest) path(name string) string { return filepath.Join(g.dir, name) }

func (g *guest) save() error {
	b, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return err
	}
	tmp := g.path("guest.json.tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, g.path("guest.json"))
}

// Create implements hv.Lifecycle: the guest's directory, root volume and seed.
func (d *Driver) Create(ctx context.Context, spec hv.GuestSpec) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.g[spec.ID]; ok {
		return hv.ErrExists
	}
	g := &guest{Spec: spec, dir: filepath.Join(d.dir, spec.ID)}
	if err := os.MkdirAll(g.dir, 0o700); err != nil {
		return err
	}
	if err := qemuguest.MakeRoot(ctx, g.path("root.qcow2"), spec); err != nil {
		os.RemoveAll(g.dir)
		return err
	}
	if err := qemuguest.WriteSeed(g.path("seed.iso"), spec); err != nil {
		os.RemoveAll(g.dir)
		return err
	}
	if err := g.save(); err != nil {
		os.RemoveAll(g.dir)
		return err
	}
	d.g[spec.ID] = g
	return nil
}

func (d *Driver) get(id string) (*guest, error) {
	g, ok := d.g[id]
	if !ok {
		return nil, hv.ErrNotFound
	}
	return g, nil
}

// Start implements hv.Lifecycle: it starts QEMU, which daemonizes.
func (d *Driver) Start(ctx context.Context, id string) error {
	defer d.lockDisks(id)() // a disk being copied is not opened under the copy
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.get(id)
	if err != nil {
		return err
	}
	if g.pid > 0 {
		return fmt.Errorf("%w: %s is running", hv.ErrInvalidState, id)
	}
	port, err := qemuguest.FreePort()
	if err != nil {
		return err
	}
	g.SSHPort, g.Forwards, g.Netdevs = port, nil, map[string]int{}
	for i, nic := range g.Spec.NICs {
		g.Netdevs[nic.ID] = i
	}
	g.NextNetdev = len(g.Spec.NICs)
	removeDumps(g)
	g.dumps, g.RotatedNetIn, g.RotatedNetOut = nil, 0, 0
	if err := g.save(); err != nil {
		return err
	}
	_ = os.Remove(g.path("qemu.pid"))
	g.consoleAtStart = 0
	if fi, err := os.Stat(g.path("console.log")); err == nil {
		g.consoleAtStart = fi.Size()
	}
	incoming := incomingArgs(g)
	g.Hibernated = false // resumed now, or never: a later start boots
	if err := g.save(); err != nil {
		return err
	}
	taps, fds, err := d.plugAll(ctx, g)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, d.bin, append(d.args(g, fds), incoming...)...)
	cmd.ExtraFiles = taps
	out, err := cmd.CombinedOutput()
	closeAll(taps) // QEMU holds its own
	if err != nil {
		d.unplugAll(g)
		return fmt.Errorf("qemu: %v: %s", err, strings.TrimSpace(string(out)))
	}
	pid := livePID(g)
	if pid == 0 {
		d.unplugAll(g)
		return fmt.Errorf("qemu for %s exited at once; see %s", id, g.path("console.log"))
	}
	g.pid, g.stopping = pid, false
	if err := d.sshProxy(g); err != nil {
		d.opts.Logger.Warn().Err(err).Msg("qemu")
	}
	_ = g.save()
	d.watch(g, pid)
	if incoming != nil {
		d.forgetImage(g, pid)
	}
	d.notify(id, hv.StateRunning, "")
	return nil
}

// args is the QEMU command line of a guest; taps are the fds of the
// NICs plugged into their VPC (the rest get user-mode networks).
func (d *Driver) args(g *guest, taps map[string]int) []string {
	s := g.Spec
	a := []string{
		"-name", s.ID, "-daemonize", "-pidfile", g.path("qemu.pid"),
		"-accel", d.accel, "-cpu", "max", "-smp", strconv.Itoa(max(s.VCPUs, 1)), "-m", strconv.Itoa(max(s.MemoryMiB, 64)),
		"-display", "none", "-monitor", "none", "-nodefaults",
		// a display adapter, for GetConsoleScreenshot (QMP's screendump)
		"-device", "VGA",
		// a kernel panic pauses the guest, as a crashed EC2 instance keeps
		// running with its status check failed until it is rebooted
		"-device", "pvpanic", "-action", "panic=pause",
		// memory use as the guest sees it (Stats), never inflated
		"-device", fmt.Sprintf("virtio-balloon-pci,id=%s,guest-stats-polling-interval=%d", balloonID, balloonPoll),
		"-chardev", "file,id=console,path=" + g.path("console.log") + ",append=on", "-serial", "chardev:console",
		"-qmp", "unix:" + g.path("qmp.sock") + ",server=on,wait=off",
		"-drive", "file=" + g.path("root.qcow2") + ",if=virtio,format=qcow2",
		"-drive", "file=" + g.path("seed.iso") + ",if=virtio,format=raw,readonly=on",
	}
	a = append(a, diskArgs(g)...)
	if s.Image.Kernel != "" {
		a = append(a, "-kernel", s.Image.Kernel, "-append", qemuguest.KernelCmdline(s.Image))
		if s.Image.Initrd != "" {
			a = append(a, "-initrd", s.Image.Initrd)
		}
	}
	for _, nic := range s.NICs {
		i := g.Netdevs[nic.ID]
		nd := "user," + qemuguest.NetdevOpts(i, nic)
		if fd, ok := taps[nic.ID]; ok {
			nd = fmt.Sprintf("tap,id=n%d,fd=%d", i, fd)
		} else if nic.DeviceIndex == 0 {
			nd += fmt.Sprintf(",hostfwd=tcp:127.0.0.1:%d-:22", g.SSHPort)
		}
		a = append(a, "-netdev", nd, "-device", fmt.Sprintf("virtio-net-pci,netdev=n%d,mac=%s,id=d%d", i, nic.MAC, i))
		a = append(a, g.dumpArgs(i)...)
	}
	return a
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

// Stop implements hv.Lifecycle: ACPI power button, then quit after a grace
// period; force quits at once.
func (d *Driver) Stop(ctx context.Context, id string, force bool) error {
	d.mu.Lock()
	g, err := d.get(id)
	if err != nil || g.pid == 0 {
		d.mu.Unlock()
		if err == nil {
			err = fmt.Errorf("%w: %s is not running", hv.ErrInvalidState, id)
		}
		return err
	}
	g.stopping = true
	pid, sock := g.pid, g.path("qmp.sock")
	d.mu.Unlock()
	if force {
		return qmp(ctx, sock, "quit", nil, nil)
	}
	if err := qmp(ctx, sock, "system_powerdown", nil, nil); err != nil {
		return err
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		// A guest still booting has no one listening to the button yet:
		// press it again every two seconds, as a patient operator would.
		deadline := time.After(powerdownGrace)
		press := time.NewTicker(2 * time.Second)
		defer press.Stop()
	wait:
		for {
			select {
			case <-d.done:
				return
			case <-deadline:
				break wait
			case <-press.C:
				if syscall.Kill(pid, 0) != nil {
					return
				}
				if !d.healthy(context.Background(), sock, pid) {
					break wait // a panicked guest hears no button
				}
				_ = qmp(context.Background(), sock, "system_powerdown", nil, nil)
			}
		}
		if syscall.Kill(pid, 0) == nil {
			d.opts.Logger.Warn().Str("guest", id).Msg("no shutdown after the power button; quitting")
			_ = qmp(context.Background(), sock, "quit", nil, nil)
		}
	}()
	return nil
}

// SendNMI injects a non-maskable interrupt into a running guest through
// QMP; the guest's kernel handles it (Linux prints "NMI received" on the
// serial console unless told to panic).
func (d *Driver) SendNMI(ctx context.Context, id string) error {
	d.mu.Lock()
	g, err := d.get(id)
	if err == nil && g.pid == 0 {
		err = fmt.Errorf("%w: %s is not running", hv.ErrInvalidState, id)
	}
	if err != nil {
		d.mu.Unlock()
		return err
	}
	sock := g.path("qmp.sock")
	d.mu.Unlock()
	return qmp(ctx, sock, "inject-nmi", nil, nil)
}

// Reboot implements hv.Lifecycle: a reset once the kernel has started
// printing. A reset in the first instants of a boot, while QEMU is still
// loading the kernel, can leave a TCG guest hung without a word; waiting
// for the console to move avoids it, so the reset is sent in the background.
func (d *Driver) Reboot(ctx context.Context, id string) error {
	d.mu.Lock()
	g, err := d.get(id)
	if err == nil && g.pid == 0 {
		err = fmt.Errorf("%w: %s is not running", hv.ErrInvalidState, id)
	}
	if err != nil {
		d.mu.Unlock()
		return err
	}
	pid, sock, console, from := g.pid, g.path("qmp.sock"), g.path("console.log"), g.consoleAtStart
	d.mu.Unlock()
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		deadline := time.Now().Add(time.Minute)
		for time.Now().Before(deadline) {
			if fi, err := os.Stat(console); err == nil && fi.Size() > from {
				break
			}
			select {
			case <-d.done:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
		if syscall.Kill(pid, 0) != nil {
			return
		}
		if err := qmp(context.Background(), sock, "system_reset", nil, nil); err != nil {
			d.opts.Logger.Warn().Err(err).Str("guest", id).Msg("reboot")
		}
		// a guest paused by a panic waits after the reset (prelaunch)
		if _, running, err := vmStatus(context.Background(), sock); err == nil && !running {
			if err := qmp(context.Background(), sock, "cont", nil, nil); err != nil {
				d.opts.Logger.Warn().Err(err).Str("guest", id).Msg("resume after reset")
			}
		}
	}()
	return nil
}

// Destroy implements hv.Lifecycle: quit QEMU if it runs, delete the files.
func (d *Driver) Destroy(ctx context.Context, id string) error {
	d.mu.Lock()
	g, err := d.get(id)
	if err != nil {
		d.mu.Unlock()
		return err
	}
	g.destroying = true
	if g.pid > 0 {
		sock := g.path("qmp.sock")
		d.mu.Unlock()
		return qmp(ctx, sock, "quit", nil, nil)
	}
	d.unplugAll(g)
	os.RemoveAll(g.dir)
	delete(d.g, id)
	d.mu.Unlock()
	d.notify(id, hv.StateDestroyed, "")
	return nil
}

// Resize implements hv.Lifecycle: the next start uses the new size.
func (d *Driver) Resize(ctx context.Context, id string, vcpus, memoryMiB int) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.get(id)
	if err != nil {
		return err
	}
	if g.pid > 0 {
		return fmt.Errorf("%w: %s is running", hv.ErrInvalidState, id)
	}
	g.Spec.VCPUs, g.Spec.MemoryMiB = vcpus, memoryMiB
	g.Hibernated = false // a saved state of another size cannot load
	return g.save()
}

// Console implements hv.Observer: the serial console, its last 64 KiB.
func (d *Driver) Console(ctx context.Context, id string) ([]byte, error) {
	d.mu.Lock()
	g, err := d.get(id)
	d.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return qemuguest.ReadConsole(g.path("console.log"))
}

// AppendConsole implements hv.ConsoleAppender.
func (d *Driver) AppendConsole(ctx context.Context, id, line string) error {
	d.mu.Lock()
	g, err := d.get(id)
	d.mu.Unlock()
	if err != nil {
		return err
	}
	f, err := os.OpenFile(g.path("console.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString(strings.TrimRight(line, "\n") + "\n")
	return err
}

// List implements hv.Lister.
func (d *Driver) List(ctx context.Context) ([]hv.GuestStatus, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]hv.GuestStatus, 0, len(d.g))
	for id, g := range d.g {
		s := hv.StateStopped
		if g.pid > 0 {
			s = hv.StateRunning
		}
		out = append(out, hv.GuestStatus{ID: id, State: s})
	}
	return out, nil
}

// SSHAddress implements hv.SSHEndpoint: the forwarded port on loopback.
func (d *Driver) SSHAddress(ctx context.Context, id string) (string, int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.get(id)
	if err != nil {
		return "", 0, err
	}
	if g.pid == 0 {
		return "", 0, fmt.Errorf("%w: %s is not running", hv.ErrInvalidState, id)
	}
	return "127.0.0.1", g.SSHPort, nil
}

// Close implements hv.Driver: guests keep running; the daemon re-attaches.
func (d *Driver) Close(ctx context.Context) error {
	close(d.done)
	d.wg.Wait()
	return nil
}
