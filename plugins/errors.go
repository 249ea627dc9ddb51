package plugins

import (
	"errors"
	"strings"

	"github.com/ec2x/ec2x/pricing-wasm/conformance"
)

// Sentinels for errors.Is.
var (
	// ErrInvalidName: a plugin name must match NamePattern.
	ErrInvalidName = errors.New("invalid plugin name")
	// ErrBuiltinName: the name belongs to a built-in module.
	ErrBuiltinName = errors.New("name of a built-in module")
	// ErrExists: a plugin of that name is installed (install with Replace).
	ErrExists = errors.New("plugin already installed")
	// ErrNotFound: no built-in or installed plugin has that name.
	ErrNotFound = errors.New("no such plugin")
	// ErrChecksum: an installed module's bytes no longer match its manifest.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrRejected: the module failed validation; nothing was installed.
	ErrRejected = errors.New("module rejected")
	// ErrManifest: a manifest cannot be read.
	ErrManifest = errors.New("bad manifest")
)

// RejectedError says why a module was not installed: it would not load
// (Err is the host's LoadError) or it failed the conformance suite (Report
// lists the checks).
type RejectedError struct {
	Name   string
	Err    error
	Report conformance.Report
}

// Error reads: plugin "x" rejected: <reason>; nothing was installed.
func (e *RejectedError) Error() string {
	reason := "validation failed"
	if e.Err != nil {
		reason = strings.ReplaceAll(e.Err.Error(), "\n", "; ")
	}
	return "plugin " + `"` + e.Name + `"` + " rejected: " + reason + "; nothing was installed"
}

// Unwrap gives errors.Is both ErrRejected and the reason.
func (e *RejectedError) Unwrap() []error { return []error{ErrRejected, e.Err} }
