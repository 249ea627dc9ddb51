package daemon

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/ec2x/ec2x/core/api"
	wire "github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/internal/clock"
)

// clockSigner signs at the daemon's fake time: the endpoint checks a
// request's time against the daemon's clock, which a test moves by hours.
type clockSigner struct {
	*v4.Signer
	clk clock.Clock
}

func (s clockSigner) SignHTTP(ctx context.Context, c aws.Credentials, r *http.Request, hash, service, region string, _ time.Time, opts ...func(*v4.SignerOptions)) error {
	return s.Signer.SignHTTP(ctx, c, r, hash, service, region, s.clk.Now(), opts...)
}

// fakeTimeSDK starts a daemon on a fake clock (instant boots and stops)
// and returns an SDK client signing at its time, the socket's client (for
// ec2x's own actions) and the clock.
func fakeTimeSDK(t *testing.T) (*ec2.Client, *api.Client, *clock.Fake) {
	t.Helper()
	return fakeTimeSDKWith(t, "[sim]\nboot_seconds = 0\nstop_seconds = 0\n")
}

// fakeTimeSDKWith is fakeTimeSDK with the daemon's config (the endpoint's
// listen is added).
func fakeTimeSDKWith(t *testing.T, cfg string) (*ec2.Client, *api.Client, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(time.Now().UTC().Truncate(time.Second))
	d := runDaemonOn(t, t.TempDir(), cfg+"\n[api]\nlisten = \"127.0.0.1:0\"\n", clk)
	c := ec2.New(ec2.Options{
		BaseEndpoint: aws.String("http://" + d.ec2), Region: "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(testKey, testSecret, ""),
		HTTPSignerV4: clockSigner{v4.NewSigner(), clk}, RetryMaxAttempts: 3,
	})
	return c, api.NewClient(api.Paths{Home: d.home}.Socket(), "test"), clk
}

// maintainSDK schedules code on the host of instance id, in from the
// clock's now, and returns the instance's event.
func maintainSDK(t *testing.T, c *ec2.Client, local *api.Client, clk clock.Clock, id, code string, in time.Duration) wire.InstanceStatusEvent {
	t.Helper()
	host := aws.ToString(describeOne(t, c, id).Placement.HostId)
	var out wire.MaintainHostOutput
	if err := local.Call(context.Background(), "us-east-1", "MaintainHost", &wire.MaintainHostInput{HostId: host, Code: code, NotBefore: clk.Now().Add(in)}, &out); err != nil {
		t.Fatalf("MaintainHost: %v", err)
	}
	for _, ev := range out.Events {
		if ev.InstanceId == id {
			return ev.Event
		}
	}
	t.Fatalf("no event for %s on %s: %+v", id, host, out.Events)
	return wire.InstanceStatusEvent{}
}

