package monitor

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/instance"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/hv"
)

// fleetRow is what a frame needs of an instance, copied under the lock.
type fleetRow struct {
	ec2.FleetInstance
	running bool
	vcpus   int
	memMiB  int
	d       hv.Driver
}

// DescribeFleet is the live state of the region's instances: rates are
// measured from the sampler's last reading to now, so a frame a second
// shows what each guest does this minute, not what it did last minute.
func (s *Service) DescribeFleet(ctx context.Context, region string, in *ec2.DescribeFleetInput) (*ec2.FleetFrame, error) {
	return s.fleetFrame(ctx, region, in, nil)
}

// StreamFleet sends a frame every second until ctx ends (an ec2x streaming
// action, for `ec2x top`). Each frame's rates cover the second since the
// previous one.
func (s *Service) StreamFleet(ctx context.Context, region string, in *ec2.DescribeFleetInput, emit func(*ec2.FleetFrame) error) error {
	seen := map[string]hv.Stats{}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		f, err := s.fleetFrame(ctx, region, in, seen)
		if err != nil {
			return err
		}
		if err := emit(f); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// fleetFrame builds a frame; seen, when not nil, holds each instance's
// counters as the previous frame read them.
func (s *Service) fleetFrame(ctx context.Context, region string, in *ec2.DescribeFleetInput, seen map[string]hv.Stats) (*ec2.FleetFrame, error) {
	var hosts []ec2.HostInfo
	all, err := instance.Select(s.inst, region, in.Filters, func(rd state.Reader, r *instance.Record) *fleetRow {
		if !in.All && (r.State.Name == ec2.StateTerminated || r.State.Name == ec2.StateStopped) {
			return nil
		}
		name, _ := r.Tag("Name")
		t := s.cfg.Types[r.InstanceType]
		return &fleetRow{
			FleetInstance: ec2.FleetInstance{InstanceId: r.InstanceId, Name: name, InstanceType: r.InstanceType,
				AvailabilityZone: r.Placement.AvailabilityZone, HostId: r.Placement.HostId, State: r.State.Name},
			running: r.State.Name == ec2.StateRunning, vcpus: t.VCPUs, memMiB: t.MemoryMiB, d: s.inst.Driver(r)}
	})
	if err != nil {
		return nil, err
	}
	var rows []fleetRow
	for _, r := range all {
		if r != nil {
			rows = append(rows, *r)
		}
	}
	if in.Hosts {
		h, err := s.inst.DescribeHosts(ctx, region, &ec2.Empty{})
		if err != nil {
			return nil, err
		}
		hosts = h.Hosts
	}
	now := s.clk.Now()
	frame := &ec2.FleetFrame{At: now, Instances: make([]ec2.FleetInstance, 0, len(rows)), Hosts: hosts}
	for i := range rows {
		row := &rows[i]
		s.liveMetrics(ctx, row, seen)
		frame.Instances = append(frame.Instances, row.FleetInstance)
	}
	sort.SliceStable(frame.Instances, func(i, j int) bool { return frame.Instances[i].InstanceId < frame.Instances[j].InstanceId })
	return frame, nil
}

// liveMetrics fills a row's rates from the driver's counters against the
// previous frame's reading (or the sampler's last one), held to the credit
// model's verdict.
func (s *Service) liveMetrics(ctx context.Context, row *fleetRow, seen map[string]hv.Stats) {
	s.mu.Lock()
	st := s.state[row.InstanceId]
	var prev hv.Stats
	var latest [NumMetrics]float32
	var hist [histLen]uint8
	var credit *float64
	held, has := false, false
	if st != nil {
		prev, latest, hist, held, has = st.prev, st.latest, st.hist, st.held, st.hasData
		if t := s.cfg.Types[row.InstanceType]; t != nil && t.Burstable {
			b := st.credit.Balance + st.credit.Launch
			credit = &b
		}
	}
	s.mu.Unlock()
	row.CPUCreditBalance, row.Held = credit, held
	if has {
		row.CPUHistory = append([]uint8(nil), hist[:]...)
		row.CPUUtilization = float64(latest[CPUUtilization])
		row.MemoryUtilization = known(float64(latest[MemoryUtilization]))
		minute := s.interval.Seconds()
		row.NetworkIn = float64(latest[NetworkIn]) / minute
		row.NetworkOut = float64(latest[NetworkOut]) / minute
		row.StatusCheckFailed = int(latest[StatusCheckFailed])
	}
	if !row.running {
		row.StatusCheckFailed = 0 // EC2 checks running instances only
		return
	}
	cur, err := row.d.Stats(ctx, row.InstanceId)
	if err != nil {
		return
	}
	row.StatusCheckFailed = 0
	if cur.StatusCheckFailed {
		row.StatusCheckFailed = 1
	}
	if seen != nil {
		if p, ok := seen[row.InstanceId]; ok {
			prev = p
		}
		seen[row.InstanceId] = cur
	}
	if prev.At.IsZero() || cur.At.Sub(prev.At) < time.Second/2 {
		return // too soon to measure a rate: show the last sample
	}
	demand, v := FromStats(prev, cur, row.vcpus, row.memMiB)
	if held {
		t := s.cfg.Types[row.InstanceType]
		demand = min(demand, t.BaselinePercent)
	}
	secs := cur.At.Sub(prev.At).Seconds()
	row.CPUUtilization = demand
	if v.Has(MemoryUtilization) {
		row.MemoryUtilization = v[MemoryUtilization]
	}
	row.NetworkIn = v[NetworkIn] / secs
	row.NetworkOut = v[NetworkOut] / secs
}

// known is x, or 0 for a metric without a datapoint (NaN), which JSON
// cannot carry.
func known(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return x
}
