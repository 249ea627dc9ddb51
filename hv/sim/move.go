package sim

import (
	"context"
	"fmt"

	"github.com/ec2x/ec2x/hv"
)

var _ hv.Mover = (*Driver)(nil)

// Move implements hv.Mover: every sim host's guests live in this one
// driver, so a guest that moves to another sim host keeps running, its
// counters and console going on, as a live migration leaves them.
func (d *Driver) Move(ctx context.Context, id string, dst hv.Driver) error {
	if dst != hv.Driver(d) {
		return fmt.Errorf("%w: a sim guest moves only to another sim host, not to a %s host", hv.ErrUnsupported, dst.Name())
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	_, err := d.lookup(ctx, id)
	return err
}
