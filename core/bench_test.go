package core

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
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

// BenchmarkSmallMix is clients looping a small mix on instances of their
// own (run one, wait running, stop, wait stopped, start, wait running,
// terminate); an op is one round. one-region-4: 4 clients in us-east-1;
// two-regions-8: 4 more in eu-west-1, which settle more rounds per second
// only if regions do not serialise on each other (on two cores the CPU
// caps the gain); eu-4: 4 clients in eu-west-1, and eu-4-us-locked the
// same while us-east-1's lock is held back to back, 1 ms at a time, which
// they must not notice.
func BenchmarkSmallMix(b *testing.B) {
	for _, bc := range []struct {
		name    string
		regions []string
		lockUS  bool
	}{
		{"one-region-4", []string{use1}, false},
		{"two-regions-8", []string{use1, "eu-west-1"}, false},
		{"eu-4", []string{"eu-west-1"}, false},
		{"eu-4-us-locked", []string{"eu-west-1"}, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e := newEnv(b, instantBoot)
			stop := make(chan struct{})
			var wg, locker sync.WaitGroup
			if bc.lockUS {
				locker.Add(1)
				go holdRegion(e, use1, stop, &locker)
			}
			var next atomic.Int64
			b.ResetTimer()
			for _, region := range bc.regions {
				for range 4 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for next.Add(1) <= int64(b.N) {
							smallRound(e, region)
						}
					}()
				}
			}
			wg.Wait()
			b.StopTimer()
			close(stop)
			locker.Wait()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rounds/s")
		})
	}
}

// holdRegion keeps region's write lock taken, 1 ms at a time, until stop.
func holdRegion(e *env, region string, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		select {
		case <-stop:
			return
		default:
		}
		_ = e.c.Runtime().Update(e.ctx, region, func(*state.Tx) error {
			time.Sleep(time.Millisecond)
			return nil
		})
	}
}

func smallRound(e *env, region string) {
	id := e.run(region, &ec2.RunInstancesInput{MinCount: 1}).Instances[0].InstanceId
	e.wait(region, ec2.StateRunning, id)
	e.stop(region, false, id)
	e.wait(region, ec2.StateStopped, id)
	e.start(region, id)
	e.wait(region, ec2.StateRunning, id)
	e.terminate(region, id)
}
