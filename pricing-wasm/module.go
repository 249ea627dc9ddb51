package pricingwasm

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/ec2x/ec2x/pricing-wasm/abi"
)

// Info is what a validated module declares.
type Info struct {
	Name        string      // the name it was loaded under
	SHA256      string      // hex digest of the bytes
	Size        int         // bytes
	ABIVersion  int32       // from ec2x_abi_version
	Kinds       abi.KindSet // from ec2x_kinds
	MemoryPages uint32      // linear memory of a fresh instance, in 64 KiB pages
}

// Stats counts a module's calls; all fields are cumulative except Live.
type Stats struct {
	Calls     uint64 // guest calls made (a long batch is several)
	Failures  uint64 // guest calls that failed
	Instances uint64 // instances created
	Live      int64  // instances currently open
	// MaxMemoryPages is the largest linear memory an instance has reached,
	// in 64 KiB pages: what a loaded module costs, and a guest whose
	// collector stalls shows here first.
	MaxMemoryPages uint32
}

// Module is one loaded pricing module with its pool of instances. It is
// safe for concurrent use; each call borrows its own instance.
type Module struct {
	h      *Host
	name   string
	sha256 string
	size   int

	ready    chan struct{} // closed when prepare has finished
	err      error         // prepare's result, set before ready closes
	compiled wazero.CompiledModule
	info     Info
	start    []string // start functions: _initialize when exported
	lastErr  bool     // exports ec2x_last_error

	// idle holds instances ready for a call; slots holds one token per open
	// instance (idle or busy), bounding them by Config.MaxInstances.
	idle   chan *instance
	slots  chan struct{}
	closed atomic.Bool
	once   sync.Once

	calls, failures, instances atomic.Uint64
	live                       atomic.Int64
	maxPages                   atomic.Uint32
}

func newModule(h *Host, name, sum string, size int) *Module {
	return &Module{
		h: h, name: name, sha256: sum, size: size,
		ready: make(chan struct{}),
		idle:  make(chan *instance, h.cfg.MaxInstances),
		slots: make(chan struct{}, h.cfg.MaxInstances),
	}
}

// Name is the name the module was loaded under.
func (m *Module) Name() string { return m.name }

