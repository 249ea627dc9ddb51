package hv

import (
	"errors"
	"fmt"
)

// Sentinel errors of every driver; match them with errors.Is.
var (
	ErrNotFound      = errors.New("guest not found")
	ErrExists        = errors.New("guest already exists")
	ErrInvalidState  = errors.New("guest is not in a state that allows this")
	ErrUnknownDriver = errors.New("unknown hypervisor driver")
	// ErrUnavailable: the driver cannot run on this machine (a tool missing).
	ErrUnavailable = errors.New("hypervisor driver unavailable")
	// ErrUnsupported: the driver cannot run this guest (an image it cannot boot).
	ErrUnsupported = errors.New("not supported by this driver")
	// ErrNoDisk: the guest has no such volume attached.
	ErrNoDisk = errors.New("volume not attached to the guest")
	// ErrDiskAttached: the guest has the volume attached already.
	ErrDiskAttached = errors.New("volume already attached to the guest")
	// ErrDiskShrink: a volume can only grow.
	ErrDiskShrink = errors.New("a volume cannot shrink")
)

// NotSupportedError says a driver lacks an optional ability.
type NotSupportedError struct {
	Driver  string
	Ability string
}

func (e *NotSupportedError) Error() string {
	return fmt.Sprintf("driver %s does not support %s", e.Driver, e.Ability)
}
