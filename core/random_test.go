package core

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// randomFleet is small on purpose, so that random launches run into every
// limit: hosts fill up, families are missing in places, us-east-1c has no
// host, and the public pool of us-east-1 (32 addresses) runs dry before
// its hosts do.
const randomFleet = `
[lifecycle]
terminated_visible_seconds = 300

[regions.us-east-1]
zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
public_pool = "198.18.0.0/27"
vpc_cidr = "172.31.0.0/16"
subnet_prefix = 26
default_image = "amazon-linux-2023"

[fleet]
builtin_hosts = false  # these hosts are the whole fleet

[[hosts]]
zone = "us-east-1a"
count = 2
vcpus = 16
memory_gib = 32
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["t2", "t3", "m5"]

[[hosts]]
zone = "us-east-1b"
count = 1
vcpus = 16
memory_gib = 32
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["t2", "t3"]

[[hosts]]
zone = "us-west-2a"
count = 2
vcpus = 16
memory_gib = 64
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["t2", "m5"]

[[hosts]]
zone = "us-west-2b"
count = 1
vcpus = 4
memory_gib = 8
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["t3"]
`

// expectedCodes are the refusals a random but well-formed request may
// meet; anything else is a bug.
var expectedCodes = map[string]bool{
	ec2.CodeIncorrectInstanceState:        true,
	ec2.CodeInsufficientInstanceCapacity:  true,
	ec2.CodeInsufficientAddressCapacity:   true,
	ec2.CodeInvalidInstanceIDNotFound:     true, // purged after terminated_visible_seconds
	ec2.CodeIdempotentParameterMismatch:   true,
	ec2.CodeInvalidInstanceAttributeValue: true, // a family no host of the zone serves
}

// fuzzer drives random operations and remembers every instance ID it saw.
type fuzzer struct {
	t       *testing.T
	e       *env
	rng     *rand.Rand
	known   map[string][]string
	history []string
	tally   map[string]int // outcomes, to show the run reached every path
}

func (f *fuzzer) logf(format string, args ...any) {
	f.history = append(f.history, fmt.Sprintf("[%s] ", f.e.clk.Now().Sub(epoch))+fmt.Sprintf(format, args...))
}

func (f *fuzzer) pick(region string, n int) []string {
	ids := f.known[region]
	if len(ids) == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for range n {
		out = append(out, ids[f.rng.IntN(len(ids))])
	}
	return out
}

// expect fails on an error outside expectedCodes.
func (f *fuzzer) expect(what string, err error) bool {
	f.t.Helper()
	if err == nil {
		f.tally[what+" ok"]++
		return true
	}
	var ec2 *ec2.Error
	if !errors.As(err, &ec2) || !expectedCodes[ec2.Code] {
		f.t.Fatalf("%s: unexpected error %v", what, err)
	}
	f.logf("  -> %s", ec2.Code)
	f.tally[what+" "+ec2.Code]++
	return false
}

// wantStates checks that every change ends in one of the states allowed.
func (f *fuzzer) wantStates(what string, chs []ec2.StateChange, allowed ...string) {
	f.t.Helper()
	for _, ch := range chs {
		if !slices.Contains(allowed, ch.CurrentState.Name) || ch.CurrentState != ec2.NewState(ch.CurrentState.Name) {
			f.t.Fatalf("%s %s: %s -> %+v, want one of %v", what, ch.InstanceId, ch.PreviousState.Name, ch.CurrentState, allowed)
		}
	}
}

var (
	randomTypes   = []string{"t2.micro", "t2.small", "t2.large", "t3.medium", "m5.large"}
	randomRegions = []string{use1, usw2}
)

