package monitor

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/internal/clock"
)

// epoch is where fake clocks start: aligned to every tier and partition.
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

const region = "us-east-1"

// openMonitor returns a Store over a real Badger store in a temp dir, with a
// fake clock at start. Tests skip fsync (they check logic, and fsyncs made
// the suite slow under -race); benchmarks sync, as the daemon does.
func openMonitor(t testing.TB, start time.Time) (*Store, *clock.Fake) {
	t.Helper()
	_, bench := t.(*testing.B)
	st, err := store.Open(context.Background(), t.TempDir(), store.Options{NoSync: !bench})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	clk := clock.NewFake(start)
	return New(st, clk), clk
}

// gen is a deterministic sample generator: every metric is a function of
// the sample's minute, so tests can aggregate by hand what they recorded.
func gen(id string, at time.Time, burstable bool) Sample {
	s := NewSample(id, at)
	for m := range NumMetrics {
		if m.Credit() && !burstable {
			continue
		}
		s.Values[m] = genValue(id, at, m)
	}
	return s
}

// genValue is gen's value of metric m: distinct and non-monotonic, so that
// Minimum and Maximum mean something, with a fraction so sums are inexact.
func genValue(id string, at time.Time, m Metric) float64 {
	k := at.Unix()/60 + int64(len(id))
	return float64((k*int64(7+3*int(m)))%101) + float64(m) + 0.1
}

// recordRange records one sample a step from from (inclusive) to to
// (exclusive), one day per Record call.
func recordRange(t testing.TB, ms *Store, id string, from, to time.Time, step time.Duration, burstable bool) {
	t.Helper()
	var batch []Sample
	flush := func() {
		if err := ms.Record(context.Background(), region, batch); err != nil {
			t.Fatalf("record: %v", err)
		}
		batch = batch[:0]
	}
	for at := from; at.Before(to); at = at.Add(step) {
		batch = append(batch, gen(id, at, burstable))
		if len(batch) == 1440 {
			flush()
		}
	}
	if len(batch) > 0 {
		flush()
	}
}

// handAgg aggregates what gen produced for metric m over [from, to).
func handAgg(id string, m Metric, from, to time.Time, step time.Duration, burstable bool) agg {
	var a agg
	if m.Credit() && !burstable {
		return a
	}
	for at := from; at.Before(to); at = at.Add(step) {
		a.add(genValue(id, at, m))
	}
	return a
}

// tierKeys returns the Unix times of every record of a series in tier ti.
func tierKeys(t testing.TB, ms *Store, id string, ti int) []int64 {
	t.Helper()
	var out []int64
	err := ms.st.Scan(context.Background(), store.KindMetric, region+"/"+id+"/"+tiers[ti].name, func(k, _ []byte) error {
		tm, err := keyTime(k)
		out = append(out, tm)
		return err
	})
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	return out
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func val(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}
