package core

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/market"
	"github.com/ec2x/ec2x/internal/clock"
	pricingwasm "github.com/ec2x/ec2x/pricing-wasm"
	"github.com/ec2x/ec2x/pricing-wasm/modules"
	"github.com/ec2x/ec2x/pricing-wasm/wasmtest"
)

// pricingHost is one wazero host with the built-in modules for the whole
// test binary: compiling them is the slow part, and modules are immutable.
var pricingHost = sync.OnceValues(func() (*pricingwasm.Host, error) {
	ctx := context.Background()
	h, err := pricingwasm.New(ctx, pricingwasm.Config{CacheDir: wasmtest.CacheDir(), CallTimeout: wasmtest.CallTimeout})
	if err != nil {
		return nil, err
	}
	for _, b := range modules.All() {
		if _, err := h.Load(ctx, b.Name, b.Wasm); err != nil {
			return nil, err
		}
	}
	return h, nil
})

// newMarketEnv is newEnv with the built-in WebAssembly modules pricing spot
// and reserved capacity; it returns once the first market run has priced
// every pool.
func newMarketEnv(t testing.TB, toml string) *env {
	t.Helper()
	h, err := pricingHost()
	if err != nil {
		t.Fatalf("pricing host: %v", err)
	}
	e := &env{t: t, ctx: context.Background(), cfg: loadConfig(t, toml), clk: clock.NewFake(epoch), dir: t.TempDir(), noSync: true, seed: 1}
	e.pricer = market.NewModulePricer(h, e.cfg)
	e.open()
	t.Cleanup(e.close)
	e.awaitMarket(1)
	return e
}

