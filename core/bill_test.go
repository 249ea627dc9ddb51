package core

import (
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/billing"
	"github.com/ec2x/ec2x/core/ec2"
)

// billPools: zone a holds two m5.24xlarge, zone b four.
const billPools = `
[sim]
boot_seconds = 0
stop_seconds = 0

[fleet]
builtin_hosts = false  # these hosts are the whole fleet

[[hosts]]
zone = "us-east-1a"
count = 1
vcpus = 192
memory_gib = 768
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["m5"]

[[hosts]]
zone = "us-east-1b"
count = 1
vcpus = 384
memory_gib = 1536
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["m5"]
`

// offering finds the one offering of a shape.
func (e *env) offering(typ, zone, class, payment string, years int) ec2.ReservedInstancesOffering {
	e.t.Helper()
	dur := int64(year1)
	if years == 3 {
		dur = year3
	}
	out, err := e.c.DescribeReservedInstancesOfferings(e.ctx, use1, &ec2.DescribeReservedInstancesOfferingsInput{InstanceType: typ,
		AvailabilityZone: zone, OfferingClass: class, OfferingType: payment, Duration: dur})
	if err != nil {
		e.t.Fatal(err)
	}
	var match []ec2.ReservedInstancesOffering
	for _, o := range out.ReservedInstancesOfferings {
		if o.AvailabilityZone == zone {
			match = append(match, o)
		}
	}
	if len(match) != 1 {
		e.t.Fatalf("%d offerings for %s %s %s %s %dyr", len(match), typ, zone, class, payment, years)
	}
	return match[0]
}

func (e *env) buy(o ec2.ReservedInstancesOffering, n int) string {
	e.t.Helper()
	out, err := e.c.PurchaseReservedInstancesOffering(e.ctx, use1, &ec2.PurchaseReservedInstancesOfferingInput{
		ReservedInstancesOfferingId: o.ReservedInstancesOfferingId, InstanceCount: n})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.ReservedInstancesId
}

