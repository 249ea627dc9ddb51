package core

import (
	"fmt"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

// instantBoot settles every transition at once, so benchmarks measure the
// service and not simulated waits.
const instantBoot = "[sim]\nboot_seconds = 0\nstop_seconds = 0\n"

// BenchmarkRunInstances1000 is one RunInstances call of 1,000 instances:
// validation, placement, addressing, one store commit and 1,000 driver
// creates and starts. The default us-east-1 fleet (4,608 vCPUs) holds them.
func BenchmarkRunInstances1000(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := newEnv(b, instantBoot)
		b.StartTimer()
		out, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{MinCount: 1000, MaxCount: 1000})
		if err != nil {
			b.Fatal(err)
		}
		if len(out.Instances) != 1000 {
			b.Fatalf("launched %d", len(out.Instances))
		}
		b.StopTimer()
		// Close now: every open store holds its memtables until closed.
		e.close()
		b.StartTimer()
	}
	b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "launches/s")
}

// BenchmarkDescribeInstances lists a region of 1,000 instances, whole,
// filtered and by ID: what `ec2x ls` costs the daemon.
func BenchmarkDescribeInstances(b *testing.B) {
	e := newEnv(b, instantBoot)
	var ids []string
	for i := range 10 {
		out := e.run(use1, &ec2.RunInstancesInput{MinCount: 100, TagSpecifications: instanceTags("team", fmt.Sprint(i))})
		ids = append(ids, idsOf(out.Instances)...)
	}
	e.wait(use1, ec2.StateRunning, ids...)
	cases := []struct {
		name string
		in   ec2.DescribeInstancesInput
		want int
	}{
		{"all", ec2.DescribeInstancesInput{}, 1000},
		{"tag filter", ec2.DescribeInstancesInput{Filters: []ec2.Filter{newFilter("tag:team", "3")}}, 100},
		{"wildcard filter", ec2.DescribeInstancesInput{Filters: []ec2.Filter{newFilter("private-dns-name", "ip-172-31-*"), newFilter("instance-state-name", "running")}}, 1000},
		{"100 IDs", ec2.DescribeInstancesInput{InstanceIds: ids[:100]}, 100},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				out, err := e.c.DescribeInstances(e.ctx, use1, &bc.in)
				if err != nil {
					b.Fatal(err)
				}
				if len(out.Instances) != bc.want {
					b.Fatalf("got %d, want %d", len(out.Instances), bc.want)
				}
			}
		})
	}
}

// BenchmarkStopStart100 stops then starts 100 running instances per
// iteration: two state changes of 100 records, each one commit, plus the
// release and re-placement of their hosts and public addresses.
func BenchmarkStopStart100(b *testing.B) {
	e := newEnv(b, instantBoot)
	ids := idsOf(e.run(use1, &ec2.RunInstancesInput{MinCount: 100}).Instances)
	e.wait(use1, ec2.StateRunning, ids...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.stop(use1, false, ids...)
		e.wait(use1, ec2.StateStopped, ids...)
		e.start(use1, ids...)
		e.wait(use1, ec2.StateRunning, ids...)
	}
}
