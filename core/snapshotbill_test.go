package core

import (
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/billing"
	"github.com/ec2x/ec2x/core/ec2"
)

// TestBillSnapshotsToTheCent: snapshots on the bill, on the fake clock,
// against a hand sum at $0.05 per GB-month: from the moment one is begun
// to its deletion, a copy in another region billed there, a snapshot
// deleted at once billed its one minute, and the volume they came of
// billed on its own lines.
func TestBillSnapshotsToTheCent(t *testing.T) {
	e := newEnv(t, "")
	t0 := e.clk.Now()
	start, _ := time.Parse(time.RFC3339, t0.UTC().Format("2006-01")+"-01T00:00:00Z")
	month := start.AddDate(0, 1, 0).Sub(start).Seconds()
	m := func(d time.Duration) float64 { return d.Seconds() / month }
	vol, err := e.c.CreateVolume(e.ctx, use1, &ec2.CreateVolumeInput{AvailabilityZone: "us-east-1a", Size: 200, VolumeType: "gp2"})
	if err != nil {
		t.Fatal(err)
	}
	e.advance(time.Second)
	snap := func(region string) string {
		out, err := e.c.CreateSnapshot(e.ctx, region, &ec2.CreateSnapshotInput{VolumeId: vol.VolumeId})
		if err != nil {
			t.Fatal(err)
		}
		return out.SnapshotId
	}
	del := func(region, id string) {
		if _, err := e.c.DeleteSnapshot(e.ctx, region, &ec2.DeleteSnapshotInput{SnapshotId: id}); err != nil {
			t.Fatal(err)
		}
	}
	a := snap(use1)
	brief := snap(use1)
	e.advance(time.Second)
	del(use1, brief) // a second: billed as a minute
	e.advance(time.Hour - time.Second)
	cp, err := e.c.CopySnapshot(e.ctx, "us-west-2", &ec2.CopySnapshotInput{SourceRegion: use1, SourceSnapshotId: a})
	if err != nil {
		t.Fatal(err)
	}
	e.advance(11 * time.Hour)
	del(use1, a)
	e.advance(12*time.Hour - time.Second)
	until := t0.Add(24 * time.Hour)
	if !e.clk.Now().Equal(until) {
		t.Fatalf("script ended at %s, want %s", e.clk.Now(), until)
	}

	want := []struct {
		key   string
		gbMon float64
	}{
		{a, 200 * m(12*time.Hour)},
		{brief, 200 * m(time.Minute)},
	}
	bill := e.bill(t0, until, ec2.ByInstance)
	for _, w := range want {
		q, got := unitLine(bill, w.key, billing.UnitGBMonth)
		if got != billing.Cents(w.gbMon*0.05) || q != float64(int64(w.gbMon*1e6+0.5))/1e6 {
			t.Errorf("%s: billed %.6f GB-Mo for %.2f USD, by hand %.6f for %.4f", w.key, q, got, w.gbMon, w.gbMon*0.05)
		}
	}
	if q, got := unitLine(bill, vol.VolumeId, billing.UnitGBMonth); q == 0 || got != billing.Cents(200*m(24*time.Hour)*0.10) {
		t.Errorf("the volume: %.6f GB-Mo for %.2f USD", q, got)
	}
	west, err := e.c.Bill(e.ctx, "us-west-2", &ec2.BillInput{Since: t0, Until: until, By: ec2.ByInstance})
	if err != nil {
		t.Fatal(err)
	}
	if q, got := unitLine(west, cp.SnapshotId, billing.UnitGBMonth); got != billing.Cents(200*m(23*time.Hour-time.Second)*0.05) || q == 0 {
		t.Errorf("the copy in us-west-2 (kept to the end): %.6f GB-Mo for %.2f USD", q, got)
	}
	if _, got := line(e.bill(t0, until, ec2.ByType), "snapshot", billing.OptionEBS); got != billing.Cents(want[0].gbMon*0.05)+billing.Cents(want[1].gbMon*0.05) {
		t.Errorf("snapshots by type: %.2f", got)
	}
}
