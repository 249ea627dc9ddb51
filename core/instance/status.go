package instance

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"sync"
	"time"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/hv"
)

// statusItem is an instance with its status as DescribeInstanceStatus shows it.
type statusItem struct {
	r  *Record
	st *ec2.InstanceStatus
}

const eventTime = "2006-01-02T15:04:05.000Z"

// eachEvent lists a value of every event.
func eachEvent(x statusItem, f func(e ec2.InstanceStatusEvent) string) []string {
	var out []string
	for _, e := range x.st.Events {
		if v := f(e); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func timeValue(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(eventTime)
}

func reachability(s ec2.InstanceStatusSummary) []string {
	if len(s.Details) == 0 {
		return nil
	}
	return one(s.Details[0].Status)
}

// statusSpec is DescribeInstanceStatus' filters, in DescribeInstances' order.
var statusSpec = &describe.Spec[statusItem]{
	Fields: []describe.Field[statusItem]{
		{Name: "availability-zone", Value: func(x statusItem) string { return x.r.Placement.AvailabilityZone }},
		{Name: "instance-state-name", Value: func(x statusItem) string { return x.r.State.Name }},
		{Name: "instance-state-code", Value: func(x statusItem) string { return strconv.Itoa(x.r.State.Code) }},
		{Name: "system-status.status", Value: func(x statusItem) string { return x.st.SystemStatus.Status }},
		{Name: "system-status.reachability", Values: func(x statusItem) []string { return reachability(x.st.SystemStatus) }},
		{Name: "instance-status.status", Value: func(x statusItem) string { return x.st.InstanceStatus.Status }},
		{Name: "instance-status.reachability", Values: func(x statusItem) []string { return reachability(x.st.InstanceStatus) }},
		{Name: "attached-ebs-status.status", Values: func(x statusItem) []string {
			if x.st.AttachedEbsStatus == nil {
				return nil
			}
			return one(x.st.AttachedEbsStatus.Status)
		}},
		{Name: "attached-ebs-status.reachability", Values: func(x statusItem) []string {
			if x.st.AttachedEbsStatus == nil {
				return nil
			}
			return reachability(*x.st.AttachedEbsStatus)
		}},
		{Name: "event.code", Values: func(x statusItem) []string {
			return eachEvent(x, func(e ec2.InstanceStatusEvent) string { return e.Code })
		}},
		{Name: "event.description", Values: func(x statusItem) []string {
			return eachEvent(x, func(e ec2.InstanceStatusEvent) string { return e.Description })
		}},
		{Name: "event.instance-event-id", Values: func(x statusItem) []string {
			return eachEvent(x, func(e ec2.InstanceStatusEvent) string { return e.InstanceEventId })
		}},
		{Name: "event.not-after", Values: func(x statusItem) []string {
			return eachEvent(x, func(e ec2.InstanceStatusEvent) string { return timeValue(e.NotAfter) })
		}},
		{Name: "event.not-before", Values: func(x statusItem) []string {
			return eachEvent(x, func(e ec2.InstanceStatusEvent) string { return timeValue(e.NotBefore) })
		}},
		{Name: "event.not-before-deadline", Values: func(x statusItem) []string {
			return eachEvent(x, func(e ec2.InstanceStatusEvent) string { return timeValue(e.NotBeforeDeadline) })
		}},
		// ec2x has no instances managed by a service on the user's behalf.
		{Name: "operator.managed", Value: func(x statusItem) string { return "false" }},
	},
	Key: func(k *describe.Key, x statusItem) {
		k.Time(x.r.LaunchTime)
		k.Num(int64(x.r.AmiLaunchIndex))
		k.Str(x.r.InstanceId)
	},
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "InstanceId"},
}

// DescribeInstanceStatus answers the status checks and scheduled events
// of running instances (every visible instance with IncludeAllInstances).
// The drivers' checks run first, outside the region's lock; the query
// then runs over the records with their results.
func (s *Service) DescribeInstanceStatus(ctx context.Context, region string, in *ec2.DescribeInstanceStatusInput) (*ec2.DescribeInstanceStatusOutput, error) {
	if in.DryRun {
		return nil, state.DryRun()
	}
	checks, err := s.runChecks(ctx, region, in.InstanceIds)
	if err != nil {
		return nil, err
	}
	q := describe.Query{Filters: in.Filters, IDs: in.InstanceIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: fmt.Sprintf("DescribeInstanceStatus/%t", in.IncludeAllInstances)}
	page, next, err := state.Describe(s.rt, region, statusSpec, q, func(r *state.Region) ([]statusItem, error) {
		recs, err := s.gather(r, in.InstanceIds, nil)
		if err != nil {
			return nil, err
		}
		items := make([]statusItem, 0, len(recs))
		for _, rec := range recs {
			if in.IncludeAllInstances || rec.State.Name == ec2.StateRunning {
				items = append(items, statusItem{rec, s.statusOf(rec, checks)})
			}
		}
		return items, nil
	}, func(_ *state.Region, x statusItem) ec2.InstanceStatus { return *x.st })
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []ec2.InstanceStatus{}
	}
	return &ec2.DescribeInstanceStatusOutput{InstanceStatuses: page, NextToken: next}, nil
}

