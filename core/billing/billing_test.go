package billing

import (
	"math"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// book is a fixed price list: m5.large 0.096/h, t3.micro 0.0104/h, spot
// 0.03 before 01:00 and 0.05 after, public IPv4 0.005/h.
type book struct{}

func (book) OnDemand(typ string) float64 {
	return map[string]float64{"m5.large": 0.096, "t3.micro": 0.0104}[typ]
}

func (book) Spot(zone, typ string, at time.Time) float64 {
	if at.Before(t0.Add(time.Hour)) {
		return 0.03
	}
	return 0.05
}

func (book) IPv4() float64 { return 0.005 }

func (book) Volume(typ string) VolumePrice { return VolumePrices()[typ] }

func at(d time.Duration) time.Time { return t0.Add(d) }

func TestComputeHandSummed(t *testing.T) {
	segs := []Segment{
		// on-demand m5.large, 3 hours: 3 × 0.096 = 0.288
		{Kind: KindInstance, Key: "i-od", Type: "m5.large", Zone: "z1", Lifecycle: OptionOnDemand, Start: at(0), End: at(3 * time.Hour)},
		// a stop/start within a minute: two 20 s runs bill as 2 minutes:
		// 2/60 × 0.0104 = 0.000347
		{Kind: KindInstance, Key: "i-short", Type: "t3.micro", Lifecycle: OptionOnDemand, Start: at(0), End: at(20 * time.Second)},
		{Kind: KindInstance, Key: "i-short", Type: "t3.micro", Lifecycle: OptionOnDemand, Start: at(40 * time.Second), End: at(60 * time.Second)},
		// spot m5.large from 00:30 to 01:30: 0.5 × 0.03 + 0.5 × 0.05 = 0.04
		{Kind: KindInstance, Key: "i-spot", Type: "m5.large", Zone: "z1", Lifecycle: OptionSpot, Start: at(30 * time.Minute), End: at(90 * time.Minute)},
		// reserved: 2 m5.large for 4 hours, one reservation of 1 at 0.035:
		// 4 h covered at 0.035 = 0.14, 4 h on-demand = 0.384
		{Kind: KindInstance, Key: "i-r1", Type: "m5.large", Zone: "z1", Lifecycle: OptionOnDemand, Start: at(0), End: at(4 * time.Hour)},
		{Kind: KindInstance, Key: "i-r2", Type: "m5.large", Zone: "z2", Lifecycle: OptionOnDemand, Start: at(0), End: at(4 * time.Hour)},
		// an idle Elastic IP all day: 24 × 0.005 = 0.12
		{Kind: KindIPv4, Key: "198.18.0.9", Start: at(0), End: at(24 * time.Hour)},
		// the reservation's upfront fee: 100
		{Kind: KindUpfront, Key: "ri-1", Type: "m5.large", Start: at(0), Amount: 100},
	}
	res := []Reservation{{ID: "ri-1", Type: "m5.large", Count: 1, Hourly: 0.035, Start: at(0), End: at(365 * 24 * time.Hour)}}
	// The reservation also covers i-od's hours where it is free: it covers
	// one instance-hour per hour, taken by the first matching segment.
	b, err := Compute(segs, res, book{}, at(0), at(24*time.Hour), ec2.ByOption)
	if err != nil {
		t.Fatal(err)
	}
	// By hand: instance-hours of m5.large on-demand: i-od 3 + i-r1 4 + i-r2 4
	// = 11, of which the reservation covers 4 (one per hour, hours 0-3):
	// reserved 4 × 0.035 = 0.14; on-demand 7 × 0.096 = 0.672.
	// t3.micro: 2 min = 0.000347 → on-demand total 0.672 + 0.000347.
	want := map[string]float64{
		OptionOnDemand: Cents(7*0.096 + 2.0/60*0.0104),
		OptionReserved: Cents(4*0.035) + 100,
		OptionSpot:     Cents(0.5*0.03 + 0.5*0.05),
		OptionIPv4:     Cents(24 * 0.005),
	}
	got := map[string]float64{}
	for _, l := range b.Lines {
		got[l.Key] += l.Amount
	}
	for k, w := range want {
		if math.Abs(got[k]-w) > 0.001 {
			t.Errorf("%s: %.2f, want %.2f", k, got[k], w)
		}
	}
	// Lines are rounded to the cent and the total is their sum:
	// 0.67 + 100.00 + 0.14 + 0.04 + 0.12.
	if math.Abs(b.Total-100.97) > 1e-9 {
		t.Errorf("total %.2f, want 100.97 (0.67 + 100.00 + 0.14 + 0.04 + 0.12 by hand)", b.Total)
	}
}

func TestComputeGroupsAndWindows(t *testing.T) {
	segs := []Segment{
		{Kind: KindInstance, Key: "i-a", Type: "t3.micro", Lifecycle: OptionOnDemand, Start: at(0), End: at(10 * time.Hour)},
		{Kind: KindInstance, Key: "i-b", Type: "t3.micro", Lifecycle: OptionOnDemand, Start: at(0)}, // still running
	}
	tests := []struct {
		name         string
		since, until time.Time
		by           string
		lines        int
		total        float64
	}{
		// Each line rounds to the cent; the total is the sum of the lines.
		{"by instance, all day", at(0), at(24 * time.Hour), ec2.ByInstance, 2, Cents(10*0.0104) + Cents(24*0.0104)},
		{"by type folds instances", at(0), at(24 * time.Hour), ec2.ByType, 1, Cents(34 * 0.0104)},
		{"a window cuts segments", at(5 * time.Hour), at(15 * time.Hour), ec2.ByInstance, 2, Cents(5*0.0104) + Cents(10*0.0104)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Compute(segs, nil, book{}, tc.since, tc.until, tc.by)
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Lines) != tc.lines || math.Abs(b.Total-tc.total) > 0.001 {
				t.Errorf("%d lines, total %.4f; want %d, %.4f: %+v", len(b.Lines), b.Total, tc.lines, tc.total, b.Lines)
			}
		})
	}
	t.Run("bad grouping and window", func(t *testing.T) {
		if _, err := Compute(segs, nil, book{}, at(0), at(time.Hour), "colour"); err == nil {
			t.Error("by colour accepted")
		}
		if _, err := Compute(segs, nil, book{}, at(time.Hour), at(0), ec2.ByType); err == nil {
			t.Error("an inverted window accepted")
		}
	})
}
