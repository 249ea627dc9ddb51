package instance

import (
	"context"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// Scheduled events: an operator schedules maintenance on a host
// (MaintainHost, `ec2x hosts maintain`) and every instance on it gets an
// event, kept in the instance's record so that it changes in the same
// transaction as the instance's state and survives a restart. At the
// event's NotBefore (the injected clock) the daemon carries it out: a
// reboot through the driver, or a stop; the event is then completed. A
// user who stops the instance first completes it (the instance leaves the
// host), one who reboots it completes its reboot events (as EC2's reboot
// migration does), and termination cancels it. Ended events stay visible
// for a week, as EC2 keeps them.

// Event states, as the record keeps them.
const (
	eventScheduled = "scheduled"
	eventCompleted = "completed"
	eventCanceled  = "canceled"
)

// Event windows and limits, from EC2's documentation.
const (
	// defaultEventWindow is NotAfter past NotBefore when the operator
	// gives no end.
	defaultEventWindow = 2 * time.Hour
	// defaultEventDeadline is how late a reboot event may be moved when
	// the operator gives no deadline.
	defaultEventDeadline = 7 * 24 * time.Hour
	// eventVisible is how long an ended event is still described.
	eventVisible = 7 * 24 * time.Hour
	// rescheduleFreeze: an event starting within it can no longer be moved.
	rescheduleFreeze = 5 * time.Minute
	// rescheduleLead: a new start must be at least this far from now.
	rescheduleLead = time.Hour
)

// SchedEvent is a scheduled event of an instance as the record keeps it:
// EC2's shape with the base description, the host whose maintenance it
// is, and whether (and when) it ended.
type SchedEvent struct {
	ec2.InstanceStatusEvent
	HostId string    `json:"HostId,omitempty"`
	State  string    `json:"State"`
	Ended  time.Time `json:"Ended,omitzero"`
	// Migrate says the event is carried out by moving the guest live to
	// another host (a drain), not by a reboot.
	Migrate bool `json:"Migrate,omitempty"`
}

// view is the event as DescribeInstanceStatus shows it: an ended event's
// description starts with [Completed] or [Canceled].
func (e SchedEvent) view() ec2.InstanceStatusEvent {
	v := e.InstanceStatusEvent
	switch e.State {
	case eventCompleted:
		v.Description = "[Completed] " + v.Description
	case eventCanceled:
		v.Description = "[Canceled] " + v.Description
	}
	return v
}

// rebootCode reports whether an event of code reboots the instance, which
// makes it one that may be rescheduled (it gets a NotBeforeDeadline).
func rebootCode(code string) bool {
	return code == ec2.EventSystemReboot || code == ec2.EventInstanceReboot
}

// eventDescription is how each code's event is described.
func eventDescription(code string) string {
	switch code {
	case ec2.EventSystemReboot:
		return "Scheduled system reboot for maintenance of the underlying host"
	case ec2.EventInstanceReboot:
		return "Scheduled instance reboot"
	case ec2.EventSystemMaintenance:
		return "Scheduled system maintenance: the instance will be unavailable briefly, then rebooted"
	case ec2.EventInstanceRetirement:
		return "The instance is running on degraded hardware"
	case ec2.EventInstanceStop:
		return "The instance is scheduled to be stopped"
	}
	return ""
}

// visibleEvents are the events DescribeInstanceStatus shows at now:
// scheduled ones, and ended ones for a week.
func visibleEvents(r *Record, now time.Time) []ec2.InstanceStatusEvent {
	var out []ec2.InstanceStatusEvent
	for _, e := range r.RareOf().Events {
		if e.State == eventScheduled || now.Sub(e.Ended) < eventVisible {
			out = append(out, e.view())
		}
	}
	return out
}

// endEvents returns events with every scheduled one for which end says
// so ended as state at now, and ended ones past their week dropped; nil
// when nothing changed.
func endEvents(events []SchedEvent, state string, now time.Time, end func(SchedEvent) bool) []SchedEvent {
	changed := false
	out := make([]SchedEvent, 0, len(events))
	for _, e := range events {
		switch {
		case e.State != eventScheduled && now.Sub(e.Ended) >= eventVisible:
			changed = true
			continue
		case e.State == eventScheduled && end(e):
			e.State, e.Ended = state, now.UTC()
			changed = true
		}
		out = append(out, e)
	}
	if !changed {
		return nil
	}
	return out
}

func anyEvent(SchedEvent) bool { return true }

// eventsEnded ends n's scheduled events as state (the instance left its
// host, or is gone) within the change that does it.
func eventsEnded(n *Record, state string, now time.Time) {
	if ev := endEvents(n.editRare().Events, state, now, anyEvent); ev != nil {
		n.editRare().Events = ev
	}
}

// rebootedByUser completes the reboot events of an instance its user
// reboots, in tx; EC2 clears them when the reboot moves the instance.
func (s *Service) rebootedByUser(tx *state.Tx, r *Record, now time.Time) {
	ev := endEvents(r.RareOf().Events, eventCompleted, now, func(e SchedEvent) bool { return rebootCode(e.Code) })
	if ev == nil {
		return
	}
	n := r.clone()
	n.editRare().Events = ev
	s.put(tx, n)
}

// MaintainHost schedules maintenance on a host: every instance that runs
// on it (pending or running) gets an event of the code asked, carried out
// at its NotBefore.
func (s *Service) MaintainHost(ctx context.Context, region string, in *ec2.MaintainHostInput) (*ec2.MaintainHostOutput, error) {
	if _, err := s.hostOf(region, in.HostId); err != nil {
		return nil, err
	}
	if eventDescription(in.Code) == "" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for Code: instance-reboot, system-reboot, system-maintenance, instance-retirement or instance-stop", in.Code)
	}
	if in.NotBefore.IsZero() {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter NotBefore")
	}
	before := in.NotBefore.UTC()
	after := before.Add(defaultEventWindow)
	if in.NotAfter != nil {
		if after = in.NotAfter.UTC(); !after.After(before) {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "NotAfter (%s) must be later than NotBefore (%s)", after.Format(time.RFC3339), before.Format(time.RFC3339))
		}
	}
	var deadline *time.Time
	switch {
	case in.NotBeforeDeadline != nil && !rebootCode(in.Code):
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Only reboot events (system-reboot, instance-reboot) have a NotBeforeDeadline")
	case in.NotBeforeDeadline != nil:
		d := in.NotBeforeDeadline.UTC()
		if d.Before(before) {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "NotBeforeDeadline (%s) must not be earlier than NotBefore (%s)", d.Format(time.RFC3339), before.Format(time.RFC3339))
		}
		deadline = &d
	case rebootCode(in.Code):
		d := before.Add(defaultEventDeadline)
		deadline = &d
	}
	desc := in.Description
	if desc == "" {
		desc = eventDescription(in.Code)
	}
	out := &ec2.MaintainHostOutput{HostId: in.HostId, Events: []ec2.HostInstanceEvent{}}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		now := s.clk.Now()
		for _, r := range s.onHost(tx, in.HostId, runsGuest) {
			ev := SchedEvent{InstanceStatusEvent: ec2.InstanceStatusEvent{
				InstanceEventId: tx.Region().NewID("instance-event"), Code: in.Code, Description: desc,
				NotBefore: &before, NotAfter: &after, NotBeforeDeadline: deadline,
			}, HostId: in.HostId, State: eventScheduled}
			n := r.clone()
			if kept := endEvents(r.editRare().Events, eventCompleted, now, func(SchedEvent) bool { return false }); kept != nil {
				n.editRare().Events = kept
			}
			n.editRare().Events = append(append([]SchedEvent(nil), n.RareOf().Events...), ev)
			s.put(tx, n)
			out.Events = append(out.Events, ec2.HostInstanceEvent{InstanceId: r.InstanceId, Event: ev.view()})
			region, id, evID := tx.Region().Name, r.InstanceId, ev.InstanceEventId
			tx.After(func(context.Context) { s.armEvent(region, id, evID, before) })
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// armEvent schedules the carrying out of an event at its start.
func (s *Service) armEvent(region, id, evID string, at time.Time) {
	s.clk.AfterFunc(at.Sub(s.clk.Now()), func() { s.carryOut(context.Background(), region, id, evID, at) })
}

// carryOut does what an event announced, if it is still scheduled for at
// (a rescheduled event's first timer finds another start and does
// nothing): reboot events reboot a running instance, retirement and stop
// events stop it; the event is completed in the same change.
func (s *Service) carryOut(ctx context.Context, region, id, evID string, at time.Time) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return
	}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		r := get(tx, id)
		if r == nil {
			return nil
		}
		var ev *SchedEvent
		for i := range r.RareOf().Events {
			if e := &r.RareOf().Events[i]; e.InstanceEventId == evID && e.State == eventScheduled && e.NotBefore != nil && e.NotBefore.Equal(at) {
				ev = e
			}
		}
		if ev == nil {
			return nil
		}
		now := s.clk.Now()
		n := r.clone()
		if r.State.Name == ec2.StateShuttingDown || r.State.Name == ec2.StateTerminated {
			eventsEnded(n, eventCanceled, now)
			s.put(tx, n)
			return nil
		}
		if ev.Migrate {
			// the move completes the event once the guest runs elsewhere
			host := ev.HostId
			tx.After(func(context.Context) { go s.migrateForEvent(region, id, evID, host) })
			return nil
		}
		n.editRare().Events = endEvents(r.RareOf().Events, eventCompleted, now, func(e SchedEvent) bool { return e.InstanceEventId == evID })
		d, iid := s.driverOf(r.Placement.HostId), r.InstanceId
		switch {
		case ev.Code == ec2.EventInstanceRetirement || ev.Code == ec2.EventInstanceStop:
			if r.State.Name == ec2.StateRunning || r.State.Name == ec2.StatePending {
				setState(n, ec2.StateStopping, now)
				n.StateTransitionReason = "Service initiated (" + now.UTC().Format("2006-01-02 15:04:05 GMT") + ")"
				n.StateReason = &ec2.StateReason{Code: "Server.ScheduledStop", Message: "Server.ScheduledStop: Stopped due to scheduled retirement"}
				s.after(tx, func(ctx context.Context) error { return d.Stop(ctx, iid, false) })
			}
		case r.State.Name == ec2.StateRunning:
			s.after(tx, func(ctx context.Context) error { return d.Reboot(ctx, iid) })
		}
		s.put(tx, n)
		return nil
	})
	if err != nil {
		s.log.Error().Err(err).Str("instance", id).Str("event", evID).Msg("scheduled event")
	}
}

