package instance

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/sched"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/hv"
)

// A fleet of hosts of one engine (libvirt) moves guests between its hosts:
// a drained host's running guests migrate live, a host that does not
// answer is evacuated (its guests start again elsewhere from their
// disks), and a stopped guest that starts on another host takes its disk
// along (moveGuest).

// hostState is what outlives a restart of a host's service state: a drain.
type hostState struct {
	HostId   string `json:"HostId"`
	Draining bool   `json:"Draining"`
}

var hostStates = state.Table[hostState]{Kind: "hst", ID: func(h *hostState) string { return h.HostId }}

const (
	// drainDescription is the drain's event, as EC2 words maintenance.
	drainDescription = "Live migration to another host: the host is being drained"
	// retryMove is how long a migration that found no room waits to try again.
	retryMove = 30 * time.Second
	// healthEvery is how often the hosts' engines are asked whether they answer.
	healthEvery = 2 * time.Second
)

// moveGuest puts a stopped guest on another driver: it moves with its disk
// when both are hosts of one engine that moves guests, and is created
// afresh there otherwise (the old one destroyed).
func (s *Service) moveGuest(ctx context.Context, from, to hv.Driver, spec hv.GuestSpec, vols []volData) error {
	if m, ok := from.(hv.Mover); ok && from.Capabilities().Move && from.Name() == to.Name() {
		return m.Move(ctx, spec.ID, to)
	}
	_ = from.Destroy(ctx, spec.ID)
	return s.createGuest(ctx, to, spec, vols)
}

// hostOf checks a host ID of region as EC2 checks IDs.
func (s *Service) hostOf(region, id string) (*sched.Host, error) {
	if id == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter HostId")
	}
	if !ec2.ValidID("h", id) {
		return nil, ec2.MalformedID(ec2.CodeInvalidHostIDMalformed, "h", id)
	}
	h := s.sched.Host(id)
	if h == nil || h.Region != region {
		return nil, ec2.Errorf(ec2.CodeInvalidHostIDNotFound, "The host ID '%s' does not exist", id)
	}
	return h, nil
}

