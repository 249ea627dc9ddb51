package core

import (
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/billing"
	"github.com/ec2x/ec2x/core/ec2"
)

// unitLine is the amount and quantity of a bill's line for key in unit.
func unitLine(b *ec2.Bill, key, unit string) (qty, amount float64) {
	for _, l := range b.Lines {
		if l.Key == key && l.Unit == unit {
			return l.Quantity, l.Amount
		}
	}
	return 0, 0
}

// TestBillVolumesToTheCent: EBS volumes on the bill, on the fake clock,
// against a hand sum at us-east-1's list prices: storage by GB-month
// (the month being its calendar days), gp3's IOPS and throughput above
// the free 3,000 and 125, io2's IOPS in tiers, a modification that
// doubles a volume's size from its moment on, the deletion's second,
// and the one-minute minimum.
func TestBillVolumesToTheCent(t *testing.T) {
	e := newEnv(t, "")
	t0 := e.clk.Now()
	start, _ := time.Parse(time.RFC3339, t0.UTC().Format("2006-01")+"-01T00:00:00Z")
	month := start.AddDate(0, 1, 0).Sub(start).Seconds() // t0's month, which the script stays in
	mk := func(in ec2.CreateVolumeInput) string {
		in.AvailabilityZone = "us-east-1a"
		out, err := e.c.CreateVolume(e.ctx, use1, &in)
		if err != nil {
			t.Fatal(err)
		}
		return out.VolumeId
	}
	del := func(id string) {
		if _, err := e.c.DeleteVolume(e.ctx, use1, &ec2.DeleteVolumeInput{VolumeIdInput: ec2.VolumeIdInput{VolumeId: id}}); err != nil {
			t.Fatal(err)
		}
	}
	a := mk(ec2.CreateVolumeInput{Size: 1000, VolumeType: "gp3", Iops: 6000, Throughput: 500})
	b := mk(ec2.CreateVolumeInput{Size: 500, VolumeType: "io2", Iops: 40000})
	c := mk(ec2.CreateVolumeInput{Size: 1000, VolumeType: "st1"})
	d := mk(ec2.CreateVolumeInput{Size: 100, VolumeType: "gp2"})
	e.advance(time.Second)
	del(d) // gone a second later: two seconds, billed as a minute
	e.advance(5*time.Hour - time.Second)
	del(b)
	e.advance(5 * time.Hour)
	if _, err := e.c.ModifyVolume(e.ctx, use1, &ec2.ModifyVolumeInput{VolumeId: a, Size: 2000}); err != nil {
		t.Fatal(err)
	}
	e.advance(10 * time.Hour)
	del(a)
	e.advance(4 * time.Hour)
	until := t0.Add(24 * time.Hour)
	if !e.clk.Now().Equal(until) {
		t.Fatalf("script ended at %s, want %s", e.clk.Now(), until)
	}

	// By hand, in months of the calendar month's seconds.
	m := func(d time.Duration) float64 { return d.Seconds() / month }
	aFirst, aSecond := m(10*time.Hour), m(10*time.Hour+time.Second) // deleting lasts a second
	want := []struct {
		key, unit string
		qty, usd  float64
	}{
		{a, billing.UnitGBMonth, 1000*aFirst + 2000*aSecond, (1000*aFirst + 2000*aSecond) * 0.08},
		{a, billing.UnitIopsMonth, 3000 * (aFirst + aSecond), 3000 * (aFirst + aSecond) * 0.005},
		{a, billing.UnitThroughputMonth, 375 * (aFirst + aSecond), 375 * (aFirst + aSecond) * 0.04},
		{b, billing.UnitGBMonth, 500 * m(5*time.Hour+time.Second), 500 * m(5*time.Hour+time.Second) * 0.125},
		// io2: 32,000 IOPS at 0.065, the next 8,000 at 0.0455
		{b, billing.UnitIopsMonth, 40000 * m(5*time.Hour+time.Second), (32000*0.065 + 8000*0.0455) * m(5*time.Hour+time.Second)},
		{c, billing.UnitGBMonth, 1000 * m(24*time.Hour), 1000 * m(24*time.Hour) * 0.045},
		{d, billing.UnitGBMonth, 100 * m(time.Minute), 100 * m(time.Minute) * 0.10},
	}
	bill := e.bill(t0, until, ec2.ByInstance)
	total := 0.0
	for _, w := range want {
		q, got := unitLine(bill, w.key, w.unit)
		if got != billing.Cents(w.usd) || q != float64(int64(w.qty*1e6+0.5))/1e6 {
			t.Errorf("%s %s: billed %.6f for %.2f USD, by hand %.6f for %.4f", w.key, w.unit, q, got, w.qty, w.usd)
		}
		total += billing.Cents(w.usd)
	}
	if bill.Total != billing.Cents(total) {
		t.Errorf("total %.2f, by hand %.2f; lines %+v", bill.Total, total, bill.Lines)
	}
	if len(bill.Lines) != len(want) {
		t.Errorf("%d lines, want %d: %+v", len(bill.Lines), len(want), bill.Lines)
	}
	// by type, the io2 volume is io2's
	if _, got := line(e.bill(t0, until, ec2.ByType), "io2", billing.OptionEBS); got != billing.Cents(want[3].usd)+billing.Cents(want[4].usd) {
		t.Errorf("io2 by type: %.2f", got)
	}
}