// rearmEvents schedules the events still scheduled at a start; overdue
// ones are carried out at once.
func (s *Service) rearmEvents() {
	for _, r := range s.rt.Regions() {
		r.RLock()
		state.Each(r, Instances, func(rec *Record) bool {
			for _, e := range rec.RareOf().Events {
				if e.State == eventScheduled && e.NotBefore != nil {
					s.armEvent(r.Name, rec.InstanceId, e.InstanceEventId, *e.NotBefore)
				}
			}
			return true
		})
		r.RUnlock()
	}
}

// ModifyInstanceEventStartTime moves a scheduled event, within EC2's
// limits: only events with a deadline, not yet started nor starting in
// the next five minutes, to a time at least an hour from now and no later
// than the deadline. The window keeps its length.
func (s *Service) ModifyInstanceEventStartTime(ctx context.Context, region string, in *ec2.ModifyInstanceEventStartTimeInput) (*ec2.ModifyInstanceEventStartTimeOutput, error) {
	for _, p := range []struct{ name, v string }{{"InstanceId", in.InstanceId}, {"InstanceEventId", in.InstanceEventId}} {
		if p.v == "" {
			return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter %s", p.name)
		}
	}
	if in.NotBefore.IsZero() {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter NotBefore")
	}
	var out ec2.InstanceStatusEvent
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		r, err := s.one(tx, in.InstanceId)
		if err != nil {
			return err
		}
		i := eventIndex(r, in.InstanceEventId)
		if i < 0 {
			return ec2.Errorf(ec2.CodeInvalidInstanceEventIDNotFound, "The event ID '%s' does not exist for instance '%s'", in.InstanceEventId, r.InstanceId)
		}
		ev := r.RareOf().Events[i]
		now := s.clk.Now()
		newStart := in.NotBefore.UTC()
		switch {
		case ev.State != eventScheduled:
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The event '%s' is %s and cannot be rescheduled", ev.InstanceEventId, ev.State)
		case ev.NotBeforeDeadline == nil:
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The event '%s' (%s) has no deadline and cannot be rescheduled", ev.InstanceEventId, ev.Code)
		case !ev.NotBefore.After(now.Add(rescheduleFreeze)):
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The event '%s' has started or starts within 5 minutes and cannot be rescheduled", ev.InstanceEventId)
		case newStart.Before(now.Add(rescheduleLead)):
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The new start time %s must be at least 60 minutes from now", newStart.Format(time.RFC3339))
		case newStart.After(*ev.NotBeforeDeadline):
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The new start time %s is after the event's deadline %s", newStart.Format(time.RFC3339), ev.NotBeforeDeadline.Format(time.RFC3339))
		}
		if in.DryRun {
			return state.DryRun()
		}
		end := newStart.Add(defaultEventWindow)
		if ev.NotAfter != nil {
			end = newStart.Add(ev.NotAfter.Sub(*ev.NotBefore))
		}
		ev.NotBefore, ev.NotAfter = &newStart, &end
		n := r.clone()
		n.editRare().Events = append([]SchedEvent(nil), r.RareOf().Events...)
		n.Rare.Events[i] = ev
		s.put(tx, n)
		out = ev.view()
		region, id := tx.Region().Name, r.InstanceId
		tx.After(func(context.Context) { s.armEvent(region, id, ev.InstanceEventId, newStart) })
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.ModifyInstanceEventStartTimeOutput{Event: &out}, nil
}

// eventIndex is the index of an instance's event by ID, or -1.
func eventIndex(r *Record, id string) int {
	for i, e := range r.RareOf().Events {
		if e.InstanceEventId == id {
			return i
		}
	}
	return -1
}
