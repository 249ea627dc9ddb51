package pricingwasm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/ec2x/ec2x/pricing-wasm/abi"
)

// instance is one instantiation of a module, used by one call at a time.
// After a trap, timeout, exit, panic or bad result it is closed, never
// reused: a trap leaves the guest's runtime in an unknown state even though
// wazero keeps the module open. Only a refusal the guest returns itself
// (unsupported kind, invalid input) leaves it in the pool.
type instance struct {
	m       *Module
	mod     api.Module
	mem     api.Memory
	alloc   api.Function
	price   api.Function
	lastErr api.Function // nil when the module does not export it
	stack   []uint64     // reused for CallWithStack: no allocation per call
	memory  *memories    // reserved linear memory, released by close
	ptr     uint32       // the guest's I/O buffer, from ec2x_alloc
	size    uint32       // its size; 0 before the first call
	out     *tail
}

// The sandbox's wall clock reads the epoch and its random source yields
// zeros: a price must be a function of its inputs, so nothing else may vary.
// The monotonic clock stays wazero's fake one, which advances 1 ms per
// reading: a Go guest's runtime refuses to start on a clock that reads zero.
func zeroWalltime() (int64, int32) { return 0, 0 }

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// newInstance instantiates the compiled module with nothing from the host:
// no files, arguments, environment or sockets, fixed clocks, zero randomness.
func (m *Module) newInstance(ctx context.Context) (*instance, error) {
	out := &tail{}
	cfg := wazero.NewModuleConfig().
		WithName(""). // anonymous, so one compiled module can have many instances
		WithStartFunctions(m.start...).
		WithWalltime(zeroWalltime, 1).
		WithRandSource(zeroReader{}).
		WithStdout(out).
		WithStderr(out)
	ictx, cancel := context.WithTimeout(ctx, m.h.cfg.InitTimeout)
	defer cancel()
	defer context.AfterFunc(m.h.stopping, cancel)()
	inst := &instance{m: m, out: out, stack: make([]uint64, 4)}
	ictx, inst.memory = withMemories(ictx)
	mod, err := m.h.rt.InstantiateModule(ictx, m.compiled, cfg)
	if err != nil {
		if inst.memory != nil {
			inst.memory.release()
		}
		ce := inst.failure(ctx, abi.ExportInitialize, 0, err, m.h.cfg.InitTimeout)
		if len(m.start) == 0 {
			ce.Export = "instantiate"
		}
		return nil, ce
	}
	inst.mod = mod
	inst.mem = mod.ExportedMemory(abi.ExportMemory)
	inst.alloc = mod.ExportedFunction(abi.ExportAlloc)
	inst.price = mod.ExportedFunction(abi.ExportPrice)
	if m.lastErr {
		inst.lastErr = mod.ExportedFunction(abi.ExportLastError)
	}
	m.instances.Add(1)
	m.live.Add(1)
	return inst, nil
}

// close closes the module and releases its memory; the caller owns the
// instance and no call is running on it.
func (inst *instance) close() {
	if inst.mod != nil {
		_ = inst.mod.Close(context.Background())
		inst.mod = nil
		inst.m.live.Add(-1)
	}
	if inst.memory != nil {
		inst.memory.release()
		inst.memory = nil
	}
}

// call runs one export with the per-call deadline and recovers a host panic
// into an error, so nothing a guest does can take the host down.
func (inst *instance) call(ctx context.Context, fn api.Function, export string, kind abi.Kind, args ...uint64) (res uint64, err error) {
	timeout := inst.m.h.cfg.CallTimeout
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// Host.Close stops the call (CloseOnContextDone) instead of waiting out
	// its deadline.
	defer context.AfterFunc(inst.m.h.stopping, cancel)()
	defer func() {
		if r := recover(); r != nil {
			err = &CallError{Module: inst.m.name, Export: export, Kind: kind, Err: ErrPanic, Detail: fmt.Sprint(r)}
		}
	}()
	copy(inst.stack, args)
	if cerr := fn.CallWithStack(cctx, inst.stack); cerr != nil {
		return 0, inst.failure(ctx, export, kind, cerr, timeout)
	}
	return inst.stack[0], nil
}

