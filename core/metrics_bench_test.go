package core

import (
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// fleet1000 is a region of 1,000 running instances with a mix of workloads.
func fleet1000(b *testing.B) *env {
	// Durable commits, as the daemon makes them.
	e := newEnvWith(b, instantBoot+"[monitor]\ninterval_seconds = 60\n", envOptions{sync: true})
	for i, w := range []string{"idle", "web", "batch", "cpu-burn"} {
		typ := []string{"t3.micro", "t3.small", "m5.large", "c5.large"}[i]
		if _, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{MinCount: 250, MaxCount: 250, InstanceType: typ,
			TagSpecifications: instanceTags("ec2x:workload", w)}); err != nil {
			b.Fatal(err)
		}
	}
	e.advance(time.Second)
	// The first tick only records the counters each later tick starts from.
	e.c.SampleOnce(e.ctx)
	return e
}

// BenchmarkSampleTick1000 is one sampler tick over 1,000 running instances:
// read counters, run the credit model, record every sample.
func BenchmarkSampleTick1000(b *testing.B) {
	e := fleet1000(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e.clk.Advance(time.Minute - time.Nanosecond) // not quite a tick: the timer stays put
		b.StartTimer()
		e.c.SampleOnce(e.ctx)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "µs/instance")
}

// BenchmarkDescribeFleet1000 is one refresh of `ec2x top` over 1,000
// instances: live rates from the driver's counters, and the host view.
func BenchmarkDescribeFleet1000(b *testing.B) {
	e := fleet1000(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := e.c.DescribeFleet(e.ctx, use1, &ec2.DescribeFleetInput{Hosts: true})
		if err != nil {
			b.Fatal(err)
		}
		if len(f.Instances) != 1000 {
			b.Fatalf("%d instances", len(f.Instances))
		}
	}
}