// eventSDK is the instance's event of that ID as DescribeInstanceStatus
// gives it (every state), or nil.
func eventSDK(t *testing.T, c *ec2.Client, id, evID string) *types.InstanceStatusEvent {
	t.Helper()
	out, err := c.DescribeInstanceStatus(context.Background(), &ec2.DescribeInstanceStatusInput{InstanceIds: []string{id}, IncludeAllInstances: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range out.InstanceStatuses {
		for _, ev := range s.Events {
			if aws.ToString(ev.InstanceEventId) == evID {
				return &ev
			}
		}
	}
	return nil
}

var eventIDShape = regexp.MustCompile(`^instance-event-[0-9a-f]{17}$`)

// TestSDKScheduledEvents: host maintenance as the SDK sees it: the event
// with EC2's fields, every event.* filter, a reschedule, and the event
// carried out at the fake clock's time (not before), then completed.
func TestSDKScheduledEvents(t *testing.T) {
	c, local, clk := fakeTimeSDK(t)
	ctx := context.Background()
	id := runOne(t, c, &ec2.RunInstancesInput{InstanceType: types.InstanceTypeT3Micro})
	ev := maintainSDK(t, c, local, clk, id, wire.EventSystemReboot, 2*time.Hour)
	got := eventSDK(t, c, id, ev.InstanceEventId)
	if got == nil || !eventIDShape.MatchString(ev.InstanceEventId) || got.Code != types.EventCodeSystemReboot ||
		got.NotBefore == nil || !got.NotBefore.Equal(clk.Now().Add(2*time.Hour)) || got.NotAfter == nil || !got.NotAfter.Equal(clk.Now().Add(4*time.Hour)) ||
		got.NotBeforeDeadline == nil || !got.NotBeforeDeadline.Equal(clk.Now().Add(2*time.Hour+7*24*time.Hour)) ||
		!strings.HasPrefix(aws.ToString(got.Description), "Scheduled system reboot") {
		t.Fatalf("the event as described: %+v (scheduled %+v)", got, ev)
	}
	stamp := func(t *time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
	for _, f := range []struct{ name, hit, miss string }{
		{"event.code", "system-reboot", "instance-stop"},
		{"event.description", "Scheduled system reboot*", "[Completed]*"},
		{"event.instance-event-id", ev.InstanceEventId, "instance-event-00000000000000000"},
		{"event.not-before", stamp(got.NotBefore), stamp(got.NotAfter)},
		{"event.not-after", stamp(got.NotAfter), stamp(got.NotBefore)},
		{"event.not-before-deadline", stamp(got.NotBeforeDeadline), stamp(got.NotBefore)},
	} {
		t.Run(f.name, func(t *testing.T) {
			for _, v := range []struct {
				value string
				want  int
			}{{f.hit, 1}, {f.miss, 0}} {
				out, err := c.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{Filters: []types.Filter{{Name: aws.String(f.name), Values: []string{v.value}}}})
				if err != nil || len(out.InstanceStatuses) != v.want {
					t.Errorf("%s=%s: %d statuses, %v; want %d", f.name, v.value, len(out.InstanceStatuses), err, v.want)
				}
			}
		})
	}

	// Moved an hour later: the window keeps its length.
	later := clk.Now().Add(3 * time.Hour)
	mod, err := c.ModifyInstanceEventStartTime(ctx, &ec2.ModifyInstanceEventStartTimeInput{InstanceId: aws.String(id), InstanceEventId: aws.String(ev.InstanceEventId), NotBefore: &later})
	if err != nil {
		t.Fatalf("ModifyInstanceEventStartTime: %v", err)
	}
	if e := mod.Event; e == nil || aws.ToString(e.InstanceEventId) != ev.InstanceEventId || !e.NotBefore.Equal(later) || !e.NotAfter.Equal(later.Add(2*time.Hour)) ||
		e.Code != types.EventCodeSystemReboot || !e.NotBeforeDeadline.Equal(*got.NotBeforeDeadline) {
		t.Fatalf("the answer's Event: %+v", e)
	}
	clk.Advance(2 * time.Hour) // its first start: nothing happens
	if e := eventSDK(t, c, id, ev.InstanceEventId); e == nil || strings.HasPrefix(aws.ToString(e.Description), "[") || !e.NotBefore.Equal(later) {
		t.Fatalf("at the start it was moved from: %+v, want still scheduled at %s", e, later)
	}
	clk.Advance(time.Hour)
	if e := eventSDK(t, c, id, ev.InstanceEventId); e == nil || !strings.HasPrefix(aws.ToString(e.Description), "[Completed] Scheduled system reboot") {
		t.Fatalf("at its new start: %+v, want [Completed]", e)
	}
	if st := describeOne(t, c, id).State.Name; st != types.InstanceStateNameRunning {
		t.Fatalf("after a reboot event the instance is %s", st)
	}

	// A retirement stops the instance at its time.
	stop := maintainSDK(t, c, local, clk, id, wire.EventInstanceRetirement, time.Hour)
	if stop.NotBeforeDeadline != nil {
		t.Errorf("a retirement has a deadline: %+v", stop)
	}
	clk.Advance(time.Hour)
	w := ec2.NewInstanceStoppedWaiter(c, func(o *ec2.InstanceStoppedWaiterOptions) { o.MinDelay, o.MaxDelay = 20e6, 100e6 })
	if err := w.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}}, 30*time.Second); err != nil {
		t.Fatalf("the retirement did not stop the instance: %v", err)
	}
	if r := describeOne(t, c, id).StateReason; r == nil || aws.ToString(r.Code) != "Server.ScheduledStop" {
		t.Errorf("state reason %+v, want Server.ScheduledStop", r)
	}
}

