package monitor

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkRecord1000 is one sampler tick of 1,000 instances (half of them
// burstable) written durably, as the daemon writes it.
func BenchmarkRecord1000(b *testing.B) {
	const n = 1000
	ms, _ := openMonitor(b, epoch)
	tick := make([]Sample, n)
	for i := range tick {
		tick[i] = gen(fmt.Sprintf("i-%017x", i), epoch, i%2 == 0)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		at := epoch.Add(time.Duration(i) * time.Minute)
		for k := range tick {
			tick[k].At = at
		}
		if err := ms.Record(ctx, region, tick); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/instance")
	b.ReportMetric(float64(ms.commits.Load())/float64(b.N), "txns/op")
}

// BenchmarkQuery15Days asks for 15 days of one instance's CPUUtilization at
// a one-minute period (21,600 datapoints) with those 15 days stored.
func BenchmarkQuery15Days(b *testing.B) {
	ms, clk := openMonitor(b, epoch)
	recordRange(b, ms, inst, epoch, epoch.Add(15*day), time.Minute, true)
	clk.Advance(15 * day)
	in := QueryInput{
		Region: region, InstanceID: inst, Metric: CPUUtilization,
		StartTime: clk.Now().Add(-15 * day), EndTime: clk.Now(), Period: 60,
		Statistics: []Statistic{Average},
	}
	ctx := context.Background()
	var dps int
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out, err := ms.Query(ctx, in)
		if err != nil {
			b.Fatal(err)
		}
		dps = len(out.Datapoints)
	}
	if dps != 15*1440 {
		b.Fatalf("%d datapoints, want %d", dps, 15*1440)
	}
	b.ReportMetric(float64(dps), "datapoints")
}

// BenchmarkLatest reads one instance's newest sample, as a restarted daemon
// does for each instance to restore its credits.
func BenchmarkLatest(b *testing.B) {
	ms, clk := openMonitor(b, epoch)
	// The newest sample sits at the end of a full 6-hour partition.
	recordRange(b, ms, inst, epoch, epoch.Add(6*time.Hour), time.Minute, true)
	clk.Advance(6 * time.Hour)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := ms.Latest(ctx, region, inst); err != nil {
			b.Fatal(err)
		}
	}
}
