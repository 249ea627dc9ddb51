package core

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/instance"
	"github.com/ec2x/ec2x/core/state"
)

// netPropFleet is small on purpose so that random operations run into
// every limit: /25 and /26 subnets fill up, one host per zone fills up,
// five Elastic IPs per region. The public pools (1,024 each) are larger
// than all the subnets together, so a running instance always has a public
// IP and checkInvariants may insist on it.
const netPropFleet = `
[lifecycle]
terminated_visible_seconds = 600

[regions.us-east-1]
zones = ["us-east-1a", "us-east-1b"]
public_pool = "198.18.0.0/22"
vpc_cidr = "172.31.0.0/16"
subnet_prefix = 25
default_image = "amazon-linux-2023"

[regions.us-west-2]
zones = ["us-west-2a", "us-west-2b"]
public_pool = "198.18.64.0/22"
vpc_cidr = "172.31.0.0/16"
subnet_prefix = 26
default_image = "amazon-linux-2023"

[fleet]
builtin_hosts = false  # these hosts are the whole fleet

[[hosts]]
zone = "us-east-1a"
count = 1
vcpus = 16
memory_gib = 32
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["t2", "t3"]

[[hosts]]
zone = "us-east-1b"
count = 1
vcpus = 8
memory_gib = 16
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["t2", "t3"]

[[hosts]]
zone = "us-west-2a"
count = 1
vcpus = 16
memory_gib = 32
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["t2", "t3"]

[[hosts]]
zone = "us-west-2b"
count = 1
vcpus = 8
memory_gib = 16
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["t2", "t3"]
`

var (
	netPropRegions = []string{use1, usw2}
	// Types with 2 or 3 interfaces and 2 to 6 addresses per interface.
	netPropTypes = []string{"t2.micro", "t3.nano", "t2.small", "t3.medium"}
)

// netPropSteps is how many operations one run makes: 10,000, fewer under
// the race detector (see raceEnabled), or EC2X_NETPROP_STEPS.
func netPropSteps(t *testing.T) int {
	steps := 10000
	if raceEnabled || testing.Short() {
		steps = 1500
	}
	if s := os.Getenv("EC2X_NETPROP_STEPS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("EC2X_NETPROP_STEPS=%q: want a positive number", s)
		}
		steps = n
	}
	return steps
}

// netPropSeed is a fresh seed per run, or EC2X_NETPROP_SEED to replay one.
func netPropSeed(t *testing.T) uint64 {
	if s := os.Getenv("EC2X_NETPROP_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("EC2X_NETPROP_SEED=%q: want an unsigned number", s)
		}
		return n
	}
	return uint64(time.Now().UnixNano())
}

// netFuzzer makes random networking operations. It remembers every ID it
// has seen, gone or not, per region, so operations also meet unknown IDs.
type netFuzzer struct {
	t       *testing.T
	e       *env
	rng     *rand.Rand
	known   map[string]map[string][]string // region -> kind -> IDs
	ipOf    map[string]string              // allocation -> public IP
	history []string
	tally   map[string]int
	stepNo  int
}

func (f *netFuzzer) remember(region, kind string, ids ...string) {
	m := f.known[region]
	if m == nil {
		m = map[string][]string{}
		f.known[region] = m
	}
	m[kind] = append(m[kind], ids...)
}

// pick returns a known ID of a kind, mostly recent ones (which are more
// likely to still exist), or "" when none is known.
func (f *netFuzzer) pick(region, kind string) string {
	ids := f.known[region][kind]
	if len(ids) == 0 {
		return ""
	}
	if f.rng.IntN(4) != 0 && len(ids) > 12 {
		ids = ids[len(ids)-12:]
	}
	return ids[f.rng.IntN(len(ids))]
}

// forget drops an ID that an operation found gone (err has code), most of
// the time: the few kept stale make later operations meet unknown IDs too,
// and dropping the rest keeps most picks on live resources.
func (f *netFuzzer) forget(region, kind, id string, err error, code string) {
	if id == "" || ec2.CodeOf(err) != code || f.rng.IntN(4) == 0 {
		return
	}
	ids := f.known[region][kind]
	for i, x := range ids {
		if x == id {
			f.known[region][kind] = append(ids[:i:i], ids[i+1:]...)
			return
		}
	}
}

