package instance

import (
	"context"
	"errors"
	"time"

	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/hv"
)

// transition decides one instance's change within tx: it puts new records
// (none for no change) and returns driver calls to make once the change is
// durable, or an EC2 error.
type transition func(tx *state.Tx, r *Record, now time.Time) ([]driverCall, error)

// changeStates applies tr to every instance, all or nothing, in one
// transaction, then makes the driver calls.
func (s *Service) changeStates(ctx context.Context, region string, ids []string, dryRun bool, tr transition) ([]ec2.StateChange, error) {
	if len(ids) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter InstanceId")
	}
	var out []ec2.StateChange
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		recs, err := s.lookup(tx, ids)
		if err != nil {
			return err
		}
		if dryRun {
			return state.DryRun()
		}
		now := s.clk.Now()
		for _, r := range recs {
			calls, err := tr(tx, r, now)
			if err != nil {
				return err
			}
			s.after(tx, calls...)
		}
		out = make([]ec2.StateChange, len(recs))
		for i, old := range recs {
			out[i] = ec2.StateChange{InstanceId: old.InstanceId, PreviousState: old.State, CurrentState: get(tx, old.InstanceId).State}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// StartInstances starts stopped instances; each is placed again and gets a
// new public IP.
func (s *Service) StartInstances(ctx context.Context, region string, in *ec2.StartInstancesInput) (*ec2.StartInstancesOutput, error) {
	ch, err := s.changeStates(ctx, region, in.InstanceIds, in.DryRun, s.start)
	if err != nil {
		return nil, err
	}
	return &ec2.StartInstancesOutput{StartingInstances: ch}, nil
}

func (s *Service) start(tx *state.Tx, r *Record, now time.Time) ([]driverCall, error) {
	switch r.State.Name {
	case ec2.StatePending, ec2.StateRunning:
		return nil, nil
	case ec2.StateStopped:
	default:
		return nil, incorrectState(r, "started")
	}
	if r.rootID() == "" {
		return nil, ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' has no root volume: attach one at %s before starting it.", r.InstanceId, rootDevice)
	}
	if r.Spot() {
		if p := s.mkt.SpotPrice(tx, r.Placement.AvailabilityZone, r.InstanceType); p > r.SpotOf().SpotMaxPrice {
			return nil, ec2.Errorf(ec2.CodeSpotMaxPriceTooLow, "The spot price in %s, %s, is above the instance's maximum price of %s.", r.Placement.AvailabilityZone, catalog.USD(p), catalog.USD(r.SpotOf().SpotMaxPrice))
		}
		if req := state.Get(tx, SpotRequests, r.SpotOf().SpotInstanceRequestId); req != nil && req.State == "disabled" {
			nr := *req
			nr.State = "active"
			nr.Status = ec2.SpotStatus{Code: "fulfilled", Message: "Your Spot request is fulfilled.", UpdateTime: now.UTC()}
			state.Put(tx, SpotRequests, &nr)
		}
	}
	host, _, ok := s.sched.Place(tx.Region().Name, s.request(r.InstanceType, r.Placement.AvailabilityZone, r.Hypervisor), false)
	if !ok {
		return nil, s.capacityError(tx.Region(), r.InstanceType, r.Placement.AvailabilityZone)
	}
	if err := s.net.AssignAutoPublic(tx, firstOr(r.Enis)); err != nil {
		return nil, err
	}
	s.claimTx(tx, host.ID, r)
	oldDriver := s.driverOf(r.Placement.HostId)
	n := r.clone()
	n.Placement.HostId = host.ID
	n.Hypervisor = host.Driver
	setState(n, ec2.StatePending, now)
	n.StateReason, n.StateTransitionReason = nil, ""
	s.put(tx, n)
	newDriver := s.drivers[host.DriverKey()]
	spec, vols := s.spec(tx, n), s.guestVolumes(tx, n)
	id := n.InstanceId
	return []driverCall{func(ctx context.Context) error {
		if newDriver != oldDriver {
			if err := s.moveGuest(ctx, oldDriver, newDriver, spec, vols); err != nil {
				s.driverFailed(id, "create", err)
				return err
			}
		}
		if err := newDriver.Start(ctx, id); err != nil {
			s.driverFailed(id, "start", err)
			return err
		}
		return nil
	}}, nil
}

// StopInstances stops running instances; their auto-assigned public IP is
// released once they are stopped. Hibernate saves the guest's memory for
// the next start; SkipOsShutdown cuts the power without the OS shutdown;
// Force does so only on an instance already stopping (a running one shuts
// down gracefully first, and the driver powers it off if that hangs).
func (s *Service) StopInstances(ctx context.Context, region string, in *ec2.StopInstancesInput) (*ec2.StopInstancesOutput, error) {
	if in.Hibernate && (in.Force || in.SkipOsShutdown) {
		other := "Force"
		if in.SkipOsShutdown {
			other = "SkipOsShutdown"
		}
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "The parameter Hibernate cannot be used with %s.", other)
	}
	ch, err := s.changeStates(ctx, region, in.InstanceIds, in.DryRun, func(tx *state.Tx, r *Record, now time.Time) ([]driverCall, error) {
		switch r.State.Name {
		case ec2.StateStopped:
			return nil, nil
		case ec2.StateStopping:
			if !in.Force && !in.SkipOsShutdown {
				return nil, nil // Hibernate comes with neither
			}
		case ec2.StateRunning:
		default:
			return nil, incorrectState(r, "stopped")
		}
		if err := stopProtected(r); err != nil {
			return nil, err
		}
		d, id := s.driverOf(r.Placement.HostId), r.InstanceId
		var hib hv.Hibernator
		if in.Hibernate {
			var err error
			if hib, err = s.canHibernate(r, d); err != nil {
				return nil, err
			}
		}
		if r.Spot() {
			req := state.Get(tx, SpotRequests, r.SpotOf().SpotInstanceRequestId)
			if req == nil || req.Type != "persistent" {
				return nil, ec2.Errorf(ec2.CodeUnsupportedOperation, "You can't stop the Spot Instance '%s' because it is associated with a one-time Spot Instance request. You can only stop Spot Instances associated with persistent Spot Instance requests.", r.InstanceId)
			}
			nr := *req
			nr.State = "disabled"
			nr.Status = ec2.SpotStatus{Code: "instance-stopped-by-user", Message: "You stopped the Spot Instance.", UpdateTime: now.UTC()}
			state.Put(tx, SpotRequests, &nr)
		}
		n := r.clone()
		if r.State.Name == ec2.StateRunning {
			setState(n, ec2.StateStopping, now)
			n.StateTransitionReason = userReason(now)
			n.StateReason = &ec2.StateReason{Code: "Client.UserInitiatedShutdown", Message: "Client.UserInitiatedShutdown: User initiated shutdown"}
			if hib != nil {
				n.StateReason = &ec2.StateReason{Code: "Client.UserInitiatedHibernate", Message: "Client.UserInitiatedHibernate: User initiated hibernate"}
			}
		}
		s.put(tx, n)
		if hib != nil {
			return []driverCall{func(ctx context.Context) error { return hib.Hibernate(ctx, id) }}, nil
		}
		// The driver's force is a power cut: asked for by SkipOsShutdown,
		// and by Force once the OS shutdown is under way (stuck stopping).
		powerOff := in.SkipOsShutdown || (in.Force && r.State.Name == ec2.StateStopping)
		return []driverCall{func(ctx context.Context) error { return d.Stop(ctx, id, powerOff) }}, nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.StopInstancesOutput{StoppingInstances: ch}, nil
}

// hibernated reports whether r is stopped with its memory saved: its next
// start resumes the guest.
func hibernated(r *Record) bool {
	return r.State.Name == ec2.StateStopped && r.StateReason != nil && r.StateReason.Code == "Client.UserInitiatedHibernate"
}

// canHibernate checks EC2's conditions for hibernating r: launched with
// hibernation, a type that supports it, and a host whose driver can keep
// a guest's memory across a stop.
func (s *Service) canHibernate(r *Record, d hv.Driver) (hv.Hibernator, error) {
	if !r.Opts().Hibernation {
		return nil, ec2.Errorf(ec2.CodeUnsupportedHibernationConfiguration, "The instance can't be hibernated because it was not configured at launch for hibernation: %s", r.InstanceId)
	}
	if t := s.cfg.Types[r.InstanceType]; t == nil || !t.Hibernation {
		return nil, ec2.Errorf(ec2.CodeUnsupportedHibernationConfiguration, "The instance can't be hibernated because its instance type %s does not support hibernation: %s", r.InstanceType, r.InstanceId)
	}
	h, ok := d.(hv.Hibernator)
	if !ok || !d.Capabilities().Hibernate {
		return nil, ec2.Errorf(ec2.CodeUnsupportedHibernationConfiguration, "The instance can't be hibernated because its host's driver (%s) cannot keep a guest's memory across a stop: %s", d.Name(), r.InstanceId)
	}
	return h, nil
}

// RebootInstances reboots running instances; they stay running.
func (s *Service) RebootInstances(ctx context.Context, region string, in *ec2.InstanceIdsInput) (*ec2.Empty, error) {
	_, err := s.changeStates(ctx, region, in.InstanceIds, in.DryRun, func(tx *state.Tx, r *Record, now time.Time) ([]driverCall, error) {
		if r.State.Name != ec2.StateRunning {
			return nil, incorrectState(r, "rebooted")
		}
		s.rebootedByUser(tx, r, now)
		d, id := s.driverOf(r.Placement.HostId), r.InstanceId
		return []driverCall{func(ctx context.Context) error { return d.Reboot(ctx, id) }}, nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// TerminateInstances terminates instances; they stay visible for an hour.
// SkipOsShutdown cuts the guest's power without its OS shutdown; Force
// does so only on an instance already shutting down (stuck there).
func (s *Service) TerminateInstances(ctx context.Context, region string, in *ec2.TerminateInstancesInput) (*ec2.TerminateInstancesOutput, error) {
	ch, err := s.changeStates(ctx, region, in.InstanceIds, in.DryRun, func(tx *state.Tx, r *Record, now time.Time) ([]driverCall, error) {
		powerOff := in.SkipOsShutdown
		switch r.State.Name {
		case ec2.StateTerminated:
			return nil, nil
		case ec2.StateShuttingDown:
			if !in.Force && !in.SkipOsShutdown {
				return nil, nil
			}
			powerOff = true
		}
		if err := terminationProtected(r); err != nil {
			return nil, err
		}
		n := r.clone()
		if r.State.Name != ec2.StateShuttingDown {
			eventsEnded(n, eventCanceled, now)
			setState(n, ec2.StateShuttingDown, now)
			n.StateTransitionReason = userReason(now)
			n.StateReason = &ec2.StateReason{Code: "Client.UserInitiatedShutdown", Message: "Client.UserInitiatedShutdown: User initiated shutdown"}
		}
		s.put(tx, n)
		d, id := s.driverOf(r.Placement.HostId), r.InstanceId
		return []driverCall{func(ctx context.Context) error {
			var err error
			if p, ok := d.(hv.PowerOffDestroyer); ok && powerOff {
				err = p.DestroyPoweredOff(ctx, id)
			} else {
				err = d.Destroy(ctx, id)
			}
			if errors.Is(err, hv.ErrNotFound) {
				// A launch still on its way to the driver: no guest, so
				// nothing to wait for. RunInstances sees the state and
				// does not boot it.
				s.Push(hv.Event{ID: id, State: hv.StateDestroyed, At: s.clk.Now()})
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

// release frees what a terminated instance holds: its host, its interfaces
// (deleted when DeleteOnTermination, else detached) and their pool
// addresses; Elastic IPs of deleted interfaces are disassociated but stay
// allocated. It returns the record to finish.
func (s *Service) release(tx *state.Tx, r *Record) *Record {
	if HoldsHost(r.State.Name) && r.Placement.HostId != "" {
		s.releaseTx(tx, r)
	}
	s.net.ReleaseInterfaces(tx, r.Enis)
	releaseDisks(tx, r)
	n := r.clone()
	n.Enis, n.editRare().Disks = nil, nil
	n.Placement.HostId = ""
	return n
}

// claim takes an instance's share of a host. Spot guests' shares are
// marked so on-demand demand can take them back.
func (s *Service) claim(hostID string, r *Record) {
	typ := s.cfg.Types[r.InstanceType]
	if r.Spot() {
		s.sched.ClaimSpot(hostID, typ.VCPUs, typ.MemoryMiB)
		return
	}
	s.sched.Claim(hostID, typ.VCPUs, typ.MemoryMiB)
}

// unclaim gives back an instance's share of its host.
func (s *Service) unclaim(hostID string, r *Record) {
	typ := s.cfg.Types[r.InstanceType]
	if r.Spot() {
		s.sched.ReleaseSpot(hostID, typ.VCPUs, typ.MemoryMiB)
		return
	}
	s.sched.Release(hostID, typ.VCPUs, typ.MemoryMiB)
}

// claimTx claims a host's share within tx, undone on rollback.
func (s *Service) claimTx(tx *state.Tx, hostID string, r *Record) {
	s.claim(hostID, r)
	tx.OnRollback(func() { s.unclaim(hostID, r) })
}

// releaseTx gives back an instance's share within tx, undone on rollback.
func (s *Service) releaseTx(tx *state.Tx, r *Record) {
	hostID := r.Placement.HostId
	s.unclaim(hostID, r)
	tx.OnRollback(func() { s.claim(hostID, r) })
}
