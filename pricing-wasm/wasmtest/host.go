// Package wasmtest helps test pricing modules and their hosts, as httptest
// does for HTTP: it assembles WebAssembly text and builds hosts.
//
// Its hosts share one
// on-disk compilation cache under the system's temporary directory, kept
// between runs: compiling the three built-in Go modules takes about 1.5 s,
// and over 10 s under the race detector, in every test package that loads
// them. wazero keys its cache by its own version, the architecture and the
// module's bytes, and writes entries atomically, so sharing it is safe.
package wasmtest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	pw "github.com/ec2x/ec2x/pricing-wasm"
	"github.com/ec2x/ec2x/pricing-wasm/modules"
)

// CacheDir is the shared compilation cache of the tests.
func CacheDir() string { return filepath.Join(os.TempDir(), "ec2x-pricing-wasm-test-cache") }

// CallTimeout is the per-call deadline of test hosts unless a test sets
// one: a loaded CI machine under the race detector can stall even a
// trivial call past the production 50 ms. Tests of the deadline itself
// read Host.Config().CallTimeout.
const CallTimeout = time.Second

// New returns a host closed when t ends; cfg.CacheDir defaults to CacheDir
// and cfg.CallTimeout to CallTimeout.
func New(t testing.TB, cfg pw.Config) *pw.Host {
	t.Helper()
	if cfg.CacheDir == "" {
		cfg.CacheDir = CacheDir()
	}
	if cfg.CallTimeout == 0 {
		cfg.CallTimeout = CallTimeout
	}
	h, err := pw.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close(context.Background()) })
	return h
}

// Load loads wasm into h under name and waits until it is ready.
func Load(t testing.TB, h *pw.Host, name string, wasm []byte) *pw.Module {
	t.Helper()
	ctx := context.Background()
	m, err := h.Load(ctx, name, wasm)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	return m
}

// Builtin loads the built-in module called name into h.
func Builtin(t testing.TB, h *pw.Host, name string) *pw.Module {
	t.Helper()
	b, ok := modules.Get(name)
	if !ok {
		t.Fatalf("no built-in module %q", name)
	}
	return Load(t, h, name, b.Wasm)
}
