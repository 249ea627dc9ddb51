// Package pricingwasm runs ec2x's pricing modules: WebAssembly modules that
// speak the ABI in ABI.md (spot prices, reserved-instance quotes, on-demand
// prices), sandboxed on wazero.
//
// One Host holds one wazero runtime. Load compiles a module in the background
// (through the on-disk compilation cache) and validates it; calls wait for
// that, so no request path ever compiles. Each Module keeps a pool of
// instances; a call that traps, loops, exits or exhausts memory fails alone
// with a CallError, and the instance that served it is closed and replaced.
package pricingwasm

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// Host runs pricing modules in one wazero runtime. It is safe for concurrent use.
type Host struct {
	cfg    Config
	rt     wazero.Runtime
	cache  wazero.CompilationCache
	closed chan struct{}
	// stopping is cancelled by Close: every guest call and instantiation
	// in flight is stopped then, rather than waited for.
	stopping context.Context
	stopAll  context.CancelFunc
	bg       sync.WaitGroup // background compilations and instance refills

	mu      sync.Mutex
	modules map[string]*Module
	seq     int // names Validate's throwaway modules
}

// New starts a Host: a runtime with the memory cap, close-on-context-done and
// the compilation cache, plus a WASI implementation with nothing behind it
// (Go guests import WASI for their runtime; they get no files, environment,
// network, real clock or randomness).
func New(ctx context.Context, cfg Config) (*Host, error) {
	cfg = cfg.withDefaults()
	var (
		cache wazero.CompilationCache
		err   error
	)
	if cfg.CacheDir != "" {
		if cache, err = wazero.NewCompilationCacheWithDir(cfg.CacheDir); err != nil {
			return nil, fmt.Errorf("pricing host: compilation cache %s: %w", cfg.CacheDir, err)
		}
	} else {
		cache = wazero.NewCompilationCache()
	}
	rc := wazero.NewRuntimeConfig().
		WithMemoryLimitPages(cfg.MemoryLimitPages).
		WithCloseOnContextDone(true).
		WithCompilationCache(cache).
		// Stack traces name functions only: DWARF would cost memory per
		// module for messages that already name module and export.
		WithDebugInfoEnabled(false)
	rt := wazero.NewRuntimeWithConfig(ctx, rc)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		_ = rt.Close(ctx)
		_ = cache.Close(ctx)
		return nil, fmt.Errorf("pricing host: WASI: %w", err)
	}
	stopping, stopAll := context.WithCancel(context.Background())
	return &Host{cfg: cfg, rt: rt, cache: cache, closed: make(chan struct{}), stopping: stopping, stopAll: stopAll,
		modules: map[string]*Module{}}, nil
}

// Config returns the host's configuration with defaults filled in.
func (h *Host) Config() Config { return h.cfg }

// wasmHeader is the magic and binary version of a core WebAssembly module.
var wasmHeader = []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}

// checkHeader refuses what is not a core module before any compilation, so
// that the commonest mistake (the wrong file) fails in Load, not later.
func checkHeader(name string, wasm []byte) error {
	if bytes.HasPrefix(wasm, wasmHeader) {
		return nil
	}
	detail := "the file does not start with \\0asm"
	if len(wasm) >= 8 && bytes.HasPrefix(wasm, wasmHeader[:4]) {
		detail = fmt.Sprintf("binary version % x is not 01 00 00 00 (a component, not a core module?)", wasm[4:8])
	}
	return &LoadError{Module: name, Stage: "read", Err: ErrNotWasm, Detail: detail}
}

