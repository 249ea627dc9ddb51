package billing

import (
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

func TestSteadyCount(t *testing.T) {
	lo, hi := at(0), at(10*time.Hour)
	seg := func(key, typ, life string, a, b time.Duration) Segment {
		s := Segment{Kind: KindInstance, Key: key, Type: typ, Lifecycle: life, Start: at(a)}
		if b != 0 {
			s.End = at(b)
		}
		return s
	}
	cases := []struct {
		name string
		segs []Segment
		want int
	}{
		{"two running throughout", []Segment{
			seg("a", "m5.large", OptionOnDemand, -time.Hour, 0),
			seg("b", "m5.large", OptionOnDemand, -2*time.Hour, 0),
		}, 2},
		{"one started inside the window does not count", []Segment{
			seg("a", "m5.large", OptionOnDemand, -time.Hour, 0),
			seg("b", "m5.large", OptionOnDemand, time.Hour, 0),
		}, 1},
		{"a replacement that overlaps keeps the load steady", []Segment{
			seg("a", "m5.large", OptionOnDemand, -time.Hour, 5*time.Hour),
			seg("b", "m5.large", OptionOnDemand, 4*time.Hour, 0),
		}, 1},
		{"a stop and start in the same instant is a gap", []Segment{
			seg("a", "m5.large", OptionOnDemand, -time.Hour, 5*time.Hour),
			seg("a", "m5.large", OptionOnDemand, 5*time.Hour, 0),
		}, 0},
		{"spot and other types are not counted", []Segment{
			seg("a", "m5.large", OptionSpot, -time.Hour, 0),
			seg("b", "t3.micro", OptionOnDemand, -time.Hour, 0),
		}, 0},
		{"ended before the window", []Segment{
			seg("a", "m5.large", OptionOnDemand, -3*time.Hour, -time.Hour),
		}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := SteadyCount(tc.segs, "m5.large", lo, hi); got != tc.want {
				t.Fatalf("SteadyCount = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestCompareRecommendsAMix(t *testing.T) {
	// m5.large: 6 running; 2 interruptible, 3 steady, 1 reservation owned.
	// t3.micro: 2 running, none steady.
	loads := []TypeLoad{
		{Type: "t3.micro", Count: 2, OnDemand: 0.0104, Spot: 0.0031,
			Reserved: map[string]float64{Plan1yrNoUpfront: 0.0075, Plan3yrAllUpfront: 0.0045}},
		{Type: "m5.large", Count: 6, Interruptible: 2, Base: 3, Owned: 1, OwnedHourly: 0.02, OnDemand: 0.096, Spot: 0.03,
			Reserved: map[string]float64{Plan1yrNoUpfront: 0.06, Plan3yrAllUpfront: 0.04}},
	}
	c, err := Compare(loads, 100, 168*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	scen := map[string]ec2.Scenario{}
	for _, s := range c.Scenarios {
		scen[s.Name] = s
	}
	// By hand over 100 hours:
	// on-demand: 6×0.096×100 + 2×0.0104×100 = 57.60 + 2.08 = 59.68
	// spot:      6×0.03×100 + 2×0.0031×100 = 18.00 + 0.62 = 18.62
	// 3yr:       6×0.04×100 + 2×0.0045×100 = 24.00 + 0.90 = 24.90
	// mix: 2 spot 6.00, 1 owned 2.00, 2 reserved 3yr 8.00, 1 on-demand 9.60,
	//      2 t3.micro on-demand 2.08 = 27.68
	want := map[string]float64{OptionOnDemand: 59.68, OptionSpot: 18.62, Plan3yrAllUpfront: 24.90, Plan1yrNoUpfront: 37.50, "recommended": 27.68}
	for name, cost := range want {
		if got := scen[name].Cost; got != cost {
			t.Errorf("%s costs %.2f, want %.2f", name, got, cost)
		}
	}
	if got := scen["recommended"].Savings; got != 32.00 {
		t.Errorf("recommended saves %.2f, want 32.00", got)
	}
	if got := scen[OptionSpot].SavingsPercent; got != 68.8 {
		t.Errorf("spot saves %.1f%%, want 68.8%%", got)
	}
	type key struct {
		typ, option string
	}
	counts := map[key]int{}
	for _, a := range c.Recommendation {
		counts[key{a.InstanceType, a.Option}] = a.Count
		if a.Why == "" {
			t.Errorf("%s on %s has no reason", a.InstanceType, a.Option)
		}
	}
	wantCounts := map[key]int{
		{"m5.large", OptionSpot}: 2, {"m5.large", "reserved (owned)"}: 1, {"m5.large", Plan3yrAllUpfront}: 2,
		{"m5.large", OptionOnDemand}: 1, {"t3.micro", OptionOnDemand}: 2,
	}
	for k, n := range wantCounts {
		if counts[k] != n {
			t.Errorf("%s %s: %d recommended, want %d (all: %v)", k.typ, k.option, counts[k], n, counts)
		}
	}
	if len(counts) != len(wantCounts) {
		t.Errorf("recommendation has %d lines, want %d: %v", len(counts), len(wantCounts), counts)
	}
	for _, a := range c.Recommendation {
		if a.InstanceType == "t3.micro" && !strings.Contains(a.Why, "lookback") {
			t.Errorf("t3.micro stays on-demand without saying why: %q", a.Why)
		}
	}
}

func TestCompareRefusesNoHours(t *testing.T) {
	if _, err := Compare(nil, 0, time.Hour); err == nil {
		t.Fatal("Compare over 0 hours succeeded")
	}
}
