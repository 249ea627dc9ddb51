package pricingwasm_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	pw "github.com/ec2x/ec2x/pricing-wasm"
	"github.com/ec2x/ec2x/pricing-wasm/wasmtest"
)

// hostile assembles testdata/hostile/NAME.wat.
func hostile(t testing.TB, name string) []byte {
	return wasmtest.Assemble(t, filepath.Join("testdata", "hostile", name+".wat"))
}

// Modules that break the ABI's static promises are refused at load, with a
// message that says what was expected.
func TestHostileModulesAreRefusedAtLoad(t *testing.T) {
	cases := []struct {
		file string
		err  error
		want string
	}{
		{"abiversion", pw.ErrABIVersion, "abi: unsupported ABI version: ec2x_abi_version returned 2; this host speaks version 1"},
		{"missing", pw.ErrMissingExport, "export ec2x_price (i32, i32, i32, i32) -> (i32) is missing"},
		{"signature", pw.ErrSignature, "export ec2x_price should be (i32, i32, i32, i32) -> (i32), not (i32, i32) -> (i64)"},
		{"import", pw.ErrImport, "imports env.now; a pricing module may import only wasi_snapshot_preview1 functions"},
		{"kinds", pw.ErrKinds, "ec2x_kinds returned 0x82; bits 0x80 name no kind of ABI version 1"},
		{"bigmemory", pw.ErrOutOfMemory, "2048 pages"},
		{"initloop", pw.ErrTimeout, "instantiate: deadline exceeded: _initialize: no result within 200ms"},
	}
	h := wasmtest.New(t, pw.Config{CacheDir: t.TempDir(), InitTimeout: 200 * time.Millisecond})
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			m, err := h.Load(ctx, c.file, hostile(t, c.file))
			if err != nil {
				t.Fatalf("Load: %v (the error should come from Ready)", err)
			}
			err = m.Ready(ctx)
			var le *pw.LoadError
			if !errors.Is(err, c.err) || !errors.As(err, &le) || le.Module != c.file {
				t.Fatalf("got %v, want a LoadError for %q wrapping %v", err, c.file, c.err)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), `pricing module "`+c.file+`": `) {
				t.Errorf("message %q\nshould contain %q", err, c.want)
			}
			if err := m.OnDemand(ctx, []float64{1}, make([]float64, 1)); !errors.Is(err, c.err) {
				t.Errorf("a call to the refused module: %v", err)
			}
		})
	}
}

func TestNotWasmIsRefusedByLoad(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "hostile", "notwasm.txt"))
	if err != nil {
		t.Fatal(err)
	}
	h := wasmtest.New(t, pw.Config{})
	for _, wasm := range [][]byte{b, nil, {0, 'a', 's', 'm', 0x0d, 0, 1, 0}} {
		_, err := h.Load(ctx, "text", wasm)
		if !errors.Is(err, pw.ErrNotWasm) {
			t.Errorf("%q: got %v", wasm, err)
		}
	}
	_, err = h.Load(ctx, "text", b)
	if want := `pricing module "text": read: not a WebAssembly module: the file does not start with \0asm`; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	if _, err := h.Validate(ctx, b); !errors.Is(err, pw.ErrNotWasm) {
		t.Errorf("Validate: %v", err)
	}
}

// Modules that misbehave when called fail that call, with the module, the
// export and the reason; the instance is replaced, the module's next call
// meets a fresh instance, and other modules are not disturbed.
func TestHostileCallsFailAlone(t *testing.T) {
	cases := []struct {
		file   string
		err    error
		detail string
	}{
		{"loop", pw.ErrTimeout, "; the instance was stopped"}, // after the host's deadline
		{"membomb", pw.ErrOutOfMemory, "memory at 1024 of 1024 pages; wasm error: out of bounds memory access"},
		{"trap", pw.ErrTrap, "wasm error: unreachable"},
		{"oversized", pw.ErrBadResult, "returned 2 items for a batch of 1"},
		{"badpointer", pw.ErrBadResult, "ec2x_alloc(64) returned 0x7fffff00, outside the module's memory of 65536 bytes"},
		{"garbage", pw.ErrBadResult, "item 0: price NaN is not a finite amount >= 0"},
		{"panic", pw.ErrGuest, "internal error: ondemand: panic: boom"},
		{"exit", pw.ErrOutOfMemory, "exit code 2; guest output: fatal error: out of memory"},
	}
	h := wasmtest.New(t, pw.Config{})
	good := wasmtest.Builtin(t, h, "ondemand")
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			m := wasmtest.Load(t, h, c.file, hostile(t, c.file))
			for round := 0; round < 2; round++ {
				err := m.OnDemand(ctx, []float64{0.1}, make([]float64, 1))
				var ce *pw.CallError
				if !errors.Is(err, c.err) || !errors.As(err, &ce) {
					t.Fatalf("round %d: got %v, want a CallError wrapping %v", round, err, c.err)
				}
				if ce.Module != c.file || !strings.HasPrefix(ce.Export, "ec2x_") || !strings.Contains(ce.Detail, c.detail) {
					t.Errorf("round %d: %q\nshould name the module, the export and %q", round, err, c.detail)
				}
				out := make([]float64, 1)
				if err := good.OnDemand(ctx, []float64{0.25}, out); err != nil || out[0] != 0.25 {
					t.Fatalf("the good module after the failure: %v, %v", out, err)
				}
			}
			if s := m.Stats(); s.Failures != 2 || s.Instances < 2 {
				t.Errorf("stats %+v: want 2 failures and the first instance replaced", s)
			}
		})
	}
}

