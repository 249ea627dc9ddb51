// Package hv is the hypervisor driver layer: the Driver interface that every
// driver implements, its optional abilities, and the catalog drivers register
// in. Core never knows which driver runs a guest; it talks to this interface.
package hv

import (
	"context"
	"net"
	"net/netip"
	"time"

	"github.com/ec2x/ec2x/hv/vpcnet"
	"github.com/ec2x/ec2x/internal/clock"
	"github.com/rs/zerolog"
)

// State is a guest's power state as the driver sees it.
type State int

// Guest states. A driver reports only settled states in events.
const (
	StateUnknown   State = iota
	StateStopped         // defined but not running
	StateStarting        // booting
	StateRunning         // running
	StateStopping        // shutting down
	StateDestroyed       // gone
)

var stateNames = [...]string{"unknown", "stopped", "starting", "running", "stopping", "destroyed"}

func (s State) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return "invalid"
	}
	return stateNames[s]
}

// NIC is a network interface as the guest sees it.
type NIC struct {
	ID          string // eni-...
	DeviceIndex int
	MAC         string
	PrivateIP   string
	PrefixLen   int // of the subnet
	PublicIP    string
	// VpcID, Subnet and the secondary addresses place the NIC in its
	// VPC's private network (drivers with a guest network fabric).
	VpcID       string
	Subnet      netip.Prefix
	SecondaryIP []string
}

// Image is what a guest boots from.
type Image struct {
	ID   string // ami-...
	Name string // e.g. debian-12
	Arch string // x86_64
	User string // default SSH user
	// Files of real images (qemu): a disk image (qcow2 or raw), a kernel
	// with an optional initrd, or both (the kernel boots the disk).
	Disk, Kernel, Initrd string
	// KernelArgs is the kernel's command line after the console.
	KernelArgs string
	// CopyDisk says Disk may go away while guests use it (an EBS
	// snapshot's file): a guest's root gets a copy, not an overlay.
	CopyDisk bool
}

// GuestSpec is everything a driver needs to create a guest.
type GuestSpec struct {
	ID           string // the instance ID (i-...)
	HostID       string
	Region       string
	Zone         string
	InstanceType string
	VCPUs        int
	MemoryMiB    int
	Image        Image
	NICs         []NIC
	UserData     []byte
	SSHPublicKey string // OpenSSH authorized_keys line; empty when no key
	Hostname     string
	VolumeGiB    int
	Workload     string // a workload model name for simulated guests
	// Load, when set, is a custom workload profile (it wins over Workload).
	Load *LoadProfile
}

// Workloads are the built-in workload model names drivers that simulate
// load understand (GuestSpec.Workload); "" means idle.
var Workloads = []string{"idle", "web", "batch", "cpu-burn"}

// LoadProfile is a custom workload: CPU utilisation around a mean, with a
// daily wave and noise, all in percent of the instance's vCPUs.
type LoadProfile struct {
	MeanPct    float64
	DiurnalPct float64
	NoisePct   float64
}

// Event tells core that a guest reached a settled state.
type Event struct {
	ID    string
	State State
	At    time.Time
	// Reason explains a state core did not ask for (a guest crash, say).
	Reason string
}

// Stats are a guest's cumulative resource counters since it was created.
type Stats struct {
	At      time.Time
	CPUTime time.Duration // summed over vCPUs
	// MemoryUsedMiB is what the guest uses; 0 when the driver cannot
	// tell (the guest has not reported it), which is no datapoint.
	MemoryUsedMiB  int
	NetRxBytes     uint64
	NetTxBytes     uint64
	DiskReadBytes  uint64
	DiskWriteBytes uint64
	// StatusCheckFailed says the guest is in no state to work (a kernel
	// panic, a hypervisor error): EC2's StatusCheckFailed metric.
	StatusCheckFailed bool
}

// GuestStatus is one guest in List.
type GuestStatus struct {
	ID    string
	State State
}

// Lifecycle creates guests and moves them between power states.
// Start, Stop, Reboot and Destroy return once the request is accepted; the
// driver reports the settled state later through Options.Notify.
type Lifecycle interface {
	// Create defines a stopped guest. It MUST fail with ErrExists when the
	// ID is already defined.
	Create(ctx context.Context, spec GuestSpec) error
	// Start boots a stopped guest; Notify(StateRunning) follows.
	Start(ctx context.Context, id string) error
	// Stop shuts a guest down, gracefully unless force; Notify(StateStopped) follows.
	Stop(ctx context.Context, id string, force bool) error
	// Reboot restarts a running guest; it stays running (no event).
	Reboot(ctx context.Context, id string) error
	// Destroy stops the guest if needed and removes it; Notify(StateDestroyed) follows.
	Destroy(ctx context.Context, id string) error
	// Resize changes vCPUs and memory of a stopped guest.
	Resize(ctx context.Context, id string, vcpus, memoryMiB int) error
}

