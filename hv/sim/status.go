package sim

import (
	"context"
	"fmt"
	"time"

	"github.com/ec2x/ec2x/hv"
)

// Initializing is how long a simulated guest's status checks stay
// "initializing" after it reaches running, as EC2's do for a few minutes
// after a launch or start; then they pass.
const Initializing = 2 * time.Minute

var _ hv.StatusChecker = (*Driver)(nil)

// StatusCheck implements hv.StatusChecker: simulated hosts and guests never
// fail, so both checks pass once the guest has been up for Initializing.
func (d *Driver) StatusCheck(ctx context.Context, id string) (hv.StatusReport, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.lookup(ctx, id)
	if err != nil {
		return hv.StatusReport{}, err
	}
	if g.state != hv.StateRunning {
		return hv.StatusReport{}, fmt.Errorf("%w: %s is %s", hv.ErrInvalidState, id, g.state)
	}
	c := hv.Check{Reach: hv.ReachInitializing}
	if d.clk.Now().Sub(time.Unix(0, g.upAt)) >= Initializing {
		c.Reach = hv.ReachPassed
	}
	return hv.StatusReport{System: c, Instance: c}, nil
}
