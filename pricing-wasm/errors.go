package pricingwasm

import (
	"errors"
	"strings"

	"github.com/ec2x/ec2x/pricing-wasm/abi"
)

// Sentinels for errors.Is. A LoadError or CallError wraps one of them (and,
// for a call, the runtime's own error), so callers branch on the sentinel and
// print the typed error, whose message names the module, the export and why.
var (
	// ErrNotWasm: the bytes do not start with the WebAssembly magic and version 1.
	ErrNotWasm = errors.New("not a WebAssembly module")
	// ErrInvalidModule: the runtime refused to compile the module.
	ErrInvalidModule = errors.New("invalid WebAssembly module")
	// ErrImport: the module imports something the sandbox does not provide.
	ErrImport = errors.New("forbidden import")
	// ErrMissingExport: a required export is absent.
	ErrMissingExport = errors.New("missing export")
	// ErrSignature: an export has the wrong type.
	ErrSignature = errors.New("wrong export signature")
	// ErrABIVersion: ec2x_abi_version returned a version this host does not speak.
	ErrABIVersion = errors.New("unsupported ABI version")
	// ErrKinds: ec2x_kinds declared nothing, or kinds this ABI does not define.
	ErrKinds = errors.New("bad kinds mask")
	// ErrUnsupportedKind: the module does not price the requested kind.
	ErrUnsupportedKind = errors.New("kind not supported by the module")
	// ErrInvalidInput: an input record is outside its domain.
	ErrInvalidInput = errors.New("invalid input")
	// ErrTimeout: the call ran past its deadline; the instance was stopped.
	ErrTimeout = errors.New("deadline exceeded")
	// ErrTrap: the guest trapped (unreachable, out-of-bounds access, ...).
	ErrTrap = errors.New("trap")
	// ErrOutOfMemory: the guest hit the memory cap.
	ErrOutOfMemory = errors.New("out of memory")
	// ErrExit: the guest called proc_exit (a Go guest does on a fatal error).
	ErrExit = errors.New("module exited")
	// ErrPanic: the host panicked while serving the call; the host recovered.
	ErrPanic = errors.New("panic")
	// ErrBadResult: the guest's result breaks the ABI (count, pointer, values).
	ErrBadResult = errors.New("bad result")
	// ErrGuest: ec2x_price returned an error code the ABI does not define.
	ErrGuest = errors.New("module error")
	// ErrClosed: the host or the module was closed.
	ErrClosed = errors.New("closed")
	// ErrNotFound: no module of that name is loaded.
	ErrNotFound = errors.New("no such module")
	// ErrExists: a module of that name is already loaded.
	ErrExists = errors.New("module already loaded")
)

// LoadError says why a module could not be loaded.
type LoadError struct {
	Module string // the name given to Load
	Stage  string // "read", "compile", "exports", "instantiate" or "abi"
	Err    error  // a sentinel above (errors.Join of several for many problems)
	Detail string // what was expected and what was found
}

// Error reads: pricing module "x": exports: wrong export signature: export ec2x_price should be ...
func (e *LoadError) Error() string {
	msg := "pricing module " + quote(e.Module) + ": " + e.Stage + ": " + sentinelText(e.Err)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Unwrap gives errors.Is and errors.As the sentinel.
func (e *LoadError) Unwrap() error { return e.Err }

// CallError says why one call failed. The instance that served it has been
// closed; the module keeps serving other calls.
type CallError struct {
	Module string   // module name
	Export string   // e.g. "ec2x_price"
	Kind   abi.Kind // 0 for calls that are not ec2x_price
	Err    error    // a sentinel above
	Detail string   // the reason in words, with the guest's own message if any
	Cause  error    // the runtime's error, if any
}

// Error reads: pricing module "spot": ec2x_price(spot): deadline exceeded: no result within 50ms
func (e *CallError) Error() string {
	msg := "pricing module " + quote(e.Module) + ": " + e.Export
	if e.Kind != 0 {
		msg += "(" + e.Kind.String() + ")"
	}
	msg += ": " + sentinelText(e.Err)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Unwrap gives errors.Is and errors.As both the sentinel and the cause.
func (e *CallError) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}

func sentinelText(err error) string {
	if err == nil {
		return "error"
	}
	return strings.ReplaceAll(err.Error(), "\n", ", ")
}

func quote(s string) string { return `"` + s + `"` }