// DrainHost drains a host: it takes no new guests, and each running guest
// gets a system-maintenance event, carried out at once by a live move to
// another host of the zone. Stopped guests move when they start. Undo
// ends the drain.
func (s *Service) DrainHost(ctx context.Context, region string, in *ec2.DrainHostInput) (*ec2.DrainHostOutput, error) {
	h, err := s.hostOf(region, in.HostId)
	if err != nil {
		return nil, err
	}
	if _, ok := s.drivers[h.DriverKey()].(hv.Mover); !ok && !in.Undo {
		return nil, ec2.Errorf(ec2.CodeUnsupported, "The host %s runs the %s driver, which cannot move guests between hosts.", h.ID, h.Driver)
	}
	out := &ec2.DrainHostOutput{HostId: h.ID, Draining: !in.Undo, Events: []ec2.HostInstanceEvent{}}
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		was := h.Draining
		s.sched.SetDraining(h.ID, !in.Undo)
		tx.OnRollback(func() { s.sched.SetDraining(h.ID, was) })
		if in.Undo {
			state.Delete(tx, hostStates, h.ID)
			return nil
		}
		state.Put(tx, hostStates, &hostState{HostId: h.ID, Draining: true})
		now := s.clk.Now().UTC().Truncate(time.Second)
		end := now.Add(defaultEventWindow)
		for _, r := range s.onHost(tx, h.ID, runsGuest) {
			if hasMigration(r) {
				continue
			}
			ev := SchedEvent{InstanceStatusEvent: ec2.InstanceStatusEvent{
				InstanceEventId: tx.Region().NewID("instance-event"), Code: ec2.EventSystemMaintenance,
				Description: drainDescription, NotBefore: &now, NotAfter: &end,
			}, HostId: h.ID, State: eventScheduled, Migrate: true}
			n := r.clone()
			n.editRare().Events = append(append([]SchedEvent(nil), r.RareOf().Events...), ev)
			s.put(tx, n)
			out.Events = append(out.Events, ec2.HostInstanceEvent{InstanceId: r.InstanceId, Event: ev.view()})
			id, evID := r.InstanceId, ev.InstanceEventId
			tx.After(func(context.Context) { s.armEvent(region, id, evID, now) })
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// hasMigration reports whether an instance already waits for a move.
func hasMigration(r *Record) bool {
	for _, e := range r.RareOf().Events {
		if e.Migrate && e.State == eventScheduled {
			return true
		}
	}
	return false
}

// runsGuest reports whether an instance in state st runs on its host
// (pending or running).
func runsGuest(st string) bool { return st == ec2.StatePending || st == ec2.StateRunning }

// onHost lists a host's instances whose state ok accepts, by ID.
func (s *Service) onHost(rd state.Reader, hostID string, ok func(string) bool) []*Record {
	var on []*Record
	state.Each(rd, Instances, func(r *Record) bool {
		if r.Placement.HostId == hostID && ok(r.State.Name) {
			on = append(on, r)
		}
		return true
	})
	sort.Slice(on, func(i, j int) bool { return on[i].InstanceId < on[j].InstanceId })
	return on
}

// migrateForEvent carries out a drain's event: the guest moves live, then
// the event is completed. With no room anywhere, it tries again later.
func (s *Service) migrateForEvent(region, id, evID, from string) {
	ctx := context.Background()
	to, err := s.relocate(ctx, region, id, from, false, func(n *Record, now time.Time) {
		n.editRare().Events = endEvents(n.RareOf().Events, eventCompleted, now, func(e SchedEvent) bool { return e.InstanceEventId == evID })
	})
	switch {
	case errors.Is(err, errNoRoom):
		s.log.Warn().Str("instance", id).Str("host", from).Msg("drain: no other host has room; trying again")
		s.clk.AfterFunc(retryMove, func() { s.migrateForEvent(region, id, evID, from) })
	case err != nil:
		s.log.Error().Err(err).Str("instance", id).Str("host", from).Msg("drain: live migration failed; the guest stays")
	default:
		s.log.Info().Str("instance", id).Str("from", from).Str("to", to).Msg("migrated live")
	}
}

// errNoRoom says no other host can take a guest that must move.
var errNoRoom = errors.New("no other host in the zone has room")

// relocate moves instance id off host from to another host of its zone and
// of its driver: a running guest live (evacuate false), or, when its host
// does not answer, from its disk, booted again if it ran. The record's host
// changes once the driver has moved the guest; edit adds to that change.
// Moves are one at a time: each reads the hosts' room as the last left it.
func (s *Service) relocate(ctx context.Context, region, id, from string, evacuate bool, edit func(n *Record, now time.Time)) (string, error) {
	s.moveMu.Lock()
	defer s.moveMu.Unlock()
	rg, err := s.rt.Region(region)
	if err != nil {
		return "", err
	}
	rg.RLock()
	r := get(rg, id)
	var host *sched.Host
	if r != nil && r.Placement.HostId == from {
		req := s.request(r.InstanceType, r.Placement.AvailabilityZone, r.Hypervisor)
		req.Avoid = from
		host, _, _ = s.sched.Place(region, req, false)
	}
	rg.RUnlock()
	switch {
	case r == nil || r.Placement.HostId != from:
		return "", nil // gone, or moved already
	case !evacuate && r.State.Name != ec2.StateRunning:
		return "", nil // a stopped guest moves when it starts
	case host == nil:
		return "", errNoRoom
	}
	src, dst := s.driverOf(from), s.drivers[host.DriverKey()]
	m, ok := src.(hv.Mover)
	if !ok || src.Name() != dst.Name() {
		return "", fmt.Errorf("%w: the %s driver cannot move guests to a %s host", hv.ErrUnsupported, src.Name(), dst.Name())
	}
	if err := m.Move(ctx, id, dst); err != nil {
		return "", err
	}
	restart := false
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		r := get(tx, id)
		if r == nil {
			return nil
		}
		now := s.clk.Now()
		n := r.clone()
		if HoldsHost(r.State.Name) {
			s.releaseTx(tx, r)
			s.claimTx(tx, host.ID, r)
		}
		n.Placement.HostId = host.ID
		if evacuate && (r.State.Name == ec2.StateRunning || r.State.Name == ec2.StatePending) {
			// the guest boots again on its new host, as EC2's recovery does
			setState(n, ec2.StatePending, now)
			n.StateTransitionReason = "Service initiated: the instance's host failed (" + now.UTC().Format("2006-01-02 15:04:05 GMT") + ")"
			restart = true
		}
		if edit != nil {
			edit(n, now)
		}
		s.put(tx, n)
		return nil
	})
	if err != nil {
		return "", err
	}
	if restart {
		if err := dst.Start(ctx, id); err != nil {
			s.driverFailed(id, "start", err)
			return host.ID, err
		}
	}
	return host.ID, nil
}