// Observer reads what a guest shows the outside: its console and counters.
type Observer interface {
	// Console returns the guest's console log (the system log), oldest first.
	Console(ctx context.Context, id string) ([]byte, error)
	// Stats returns the guest's counters now.
	Stats(ctx context.Context, id string) (Stats, error)
}

// Lister lists the guests a driver knows, for reconciliation after a restart.
type Lister interface {
	List(ctx context.Context) ([]GuestStatus, error)
}

// Driver is a hypervisor driver.
type Driver interface {
	Name() string
	Capabilities() Capabilities
	Lifecycle
	Observer
	Lister
	// Close releases the driver; guests of drivers that outlive the daemon keep running.
	Close(ctx context.Context) error
}

// NICHotPlugger attaches and detaches NICs on a running guest. Drivers that
// declare Capabilities.HotPlugNIC implement it.
type NICHotPlugger interface {
	AttachNIC(ctx context.Context, id string, nic NIC) error
	DetachNIC(ctx context.Context, id string, nicID string) error
}

// SSHEndpoint tells where a guest's SSH server can be reached from this
// machine. Drivers that declare Capabilities.RealGuest implement it.
type SSHEndpoint interface {
	SSHAddress(ctx context.Context, id string) (host string, port int, err error)
}

// PortForwarder makes a guest's TCP port on one of its NICs reachable from
// this machine: the daemon forwards public IPs through it.
type PortForwarder interface {
	// ForwardPort returns a host:port on this machine that reaches port on
	// the NIC with that device index; asking twice returns the same address.
	ForwardPort(ctx context.Context, id string, deviceIndex, port int) (string, error)
}

// Accelerated tells how a driver of real guests runs them: "kvm" or "tcg".
type Accelerated interface {
	Accel() string
}

// GuestDialer connects to a guest port on one of its interfaces from
// inside the guest's network: "tcp" or "udp" (a driver with a private
// VPC network; user-mode networks forward TCP only).
type GuestDialer interface {
	DialGuest(ctx context.Context, id string, deviceIndex int, network string, port int) (net.Conn, error)
}

// GuestNetworker tells how a driver of real guests networks them: "vpc"
// (the private network of their VPC) or "user" and why.
type GuestNetworker interface {
	GuestNetwork() string
}

// ConsoleAppender writes a line to a guest's console as the host would
// (EC2 prints spot interruption notices there).
type ConsoleAppender interface {
	AppendConsole(ctx context.Context, id, line string) error
}

// DiagnosticInterrupter sends a running guest a non-maskable interrupt
// (EC2's SendDiagnosticInterrupt); the guest's kernel reacts as it is
// configured to (a console message, a panic, a crash dump). Drivers that
// declare Capabilities.DiagnosticInterrupt implement it.
type DiagnosticInterrupter interface {
	SendNMI(ctx context.Context, id string) error
}

// Hibernator suspends a running guest to disk: its memory is saved, it
// powers off (Notify(StateStopped) follows), and its next Start resumes
// from the saved memory instead of booting. Drivers that declare
// Capabilities.Hibernate implement it.
type Hibernator interface {
	Hibernate(ctx context.Context, id string) error
}

// PowerOffDestroyer removes a guest without its OS shutdown: the power is
// cut, then the guest is removed (Notify(StateDestroyed) follows). Drivers
// whose Destroy shuts the guest's OS down gracefully implement it; core
// uses Destroy where a driver does not.
type PowerOffDestroyer interface {
	DestroyPoweredOff(ctx context.Context, id string) error
}

// Disk is an EBS volume as a guest gets it: a qcow2 file on this machine
// (made by hv/diskfile) that the driver opens but never owns or deletes.
type Disk struct {
	VolumeID string // vol-...
	Path     string // the volume's qcow2 file
	// Serial is the disk's serial number as the guest reads it; empty
	// means the volume ID without its dash, as EC2's NVMe volumes show it.
	Serial   string
	ReadOnly bool // the guest cannot write to it
}

