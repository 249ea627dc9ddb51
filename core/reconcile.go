package core

import (
	"context"
	"fmt"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/hv"
)

// reconcile makes the drivers agree with the store after a start: guests
// the store does not know are destroyed, missing guests are created, and
// transitions interrupted by a crash are finished.
func (c *Cloud) reconcile(ctx context.Context) error {
	known := map[string]map[string]hv.State{} // driver -> guest -> state
	for name, d := range c.drivers {
		list, err := d.List(ctx)
		if err != nil {
			return fmt.Errorf("list guests of %s: %w", name, err)
		}
		known[name] = map[string]hv.State{}
		for _, g := range list {
			known[name][g.ID] = g.State
		}
	}
	type work struct {
		d    hv.Driver
		spec hv.GuestSpec
		has  bool
		st   hv.State
		rec  *instRecord
	}
	var todo []work
	var settle []hv.Event
	c.mu.RLock()
	for _, rs := range c.regions {
		for _, r := range rs.instances {
			if r.State.Name == ec2.StateTerminated {
				continue
			}
			hostID := r.Placement.HostId
			d := c.driverOf(hostID)
			name := d.Name()
			st, has := known[name][r.InstanceId]
			delete(known[name], r.InstanceId)
			todo = append(todo, work{d: d, spec: c.specLocked(rs, r), has: has, st: st, rec: r})
		}
	}
	c.mu.RUnlock()
	for name, orphans := range known {
		for id := range orphans {
			c.log.Warn().Str("instance", id).Str("driver", name).Msg("destroying a guest the store does not know")
			_ = c.drivers[name].Destroy(ctx, id)
		}
	}
	for _, w := range todo {
		id := w.rec.InstanceId
		if !w.has {
			if err := w.d.Create(ctx, w.spec); err != nil {
				c.driverFailed(id, "create", err)
				continue
			}
			w.st = hv.StateStopped
		}
		switch w.rec.State.Name {
		case ec2.StatePending, ec2.StateRunning:
			if w.st == hv.StateStopped {
				if err := w.d.Start(ctx, id); err != nil {
					c.driverFailed(id, "start", err)
				}
			}
		case ec2.StateStopping:
			if w.st == hv.StateStopped {
				settle = append(settle, hv.Event{ID: id, State: hv.StateStopped, At: c.clk.Now()})
			} else {
				_ = w.d.Stop(ctx, id, false)
			}
		case ec2.StateStopped:
			if w.st == hv.StateRunning || w.st == hv.StateStarting {
				_ = w.d.Stop(ctx, id, true)
			}
		case ec2.StateShuttingDown:
			if err := w.d.Destroy(ctx, id); err != nil {
				settle = append(settle, hv.Event{ID: id, State: hv.StateDestroyed, At: c.clk.Now()})
			}
		}
	}
	if len(settle) > 0 {
		c.applyEvents(ctx, settle)
	}
	return nil
}
