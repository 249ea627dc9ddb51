package hv

import (
	"context"
	"time"
)

// Reach is the result of one status check (EC2's reachability detail).
type Reach int

// Status check results.
const (
	ReachInitializing Reach = iota // the guest has not been up long enough to tell
	ReachPassed
	ReachFailed
)

var reachNames = [...]string{"initializing", "passed", "failed"}

func (r Reach) String() string {
	if r < 0 || int(r) >= len(reachNames) {
		return "invalid"
	}
	return reachNames[r]
}

// Check is one status check of a guest: its result and, when it fails,
// since when.
type Check struct {
	Reach Reach
	Since time.Time // when a failing check started failing; zero otherwise
}

// StatusReport is a running guest's two status checks: System (the host:
// the hypervisor runs the guest) and Instance (the guest answers).
type StatusReport struct {
	System, Instance Check
}

// StatusChecker runs a guest's status checks. Drivers that declare
// Capabilities.StatusChecks implement it; Check on a guest that is not
// running MUST fail with ErrInvalidState.
type StatusChecker interface {
	StatusCheck(ctx context.Context, id string) (StatusReport, error)
}

// Screenshotter captures a guest's screen. Drivers that declare
// Capabilities.Screenshot implement it.
type Screenshotter interface {
	// Screenshot returns the guest's screen now as a JPEG image.
	Screenshot(ctx context.Context, id string) ([]byte, error)
}
