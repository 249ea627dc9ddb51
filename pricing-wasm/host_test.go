package pricingwasm_test

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	pw "github.com/ec2x/ec2x/pricing-wasm"
	"github.com/ec2x/ec2x/pricing-wasm/conformance"
	"github.com/ec2x/ec2x/pricing-wasm/model"
	"github.com/ec2x/ec2x/pricing-wasm/modules"
	"github.com/ec2x/ec2x/pricing-wasm/wasmtest"
)

var ctx = context.Background()

func TestBuiltinsConform(t *testing.T) {
	h := wasmtest.New(t, pw.Config{})
	for _, b := range modules.All() {
		t.Run(b.Name, func(t *testing.T) {
			m := wasmtest.Builtin(t, h, b.Name)
			r := conformance.Run(t, m)
			if r.Kinds != b.Kinds {
				t.Errorf("declares %v, the embedded table says %v", r.Kinds.Kinds(), b.Kinds.Kinds())
			}
		})
	}
}

// The modules run model's code compiled to wasm; the prices must be the same
// bits as the native build's, or the native benchmark compares other work.
func TestBuiltinsMatchNativeModel(t *testing.T) {
	h := wasmtest.New(t, pw.Config{})
	spot := wasmtest.Builtin(t, h, "spot")
	in := conformance.SpotSample(5000) // more than MaxBatch: split in two calls
	out := make([]float64, len(in))
	if err := spot.Spot(ctx, in, out); err != nil {
		t.Fatal(err)
	}
	for i := range in {
		if want := model.Spot(in[i]); math.Float64bits(out[i]) != math.Float64bits(want) {
			t.Fatalf("spot item %d: wasm %v, native %v", i, out[i], want)
		}
	}
	reserved := wasmtest.Builtin(t, h, "reserved")
	rin := conformance.ReservedSample(500)
	rout := make([]pw.ReservedQuote, len(rin))
	if err := reserved.Reserved(ctx, rin, rout); err != nil {
		t.Fatal(err)
	}
	for i := range rin {
		if want := model.Reserved(rin[i]); rout[i] != want {
			t.Fatalf("reserved item %d: wasm %+v, native %+v", i, rout[i], want)
		}
	}
	od := wasmtest.Builtin(t, h, "ondemand")
	prices := []float64{0, 0.0042, 0.096, 32.7726}
	got := make([]float64, len(prices))
	if err := od.OnDemand(ctx, prices, got); err != nil {
		t.Fatal(err)
	}
	for i := range prices {
		if got[i] != prices[i] {
			t.Errorf("ondemand %v: got %v", prices[i], got[i])
		}
	}
}

// Load must not compile on the caller's goroutine: it returns before the
// module is ready, and the first call waits for it.
func TestLoadReturnsBeforeCompiling(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a Go guest with an empty cache (10 s under the race detector)")
	}
	h := wasmtest.New(t, pw.Config{CacheDir: t.TempDir()}) // cold: nothing cached
	b, _ := modules.Get("spot")
	m, err := h.Load(ctx, "spot", b.Wasm)
	if err != nil {
		t.Fatal(err)
	}
	// A cold compile of a Go guest takes about a second; had Load compiled,
	// the ABI version read after compiling would already be known.
	if info := m.Info(); info.ABIVersion != 0 || info.Name != "spot" {
		t.Errorf("Info right after Load is %+v: Load should return before compiling", info)
	}
	if err := m.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	if info := m.Info(); info.ABIVersion == 0 {
		t.Errorf("Info once ready is %+v, want the ABI version", info)
	}
	out := make([]float64, 1)
	if err := m.Spot(ctx, []pw.SpotInput{{OnDemand: 0.1, Utilisation: 0.2}}, out); err != nil || out[0] <= 0 {
		t.Fatalf("first call: %v, %v", out, err)
	}
}

func TestCompilationCacheIsWritten(t *testing.T) {
	wasm := wasmtest.Assemble(t, filepath.Join("examples", "flat.wat"))
	dir := t.TempDir()
	h := wasmtest.New(t, pw.Config{CacheDir: dir})
	wasmtest.Load(t, h, "flat", wasm)
	var files int
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, _ error) error {
		if d != nil && !d.IsDir() {
			files++
		}
		return nil
	})
	if files == 0 {
		t.Fatalf("nothing cached under %s", dir)
	}
	// A second host finds it there.
	wasmtest.Load(t, wasmtest.New(t, pw.Config{CacheDir: dir}), "flat", wasm)
}

