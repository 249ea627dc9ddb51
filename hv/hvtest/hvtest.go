// Package hvtest is the conformance suite every hypervisor driver passes.
// A driver's test calls Run with a Harness that opens fresh drivers; the
// suite drives them through the lifecycle, errors, console and counters
// that core relies on. Drivers on a fake clock run in milliseconds; drivers
// of real guests set RealTime and the suite waits in wall time instead.
package hvtest

import (
	"context"
	"fmt"
	"hash/fnv"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/internal/clock"
)

// Harness tells Run how to open and drive one driver.
type Harness struct {
	// Open returns a fresh driver. The suite fills opts with its own Clock,
	// Seed, Boot, Stop, Dir (a per-test temporary directory) and Notify;
	// Open may adjust fields its driver needs. The suite closes the driver.
	Open func(t *testing.T, opts hv.Options) hv.Driver
	// RealTime says the driver moves in wall time (real guests): the suite
	// passes clock.Real{} and waits instead of advancing a fake clock.
	RealTime bool
	// Spec returns the guest to create under id, with n NICs (n >= 1); nil
	// means DefaultSpec. Drivers of real guests point it at a usable image.
	Spec func(id string, n int) hv.GuestSpec
	// DiskFile makes a volume file of sizeGiB for a DiskAttacher to open;
	// nil when the driver keeps no volume data (it gets a path, no file).
	DiskFile func(t *testing.T, volumeID string, sizeGiB int) string
	// Boot and Stop go into Options; zero means 5s and 2s of fake time.
	Boot, Stop time.Duration
	// Timeout bounds each wait in wall time; zero means 10s, or 5m with RealTime.
	Timeout time.Duration
}

// Start is the fake clock's starting time, fixed so output is reproducible:
// 2024-12-02 10:00:00 UTC.
func Start() time.Time { return time.Date(2024, 12, 2, 10, 0, 0, 0, time.UTC) }

// step is how far WaitFor and Eventually move a fake clock per try.
const step = 100 * time.Millisecond

// Env is one open driver under test, with what drives and observes it.
type Env struct {
	T      *testing.T
	Ctx    context.Context
	Driver hv.Driver
	Clock  *clock.Fake // nil with RealTime
	Events *Recorder
	h      Harness
	ids    int
}

// NewEnv opens a fresh driver for t and closes it when t ends.
func (h Harness) NewEnv(t *testing.T) *Env {
	t.Helper()
	return h.NewEnvIn(t, t.TempDir())
}

