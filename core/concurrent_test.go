package core

import (
	"sync"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

// TestTerminateDuringLaunch races terminates against launches: an instance
// is visible (pending) before its guest exists, and a terminate in that
// window used to find no guest and leave the instance shutting-down for
// ever, holding its host and addresses.
func TestTerminateDuringLaunch(t *testing.T) {
	e := newEnv(t, "[sim]\nboot_seconds = 0\nstop_seconds = 0\n")
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			out, err := e.c.DescribeInstances(e.ctx, use1, &ec2.DescribeInstancesInput{Filters: []ec2.Filter{newFilter("instance-state-name", ec2.StatePending)}})
			if err != nil {
				t.Errorf("describe: %v", err)
				return
			}
			if ids := idsOf(out.Instances); len(ids) > 0 {
				if _, err := e.c.TerminateInstances(e.ctx, use1, &ec2.InstanceIdsInput{InstanceIds: ids}); err != nil {
					t.Errorf("terminate: %v", err)
					return
				}
			}
		}
	}()
	var all []string
	for range 150 {
		out, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, out.Instances[0].InstanceId)
	}
	close(done)
	wg.Wait()
	e.terminate(use1, all...)
	e.wait(use1, ec2.StateTerminated, all...)
	checkInvariants(t, e, use1)
	for _, h := range e.hosts(use1) {
		if h.UsedVCPUs != 0 {
			t.Errorf("host %s holds %d vCPUs with every instance terminated", h.ID, h.UsedVCPUs)
		}
	}
}