// TestSDKModifyInstanceEventStartTimeRefusals: EC2's codes for each move
// it refuses, and DryRun.
func TestSDKModifyInstanceEventStartTimeRefusals(t *testing.T) {
	c, local, clk := fakeTimeSDK(t)
	ctx := context.Background()
	id := runOne(t, c, &ec2.RunInstancesInput{InstanceType: types.InstanceTypeT3Micro})
	reboot := maintainSDK(t, c, local, clk, id, wire.EventSystemReboot, 2*time.Hour)
	soon := maintainSDK(t, c, local, clk, id, wire.EventInstanceReboot, 7*time.Minute)
	stop := maintainSDK(t, c, local, clk, id, wire.EventInstanceStop, 2*time.Hour)
	done := maintainSDK(t, c, local, clk, id, wire.EventInstanceReboot, 4*time.Minute+30*time.Second)
	clk.Advance(4*time.Minute + 30*time.Second) // soon starts in 2.5 minutes; done is carried out
	now := clk.Now()
	ptr := func(x time.Time) *time.Time { return &x }
	at := func(d time.Duration) *time.Time { return ptr(now.Add(d)) }
	cases := []struct {
		name    string
		id, ev  string
		when    *time.Time
		dryRun  bool
		want    string
		message string
	}{
		{"malformed instance ID", "i-nope", reboot.InstanceEventId, at(3 * time.Hour), false, "InvalidInstanceID.Malformed", ""},
		{"unknown instance", "i-0123456789abcdef0", reboot.InstanceEventId, at(3 * time.Hour), false, "InvalidInstanceID.NotFound", ""},
		{"unknown event", id, "instance-event-0123456789abcdef0", at(3 * time.Hour), false, "InvalidInstanceEventID.NotFound", ""},
		{"no deadline", id, stop.InstanceEventId, at(3 * time.Hour), false, "InvalidParameterValue", "no deadline"},
		{"starts within 5 minutes", id, soon.InstanceEventId, at(3 * time.Hour), false, "InvalidParameterValue", "within 5 minutes"},
		{"completed", id, done.InstanceEventId, at(3 * time.Hour), false, "InvalidParameterValue", "completed"},
		{"sooner than an hour from now", id, reboot.InstanceEventId, at(59 * time.Minute), false, "InvalidParameterValue", "60 minutes"},
		{"past the deadline", id, reboot.InstanceEventId, ptr(reboot.NotBeforeDeadline.Add(time.Second)), false, "InvalidParameterValue", "deadline"},
		{"dry run", id, reboot.InstanceEventId, at(3 * time.Hour), true, "DryRunOperation", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.ModifyInstanceEventStartTime(ctx, &ec2.ModifyInstanceEventStartTimeInput{InstanceId: aws.String(tc.id), InstanceEventId: aws.String(tc.ev), NotBefore: tc.when, DryRun: aws.Bool(tc.dryRun)})
			if err == nil {
				t.Fatalf("accepted, want %s", tc.want)
			}
			if code := apiCode(t, err); code != tc.want || !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("got %v, want %s (%q)", err, tc.want, tc.message)
			}
		})
	}
	if e := eventSDK(t, c, id, reboot.InstanceEventId); e == nil || !e.NotBefore.Equal(*reboot.NotBefore) {
		t.Fatalf("a refused move changed the event: %+v", e)
	}
}

var nodeShape = regexp.MustCompile(`^nn-[0-9a-f]{17}$`)

