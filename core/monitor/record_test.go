package monitor

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/hv"
)

func TestRecordManyInstancesInFewTransactions(t *testing.T) {
	tests := []struct {
		name      string
		instances int
		maxTxns   int64
	}{
		{name: "one", instances: 1, maxTxns: 1},
		{name: "a thousand", instances: 1000, maxTxns: 1},
		{name: "ten thousand", instances: 10000, maxTxns: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, clk := openMonitor(t, epoch)
			tick := make([]Sample, tt.instances)
			for i := range tick {
				tick[i] = gen(fmt.Sprintf("i-%017x", i), epoch, i%2 == 0)
			}
			if err := ms.Record(context.Background(), region, tick); err != nil {
				t.Fatalf("record: %v", err)
			}
			if got := ms.commits.Load(); got > tt.maxTxns {
				t.Fatalf("%d transactions, want at most %d", got, tt.maxTxns)
			}
			// A second tick in the same partition writes no index keys.
			for i := range tick {
				tick[i].At = epoch.Add(time.Minute)
			}
			before := ms.commits.Load()
			if err := ms.Record(context.Background(), region, tick); err != nil {
				t.Fatalf("record: %v", err)
			}
			if got := ms.commits.Load() - before; got > tt.maxTxns {
				t.Fatalf("second tick: %d transactions, want at most %d", got, tt.maxTxns)
			}
			clk.Advance(2 * time.Minute)
			last := tick[len(tick)-1]
			got, err := ms.Latest(context.Background(), region, last.InstanceID)
			if err != nil {
				t.Fatalf("latest: %v", err)
			}
			if !got.At.Equal(last.At) || !sameValues(got.Values, last.Values) {
				t.Fatalf("latest %+v, want %+v", got, last)
			}
		})
	}
}

