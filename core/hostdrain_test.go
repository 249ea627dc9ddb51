package core

import (
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// twoSimHosts is a zone of two sim hosts and nothing else.
const twoSimHosts = `
[fleet]
builtin_hosts = false

[[hosts]]
zone = "us-east-1a"
count = 2
vcpus = 8
memory_gib = 32
`

// hostGuests counts the running or pending instances of each host.
func (e *env) hostGuests(region string) map[string]int {
	e.t.Helper()
	out, err := e.c.DescribeHosts(e.ctx, region, &ec2.Empty{})
	if err != nil {
		e.t.Fatalf("DescribeHosts: %v", err)
	}
	n := map[string]int{}
	for _, h := range out.Hosts {
		n[h.ID] = 0
		for _, g := range h.Instances {
			if g.State == ec2.StateRunning || g.State == ec2.StatePending {
				n[h.ID]++
			}
		}
	}
	return n
}

// TestDrainHost: a drained host's running instances each get a
// system-maintenance event, then move live to the zone's other host (they
// stay running, their event completes); nothing new lands on the drained
// host, even after a restart, until the drain is undone.
func TestDrainHost(t *testing.T) {
	e := newEnv(t, twoSimHosts)
	ids := e.launchRunning(use1, 4)
	from := e.get(use1, ids[0]).Placement.HostId
	var moving []string
	for _, id := range ids {
		if e.get(use1, id).Placement.HostId == from {
			moving = append(moving, id)
		}
	}
	out, err := e.c.DrainHost(e.ctx, use1, &ec2.DrainHostInput{HostId: from})
	if err != nil {
		t.Fatalf("DrainHost: %v", err)
	}
	if !out.Draining || len(out.Events) != len(moving) {
		t.Fatalf("DrainHost = %+v, want a drain with an event for each of %v", out, moving)
	}
	for _, ev := range out.Events {
		if ev.Event.Code != ec2.EventSystemMaintenance || !strings.Contains(ev.Event.Description, "Live migration") {
			t.Errorf("event %+v, want a system-maintenance live migration", ev.Event)
		}
	}
	// the moves are carried out at their time (now), off the request
	deadline := time.Now().Add(10 * time.Second)
	for e.hostGuests(use1)[from] > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s the drained host still runs %d guests", e.hostGuests(use1)[from])
		}
		e.advance(time.Millisecond)
		time.Sleep(time.Millisecond)
	}
	for _, id := range moving {
		r := e.get(use1, id)
		if r.Placement.HostId == from || r.State.Name != ec2.StateRunning {
			t.Errorf("%s is %s on %s after the drain, want running on the other host", id, r.State.Name, r.Placement.HostId)
		}
		st := e.statusOf(use1, id, true)
		done := false
		for _, ev := range st.Events {
			done = done || ev.Code == ec2.EventSystemMaintenance && strings.HasPrefix(ev.Description, "[Completed]")
		}
		if !done {
			t.Errorf("%s's events after its move: %+v, want the maintenance completed", id, st.Events)
		}
	}
	placeOn := func() string {
		t.Helper()
		id := e.launchRunning(use1, 1)[0]
		return e.get(use1, id).Placement.HostId
	}
	if h := placeOn(); h == from {
		t.Errorf("a launch during the drain landed on the drained host %s", from)
	}
	e.reopen()
	if h := placeOn(); h == from {
		t.Errorf("after a restart, a launch landed on the drained host %s", from)
	}
	if _, err := e.c.DrainHost(e.ctx, use1, &ec2.DrainHostInput{HostId: from, Undo: true}); err != nil {
		t.Fatalf("DrainHost Undo: %v", err)
	}
	// binpack: the fuller host is the other one; spread picks the empty one
	spread, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{MinCount: 1, MaxCount: 1, Strategy: "spread"})
	if err != nil {
		t.Fatalf("RunInstances: %v", err)
	}
	if h := e.get(use1, spread.Instances[0].InstanceId).Placement.HostId; h != from {
		t.Errorf("a spread launch after the undo went to %s, want the emptied host %s", h, from)
	}
}

// TestHostRefusals: the host actions' bad requests get EC2's codes.
func TestHostRefusals(t *testing.T) {
	e := newEnv(t, twoSimHosts)
	id := e.launchRunning(use1, 1)[0]
	host := e.get(use1, id).Placement.HostId
	tests := []struct {
		name string
		call func() error
		code string
	}{
		{"drain without a host", func() error { _, err := e.c.DrainHost(e.ctx, use1, &ec2.DrainHostInput{}); return err }, ec2.CodeMissingParameter},
		{"drain of a malformed ID", func() error {
			_, err := e.c.DrainHost(e.ctx, use1, &ec2.DrainHostInput{HostId: "h-nosuch"})
			return err
		}, ec2.CodeInvalidHostIDMalformed},
		{"drain of another region's host", func() error {
			_, err := e.c.DrainHost(e.ctx, "eu-west-1", &ec2.DrainHostInput{HostId: host})
			return err
		}, ec2.CodeInvalidHostIDNotFound},
		{"evacuate of a host that answers", func() error {
			_, err := e.c.EvacuateHost(e.ctx, use1, &ec2.EvacuateHostInput{HostId: host})
			return err
		}, ec2.CodeIncorrectState},
		{"a launch of an unknown strategy", func() error {
			_, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{MinCount: 1, MaxCount: 1, Strategy: "random"})
			return err
		}, ec2.CodeInvalidParameterValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.call(), tt.code) })
	}
}