func (f *fuzzer) step() {
	e, rng := f.e, f.rng
	region := randomRegions[rng.IntN(len(randomRegions))]
	zones := e.cfg.Regions[region].Zones
	switch n := rng.IntN(100); {
	case n < 20:
		min := 1 + rng.IntN(3)
		in := &ec2.RunInstancesInput{MinCount: min, MaxCount: min + rng.IntN(3), InstanceType: randomTypes[rng.IntN(len(randomTypes))]}
		if rng.IntN(2) == 0 {
			in.Placement = &ec2.Placement{AvailabilityZone: zones[rng.IntN(len(zones))]}
		}
		if rng.IntN(5) == 0 {
			in.ClientToken = fmt.Sprintf("tok-%d", rng.IntN(5))
		}
		if rng.IntN(3) == 0 {
			in.TagSpecifications = instanceTags("Name", fmt.Sprintf("n%d", rng.IntN(10)))
		}
		f.logf("run %s %+v", region, *in)
		out, err := e.c.RunInstances(e.ctx, region, in)
		if !f.expect("run", err) {
			return
		}
		if len(out.Instances) == 0 || len(out.Instances) > in.MaxCount {
			f.t.Fatalf("run launched %d for %d..%d", len(out.Instances), in.MinCount, in.MaxCount)
		}
		for _, inst := range out.Instances {
			if inst.Placement.AvailabilityZone != out.Instances[0].Placement.AvailabilityZone {
				f.t.Fatalf("reservation %s spans zones", out.ReservationId)
			}
			if !slices.Contains(f.known[region], inst.InstanceId) {
				f.known[region] = append(f.known[region], inst.InstanceId)
			}
		}
		f.logf("  -> %v", idsOf(out.Instances))
	case n < 32:
		ids := f.pick(region, 1+rng.IntN(2))
		if ids == nil {
			return
		}
		f.logf("start %s %v", region, ids)
		out, err := e.c.StartInstances(e.ctx, region, &ec2.StartInstancesInput{InstanceIds: ids})
		if f.expect("start", err) {
			f.wantStates("start", out.StartingInstances, ec2.StatePending, ec2.StateRunning)
		}
	case n < 44:
		ids := f.pick(region, 1+rng.IntN(2))
		if ids == nil {
			return
		}
		force := rng.IntN(4) == 0
		f.logf("stop %s %v force=%v", region, ids, force)
		out, err := e.c.StopInstances(e.ctx, region, &ec2.StopInstancesInput{InstanceIds: ids, Force: force})
		if f.expect("stop", err) {
			f.wantStates("stop", out.StoppingInstances, ec2.StateStopping, ec2.StateStopped)
		}
	case n < 49:
		ids := f.pick(region, 1)
		if ids == nil {
			return
		}
		f.logf("reboot %s %v", region, ids)
		_, err := e.c.RebootInstances(e.ctx, region, &ec2.InstanceIdsInput{InstanceIds: ids})
		f.expect("reboot", err)
	case n < 58:
		ids := f.pick(region, 1+rng.IntN(2))
		if ids == nil {
			return
		}
		f.logf("terminate %s %v", region, ids)
		out, err := e.c.TerminateInstances(e.ctx, region, &ec2.TerminateInstancesInput{InstanceIds: ids})
		if f.expect("terminate", err) {
			f.wantStates("terminate", out.TerminatingInstances, ec2.StateShuttingDown, ec2.StateTerminated)
		}
	case n < 63:
		ids := f.pick(region, 1)
		if ids == nil {
			return
		}
		typ := randomTypes[rng.IntN(len(randomTypes))]
		f.logf("modify %s %s -> %s", region, ids[0], typ)
		_, err := e.c.ModifyInstanceAttribute(e.ctx, region, &ec2.ModifyInstanceAttributeInput{InstanceId: ids[0], InstanceType: &ec2.AttributeValue{Value: typ}})
		if f.expect("modify", err) {
			if got := e.get(region, ids[0]); got.InstanceType != typ || got.State.Name != ec2.StateStopped {
				f.t.Fatalf("modify to %s gave %s in %s", typ, got.InstanceType, got.State.Name)
			}
		}
	case n < 68:
		ids := f.pick(region, 1)
		if ids == nil {
			return
		}
		f.logf("tag %s %v", region, ids)
		_, err := e.c.CreateTags(e.ctx, region, &ec2.CreateTagsInput{Resources: ids, Tags: []ec2.Tag{{Key: "env", Value: fmt.Sprint(rng.IntN(3))}}})
		f.expect("tag", err)
	case n < 73:
		state := []string{ec2.StatePending, ec2.StateRunning, ec2.StateStopping, ec2.StateStopped, ec2.StateShuttingDown, ec2.StateTerminated}[rng.IntN(6)]
		out, err := e.c.DescribeInstances(e.ctx, region, &ec2.DescribeInstancesInput{Filters: []ec2.Filter{newFilter("instance-state-name", state)}})
		if err != nil {
			f.t.Fatalf("describe: %v", err)
		}
		for _, in := range out.Instances {
			if in.State.Name != state {
				f.t.Fatalf("filter %s returned %s in %s", state, in.InstanceId, in.State.Name)
			}
		}
	default:
		d := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 3 * time.Second, 5 * time.Second}[rng.IntN(5)]
		purge := rng.IntN(40) == 0
		if purge {
			d = 6 * time.Minute // past terminated_visible_seconds: the janitor purges
		}
		f.logf("advance %v", d)
		e.advance(d)
		if purge {
			// Mostly pick instances that still exist; a few purged IDs
			// stay to check that they are gone for good.
			for _, r := range randomRegions {
				visible := e.list(r)
				f.known[r] = slices.DeleteFunc(f.known[r], func(id string) bool {
					return !slices.Contains(visible, id) && rng.IntN(10) != 0
				})
			}
		}
	}
}

func TestRandomOperationsKeepInvariants(t *testing.T) {
	steps := 2000
	if testing.Short() {
		steps = 400
	}
	e := newEnv(t, randomFleet)
	f := &fuzzer{t: t, e: e, rng: rand.New(rand.NewPCG(2026, 3)), known: map[string][]string{}, tally: map[string]int{}}
	t.Cleanup(func() {
		if t.Failed() {
			tail := f.history[max(0, len(f.history)-40):]
			t.Logf("last operations:\n%s", strings.Join(tail, "\n"))
		}
	})
	for i := range steps {
		if i == steps/2 {
			f.logf("restart")
			e.reopen()
		}
		f.step()
		for _, r := range randomRegions {
			checkInvariants(t, e, r)
		}
	}
	t.Logf("outcomes: %v", f.tally)
	// Everything terminated, everything is given back.
	for _, r := range randomRegions {
		live := e.list(r, newFilter("instance-state-name", ec2.StatePending, ec2.StateRunning, ec2.StateStopping, ec2.StateStopped, ec2.StateShuttingDown))
		if len(live) > 0 {
			e.terminate(r, live...)
		}
		e.advance(e.stopTime())
		if len(live) > 0 {
			e.wait(r, ec2.StateTerminated, live...)
		}
		checkInvariants(t, e, r)
		for _, h := range e.hosts(r) {
			if h.UsedVCPUs != 0 || h.UsedMemoryMiB != 0 || h.Guests != 0 {
				t.Errorf("host %s still holds %d vCPUs, %d MiB, %d guests with nothing running", h.ID, h.UsedVCPUs, h.UsedMemoryMiB, h.Guests)
			}
		}
	}
}
