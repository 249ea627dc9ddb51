package instance

import (
	"context"
	"fmt"
	"sync"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/sched"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/hv"
)

// eventQueue is an unbounded queue of driver events: drivers must never
// block on us.
type eventQueue struct {
	mu     sync.Mutex
	items  []hv.Event
	signal chan struct{}
	done   bool
}

func newEventQueue() *eventQueue { return &eventQueue{signal: make(chan struct{}, 1)} }

// Push queues a driver event (the drivers' Notify) on its instance's
// region: each region settles its events in a loop of its own, so one
// region's burst (a thousand guests booting) never delays another's.
func (s *Service) Push(e hv.Event) {
	if q := s.events[s.regionOfInstance(e.ID)]; q != nil {
		q.push(e)
	}
}

func (q *eventQueue) push(e hv.Event) {
	q.mu.Lock()
	if !q.done {
		q.items = append(q.items, e)
	}
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

func (q *eventQueue) close() {
	q.mu.Lock()
	q.done = true
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

// take returns every queued event, waiting for at least one; nil when closed.
func (q *eventQueue) take() []hv.Event {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			items := q.items
			q.items = nil
			q.mu.Unlock()
			return items
		}
		done := q.done
		q.mu.Unlock()
		if done {
			return nil
		}
		<-q.signal
	}
}

// eventLoop applies a region's driver events in batches: as few
// transactions as fit (events need no atomicity across instances).
func (s *Service) eventLoop(region string, q *eventQueue) {
	defer s.wg.Done()
	for {
		evs := q.take()
		if evs == nil {
			return
		}
		s.applyEvents(context.Background(), region, evs)
	}
}

// applyEvents settles transitions the drivers report in one region.
func (s *Service) applyEvents(ctx context.Context, region string, evs []hv.Event) {
	err := s.rt.UpdateSplit(ctx, region, func(tx *state.Tx) error {
		for _, e := range evs {
			if r := get(tx, e.ID); r != nil {
				s.settle(tx, r, e)
			}
		}
		return nil
	})
	if err != nil {
		s.log.Error().Err(err).Str("region", region).Msg("driver events")
	}
}

// settle records in tx what event e does to r.
func (s *Service) settle(tx *state.Tx, r *Record, e hv.Event) {
	now := e.At
	if now.IsZero() {
		now = s.clk.Now()
	}
	switch {
	case e.State == hv.StateRunning && r.State.Name == ec2.StatePending:
		n := r.clone()
		setState(n, ec2.StateRunning, now)
		n.StateReason = nil
		s.put(tx, n)
	case e.State == hv.StateStopped && r.State.Name != ec2.StateStopping && r.Attr().ShutdownBehavior == "terminate" && HoldsHost(r.State.Name):
		s.shutdownTerminates(tx, r, now)
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
		s.releaseTx(tx, r)
		n.Placement.HostId = ""
		s.net.DropAutoPublic(tx, r.Enis)
		// Off its host: the host's maintenance no longer concerns it.
		eventsEnded(n, eventCompleted, now)
		setState(n, ec2.StateStopped, now)
		s.put(tx, n)
	case e.State == hv.StateDestroyed && r.State.Name != ec2.StateTerminated:
		n := s.release(tx, r)
		if r.State.Name != ec2.StateShuttingDown && e.Reason != "" {
			n.StateReason = &ec2.StateReason{Code: "Server.InternalError", Message: "Server.InternalError: " + e.Reason}
		}
		eventsEnded(n, eventCanceled, now)
		setState(n, ec2.StateTerminated, now)
		s.put(tx, n)
	}
}

// purgeTerminated forgets terminated instances after their hour of
// visibility, and ClientTokens whose instances are all gone.
func (s *Service) purgeTerminated(ctx context.Context) {
	for _, r := range s.rt.Regions() {
		err := s.rt.UpdateSplit(ctx, r.Name, func(tx *state.Tx) error {
			var gone []string
			state.Each(tx, Instances, func(rec *Record) bool {
				if s.hidden(rec) {
					gone = append(gone, rec.InstanceId)
				}
				return true
			})
			for _, id := range gone {
				state.Delete(tx, Instances, id)
				tx.OnPublish(func() { s.forget(id) })
			}
			var stale []string
			state.Each(tx, tokens, func(t *tokenRecord) bool {
				alive := false
				for _, id := range t.InstanceIds {
					if get(tx, id) != nil {
						alive = true
						break
					}
				}
				if !alive {
					stale = append(stale, t.Token)
				}
				return true
			})
			for _, tok := range stale {
				state.Delete(tx, tokens, tok)
			}
			return nil
		})
		if err != nil {
			s.log.Error().Err(err).Str("region", r.Name).Msg("purge terminated instances")
		}
	}
}

