package core

import (
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/store"
	"github.com/rs/zerolog"
)

// TestRootVolumeFromBeforeRecords: a store written when root volumes were
// derived from their instances (no vol/ record; the tags on the
// instance) loads with a record for each root volume, with the ID and
// tags it had, attached at the root device; a terminated instance's
// root volume gets none.
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
}
