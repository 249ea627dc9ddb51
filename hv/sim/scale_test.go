package sim

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/hvtest"
	"github.com/ec2x/ec2x/internal/clock"
)

// fleet creates and starts n guests on a fresh driver and lets them boot.
// Specs are built here, so strings the driver keeps count against it.
func fleet(tb testing.TB, n int) (*Driver, *clock.Fake, *atomic.Int64) {
	clk := clock.NewFake(hvtest.Start())
	var running atomic.Int64
	d, err := New(hv.Options{Clock: clk, Seed: 1, Boot: 30 * time.Second, Stop: 10 * time.Second,
		Notify: func(e hv.Event) {
			if e.State == hv.StateRunning {
				running.Add(1)
			}
		}})
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < n; i++ {
		s := hvtest.DefaultSpec(fmt.Sprintf("i-%017x", i), 1)
		s.Workload = Workloads()[i%4]
		if err := d.Create(ctx, s); err != nil {
			tb.Fatal(err)
		}
		if err := d.Start(ctx, s.ID); err != nil {
			tb.Fatal(err)
		}
	}
	clk.Advance(time.Minute)
	return d, clk, &running
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestFleet100k checks that 100,000 running guests fit in well under 1 KiB
// each, and that the driver still answers per-guest calls.
func TestFleet100k(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 100,000 guests")
	}
	const n = 100_000
	before := heapInUse()
	d, clk, running := fleet(t, n)
	after := heapInUse()
	per := float64(after-before) / n
	t.Logf("%d guests: %.0f bytes each on the heap", n, per)
	if per > 1024 {
		t.Errorf("%.0f bytes per guest, want under 1 KiB", per)
	}
	if running.Load() != n || clk.Pending() != 0 {
		t.Fatalf("%d of %d guests running, %d timers pending", running.Load(), n, clk.Pending())
	}
	clk.Advance(24 * time.Hour)
	ctx := context.Background()
	id := fmt.Sprintf("i-%017x", n/2)
	out, err := d.Console(ctx, id)
	if err != nil || hvtest.BootCPUs(string(out)) != 2 {
		t.Errorf("Console of guest %s in a full fleet: %v", id, err)
	}
	start := time.Now()
	for i := 0; i < n; i += 100 {
		if _, err := d.Stats(ctx, fmt.Sprintf("i-%017x", i)); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("Stats of 1,000 guests after a day: %v", time.Since(start))
	list, err := d.List(ctx)
	if err != nil || len(list) != n {
		t.Errorf("List: %d guests, %v", len(list), err)
	}
	runtime.KeepAlive(d)
}

// BenchmarkCreateStart creates, starts and boots b.N guests and reports the
// heap each one holds.
func BenchmarkCreateStart(b *testing.B) {
	b.ReportAllocs()
	before := heapInUse()
	b.ResetTimer()
	d, _, _ := fleet(b, b.N)
	b.StopTimer()
	b.ReportMetric(float64(heapInUse()-before)/float64(b.N), "heap-B/guest")
	runtime.KeepAlive(d)
}

// BenchmarkConsole renders the console of a guest that rebooted many times.
func BenchmarkConsole(b *testing.B) {
	ctx := context.Background()
	d, clk, _ := fleet(b, 1)
	id := fmt.Sprintf("i-%017x", 0)
	for i := 0; i < 50; i++ {
		if err := d.Reboot(ctx, id); err != nil {
			b.Fatal(err)
		}
		clk.Advance(time.Minute)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := d.Console(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}