func TestConcurrentCallsShareThePool(t *testing.T) {
	h := wasmtest.New(t, pw.Config{MaxInstances: 3})
	m := wasmtest.Builtin(t, h, "spot")
	in := conformance.SpotSample(200)
	want := make([]float64, len(in))
	if err := m.Spot(ctx, in, want); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := make([]float64, len(in))
			for i := 0; i < 20; i++ {
				if err := m.Spot(ctx, in, out); err != nil {
					errs <- err
					return
				}
				for j := range out {
					if out[j] != want[j] {
						errs <- errors.New("a concurrent call priced differently")
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if s := m.Stats(); s.Live > 3 || s.Instances > 3 {
		t.Errorf("stats %+v: more than MaxInstances=3 instances", s)
	}
}

// A Go guest that allocates collects garbage in the middle of some call,
// which under close-on-context-done takes tens of milliseconds; the SDK
// allocates nothing after init, even to explain a refusal, so 10,000 refused
// calls leave memory as it was. (Its exports also yield, so that a guest that
// does allocate keeps collecting: sdk's tests check every export does.)
func TestGoGuestMemoryStaysFlat(t *testing.T) {
	h := wasmtest.New(t, pw.Config{MaxInstances: 1})
	m := wasmtest.Builtin(t, h, "reserved")
	start := m.Info().MemoryPages
	bad := make([]byte, 24)
	bad[7], bad[8], bad[12], bad[16] = 0x3f, 2, 1, 1 // 1.0 per hour, term 2
	out := make([]byte, 24)
	for i := 0; i < 10000; i++ {
		if err := m.Call(ctx, pw.Reserved, 1, bad, out); !errors.Is(err, pw.ErrInvalidInput) {
			t.Fatalf("call %d: %v, want invalid input", i, err)
		}
	}
	s := m.Stats()
	t.Logf("memory: %d pages at start, %d after 10,000 calls; stats %+v", start, s.MaxMemoryPages, s)
	if s.MaxMemoryPages > start+4 {
		t.Errorf("memory grew from %d to %d pages over 10,000 calls", start, s.MaxMemoryPages)
	}
	if s.Instances != 1 {
		t.Errorf("%d instances: a refusal by the guest should not replace it", s.Instances)
	}
}

func TestInvalidInputIsRefusedBeforeTheGuest(t *testing.T) {
	h := wasmtest.New(t, pw.Config{})
	m := wasmtest.Builtin(t, h, "reserved")
	before := m.Stats().Calls
	err := m.Reserved(ctx, []pw.ReservedInput{{OnDemand: 0.1, Term: 2, Payment: pw.AllUpfront, Class: pw.Standard}}, make([]pw.ReservedQuote, 1))
	if !errors.Is(err, pw.ErrInvalidInput) || !strings.Contains(err.Error(), "term 2 years: want 1 or 3") {
		t.Fatalf("got %v", err)
	}
	if m.Stats().Calls != before {
		t.Error("the guest was called")
	}
	// The guest refuses on its own too, with its own message.
	bad := make([]byte, 24)
	bad[7], bad[8], bad[12], bad[16] = 0x3f, 2, 1, 1
	err = m.Call(ctx, pw.Reserved, 1, bad, make([]byte, 24))
	var ce *pw.CallError
	if !errors.As(err, &ce) || ce.Err != pw.ErrInvalidInput || !strings.Contains(ce.Detail, "reserved item 0: term 2 years") {
		t.Fatalf("got %v", err)
	}
}

func TestUndeclaredKindIsRefused(t *testing.T) {
	h := wasmtest.New(t, pw.Config{})
	m := wasmtest.Builtin(t, h, "ondemand")
	err := m.Spot(ctx, []pw.SpotInput{{OnDemand: 1, Utilisation: 0.5}}, make([]float64, 1))
	if !errors.Is(err, pw.ErrUnsupportedKind) || !strings.Contains(err.Error(), `pricing module "ondemand": ec2x_price(spot)`) {
		t.Fatalf("got %v", err)
	}
}

func TestNamesCloseAndUnload(t *testing.T) {
	h := wasmtest.New(t, pw.Config{})
	m := wasmtest.Builtin(t, h, "ondemand")
	b, _ := modules.Get("ondemand")
	if _, err := h.Load(ctx, "ondemand", b.Wasm); !errors.Is(err, pw.ErrExists) {
		t.Errorf("second load under the same name: %v", err)
	}
	if got, err := h.Module("ondemand"); err != nil || got != m {
		t.Errorf("Module: %v, %v", got, err)
	}
	if len(h.Modules()) != 1 {
		t.Errorf("Modules: %d", len(h.Modules()))
	}
	if err := h.Unload(ctx, "ondemand"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Module("ondemand"); !errors.Is(err, pw.ErrNotFound) {
		t.Errorf("after Unload: %v", err)
	}
	if err := m.OnDemand(ctx, []float64{1}, make([]float64, 1)); !errors.Is(err, pw.ErrClosed) {
		t.Errorf("call after Unload: %v", err)
	}
	if err := h.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Load(ctx, "x", b.Wasm); !errors.Is(err, pw.ErrClosed) {
		t.Errorf("Load after Close: %v", err)
	}
}

func TestValidateReportsWithoutKeeping(t *testing.T) {
	h := wasmtest.New(t, pw.Config{})
	b, _ := modules.Get("spot")
	info, err := h.Validate(ctx, b.Wasm)
	if err != nil {
		t.Fatal(err)
	}
	if info.ABIVersion != 1 || info.Kinds != b.Kinds || info.Size != len(b.Wasm) || len(info.SHA256) != 64 || info.MemoryPages == 0 {
		t.Errorf("info %+v", info)
	}
	if len(h.Modules()) != 0 {
		t.Errorf("Validate kept %d modules", len(h.Modules()))
	}
}

func TestCallerCancellationIsNotATimeout(t *testing.T) {
	h := wasmtest.New(t, pw.Config{})
	m := wasmtest.Builtin(t, h, "spot")
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	err := m.Spot(cctx, conformance.SpotSample(10), make([]float64, 10))
	if !errors.Is(err, context.Canceled) || errors.Is(err, pw.ErrTimeout) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if err := m.Spot(ctx, conformance.SpotSample(10), make([]float64, 10)); err != nil {
		t.Fatalf("next call: %v", err)
	}
}