// Ready waits until the module is compiled and validated and returns the
// reason if it is not usable.
func (m *Module) Ready(ctx context.Context) error {
	select {
	case <-m.ready:
		return m.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Info describes the module; it is complete once Ready has returned nil.
func (m *Module) Info() Info {
	select {
	case <-m.ready:
		return m.info
	default:
		return Info{Name: m.name, SHA256: m.sha256, Size: m.size}
	}
}

// Stats returns the module's counters.
func (m *Module) Stats() Stats {
	return Stats{Calls: m.calls.Load(), Failures: m.failures.Load(), Instances: m.instances.Load(),
		Live: m.live.Load(), MaxMemoryPages: m.maxPages.Load()}
}

// signature is an export's expected type.
type signature struct {
	params, results []api.ValueType
	required        bool
}

func (s signature) String() string { return sigText(s.params, s.results) }

func sigText(params, results []api.ValueType) string {
	names := func(ts []api.ValueType) string {
		parts := make([]string, len(ts))
		for i, t := range ts {
			parts[i] = api.ValueTypeName(t)
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	return names(params) + " -> " + names(results)
}

var i32, i64 = api.ValueTypeI32, api.ValueTypeI64

// exports is the ABI's function exports and their types.
var exports = map[string]signature{
	abi.ExportABIVersion: {nil, []api.ValueType{i32}, true},
	abi.ExportKinds:      {nil, []api.ValueType{i32}, true},
	abi.ExportAlloc:      {[]api.ValueType{i32}, []api.ValueType{i32}, true},
	abi.ExportPrice:      {[]api.ValueType{i32, i32, i32, i32}, []api.ValueType{i32}, true},
	abi.ExportLastError:  {nil, []api.ValueType{i64}, false},
	abi.ExportInitialize: {nil, nil, false},
}

// exportOrder fixes the order problems are reported in.
var exportOrder = []string{abi.ExportABIVersion, abi.ExportKinds, abi.ExportAlloc, abi.ExportPrice, abi.ExportLastError, abi.ExportInitialize}

func (m *Module) loadErr(stage string, err error, format string, args ...any) *LoadError {
	return &LoadError{Module: m.name, Stage: stage, Err: err, Detail: fmt.Sprintf(format, args...)}
}

// prepare compiles and validates the module, then instantiates a first
// instance (which runs the ABI checks) and keeps it warm in the pool.
func (m *Module) prepare(ctx context.Context, wasm []byte) {
	defer close(m.ready)
	compiled, err := m.h.rt.CompileModule(ctx, wasm)
	if err != nil {
		if strings.Contains(err.Error(), "over limit") {
			m.err = m.loadErr("compile", ErrOutOfMemory, "the module's memory is over the host's cap: %v", err)
		} else {
			m.err = m.loadErr("compile", ErrInvalidModule, "%v", err)
		}
		return
	}
	m.compiled = compiled
	if m.err = m.checkImports(); m.err != nil {
		return
	}
	if m.err = m.checkExports(); m.err != nil {
		return
	}
	inst, err := m.instantiate(ctx)
	if err != nil {
		m.err = asLoadError(m.name, "instantiate", err)
		return
	}
	version, kinds, err := inst.declare(ctx)
	if err != nil {
		m.discard(inst)
		m.err = err
		return
	}
	m.info = Info{Name: m.name, SHA256: m.sha256, Size: m.size, ABIVersion: version, Kinds: kinds, MemoryPages: inst.mem.Size() / 65536}
	m.release(inst)
}

// checkImports allows WASI functions only: there are no host functions, and
// a module must bring its own memory.
func (m *Module) checkImports() error {
	var bad []string
	for _, f := range m.compiled.ImportedFunctions() {
		mod, name, _ := f.Import()
		if mod != wasiModule {
			bad = append(bad, mod+"."+name)
		}
	}
	for _, mem := range m.compiled.ImportedMemories() {
		mod, name, _ := mem.Import()
		bad = append(bad, mod+"."+name+" (memory)")
	}
	if len(bad) > 0 {
		return m.loadErr("exports", ErrImport, "imports %s; a pricing module may import only %s functions and must define its own memory",
			strings.Join(bad, ", "), wasiModule)
	}
	return nil
}

const wasiModule = "wasi_snapshot_preview1"

// checkExports verifies every export of the ABI at once, so an author sees
// all the problems in one message.
func (m *Module) checkExports() error {
	got := m.compiled.ExportedFunctions()
	var problems []string
	var sentinels []error
	for _, name := range exportOrder {
		want := exports[name]
		def, ok := got[name]
		if !ok {
			if want.required {
				problems = append(problems, fmt.Sprintf("export %s %s is missing", name, want))
				sentinels = append(sentinels, ErrMissingExport)
			}
			continue
		}
		if !sameTypes(def.ParamTypes(), want.params) || !sameTypes(def.ResultTypes(), want.results) {
			problems = append(problems, fmt.Sprintf("export %s should be %s, not %s", name, want, sigText(def.ParamTypes(), def.ResultTypes())))
			sentinels = append(sentinels, ErrSignature)
		}
	}
	if _, ok := m.compiled.ExportedMemories()[abi.ExportMemory]; !ok {
		problems = append(problems, `export "memory" (the linear memory) is missing`)
		sentinels = append(sentinels, ErrMissingExport)
	}
	if len(problems) == 0 {
		if _, ok := got[abi.ExportInitialize]; ok {
			m.start = []string{abi.ExportInitialize}
		}
		_, m.lastErr = got[abi.ExportLastError]
		return nil
	}
	err := sentinels[0]
	for _, s := range sentinels[1:] {
		if s != err {
			err = fmt.Errorf("%w, %w", ErrMissingExport, ErrSignature)
			break
		}
	}
	return &LoadError{Module: m.name, Stage: "exports", Err: err, Detail: strings.Join(problems, "; ")}
}

func sameTypes(a, b []api.ValueType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// acquire borrows an idle instance, or opens one if fewer than MaxInstances
// are open, or waits for one to come back.
func (m *Module) acquire(ctx context.Context) (*instance, error) {
	if m.closed.Load() {
		return nil, &CallError{Module: m.name, Export: abi.ExportPrice, Err: ErrClosed}
	}
	select {
	case inst := <-m.idle:
		return inst, nil
	default:
	}
	select {
	case inst := <-m.idle:
		return inst, nil
	case m.slots <- struct{}{}:
		inst, err := m.newInstance(ctx)
		if err != nil {
			<-m.slots
			return nil, err
		}
		return inst, nil
	case <-ctx.Done():
		return nil, &CallError{Module: m.name, Export: abi.ExportPrice, Err: ctx.Err(), Detail: "waiting for a free instance"}
	case <-m.h.closed:
		return nil, &CallError{Module: m.name, Export: abi.ExportPrice, Err: ErrClosed}
	}
}

// instantiate opens an instance for prepare, taking a slot.
func (m *Module) instantiate(ctx context.Context) (*instance, error) {
	m.slots <- struct{}{}
	inst, err := m.newInstance(ctx)
	if err != nil {
		<-m.slots
	}
	return inst, err
}

// release returns a healthy instance to the pool.
func (m *Module) release(inst *instance) {
	if m.closed.Load() {
		m.discard(inst)
		return
	}
	pages := inst.mem.Size() / 65536
	for {
		seen := m.maxPages.Load()
		if pages <= seen || m.maxPages.CompareAndSwap(seen, pages) {
			break
		}
	}
	m.idle <- inst // never blocks: idle has room for every slot
	if m.closed.Load() {
		m.drain()
	}
}

// discard closes an instance that failed (or outlived its module) and, if
// the pool is empty, opens a replacement in the background so that the
// next call does not pay for instantiation.
func (m *Module) discard(inst *instance) {
	inst.close()
	<-m.slots
	if m.closed.Load() || m.err != nil {
		return
	}
	m.h.background(func() {
		if len(m.idle) > 0 || m.closed.Load() {
			return
		}
		select {
		case m.slots <- struct{}{}:
		default:
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), m.h.cfg.InitTimeout)
		defer cancel()
		inst, err := m.newInstance(ctx)
		if err != nil {
			<-m.slots
			return
		}
		m.release(inst)
	})
}

func (m *Module) drain() {
	for {
		select {
		case inst := <-m.idle:
			inst.close()
			<-m.slots
		default:
			return
		}
	}
}

// close stops the module: idle instances close now, busy ones when they
// come back.
func (m *Module) close(ctx context.Context) {
	m.once.Do(func() {
		m.closed.Store(true)
		<-m.ready
		m.drain()
		if m.compiled != nil {
			_ = m.compiled.Close(ctx)
		}
	})
}