func (f *netFuzzer) logf(format string, args ...any) {
	f.history = append(f.history, fmt.Sprintf("[%v] ", f.e.clk.Now().Sub(epoch))+fmt.Sprintf(format, args...))
}

// expect tallies the outcome and fails on an error other than the codes
// this operation may meet with well-formed but random requests.
func (f *netFuzzer) expect(op string, err error, codes ...string) bool {
	f.t.Helper()
	if err == nil {
		f.tally[op+" ok"]++
		return true
	}
	var ec2 *ec2.Error
	if !errors.As(err, &ec2) {
		f.t.Fatalf("%s: %v", op, err)
	}
	for _, c := range codes {
		if ec2.Code == c {
			f.logf("  -> %s", ec2.Code)
			f.tally[op+" "+c]++
			return false
		}
	}
	f.t.Fatalf("%s: unexpected %s: %s", op, ec2.Code, ec2.Message)
	return false
}

// settle waits (in real time, bounded) until no instance of any region is
// between states. Call it after moving the clock past every transition
// time: the driver has then reported everything, and the only wait is for
// the event loop. Waiting keeps a run repeatable from its seed.
func (f *netFuzzer) settle() {
	f.t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		var changed <-chan struct{}
		busy := ""
		for _, r := range f.e.c.Runtime().Regions() {
			r.RLock()
			for id, rec := range state.Published(r, instance.Instances) {
				switch rec.State.Name {
				case ec2.StatePending, ec2.StateStopping, ec2.StateShuttingDown:
					busy, changed = id+" "+rec.State.Name, r.Changed()
				}
			}
			r.RUnlock()
		}
		if busy == "" {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			f.t.Fatalf("instances never settled after the clock moved past every transition: %s", busy)
		}
	}
}

// advance moves the fake clock past boot and stop times (sometimes past a
// janitor run that forgets old terminated instances) and settles.
func (f *netFuzzer) advance() {
	d := []time.Duration{3 * time.Second, 5 * time.Second, 61 * time.Second}[f.rng.IntN(3)]
	f.logf("advance %v", d)
	f.e.advance(d)
	f.settle()
}

// check runs every invariant on the regions.
func (f *netFuzzer) check(regions ...string) {
	f.t.Helper()
	for _, r := range regions {
		checkInvariants(f.t, f.e, r)
		checkNetInvariants(f.t, f.e, r)
		checkVpcInvariants(f.t, f.e, r)
	}
}

// randomPrivate is a random address of a zone's subnet, reserved ones included.
func (f *netFuzzer) randomPrivate(region, zone string) (string, string) {
	sub := f.e.net(region).SubnetByZone(zone)
	size := 1 << (32 - sub.Cidr.Bits())
	a := sub.Cidr.Addr()
	for range f.rng.IntN(size) {
		a = a.Next()
	}
	return sub.SubnetId, a.String()
}

// addressesOf lists an interface's private IPs as it is now (nil if gone).
func (f *netFuzzer) addressesOf(region, eni string) []string {
	out, err := f.e.c.DescribeNetworkInterfaces(f.e.ctx, region, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{eni}})
	if err != nil {
		return nil
	}
	return privateIPs(out.NetworkInterfaces[0])
}

func TestNetworkPropertyRandomOperations(t *testing.T) {
	seed, steps := netPropSeed(t), netPropSteps(t)
	e := newEnv(t, netPropFleet)
	f := &netFuzzer{t: t, e: e, rng: rand.New(rand.NewPCG(seed, 0x6e6574)), known: map[string]map[string][]string{},
		ipOf: map[string]string{}, tally: map[string]int{}}
	t.Cleanup(func() {
		if t.Failed() {
			tail := f.history[max(0, len(f.history)-40):]
			t.Logf("seed %d, failed at step %d of %d: rerun with EC2X_NETPROP_SEED=%d EC2X_NETPROP_STEPS=%d; last operations:\n%s",
				seed, f.stepNo, steps, seed, steps, strings.Join(tail, "\n"))
		}
	})
	start := time.Now()
	for i := range steps {
		f.stepNo = i
		if i == steps/2 {
			// Mid-run, in whatever state things are: the reloaded books
			// and the reconciled drivers must agree with the records.
			f.logf("restart")
			e.reopen()
			f.check(netPropRegions...)
		}
		f.check(f.step()...)
	}
	t.Logf("seed %d, %d steps in %v; outcomes: %v", seed, steps, time.Since(start).Round(time.Millisecond), f.tally)
	// A run that never got an operation through proves little about it.
	// Only long runs are judged: a short one may miss one by chance.
	for _, op := range []string{"allocate ok", "associate ok", "disassociate ok", "release ok", "create-eni ok", "attach ok", "detach ok", "delete-eni ok", "assign ok", "unassign ok",
		"create-vpc ok", "create-subnet ok", "create-eni-in-subnet ok", "create-route-table ok", "delete-subnet ok", "delete-subnet DependencyViolation",
		"delete-vpc ok", "delete-vpc DependencyViolation", "associate-vpc-block ok", "disassociate-vpc-block ok",
		"disassociate-vpc-block InvalidCidrBlock.InUse", "create-reservation ok"} {
		if f.tally[op] == 0 && steps >= 5000 {
			t.Errorf("%d steps never reached %q: the mix needs a look", steps, op)
		}
	}
	f.restartAndCompare()
	f.drain()
}

