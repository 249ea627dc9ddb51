package core

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/billing"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/store"
	"github.com/rs/zerolog"
)

// TestRootVolumeFromBeforeRecords: a store written when root volumes were
// derived from their instances (no vol/ record; the tags on the
// instance) loads with a record for each root volume, with the ID and
// tags it had, attached at the root device; a terminated instance's
// root volume gets none; the record is billed from the launch.
func TestRootVolumeFromBeforeRecords(t *testing.T) {
	e := newEnv(t, "")
	out := e.run(use1, &ec2.RunInstancesInput{MinCount: 2, MaxCount: 2, TagSpecifications: []ec2.TagSpecification{
		{ResourceType: "volume", Tags: []ec2.Tag{{Key: "team", Value: "blue"}}}}})
	ids := idsOf(out.Instances)
	root := "vol-" + ids[0][2:]
	e.terminate(use1, ids[1])
	e.advance(e.stopTime())
	e.wait(use1, ec2.StateTerminated, ids[1])

	// The root volumes' records removed, as stores before them were.
	e.close()
	st, err := store.Open(e.ctx, e.dir, store.Options{NoSync: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	b := store.NewBatch()
	for _, id := range ids {
		b.Delete(store.Key("vol", use1, "vol-"+id[2:]))
	}
	// and unmetered: no billed stretch of them either
	err = st.Scan(e.ctx, "use", use1, func(key, _ []byte) error {
		if strings.Contains(string(key), "/vol-") {
			b.Delete(slices.Clone(key))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Commit(e.ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.open()

	vols, err := e.c.DescribeVolumes(e.ctx, use1, &ec2.DescribeVolumesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(vols.Volumes) != 1 {
		t.Fatalf("%d volumes after the load, want the running instance's root: %+v", len(vols.Volumes), vols.Volumes)
	}
	v := vols.Volumes[0]
	if v.VolumeId != root || v.State != "in-use" || len(v.Attachments) != 1 || v.Attachments[0].InstanceId != ids[0] || v.Attachments[0].Device != "/dev/xvda" ||
		len(v.Tags) != 1 || v.Tags[0].Value != "blue" {
		t.Fatalf("root volume after the load: %+v, want %s in use on %s with its tag", v, root, ids[0])
	}
	// the record is real: it is in the store
	e.close()
	st, err = store.Open(e.ctx, e.dir, store.Options{NoSync: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := st.Get(e.ctx, store.Key("vol", use1, root), &rec); err != nil {
		t.Fatalf("root volume record after the load: %v", err)
	}
	if rec["InstanceId"] != ids[0] {
		t.Errorf("root volume record %v", rec)
	}
	if err := st.Close(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.open()
	// billed from its launch, as every volume is
	e.advance(time.Hour)
	bill := e.bill(e.clk.Now().Add(-48*time.Hour), e.clk.Now(), ec2.ByInstance)
	if q, _ := unitLine(bill, root, billing.UnitGBMonth); q == 0 {
		t.Errorf("the root volume given a record at load is not billed: %+v", bill.Lines)
	}
}

// TestVolumeStatesAcrossRestart: a volume creating, one attaching and one
// modifying when the daemon stops move on after the restart, on the
// clock, as they would have.
func TestVolumeStatesAcrossRestart(t *testing.T) {
	e := newEnv(t, "")
	id := e.launchRunning(use1, 1)[0]
	zone := e.get(use1, id).Placement.AvailabilityZone
	mk := func() string {
		out, err := e.c.CreateVolume(e.ctx, use1, &ec2.CreateVolumeInput{AvailabilityZone: zone, Size: 10, VolumeType: "gp3"})
		if err != nil {
			t.Fatal(err)
		}
		return out.VolumeId
	}
	attach, mod := mk(), mk()
	e.advance(time.Second)
	creating := mk()
	if _, err := e.c.AttachVolume(e.ctx, use1, &ec2.AttachVolumeInput{VolumeId: attach, InstanceId: id, Device: "/dev/sdf"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.ModifyVolume(e.ctx, use1, &ec2.ModifyVolumeInput{VolumeId: mod, Size: 20}); err != nil {
		t.Fatal(err)
	}
	e.close()
	e.open()
	vol := func(id string) ec2.Volume {
		out, err := e.c.DescribeVolumes(e.ctx, use1, &ec2.DescribeVolumesInput{VolumeIds: []string{id}})
		if err != nil {
			t.Fatal(err)
		}
		return out.Volumes[0]
	}
	if v := vol(creating); v.State != "creating" {
		t.Errorf("after the restart, a new volume is %s, want creating", v.State)
	}
	e.advance(time.Second)
	if v := vol(creating); v.State != "available" {
		t.Errorf("a second later it is %s, want available", v.State)
	}
	if v := vol(attach); len(v.Attachments) != 1 || v.Attachments[0].State != "attached" {
		t.Errorf("attachment after the restart: %+v", v.Attachments)
	}
	e.advance(2 * time.Minute)
	out, err := e.c.DescribeVolumesModifications(e.ctx, use1, &ec2.DescribeVolumesModificationsInput{VolumeIds: []string{mod}})
	if err != nil {
		t.Fatal(err)
	}
	if m := out.VolumesModifications[0]; m.ModificationState != "completed" || m.Progress != 100 || m.EndTime == nil {
		t.Errorf("modification after the restart: %+v", m)
	}
}