// A runaway call is cut off with a timeout, never before the deadline,
// while calls to another module keep being answered. How far past the
// deadline it returns is a figure, measured by BenchmarkRunawayOvershoot.
func TestRunawayCallIsStopped(t *testing.T) {
	h := wasmtest.New(t, pw.Config{})
	loop := wasmtest.Load(t, h, "loop", hostile(t, "loop"))
	good := wasmtest.Builtin(t, h, "spot")

	var stop atomic.Bool
	var answered atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		in := []pw.SpotInput{{OnDemand: 0.1, Utilisation: 0.3}}
		out := make([]float64, 1)
		for !stop.Load() {
			if err := good.Spot(ctx, in, out); err != nil {
				t.Errorf("the good module: %v", err)
				return
			}
			answered.Add(1)
			// A daemon's handlers block on I/O between requests; a loop
			// that never yields would hold its processor for the
			// scheduler's 10 ms time slice and delay the deadline's timer.
			runtime.Gosched()
		}
	}()

	deadline := h.Config().CallTimeout
	for i := 0; i < 3; i++ {
		before := answered.Load()
		start := time.Now()
		done := make(chan error, 1)
		go func() { done <- loop.OnDemand(ctx, []float64{1}, make([]float64, 1)) }()
		var err error
		select {
		case err = <-done:
		case <-time.After(time.Minute):
			t.Fatalf("runaway call %d was never stopped", i)
		}
		took := time.Since(start)
		if !errors.Is(err, pw.ErrTimeout) {
			t.Fatalf("got %v, want a timeout", err)
		}
		t.Logf("runaway call %d returned after %v; the good module answered %d calls meanwhile", i, took, answered.Load()-before)
		if took < deadline {
			t.Errorf("runaway call %d was cut after %v, before its %v deadline", i, took, deadline)
		}
		if answered.Load() == before {
			t.Errorf("the good module answered nothing during runaway call %d", i)
		}
	}
	stop.Store(true)
	wg.Wait()
}

// A caller's own shorter deadline wins over the host's and is reported as
// the caller's.
func TestCallerDeadlineStopsARunaway(t *testing.T) {
	h := wasmtest.New(t, pw.Config{})
	loop := wasmtest.Load(t, h, "loop", hostile(t, "loop"))
	cctx, cancel := context.WithTimeout(ctx, 5*time.Millisecond)
	defer cancel()
	err := loop.OnDemand(cctx, []float64{1}, make([]float64, 1))
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, pw.ErrTimeout) {
		t.Fatalf("got %v, want the caller's deadline, not the host's timeout", err)
	}
}

// Closing the host stops a call that is running in the guest: with a
// call deadline far beyond the test's, only Close can end it, and the
// caller learns that the host was closed. A listener on the guest's
// functions says when the call is inside ec2x_price.
func TestCloseStopsARunawayCall(t *testing.T) {
	h := wasmtest.New(t, pw.Config{CallTimeout: time.Hour})
	entered := make(chan struct{})
	var once sync.Once
	lctx := experimental.WithFunctionListenerFactory(ctx, experimental.FunctionListenerFactoryFunc(
		func(def api.FunctionDefinition) experimental.FunctionListener {
			if !slices.Contains(def.ExportNames(), "ec2x_price") {
				return nil
			}
			return experimental.FunctionListenerFunc(func(context.Context, api.Module, api.FunctionDefinition, []uint64, experimental.StackIterator) {
				once.Do(func() { close(entered) })
			})
		}))
	// Load compiles with the listener its ctx carries.
	loop, err := h.Load(lctx, "loop", hostile(t, "loop"))
	if err != nil {
		t.Fatal(err)
	}
	if err := loop.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- loop.OnDemand(ctx, []float64{1}, make([]float64, 1)) }()
	// Failure guards only: the call runs until Close, Close returns soon.
	const guard = 30 * time.Second
	select {
	case <-entered:
	case err := <-done:
		t.Fatalf("the runaway call returned before Close: %v", err)
	case <-time.After(guard):
		t.Fatal("the call never entered ec2x_price")
	}
	closed := make(chan error, 1)
	go func() { closed <- h.Close(ctx) }()
	select {
	case err := <-done:
		if !errors.Is(err, pw.ErrClosed) {
			t.Fatalf("the runaway call: %v, want ErrClosed", err)
		}
		t.Logf("the runaway call: %v", err)
	case <-time.After(guard):
		t.Fatal("Close did not stop the runaway call")
	}
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(guard):
		t.Fatal("Close did not return after the call was stopped")
	}
	if s := loop.Stats(); s.Live != 0 {
		t.Errorf("%d instances still open after Close", s.Live)
	}
}
