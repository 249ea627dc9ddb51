package sim

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/hvtest"
	"github.com/ec2x/ec2x/internal/clock"
)

func openSim(t *testing.T, opts hv.Options) hv.Driver {
	d, err := hv.Open(context.Background(), Name, opts)
	if err != nil {
		t.Fatalf("hv.Open(sim): %v", err)
	}
	return d
}

func TestConformance(t *testing.T) {
	hvtest.Run(t, hvtest.Harness{Open: openSim})
}

// TestConformanceInstant runs the suite with zero boot and stop times, where
// events are sent from inside Start, Stop and Destroy.
func TestConformanceInstant(t *testing.T) {
	hvtest.Run(t, hvtest.Harness{Open: func(t *testing.T, opts hv.Options) hv.Driver {
		opts.Boot, opts.Stop = 0, 0
		return openSim(t, opts)
	}})
}

// fixture is a sim driver on a fake clock with its events.
type fixture struct {
	t   *testing.T
	ctx context.Context
	d   *Driver
	clk *clock.Fake
	ev  *hvtest.Recorder
}

func newFixture(t *testing.T, seed int64, boot, stop time.Duration) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), clk: clock.NewFake(hvtest.Start()), ev: hvtest.NewRecorder()}
	d, err := New(hv.Options{Clock: f.clk, Seed: seed, Boot: boot, Stop: stop, Notify: f.ev.Notify})
	if err != nil {
		t.Fatal(err)
	}
	f.d = d
	t.Cleanup(func() { d.Close(context.Background()) })
	return f
}

func (f *fixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) create(id string, nics int, workload string) hv.GuestSpec {
	f.t.Helper()
	s := hvtest.DefaultSpec(id, nics)
	s.Workload = workload
	f.must(f.d.Create(f.ctx, s))
	return s
}

func (f *fixture) console(id string) string {
	f.t.Helper()
	b, err := f.d.Console(f.ctx, id)
	f.must(err)
	return string(b)
}

func (f *fixture) stats(id string) hv.Stats {
	f.t.Helper()
	s, err := f.d.Stats(f.ctx, id)
	f.must(err)
	return s
}

func TestRegistered(t *testing.T) {
	if !slices.Contains(hv.Drivers(), Name) {
		t.Fatalf("hv.Drivers() = %v, want sim in it", hv.Drivers())
	}
	caps := (&Driver{}).Capabilities()
	if !caps.HotPlugNIC || caps.RealGuest || caps.Persistent || !caps.GracefulStop {
		t.Errorf("Capabilities() = %+v", caps)
	}
	if _, err := New(hv.Options{Boot: -time.Second}); err == nil {
		t.Error("New accepted a negative boot time")
	}
}

func TestEventTimes(t *testing.T) {
	f := newFixture(t, 1, 5*time.Second, 2*time.Second)
	s := f.create("i-00000000000000001", 1, "")
	t0 := f.clk.Now()
	f.must(f.d.Start(f.ctx, s.ID))
	if st, _ := f.d.List(f.ctx); st[0].State != hv.StateStarting {
		t.Errorf("after Start: %v, want starting", st[0].State)
	}
	f.clk.Advance(4999 * time.Millisecond)
	if n := len(f.ev.Events(s.ID)); n != 0 {
		t.Fatalf("events before boot time: %v", f.ev.Events(s.ID))
	}
	f.clk.Advance(time.Millisecond)
	evs := f.ev.Events(s.ID)
	if len(evs) != 1 || evs[0].State != hv.StateRunning || !evs[0].At.Equal(t0.Add(5*time.Second)) {
		t.Fatalf("events = %v, want running at %v", evs, t0.Add(5*time.Second))
	}
	f.clk.Advance(time.Minute)
	t1 := f.clk.Now()
	f.must(f.d.Stop(f.ctx, s.ID, false))
	if err := f.d.Stop(f.ctx, s.ID, false); !errors.Is(err, hv.ErrInvalidState) {
		t.Errorf("graceful Stop of a stopping guest: %v, want ErrInvalidState", err)
	}
	f.clk.Advance(10 * time.Second)
	if e := f.ev.Events(s.ID)[1]; e.State != hv.StateStopped || !e.At.Equal(t1.Add(2*time.Second)) {
		t.Errorf("stop event %v, want stopped at %v", e, t1.Add(2*time.Second))
	}
	// Force cuts a graceful stop short and settles at once.
	f.must(f.d.Start(f.ctx, s.ID))
	f.clk.Advance(5 * time.Second)
	f.must(f.d.Stop(f.ctx, s.ID, false))
	f.clk.Advance(time.Second)
	t2 := f.clk.Now()
	f.must(f.d.Stop(f.ctx, s.ID, true))
	evs = f.ev.Events(s.ID)
	if e := evs[len(evs)-1]; e.State != hv.StateStopped || !e.At.Equal(t2) {
		t.Errorf("forced stop event %v, want stopped at %v", e, t2)
	}
	f.clk.Advance(time.Minute)
	if n := len(f.ev.Events(s.ID)); n != 4 {
		t.Errorf("got %d events, want 4 (the cut-short stop must not report again): %v", n, f.ev.Events(s.ID))
	}
	t3 := f.clk.Now()
	f.must(f.d.Destroy(f.ctx, s.ID))
	f.must(f.d.Destroy(f.ctx, s.ID)) // a second destroy is a no-op
	if err := f.d.Start(f.ctx, s.ID); !errors.Is(err, hv.ErrInvalidState) {
		t.Errorf("Start while being destroyed: %v, want ErrInvalidState", err)
	}
	f.clk.Advance(time.Minute)
	evs = f.ev.Events(s.ID)
	if e := evs[len(evs)-1]; len(evs) != 5 || e.State != hv.StateDestroyed || !e.At.Equal(t3.Add(2*time.Second)) {
		t.Errorf("events %v, want one destroyed at %v last", evs, t3.Add(2*time.Second))
	}
	if f.clk.Pending() != 0 {
		t.Errorf("%d timers left pending", f.clk.Pending())
	}
}

