package instance

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// FastRestore is fast snapshot restore of a snapshot in one zone:
// enabling, optimizing (an hour per TiB in EC2), enabled; disabling,
// disabled. Volumes made of the snapshot in the zone while it is enabled
// are fast-restored (at their full performance at once).
type FastRestore struct {
	Enabling   time.Time `json:"Enabling"`
	Optimizing time.Time `json:"Optimizing"`
	Enabled    time.Time `json:"Enabled"`
	Disabling  time.Time `json:"Disabling,omitempty"`
	Disabled   time.Time `json:"Disabled,omitempty"`
}

// fsrSteps is how long enabling and disabling take on the daemon's clock.
const fsrSteps = time.Minute

// state is the restore's state at now.
func (f *FastRestore) state(now time.Time) string {
	switch {
	case !f.Disabled.IsZero() && !now.Before(f.Disabled):
		return "disabled"
	case !f.Disabling.IsZero():
		return "disabling"
	case !now.Before(f.Enabled):
		return "enabled"
	case !now.Before(f.Optimizing):
		return "optimizing"
	}
	return "enabling"
}

// fastRestored reports whether volumes of sn in zone are fast-restored at now.
func (sn *Snapshot) fastRestored(zone string, now time.Time) bool {
	f := sn.Restores[zone]
	return f != nil && f.state(now) == "enabled"
}

// fsrView is a snapshot's restore in a zone as EC2 shows it.
func fsrView(rd state.Reader, sn *Snapshot, zone string, now time.Time) ec2.FastSnapshotRestore {
	f := sn.Restores[zone]
	out := ec2.FastSnapshotRestore{SnapshotId: sn.SnapshotId, AvailabilityZone: zone, State: f.state(now), OwnerId: ec2.OwnerID}
	if i := slices.Index(rd.Region().Cfg.Zones, zone); i >= 0 {
		out.AvailabilityZoneId = catalog.ZoneID(rd.Region().Cfg, rd.Region().Name, i)
	}
	at := func(t time.Time) *time.Time {
		if t.IsZero() || now.Before(t) {
			return nil
		}
		return &t
	}
	out.EnablingTime, out.OptimizingTime, out.EnabledTime = at(f.Enabling), at(f.Optimizing), at(f.Enabled)
	out.DisablingTime, out.DisabledTime = at(f.Disabling), at(f.Disabled)
	return out
}

// fsrZones are the zones a request names, by name or ID.
func fsrZones(rd state.Reader, in *ec2.FastSnapshotRestoresInput) ([]string, error) {
	zones := slices.Clone(in.AvailabilityZones)
	for _, id := range in.AvailabilityZoneIds {
		z := zoneByID(rd, id)
		if z == "" {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid availability zone ID: [%s]", id)
		}
		zones = append(zones, z)
	}
	for _, z := range zones {
		if !slices.Contains(rd.Region().Cfg.Zones, z) {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid availability zone: [%s]", z)
		}
	}
	switch {
	case len(in.SourceSnapshotIds) == 0:
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter SourceSnapshotIds")
	case len(zones) == 0:
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter AvailabilityZones or AvailabilityZoneIds")
	}
	return zones, nil
}

