package core

import (
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// maintain schedules maintenance of code on the host of instance id, at
// the fake clock's now plus in, and returns the instance's event.
func (e *env) maintain(region, id, code string, in time.Duration) ec2.InstanceStatusEvent {
	e.t.Helper()
	host := e.get(region, id).Placement.HostId
	out, err := e.c.MaintainHost(e.ctx, region, &ec2.MaintainHostInput{HostId: host, Code: code, NotBefore: e.clk.Now().Add(in)})
	if err != nil {
		e.t.Fatalf("MaintainHost: %v", err)
	}
	for _, ev := range out.Events {
		if ev.InstanceId == id {
			return ev.Event
		}
	}
	e.t.Fatalf("MaintainHost of %s gave %s no event: %+v", host, id, out.Events)
	return ec2.InstanceStatusEvent{}
}

// eventOf is an instance's described event of that ID (nil when none).
func (e *env) eventOf(region, id, evID string) *ec2.InstanceStatusEvent {
	e.t.Helper()
	st := e.statusOf(region, id, true)
	if st == nil {
		return nil
	}
	for _, ev := range st.Events {
		if ev.InstanceEventId == evID {
			return &ev
		}
	}
	return nil
}

// TestScheduledEventsSurviveRestart: an event scheduled before a restart
// is still described after it, and carried out at its time.
func TestScheduledEventsSurviveRestart(t *testing.T) {
	e := newEnv(t, "")
	ids := e.launchRunning(use1, 2)
	reboot := e.maintain(use1, ids[0], ec2.EventSystemReboot, time.Hour)
	retire := e.maintain(use1, ids[1], ec2.EventInstanceRetirement, 2*time.Hour)
	e.reopen()
	e.wait(use1, ec2.StateRunning, ids...)
	for i, want := range []ec2.InstanceStatusEvent{reboot, retire} {
		got := e.eventOf(use1, ids[i], want.InstanceEventId)
		if got == nil || got.Code != want.Code || !got.NotBefore.Equal(*want.NotBefore) || strings.HasPrefix(got.Description, "[") {
			t.Fatalf("after a restart, %s's event: %+v, want %+v scheduled", ids[i], got, want)
		}
	}
	boots := func() int {
		log, err := e.driverOf(e.get(use1, ids[0]).Placement.HostId).Console(e.ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(string(log), "Linux version")
	}
	e.advance(e.bootTime()) // the restarted guests boot again
	before := boots()
	e.advance(time.Hour - e.bootTime())
	if got := e.eventOf(use1, ids[0], reboot.InstanceEventId); got == nil || !strings.HasPrefix(got.Description, "[Completed] ") {
		t.Fatalf("at its time the reboot event is %+v, want [Completed]", got)
	}
	if n := boots(); n != before+1 {
		t.Fatalf("the console shows %d boots after the event, %d before: want one more", n, before)
	}
	e.advance(time.Hour)
	e.advance(e.stopTime())
	in := e.wait(use1, ec2.StateStopped, ids[1])[0]
	if in.StateReason == nil || in.StateReason.Code != "Server.ScheduledStop" {
		t.Fatalf("retired: state reason %+v, want Server.ScheduledStop", in.StateReason)
	}
	if got := e.eventOf(use1, ids[1], retire.InstanceEventId); got == nil || !strings.HasPrefix(got.Description, "[Completed] ") {
		t.Fatalf("retirement event after the stop: %+v", got)
	}
	// A week later the ended events are no longer described.
	e.advance(7 * 24 * time.Hour)
	if got := e.eventOf(use1, ids[0], reboot.InstanceEventId); got != nil {
		t.Fatalf("a week after it completed, the event is still described: %+v", got)
	}
}

// TestScheduledEventsUserActions: what the user does first ends the
// event: a stop completes it (the instance leaves the host), a reboot
// completes a reboot event, a termination cancels it.
func TestScheduledEventsUserActions(t *testing.T) {
	cases := []struct {
		name string
		code string
		act  func(e *env, id string)
		want string
	}{
		{"stop completes a system reboot", ec2.EventSystemReboot, func(e *env, id string) {
			e.stop(use1, false, id)
			e.advance(e.stopTime())
			e.wait(use1, ec2.StateStopped, id)
		}, "[Completed] "},
		{"reboot completes a system reboot", ec2.EventSystemReboot, func(e *env, id string) {
			if _, err := e.c.RebootInstances(e.ctx, use1, &ec2.InstanceIdsInput{InstanceIds: []string{id}}); err != nil {
				e.t.Fatal(err)
			}
		}, "[Completed] "},
		{"reboot leaves a retirement scheduled", ec2.EventInstanceRetirement, func(e *env, id string) {
			if _, err := e.c.RebootInstances(e.ctx, use1, &ec2.InstanceIdsInput{InstanceIds: []string{id}}); err != nil {
				e.t.Fatal(err)
			}
		}, ""},
		{"terminate cancels", ec2.EventInstanceStop, func(e *env, id string) { e.terminate(use1, id) }, "[Canceled] "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "")
			id := e.launchRunning(use1, 1)[0]
			ev := e.maintain(use1, id, tc.code, 3*time.Hour)
			tc.act(e, id)
			got := e.eventOf(use1, id, ev.InstanceEventId)
			if got == nil {
				t.Fatal("the event is gone")
			}
			if tc.want == "" && strings.HasPrefix(got.Description, "[") || tc.want != "" && !strings.HasPrefix(got.Description, tc.want) {
				t.Fatalf("description %q, want it to start with %q", got.Description, tc.want)
			}
		})
	}
}
