package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/sched"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/hv"
)

// driverCall is a driver request to make once a change is durable.
type driverCall func(ctx context.Context) error

// transition decides one instance's change within t: it puts new records
// into t (none for no change) and returns driver calls to make once the
// change is durable, or an EC2 error.
type transition func(t *tx, r *instRecord, now time.Time) ([]driverCall, error)

// changeStates applies tr to every instance, all or nothing, in one
// transaction, then makes the driver calls.
func (c *Cloud) changeStates(ctx context.Context, region string, ids []string, dryRun bool, tr transition) ([]ec2.StateChange, error) {
	if len(ids) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter InstanceId")
	}
	c.mu.Lock()
	rs, err := c.region(region)
	if err != nil {
		c.mu.Unlock()
		return nil, err
	}
	recs, err := c.lookupLocked(rs, ids)
	if err != nil {
		c.mu.Unlock()
		return nil, err
	}
	if dryRun {
		c.mu.Unlock()
		return nil, ec2.Errorf(ec2.CodeDryRunOperation, "Request would have succeeded, but DryRun flag is set.")
	}
	now := c.clk.Now()
	t := c.newTx(rs)
	var calls []driverCall
	for _, r := range recs {
		cs, err := tr(t, r, now)
		if err != nil {
			t.rollback()
			c.mu.Unlock()
			return nil, err
		}
		calls = append(calls, cs...)
	}
	wait, err := c.commitTx(ctx, t)
	if err != nil {
		c.mu.Unlock()
		return nil, err
	}
	out := make([]ec2.StateChange, len(recs))
	for i, old := range recs {
		out[i] = ec2.StateChange{InstanceId: old.InstanceId, PreviousState: old.State, CurrentState: rs.instances[old.InstanceId].State}
	}
	c.notifyLocked()
	c.mu.Unlock()
	if err := wait(); err != nil {
		return nil, err
	}
	dctx := context.WithoutCancel(ctx)
	for _, call := range calls {
		if err := call(dctx); err != nil {
			c.log.Error().Err(err).Msg("driver call failed")
		}
	}
	return out, nil
}

// instanceLocked finds one instance of a region, as lookupLocked does;
// the caller holds c.mu.
func (c *Cloud) instanceLocked(region, id string) (*regionState, *instRecord, error) {
	rs, err := c.region(region)
	if err != nil {
		return nil, nil, err
	}
	recs, err := c.lookupLocked(rs, []string{id})
	if err != nil {
		return nil, nil, err
	}
	return rs, recs[0], nil
}

// lookupLocked finds every ID or fails as EC2 does: malformed IDs first,
// then every missing ID in one message.
func (c *Cloud) lookupLocked(rs *regionState, ids []string) ([]*instRecord, error) {
	for _, id := range ids {
		if !instanceIDRe.MatchString(id) {
			return nil, ec2.Errorf(ec2.CodeInvalidInstanceIDMalformed, "Invalid id: \"%s\" (expecting \"i-...\")", id)
		}
	}
	recs := make([]*instRecord, 0, len(ids))
	var missing []string
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		r := rs.instances[id]
		if r == nil || c.hiddenLocked(r) {
			missing = append(missing, id)
			continue
		}
		recs = append(recs, r)
	}
	if len(missing) > 0 {
		return nil, notFound(missing)
	}
	return recs, nil
}

func notFound(ids []string) error {
	if len(ids) == 1 {
		return ec2.Errorf(ec2.CodeInvalidInstanceIDNotFound, "The instance ID '%s' does not exist", ids[0])
	}
	return ec2.Errorf(ec2.CodeInvalidInstanceIDNotFound, "The instance IDs '%s' do not exist", joinIDs(ids))
}

func incorrectState(r *instRecord, verb string) error {
	return ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is not in a state from which it can be %s (it is %s).", r.InstanceId, verb, r.State.Name)
}

