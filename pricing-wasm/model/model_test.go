package model

import (
	"math"
	"testing"

	"github.com/ec2x/ec2x/pricing-wasm/abi"
)

var ods = []float64{0.0042, 0.096, 1.008, 32.7726}

func TestSpotStaysWithinTenToHundredPercent(t *testing.T) {
	for _, od := range ods {
		for u := 0.0; u <= 1; u += 0.05 {
			for pool := int32(0); pool < 20; pool++ {
				for _, prev := range []float64{0, 0.1 * od, od, 2 * od} {
					in := abi.SpotInput{OnDemand: od, Utilisation: u, Seed: 7, UnixMinute: int64(pool) * 5, Zone: pool % 4, Type: pool, Previous: prev}
					p := Spot(in)
					if p < MinRatio*od || p > od {
						t.Fatalf("%+v: %v outside [%v, %v]", in, p, MinRatio*od, od)
					}
				}
			}
		}
	}
}

// With the pool at most half used, the settled price is 70–90 % below
// on-demand; full, it is close to on-demand.
func TestSpotFollowsUtilisation(t *testing.T) {
	for seed := uint64(0); seed < 50; seed++ {
		for minute := int64(0); minute < 50; minute++ {
			in := abi.SpotInput{OnDemand: 1, Seed: seed, UnixMinute: minute, Zone: int32(seed % 3), Type: int32(minute % 7)}
			last := 0.0
			for u := 0.0; u <= 1.0001; u += 0.01 {
				in.Utilisation = min(u, 1)
				r := SpotTarget(in)
				if u <= 0.5 && (r < 0.10 || r > 0.30) {
					t.Fatalf("%+v: ratio %v, want 0.10 to 0.30 while the pool is mostly free", in, r)
				}
				if r < last {
					t.Fatalf("%+v: ratio fell from %v to %v as the pool filled", in, last, r)
				}
				last = r
			}
			if last < 0.95 {
				t.Fatalf("%+v: a full pool prices at %v of on-demand", in, last)
			}
		}
	}
}

// Each tick closes a share of the gap to the target: the price moves toward
// it, never past it.
func TestSpotRevertsSmoothly(t *testing.T) {
	for _, prev := range []float64{0.1, 0.2, 0.5, 0.9, 1} {
		for _, u := range []float64{0, 0.5, 0.9, 1} {
			in := abi.SpotInput{OnDemand: 1, Utilisation: u, Seed: 3, UnixMinute: 600, Previous: prev}
			target, p := SpotTarget(in), Spot(in)
			want := prev + Reversion*(target-prev)
			if math.Abs(p-want) > 1e-12 || (p-prev)*(target-prev) < 0 || math.Abs(p-target) > math.Abs(prev-target) {
				t.Errorf("prev %v, target %v: moved to %v, want %v", prev, target, p, want)
			}
		}
	}
}

func TestSpotIsAPureFunction(t *testing.T) {
	in := abi.SpotInput{OnDemand: 0.096, Utilisation: 0.4, Seed: 11, UnixMinute: 29_000_000, Zone: 2, Type: 5}
	if Spot(in) != Spot(in) {
		t.Fatal("two prices for one input")
	}
	other := in
	other.Zone = 3
	if Spot(in) == Spot(other) {
		t.Error("two zones share a price")
	}
	other = in
	other.Seed = 12
	if Spot(in) == Spot(other) {
		t.Error("two seeds share a price")
	}
}