// declare runs the load-time ABI checks: the version, then the kinds mask.
func (inst *instance) declare(ctx context.Context) (int32, abi.KindSet, error) {
	m := inst.m
	v, err := inst.call(ctx, inst.mod.ExportedFunction(abi.ExportABIVersion), abi.ExportABIVersion, 0)
	if err != nil {
		return 0, 0, asLoadError(m.name, "abi", err)
	}
	version := int32(uint32(v))
	if version != abi.Version {
		return version, 0, m.loadErr("abi", ErrABIVersion, "%s returned %d; this host speaks version %d", abi.ExportABIVersion, version, abi.Version)
	}
	k, err := inst.call(ctx, inst.mod.ExportedFunction(abi.ExportKinds), abi.ExportKinds, 0)
	if err != nil {
		return version, 0, asLoadError(m.name, "abi", err)
	}
	kinds := abi.KindSet(uint32(k))
	if unknown := kinds.Unknown(); unknown != 0 {
		return version, 0, m.loadErr("abi", ErrKinds, "%s returned %#x; bits %#x name no kind of ABI version %d (ondemand %#x, spot %#x, reserved %#x)",
			abi.ExportKinds, uint32(kinds), unknown, abi.Version, abi.OnDemand.Bit(), abi.Spot.Bit(), abi.Reserved.Bit())
	}
	if kinds == 0 {
		return version, 0, m.loadErr("abi", ErrKinds, "%s returned 0; a module must price at least one kind", abi.ExportKinds)
	}
	return version, kinds, nil
}

// asLoadError turns a failed load-time call into a LoadError.
func asLoadError(name, stage string, err error) error {
	var ce *CallError
	if errors.As(err, &ce) {
		return &LoadError{Module: name, Stage: stage, Err: ce.Err, Detail: ce.Export + ": " + ce.Detail}
	}
	return &LoadError{Module: name, Stage: stage, Err: ErrTrap, Detail: err.Error()}
}

// buffer makes sure the guest's I/O buffer holds size bytes and lies inside
// its memory: the pointer comes from the guest and is not trusted.
func (inst *instance) buffer(ctx context.Context, kind abi.Kind, size int) error {
	// Never hand a guest a null buffer, even for an empty batch.
	size = max(size, minBuffer)
	if uint32(size) <= inst.size {
		return nil
	}
	p, err := inst.call(ctx, inst.alloc, abi.ExportAlloc, kind, uint64(size))
	if err != nil {
		return err
	}
	ptr := uint32(p)
	if ptr == 0 || uint64(ptr)+uint64(size) > uint64(inst.mem.Size()) {
		return &CallError{Module: inst.m.name, Export: abi.ExportAlloc, Kind: kind, Err: ErrBadResult,
			Detail: fmt.Sprintf("ec2x_alloc(%d) returned %#x, outside the module's memory of %d bytes", size, ptr, inst.mem.Size())}
	}
	inst.ptr, inst.size = ptr, uint32(size)
	return nil
}

// minBuffer is the smallest I/O buffer asked of a guest.
const minBuffer = 64

// batch is one ec2x_price call: fill writes n input records into the guest's
// buffer, read decodes n output records from it.
type batch struct {
	kind          abi.Kind
	n             int
	inLen, outLen int
	fill          func(in []byte)
	read          func(out []byte) error
}

// run sends one batch through the guest. Input and output share one buffer:
// the output starts at the first 8-byte boundary after the input.
func (inst *instance) run(ctx context.Context, b batch) error {
	outOff := (b.inLen + 7) &^ 7
	if err := inst.buffer(ctx, b.kind, outOff+b.outLen); err != nil {
		return err
	}
	in, _ := inst.mem.Read(inst.ptr, uint32(b.inLen))
	b.fill(in)
	r, err := inst.call(ctx, inst.price, abi.ExportPrice, b.kind,
		uint64(uint32(b.kind)), uint64(inst.ptr), uint64(b.n), uint64(inst.ptr+uint32(outOff)))
	if err != nil {
		return err
	}
	got := int32(uint32(r))
	if got < 0 {
		return inst.guestError(ctx, b.kind, got)
	}
	if int(got) != b.n {
		return &CallError{Module: inst.m.name, Export: abi.ExportPrice, Kind: b.kind, Err: ErrBadResult,
			Detail: fmt.Sprintf("returned %d items for a batch of %d", got, b.n)}
	}
	// Read again: the guest may have grown (and so moved) its memory.
	out, ok := inst.mem.Read(inst.ptr+uint32(outOff), uint32(b.outLen))
	if !ok {
		return &CallError{Module: inst.m.name, Export: abi.ExportPrice, Kind: b.kind, Err: ErrBadResult,
			Detail: "the output buffer is no longer inside the module's memory"}
	}
	if err := b.read(out); err != nil {
		return &CallError{Module: inst.m.name, Export: abi.ExportPrice, Kind: b.kind, Err: ErrBadResult, Detail: err.Error()}
	}
	return nil
}

