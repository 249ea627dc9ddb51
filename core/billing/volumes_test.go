package billing

import (
	"math"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// TestVolumeChargesHandSummed: a volume's month is its calendar month
// (a stretch over midnight of January 31st is billed in 31sts and then
// 28ths), io2's IOPS in three tiers, the one-minute minimum.
func TestVolumeChargesHandSummed(t *testing.T) {
	jan31 := time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		seg  Segment
		unit string
		want float64
	}{
		{"gp2 across a month's end", Segment{Kind: KindVolume, Key: "vol-1", Type: "gp2", Size: 1000, Start: jan31, End: jan31.Add(24 * time.Hour)},
			UnitGBMonth, 1000 * 0.10 * (12.0/(31*24) + 12.0/(28*24))},
		{"io2 in three tiers", Segment{Kind: KindVolume, Key: "vol-2", Type: "io2", Size: 100, Iops: 70000, Start: jan31.Add(-24 * time.Hour), End: jan31},
			UnitIopsMonth, (32000*0.065 + 32000*0.0455 + 6000*0.032) / 31},
		{"a second bills a minute", Segment{Kind: KindVolume, Key: "vol-3", Type: "sc1", Size: 16000, Start: jan31, End: jan31.Add(time.Second)},
			UnitGBMonth, 16000 * 0.015 / (31 * 24 * 60)},
		{"gp3 at its baseline has no IOPS line", Segment{Kind: KindVolume, Key: "vol-4", Type: "gp3", Size: 10, Iops: 3000, Throughput: 125, Start: jan31.Add(-time.Hour), End: jan31},
			UnitIopsMonth, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Compute([]Segment{tc.seg}, nil, book{}, jan31.Add(-48*time.Hour), jan31.Add(48*time.Hour), ec2.ByInstance)
			if err != nil {
				t.Fatal(err)
			}
			got := 0.0
			for _, l := range b.Lines {
				if l.Unit == tc.unit {
					got = l.Amount
				}
			}
			if math.Abs(got-Cents(tc.want)) > 1e-9 {
				t.Errorf("%s billed %.2f, by hand %.4f (%+v)", tc.unit, got, tc.want, b.Lines)
			}
		})
	}
}