// changeRestores applies f to each snapshot's restore in each zone; a
// snapshot f refuses goes to Unsuccessful, with why.
func (s *Service) changeRestores(ctx context.Context, region string, in *ec2.FastSnapshotRestoresInput,
	f func(sn *Snapshot, r *FastRestore, now time.Time) (*FastRestore, error)) (*ec2.FastSnapshotRestoresOutput, error) {
	out := &ec2.FastSnapshotRestoresOutput{Successful: []ec2.FastSnapshotRestore{}, Unsuccessful: []ec2.FastSnapshotRestoreErrorItem{}}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		zones, err := fsrZones(tx, in)
		if err != nil {
			return err
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		now := s.clk.Now().UTC()
		for _, id := range in.SourceSnapshotIds {
			sn, err := findSnapshot(tx, id)
			if err != nil {
				return err
			}
			n := *sn
			n.Restores = maps.Clone(sn.Restores)
			if n.Restores == nil {
				n.Restores = map[string]*FastRestore{}
			}
			bad := ec2.FastSnapshotRestoreErrorItem{SnapshotId: id}
			for _, z := range zones {
				r, err := f(sn, sn.Restores[z], now)
				if err != nil {
					bad.FastSnapshotRestoreStateErrors = append(bad.FastSnapshotRestoreStateErrors, ec2.FastSnapshotRestoreStateErrorItem{AvailabilityZone: z,
						Error: ec2.FastSnapshotRestoreStateError{Code: ec2.CodeOf(err), Message: err.Error()}})
					continue
				}
				n.Restores[z] = r
				out.Successful = append(out.Successful, fsrView(tx, &n, z, now))
			}
			if len(bad.FastSnapshotRestoreStateErrors) > 0 {
				out.Unsuccessful = append(out.Unsuccessful, bad)
			}
			state.Put(tx, Snapshots, &n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EnableFastSnapshotRestores turns fast restore on for completed
// snapshots in zones.
func (s *Service) EnableFastSnapshotRestores(ctx context.Context, region string, in *ec2.EnableFastSnapshotRestoresInput) (*ec2.FastSnapshotRestoresOutput, error) {
	return s.changeRestores(ctx, region, &in.FastSnapshotRestoresInput, func(sn *Snapshot, r *FastRestore, now time.Time) (*FastRestore, error) {
		switch {
		case !sn.Done:
			return nil, ec2.Errorf(ec2.CodeIncorrectState, "The snapshot %s is pending.", sn.SnapshotId)
		case r != nil && r.state(now) != "disabled":
			return r, nil // enabling it again changes nothing
		}
		optimize := max(time.Duration(sn.Size)*time.Hour/1024, fsrSteps)
		return &FastRestore{Enabling: now, Optimizing: now.Add(fsrSteps), Enabled: now.Add(fsrSteps + optimize)}, nil
	})
}

// DisableFastSnapshotRestores turns fast restore off.
func (s *Service) DisableFastSnapshotRestores(ctx context.Context, region string, in *ec2.DisableFastSnapshotRestoresInput) (*ec2.FastSnapshotRestoresOutput, error) {
	return s.changeRestores(ctx, region, &in.FastSnapshotRestoresInput, func(sn *Snapshot, r *FastRestore, now time.Time) (*FastRestore, error) {
		if r == nil || r.state(now) == "disabled" || r.state(now) == "disabling" {
			return nil, ec2.Errorf(ec2.CodeIncorrectState, "Fast snapshot restore of %s is not enabled in the zone.", sn.SnapshotId)
		}
		n := *r
		n.Disabling, n.Disabled = now, now.Add(fsrSteps)
		return &n, nil
	})
}

// fsrSpec is DescribeFastSnapshotRestores' filters.
var fsrSpec = &describe.Spec[ec2.FastSnapshotRestore]{
	Fields: []describe.Field[ec2.FastSnapshotRestore]{
		{Name: "availability-zone", Value: func(f ec2.FastSnapshotRestore) string { return f.AvailabilityZone }},
		{Name: "owner-id", Value: func(f ec2.FastSnapshotRestore) string { return f.OwnerId }},
		{Name: "snapshot-id", Value: func(f ec2.FastSnapshotRestore) string { return f.SnapshotId }},
		{Name: "state", Value: func(f ec2.FastSnapshotRestore) string { return f.State }},
	},
	Key:    func(k *describe.Key, f ec2.FastSnapshotRestore) { k.Str(f.SnapshotId); k.Str(f.AvailabilityZone) },
	Paging: describe.Paging{Min: 0, Max: 200},
}

// DescribeFastSnapshotRestores lists fast restores, each snapshot in each zone.
func (s *Service) DescribeFastSnapshotRestores(ctx context.Context, region string, in *ec2.DescribeFastSnapshotRestoresInput) (*ec2.DescribeFastSnapshotRestoresOutput, error) {
	now := s.clk.Now().UTC()
	q := describe.Query{Filters: in.Filters, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeFastSnapshotRestores"}
	out, next, err := state.Describe(s.rt, region, fsrSpec, q, func(r *state.Region) ([]ec2.FastSnapshotRestore, error) {
		var items []ec2.FastSnapshotRestore
		for _, sn := range state.Published(r, Snapshots) {
			for _, z := range slices.Sorted(maps.Keys(sn.Restores)) {
				items = append(items, fsrView(r, sn, z, now))
			}
		}
		return items, nil
	}, func(_ *state.Region, f ec2.FastSnapshotRestore) ec2.FastSnapshotRestore { return f })
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.FastSnapshotRestore{}
	}
	return &ec2.DescribeFastSnapshotRestoresOutput{FastSnapshotRestores: out, NextToken: next}, nil
}
