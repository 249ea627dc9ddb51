package daemon

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// twoSmallPools is one 16-vCPU m5 host in each of two zones, spot
// repriced every 5 minutes: eight m5.large fill a zone.
const twoSmallPools = `[sim]
boot_seconds = 0
stop_seconds = 0

[spot]
reprice_minutes = 5

[fleet]
builtin_hosts = false

[[hosts]]
zone = "us-east-1a"
count = 1
vcpus = 16
memory_gib = 64
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["m5"]

[[hosts]]
zone = "us-east-1b"
count = 1
vcpus = 16
memory_gib = 64
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["m5"]
`

// DescribeSpotPriceHistory takes the zone by ID and a product list. A
// spot instance priced out of its full pool gets EC2's two-minute
// notice, and DescribeInstanceStatus shows it as a scheduled event, as
// the SDK reads it: found by the event filters, not before the notice.
func TestSDKInstanceStatusSpotNotice(t *testing.T) {
	c, _, clk := fakeTimeSDKWith(t, twoSmallPools)
	ctx := context.Background()
	const zone = "us-east-1a"
	place := &types.Placement{AvailabilityZone: aws.String(zone)}
	prices, err := c.DescribeSpotPriceHistory(ctx, &ec2.DescribeSpotPriceHistoryInput{InstanceTypes: []types.InstanceType{"m5.large"},
		AvailabilityZone: aws.String(zone), ProductDescriptions: []string{"Linux/UNIX"}, StartTime: aws.Time(clk.Now())})
	if err != nil || len(prices.SpotPriceHistory) == 0 {
		t.Fatalf("spot price: %+v %v", prices, err)
	}
	now, _ := strconv.ParseFloat(aws.ToString(prices.SpotPriceHistory[0].SpotPrice), 64)
	// The same pool by zone ID; no history for a product ec2x does not sell.
	byID, err := c.DescribeSpotPriceHistory(ctx, &ec2.DescribeSpotPriceHistoryInput{InstanceTypes: []types.InstanceType{"m5.large"},
		AvailabilityZoneId: aws.String("use1-az6"), StartTime: aws.Time(clk.Now())})
	if err != nil || len(byID.SpotPriceHistory) != len(prices.SpotPriceHistory) || aws.ToString(byID.SpotPriceHistory[0].AvailabilityZone) != zone {
		t.Errorf("by zone ID use1-az6: %+v %v", byID, err)
	}
	win, err := c.DescribeSpotPriceHistory(ctx, &ec2.DescribeSpotPriceHistoryInput{ProductDescriptions: []string{"Windows"}})
	if err != nil || len(win.SpotPriceHistory) != 0 {
		t.Errorf("Windows prices: %+v %v", win, err)
	}
	// A bid just above today's price, in a pool about to fill.
	spot := runOne(t, c, &ec2.RunInstancesInput{InstanceType: "m5.large", Placement: place,
		InstanceMarketOptions: &types.InstanceMarketOptionsRequest{MarketType: types.MarketTypeSpot,
			SpotOptions: &types.SpotMarketOptions{MaxPrice: aws.String(strconv.FormatFloat(now*1.05, 'f', 6, 64)),
				InstanceInterruptionBehavior: types.InstanceInterruptionBehaviorTerminate}}})
	events := func(filters ...types.Filter) []types.InstanceStatusEvent {
		t.Helper()
		out, err := c.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{InstanceIds: []string{spot}, Filters: filters})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.InstanceStatuses) == 0 {
			return nil
		}
		return out.InstanceStatuses[0].Events
	}
	if ev := events(); len(ev) != 0 {
		t.Fatalf("events before any notice: %+v", ev)
	}
	if _, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(7), MaxCount: aws.Int32(7), InstanceType: "m5.large", Placement: place}); err != nil {
		t.Fatal(err)
	}
	var ev []types.InstanceStatusEvent
	for i := 0; i < 24*12 && len(ev) == 0; i++ {
		clk.Advance(5 * time.Minute)
		// The repricing runs on the daemon's goroutines: give it a moment.
		for j := 0; j < 20 && len(ev) == 0; j++ {
			if ev = events(filter("event.code", "instance-*")); len(ev) == 0 {
				time.Sleep(5 * time.Millisecond)
			}
		}
	}
	if len(ev) != 1 {
		t.Fatalf("no spot notice in a day with the pool full: %+v", ev)
	}
	e := ev[0]
	if e.Code != types.EventCodeInstanceRetirement || e.NotBefore == nil || e.NotAfter == nil || len(aws.ToString(e.InstanceEventId)) != len("instance-event-")+17 {
		t.Fatalf("event %+v, want an instance-retirement with its window and ID", e)
	}
	if got := events(filter("event.instance-event-id", aws.ToString(e.InstanceEventId))); len(got) != 1 {
		t.Errorf("by event.instance-event-id: %+v", got)
	}
	d := describeOne(t, c, spot)
	if d.InstanceLifecycle != types.InstanceLifecycleTypeSpot {
		t.Errorf("lifecycle %q", d.InstanceLifecycle)
	}
}
