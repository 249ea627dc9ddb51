package monitor

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// queryAll asks for every statistic of metric m.
func queryAll(t *testing.T, ms *Store, id string, m Metric, from, to time.Time, period int) ([]ec2.Datapoint, error) {
	t.Helper()
	out, err := ms.Query(context.Background(), QueryInput{
		Region: region, InstanceID: id, Metric: m, StartTime: from, EndTime: to, Period: period,
		Statistics: []Statistic{Average, Minimum, Maximum, Sum, SampleCount},
	})
	return out.Datapoints, err
}

// checkAgainstHand compares datapoints with what gen recorded in each period.
func checkAgainstHand(t *testing.T, dps []ec2.Datapoint, id string, m Metric, from, to time.Time, period, step time.Duration, burstable bool) {
	t.Helper()
	i := 0
	for p := from; p.Before(to); p = p.Add(period) {
		want := handAgg(id, m, p, p.Add(period), step, burstable)
		if want.n == 0 {
			continue
		}
		if i >= len(dps) {
			t.Fatalf("%s: no datapoint at %v", m, p)
		}
		dp := dps[i]
		i++
		if !dp.Timestamp.Equal(p) {
			t.Fatalf("%s: datapoint at %v, want %v", m, dp.Timestamp, p)
		}
		if !near(val(dp.Sum), want.sum) || !near(val(dp.Minimum), want.min) || !near(val(dp.Maximum), want.max) ||
			!near(val(dp.SampleCount), want.n) || !near(val(dp.Average), want.sum/want.n) {
			t.Fatalf("%s at %v: got sum %v min %v max %v n %v, want %+v",
				m, p, val(dp.Sum), val(dp.Minimum), val(dp.Maximum), val(dp.SampleCount), want)
		}
	}
	if i != len(dps) {
		t.Fatalf("%s: %d datapoints, want %d", m, len(dps), i)
	}
}

func TestRetentionAcross20Days(t *testing.T) {
	ms, clk := openMonitor(t, epoch)
	const burst, fixed = "i-00000000000000b01", "i-00000000000000f02"
	// The fixed-type instance is sampled every 5 minutes, to keep the test
	// fast under -race; the burstable one every minute.
	step := map[string]time.Duration{burst: time.Minute, fixed: 5 * time.Minute}
	perDay := map[string]int{burst: 1440, fixed: 288}
	// A sampler's life: a day of samples, then the daily Expire.
	for d := 0; d < 20; d++ {
		from := epoch.Add(time.Duration(d) * day)
		recordRange(t, ms, burst, from, from.Add(day), step[burst], true)
		recordRange(t, ms, fixed, from, from.Add(day), step[fixed], false)
		clk.Advance(day)
		if err := ms.Expire(context.Background(), clk.Now()); err != nil {
			t.Fatalf("expire on day %d: %v", d+1, err)
		}
	}
	now := clk.Now()
	cutoff := now.Add(-15 * day)

	t.Run("1-minute records older than 15 days are gone", func(t *testing.T) {
		for _, id := range []string{burst, fixed} {
			ts := tierKeys(t, ms, id, 0)
			if len(ts) != 15*perDay[id] || ts[0] != cutoff.Unix() {
				t.Fatalf("%s: %d 1m records from %v, want %d from %v", id, len(ts), time.Unix(ts[0], 0).UTC(), 15*perDay[id], cutoff)
			}
			fives := tierKeys(t, ms, id, 1)
			if len(fives) != 5*288 || fives[0] != epoch.Unix() || fives[len(fives)-1] != cutoff.Add(-5*time.Minute).Unix() {
				t.Fatalf("%s: %d 5m buckets, want %d covering the first 5 days", id, len(fives), 5*288)
			}
			if hs := tierKeys(t, ms, id, 2); len(hs) != 0 {
				t.Fatalf("%s: %d 1h buckets before 63 days", id, len(hs))
			}
		}
	})

	t.Run("a 1-minute period 16 days ago is refused", func(t *testing.T) {
		_, err := queryAll(t, ms, burst, CPUUtilization, now.Add(-16*day), now.Add(-16*day+time.Hour), 60)
		if !errors.Is(err, ErrInvalidParameterCombination) || !strings.Contains(err.Error(), "multiple of 300") {
			t.Fatalf("got %v, want InvalidParameterCombination asking for a multiple of 300", err)
		}
	})

	t.Run("5-minute periods still answer across the 15-day line", func(t *testing.T) {
		from, to := now.Add(-16*day), now.Add(-14*day)
		for _, m := range []Metric{CPUUtilization, NetworkOut, CPUCreditBalance} {
			dps, err := queryAll(t, ms, burst, m, from, to, 300)
			if err != nil {
				t.Fatalf("query: %v", err)
			}
			if len(dps) != 2*288 {
				t.Fatalf("%s: %d datapoints, want %d", m, len(dps), 2*288)
			}
			checkAgainstHand(t, dps, burst, m, from, to, 5*time.Minute, time.Minute, true)
		}
	})

	t.Run("1-minute periods answer within 15 days", func(t *testing.T) {
		from, to := now.Add(-15*day), now.Add(-15*day+3*time.Hour)
		dps, err := queryAll(t, ms, burst, MemoryUtilization, from, to, 60)
		if err != nil {
			t.Fatalf("query: %v", err)
		}
		if len(dps) != 180 {
			t.Fatalf("%d datapoints, want 180", len(dps))
		}
		checkAgainstHand(t, dps, burst, MemoryUtilization, from, to, time.Minute, time.Minute, true)
	})

	t.Run("every sample is counted exactly once", func(t *testing.T) {
		dps, err := queryAll(t, ms, fixed, DiskReadBytes, epoch, now, 20*86400)
		if err != nil {
			t.Fatalf("query: %v", err)
		}
		if len(dps) != 1 || val(dps[0].SampleCount) != float64(20*perDay[fixed]) {
			t.Fatalf("got %+v, want one datapoint of %d samples", dps, 20*perDay[fixed])
		}
		checkAgainstHand(t, dps, fixed, DiskReadBytes, epoch, now, 20*day, step[fixed], false)
	})

	t.Run("a fixed type has no credit datapoints", func(t *testing.T) {
		dps, err := queryAll(t, ms, fixed, CPUCreditBalance, epoch, now, 3600)
		if err != nil || len(dps) != 0 {
			t.Fatalf("got %d datapoints, %v; want none", len(dps), err)
		}
	})
}