// restartAndCompare settles, restarts the daemon and checks that users see
// exactly the same instances, addresses, interfaces, groups, VPCs, subnets
// and reservations as before.
func (f *netFuzzer) restartAndCompare() {
	t, e := f.t, f.e
	f.e.advance(3 * time.Second)
	f.settle()
	view := func() string {
		var b strings.Builder
		for _, r := range netPropRegions {
			ins, _ := e.c.DescribeInstances(e.ctx, r, &ec2.DescribeInstancesInput{})
			as, _ := e.c.DescribeAddresses(e.ctx, r, &ec2.DescribeAddressesInput{})
			ns, _ := e.c.DescribeNetworkInterfaces(e.ctx, r, &ec2.DescribeNetworkInterfacesInput{})
			gs, _ := e.c.DescribeSecurityGroups(e.ctx, r, &ec2.DescribeSecurityGroupsInput{})
			vs, _ := e.c.DescribeVpcs(e.ctx, r, &ec2.DescribeVpcsInput{})
			ss, _ := e.c.DescribeSubnets(e.ctx, r, &ec2.DescribeSubnetsInput{})
			b.WriteString(jsonOf(t, ins) + jsonOf(t, as) + jsonOf(t, ns) + jsonOf(t, gs) + jsonOf(t, vs) + jsonOf(t, ss))
			for _, sub := range ss.Subnets {
				rs, _ := e.c.GetSubnetCidrReservations(e.ctx, r, &ec2.GetSubnetCidrReservationsInput{SubnetId: sub.SubnetId})
				b.WriteString(jsonOf(t, rs))
			}
		}
		return b.String()
	}
	before := view()
	e.reopen()
	f.check(netPropRegions...)
	if after := view(); after != before {
		t.Fatalf("a restart changed what users see:\nbefore %s\nafter  %s", before, after)
	}
}

// drain terminates, releases and deletes everything; every address must
// then be back in its pool and subnet.
func (f *netFuzzer) drain() {
	t, e := f.t, f.e
	for _, r := range netPropRegions {
		live := e.list(r, newFilter("instance-state-name", ec2.StatePending, ec2.StateRunning, ec2.StateStopping, ec2.StateStopped))
		if len(live) > 0 {
			e.terminate(r, live...)
		}
	}
	e.advance(3 * time.Second)
	f.settle()
	for _, r := range netPropRegions {
		for _, a := range e.addresses(r) {
			if a.AssociationId != "" {
				e.disassociate(r, a.AssociationId)
			}
			e.release(r, a.AllocationId)
		}
		for _, id := range e.enis(r) {
			if _, err := e.c.DeleteNetworkInterface(e.ctx, r, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: id}); err != nil {
				t.Fatalf("delete %s after terminating everything: %v", id, err)
			}
		}
		checkInvariants(t, e, r)
		checkNetInvariants(t, e, r)
		rs, unlock := e.view(r)
		pool := netip.MustParsePrefix(rs.cfg.PublicPool)
		if free := rs.net.Public().Free(); free != 1<<(32-pool.Bits()) {
			t.Errorf("%s: %d public addresses still taken with nothing left", r, 1<<(32-pool.Bits())-free)
		}
		for _, s := range rs.net.Subnets {
			if want := 1<<(32-s.Cidr.Bits()) - 5; s.Available() != want {
				t.Errorf("%s: %d private addresses still taken with nothing left", s.SubnetId, want-s.Available())
			}
		}
		unlock()
	}
}
