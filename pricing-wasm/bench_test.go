package pricingwasm_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	pw "github.com/ec2x/ec2x/pricing-wasm"
	"github.com/ec2x/ec2x/pricing-wasm/conformance"
	"github.com/ec2x/ec2x/pricing-wasm/model"
	"github.com/ec2x/ec2x/pricing-wasm/modules"
	"github.com/ec2x/ec2x/pricing-wasm/wasmtest"
)

// Figures for docs/PERFORMANCE.md:
//
//	go test -run XXX -bench . -benchtime 2s ./pricing-wasm/
//
// quotes/s is items priced per second; a batch is 1,000 items in one call.

const batch = 1000

func quotesPerSecond(b *testing.B, perOp int) {
	b.ReportMetric(float64(b.N*perOp)/b.Elapsed().Seconds(), "quotes/s")
}

func BenchmarkSpotWasmBatch1000(b *testing.B) {
	m := wasmtest.Builtin(b, wasmtest.New(b, pw.Config{}), "spot")
	in, out := conformance.SpotSample(batch), make([]float64, batch)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := m.Spot(ctx, in, out); err != nil {
			b.Fatal(err)
		}
	}
	quotesPerSecond(b, batch)
}

// The same work in native Go: the check the SDK makes, then the model.
func BenchmarkSpotNativeBatch1000(b *testing.B) {
	in, out := conformance.SpotSample(batch), make([]float64, batch)
	for i := 0; i < b.N; i++ {
		for j := range in {
			if !in[j].OK() {
				b.Fatal(in[j].Validate())
			}
			out[j] = model.Spot(in[j])
		}
	}
	quotesPerSecond(b, batch)
}

func BenchmarkReservedWasmBatch1000(b *testing.B) {
	m := wasmtest.Builtin(b, wasmtest.New(b, pw.Config{}), "reserved")
	in, out := conformance.ReservedSample(batch), make([]pw.ReservedQuote, batch)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := m.Reserved(ctx, in, out); err != nil {
			b.Fatal(err)
		}
	}
	quotesPerSecond(b, batch)
}

func BenchmarkReservedNativeBatch1000(b *testing.B) {
	in, out := conformance.ReservedSample(batch), make([]pw.ReservedQuote, batch)
	for i := 0; i < b.N; i++ {
		for j := range in {
			if !in[j].OK() {
				b.Fatal(in[j].Validate())
			}
			out[j] = model.Reserved(in[j])
		}
	}
	quotesPerSecond(b, batch)
}

// One item per call: the fixed cost of a call (deadline, instance, yield).
func BenchmarkSpotWasmSingle(b *testing.B) {
	m := wasmtest.Builtin(b, wasmtest.New(b, pw.Config{}), "spot")
	in, out := conformance.SpotSample(1), make([]float64, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := m.Spot(ctx, in, out); err != nil {
			b.Fatal(err)
		}
	}
	quotesPerSecond(b, 1)
}

// Start to first price with nothing cached: compile, instantiate, check the
// ABI, price one item.
func BenchmarkFirstPriceCold(b *testing.B) {
	spot, _ := modules.Get("spot")
	for i := 0; i < b.N; i++ {
		firstPrice(b, b.TempDir(), spot.Wasm)
	}
}

// Start to first price with the compiled code in the on-disk cache, as at
// every daemon start but the first.
func BenchmarkFirstPriceCached(b *testing.B) {
	spot, _ := modules.Get("spot")
	dir := b.TempDir()
	firstPrice(b, dir, spot.Wasm)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		firstPrice(b, dir, spot.Wasm)
	}
}

func firstPrice(b *testing.B, cacheDir string, wasm []byte) {
	h, err := pw.New(ctx, pw.Config{CacheDir: cacheDir})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close(ctx)
	m, err := h.Load(ctx, "spot", wasm)
	if err != nil {
		b.Fatal(err)
	}
	if err := m.Spot(ctx, conformance.SpotSample(1), make([]float64, 1)); err != nil {
		b.Fatal(err)
	}
}

// Memory per loaded module: the compiled code (its size in the on-disk
// cache, and the Go heap it takes once loaded) and one instance's linear
// memory. Reported as metrics of a single iteration.
func BenchmarkModuleMemory(b *testing.B) {
	for _, name := range []string{"spot", "reserved", "ondemand"} {
		b.Run(name, func(b *testing.B) {
			mod, _ := modules.Get(name)
			for i := 0; i < b.N; i++ {
				dir := b.TempDir()
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				h, err := pw.New(ctx, pw.Config{CacheDir: dir})
				if err != nil {
					b.Fatal(err)
				}
				m := wasmtest.Load(b, h, name, mod.Wasm)
				runtime.GC()
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(len(mod.Wasm))/(1<<20), "wasm-MiB")
				b.ReportMetric(float64(dirSize(dir))/(1<<20), "compiled-MiB")
				b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MiB")
				b.ReportMetric(float64(m.Info().MemoryPages)/16, "instance-MiB")
				_ = h.Close(ctx)
			}
		})
	}
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

// How long past the per-call deadline a runaway guest is stopped: the time
// close-on-context-done takes to reach a guest that never returns.
func BenchmarkRunawayOvershoot(b *testing.B) {
	h := wasmtest.New(b, pw.Config{CallTimeout: pw.DefaultCallTimeout})
	loop := wasmtest.Load(b, h, "loop", hostile(b, "loop"))
	deadline := h.Config().CallTimeout
	var over time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if err := loop.OnDemand(ctx, []float64{1}, make([]float64, 1)); !errors.Is(err, pw.ErrTimeout) {
			b.Fatalf("got %v, want a timeout", err)
		}
		over += time.Since(start) - deadline
	}
	b.ReportMetric(float64(over.Microseconds())/float64(b.N), "µs-past-deadline")
}