// NewEnvIn is NewEnv with dir as the driver's directory: a second Env in
// the directory of another is its driver opened again, as a daemon that
// restarted opens its drivers.
func (h Harness) NewEnvIn(t *testing.T, dir string) *Env {
	t.Helper()
	if h.Boot == 0 {
		h.Boot = 5 * time.Second
	}
	if h.Stop == 0 {
		h.Stop = 2 * time.Second
	}
	if h.Timeout == 0 {
		h.Timeout = 10 * time.Second
		if h.RealTime {
			h.Timeout = 5 * time.Minute
		}
	}
	e := &Env{T: t, Ctx: context.Background(), Events: NewRecorder(), h: h}
	opts := hv.Options{Seed: 42, Boot: h.Boot, Stop: h.Stop, Dir: dir, Notify: e.Events.Notify}
	if h.RealTime {
		opts.Clock = clock.Real{}
	} else {
		e.Clock = clock.NewFake(Start())
		opts.Clock = e.Clock
	}
	e.Driver = h.Open(t, opts)
	t.Cleanup(func() {
		if err := e.Driver.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return e
}

// NewID returns an instance ID not used before in this Env.
func (e *Env) NewID() string {
	e.ids++
	return fmt.Sprintf("i-%017x", 0xc0ffee00+e.ids)
}

// Spec returns the harness's spec for id with n NICs.
func (e *Env) Spec(id string, n int) hv.GuestSpec {
	if e.h.Spec != nil {
		return e.h.Spec(id, n)
	}
	return DefaultSpec(id, n)
}

// DefaultSpec is a small Debian guest with n NICs whose addresses and MACs
// derive from id, so two guests differ.
func DefaultSpec(id string, n int) hv.GuestSpec {
	f := fnv.New32a()
	f.Write([]byte(id))
	h := f.Sum32()
	s := hv.GuestSpec{
		ID: id, HostID: "h-00000000000000001", Region: "us-east-1", Zone: "us-east-1a",
		InstanceType: "t3.small", VCPUs: 2, MemoryMiB: 2048, VolumeGiB: 8,
		Image:        hv.Image{ID: "ami-0123456789abcdef0", Name: "debian-12", Arch: "x86_64", User: "admin"},
		SSHPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBsb2tAMK6DSRbtjcvB4mrpFxEF4Kl7hk+D5ma6T7Uj2 hvtest",
	}
	for i := 0; i < n; i++ {
		ip := fmt.Sprintf("172.31.%d.%d", 16+i*16+int(h%16), 4+int((h>>4)%240))
		s.NICs = append(s.NICs, hv.NIC{
			ID: fmt.Sprintf("eni-%08x%09x", h, i), DeviceIndex: i, PrefixLen: 20, PrivateIP: ip,
			MAC: fmt.Sprintf("0a:%02x:%02x:%02x:%02x:%02x", h>>24, h>>16&255, h>>8&255, h&255, i),
		})
	}
	s.Hostname = "ip-" + strings.ReplaceAll(s.NICs[0].PrivateIP, ".", "-")
	return s
}

// Create defines a guest with n NICs and returns its spec.
func (e *Env) Create(n int) hv.GuestSpec {
	e.T.Helper()
	spec := e.Spec(e.NewID(), n)
	if err := e.Driver.Create(e.Ctx, spec); err != nil {
		e.T.Fatalf("Create(%s): %v", spec.ID, err)
	}
	return spec
}

// Running defines a guest with n NICs, starts it and waits until it runs.
func (e *Env) Running(n int) hv.GuestSpec {
	e.T.Helper()
	spec := e.Create(n)
	if err := e.Driver.Start(e.Ctx, spec.ID); err != nil {
		e.T.Fatalf("Start(%s): %v", spec.ID, err)
	}
	e.WaitFor(spec.ID, hv.StateRunning)
	return spec
}

// WaitFor waits for the guest's next event with state; see WaitFor.
func (e *Env) WaitFor(id string, state hv.State) hv.Event {
	e.T.Helper()
	return WaitFor(e.T, e.Events, e.Clock, id, state, e.h.Timeout)
}

// Sleep lets d pass: fake time when there is a fake clock, else wall time.
func (e *Env) Sleep(d time.Duration) {
	if e.Clock != nil {
		e.Clock.Advance(d)
		return
	}
	time.Sleep(d)
}

// Eventually waits until cond holds, moving a fake clock on meanwhile.
func (e *Env) Eventually(what string, cond func() bool) {
	e.T.Helper()
	deadline := time.Now().Add(e.h.Timeout)
	for !cond() {
		if time.Now().After(deadline) {
			e.T.Fatalf("timed out after %v waiting until %s", e.h.Timeout, what)
		}
		if e.Clock != nil {
			e.Clock.Advance(step)
		} else {
			time.Sleep(250 * time.Millisecond)
		}
	}
}

// Console returns the guest's console as text, failing the test on error.
func (e *Env) Console(id string) string {
	e.T.Helper()
	b, err := e.Driver.Console(e.Ctx, id)
	if err != nil {
		e.T.Fatalf("Console(%s): %v", id, err)
	}
	return string(b)
}

// State returns the guest's state as List reports it, and whether it is listed.
func (e *Env) State(id string) (hv.State, bool) {
	e.T.Helper()
	list, err := e.Driver.List(e.Ctx)
	if err != nil {
		e.T.Fatalf("List: %v", err)
	}
	for _, g := range list {
		if g.ID == id {
			return g.State, true
		}
	}
	return hv.StateUnknown, false
}

// Recorder collects the events a driver sends to Options.Notify.
type Recorder struct {
	mu     sync.Mutex
	events []hv.Event
	used   []bool        // consumed by WaitFor
	signal chan struct{} // poked on every event
}

// NewRecorder returns an empty Recorder; pass its Notify in hv.Options.
func NewRecorder() *Recorder { return &Recorder{signal: make(chan struct{}, 1)} }

// Notify records e. It never blocks.
func (r *Recorder) Notify(e hv.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.used = append(r.used, false)
	r.mu.Unlock()
	select {
	case r.signal <- struct{}{}:
	default:
	}
}

// Events returns every event recorded so far, for the guest id or, when id
// is empty, for all guests.
func (r *Recorder) Events(id string) []hv.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []hv.Event
	for _, e := range r.events {
		if id == "" || e.ID == id {
			out = append(out, e)
		}
	}
	return out
}

// take consumes the first unconsumed event of id with state, and every
// unconsumed event of id before it.
func (r *Recorder) take(id string, state hv.State) (hv.Event, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, e := range r.events {
		if r.used[i] || e.ID != id || e.State != state {
			continue
		}
		for j := 0; j <= i; j++ {
			if r.events[j].ID == id {
				r.used[j] = true
			}
		}
		return e, true
	}
	return hv.Event{}, false
}

// WaitFor waits until the recorder holds an event for id with state that no
// earlier WaitFor consumed, and consumes it. With a fake clock it advances
// the clock in small steps while timers are pending; otherwise it waits.
// It fails t after timeout of wall time.
func WaitFor(t testing.TB, r *Recorder, clk *clock.Fake, id string, state hv.State, timeout time.Duration) hv.Event {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if e, ok := r.take(id, state); ok {
			return e
		}
		left := time.Until(deadline)
		if left <= 0 {
			t.Fatalf("timed out after %v waiting for %s to be %s; events: %v", timeout, id, state, r.Events(id))
		}
		if clk != nil && clk.Pending() > 0 {
			clk.Advance(step)
			continue
		}
		// Nothing pending on the fake clock (or no fake clock): the event
		// can only come from another goroutine.
		select {
		case <-r.signal:
		case <-time.After(min(left, 10*time.Millisecond)):
		}
	}
}

// LatestBoot returns the console text from the last boot on: from the last
// "Linux version" line (a kernel prints it first on every boot).
func LatestBoot(console string) string {
	i := strings.LastIndex(console, "Linux version ")
	if i < 0 {
		return ""
	}
	if j := strings.LastIndexByte(console[:i], '\n'); j >= 0 {
		return console[j+1:]
	}
	return console
}

var (
	cpusRE   = regexp.MustCompile(`smp: Brought up \d+ nodes?, (\d+) CPUs?`)
	memoryRE = regexp.MustCompile(`Memory: (\d+)K/(\d+)K available`)
)

// BootCPUs returns the CPU count a boot log reports, or -1.
func BootCPUs(boot string) int {
	m := cpusRE.FindStringSubmatch(boot)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// BootMemoryKiB returns the total memory a boot log reports, or -1.
func BootMemoryKiB(boot string) int {
	m := memoryRE.FindStringSubmatch(boot)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[2])
	return n
}

// memoryMatches says whether a kernel's total memory fits a guest of
// memoryMiB: the firmware and kernel keep a little, never more than a tenth.
func memoryMatches(kib, memoryMiB int) bool {
	return kib <= memoryMiB*1024 && kib >= memoryMiB*1024*9/10
}