// Load registers wasm under name and returns at once: compilation and
// validation run in the background. Call Module.Ready to wait (the daemon
// does not need to: the first call waits). Errors here are only those found
// without compiling: a taken name, bytes that are not WebAssembly, a closed
// host. ctx carries values only; compilation outlives it.
func (h *Host) Load(ctx context.Context, name string, wasm []byte) (*Module, error) {
	if err := checkHeader(name, wasm); err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	select {
	case <-h.closed:
		return nil, &LoadError{Module: name, Stage: "read", Err: ErrClosed}
	default:
	}
	if _, ok := h.modules[name]; ok {
		return nil, &LoadError{Module: name, Stage: "read", Err: ErrExists}
	}
	sum := sha256.Sum256(wasm)
	m := newModule(h, name, hex.EncodeToString(sum[:]), len(wasm))
	h.modules[name] = m
	h.bg.Add(1)
	go func() {
		defer h.bg.Done()
		m.prepare(context.WithoutCancel(ctx), wasm)
	}()
	return m, nil
}

// background runs f on its own goroutine unless the host is closing, so
// that Close can wait for it; it reports whether f was started.
func (h *Host) background(f func()) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	select {
	case <-h.closed:
		return false
	default:
	}
	h.bg.Add(1)
	go func() {
		defer h.bg.Done()
		f()
	}()
	return true
}

// Validate compiles, checks and instantiates wasm once without keeping it,
// and returns what the module declares. The compiled code lands in the cache,
// so a later Load of the same bytes is fast.
func (h *Host) Validate(ctx context.Context, wasm []byte) (Info, error) {
	h.mu.Lock()
	h.seq++
	name := fmt.Sprintf("validate-%d", h.seq)
	h.mu.Unlock()
	m, err := h.Load(ctx, name, wasm)
	if err != nil {
		var le *LoadError
		if errors.As(err, &le) {
			le.Module = "(candidate)"
		}
		return Info{}, err
	}
	defer func() { _ = h.Unload(ctx, name) }()
	if err := m.Ready(ctx); err != nil {
		var le *LoadError
		if errors.As(err, &le) {
			le.Module = "(candidate)"
		}
		return Info{}, err
	}
	info := m.Info()
	info.Name = ""
	return info, nil
}

// Module returns the module loaded under name.
func (h *Host) Module(name string) (*Module, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	m, ok := h.modules[name]
	if !ok {
		return nil, fmt.Errorf("pricing module %q: %w", name, ErrNotFound)
	}
	return m, nil
}

// Modules lists the loaded modules by name.
func (h *Host) Modules() []*Module {
	h.mu.Lock()
	defer h.mu.Unlock()
	ms := make([]*Module, 0, len(h.modules))
	for _, m := range h.modules {
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].name < ms[j].name })
	return ms
}

// Unload closes the module and forgets its name; calls in flight finish (or
// fail with ErrClosed if they had not started).
func (h *Host) Unload(ctx context.Context, name string) error {
	h.mu.Lock()
	m, ok := h.modules[name]
	delete(h.modules, name)
	h.mu.Unlock()
	if !ok {
		return fmt.Errorf("pricing module %q: %w", name, ErrNotFound)
	}
	m.close(ctx)
	return nil
}

// Close stops every module and every call in flight (they fail with
// ErrClosed), waits for background work and closes the runtime. Calls
// after Close fail with ErrClosed.
func (h *Host) Close(ctx context.Context) error {
	h.mu.Lock()
	select {
	case <-h.closed:
		h.mu.Unlock()
		return nil
	default:
	}
	close(h.closed)
	ms := h.modules
	h.modules = map[string]*Module{}
	h.mu.Unlock()
	h.stopAll()
	h.bg.Wait()
	for _, m := range ms {
		m.close(ctx)
	}
	// Calls in flight were stopped above; their instances close when they
	// come back. Wait for that, so that no guest is running when the
	// runtime goes.
	limit := time.Now().Add(h.cfg.InitTimeout + h.cfg.CallTimeout)
	for _, m := range ms {
		for m.live.Load() > 0 && time.Now().Before(limit) {
			time.Sleep(time.Millisecond)
		}
	}
	err := h.rt.Close(ctx)
	if cerr := h.cache.Close(ctx); err == nil {
		err = cerr
	}
	return err
}
