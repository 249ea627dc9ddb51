package instance

import (
	"context"
	"time"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// Tiering is a snapshot's last move between the standard and archive
// tiers: archived (in progress until Done), or restored from the archive
// for good or until RestoreUntil.
type Tiering struct {
	Op           string    `json:"Op"` // archive, temporary-restore, permanent-restore
	Start        time.Time `json:"Start"`
	Done         time.Time `json:"Done"`
	RestoreUntil time.Time `json:"RestoreUntil,omitempty"`
}

// How long tiering takes on the daemon's clock (EC2's take hours: the
// states are the same, sooner).
const (
	archiveFor = time.Minute
	restoreFor = time.Minute
)

// archived reports whether a snapshot's data is in the archive tier at
// now, unreadable unless restored for a while.
func (sn *Snapshot) archived(now time.Time) bool {
	t := sn.Tiering
	switch {
	case t == nil || t.Op == "permanent-restore" && !now.Before(t.Done):
		return false
	case t.Op == "temporary-restore":
		return now.Before(t.Done) || !now.Before(t.RestoreUntil)
	}
	return true
}

// tierStatus is a snapshot's tier and its last operation at now.
func tierStatus(sn *Snapshot, now time.Time) ec2.SnapshotTierStatus {
	out := ec2.SnapshotTierStatus{SnapshotId: sn.SnapshotId, VolumeId: sn.VolumeId, Status: "pending", OwnerId: ec2.OwnerID, Tags: sn.Tags, StorageTier: "standard"}
	if sn.Done {
		out.Status = "completed"
	}
	t := sn.Tiering
	if t == nil {
		return out
	}
	start := t.Start
	out.LastTieringStartTime = &start
	done := !now.Before(t.Done)
	out.LastTieringProgress = 100
	if !done {
		out.LastTieringProgress = int(100 * now.Sub(t.Start) / t.Done.Sub(t.Start))
	}
	switch t.Op {
	case "archive":
		out.StorageTier, out.LastTieringOperationStatus = tierArchive, "archival-in-progress"
		if done {
			at := t.Done
			out.LastTieringOperationStatus, out.ArchivalCompleteTime = "archival-completed", &at
		}
	case "temporary-restore":
		out.StorageTier, out.LastTieringOperationStatus = tierArchive, "temporary-restore-in-progress"
		if done {
			until := t.RestoreUntil
			out.LastTieringOperationStatus, out.RestoreExpiryTime = "temporary-restore-completed", &until
		}
	case "permanent-restore":
		out.StorageTier, out.LastTieringOperationStatus = tierArchive, "permanent-restore-in-progress"
		if done {
			out.StorageTier, out.LastTieringOperationStatus = "standard", "permanent-restore-completed"
		}
	}
	return out
}

// ModifySnapshotTier archives a completed snapshot: it costs less to
// keep, and a volume can be made of it only once it is restored.
func (s *Service) ModifySnapshotTier(ctx context.Context, region string, in *ec2.ModifySnapshotTierInput) (*ec2.ModifySnapshotTierOutput, error) {
	if in.StorageTier != "" && in.StorageTier != tierArchive {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for StorageTier: archive.", in.StorageTier)
	}
	var out *ec2.ModifySnapshotTierOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		sn, err := findSnapshot(tx, in.SnapshotId)
		if err != nil {
			return err
		}
		now := s.clk.Now().UTC()
		switch {
		case !sn.Done:
			return ec2.Errorf(ec2.CodeIncorrectState, "Snapshot is in invalid state - pending")
		case sn.Tier == tierArchive:
			return ec2.Errorf(ec2.CodeIncorrectState, "The snapshot %s is already in the archive tier.", sn.SnapshotId)
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		n := *sn
		n.Tier, n.Tiering = tierArchive, &Tiering{Op: "archive", Start: now, Done: now.Add(archiveFor)}
		putSnapshot(tx, &n, now)
		out = &ec2.ModifySnapshotTierOutput{SnapshotId: sn.SnapshotId, TieringStartTime: now}
		return nil
	})
	return out, err
}