// monthHours is the length in hours of the calendar month holding t.
func monthHours(t time.Time) float64 {
	start := time.Date(t.UTC().Year(), t.UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
	return start.AddDate(0, 1, 0).Sub(start).Hours()
}

func (e *env) bill(since, until time.Time, by string) *ec2.Bill {
	e.t.Helper()
	b, err := e.c.Bill(e.ctx, use1, &ec2.BillInput{Since: since, Until: until, By: by})
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// line sums a bill's lines for key (and kind, when given).
func line(b *ec2.Bill, key, kind string) (qty, amount float64) {
	for _, l := range b.Lines {
		if l.Key == key && (kind == "" || l.Kind == kind) {
			qty += l.Quantity
			amount += l.Amount
		}
	}
	return qty, amount
}

// spotAt is the spot price in force at a moment, from the history.
func (e *env) spotAt(zone, typ string, at time.Time) float64 {
	e.t.Helper()
	h, err := e.c.DescribeSpotPriceHistory(e.ctx, use1, &ec2.DescribeSpotPriceHistoryInput{InstanceTypes: []string{typ},
		AvailabilityZone: zone, StartTime: at, EndTime: at.Add(time.Second)})
	if err != nil || len(h.SpotPriceHistory) == 0 {
		e.t.Fatalf("spot history at %s: %v", at, err)
	}
	// Newest first: the last entry is the price in force at StartTime.
	p, _ := strconv.ParseFloat(h.SpotPriceHistory[len(h.SpotPriceHistory)-1].SpotPrice, 64)
	return p
}

func TestReservationCutsTheEffectiveHourlyCost(t *testing.T) {
	cases := []struct {
		name         string
		class, pay   string
		years        int
		minSaving    float64 // at least this share off on-demand
		maxSaving    float64
		hourlyOnBill bool // a recurring charge shows on each covered hour
	}{
		{"3-year standard all upfront", "standard", "All Upfront", 3, 0.60, 0.72, false},
		{"1-year standard no upfront", "standard", "No Upfront", 1, 0.30, 0.40, true},
		{"3-year convertible all upfront", "convertible", "All Upfront", 3, 0.40, 0.54, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newMarketEnv(t, billPools)
			const typ = "m5.large"
			od := e.c.OnDemand(use1, typ)
			zone := ""
			o := e.offering(typ, zone, tc.class, tc.pay, tc.years)
			ri := e.buy(o, 1)
			t0 := e.clk.Now()
			covered := e.launchTyped(use1, typ, "us-east-1b", 1)[0]
			e.advance(10 * time.Hour)
			b := e.bill(t0, e.clk.Now(), ec2.ByInstance)
			hours, amount := line(b, covered, billing.OptionReserved)
			if math.Abs(hours-10) > 1e-6 {
				t.Fatalf("reservation covered %.4f of 10 hours: %+v", hours, b.Lines)
			}
			if _, od := line(b, covered, billing.OptionOnDemand); od != 0 {
				t.Errorf("covered instance also billed %.2f on-demand", od)
			}
			_, upfront := line(b, ri, billing.OptionReserved)
			if want := billing.Cents(o.FixedPrice); upfront != want {
				t.Errorf("upfront on the bill %.2f, want the offering's %.2f", upfront, want)
			}
			if tc.hourlyOnBill != (amount > 0) {
				t.Errorf("covered hours billed %.2f; recurring charge expected: %v", amount, tc.hourlyOnBill)
			}
			// Effective hourly on the bill: the covered hours' charges plus
			// the upfront fee's share of these 10 hours of the term.
			termHours := float64(o.Duration) / 3600
			effective := (amount + upfront*10/termHours) / 10
			saving := 1 - effective/od
			if saving < tc.minSaving-0.005 || saving > tc.maxSaving+0.005 {
				t.Errorf("effective %.5f/h against on-demand %.5f: %.1f%% off, want %.0f%%..%.0f%%",
					effective, od, 100*saving, 100*tc.minSaving, 100*tc.maxSaving)
			}
			eff, _ := strconv.ParseFloat(o.EffectiveHourly, 64)
			if math.Abs(eff-effective) > 0.0006 {
				t.Errorf("bill's effective %.5f differs from the offering's %s", effective, o.EffectiveHourly)
			}
		})
	}
}

func TestBillScriptedScenarioToTheCent(t *testing.T) {
	e := newMarketEnv(t, billPools)
	// The largest m5, so that a cent is a few seconds: the one-minute
	// minimum and each price change show on the bill.
	const typ = "m5.24xlarge"
	od := e.c.OnDemand(use1, typ)
	ipv4 := 0.005
	t0 := e.clk.Now()

	// At t0: a zonal 3-year all-upfront reservation for zone b; A in zone
	// b (covered), B and the spot S in zone a (full), an idle Elastic IP.
	o := e.offering(typ, "us-east-1b", "standard", "All Upfront", 3)
	ri := e.buy(o, 1)
	a := e.launchTyped(use1, typ, "us-east-1b", 1)[0]
	bID := e.launchTyped(use1, typ, "us-east-1a", 1)[0]
	s := e.runSpot(use1, typ, "us-east-1a", 1, "", "terminate")[0]
	eip := e.allocate(use1)

	// B stops after 30 s and starts again 20 s later: the first run bills
	// a full minute, and its public IP goes back to the pool in between.
	e.advance(30 * time.Second)
	e.stopWait(use1, bID)
	e.advance(20 * time.Second)
	e.startWait(use1, bID)

	// At t0+1h an on-demand C needs zone a: S gets its notice and goes two
	// minutes later.
	e.advance(time.Hour - 50*time.Second)
	cID := e.launchTyped(use1, typ, "us-east-1a", 1)[0]
	e.advance(2 * time.Minute)
	e.wait(use1, ec2.StateTerminated, s)

	// A is terminated at t0+3h; the bill is read at t0+4h.
	e.advance(3*time.Hour - (time.Hour + 2*time.Minute))
	e.terminateWait(use1, a)
	e.advance(time.Hour)
	until := t0.Add(4 * time.Hour)
	if !e.clk.Now().Equal(until) {
		t.Fatalf("script ended at %s, want %s", e.clk.Now(), until)
	}

	// By hand. Spot S ran t0 .. t0+1h02m: 53m53s at the price in force at
	// t0 (05:06:07), then 8m07s at the price in force at 06:00:00.
	h1 := 53*time.Minute + 53*time.Second
	h2 := 8*time.Minute + 7*time.Second
	spot := h1.Hours()*e.spotAt("us-east-1a", typ, t0) + h2.Hours()*e.spotAt("us-east-1a", typ, t0.Add(h1))
	want := map[string]float64{
		// B: 1 minute for the 30 s run, then t0+50s .. t0+4h; C: t0+1h .. t0+4h.
		billing.OptionOnDemand: (1.0/60 + (4*time.Hour - 50*time.Second).Hours() + 3) * od,
		billing.OptionSpot:     spot,
		// The upfront fee; A's three covered hours cost nothing more.
		billing.OptionReserved: o.FixedPrice,
		// Public IPs: A 3h, B 30s and then 4h-50s, S 1h02m, C 3h, the
		// idle Elastic IP 4h.
		billing.OptionIPv4: (3 + (30 * time.Second).Hours() + (4*time.Hour - 50*time.Second).Hours() +
			(time.Hour + 2*time.Minute).Hours() + 3 + 4) * ipv4,
		// Root volumes, 8 GiB of gp3 each from launch to termination: A
		// 3h, B 4h, S 1h02m, C 3h, in GB-months of t0's month.
		billing.OptionEBS: 8 * (3 + 4 + (time.Hour + 2*time.Minute).Hours() + 3) / monthHours(t0) * 0.08,
	}
	b := e.bill(t0, until, ec2.ByOption)
	total := 0.0
	for option, amount := range want {
		_, got := line(b, option, "")
		if got != billing.Cents(amount) {
			t.Errorf("%s: billed %.2f, by hand %.4f", option, got, amount)
		}
		total += billing.Cents(amount)
	}
	if b.Total != billing.Cents(total) {
		t.Errorf("total %.2f, by hand %.2f; lines %+v", b.Total, total, b.Lines)
	}
	// Per instance: A is all reserved, B and C on-demand, S on spot, and
	// the idle address billed by itself.
	bi := e.bill(t0, until, ec2.ByInstance)
	if q, _ := line(bi, a, billing.OptionReserved); math.Abs(q-3) > 1e-6 {
		t.Errorf("A: %.4f reserved hours, want 3", q)
	}
	if q, _ := line(bi, bID, billing.OptionOnDemand); math.Abs(q-(1.0/60+(4*time.Hour-50*time.Second).Hours())) > 1e-6 {
		t.Errorf("B: %.6f on-demand hours", q)
	}
	if q, _ := line(bi, s, billing.OptionSpot); math.Abs(q-(h1+h2).Hours()) > 1e-6 {
		t.Errorf("S: %.6f spot hours, want %.6f", q, (h1 + h2).Hours())
	}
	if q, _ := line(bi, cID, billing.OptionOnDemand); math.Abs(q-3) > 1e-6 {
		t.Errorf("C: %.6f on-demand hours, want 3", q)
	}
	if q, amt := line(bi, eip.PublicIp, billing.OptionIPv4); math.Abs(q-4) > 1e-6 || amt != 0.02 {
		t.Errorf("idle Elastic IP: %.4f hours for %.2f, want 4 hours for 0.02", q, amt)
	}
	if _, amt := line(bi, ri, billing.OptionReserved); amt != billing.Cents(o.FixedPrice) {
		t.Errorf("reservation %s: %.2f, want its upfront %.2f", ri, amt, o.FixedPrice)
	}
}
