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
				if _, err := e.c.TerminateInstances(e.ctx, use1, &ec2.TerminateInstancesInput{InstanceIds: ids}); err != nil {
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

// TestRegionsInParallel runs clients in two regions at once, each with a
// mix of launches, tags, stops, starts, addresses and terminates: with a
// lock per region, their changes interleave freely, and each region ends
// consistent (run it under -race).
func TestRegionsInParallel(t *testing.T) {
	e := newEnv(t, "[sim]\nboot_seconds = 0\nstop_seconds = 0\n")
	regions := []string{use1, "eu-west-1"}
	var wg sync.WaitGroup
	for i := range 8 {
		region := regions[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 15 {
				out, err := e.c.RunInstances(e.ctx, region, &ec2.RunInstancesInput{TagSpecifications: instanceTags("client", "x")})
				if err != nil {
					t.Errorf("%s run: %v", region, err)
					return
				}
				id := out.Instances[0].InstanceId
				if _, err := e.c.CreateTags(e.ctx, region, &ec2.CreateTagsInput{Resources: []string{id}, Tags: []ec2.Tag{{Key: "n", Value: "1"}}}); err != nil {
					t.Errorf("%s tag: %v", region, err)
				}
				a, err := e.c.AllocateAddress(e.ctx, region, &ec2.AllocateAddressInput{})
				if err == nil {
					_, err = e.c.ReleaseAddress(e.ctx, region, &ec2.ReleaseAddressInput{AllocationId: a.AllocationId})
				}
				if err != nil && ec2.CodeOf(err) != ec2.CodeAddressLimitExceeded {
					t.Errorf("%s address: %v", region, err)
				}
				if _, err := e.c.WaitInstances(e.ctx, region, &ec2.WaitInstancesInput{InstanceIds: []string{id}, State: ec2.StateRunning, TimeoutSeconds: 10}); err != nil {
					t.Errorf("%s wait: %v", region, err)
				}
				if _, err := e.c.TerminateInstances(e.ctx, region, &ec2.TerminateInstancesInput{InstanceIds: []string{id}}); err != nil {
					t.Errorf("%s terminate: %v", region, err)
				}
			}
		}()
	}
	wg.Wait()
	for _, r := range regions {
		ids := e.list(r, newFilter("tag:client", "x"))
		if len(ids) != 60 {
			t.Errorf("%s: %d instances, want 60", r, len(ids))
		}
		e.wait(r, ec2.StateTerminated, ids...)
		checkInvariants(t, e, r)
		checkNetInvariants(t, e, r)
	}
}