// reconcile makes the drivers agree with the store after a start: guests
// the store does not know are destroyed, missing guests are created, and
// transitions interrupted by a crash are finished.
func (s *Service) reconcile(ctx context.Context) error {
	known := map[string]map[string]hv.State{} // driver key -> guest -> state
	away := map[string]bool{}                 // drivers whose host does not answer
	for name, d := range s.drivers {
		if hr, ok := d.(hv.HealthReporter); ok && hr.Reachable(ctx) != nil {
			// nothing is known of its guests: they are left as they are
			// (their system status impaired) until it answers or is evacuated
			away[name] = true
			continue
		}
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
		vols []volData
		has  bool
		st   hv.State
		rec  *Record
	}
	var todo []work
	for _, r := range s.rt.Regions() {
		r.RLock()
		state.Each(r, Instances, func(rec *Record) bool {
			if rec.State.Name == ec2.StateTerminated {
				return true
			}
			name, d := s.driverFor(rec.Placement.HostId)
			if away[name] {
				return true
			}
			st, has := known[name][rec.InstanceId]
			delete(known[name], rec.InstanceId)
			todo = append(todo, work{d: d, spec: s.spec(r, rec), vols: s.guestVolumes(r, rec), has: has, st: st, rec: rec})
			return true
		})
		r.RUnlock()
	}
	// a guest that a crash left moved to another host of its engine
	// (after the driver's move, before the record's change) is adopted there
	for i := range todo {
		if w := &todo[i]; !w.has {
			if key, h := s.movedTo(known, w.rec, w.d); h != nil {
				st := known[key][w.rec.InstanceId]
				delete(known[key], w.rec.InstanceId)
				if err := s.adoptMoved(ctx, w.rec, h); err == nil {
					w.d, w.has, w.st = s.drivers[key], true, st
				}
			}
		}
	}
	for name, orphans := range known {
		for id := range orphans {
			s.log.Warn().Str("instance", id).Str("driver", name).Msg("destroying a guest the store does not know")
			_ = s.drivers[name].Destroy(ctx, id)
		}
	}
	settle := map[string][]hv.Event{}
	for _, w := range todo {
		id := w.rec.InstanceId
		if !w.has {
			if err := s.createGuest(ctx, w.d, w.spec, w.vols); err != nil {
				s.driverFailed(id, "create", err)
				continue
			}
			w.st = hv.StateStopped
		}
		switch w.rec.State.Name {
		case ec2.StatePending, ec2.StateRunning:
			if w.st == hv.StateStopped {
				if err := w.d.Start(ctx, id); err != nil {
					s.driverFailed(id, "start", err)
				}
			}
		case ec2.StateStopping:
			if w.st == hv.StateStopped {
				settle[w.rec.Region] = append(settle[w.rec.Region], hv.Event{ID: id, State: hv.StateStopped, At: s.clk.Now()})
			} else {
				_ = w.d.Stop(ctx, id, false)
			}
		case ec2.StateStopped:
			if w.st == hv.StateRunning || w.st == hv.StateStarting {
				_ = w.d.Stop(ctx, id, true)
			}
		case ec2.StateShuttingDown:
			if err := w.d.Destroy(ctx, id); err != nil {
				settle[w.rec.Region] = append(settle[w.rec.Region], hv.Event{ID: id, State: hv.StateDestroyed, At: s.clk.Now()})
			}
		}
	}
	for region, evs := range settle {
		s.applyEvents(ctx, region, evs)
	}
	return nil
}

// movedTo finds an instance's guest on another host of its driver's
// engine: its key and host, or nil.
func (s *Service) movedTo(known map[string]map[string]hv.State, rec *Record, d hv.Driver) (string, *sched.Host) {
	for key, guests := range known {
		if _, ok := guests[rec.InstanceId]; !ok || s.drivers[key] == d || s.drivers[key].Name() != d.Name() {
			continue
		}
		for _, h := range s.hostsOf(rec.Region) {
			if h.DriverKey() == key {
				return key, s.sched.Host(h.ID)
			}
		}
	}
	return "", nil
}

// adoptMoved records that an instance's guest is on host h.
func (s *Service) adoptMoved(ctx context.Context, rec *Record, h *sched.Host) error {
	s.log.Warn().Str("instance", rec.InstanceId).Str("host", h.ID).Msg("the guest was moved to another host before a crash; adopted there")
	return s.rt.Update(ctx, rec.Region, func(tx *state.Tx) error {
		r := get(tx, rec.InstanceId)
		if r == nil {
			return nil
		}
		n := r.clone()
		if HoldsHost(r.State.Name) {
			s.releaseTx(tx, r)
			s.claimTx(tx, h.ID, r)
		}
		n.Placement.HostId = h.ID
		s.put(tx, n)
		return nil
	})
}