func TestRollupsEqualAggregateOfSamples(t *testing.T) {
	ms, clk := openMonitor(t, epoch)
	const id = "i-000000000000000aa"
	recordRange(t, ms, id, epoch, epoch.Add(2*day), time.Minute, true)

	// Staged as the daemon would see it: 5-minute buckets at 16 days, then
	// 1-hour buckets at 66 days.
	clk.Advance(17 * day)
	if err := ms.Expire(context.Background(), clk.Now()); err != nil {
		t.Fatalf("expire: %v", err)
	}
	checkBuckets(t, ms, id, 1, 5*time.Minute, 2*288)
	dps, err := queryAll(t, ms, id, CPUSurplusCreditBalance, epoch, epoch.Add(2*day), 300)
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	checkAgainstHand(t, dps, id, CPUSurplusCreditBalance, epoch, epoch.Add(2*day), 5*time.Minute, time.Minute, true)

	clk.Advance(49 * day)
	if err := ms.Expire(context.Background(), clk.Now()); err != nil {
		t.Fatalf("expire: %v", err)
	}
	if n := len(tierKeys(t, ms, id, 1)); n != 0 {
		t.Fatalf("%d 5m buckets left after 63 days", n)
	}
	checkBuckets(t, ms, id, 2, time.Hour, 48)
	for _, m := range []Metric{CPUUtilization, StatusCheckFailed, CPUSurplusCreditsCharged} {
		dps, err := queryAll(t, ms, id, m, epoch, epoch.Add(2*day), 3*3600)
		if err != nil {
			t.Fatalf("query: %v", err)
		}
		checkAgainstHand(t, dps, id, m, epoch, epoch.Add(2*day), 3*time.Hour, time.Minute, true)
	}

	// Past 455 days nothing is left, index included.
	clk.Advance(400 * day)
	if err := ms.Expire(context.Background(), clk.Now()); err != nil {
		t.Fatalf("expire: %v", err)
	}
	n := 0
	if err := ms.st.Scan(context.Background(), "met", "", func(k, _ []byte) error { n++; return nil }); err != nil {
		t.Fatalf("scan: %v", err)
	}
	if n != 0 {
		t.Fatalf("%d metric keys left after 455 days", n)
	}
}

// checkBuckets compares every bucket record of tier ti with the aggregate
// of the samples gen made for its span, metric by metric.
func checkBuckets(t *testing.T, ms *Store, id string, ti int, span time.Duration, want int) {
	t.Helper()
	got := 0
	err := ms.st.Scan(context.Background(), "met", region+"/"+id+"/"+tiers[ti].name, func(k, v []byte) error {
		at, err := keyTime(k)
		if err != nil {
			return err
		}
		var b bucket
		r := bucketRecord{b: &b}
		if err := r.UnmarshalJSON(v); err != nil {
			return err
		}
		from := time.Unix(at, 0).UTC()
		for m := range NumMetrics {
			h := handAgg(id, m, from, from.Add(span), time.Minute, true)
			if !near(b[m].sum, h.sum) || b[m].min != h.min || b[m].max != h.max || b[m].n != h.n {
				t.Fatalf("%s bucket at %v %s = %+v, want %+v", tiers[ti].name, from, m, b[m], h)
			}
		}
		got++
		return nil
	})
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	if got != want {
		t.Fatalf("%d %s buckets, want %d", got, tiers[ti].name, want)
	}
}

func TestExpireMovesOnlyWhatIsPastRetention(t *testing.T) {
	now := epoch.Add(600 * day)
	tests := []struct {
		name string
		age  time.Duration
		tier int // where the sample is after Expire; -1: gone
	}{
		{name: "a minute old", age: time.Minute, tier: 0},
		{name: "just under 15 days", age: 15*day - time.Minute, tier: 0},
		{name: "exactly 15 days", age: 15 * day, tier: 0},
		{name: "15 days and 5 minutes", age: 15*day + 5*time.Minute, tier: 1},
		{name: "a month", age: 30 * day, tier: 1},
		{name: "just under 63 days", age: 63*day - time.Hour, tier: 1},
		{name: "63 days and an hour", age: 63*day + time.Hour, tier: 2},
		{name: "a year", age: 365 * day, tier: 2},
		{name: "just under 455 days", age: 455*day - time.Hour, tier: 2},
		{name: "455 days and an hour", age: 455*day + time.Hour, tier: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := now.Add(-tt.age)
			ms, _ := openMonitor(t, at) // recorded when it was new

			if err := ms.Record(context.Background(), region, []Sample{gen(inst, at, true)}); err != nil {
				t.Fatalf("record: %v", err)
			}
			if err := ms.Expire(context.Background(), now); err != nil {
				t.Fatalf("expire: %v", err)
			}
			for ti := range tiers {
				n := len(tierKeys(t, ms, inst, ti))
				if want := ti == tt.tier; (n == 1) != want || n > 1 {
					t.Fatalf("%s tier holds %d records, want the sample there: %v", tiers[ti].name, n, want)
				}
			}
		})
	}
}