// TestSDKDescribeInstanceTopology: only running instances of the types
// EC2 describes are answered, with three network nodes derived from their
// host (shared on one host, the top one shared within a zone only), the
// filters, paging (1 to 100, 20 by default) and EC2's refusals.
func TestSDKDescribeInstanceTopology(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	zone := func(z string) func(*ec2.RunInstancesInput) {
		return func(in *ec2.RunInstancesInput) { in.Placement = &types.Placement{AvailabilityZone: aws.String(z)} }
	}
	a := runningSDK(t, c, 2, types.InstanceTypeG6eXlarge, zone("us-east-1a"))
	b := runningSDK(t, c, 1, types.InstanceTypeG6eXlarge, zone("us-east-1b"))
	other := runningSDK(t, c, 1, types.InstanceTypeT3Micro, zone("us-east-1a"))

	out, err := c.DescribeInstanceTopology(ctx, &ec2.DescribeInstanceTopologyInput{})
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]types.InstanceTopology{}
	for _, x := range out.Instances {
		by[aws.ToString(x.InstanceId)] = x
		if len(x.NetworkNodes) != 3 || aws.ToString(x.InstanceType) != "g6e.xlarge" || aws.ToString(x.ZoneId) == "" {
			t.Errorf("%+v: want 3 nodes, its type and zone ID", x)
		}
		for _, n := range x.NetworkNodes {
			if !nodeShape.MatchString(n) {
				t.Errorf("network node %q", n)
			}
		}
	}
	if len(out.Instances) != 3 || out.NextToken != nil {
		t.Fatalf("%d instances (%v), next %v; want the 3 g6e on one page", len(out.Instances), by, out.NextToken)
	}
	if _, ok := by[other[0]]; ok {
		t.Errorf("a t3.micro is described")
	}
	a0, a1, b0 := by[a[0]], by[a[1]], by[b[0]]
	if aws.ToString(describeOne(t, c, a[0]).Placement.HostId) != aws.ToString(describeOne(t, c, a[1]).Placement.HostId) {
		t.Fatal("the two instances of us-east-1a are on two hosts: the test needs one")
	}
	if strings.Join(a0.NetworkNodes, ",") != strings.Join(a1.NetworkNodes, ",") {
		t.Errorf("one host, two node sets: %v %v", a0.NetworkNodes, a1.NetworkNodes)
	}
	for i := range b0.NetworkNodes {
		if b0.NetworkNodes[i] == a0.NetworkNodes[i] {
			t.Errorf("layer %d shared across zones: %v %v", i+1, a0.NetworkNodes, b0.NetworkNodes)
		}
	}
	if aws.ToString(a0.AvailabilityZone) != "us-east-1a" || aws.ToString(b0.AvailabilityZone) != "us-east-1b" {
		t.Errorf("zones %s %s", aws.ToString(a0.AvailabilityZone), aws.ToString(b0.AvailabilityZone))
	}

	f := func(name, v string) []types.Filter {
		return []types.Filter{{Name: aws.String(name), Values: []string{v}}}
	}
	for _, tc := range []struct {
		name string
		in   ec2.DescribeInstanceTopologyInput
		want int
	}{
		{"availability-zone", ec2.DescribeInstanceTopologyInput{Filters: f("availability-zone", "us-east-1b")}, 1},
		{"instance-type family", ec2.DescribeInstanceTopologyInput{Filters: f("instance-type", "g6e*")}, 3},
		{"instance-type other", ec2.DescribeInstanceTopologyInput{Filters: f("instance-type", "p4d.24xlarge")}, 0},
		{"zone-id", ec2.DescribeInstanceTopologyInput{Filters: f("zone-id", aws.ToString(a0.ZoneId))}, 2},
		{"instance IDs", ec2.DescribeInstanceTopologyInput{InstanceIds: []string{b[0], other[0]}}, 1},
		{"group names", ec2.DescribeInstanceTopologyInput{GroupNames: []string{"nosuch"}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.DescribeInstanceTopology(ctx, &tc.in)
			if err != nil || len(out.Instances) != tc.want {
				t.Fatalf("%d instances, %v; want %d", len(out.Instances), err, tc.want)
			}
		})
	}

	// One a page: three pages, in a stable order.
	pages := ec2.NewDescribeInstanceTopologyPaginator(c, &ec2.DescribeInstanceTopologyInput{MaxResults: aws.Int32(1)})
	var seen []string
	for pages.HasMorePages() {
		p, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range p.Instances {
			seen = append(seen, aws.ToString(x.InstanceId))
		}
	}
	if len(seen) != 3 {
		t.Fatalf("paged one at a time: %v", seen)
	}

	for _, tc := range []struct {
		name string
		in   ec2.DescribeInstanceTopologyInput
		want string
	}{
		{"MaxResults over 100", ec2.DescribeInstanceTopologyInput{MaxResults: aws.Int32(101)}, "InvalidParameterValue"},
		{"MaxResults with instance IDs", ec2.DescribeInstanceTopologyInput{MaxResults: aws.Int32(5), InstanceIds: []string{a[0]}}, "InvalidParameterCombination"},
		{"unknown instance", ec2.DescribeInstanceTopologyInput{InstanceIds: []string{"i-0123456789abcdef0"}}, "InvalidInstanceID.NotFound"},
		{"malformed instance", ec2.DescribeInstanceTopologyInput{InstanceIds: []string{"i-x"}}, "InvalidInstanceID.Malformed"},
		{"unknown filter", ec2.DescribeInstanceTopologyInput{Filters: f("instance-state-name", "running")}, "InvalidParameterValue"},
		{"bad token", ec2.DescribeInstanceTopologyInput{NextToken: aws.String("nonsense")}, "InvalidPaginationToken"},
		{"dry run", ec2.DescribeInstanceTopologyInput{DryRun: aws.Bool(true)}, "DryRunOperation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.DescribeInstanceTopology(ctx, &tc.in)
			if err == nil {
				t.Fatalf("accepted, want %s", tc.want)
			}
			if code := apiCode(t, err); code != tc.want {
				t.Fatalf("got %v, want %s", err, tc.want)
			}
		})
	}

	// Stopped instances are left out.
	stopAndWait(t, c, b[0])
	if out, err := c.DescribeInstanceTopology(ctx, &ec2.DescribeInstanceTopologyInput{}); err != nil || len(out.Instances) != 2 {
		t.Fatalf("after a stop: %v, %v; want 2", out, err)
	}

	// Without MaxResults, twenty a page.
	runningSDK(t, c, 19, types.InstanceTypeG6eXlarge, zone("us-east-1c"))
	out, err = c.DescribeInstanceTopology(ctx, &ec2.DescribeInstanceTopologyInput{})
	if err != nil || len(out.Instances) != 20 || out.NextToken == nil {
		t.Fatalf("21 described, no MaxResults: %d on the first page, next %v, %v; want 20 and a token", len(out.Instances), out.NextToken, err)
	}
	if rest, err := c.DescribeInstanceTopology(ctx, &ec2.DescribeInstanceTopologyInput{NextToken: out.NextToken}); err != nil || len(rest.Instances) != 1 || rest.NextToken != nil {
		t.Fatalf("the second page: %v, %v; want the last one", rest, err)
	}
}