// awaitMarket waits (in real time, bounded) until n market runs finished.
func (e *env) awaitMarket(n int64) {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for e.c.Runs.Load() < n {
		if time.Now().After(deadline) {
			e.t.Fatalf("the spot market did not run %d times in 60s", n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// runSpot launches n spot instances of typ in zone and waits until they run.
func (e *env) runSpot(region, typ, zone string, n int, max, interruption string) []string {
	e.t.Helper()
	so := &ec2.SpotOptions{MaxPrice: max, InstanceInterruptionBehavior: interruption}
	if interruption == "stop" || interruption == "hibernate" {
		so.SpotInstanceType = "persistent"
	}
	out := e.run(region, &ec2.RunInstancesInput{MinCount: n, InstanceType: typ, Placement: &ec2.Placement{AvailabilityZone: zone},
		InstanceMarketOptions: &ec2.InstanceMarketOptions{MarketType: "spot", SpotOptions: so}})
	ids := idsOf(out.Instances)
	e.advance(e.bootTime())
	e.wait(region, ec2.StateRunning, ids...)
	return ids
}

// request describes one spot request.
func (e *env) request(region, id string) ec2.SpotInstanceRequest {
	e.t.Helper()
	out, err := e.c.DescribeSpotInstanceRequests(e.ctx, region, &ec2.DescribeSpotInstanceRequestsInput{SpotInstanceRequestIds: []string{id}})
	if err != nil {
		e.t.Fatalf("DescribeSpotInstanceRequests %s: %v", id, err)
	}
	return out.SpotInstanceRequests[0]
}

// smallPools gives each us-east-1 zone one m5 host of 16 vCPUs (eight
// m5.large), so that a test fills a pool with a handful of guests.
const smallPools = `
[sim]
boot_seconds = 0
stop_seconds = 0

[spot]
reprice_minutes = 5

[fleet]
builtin_hosts = false  # these hosts are the whole fleet

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

func TestSpotWeekFollowsPoolFill(t *testing.T) {
	e := newMarketEnv(t, smallPools)
	const zone, typ = "us-east-1a", "m5.large"
	od := e.c.OnDemand(use1, typ)
	start := e.clk.Now()
	// A week in 5-minute ticks: the pool stays empty for two days, then
	// fills by a quarter a day (two m5.large on a 16-vCPU host each day,
	// seven and eight on the last days).
	fill := map[int]int{2: 2, 3: 2, 4: 2, 5: 1, 6: 1}
	var daily [7][]float64
	for day := 0; day < 7; day++ {
		if n := fill[day]; n > 0 {
			e.launchTyped(use1, typ, zone, n)
		}
		for tick := 0; tick < 24*12; tick++ {
			e.advance(5 * time.Minute)
			p := e.spotNow(use1, zone, typ)
			if p < 0.1*od-1e-9 || p > od+1e-9 {
				t.Fatalf("day %d tick %d: spot %.6f is outside [10%%, 100%%] of on-demand %.6f", day, tick, p, od)
			}
			daily[day] = append(daily[day], p)
		}
	}
	mean := func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	}
	for day := 1; day < 7; day++ {
		// With the pool steady the price only wiggles (2 % at most); as it
		// fills the daily mean climbs.
		if a, b := mean(daily[day-1]), mean(daily[day]); b < a*0.97 {
			t.Errorf("day %d mean %.6f fell below day %d's %.6f while the pool filled", day, b, day-1, a)
		}
	}
	if m := mean(daily[0]); m > 0.3*od {
		t.Errorf("empty pool: mean spot %.6f is more than 30%% of on-demand %.6f", m, od)
	}
	if m := mean(daily[6]); m < 0.9*od {
		t.Errorf("full pool: mean spot %.6f is under 90%% of on-demand %.6f", m, od)
	}
	// The history holds the week, every point in the band, newest first.
	h, err := e.c.DescribeSpotPriceHistory(e.ctx, use1, &ec2.DescribeSpotPriceHistoryInput{InstanceTypes: []string{typ},
		AvailabilityZone: zone, StartTime: start, EndTime: e.clk.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.SpotPriceHistory) < 20 {
		t.Fatalf("a week of a filling pool left %d history points", len(h.SpotPriceHistory))
	}
	for i, p := range h.SpotPriceHistory {
		v, _ := strconv.ParseFloat(p.SpotPrice, 64)
		if v < 0.1*od-1e-6 || v > od+1e-6 {
			t.Errorf("history %s: %s outside [10%%, 100%%] of %.6f", p.Timestamp, p.SpotPrice, od)
		}
		if i > 0 && p.Timestamp.After(h.SpotPriceHistory[i-1].Timestamp) {
			t.Errorf("history is not newest first at %d", i)
		}
	}
	if got := h.SpotPriceHistory[len(h.SpotPriceHistory)-1].Timestamp; got.After(start.Add(10 * time.Minute)) {
		t.Errorf("oldest point %s: the history lost the week's start %s", got, start)
	}
}

func TestSpotMaxPricePassedGivesTwoMinuteNotice(t *testing.T) {
	e := newMarketEnv(t, smallPools)
	const zone, typ = "us-east-1a", "m5.large"
	od := e.c.OnDemand(use1, typ)
	max := 0.3 * od
	spot := e.runSpot(use1, typ, zone, 1, strconv.FormatFloat(max, 'f', 6, 64), "stop")[0]
	reqID := e.get(use1, spot).SpotInstanceRequestId
	if r := e.request(use1, reqID); r.State != "active" || r.Status.Code != "fulfilled" || r.Type != "persistent" {
		t.Fatalf("request after launch: %s %s %s", r.State, r.Status.Code, r.Type)
	}
	// Fill the pool with on-demand guests: the price climbs past 30 %.
	fillers := e.launchTyped(use1, typ, zone, 7)
	var noticed time.Time
	for i := 0; i < 24*12 && noticed.IsZero(); i++ {
		e.advance(5 * time.Minute)
		if in := e.get(use1, spot); in.SpotInstanceAction != nil {
			noticed = e.clk.Now()
			if in.SpotInstanceAction.Action != "stop" {
				t.Fatalf("notice action %q, want stop", in.SpotInstanceAction.Action)
			}
			if want := noticed.Add(2 * time.Minute); !in.SpotInstanceAction.Time.Equal(want) {
				t.Fatalf("notice time %s, want two minutes after the tick: %s", in.SpotInstanceAction.Time, want)
			}
			if p := e.spotNow(use1, zone, typ); p <= max {
				t.Fatalf("notice with the price %.6f still under the max %.6f", p, max)
			}
		}
	}
	if noticed.IsZero() {
		t.Fatalf("no notice in a day with the pool full: spot %.6f, max %.6f", e.spotNow(use1, zone, typ), max)
	}
	if log := e.console(use1, spot); !strings.Contains(log, "spot instance-action: stop at "+noticed.Add(2*time.Minute).UTC().Format(time.RFC3339)) {
		t.Errorf("the console does not show the notice:\n%s", log)
	}
	if r := e.request(use1, reqID); r.Status.Code != "marked-for-stop" {
		t.Errorf("request status %q during the notice, want marked-for-stop", r.Status.Code)
	}
	e.advance(2*time.Minute - time.Second)
	if s := e.get(use1, spot).State.Name; s != ec2.StateRunning {
		t.Fatalf("a second before the notice ends the instance is %s", s)
	}
	e.advance(time.Second)
	in := e.wait(use1, ec2.StateStopped, spot)[0]
	if in.StateReason == nil || in.StateReason.Code != "Server.SpotInstanceShutdown" {
		t.Errorf("StateReason %+v, want Server.SpotInstanceShutdown", in.StateReason)
	}
	if r := e.request(use1, reqID); r.State != "disabled" || r.Status.Code != "instance-stopped-by-price" {
		t.Errorf("request after the stop: %s %s, want disabled instance-stopped-by-price", r.State, r.Status.Code)
	}
	// The on-demand guests leave, the price falls, and the persistent
	// request starts its instance again.
	e.terminate(use1, fillers...)
	for i := 0; i < 24*12 && e.get(use1, spot).State.Name != ec2.StateRunning; i++ {
		e.advance(5 * time.Minute)
	}
	if s := e.get(use1, spot).State.Name; s != ec2.StateRunning {
		t.Fatalf("the request did not restart its instance once the price fell (%s, spot %.6f)", s, e.spotNow(use1, zone, typ))
	}
	if r := e.request(use1, reqID); r.State != "active" || r.Status.Code != "fulfilled" {
		t.Errorf("request after the restart: %s %s", r.State, r.Status.Code)
	}
}

func TestOnDemandIntoFullZoneInterruptsSpot(t *testing.T) {
	e := newMarketEnv(t, smallPools)
	const zone, typ = "us-east-1a", "m5.large"
	od := e.c.OnDemand(use1, typ)
	// Eight spot guests fill the host; two of them bid the least.
	rich := e.runSpot(use1, typ, zone, 6, "", "terminate")
	cheap := e.runSpot(use1, typ, zone, 2, strconv.FormatFloat(0.5*od, 'f', 6, 64), "terminate")
	_ = rich
	out, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{MinCount: 2, InstanceType: typ, Placement: &ec2.Placement{AvailabilityZone: zone}})
	if err != nil {
		t.Fatalf("an on-demand launch into a zone full of spot failed: %v", err)
	}
	noticeAt := e.clk.Now().Add(2 * time.Minute)
	var noticed []string
	for _, id := range append(append([]string{}, rich...), cheap...) {
		if a := e.get(use1, id).SpotInstanceAction; a != nil {
			noticed = append(noticed, id)
			if !a.Time.Equal(noticeAt) || a.Action != "terminate" {
				t.Errorf("%s notice %+v, want terminate at %s", id, a, noticeAt)
			}
		}
	}
	if strings.Join(noticed, ",") != strings.Join(cheap, ",") {
		t.Fatalf("noticed %v, want the lowest-paying %v", noticed, cheap)
	}
	e.advance(2 * time.Minute)
	for _, id := range cheap {
		in := e.wait(use1, ec2.StateTerminated, id)[0]
		if in.StateReason == nil || in.StateReason.Code != "Server.SpotInstanceTermination" {
			t.Errorf("%s StateReason %+v, want Server.SpotInstanceTermination", id, in.StateReason)
		}
		if r := e.request(use1, in.SpotInstanceRequestId); r.State != "closed" || r.Status.Code != "instance-terminated-no-capacity" {
			t.Errorf("%s request: %s %s, want closed instance-terminated-no-capacity", id, r.State, r.Status.Code)
		}
	}
	e.wait(use1, ec2.StateRunning, idsOf(out.Instances)...)
	for _, id := range rich {
		if s := e.get(use1, id).State.Name; s != ec2.StateRunning {
			t.Errorf("spot guest %s paying on-demand was interrupted: %s", id, s)
		}
	}
	// A zone that spot cannot make room in still refuses.
	if _, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{MinCount: 7, InstanceType: typ, Placement: &ec2.Placement{AvailabilityZone: zone}}); ec2.CodeOf(err) != ec2.CodeInsufficientInstanceCapacity {
		t.Errorf("launching more than spot frees: %v, want %s", err, ec2.CodeInsufficientInstanceCapacity)
	}
}

func TestSpotRules(t *testing.T) {
	e := newMarketEnv(t, smallPools)
	const zone, typ = "us-east-1a", "m5.large"
	od := e.c.OnDemand(use1, typ)
	oneTime := e.runSpot(use1, typ, zone, 1, "", "terminate")[0]
	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"a one-time spot instance cannot be stopped", func() error {
			_, err := e.c.StopInstances(e.ctx, use1, &ec2.StopInstancesInput{InstanceIds: []string{oneTime}})
			return err
		}, ec2.CodeUnsupportedOperation},
		{"a max price under the market is refused", func() error {
			_, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{MinCount: 1, InstanceType: typ,
				InstanceMarketOptions: &ec2.InstanceMarketOptions{MarketType: "spot", SpotOptions: &ec2.SpotOptions{MaxPrice: strconv.FormatFloat(0.01*od, 'f', 6, 64)}}})
			return err
		}, ec2.CodeSpotMaxPriceTooLow},
		{"stop needs a persistent request", func() error {
			_, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{MinCount: 1, InstanceType: typ,
				InstanceMarketOptions: &ec2.InstanceMarketOptions{MarketType: "spot", SpotOptions: &ec2.SpotOptions{SpotInstanceType: "one-time", InstanceInterruptionBehavior: "stop"}}})
			return err
		}, ec2.CodeInvalidParameterCombination},
		{"a malformed max price", func() error {
			_, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{MinCount: 1, InstanceType: typ,
				InstanceMarketOptions: &ec2.InstanceMarketOptions{MarketType: "spot", SpotOptions: &ec2.SpotOptions{MaxPrice: "cheap"}}})
			return err
		}, ec2.CodeInvalidParameterValue},
		{"a malformed request ID", func() error {
			_, err := e.c.CancelSpotInstanceRequests(e.ctx, use1, &ec2.CancelSpotInstanceRequestsInput{SpotInstanceRequestIds: []string{"i-123"}})
			return err
		}, ec2.CodeInvalidSpotInstanceRequestIDMalformed},
		{"an unknown request ID", func() error {
			_, err := e.c.CancelSpotInstanceRequests(e.ctx, use1, &ec2.CancelSpotInstanceRequestsInput{SpotInstanceRequestIds: []string{"sir-0123456789abcdef0"}})
			return err
		}, ec2.CodeInvalidSpotInstanceRequestIDNotFound},
	}
	t.Run("filters find spot instances", func(t *testing.T) {
		req := e.get(use1, oneTime).SpotInstanceRequestId
		for _, f := range []ec2.Filter{newFilter("instance-lifecycle", "spot"), newFilter("spot-instance-request-id", req)} {
			if got := e.list(use1, f); len(got) != 1 || got[0] != oneTime {
				t.Errorf("%s=%v: %v, want [%s]", f.Name, f.Values, got, oneTime)
			}
		}
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); ec2.CodeOf(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
	t.Run("a request too low stays open with price-too-low", func(t *testing.T) {
		out, err := e.c.RequestSpotInstances(e.ctx, use1, &ec2.RequestSpotInstancesInput{SpotPrice: strconv.FormatFloat(0.01*od, 'f', 6, 64),
			LaunchSpecification: ec2.SpotLaunchSpecification{InstanceType: typ}})
		if err != nil {
			t.Fatal(err)
		}
		r := out.SpotInstanceRequests[0]
		if r.State != "open" || r.Status.Code != "price-too-low" {
			t.Fatalf("request %s %s, want open price-too-low", r.State, r.Status.Code)
		}
		c, err := e.c.CancelSpotInstanceRequests(e.ctx, use1, &ec2.CancelSpotInstanceRequestsInput{SpotInstanceRequestIds: []string{r.SpotInstanceRequestId}})
		if err != nil || c.CancelledSpotInstanceRequests[0].State != "cancelled" {
			t.Fatalf("cancel: %+v %v", c, err)
		}
	})
	t.Run("a request with no capacity stays open until there is", func(t *testing.T) {
		// Zone b's host holds eight m5.large: fill it on-demand first.
		fill := e.launchTyped(use1, typ, "us-east-1b", 8)
		out, err := e.c.RequestSpotInstances(e.ctx, use1, &ec2.RequestSpotInstancesInput{
			LaunchSpecification: ec2.SpotLaunchSpecification{InstanceType: typ, Placement: &ec2.Placement{AvailabilityZone: "us-east-1b"}}})
		if err != nil {
			t.Fatal(err)
		}
		id := out.SpotInstanceRequests[0].SpotInstanceRequestId
		if r := e.request(use1, id); r.State != "open" || r.Status.Code != "capacity-not-available" {
			t.Fatalf("request %s %s, want open capacity-not-available", r.State, r.Status.Code)
		}
		e.terminate(use1, fill[0])
		// The host is free once the guest is gone (the driver's event is
		// applied on the event loop); the next market run fills it.
		e.advance(e.stopTime())
		e.wait(use1, ec2.StateTerminated, fill[0])
		e.advance(5 * time.Minute)
		r := e.request(use1, id)
		if r.State != "active" || r.InstanceId == "" || r.LaunchedAvailabilityZone != "us-east-1b" {
			t.Fatalf("after capacity freed: %s %s %q", r.State, r.Status.Code, r.InstanceId)
		}
		if in := e.get(use1, r.InstanceId); in.InstanceLifecycle != "spot" || in.SpotInstanceRequestId != id {
			t.Errorf("fulfilled instance: lifecycle %q request %q", in.InstanceLifecycle, in.SpotInstanceRequestId)
		}
	})
}

func TestSpotHistoryForgetsPastHistoryDays(t *testing.T) {
	e := newMarketEnv(t, strings.Replace(smallPools, "reprice_minutes = 5", "reprice_minutes = 5\nhistory_days = 1", 1))
	const zone, typ = "us-east-1a", "m5.large"
	// Three days of a pool that fills and empties, so prices keep moving.
	for day := 0; day < 3; day++ {
		ids := e.launchTyped(use1, typ, zone, 8)
		e.advance(12 * time.Hour)
		e.terminate(use1, ids...)
		e.advance(12 * time.Hour)
	}
	all, err := e.c.DescribeSpotPriceHistory(e.ctx, use1, &ec2.DescribeSpotPriceHistoryInput{InstanceTypes: []string{typ},
		AvailabilityZone: zone, StartTime: epoch, EndTime: e.clk.Now()})
	if err != nil {
		t.Fatal(err)
	}
	cut := e.clk.Now().Add(-25 * time.Hour) // a day, plus the hour expiry may lag
	older := 0
	for _, p := range all.SpotPriceHistory {
		if p.Timestamp.Before(cut) {
			older++
		}
	}
	// Only the price in force at the cut survives from before it.
	if older > 1 {
		t.Fatalf("%d points older than a day survived (of %d), want at most 1: the price in force at the cut", older, len(all.SpotPriceHistory))
	}
	if len(all.SpotPriceHistory) < 10 {
		t.Fatalf("the last day kept only %d points", len(all.SpotPriceHistory))
	}
}

// A restarted daemon answers price requests at once from the prices it
// stored, rather than waiting for the next market run (minutes away).
func TestPricesAnswerAtOnceAfterRestart(t *testing.T) {
	e := newMarketEnv(t, "")
	before := e.spotNow("us-east-1", "us-east-1a", "m5.large")
	e.reopen()
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second) // real time: a hang fails
	defer cancel()
	out, err := e.c.DescribePrices(ctx, "us-east-1", &ec2.DescribePricesInput{InstanceTypes: []string{"m5.large"}})
	if err != nil {
		t.Fatalf("DescribePrices after a restart: %v", err)
	}
	if runs := e.c.Runs.Load(); runs != 0 {
		t.Errorf("the market ran %d times after the restart, want none before its period", runs)
	}
	if got, want := out.Prices[0].Spot["us-east-1a"], catalog.USD(before); before == 0 || got != want {
		t.Errorf("spot price after restart %s, want the stored %s", got, want)
	}
}
