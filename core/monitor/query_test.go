package monitor

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

const inst = "i-0a1b2c3d4e5f60718"

// recordCPU records one sample per value, step apart from epoch.
func recordCPU(t *testing.T, ms *Store, step time.Duration, cpu ...float64) {
	t.Helper()
	var batch []Sample
	for i, v := range cpu {
		s := NewSample(inst, epoch.Add(time.Duration(i)*step))
		s.Values[CPUUtilization] = v
		s.Values[NetworkIn] = 1000 * v
		batch = append(batch, s)
	}
	if err := ms.Record(context.Background(), region, batch); err != nil {
		t.Fatalf("record: %v", err)
	}
}

// stat is one expected datapoint: its offset from epoch and statistics.
type stat struct {
	at                      time.Duration
	avg, min, max, sum, cnt float64
}

func TestQueryStatisticsHandComputed(t *testing.T) {
	all := []Statistic{Average, Minimum, Maximum, Sum, SampleCount}
	tests := []struct {
		name   string
		step   time.Duration
		cpu    []float64
		metric Metric
		start  time.Duration // offset of StartTime from epoch
		end    time.Duration
		period int
		want   []stat
	}{
		{name: "five samples in one 5-minute period", step: time.Minute, cpu: []float64{10, 20, 30, 40, 50},
			start: 0, end: 5 * time.Minute, period: 300,
			want: []stat{{0, 30, 10, 50, 150, 5}}},
		{name: "1-minute periods hold one sample each", step: time.Minute, cpu: []float64{10, 20, 30},
			start: 0, end: 3 * time.Minute, period: 60,
			want: []stat{{0, 10, 10, 10, 10, 1}, {time.Minute, 20, 20, 20, 20, 1}, {2 * time.Minute, 30, 30, 30, 30, 1}}},
		{name: "2-minute periods, last one partial", step: time.Minute, cpu: []float64{10, 20, 30, 40, 50},
			start: 0, end: 5 * time.Minute, period: 120,
			want: []stat{{0, 15, 10, 20, 30, 2}, {2 * time.Minute, 35, 30, 40, 70, 2}, {4 * time.Minute, 50, 50, 50, 50, 1}}},
		{name: "StartTime rounds down to the minute", step: time.Minute, cpu: []float64{10, 20, 30, 40, 50},
			start: 2*time.Minute + 30*time.Second, end: 5 * time.Minute, period: 120,
			want: []stat{{2 * time.Minute, 35, 30, 40, 70, 2}, {4 * time.Minute, 50, 50, 50, 50, 1}}},
		{name: "EndTime is exclusive", step: time.Minute, cpu: []float64{10, 20, 30, 40, 50},
			start: 0, end: 4 * time.Minute, period: 300,
			want: []stat{{0, 25, 10, 40, 100, 4}}},
		{name: "10-second samples aggregate into minutes", step: 10 * time.Second, cpu: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
			start: 0, end: 2 * time.Minute, period: 60,
			want: []stat{{0, 3.5, 1, 6, 21, 6}, {time.Minute, 9.5, 7, 12, 57, 6}}},
		{name: "empty periods are left out", step: 10 * time.Minute, cpu: []float64{5, 7},
			start: 0, end: 20 * time.Minute, period: 300,
			want: []stat{{0, 5, 5, 5, 5, 1}, {10 * time.Minute, 7, 7, 7, 7, 1}}},
		{name: "bytes metric", step: time.Minute, cpu: []float64{1, 2, 3, 4, 5}, metric: NetworkIn,
			start: 0, end: 5 * time.Minute, period: 300,
			want: []stat{{0, 3000, 1000, 5000, 15000, 5}}},
		{name: "unreported metric has no datapoints", step: time.Minute, cpu: []float64{1, 2}, metric: CPUCreditBalance,
			start: 0, end: 5 * time.Minute, period: 300},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, clk := openMonitor(t, epoch)
			recordCPU(t, ms, tt.step, tt.cpu...)
			clk.Advance(time.Hour)
			metric := tt.metric
			out, err := ms.Query(context.Background(), QueryInput{
				Region: region, InstanceID: inst, Metric: metric,
				StartTime: epoch.Add(tt.start), EndTime: epoch.Add(tt.end),
				Period: tt.period, Statistics: all,
			})
			if err != nil {
				t.Fatalf("query: %v", err)
			}
			if out.Label != metric.String() {
				t.Fatalf("label %q", out.Label)
			}
			if len(out.Datapoints) != len(tt.want) {
				t.Fatalf("%d datapoints, want %d: %+v", len(out.Datapoints), len(tt.want), out.Datapoints)
			}
			for i, w := range tt.want {
				dp := out.Datapoints[i]
				if !dp.Timestamp.Equal(epoch.Add(w.at)) || dp.Unit != string(metric.Unit()) {
					t.Fatalf("datapoint %d at %v unit %s, want %v %s", i, dp.Timestamp, dp.Unit, epoch.Add(w.at), metric.Unit())
				}
				got := [...]float64{val(dp.Average), val(dp.Minimum), val(dp.Maximum), val(dp.Sum), val(dp.SampleCount)}
				exp := [...]float64{w.avg, w.min, w.max, w.sum, w.cnt}
				for k := range got {
					if !near(got[k], exp[k]) {
						t.Fatalf("datapoint %d %s = %v, want %v", i, all[k], got[k], exp[k])
					}
				}
			}
		})
	}
}

