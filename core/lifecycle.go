package core

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/ec2x/ec2x/core/sched"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/hv"
)

// InstanceIdsInput names instances (Start, Reboot, Terminate).
type InstanceIdsInput struct {
	InstanceIds []string `json:"InstanceIds"`
	DryRun      bool     `json:"DryRun,omitempty"`
}

// StopInstancesInput is EC2's StopInstances request.
type StopInstancesInput struct {
	InstanceIds []string `json:"InstanceIds"`
	Force       bool     `json:"Force,omitempty"`
	DryRun      bool     `json:"DryRun,omitempty"`
}

// StartInstancesOutput answers StartInstances.
type StartInstancesOutput struct {
	StartingInstances []StateChange `json:"StartingInstances"`
}

// StopInstancesOutput answers StopInstances.
type StopInstancesOutput struct {
	StoppingInstances []StateChange `json:"StoppingInstances"`
}

// TerminateInstancesOutput answers TerminateInstances.
type TerminateInstancesOutput struct {
	TerminatingInstances []StateChange `json:"TerminatingInstances"`
}

// Empty is the answer of calls that return nothing but success.
type Empty struct {
	Return bool `json:"Return"`
}

// driverCall is a driver request to make once a change is durable.
type driverCall func(ctx context.Context) error

// transition decides one instance's change. It returns the new record (nil
// for no change), driver calls to make afterwards, or an EC2 error.
type transition func(rs *regionState, r *instRecord, now time.Time) (*instRecord, []driverCall, error)