// RestoreSnapshotTier brings an archived snapshot back: for
// TemporaryRestoreDays (still billed as archived), or for good.
func (s *Service) RestoreSnapshotTier(ctx context.Context, region string, in *ec2.RestoreSnapshotTierInput) (*ec2.RestoreSnapshotTierOutput, error) {
	switch {
	case in.PermanentRestore && in.TemporaryRestoreDays != 0:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Give PermanentRestore or TemporaryRestoreDays, not both.")
	case !in.PermanentRestore && (in.TemporaryRestoreDays < 1 || in.TemporaryRestoreDays > 180):
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "TemporaryRestoreDays is 1 to 180 (or give PermanentRestore).")
	}
	var out *ec2.RestoreSnapshotTierOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		sn, err := findSnapshot(tx, in.SnapshotId)
		if err != nil {
			return err
		}
		now := s.clk.Now().UTC()
		if sn.Tier != tierArchive || sn.Tiering.Op == "archive" && now.Before(sn.Tiering.Done) {
			return ec2.Errorf(ec2.CodeIncorrectState, "The snapshot %s is not archived.", sn.SnapshotId)
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		n := *sn
		t := &Tiering{Op: "temporary-restore", Start: now, Done: now.Add(restoreFor)}
		if in.PermanentRestore {
			t.Op, n.Tier = "permanent-restore", ""
		} else {
			t.RestoreUntil = t.Done.AddDate(0, 0, in.TemporaryRestoreDays)
		}
		n.Tiering = t
		putSnapshot(tx, &n, now)
		out = &ec2.RestoreSnapshotTierOutput{SnapshotId: sn.SnapshotId, RestoreStartTime: now, IsPermanentRestore: in.PermanentRestore, RestoreDuration: in.TemporaryRestoreDays}
		return nil
	})
	return out, err
}

// tierSpec is DescribeSnapshotTierStatus' filters.
var tierSpec = &describe.Spec[ec2.SnapshotTierStatus]{
	Fields: []describe.Field[ec2.SnapshotTierStatus]{
		{Name: "snapshot-id", Value: func(t ec2.SnapshotTierStatus) string { return t.SnapshotId }},
		{Name: "volume-id", Value: func(t ec2.SnapshotTierStatus) string { return t.VolumeId }},
		{Name: "last-tiering-operation", Values: func(t ec2.SnapshotTierStatus) []string { return describe.Optional(t.LastTieringOperationStatus) }},
	},
	Tags:   func(t ec2.SnapshotTierStatus) []ec2.Tag { return t.Tags },
	Key:    func(k *describe.Key, t ec2.SnapshotTierStatus) { k.Str(t.SnapshotId) },
	Paging: describe.Paging{Min: 1, Max: 1000},
}

// DescribeSnapshotTierStatus lists every snapshot's tier and last tiering.
func (s *Service) DescribeSnapshotTierStatus(ctx context.Context, region string, in *ec2.DescribeSnapshotTierStatusInput) (*ec2.DescribeSnapshotTierStatusOutput, error) {
	now := s.clk.Now().UTC()
	q := describe.Query{Filters: in.Filters, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeSnapshotTierStatus"}
	out, next, err := state.Describe(s.rt, region, tierSpec, q, func(r *state.Region) ([]ec2.SnapshotTierStatus, error) {
		var items []ec2.SnapshotTierStatus
		for _, sn := range state.Published(r, Snapshots) {
			items = append(items, tierStatus(sn, now))
		}
		return items, nil
	}, func(_ *state.Region, t ec2.SnapshotTierStatus) ec2.SnapshotTierStatus { return t })
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.SnapshotTierStatus{}
	}
	return &ec2.DescribeSnapshotTierStatusOutput{SnapshotTierStatuses: out, NextToken: next}, nil
}