// hiddenLocked reports whether a terminated instance is past its hour of visibility.
func (c *Cloud) hiddenLocked(r *instRecord) bool {
	return r.State.Name == ec2.StateTerminated &&
		c.clk.Now().Sub(r.StateSince) >= seconds(c.cfg.Lifecycle.TerminatedVisibleSeconds)
}

func setState(n *instRecord, state string, now time.Time) {
	n.State = ec2.NewState(state)
	n.StateSince = now
}

// userReason is how EC2 words a user-initiated transition.
func userReason(now time.Time) string {
	return "User initiated (" + now.UTC().Format("2006-01-02 15:04:05 GMT") + ")"
}

// StartInstances starts stopped instances; each is placed again and gets a
// new public IP.
func (c *Cloud) StartInstances(ctx context.Context, region string, in *ec2.InstanceIdsInput) (*ec2.StartInstancesOutput, error) {
	ch, err := c.changeStates(ctx, region, in.InstanceIds, in.DryRun, func(t *tx, r *instRecord, now time.Time) ([]driverCall, error) {
		switch r.State.Name {
		case ec2.StatePending, ec2.StateRunning:
			return nil, nil
		case ec2.StateStopped:
		default:
			return nil, incorrectState(r, "started")
		}
		rs := t.rs
		if r.spot() {
			if p := c.spotPrice(rs, r.Placement.AvailabilityZone, r.InstanceType); p > r.SpotMaxPrice {
				return nil, ec2.Errorf(ec2.CodeSpotMaxPriceTooLow, "The spot price in %s, %s, is above the instance's maximum price of %s.", r.Placement.AvailabilityZone, usd(p), usd(r.SpotMaxPrice))
			}
			if req := rs.spotReqs[r.SpotInstanceRequestId]; req != nil && req.State == "disabled" {
				nr := *req
				nr.State = "active"
				nr.Status = ec2.SpotStatus{Code: "fulfilled", Message: "Your Spot request is fulfilled.", UpdateTime: now.UTC()}
				t.putRequest(nr)
			}
		}
		typ := c.cfg.Types[r.InstanceType]
		host, _, ok := c.sched.Place(rs.name, sched.Request{Zone: r.Placement.AvailabilityZone,
			Family: familyOf(r.InstanceType), VCPUs: typ.VCPUs, MemoryMiB: typ.MemoryMiB, Driver: r.Hypervisor}, false)
		if !ok {
			return nil, c.capacityError(rs, r.InstanceType, r.Placement.AvailabilityZone)
		}
		if err := t.assignAutoPublic(r); err != nil {
			return nil, err
		}
		c.claimHost(t, host.ID, r)
		oldDriver := c.driverOf(r.Placement.HostId)
		n := r.clone()
		n.Placement.HostId = host.ID
		n.Hypervisor = host.Driver
		setState(n, ec2.StatePending, now)
		n.StateReason, n.StateTransitionReason = nil, ""
		t.putInstance(n)
		newDriver := c.drivers[host.Driver]
		spec := c.specTx(t, n)
		id := n.InstanceId
		return []driverCall{func(ctx context.Context) error {
			if newDriver != oldDriver {
				_ = oldDriver.Destroy(ctx, id)
				if err := newDriver.Create(ctx, spec); err != nil {
					c.driverFailed(id, "create", err)
					return err
				}
			}
			if err := newDriver.Start(ctx, id); err != nil {
				c.driverFailed(id, "start", err)
				return err
			}
			return nil
		}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.StartInstancesOutput{StartingInstances: ch}, nil
}

// StopInstances stops running instances; their auto-assigned public IP is
// released once they are stopped.
func (c *Cloud) StopInstances(ctx context.Context, region string, in *ec2.StopInstancesInput) (*ec2.StopInstancesOutput, error) {
	ch, err := c.changeStates(ctx, region, in.InstanceIds, in.DryRun, func(t *tx, r *instRecord, now time.Time) ([]driverCall, error) {
		switch r.State.Name {
		case ec2.StateStopped:
			return nil, nil
		case ec2.StateStopping:
			if !in.Force {
				return nil, nil
			}
		case ec2.StateRunning:
		default:
			return nil, incorrectState(r, "stopped")
		}
		if r.spot() {
			req := t.rs.spotReqs[r.SpotInstanceRequestId]
			if req == nil || req.Type != "persistent" {
				return nil, ec2.Errorf(ec2.CodeUnsupportedOperation, "You can't stop the Spot Instance '%s' because it is associated with a one-time Spot Instance request. You can only stop Spot Instances associated with persistent Spot Instance requests.", r.InstanceId)
			}
			nr := *req
			nr.State = "disabled"
			nr.Status = ec2.SpotStatus{Code: "instance-stopped-by-user", Message: "You stopped the Spot Instance.", UpdateTime: now.UTC()}
			t.putRequest(nr)
		}
		n := r.clone()
		setState(n, ec2.StateStopping, now)
		n.StateTransitionReason = userReason(now)
		n.StateReason = &ec2.StateReason{Code: "Client.UserInitiatedShutdown", Message: "Client.UserInitiatedShutdown: User initiated shutdown"}
		t.putInstance(n)
		d, id, force := c.driverOf(r.Placement.HostId), r.InstanceId, in.Force
		return []driverCall{func(ctx context.Context) error { return d.Stop(ctx, id, force) }}, nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.StopInstancesOutput{StoppingInstances: ch}, nil
}

// RebootInstances reboots running instances; they stay running.
func (c *Cloud) RebootInstances(ctx context.Context, region string, in *ec2.InstanceIdsInput) (*ec2.Empty, error) {
	_, err := c.changeStates(ctx, region, in.InstanceIds, in.DryRun, func(t *tx, r *instRecord, now time.Time) ([]driverCall, error) {
		if r.State.Name != ec2.StateRunning {
			return nil, incorrectState(r, "rebooted")
		}
		d, id := c.driverOf(r.Placement.HostId), r.InstanceId
		return []driverCall{func(ctx context.Context) error { return d.Reboot(ctx, id) }}, nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// TerminateInstances terminates instances; they stay visible for an hour.
func (c *Cloud) TerminateInstances(ctx context.Context, region string, in *ec2.InstanceIdsInput) (*ec2.TerminateInstancesOutput, error) {
	ch, err := c.changeStates(ctx, region, in.InstanceIds, in.DryRun, func(t *tx, r *instRecord, now time.Time) ([]driverCall, error) {
		switch r.State.Name {
		case ec2.StateShuttingDown, ec2.StateTerminated:
			return nil, nil
		}
		n := r.clone()
		setState(n, ec2.StateShuttingDown, now)
		n.StateTransitionReason = userReason(now)
		n.StateReason = &ec2.StateReason{Code: "Client.UserInitiatedShutdown", Message: "Client.UserInitiatedShutdown: User initiated shutdown"}
		t.putInstance(n)
		d, id := c.driverOf(r.Placement.HostId), r.InstanceId
		return []driverCall{func(ctx context.Context) error {
			err := d.Destroy(ctx, id)
			if errors.Is(err, hv.ErrNotFound) {
				// A launch still on its way to the driver: no guest, so
				// nothing to wait for. RunInstances sees the state and
				// does not boot it.
				c.events.push(hv.Event{ID: id, State: hv.StateDestroyed, At: c.clk.Now()})
				return nil
			}
			return err
		}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.TerminateInstancesOutput{TerminatingInstances: ch}, nil
}

// assignAutoPublic gives the instance's primary address a public IP from the
// pool, unless it has one (an Elastic IP survives stop and start).
func (t *tx) assignAutoPublic(r *instRecord) error {
	e := t.iface(firstOr(r.Enis))
	if e == nil || len(e.Addrs) == 0 || e.Addrs[0].Public != "" {
		return nil
	}
	pub, err := t.claimPublic()
	if err != nil {
		return err
	}
	n := e.clone()
	n.Addrs[0].Public = pub.String()
	t.putIface(n)
	return nil
}

// dropAutoPublic returns the pool addresses of an instance's interfaces;
// Elastic IPs stay associated.
func (t *tx) dropAutoPublic(r *instRecord) {
	for _, id := range r.Enis {
		e := t.iface(id)
		if e == nil {
			continue
		}
		var n *eniRecord
		for i, a := range e.Addrs {
			if !a.auto() {
				continue
			}
			if n == nil {
				n = e.clone()
			}
			t.freePublic(a.Public)
			n.Addrs[i].Public = ""
		}
		if n != nil {
			t.putIface(n)
		}
	}
}

// releaseInstance frees what a terminated instance holds: its host, its
// interfaces (deleted when DeleteOnTermination, else detached), their pool
// addresses; Elastic IPs of deleted interfaces are disassociated but stay
// allocated.
func (t *tx) releaseInstance(r *instRecord) *instRecord {
	c := t.c
	if holdsHost(r.State.Name) && r.Placement.HostId != "" {
		c.releaseHost(t, r)
	}
	// Only interfaces that go with the instance lose their Elastic IPs; a
	// detached one keeps them, as DetachNetworkInterface does, so it can be
	// moved to a replacement instance with its public addresses.
	for _, id := range r.Enis {
		if e := t.iface(id); e != nil && e.DeleteOnTermination {
			t.disassociateAll(e)
		}
	}
	// Pool addresses go back after the disassociations: taking an Elastic
	// IP from the primary of a guest that died while running gives it a
	// pool address, which would otherwise leak with the deleted interface.
	t.dropAutoPublic(r)
	for _, id := range r.Enis {
		e := t.iface(id)
		if e == nil {
			continue
		}
		if e.DeleteOnTermination {
			for _, a := range e.Addrs {
				t.freePrivate(e.SubnetId, a.Private)
			}
			t.deleteIface(id)
			continue
		}
		n := e.clone()
		n.InstanceId, n.AttachmentId, n.DeviceIndex, n.AttachTime = "", "", 0, time.Time{}
		t.putIface(n)
	}
	n := r.clone()
	n.Enis = nil
	n.Placement.HostId = ""
	return n
}

// claimHost takes an instance's share of a host, undone on rollback. Spot
// guests' shares are marked so on-demand demand can take them back.
func (c *Cloud) claimHost(t *tx, hostID string, r *instRecord) {
	typ := c.cfg.Types[r.InstanceType]
	claim, release := c.sched.Claim, c.sched.Release
	if r.spot() {
		claim, release = c.sched.ClaimSpot, c.sched.ReleaseSpot
	}
	claim(hostID, typ.VCPUs, typ.MemoryMiB)
	t.onRollback(func() { release(hostID, typ.VCPUs, typ.MemoryMiB) })
}

// releaseHost gives back an instance's share of its host, undone on rollback.
func (c *Cloud) releaseHost(t *tx, r *instRecord) {
	typ := c.cfg.Types[r.InstanceType]
	claim, release := c.sched.Claim, c.sched.Release
	if r.spot() {
		claim, release = c.sched.ClaimSpot, c.sched.ReleaseSpot
	}
	hostID := r.Placement.HostId
	release(hostID, typ.VCPUs, typ.MemoryMiB)
	t.onRollback(func() { claim(hostID, typ.VCPUs, typ.MemoryMiB) })
}

func firstOr(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

// applyEvents settles transitions the drivers report, in as few
// transactions as fit.
func (c *Cloud) applyEvents(ctx context.Context, evs []hv.Event) {
	c.mu.Lock()
	byRegion := map[*regionState]*tx{}
	for _, e := range evs {
		rs := c.where[e.ID]
		if rs == nil {
			continue
		}
		t := byRegion[rs]
		if t == nil {
			t = c.newTx(rs)
			byRegion[rs] = t
		}
		c.settleTx(t, t.instance(e.ID), e)
	}
	var waits []func() error
	for _, t := range byRegion {
		if t.empty() {
			continue
		}
		// Events need no atomicity across instances: split to fit.
		t.publish()
		waits = append(waits, c.commitSplitLocked(ctx, t.batch()))
	}
	c.mu.Unlock()
	ok := true
	for _, w := range waits {
		ok = w() == nil && ok
	}
	if ok && len(waits) > 0 {
		c.mu.Lock()
		c.notifyLocked()
		c.mu.Unlock()
	}
}

// settleTx records in t what event e does to r.
func (c *Cloud) settleTx(t *tx, r *instRecord, e hv.Event) {
	now := e.At
	if now.IsZero() {
		now = c.clk.Now()
	}
	switch {
	case e.State == hv.StateRunning && r.State.Name == ec2.StatePending:
		n := r.clone()
		setState(n, ec2.StateRunning, now)
		n.StateReason = nil
		t.putInstance(n)
	case e.State == hv.StateStopped && (r.State.Name == ec2.StateStopping || r.State.Name == ec2.StateRunning || r.State.Name == ec2.StatePending):
		n := r.clone()
		if r.State.Name != ec2.StateStopping {
			// The guest stopped on its own (shutdown inside, or a crash).
			n.StateTransitionReason = "Client initiated (" + now.UTC().Format("2006-01-02 15:04:05 GMT") + ")"
			n.StateReason = &ec2.StateReason{Code: "Client.InstanceInitiatedShutdown", Message: "Client.InstanceInitiatedShutdown: Instance initiated shutdown"}
			if e.Reason != "" {
				n.StateReason = &ec2.StateReason{Code: "Server.InternalError", Message: "Server.InternalError: " + e.Reason}
			}
		}
		c.releaseHost(t, r)
		n.Placement.HostId = ""
		t.dropAutoPublic(r)
		setState(n, ec2.StateStopped, now)
		t.putInstance(n)
	case e.State == hv.StateDestroyed && r.State.Name != ec2.StateTerminated:
		n := t.releaseInstance(r)
		if r.State.Name != ec2.StateShuttingDown && e.Reason != "" {
			n.StateReason = &ec2.StateReason{Code: "Server.InternalError", Message: "Server.InternalError: " + e.Reason}
		}
		setState(n, ec2.StateTerminated, now)
		t.putInstance(n)
	}
}

// driverFailed turns a driver error into the instance's end, as EC2 does
// when a launch fails inside the service.
func (c *Cloud) driverFailed(id, op string, err error) {
	c.log.Error().Err(err).Str("instance", id).Str("op", op).Msg("driver failed")
	c.events.push(hv.Event{ID: id, State: hv.StateDestroyed, At: c.clk.Now(), Reason: fmt.Sprintf("%s failed: %v", op, err)})
}

// purgeTerminated forgets terminated instances after their hour of
// visibility, and ClientTokens whose instances are all gone.
func (c *Cloud) purgeTerminated(ctx context.Context) {
	c.mu.Lock()
	b := store.NewBatch()
	for _, rs := range c.regions {
		for id, r := range rs.instances {
			if c.hiddenLocked(r) {
				delete(rs.instances, id)
				delete(c.where, id)
				b.Delete(store.InstanceKey(rs.name, id))
			}
		}
		for tok, t := range rs.tokens {
			alive := false
			for _, id := range t.InstanceIds {
				if rs.instances[id] != nil {
					alive = true
					break
				}
			}
			if !alive {
				delete(rs.tokens, tok)
				b.Delete(store.TokenKey(rs.name, tok))
			}
		}
	}
	if b.Len() == 0 {
		c.mu.Unlock()
		return
	}
	wait := c.commitSplitLocked(ctx, b)
	c.mu.Unlock()
	_ = wait()
}
