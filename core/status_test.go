package core

import (
	"strconv"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/hv/sim"
)

// statusOf is one instance's DescribeInstanceStatus entry (nil when not listed).
func (e *env) statusOf(region, id string, all bool) *ec2.InstanceStatus {
	e.t.Helper()
	out, err := e.c.DescribeInstanceStatus(e.ctx, region, &ec2.DescribeInstanceStatusInput{InstanceIds: []string{id}, IncludeAllInstances: all})
	if err != nil {
		e.t.Fatalf("DescribeInstanceStatus: %v", err)
	}
	if len(out.InstanceStatuses) == 0 {
		return nil
	}
	return &out.InstanceStatuses[0]
}

func TestInstanceStatusInitializingThenOK(t *testing.T) {
	e := newEnv(t, "")
	id := e.launchRunning(use1, 1)[0]
	st := e.statusOf(use1, id, false)
	if st == nil {
		t.Fatal("a running instance is not listed")
	}
	for _, s := range []ec2.InstanceStatusSummary{st.SystemStatus, st.InstanceStatus} {
		if s.Status != "initializing" || len(s.Details) != 1 || s.Details[0].Status != "initializing" {
			t.Fatalf("just booted: %+v, want initializing", s)
		}
	}
	e.advance(sim.Initializing)
	st = e.statusOf(use1, id, false)
	for _, s := range []ec2.InstanceStatusSummary{st.SystemStatus, st.InstanceStatus} {
		if s.Status != "ok" || s.Details[0].Name != "reachability" || s.Details[0].Status != "passed" {
			t.Fatalf("after %v: %+v, want ok/passed", sim.Initializing, s)
		}
	}
	// Stopped: listed only with IncludeAllInstances, and not-applicable.
	e.stop(use1, false, id)
	e.advance(e.stopTime())
	e.wait(use1, ec2.StateStopped, id)
	if st := e.statusOf(use1, id, false); st != nil {
		t.Fatalf("a stopped instance listed without IncludeAllInstances: %+v", st)
	}
	st = e.statusOf(use1, id, true)
	if st == nil || st.InstanceState.Name != "stopped" || st.SystemStatus.Status != "not-applicable" || st.InstanceStatus.Status != "not-applicable" {
		t.Fatalf("stopped with IncludeAllInstances: %+v", st)
	}
	// Started again: the checks initialise again.
	e.start(use1, id)
	e.advance(e.bootTime())
	e.wait(use1, ec2.StateRunning, id)
	if s := e.statusOf(use1, id, false).InstanceStatus.Status; s != "initializing" {
		t.Fatalf("after a start: %s, want initializing", s)
	}
}

func TestInstanceStatusShowsSpotNotice(t *testing.T) {
	e := newMarketEnv(t, smallPools)
	const zone, typ = "us-east-1a", "m5.large"
	max := 0.3 * e.c.OnDemand(use1, typ)
	spot := e.runSpot(use1, typ, zone, 1, strconv.FormatFloat(max, 'f', 6, 64), "terminate")[0]
	if ev := e.statusOf(use1, spot, false).Events; len(ev) != 0 {
		t.Fatalf("events before any notice: %+v", ev)
	}
	e.launchTyped(use1, typ, zone, 7) // the pool fills, the price climbs
	var notice *ec2.InstanceAction
	for i := 0; i < 24*12 && notice == nil; i++ {
		e.advance(5 * time.Minute)
		notice = e.get(use1, spot).SpotInstanceAction
	}
	if notice == nil {
		t.Fatal("no spot notice in a day with the pool full")
	}
	st := e.statusOf(use1, spot, false)
	if len(st.Events) != 1 {
		t.Fatalf("events during the notice: %+v, want one", st.Events)
	}
	ev := st.Events[0]
	if ev.Code != "instance-retirement" || ev.NotBefore == nil || !ev.NotBefore.Equal(notice.Time) || ev.NotAfter == nil || len(ev.InstanceEventId) != len("instance-event-")+17 {
		t.Fatalf("event %+v (NotBefore %v), want instance-retirement not before %s", ev, ev.NotBefore, notice.Time)
	}
	out, err := e.c.DescribeInstanceStatus(e.ctx, use1, &ec2.DescribeInstanceStatusInput{Filters: []ec2.Filter{{Name: "event.code", Values: []string{"instance-*"}}}})
	if err != nil || len(out.InstanceStatuses) != 1 || out.InstanceStatuses[0].InstanceId != spot {
		t.Fatalf("event.code filter: %+v, %v; want only %s", out, err, spot)
	}
	out, err = e.c.DescribeInstanceStatus(e.ctx, use1, &ec2.DescribeInstanceStatusInput{Filters: []ec2.Filter{{Name: "event.instance-event-id", Values: []string{ev.InstanceEventId}}}})
	if err != nil || len(out.InstanceStatuses) != 1 {
		t.Fatalf("event.instance-event-id filter: %+v, %v", out, err)
	}
}