// EvacuateHost starts the instances of a host whose engine does not answer
// again on other hosts of its zone, from their disks (running ones boot
// again there; stopped ones move stopped). A host that answers is drained
// instead.
func (s *Service) EvacuateHost(ctx context.Context, region string, in *ec2.EvacuateHostInput) (*ec2.EvacuateHostOutput, error) {
	h, err := s.hostOf(region, in.HostId)
	if err != nil {
		return nil, err
	}
	d := s.drivers[h.DriverKey()]
	if _, ok := d.(hv.Mover); !ok {
		return nil, ec2.Errorf(ec2.CodeUnsupported, "The host %s runs the %s driver, which cannot move guests between hosts.", h.ID, h.Driver)
	}
	if hr, ok := d.(hv.HealthReporter); !ok || hr.Reachable(ctx) == nil {
		return nil, ec2.Errorf(ec2.CodeIncorrectState, "The host %s answers: drain it instead (ec2x hosts drain), which moves its running instances live.", h.ID)
	}
	rg, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	rg.RLock()
	on := s.onHost(rg, h.ID, HoldsHost)
	rg.RUnlock()
	out := &ec2.EvacuateHostOutput{HostId: h.ID, Instances: []ec2.HostMoved{}}
	for _, r := range on {
		m := ec2.HostMoved{InstanceId: r.InstanceId}
		to, err := s.relocate(ctx, region, r.InstanceId, h.ID, true, nil)
		if err != nil {
			m.Error = err.Error()
		} else {
			m.ToHostId = to
		}
		if cur, _, err := s.readOne(region, r.InstanceId); err == nil {
			m.State = cur.State.Name
		}
		out.Instances = append(out.Instances, m)
	}
	return out, nil
}

// watchHealth asks every host whose driver reports health whether it
// answers, and marks the ones that do not (the scheduler skips them, their
// guests' system status is impaired).
func (s *Service) watchHealth() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.healthTimer = s.clk.AfterFunc(healthEvery, func() {
		s.checkHealth(context.Background())
		s.watchHealth()
	})
}

// hostsOf copies the hosts of a region ("" for all) under the regions'
// read locks: the scheduler's use changes under their write locks.
func (s *Service) hostsOf(region string) []sched.Host {
	var out []sched.Host
	for _, r := range s.rt.Regions() {
		if region != "" && r.Name != region {
			continue
		}
		r.RLock()
		out = append(out, s.sched.Hosts(r.Name)...)
		r.RUnlock()
	}
	return out
}

// reportsHealth says whether a driver tells if its host answers.
func (s *Service) reportsHealth() bool {
	for _, d := range s.drivers {
		if _, ok := d.(hv.HealthReporter); ok {
			return true
		}
	}
	return false
}

func (s *Service) checkHealth(ctx context.Context) {
	for _, h := range s.hostsOf("") {
		hr, ok := s.drivers[h.DriverKey()].(hv.HealthReporter)
		if !ok {
			continue
		}
		err := hr.Reachable(ctx)
		down := err != nil
		if was, _ := s.HostDown(h.ID); down == was {
			continue
		}
		now := s.clk.Now()
		_ = s.rt.Update(ctx, h.Region, func(tx *state.Tx) error {
			s.sched.SetUnreachable(h.ID, down)
			tx.OnRollback(func() { s.sched.SetUnreachable(h.ID, !down) })
			return nil
		})
		s.healthMu.Lock()
		if down {
			s.downSince[h.ID] = now
		} else {
			delete(s.downSince, h.ID)
		}
		s.healthMu.Unlock()
		if !down && (h.VCPUs == 0 || h.MemoryMiB == 0) {
			s.inspectHosts(ctx) // a host that did not answer at start
		}
		if down {
			s.log.Warn().Err(err).Str("host", h.ID).Str("uri", h.URI).Msg("host unreachable: its instances' system status is impaired")
		} else {
			s.log.Info().Str("host", h.ID).Str("uri", h.URI).Msg("host answers again")
		}
	}
}

// HostDown reports whether an instance's host does not answer, and since when.
func (s *Service) HostDown(hostID string) (bool, time.Time) {
	s.healthMu.Lock()
	defer s.healthMu.Unlock()
	t, ok := s.downSince[hostID]
	return ok, t
}

// inspectHosts sets the capacity that config leaves out from the hosts'
// engines.
func (s *Service) inspectHosts(ctx context.Context) {
	for _, h := range s.hostsOf("") {
		if h.VCPUs > 0 && h.MemoryMiB > 0 {
			continue
		}
		hi, ok := s.drivers[h.DriverKey()].(hv.HostInspector)
		if !ok {
			continue
		}
		vcpus, mem, err := hi.HostCapacity(ctx)
		if err != nil {
			s.log.Warn().Err(err).Str("host", h.ID).Msg("cannot read the host's capacity; it takes no guests until it is set in config")
			continue
		}
		if h.VCPUs > 0 {
			vcpus = h.VCPUs
		}
		if h.MemoryMiB > 0 {
			mem = h.MemoryMiB
		}
		_ = s.rt.Update(ctx, h.Region, func(tx *state.Tx) error {
			s.sched.SetCapacity(h.ID, vcpus, mem)
			return nil
		})
	}
}