// checkResult is one running instance's driver checks (err: none to be had).
type checkResult struct {
	rep hv.StatusReport
	err error
}

// runChecks asks the drivers for the status checks of the region's running
// instances (those named, when some are), a few at a time: a real guest's
// check waits on its network.
func (s *Service) runChecks(ctx context.Context, region string, ids []string) (map[string]checkResult, error) {
	rg, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	type job struct {
		id, host string
		d        hv.Driver
	}
	var jobs []job
	rg.RLock()
	for _, rec := range state.Published(rg, Instances) {
		if rec.State.Name == ec2.StateRunning && (len(ids) == 0 || contains(ids, rec.InstanceId)) {
			jobs = append(jobs, job{rec.InstanceId, rec.Placement.HostId, s.driverOf(rec.Placement.HostId)})
		}
	}
	rg.RUnlock()
	out := make(map[string]checkResult, len(jobs))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for _, j := range jobs {
		if down, _ := s.HostDown(j.host); down {
			continue // its host does not answer: statusOf says so
		}
		sc, ok := j.d.(hv.StatusChecker)
		if !ok || !j.d.Capabilities().StatusChecks {
			out[j.id] = checkResult{err: &hv.NotSupportedError{Driver: j.d.Name(), Ability: "status checks"}}
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			rep, err := sc.StatusCheck(ctx, j.id)
			mu.Lock()
			out[j.id] = checkResult{rep, err}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out, nil
}

// statusOf is an instance's status from its record and its checks.
func (s *Service) statusOf(r *Record, checks map[string]checkResult) *ec2.InstanceStatus {
	st := &ec2.InstanceStatus{InstanceId: r.InstanceId, AvailabilityZone: r.Placement.AvailabilityZone, InstanceState: r.State,
		SystemStatus: ec2.InstanceStatusSummary{Status: ec2.StatusNotApplicable}, InstanceStatus: ec2.InstanceStatusSummary{Status: ec2.StatusNotApplicable}}
	if r.State.Name == ec2.StateRunning {
		c, ok := checks[r.InstanceId]
		down, since := s.HostDown(r.Placement.HostId)
		_, health := s.driverOf(r.Placement.HostId).(hv.HealthReporter)
		switch {
		case down:
			// the host's engine does not answer: EC2's failed system check
			st.SystemStatus = summary(hv.Check{Reach: hv.ReachFailed, Since: since})
			st.InstanceStatus = ec2.InstanceStatusSummary{Status: ec2.StatusInsufficient, Details: []ec2.InstanceStatusDetails{{Name: "reachability", Status: ec2.StatusInsufficient}}}
		case !ok:
			// it became running after the checks ran: as a fresh guest is
			st.SystemStatus, st.InstanceStatus = summary(hv.Check{Reach: hv.ReachInitializing}), summary(hv.Check{Reach: hv.ReachInitializing})
		case c.err != nil:
			st.SystemStatus = ec2.InstanceStatusSummary{Status: ec2.StatusInsufficient, Details: []ec2.InstanceStatusDetails{{Name: "reachability", Status: ec2.StatusInsufficient}}}
			st.InstanceStatus = st.SystemStatus
			if health {
				// the host answers and runs the guest: the system check passes
				st.SystemStatus = summary(hv.Check{Reach: hv.ReachPassed})
			}
		default:
			st.SystemStatus, st.InstanceStatus = summary(c.rep.System), summary(c.rep.Instance)
		}
		ebs := summary(hv.Check{Reach: hv.ReachPassed})
		st.AttachedEbsStatus = &ebs
	}
	if ev := spotEvent(r); ev != nil {
		st.Events = []ec2.InstanceStatusEvent{*ev}
	}
	st.Events = append(st.Events, visibleEvents(r, s.clk.Now())...)
	return st
}

// summary is a check as EC2 summarises it.
func summary(c hv.Check) ec2.InstanceStatusSummary {
	d := ec2.InstanceStatusDetails{Name: "reachability"}
	var status string
	switch c.Reach {
	case hv.ReachPassed:
		status, d.Status = ec2.StatusOK, ec2.ReachabilityPassed
	case hv.ReachFailed:
		status, d.Status = ec2.StatusImpaired, ec2.ReachabilityFailed
		if !c.Since.IsZero() {
			t := c.Since.UTC()
			d.ImpairedSince = &t
		}
	default:
		status, d.Status = ec2.StatusInitializing, ec2.ReachabilityStarting
	}
	return ec2.InstanceStatusSummary{Status: status, Details: []ec2.InstanceStatusDetails{d}}
}

// spotEvent is a spot interruption notice as a scheduled event. EC2 tells
// of interruptions through the metadata service and EventBridge; ec2x also
// lists them here, with the codes EC2's events have for the same outcome:
// instance-stop for a stop or hibernation, instance-retirement for a
// termination. The event starts when the interruption is due.
func spotEvent(r *Record) *ec2.InstanceStatusEvent {
	if r.SpotOf().Notice == nil {
		return nil
	}
	code := "instance-stop"
	if r.SpotOf().Notice.Action == "terminate" {
		code = "instance-retirement"
	}
	h := fnv.New64a()
	h.Write([]byte(r.InstanceId + "/" + r.SpotOf().Notice.Time.UTC().Format(time.RFC3339Nano)))
	before := r.SpotOf().Notice.Time.UTC()
	after := before.Add(noticeLead)
	return &ec2.InstanceStatusEvent{
		InstanceEventId: fmt.Sprintf("instance-event-%017x", h.Sum64()),
		Code:            code,
		Description:     "Spot Instance interruption notice: the instance will be " + pastTense(r.SpotOf().Notice.Action) + ".",
		NotBefore:       &before, NotAfter: &after,
	}
}

func pastTense(action string) string {
	switch action {
	case "stop":
		return "stopped"
	case "hibernate":
		return "hibernated"
	}
	return "terminated"
}

// GetConsoleScreenshot returns the instance's screen as a base64 JPEG
// where its driver can capture one; EC2's UnsupportedOperation elsewhere.
func (s *Service) GetConsoleScreenshot(ctx context.Context, region string, in *ec2.GetConsoleScreenshotInput) (*ec2.GetConsoleScreenshotOutput, error) {
	if in.InstanceId == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter InstanceId")
	}
	r, d, err := s.readOne(region, in.InstanceId)
	if err != nil {
		return nil, err
	}
	if in.DryRun {
		return nil, state.DryRun()
	}
	sh, ok := d.(hv.Screenshotter)
	if !ok || !d.Capabilities().Screenshot {
		return nil, ec2.Errorf(ec2.CodeUnsupportedOperation, "The instance '%s' does not support console screenshots (its hypervisor, %s, has no display).", r.InstanceId, d.Name())
	}
	if r.State.Name != ec2.StateRunning {
		return nil, incorrectState(r, "captured")
	}
	img, err := sh.Screenshot(ctx, r.InstanceId)
	if errors.Is(err, hv.ErrInvalidState) {
		return nil, incorrectState(r, "captured")
	}
	if err != nil {
		return nil, ec2.Errorf(ec2.CodeInternalError, "The screenshot of '%s' failed: %v", r.InstanceId, err)
	}
	return &ec2.GetConsoleScreenshotOutput{InstanceId: r.InstanceId, ImageData: base64.StdEncoding.EncodeToString(img)}, nil
}

// GetPasswordData answers as EC2 does for a Linux instance: no password
// data, and the time of the answer.
func (s *Service) GetPasswordData(ctx context.Context, region string, in *ec2.GetPasswordDataInput) (*ec2.GetPasswordDataOutput, error) {
	if in.InstanceId == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter InstanceId")
	}
	r, _, err := s.readOne(region, in.InstanceId)
	if err != nil {
		return nil, err
	}
	if in.DryRun {
		return nil, state.DryRun()
	}
	return &ec2.GetPasswordDataOutput{InstanceId: r.InstanceId, Timestamp: s.clk.Now().UTC()}, nil
}