func TestQueryReturnsOnlyRequestedStatistics(t *testing.T) {
	ms, clk := openMonitor(t, epoch)
	recordCPU(t, ms, time.Minute, 10, 20)
	clk.Advance(time.Hour)
	out, err := ms.Query(context.Background(), QueryInput{
		Region: region, InstanceID: inst, Metric: CPUUtilization,
		StartTime: epoch, EndTime: epoch.Add(time.Hour), Period: 3600,
		Statistics: []Statistic{"max", "Sum"},
	})
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	dp := out.Datapoints[0]
	if dp.Average != nil || dp.Minimum != nil || dp.SampleCount != nil || val(dp.Maximum) != 20 || val(dp.Sum) != 30 {
		t.Fatalf("got %+v, want only Maximum 20 and Sum 30", dp)
	}
}

func TestQueryRefusesBadInput(t *testing.T) {
	now := epoch.Add(500 * day)
	ok := QueryInput{
		Region: region, InstanceID: inst, Metric: CPUUtilization,
		StartTime: now.Add(-time.Hour), EndTime: now, Period: 60, Statistics: []Statistic{Average},
	}
	tests := []struct {
		name   string
		change func(*QueryInput)
		want   error
		text   string
	}{
		{name: "no statistics", change: func(q *QueryInput) { q.Statistics = nil }, want: ErrMissingParameter, text: "Statistics"},
		{name: "unknown statistic", change: func(q *QueryInput) { q.Statistics = []Statistic{"p99"} }, want: ErrInvalidParameterValue, text: "p99"},
		{name: "end before start", change: func(q *QueryInput) { q.EndTime = q.StartTime.Add(-time.Minute) }, want: ErrInvalidParameterValue, text: "StartTime must be less"},
		{name: "period not a minute multiple", change: func(q *QueryInput) { q.Period = 90 }, want: ErrInvalidParameterValue, text: "multiple of 60"},
		{name: "1-minute period 16 days ago", change: func(q *QueryInput) {
			q.StartTime = now.Add(-16 * day)
		}, want: ErrInvalidParameterCombination, text: "must be a multiple of 300 when StartTime is more than 15 days ago"},
		{name: "5-minute period 64 days ago", change: func(q *QueryInput) {
			q.StartTime, q.Period = now.Add(-64*day), 300
		}, want: ErrInvalidParameterCombination, text: "must be a multiple of 3600 when StartTime is more than 63 days ago"},
		{name: "past 455 days", change: func(q *QueryInput) {
			q.StartTime, q.Period = now.Add(-456*day), 3600
		}, want: ErrInvalidParameterCombination, text: "no data is kept past 455 days"},
		{name: "too many datapoints", change: func(q *QueryInput) {
			q.StartTime, q.MaxDatapoints = now.Add(-2*day), CloudWatchMaxDatapoints
		}, want: ErrInvalidParameterCombination, text: "2880 datapoints"},
		{name: "EndTime far ahead", change: func(q *QueryInput) {
			q.EndTime = now.Add(10 * 365 * day)
		}, want: ErrInvalidParameterCombination, text: "exceeds the limit of 1048576"},
		{name: "unknown metric", change: func(q *QueryInput) { q.Metric = NumMetrics }, want: ErrInvalidParameterValue},
		{name: "no instance", change: func(q *QueryInput) { q.InstanceID = "" }, want: ErrMissingParameter},
		{name: "slash in region", change: func(q *QueryInput) { q.Region = "us/east" }, want: ErrInvalidParameterValue},
	}
	ms, _ := openMonitor(t, now)
	if _, err := ms.Query(context.Background(), ok); err != nil {
		t.Fatalf("the valid query fails: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			tt.change(&in)
			_, err := ms.Query(context.Background(), in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("message %q does not say %q", err, tt.text)
			}
		})
	}
}

func TestParseNames(t *testing.T) {
	tests := []struct {
		in   string
		want Metric
		ok   bool
	}{
		{"CPUUtilization", CPUUtilization, true},
		{"cpucreditbalance", CPUCreditBalance, true},
		{"NetworkIn", NetworkIn, true},
		{"DiskIOPS", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			m, err := ParseMetric(tt.in)
			if (err == nil) != tt.ok || (tt.ok && m != tt.want) {
				t.Fatalf("ParseMetric(%q) = %v, %v", tt.in, m, err)
			}
			if err != nil && !errors.Is(err, ErrInvalidParameterValue) {
				t.Fatalf("error %v is not InvalidParameterValue", err)
			}
		})
	}
}
