package monitor

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/instance"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/internal/clock"
	"github.com/rs/zerolog"
)

// histLen is how many samples of CPU history an instance keeps for
// sparklines.
const histLen = 30

// monState is what the sampler remembers of one instance between ticks,
// kept small: a fleet of 100,000 has one each.
type monState struct {
	prev     hv.Stats
	credit   CreditState
	runSince time.Time // the StateSince of the run the credits belong to
	stopped  time.Time // when the last run ended, for Start's rules
	latest   [NumMetrics]float32
	hasData  bool
	held     bool
	hist     [histLen]uint8 // CPU % of the last samples, oldest first
}

// Service samples every running instance's metrics each interval and
// answers the metric actions: GetMetricStatistics (CloudWatch's) and the
// live fleet view of ec2x top. It owns met/ in the store.
type Service struct {
	cfg      *configs.Config
	clk      clock.Clock
	log      zerolog.Logger
	inst     *instance.Service
	mon      *Store
	interval time.Duration

	mu    sync.Mutex // guards state
	state map[string]*monState

	life   sync.Mutex // guards timer and closed
	timer  clock.Timer
	closed bool
}

// NewService returns the monitor of the instances inst runs.
func NewService(rt *state.Runtime, inst *instance.Service) *Service {
	cfg := rt.Config()
	return &Service{cfg: cfg, clk: rt.Clock(), log: *rt.Logger(), inst: inst, mon: New(rt.Store(), rt.Clock()),
		interval: seconds(cfg.Monitor.IntervalSeconds), state: map[string]*monState{}}
}

// Actions are the monitor's actions.
func (s *Service) Actions() []actions.Def {
	return []actions.Def{
		actions.New("GetMetricStatistics", actions.Local, s.GetMetricStatistics),
		actions.New("DescribeFleet", actions.Local, s.DescribeFleet),
		actions.NewStream("StreamFleet", actions.Local, s.StreamFleet),
	}
}

// Metrics is the metric store (tests read it).
func (s *Service) Metrics() *Store { return s.mon }

func seconds(v float64) time.Duration { return time.Duration(v * float64(time.Second)) }

// Start expires old samples and starts sampling.
func (s *Service) Start(ctx context.Context) {
	if err := s.mon.Expire(ctx, s.clk.Now()); err != nil {
		s.log.Warn().Err(err).Msg("expire metrics")
	}
	s.scheduleSample()
}

func (s *Service) scheduleSample() {
	s.life.Lock()
	defer s.life.Unlock()
	if s.closed {
		return
	}
	s.timer = s.clk.AfterFunc(s.interval, func() {
		s.sampleOnce(context.Background())
		s.scheduleSample()
	})
}

// Close stops sampling.
func (s *Service) Close() {
	s.life.Lock()
	defer s.life.Unlock()
	s.closed = true
	if s.timer != nil {
		s.timer.Stop()
	}
}