// guestError turns a negative ec2x_price result into a CallError, with the
// guest's own message when it exports ec2x_last_error.
func (inst *instance) guestError(ctx context.Context, kind abi.Kind, code int32) error {
	ce := &CallError{Module: inst.m.name, Export: abi.ExportPrice, Kind: kind, Detail: abi.CodeName(code)}
	switch code {
	case abi.CodeUnsupportedKind:
		ce.Err = ErrUnsupportedKind
	case abi.CodeInvalidInput:
		ce.Err = ErrInvalidInput
	default:
		ce.Err = ErrGuest
	}
	if msg := inst.message(ctx); msg != "" {
		ce.Detail += ": " + msg
	}
	return ce
}

// maxMessage bounds what the host reads of a guest's error message.
const maxMessage = 512

// message reads ec2x_last_error, or "" if there is none or it is unusable.
func (inst *instance) message(ctx context.Context) string {
	if inst.lastErr == nil {
		return ""
	}
	v, err := inst.call(ctx, inst.lastErr, abi.ExportLastError, 0)
	if err != nil || v == 0 {
		return ""
	}
	ptr, n := uint32(v>>32), min(uint32(v), maxMessage)
	b, ok := inst.mem.Read(ptr, n)
	if !ok {
		return ""
	}
	return printable(string(b))
}

// failure classifies a runtime error. ctx is the caller's: when it is done,
// the caller gave up and that, not a timeout of the guest, is the reason.
func (inst *instance) failure(ctx context.Context, export string, kind abi.Kind, err error, timeout time.Duration) *CallError {
	ce := &CallError{Module: inst.m.name, Export: export, Kind: kind, Cause: err}
	var exit *sys.ExitError
	switch {
	case errors.As(err, &exit) && (exit.ExitCode() == sys.ExitCodeDeadlineExceeded || exit.ExitCode() == sys.ExitCodeContextCanceled):
		if cerr := ctx.Err(); cerr != nil {
			ce.Err, ce.Detail = cerr, "the caller gave up; the instance was stopped"
		} else if inst.m.h.stopping.Err() != nil {
			ce.Err, ce.Detail = ErrClosed, "the host was closed; the instance was stopped"
		} else {
			ce.Err, ce.Detail = ErrTimeout, fmt.Sprintf("no result within %v; the instance was stopped", timeout)
		}
	case errors.As(err, &exit):
		ce.Err, ce.Detail = ErrExit, fmt.Sprintf("exit code %d", exit.ExitCode())
		if strings.Contains(inst.out.String(), "out of memory") {
			ce.Err = ErrOutOfMemory
		}
	default:
		ce.Err, ce.Detail = ErrTrap, firstLine(err.Error())
		if limit := inst.m.h.cfg.MemoryLimitPages; inst.mem != nil && uint64(inst.mem.Size()/65536)*16 >= uint64(limit)*15 {
			// Near the cap, a trap is almost always the guest failing to grow.
			ce.Err = ErrOutOfMemory
			ce.Detail = fmt.Sprintf("memory at %d of %d pages; %s", inst.mem.Size()/65536, limit, ce.Detail)
		}
	}
	if s := inst.out.String(); s != "" {
		ce.Detail += "; guest output: " + s
	}
	return ce
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// printable keeps a guest's text safe to print on one line.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, s)
}

// tail keeps the start of what a guest writes to stdout and stderr, bounded,
// to explain a crash (a Go guest prints "fatal error: ..." before exiting).
type tail struct{ b []byte }

func (t *tail) Write(p []byte) (int, error) {
	if room := maxMessage - len(t.b); room > 0 {
		t.b = append(t.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (t *tail) String() string { return strings.TrimSpace(printable(string(t.b))) }