// A stale boot timer must not fire into a later boot: stop a starting guest,
// start it again, and only the second boot reports running, on its own time.
func TestStaleTimer(t *testing.T) {
	f := newFixture(t, 1, 5*time.Second, 2*time.Second)
	s := f.create("i-00000000000000001", 1, "")
	f.must(f.d.Start(f.ctx, s.ID))
	f.clk.Advance(time.Second)
	f.must(f.d.Stop(f.ctx, s.ID, true))
	f.clk.Advance(time.Second)
	t0 := f.clk.Now()
	f.must(f.d.Start(f.ctx, s.ID))
	f.clk.Advance(time.Minute)
	evs := f.ev.Events(s.ID)
	if len(evs) != 2 || evs[1].State != hv.StateRunning || !evs[1].At.Equal(t0.Add(5*time.Second)) {
		t.Errorf("events %v, want stopped then running at %v", evs, t0.Add(5*time.Second))
	}
}

// Notify may call back into the driver: it is never called under the lock.
func TestNotifyReentrant(t *testing.T) {
	for _, boot := range []time.Duration{0, time.Second} {
		clk := clock.NewFake(hvtest.Start())
		var d *Driver
		var seen []string
		notify := func(e hv.Event) {
			list, err := d.List(context.Background())
			if err != nil {
				t.Error(err)
			}
			seen = append(seen, e.State.String())
			if e.State == hv.StateRunning && len(seen) == 1 {
				if err := d.Stop(context.Background(), e.ID, true); err != nil {
					t.Error(err)
				}
				seen = append(seen, "stop-called")
			}
			_ = list
		}
		d, _ = New(hv.Options{Clock: clk, Boot: boot, Notify: notify})
		if err := d.Create(context.Background(), hvtest.DefaultSpec("i-00000000000000001", 1)); err != nil {
			t.Fatal(err)
		}
		if err := d.Start(context.Background(), "i-00000000000000001"); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
		// The stop was queued during the running delivery and follows it.
		if want := []string{"running", "stop-called", "stopped"}; !slices.Equal(seen, want) {
			t.Errorf("boot %v: notifications %v, want %v", boot, seen, want)
		}
	}
}

func TestCreateValidates(t *testing.T) {
	f := newFixture(t, 1, time.Second, time.Second)
	bad := []func(*hv.GuestSpec){
		func(s *hv.GuestSpec) { s.ID = "" },
		func(s *hv.GuestSpec) { s.VCPUs = 0 },
		func(s *hv.GuestSpec) { s.MemoryMiB = -1 },
		func(s *hv.GuestSpec) { s.Workload = "crypto-mining" },
		func(s *hv.GuestSpec) { s.NICs[1].DeviceIndex = 0 },
	}
	for i, mutate := range bad {
		s := hvtest.DefaultSpec("i-00000000000000001", 2)
		mutate(&s)
		if err := f.d.Create(f.ctx, s); err == nil {
			t.Errorf("bad spec %d accepted", i)
		}
	}
	f.create("i-00000000000000001", 1, "")
	if err := f.d.Resize(f.ctx, "i-00000000000000001", 0, 1024); err == nil || errors.Is(err, hv.ErrInvalidState) {
		t.Errorf("Resize to 0 vCPUs: %v, want a validation error", err)
	}
}

func TestClose(t *testing.T) {
	f := newFixture(t, 1, time.Second, time.Second)
	s := f.create("i-00000000000000001", 1, "")
	f.must(f.d.Start(f.ctx, s.ID))
	f.must(f.d.Close(f.ctx))
	f.must(f.d.Close(f.ctx))
	if f.clk.Pending() != 0 {
		t.Errorf("Close left %d timers", f.clk.Pending())
	}
	f.clk.Advance(time.Minute)
	if evs := f.ev.Events(""); len(evs) != 0 {
		t.Errorf("events after Close: %v", evs)
	}
	if _, err := f.d.Console(f.ctx, s.ID); err == nil {
		t.Error("Console after Close succeeded")
	}
}

// TestConcurrent hammers one driver from many goroutines while the clock
// moves; run it with -race.
func TestConcurrent(t *testing.T) {
	f := newFixture(t, 1, time.Second, time.Second)
	var wg sync.WaitGroup
	var stop atomic.Bool
	go func() {
		for !stop.Load() {
			f.clk.Advance(100 * time.Millisecond)
		}
	}()
	defer stop.Store(true)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 30; i++ {
				s := hvtest.DefaultSpec(fmt.Sprintf("i-%017x", w*1000+i), 1)
				if err := f.d.Create(f.ctx, s); err != nil {
					t.Error(err)
					return
				}
				_ = f.d.Start(f.ctx, s.ID)
				_ = f.d.AttachNIC(f.ctx, s.ID, hvtest.DefaultSpec(s.ID, 2).NICs[1])
				_, _ = f.d.Stats(f.ctx, s.ID)
				_, _ = f.d.Console(f.ctx, s.ID)
				_ = f.d.Reboot(f.ctx, s.ID)
				_ = f.d.Stop(f.ctx, s.ID, i%2 == 0)
				_, _ = f.d.List(f.ctx)
				_ = f.d.Destroy(f.ctx, s.ID)
			}
		}()
	}
	wg.Wait()
}
