package sim

import (
	"context"
	"fmt"
	"slices"

	"github.com/ec2x/ec2x/hv"
)

// canAttach checks that n fits next to the NICs g has now.
func (g *guest) canAttach(n hv.NIC) error {
	if n.ID == "" || n.DeviceIndex < 0 {
		return fmt.Errorf("sim: invalid NIC %q at device index %d", n.ID, n.DeviceIndex)
	}
	for _, o := range g.nics {
		if o.until != stillAttached {
			continue
		}
		if o.ID == n.ID {
			return fmt.Errorf("sim: NIC %s is already attached to %s", n.ID, g.id)
		}
		if o.DeviceIndex == n.DeviceIndex {
			return fmt.Errorf("sim: %s already has NIC %s at device index %d", g.id, o.ID, n.DeviceIndex)
		}
	}
	return nil
}

// AttachNIC adds a NIC to a guest; the guest's next boot shows it.
func (d *Driver) AttachNIC(ctx context.Context, id string, nic hv.NIC) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.lookup(ctx, id)
	if err != nil {
		return err
	}
	if g.destroying {
		return invalid(g, "attach a NIC to")
	}
	if err := g.canAttach(nic); err != nil {
		return err
	}
	g.nics = append(g.nics, nicRec{NIC: nic, from: g.boots, until: stillAttached})
	return nil
}

// DetachNIC removes a NIC from a guest; boots from the next on lack it.
func (d *Driver) DetachNIC(ctx context.Context, id string, nicID string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.lookup(ctx, id)
	if err != nil {
		return err
	}
	for i := range g.nics {
		n := &g.nics[i]
		if n.ID == nicID && n.until == stillAttached {
			n.until = g.boots
			if n.from >= n.until { // no boot ever saw it
				g.nics = slices.Delete(g.nics, i, i+1)
			}
			return nil
		}
	}
	return fmt.Errorf("sim: NIC %s is not attached to %s", nicID, id)
}
