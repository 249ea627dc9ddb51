package core

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/monitor"
	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/internal/clock"
)

// histLen is how many samples of CPU history an instance keeps for
// sparklines.
const histLen = 30

// monState is what the sampler remembers of one instance between ticks,
// kept small: a fleet of 100,000 has one each.
type monState struct {
	prev     hv.Stats
	credit   monitor.CreditState
	runSince time.Time // the StateSince of the run the credits belong to
	stopped  time.Time // when the last run ended, for Start's rules
	latest   [monitor.NumMetrics]float32
	hasData  bool
	held     bool
	hist     [histLen]uint8 // CPU % of the last samples, oldest first
}

// sampler records every running instance's metrics each interval.
type sampler struct {
	mon      *monitor.Store
	interval time.Duration
	mu       sync.Mutex // guards state; never held with c.mu
	state    map[string]*monState
	timer    clock.Timer
}

func (c *Cloud) startSampler(ctx context.Context) {
	s := &sampler{mon: monitor.New(c.st, c.clk), interval: seconds(c.cfg.Monitor.IntervalSeconds), state: map[string]*monState{}}
	c.sampler = s
	if err := s.mon.Expire(ctx, c.clk.Now()); err != nil {
		c.log.Warn().Err(err).Msg("expire metrics")
	}
	c.scheduleSample()
}

func (c *Cloud) scheduleSample() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.sampler.timer = c.clk.AfterFunc(c.sampler.interval, func() {
		c.sampleOnce(context.Background())
		c.scheduleSample()
	})
}

// running lists what the sampler needs of every running instance.
type runningInst struct {
	region, id, typ string
	since           time.Time
	d               hv.Driver
}

func (c *Cloud) runningInstances() []runningInst {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []runningInst
	for _, rs := range c.regions {
		for _, r := range rs.instances {
			if r.State.Name == ec2.StateRunning {
				out = append(out, runningInst{rs.name, r.InstanceId, r.InstanceType, r.StateSince, c.driverOf(r.Placement.HostId)})
			}
		}
	}
	return out
}

// sampleOnce reads every running instance's counters, runs the credit
// model and records one sample each. Instances seen for the first time in
// a run only set their baseline counters.
func (c *Cloud) sampleOnce(ctx context.Context) {
	s := c.sampler
	now := c.clk.Now()
	byRegion := map[string][]monitor.Sample{}
	for _, ri := range c.runningInstances() {
		cur, err := ri.d.Stats(ctx, ri.id)
		if err != nil {
			continue // gone since the listing: the next tick knows
		}
		t := c.cfg.Types[ri.typ]
		model := monitor.NewCredits(ri.typ, t)
		s.mu.Lock()
		st := s.state[ri.id]
		s.mu.Unlock()
		if st == nil {
			st = &monState{}
			if t.Burstable {
				if last, err := s.mon.Latest(ctx, ri.region, ri.id); err == nil {
					// A restarted daemon picks up the credits where they were.
					st.credit, st.runSince = last.CreditState(), ri.since
				}
			}
			s.mu.Lock()
			s.state[ri.id] = st
			s.mu.Unlock()
		}
		s.mu.Lock()
		if !st.runSince.Equal(ri.since) {
			// A new run (launch or start): credits start again by the rules.
			stoppedFor := time.Duration(0)
			if !st.stopped.IsZero() {
				stoppedFor = ri.since.Sub(st.stopped)
			}
			st.credit = model.Start(st.credit, stoppedFor)
			st.runSince, st.prev = ri.since, hv.Stats{}
		}
		if st.prev.At.IsZero() {
			st.prev = cur
			s.mu.Unlock()
			continue
		}
		demand, v := monitor.FromStats(st.prev, cur, t.VCPUs, t.MemoryMiB)
		sample := monitor.Sample{InstanceID: ri.id, At: now, Values: v}
		r := model.Step(st.credit, demand, monitor.Interval(st.prev, cur))
		model.Fill(&sample, r)
		st.credit, st.held, st.prev = r.Next, r.Held, cur
		st.remember(&sample.Values)
		s.mu.Unlock()
		byRegion[ri.region] = append(byRegion[ri.region], sample)
	}
	for region, samples := range byRegion {
		if err := s.mon.Record(ctx, region, samples); err != nil {
			c.log.Error().Err(err).Str("region", region).Msg("record metrics")
		}
	}
	c.forgetStopped(now)
	if now.Minute() == 0 {
		if err := s.mon.Expire(ctx, now); err != nil {
			c.log.Warn().Err(err).Msg("expire metrics")
		}
	}
}

// remember keeps the latest values and the CPU history.
func (st *monState) remember(v *monitor.Values) {
	for i, x := range v {
		st.latest[i] = float32(x)
	}
	st.hasData = true
	copy(st.hist[:], st.hist[1:])
	st.hist[histLen-1] = uint8(math.Round(min(max(v[monitor.CPUUtilization], 0), 100)))
}

// forgetStopped notes when runs ended and drops the state of instances
// that are gone.
func (c *Cloud) forgetStopped(now time.Time) {
	c.mu.RLock()
	live := map[string]string{}
	for _, rs := range c.regions {
		for id, r := range rs.instances {
			live[id] = r.State.Name
		}
	}
	c.mu.RUnlock()
	s := c.sampler
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, st := range s.state {
		switch live[id] {
		case "", ec2.StateTerminated, ec2.StateShuttingDown:
			delete(s.state, id)
		case ec2.StateRunning, ec2.StatePending:
		default:
			if st.stopped.IsZero() || st.stopped.Before(st.runSince) {
				st.stopped = now
			}
		}
	}
}

// GetMetricStatistics answers a metric's statistics over a period, as
// CloudWatch does for EC2's metrics.
func (c *Cloud) GetMetricStatistics(ctx context.Context, region string, in *ec2.GetMetricStatisticsInput) (*ec2.GetMetricStatisticsOutput, error) {
	if in.Namespace != "" && in.Namespace != "AWS/EC2" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The namespace '%s' is not known; ec2x keeps AWS/EC2", in.Namespace)
	}
	id := ""
	for _, d := range in.Dimensions {
		if d.Name == "InstanceId" {
			id = d.Value
		}
	}
	if id == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the dimension InstanceId")
	}
	c.mu.RLock()
	rs, err := c.region(region)
	if err == nil {
		_, err = c.lookupLocked(rs, []string{id})
	}
	c.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	m, err := monitor.ParseMetric(in.MetricName)
	if err != nil {
		return nil, monitorErr(err)
	}
	var stats []monitor.Statistic
	for _, s := range in.Statistics {
		st, err := monitor.ParseStatistic(s)
		if err != nil {
			return nil, monitorErr(err)
		}
		stats = append(stats, st)
	}
	out, err := c.sampler.mon.Query(ctx, monitor.QueryInput{Region: region, InstanceID: id, Metric: m,
		StartTime: in.StartTime, EndTime: in.EndTime, Period: in.Period, Statistics: stats})
	if err != nil {
		return nil, monitorErr(err)
	}
	if out.Datapoints == nil {
		out.Datapoints = []ec2.Datapoint{}
	}
	return &ec2.GetMetricStatisticsOutput{Label: out.Label, Datapoints: out.Datapoints}, nil
}

// monitorErr maps the monitor's errors to EC2-style ones.
func monitorErr(err error) error {
	var me *monitor.Error
	if errors.As(err, &me) {
		return &ec2.Error{Code: me.Code, Message: me.Message}
	}
	return err
}