// A week of 5-minute ticks while the pool fills from 10 % to 95 % with a
// daily wave: every price within 10–100 % of on-demand, no jump larger than
// a tick's share of the range, and the last day dearer than the first.
func TestSpotWeek(t *testing.T) {
	const od, ticks = 0.192, 7 * 24 * 12
	week := func() []float64 {
		prices := make([]float64, ticks)
		prev := 0.0
		for i := range prices {
			day := float64(i) / (24 * 12)
			u := 0.10 + 0.85*day/7 + 0.05*math.Sin(2*math.Pi*day)
			in := abi.SpotInput{OnDemand: od, Utilisation: min(max(u, 0), 1), Seed: 2017, UnixMinute: 29_000_000 + int64(i)*5, Zone: 1, Type: 9, Previous: prev}
			prev = Spot(in)
			prices[i] = prev
		}
		return prices
	}
	prices := week()
	var first, last float64
	for i, p := range prices {
		if p < 0.1*od || p > od {
			t.Fatalf("tick %d: %v outside [%v, %v]", i, p, 0.1*od, od)
		}
		if i > 0 && math.Abs(p-prices[i-1]) > Reversion*od {
			t.Fatalf("tick %d: jumped from %v to %v", i, prices[i-1], p)
		}
		if i < 288 {
			first += p / 288
		}
		if i >= ticks-288 {
			last += p / 288
		}
	}
	if last <= 2*first {
		t.Errorf("first day averaged %.4f, last day %.4f: want the price to rise as the pool fills", first, last)
	}
	again := week()
	for i := range prices {
		if prices[i] != again[i] {
			t.Fatalf("tick %d: %v, then %v on a second run", i, prices[i], again[i])
		}
	}
	t.Logf("first day %.4f (%.0f %% off), last day %.4f (%.0f %% off)", first, 100*(1-first/od), last, 100*(1-last/od))
}

func TestReservedTable(t *testing.T) {
	if d := Discount(3, abi.AllUpfront, abi.Standard); d != 0.72 {
		t.Errorf("standard 3-year all upfront: %v, want AWS's 72 %%", d)
	}
	if d := Discount(3, abi.AllUpfront, abi.Convertible); d != 0.54 {
		t.Errorf("convertible 3-year all upfront: %v, want AWS's 54 %%", d)
	}
	for _, class := range []abi.OfferingClass{abi.Standard, abi.Convertible} {
		for _, term := range []int32{1, 3} {
			for p := abi.NoUpfront; p < abi.AllUpfront; p++ {
				if Discount(term, p, class) >= Discount(term, p+1, class) {
					t.Errorf("%s %d years: %s is not cheaper than %s", class, term, p+1, p)
				}
			}
		}
		for p := abi.NoUpfront; p <= abi.AllUpfront; p++ {
			if Discount(1, p, class) >= Discount(3, p, class) {
				t.Errorf("%s %s: 3 years is not cheaper than 1", class, p)
			}
			if Discount(1, p, abi.Standard) <= Discount(1, p, abi.Convertible) {
				t.Errorf("%s: convertible is not dearer than standard", p)
			}
		}
	}
}

func TestReservedQuotes(t *testing.T) {
	for _, od := range ods {
		for _, term := range []int32{1, 3} {
			for p := abi.NoUpfront; p <= abi.AllUpfront; p++ {
				for _, c := range []abi.OfferingClass{abi.Standard, abi.Convertible} {
					in := abi.ReservedInput{OnDemand: od, Term: term, Payment: p, Class: c}
					q := Reserved(in)
					if err := q.Validate(term); err != nil {
						t.Fatalf("%+v: %v", in, err)
					}
					want := od * (1 - Discount(term, p, c))
					if math.Abs(q.Effective-want) > 1e-12*od {
						t.Errorf("%+v: effective %v, want %v", in, q.Effective, want)
					}
					if (p == abi.AllUpfront) != (q.Recurring == 0) || (p == abi.NoUpfront) != (q.Upfront == 0) {
						t.Errorf("%+v: %+v splits upfront and hourly wrongly", in, q)
					}
				}
			}
		}
	}
	// The acceptance figure: at least 60 % off for 3-year all upfront standard.
	q := Reserved(abi.ReservedInput{OnDemand: 0.096, Term: 3, Payment: abi.AllUpfront, Class: abi.Standard})
	if q.Effective > 0.4*0.096 {
		t.Errorf("3-year all upfront standard: %v per hour", q.Effective)
	}
}

func TestBranchFreeHelpers(t *testing.T) {
	for _, c := range [][3]float64{{0.5, 0.1, 1}, {0.05, 0.1, 1}, {2, 0.1, 1}, {0.1, 0.1, 1}, {1, 0.1, 1}, {0, 0, 0}} {
		x, lo, hi := c[0], c[1], c[2]
		if got, want := atMost(atLeast(x, lo), hi), math.Min(math.Max(x, lo), hi); got != want {
			t.Errorf("clamp(%v, %v, %v) = %v, want %v", x, lo, hi, got, want)
		}
	}
	if negMask(0-0.0) != 0 || negMask(0-1e-300) != math.MaxUint64 {
		t.Error("negMask")
	}
}
