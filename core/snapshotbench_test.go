package core

import (
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

// BenchmarkSnapshots: taking a snapshot (one change, its billing stretch
// opened in it), and DescribeSnapshots over 10,000 of them the ways
// scripts ask: by volume (a backup tool's "latest of this volume") and
// one page of all.
func BenchmarkSnapshots(b *testing.B) {
	// each figure has an environment of its own: the snapshots that
	// CreateSnapshot's b.N leaves would make the listings' 10,000 more
	setup := func(b *testing.B) (snap func(string), vols []string, e *env) {
		e = newEnv(b, "")
		for range 100 {
			out, err := e.c.CreateVolume(e.ctx, use1, &ec2.CreateVolumeInput{AvailabilityZone: "us-east-1a", Size: 10})
			if err != nil {
				b.Fatal(err)
			}
			vols = append(vols, out.VolumeId)
		}
		e.advance(1e9)
		return func(v string) {
			if _, err := e.c.CreateSnapshot(e.ctx, use1, &ec2.CreateSnapshotInput{VolumeId: v}); err != nil {
				b.Fatal(err)
			}
		}, vols, e
	}
	b.Run("CreateSnapshot", func(b *testing.B) {
		snap, vols, _ := setup(b)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			snap(vols[i%len(vols)])
		}
	})
	snap, vols, e := setup(b)
	for n := range 10000 {
		snap(vols[n%len(vols)])
	}
	cases := []struct {
		name string
		in   ec2.DescribeSnapshotsInput
		min  int
	}{
		{"by volume of 10000", ec2.DescribeSnapshotsInput{Filters: []ec2.Filter{newFilter("volume-id", vols[7])}, OwnerIds: []string{"self"}}, 100},
		{"a page of 1000 of 10000", ec2.DescribeSnapshotsInput{MaxResults: 1000}, 1000},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				out, err := e.c.DescribeSnapshots(e.ctx, use1, &bc.in)
				if err != nil {
					b.Fatal(err)
				}
				if len(out.Snapshots) < bc.min {
					b.Fatalf("%d snapshots, want at least %d", len(out.Snapshots), bc.min)
				}
			}
		})
	}
}