func sameValues(a, b Values) bool {
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

func TestRecordRefusesWhatBreaksKeys(t *testing.T) {
	tests := []struct {
		name   string
		region string
		sample Sample
		want   error
	}{
		{name: "no region", region: "", sample: gen(inst, epoch, true), want: ErrMissingParameter},
		{name: "slash in region", region: "us/east-1", sample: gen(inst, epoch, true), want: ErrInvalidParameterValue},
		{name: "index as region", region: indexRegion, sample: gen(inst, epoch, true), want: ErrInvalidParameterValue},
		{name: "no instance", region: region, sample: gen("", epoch, true), want: ErrMissingParameter},
		{name: "slash in instance", region: region, sample: gen("i-1/2", epoch, true), want: ErrInvalidParameterValue},
		{name: "no time", region: region, sample: gen(inst, time.Time{}, true), want: ErrMissingParameter},
		{name: "older than 15 days", region: region, sample: gen(inst, epoch.Add(-15*day-time.Second), true), want: ErrInvalidParameterValue},
	}
	ms, _ := openMonitor(t, epoch)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := ms.Record(context.Background(), tt.region, []Sample{tt.sample}); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestLatestRestoresCreditState(t *testing.T) {
	ms, clk := openMonitor(t, epoch)
	c := Credits{Burstable: true, Mode: Standard, Family: "t2", VCPUs: 1, BaselinePct: 10, EarnPerHour: 6}
	st := c.Start(CreditState{}, 0)
	var want CreditState
	// Ten hours of samples spans two partitions.
	for minute := 1; minute <= 600; minute++ {
		r := c.Step(st, 3, time.Minute)
		s := NewSample(inst, epoch.Add(time.Duration(minute)*time.Minute))
		c.Fill(&s, r)
		if err := ms.Record(context.Background(), region, []Sample{s}); err != nil {
			t.Fatalf("record: %v", err)
		}
		st, want = r.Next, r.Next
	}
	clk.Advance(12 * time.Hour) // stopped since: Latest looks back

	// A restarted daemon: a new Store over the same database.
	restarted := New(ms.st, clk)
	got, err := restarted.Latest(context.Background(), region, inst)
	if err != nil {
		t.Fatalf("latest: %v", err)
	}
	if !got.At.Equal(epoch.Add(600 * time.Minute)) {
		t.Fatalf("latest at %v", got.At)
	}
	cs := got.CreditState()
	if !near(cs.Balance, want.Balance) || cs.Launch != want.Launch || cs.Surplus != want.Surplus {
		t.Fatalf("restored %+v, want %+v", cs, want)
	}

	t.Run("unknown instance", func(t *testing.T) {
		if _, err := restarted.Latest(context.Background(), region, "i-0ffffffffffffffff"); !errors.Is(err, ErrNoData) {
			t.Fatalf("got %v, want ErrNoData", err)
		}
	})
	t.Run("other region", func(t *testing.T) {
		if _, err := restarted.Latest(context.Background(), "eu-west-1", inst); !errors.Is(err, ErrNoData) {
			t.Fatalf("got %v, want ErrNoData", err)
		}
	})
	t.Run("nothing within 15 days", func(t *testing.T) {
		clk.Advance(20 * day)
		if err := restarted.Expire(context.Background(), clk.Now()); err != nil {
			t.Fatalf("expire: %v", err)
		}
		if _, err := restarted.Latest(context.Background(), region, inst); !errors.Is(err, ErrNoData) {
			t.Fatalf("got %v, want ErrNoData", err)
		}
	})
}

func TestFromStats(t *testing.T) {
	at := epoch
	prev := hv.Stats{At: at, CPUTime: 10 * time.Second, NetRxBytes: 1000, NetTxBytes: 500, DiskReadBytes: 7, DiskWriteBytes: 9}
	tests := []struct {
		name   string
		cur    hv.Stats
		vcpus  int
		memMiB int
		demand float64
		want   map[Metric]float64
		none   []Metric // unreported
	}{
		{name: "half of two vCPUs", cur: hv.Stats{At: at.Add(time.Minute), CPUTime: 70 * time.Second, MemoryUsedMiB: 256,
			NetRxBytes: 4000, NetTxBytes: 800, DiskReadBytes: 7, DiskWriteBytes: 19}, vcpus: 2, memMiB: 1024, demand: 50,
			want: map[Metric]float64{MemoryUtilization: 25, NetworkIn: 3000, NetworkOut: 300, DiskReadBytes: 0, DiskWriteBytes: 10, StatusCheckFailed: 0}},
		{name: "counters reset", cur: hv.Stats{At: at.Add(time.Minute), CPUTime: 6 * time.Second, NetRxBytes: 40}, vcpus: 1, memMiB: 512, demand: 10,
			want: map[Metric]float64{NetworkIn: 40}, none: []Metric{MemoryUtilization}}, // the driver knows no memory figure
		{name: "same instant", cur: hv.Stats{At: at, CPUTime: 20 * time.Second}, vcpus: 1, memMiB: 512, demand: 0},
		{name: "a failed status check", cur: hv.Stats{At: at.Add(time.Minute), CPUTime: 10 * time.Second, StatusCheckFailed: true},
			vcpus: 1, memMiB: 512, demand: 0, want: map[Metric]float64{StatusCheckFailed: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, v := FromStats(prev, tt.cur, tt.vcpus, tt.memMiB)
			if !near(d, tt.demand) || v[CPUUtilization] != d {
				t.Fatalf("demand %v (CPUUtilization %v), want %v", d, v[CPUUtilization], tt.demand)
			}
			for m, w := range tt.want {
				if !near(v[m], w) {
					t.Fatalf("%s = %v, want %v", m, v[m], w)
				}
			}
			if v.Has(CPUCreditBalance) {
				t.Fatalf("credit metrics set before the model ran")
			}
			for _, m := range tt.none {
				if v.Has(m) {
					t.Fatalf("%s = %v, want no datapoint", m, v[m])
				}
			}
		})
	}
}

func TestSamplerLoopWithFakeClock(t *testing.T) {
	// What the daemon's sampler does each tick, driven by a fake clock:
	// step the credit model with the demand, fill, record the whole tick.
	ms, clk := openMonitor(t, epoch)
	type guest struct {
		id     string
		c      Credits
		demand float64
		st     CreditState
	}
	t2 := Credits{Burstable: true, Mode: Standard, Family: "t2", VCPUs: 1, BaselinePct: 10, EarnPerHour: 6}
	guests := []*guest{
		{id: "i-000000000000000b1", c: t2, demand: 100},        // cpu-burn t2.micro
		{id: "i-000000000000000b2", c: t2, demand: 2},          // idle t2.micro
		{id: "i-000000000000000b3", c: Credits{}, demand: 100}, // cpu-burn m5.large
	}
	for _, g := range guests {
		g.st = g.c.Start(CreditState{}, 0)
	}
	var tickErr error
	var tick func()
	tick = func() {
		now := clk.Now()
		samples := make([]Sample, 0, len(guests))
		for _, g := range guests {
			r := g.c.Step(g.st, g.demand, time.Minute)
			g.st = r.Next
			s := NewSample(g.id, now)
			s.Values[MemoryUtilization] = 30
			g.c.Fill(&s, r)
			samples = append(samples, s)
		}
		if err := ms.Record(context.Background(), region, samples); err != nil && tickErr == nil {
			tickErr = err
		}
		clk.AfterFunc(time.Minute, tick)
	}
	clk.AfterFunc(time.Minute, tick)
	clk.Advance(3 * time.Hour)
	if tickErr != nil {
		t.Fatalf("record: %v", tickErr)
	}

	lastHalfHour := func(id string, m Metric) ec2.Datapoint {
		out, err := ms.Query(context.Background(), QueryInput{
			Region: region, InstanceID: id, Metric: m, StartTime: clk.Now().Add(-30 * time.Minute),
			EndTime: clk.Now().Add(time.Minute), Period: 1800 + 60, Statistics: []Statistic{Average, Maximum},
		})
		if err != nil || len(out.Datapoints) != 1 {
			t.Fatalf("query %s %s: %v %+v", id, m, err, out.Datapoints)
		}
		return out.Datapoints[0]
	}
	if dp := lastHalfHour("i-000000000000000b1", CPUUtilization); !near(val(dp.Average), 10) {
		t.Fatalf("burning t2.micro averages %v%%, want the 10%% baseline", val(dp.Average))
	}
	if dp := lastHalfHour("i-000000000000000b1", CPUCreditBalance); val(dp.Maximum) > 1e-9 {
		t.Fatalf("burning t2.micro has %v credits, want 0", val(dp.Maximum))
	}
	if dp := lastHalfHour("i-000000000000000b2", CPUUtilization); val(dp.Average) > 5 {
		t.Fatalf("idle t2.micro averages %v%%, want near 0", val(dp.Average))
	}
	if dp := lastHalfHour("i-000000000000000b3", CPUUtilization); !near(val(dp.Average), 100) {
		t.Fatalf("burning m5.large averages %v%%, want 100", val(dp.Average))
	}
}

// The store key constructor and the monitor's own scopes must agree.
func TestKeysMatchScopes(t *testing.T) {
	k := seriesKey(region, inst, 0, 1767225660)
	want := "met/us-east-1/" + inst + "/1m/1767225600/1767225660"
	if string(k) != want {
		t.Fatalf("key %s, want %s", k, want)
	}
	if scope := string(store.Key(store.KindMetric, partitionScope(region, inst, 0, 1767225600), "")); scope+"1767225660" != want {
		t.Fatalf("scope %s does not prefix %s", scope, want)
	}
}