// DiskAttacher gives guests EBS volumes as block devices: attached to a
// running guest a volume is hot-plugged, to a stopped one it is there at
// the next start, and the guest keeps it across stops and starts until it
// is detached. Drivers that declare Capabilities.HotPlugDisk implement it.
type DiskAttacher interface {
	// AttachDisk fails with ErrDiskAttached when the guest has the volume already.
	AttachDisk(ctx context.Context, id string, disk Disk) error
	// DetachDisk returns once a running guest has let go of the device;
	// ErrNoDisk when the guest has no such volume.
	DetachDisk(ctx context.Context, id, volumeID string) error
	// ResizeDisk grows an attached volume to sizeGiB (ErrDiskShrink when
	// that is smaller); a running guest sees the new size at once.
	ResizeDisk(ctx context.Context, id, volumeID string, sizeGiB int) error
}

// DiskSnapshotter copies a guest's disks into standalone qcow2 files
// (no backing file), each as it was at one moment even while the guest
// writes to it. Drivers that declare Capabilities.SnapshotDisk implement it.
type DiskSnapshotter interface {
	// SnapshotDisk copies an attached volume to target; ErrNoDisk when
	// the guest has no such volume.
	SnapshotDisk(ctx context.Context, id, volumeID, target string) error
	// SnapshotRoot copies the guest's root disk, its image flattened in,
	// so that a guest created from the copy boots with this one's files.
	SnapshotRoot(ctx context.Context, id, target string) error
}

// WorkloadSetter changes a simulated guest's workload while it runs.
type WorkloadSetter interface {
	SetWorkload(ctx context.Context, id, name string, load *LoadProfile) error
}

// Capabilities declares once, as data, what a driver can do.
type Capabilities struct {
	HotPlugNIC   bool // implements NICHotPlugger
	RealGuest    bool // a real OS runs: SSH works
	Persistent   bool // guests outlive the daemon (re-attach after restart)
	GracefulStop bool // Stop without force asks the guest to shut down
	StatusChecks bool // implements StatusChecker
	Screenshot   bool // implements Screenshotter
	// DiagnosticInterrupt: implements DiagnosticInterrupter.
	DiagnosticInterrupt bool
	// Hibernate: implements Hibernator (the guest's memory survives a stop).
	Hibernate bool
	// HotPlugDisk: implements DiskAttacher (EBS volumes are block devices).
	HotPlugDisk bool
	// SnapshotDisk: implements DiskSnapshotter (volumes hold real data).
	SnapshotDisk bool
	// Move: implements Mover (guests move to another host of the same
	// engine, running ones live).
	Move bool
}

// Options configure a driver instance.
type Options struct {
	Clock  clock.Clock
	Seed   int64
	Boot   time.Duration // simulated boot time (sim)
	Stop   time.Duration // simulated shutdown time (sim)
	Dir    string        // a directory the driver may keep files in
	Logger zerolog.Logger
	// Notify receives settled states. It must not block; drivers may call it
	// from any goroutine but never while holding a lock core could wait on.
	Notify func(Event)
	// Fabric, when set, is the private network of real guests: drivers
	// that run them plug their NICs into their VPCs there. Nil: each
	// guest keeps a network of its own (GuestNetwork says why).
	Fabric *vpcnet.Fabric
	// GuestNetwork says why Fabric is nil ("" when it is set).
	GuestNetwork string
	// URI names the host a driver of other engines' hosts drives, from
	// its [[hosts]] group's uri (libvirt: qemu:///system,
	// qemu+tcp://HOST/system); "" for drivers of this machine.
	URI string
}

// Mover moves guests to another driver of the same kind: another host of
// the same engine (a libvirt host at another URI). Drivers that declare
// Capabilities.Move implement it.
type Mover interface {
	// Move hands guest id to dst. A running guest migrates live: it keeps
	// running on dst without a reboot (its counters go on from where they
	// were), and Move returns once it runs there. A stopped guest moves
	// stopped, with its disk. When this driver's host does not answer,
	// the guest is defined on dst, stopped, from its disk (evacuation).
	// Neither driver reports a state for the move itself; when Move
	// fails, the guest stays where it was.
	Move(ctx context.Context, id string, dst Driver) error
}

// HostInspector reads the capacity of the host a driver runs guests on,
// from the engine (libvirt's NodeGetInfo).
type HostInspector interface {
	HostCapacity(ctx context.Context) (vcpus, memoryMiB int, err error)
}

// HealthReporter says whether a driver's host answers.
type HealthReporter interface {
	// Reachable returns nil when the host answered its last check, or
	// why not (wrapping ErrUnavailable). It does not block on the host.
	Reachable(ctx context.Context) error
}

// Factory opens a driver.
type Factory func(ctx context.Context, opts Options) (Driver, error)