// changeStates applies t to every instance, all or nothing, in one
// transaction, then makes the driver calls.
func (c *Cloud) changeStates(ctx context.Context, region string, ids []string, dryRun bool, t transition) ([]StateChange, error) {
	if len(ids) == 0 {
		return nil, Errorf(CodeMissingParameter, "The request must contain the parameter InstanceId")
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
		return nil, Errorf(CodeDryRunOperation, "Request would have succeeded, but DryRun flag is set.")
	}
	now := c.clk.Now()
	type change struct {
		old, new *instRecord
		calls    []driverCall
	}
	changes := make([]change, len(recs))
	for i, r := range recs {
		n, calls, err := t(rs, r, now)
		if err != nil {
			// Undo what earlier instances of this call claimed.
			for _, ch := range changes[:i] {
				if ch.new != nil {
					c.unclaimLocked(rs, ch.old, ch.new)
				}
			}
			c.mu.Unlock()
			return nil, err
		}
		changes[i] = change{r, n, calls}
	}
	b := store.NewBatch()
	for _, ch := range changes {
		if ch.new != nil {
			b.Put(store.InstanceKey(region, ch.new.InstanceId), ch.new)
		}
	}
	if !b.Fits() {
		for _, ch := range changes {
			if ch.new != nil {
				c.unclaimLocked(rs, ch.old, ch.new)
			}
		}
		c.mu.Unlock()
		return nil, tooBig(b)
	}
	out := make([]StateChange, len(recs))
	var calls []driverCall
	for i, ch := range changes {
		cur := ch.old
		if ch.new != nil {
			cur = ch.new
			rs.instances[cur.InstanceId] = cur
		}
		out[i] = StateChange{InstanceId: cur.InstanceId, PreviousState: ch.old.State, CurrentState: cur.State}
		calls = append(calls, ch.calls...)
	}
	wait := c.commitLocked(ctx, b)
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

// lookupLocked finds every ID or fails as EC2 does: malformed IDs first,
// then every missing ID in one message.
func (c *Cloud) lookupLocked(rs *regionState, ids []string) ([]*instRecord, error) {
	for _, id := range ids {
		if !instanceIDRe.MatchString(id) {
			return nil, Errorf(CodeInvalidInstanceIDMalformed, "Invalid id: \"%s\" (expecting \"i-...\")", id)
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
		return Errorf(CodeInvalidInstanceIDNotFound, "The instance ID '%s' does not exist", ids[0])
	}
	return Errorf(CodeInvalidInstanceIDNotFound, "The instance IDs '%s' do not exist", joinIDs(ids))
}

func incorrectState(r *instRecord, verb string) error {
	return Errorf(CodeIncorrectInstanceState, "The instance '%s' is not in a state from which it can be %s (it is %s).", r.InstanceId, verb, r.State.Name)
}

// hiddenLocked reports whether a terminated instance is past its hour of visibility.
func (c *Cloud) hiddenLocked(r *instRecord) bool {
	return r.State.Name == StateTerminated &&
		c.clk.Now().Sub(r.StateSince) >= seconds(c.cfg.Lifecycle.TerminatedVisibleSeconds)
}

func setState(n *instRecord, state string, now time.Time) {
	n.State = NewState(state)
	n.StateSince = now
}

// userReason is how EC2 words a user-initiated transition.
func userReason(now time.Time) string {
	return "User initiated (" + now.UTC().Format("2006-01-02 15:04:05 GMT") + ")"
}

// StartInstances starts stopped instances; each is placed again and gets a
// new public IP.
func (c *Cloud) StartInstances(ctx context.Context, region string, in *InstanceIdsInput) (*StartInstancesOutput, error) {
	ch, err := c.changeStates(ctx, region, in.InstanceIds, in.DryRun, func(rs *regionState, r *instRecord, now time.Time) (*instRecord, []driverCall, error) {
		switch r.State.Name {
		case StatePending, StateRunning:
			return nil, nil, nil
		case StateStopped:
		default:
			return nil, nil, incorrectState(r, "started")
		}
		t := c.cfg.Types[r.InstanceType]
		host, _, ok := c.sched.Place(rs.name, sched.Request{Zone: r.Placement.AvailabilityZone,
			Family: familyOf(r.InstanceType), VCPUs: t.VCPUs, MemoryMiB: t.MemoryMiB}, false)
		if !ok {
			return nil, nil, c.capacityError(rs, r.InstanceType, r.Placement.AvailabilityZone)
		}
		n := r.clone()
		if n.PublicIpAddress == "" {
			pub, err := rs.net.Public().Allocate(c.rng)
			if err != nil {
				return nil, nil, Errorf(CodeInsufficientAddressCapacity, "The public IPv4 pool of %s is exhausted", rs.name)
			}
			setPublicIP(n, pub)
			n.AutoPublicIP = true
		}
		c.sched.Claim(host.ID, t.VCPUs, t.MemoryMiB)
		oldDriver := c.driverOf(r.Placement.HostId)
		n.Placement.HostId = host.ID
		n.Hypervisor = host.Driver
		setState(n, StatePending, now)
		n.StateReason, n.StateTransitionReason = nil, ""
		newDriver := c.drivers[host.Driver]
		spec := c.specLocked(rs, n)
		id := n.InstanceId
		return n, []driverCall{func(ctx context.Context) error {
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
	return &StartInstancesOutput{StartingInstances: ch}, nil
}

// StopInstances stops running instances; their auto-assigned public IP is
// released once they are stopped.
func (c *Cloud) StopInstances(ctx context.Context, region string, in *StopInstancesInput) (*StopInstancesOutput, error) {
	ch, err := c.changeStates(ctx, region, in.InstanceIds, in.DryRun, func(rs *regionState, r *instRecord, now time.Time) (*instRecord, []driverCall, error) {
		switch r.State.Name {
		case StateStopped:
			return nil, nil, nil
		case StateStopping:
			if !in.Force {
				return nil, nil, nil
			}
		case StateRunning:
		default:
			return nil, nil, incorrectState(r, "stopped")
		}
		n := r.clone()
		setState(n, StateStopping, now)
		n.StateTransitionReason = userReason(now)
		n.StateReason = &StateReason{Code: "Client.UserInitiatedShutdown", Message: "Client.UserInitiatedShutdown: User initiated shutdown"}
		d, id, force := c.driverOf(r.Placement.HostId), r.InstanceId, in.Force
		return n, []driverCall{func(ctx context.Context) error { return d.Stop(ctx, id, force) }}, nil
	})
	if err != nil {
		return nil, err
	}
	return &StopInstancesOutput{StoppingInstances: ch}, nil
}

// RebootInstances reboots running instances; they stay running.
func (c *Cloud) RebootInstances(ctx context.Context, region string, in *InstanceIdsInput) (*Empty, error) {
	_, err := c.changeStates(ctx, region, in.InstanceIds, in.DryRun, func(rs *regionState, r *instRecord, now time.Time) (*instRecord, []driverCall, error) {
		if r.State.Name != StateRunning {
			return nil, nil, incorrectState(r, "rebooted")
		}
		d, id := c.driverOf(r.Placement.HostId), r.InstanceId
		return nil, []driverCall{func(ctx context.Context) error { return d.Reboot(ctx, id) }}, nil
	})
	if err != nil {
		return nil, err
	}
	return &Empty{Return: true}, nil
}

// TerminateInstances terminates instances; they stay visible for an hour.
func (c *Cloud) TerminateInstances(ctx context.Context, region string, in *InstanceIdsInput) (*TerminateInstancesOutput, error) {
	ch, err := c.changeStates(ctx, region, in.InstanceIds, in.DryRun, func(rs *regionState, r *instRecord, now time.Time) (*instRecord, []driverCall, error) {
		switch r.State.Name {
		case StateShuttingDown, StateTerminated:
			return nil, nil, nil
		}
		n := r.clone()
		setState(n, StateShuttingDown, now)
		n.StateTransitionReason = userReason(now)
		n.StateReason = &StateReason{Code: "Client.UserInitiatedShutdown", Message: "Client.UserInitiatedShutdown: User initiated shutdown"}
		d, id := c.driverOf(r.Placement.HostId), r.InstanceId
		return n, []driverCall{func(ctx context.Context) error {
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
	return &TerminateInstancesOutput{TerminatingInstances: ch}, nil
}

// unclaimLocked undoes what a transition claimed for new, when a later
// instance of the same call fails.
func (c *Cloud) unclaimLocked(rs *regionState, old, n *instRecord) {
	if !holdsHost(old.State.Name) && holdsHost(n.State.Name) {
		t := c.cfg.Types[n.InstanceType]
		c.sched.Release(n.Placement.HostId, t.VCPUs, t.MemoryMiB)
	}
	if old.PublicIpAddress == "" && n.PublicIpAddress != "" {
		rs.net.Public().Release(netip.MustParseAddr(n.PublicIpAddress))
	}
}

func setPublicIP(n *instRecord, pub netip.Addr) { n.PublicIpAddress = pub.String() }

// dropPublicIP returns an auto-assigned public IP to the pool.
func (c *Cloud) dropPublicIP(rs *regionState, n *instRecord) {
	if n.PublicIpAddress == "" || !n.AutoPublicIP {
		return
	}
	rs.net.Public().Release(netip.MustParseAddr(n.PublicIpAddress))
	n.PublicIpAddress, n.AutoPublicIP = "", false
}

// releaseResources frees everything an instance holds (terminate, or a
// launch that is rolled back): host capacity, private and public addresses.
func (c *Cloud) releaseResources(rs *regionState, r *instRecord) {
	if holdsHost(r.State.Name) && r.Placement.HostId != "" {
		t := c.cfg.Types[r.InstanceType]
		c.sched.Release(r.Placement.HostId, t.VCPUs, t.MemoryMiB)
	}
	if r.PrivateIpAddress != "" {
		if sub := rs.net.SubnetByID(r.SubnetId); sub != nil {
			sub.Release(netip.MustParseAddr(r.PrivateIpAddress))
		}
	}
	if r.PublicIpAddress != "" {
		rs.net.Public().Release(netip.MustParseAddr(r.PublicIpAddress))
	}
}

// applyEvents settles transitions the drivers report, in as few
// transactions as fit.
func (c *Cloud) applyEvents(ctx context.Context, evs []hv.Event) {
	c.mu.Lock()
	b := store.NewBatch()
	for _, e := range evs {
		rs := c.where[e.ID]
		if rs == nil {
			continue
		}
		r := rs.instances[e.ID]
		if n := c.settleLocked(rs, r, e); n != nil {
			rs.instances[n.InstanceId] = n
			b.Put(store.InstanceKey(rs.name, n.InstanceId), n)
		}
	}
	if b.Len() == 0 {
		c.mu.Unlock()
		return
	}
	wait := c.commitSplitLocked(ctx, b)
	c.mu.Unlock()
	if wait() == nil {
		c.mu.Lock()
		c.notifyLocked()
		c.mu.Unlock()
	}
}

// settleLocked returns the record after event e, or nil when e changes nothing.
func (c *Cloud) settleLocked(rs *regionState, r *instRecord, e hv.Event) *instRecord {
	now := e.At
	if now.IsZero() {
		now = c.clk.Now()
	}
	switch {
	case e.State == hv.StateRunning && r.State.Name == StatePending:
		n := r.clone()
		setState(n, StateRunning, now)
		n.StateReason = nil
		return n
	case e.State == hv.StateStopped && (r.State.Name == StateStopping || r.State.Name == StateRunning || r.State.Name == StatePending):
		n := r.clone()
		if r.State.Name != StateStopping {
			// The guest stopped on its own (shutdown inside, or a crash).
			n.StateTransitionReason = "Client initiated (" + now.UTC().Format("2006-01-02 15:04:05 GMT") + ")"
			n.StateReason = &StateReason{Code: "Client.InstanceInitiatedShutdown", Message: "Client.InstanceInitiatedShutdown: Instance initiated shutdown"}
			if e.Reason != "" {
				n.StateReason = &StateReason{Code: "Server.InternalError", Message: "Server.InternalError: " + e.Reason}
			}
		}
		t := c.cfg.Types[r.InstanceType]
		c.sched.Release(r.Placement.HostId, t.VCPUs, t.MemoryMiB)
		n.Placement.HostId = ""
		c.dropPublicIP(rs, n)
		setState(n, StateStopped, now)
		return n
	case e.State == hv.StateDestroyed && r.State.Name != StateTerminated:
		c.releaseResources(rs, r)
		n := r.clone()
		if r.State.Name != StateShuttingDown && e.Reason != "" {
			n.StateReason = &StateReason{Code: "Server.InternalError", Message: "Server.InternalError: " + e.Reason}
		}
		setState(n, StateTerminated, now)
		n.Placement.HostId = ""
		n.PrivateIpAddress, n.PublicIpAddress, n.AutoPublicIP = "", "", false
		return n
	}
	return nil
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