// sampleOnce reads every running instance's counters, runs the credit
// model and records one sample each. Instances seen for the first time in
// a run only set their baseline counters.
func (s *Service) sampleOnce(ctx context.Context) {
	now := s.clk.Now()
	byRegion := map[string][]Sample{}
	for _, ri := range s.inst.Running() {
		cur, err := ri.Driver.Stats(ctx, ri.ID)
		if err != nil && ri.HostDown {
			// its host does not answer: the system check fails, and
			// nothing else is known
			v := NoValues()
			v[StatusCheckFailed], v[StatusCheckFailed_System] = 1, 1
			byRegion[ri.Region] = append(byRegion[ri.Region], Sample{InstanceID: ri.ID, At: now, Values: v})
			continue
		}
		if err != nil {
			continue // gone since the listing: the next tick knows
		}
		t := s.cfg.Types[ri.Type]
		// The instance's own credit option wins over its type's default.
		model := NewCredits(ri.Type, t).WithMode(Mode(ri.CreditMode))
		s.mu.Lock()
		st := s.state[ri.ID]
		s.mu.Unlock()
		if st == nil {
			st = &monState{}
			if t.Burstable {
				if last, err := s.mon.Latest(ctx, ri.Region, ri.ID); err == nil {
					// A restarted daemon picks up the credits where they were.
					st.credit, st.runSince = last.CreditState(), ri.Since
				}
			}
			s.mu.Lock()
			s.state[ri.ID] = st
			s.mu.Unlock()
		}
		s.mu.Lock()
		if !st.runSince.Equal(ri.Since) {
			// A new run (launch or start): credits start again by the rules.
			stoppedFor := time.Duration(0)
			if !st.stopped.IsZero() {
				stoppedFor = ri.Since.Sub(st.stopped)
			}
			st.credit = model.Start(st.credit, stoppedFor)
			st.runSince, st.prev = ri.Since, hv.Stats{}
		}
		if st.prev.At.IsZero() {
			st.prev = cur
			s.mu.Unlock()
			continue
		}
		demand, v := FromStats(st.prev, cur, t.VCPUs, t.MemoryMiB)
		sample := Sample{InstanceID: ri.ID, At: now, Values: v}
		r := model.Step(st.credit, demand, Interval(st.prev, cur))
		model.Fill(&sample, r)
		st.credit, st.held, st.prev = r.Next, r.Held, cur
		st.remember(&sample.Values)
		s.mu.Unlock()
		byRegion[ri.Region] = append(byRegion[ri.Region], sample)
	}
	for region, samples := range byRegion {
		if err := s.mon.Record(ctx, region, samples); err != nil {
			s.log.Error().Err(err).Str("region", region).Msg("record metrics")
		}
	}
	s.forgetStopped(now)
	if now.Minute() == 0 {
		if err := s.mon.Expire(ctx, now); err != nil {
			s.log.Warn().Err(err).Msg("expire metrics")
		}
	}
}

// remember keeps the latest values and the CPU history.
func (st *monState) remember(v *Values) {
	for i, x := range v {
		st.latest[i] = float32(x)
	}
	st.hasData = true
	copy(st.hist[:], st.hist[1:])
	st.hist[histLen-1] = uint8(math.Round(min(max(v[CPUUtilization], 0), 100)))
}

// forgetStopped notes when runs ended and drops the state of instances
// that are gone.
func (s *Service) forgetStopped(now time.Time) {
	live := s.inst.States()
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
func (s *Service) GetMetricStatistics(ctx context.Context, region string, in *ec2.GetMetricStatisticsInput) (*ec2.GetMetricStatisticsOutput, error) {
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
	if err := s.inst.Check(region, id); err != nil {
		return nil, err
	}
	m, err := ParseMetric(in.MetricName)
	if err != nil {
		return nil, err
	}
	var stats []Statistic
	for _, s := range in.Statistics {
		st, err := ParseStatistic(s)
		if err != nil {
			return nil, err
		}
		stats = append(stats, st)
	}
	out, err := s.mon.Query(ctx, QueryInput{Region: region, InstanceID: id, Metric: m,
		StartTime: in.StartTime, EndTime: in.EndTime, Period: in.Period, Statistics: stats})
	if err != nil {
		return nil, err
	}
	if out.Datapoints == nil {
		out.Datapoints = []ec2.Datapoint{}
	}
	return &ec2.GetMetricStatisticsOutput{Label: out.Label, Datapoints: out.Datapoints}, nil
}

// SampleOnce samples every running instance now, as each interval does.
func (s *Service) SampleOnce(ctx context.Context) { s.sampleOnce(ctx) }

// LastSample is what the sampler last recorded of an instance: its CPU
// utilisation and whether the credit model held it at its baseline.
func (s *Service) LastSample(id string) (cpu float64, held, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state[id]
	if st == nil || !st.hasData {
		return 0, false, false
	}
	return float64(st.latest[CPUUtilization]), st.held, true
}
