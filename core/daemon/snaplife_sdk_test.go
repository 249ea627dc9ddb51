package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestSDKSnapshotLife: what happens to a snapshot after it is taken,
// through the SDK on the fake clock: locks in governance and compliance
// mode (the cooling-off period, extending but never shortening), the
// archive tier and restores from it, fast snapshot restore by zone, and
// copies of volumes.
func TestSDKSnapshotLife(t *testing.T) {
	c, _, clk := fakeTimeSDK(t)
	ctx := context.Background()
	vol := createVolume(t, c, clk, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1a"), Size: aws.Int32(100), VolumeType: types.VolumeTypeGp3})
	snap := func() string {
		out, err := c.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: aws.String(vol)})
		must(t, err)
		clk.Advance(2 * time.Second)
		return aws.ToString(out.SnapshotId)
	}
	del := func(id string) error {
		_, err := c.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String(id)})
		return err
	}
	fromSnap := func(id, zone string) (string, error) {
		out, err := c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String(zone), SnapshotId: aws.String(id)})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.VolumeId), nil
	}

	t.Run("governance lock", func(t *testing.T) {
		id := snap()
		l, err := c.LockSnapshot(ctx, &ec2.LockSnapshotInput{SnapshotId: aws.String(id), LockMode: types.LockModeGovernance, LockDuration: aws.Int32(7)})
		must(t, err)
		if l.LockState != types.LockStateGovernance || l.LockExpiresOn == nil || !l.LockExpiresOn.Equal(clk.Now().AddDate(0, 0, 7)) {
			t.Errorf("lock: %s until %v", l.LockState, l.LockExpiresOn)
		}
		if code := apiCode(t, del(id)); code != "SnapshotLocked" {
			t.Errorf("delete of a locked snapshot: %s", code)
		}
		_, err = c.UnlockSnapshot(ctx, &ec2.UnlockSnapshotInput{SnapshotId: aws.String(id)})
		must(t, err)
		must(t, del(id))
	})

	t.Run("compliance lock", func(t *testing.T) {
		id := snap()
		_, err := c.LockSnapshot(ctx, &ec2.LockSnapshotInput{SnapshotId: aws.String(id), LockMode: types.LockModeCompliance, CoolOffPeriod: aws.Int32(1), LockDuration: aws.Int32(1)})
		must(t, err)
		locks, err := c.DescribeLockedSnapshots(ctx, &ec2.DescribeLockedSnapshotsInput{SnapshotIds: []string{id}})
		must(t, err)
		if locks.Snapshots[0].LockState != types.LockStateComplianceCooloff {
			t.Errorf("within the cooling-off period: %s", locks.Snapshots[0].LockState)
		}
		clk.Advance(2 * time.Hour)
		if _, err := c.UnlockSnapshot(ctx, &ec2.UnlockSnapshotInput{SnapshotId: aws.String(id)}); apiCode(t, err) != "IncorrectState" {
			t.Errorf("unlock of a compliance lock past its cooling-off: %v", err)
		}
		if _, err := c.LockSnapshot(ctx, &ec2.LockSnapshotInput{SnapshotId: aws.String(id), LockMode: types.LockModeCompliance, ExpirationDate: aws.Time(clk.Now().Add(time.Hour))}); apiCode(t, err) != "IncorrectState" {
			t.Errorf("shortening a compliance lock: %v", err)
		}
		_, err = c.LockSnapshot(ctx, &ec2.LockSnapshotInput{SnapshotId: aws.String(id), LockMode: types.LockModeCompliance, LockDuration: aws.Int32(2)})
		must(t, err)
		clk.Advance(47 * time.Hour)
		if code := apiCode(t, del(id)); code != "SnapshotLocked" {
			t.Errorf("delete within the extended lock: %s", code)
		}
		clk.Advance(time.Hour)
		expired, err := c.DescribeLockedSnapshots(ctx, &ec2.DescribeLockedSnapshotsInput{Filters: []types.Filter{{Name: aws.String("lock-state"), Values: []string{"expired"}}}})
		must(t, err)
		if len(expired.Snapshots) != 1 || aws.ToString(expired.Snapshots[0].SnapshotId) != id {
			t.Errorf("expired locks: %+v", expired.Snapshots)
		}
		must(t, del(id))
	})

	t.Run("archived and restored", func(t *testing.T) {
		id := snap()
		_, err := c.ModifySnapshotTier(ctx, &ec2.ModifySnapshotTierInput{SnapshotId: aws.String(id), StorageTier: types.TargetStorageTierArchive})
		must(t, err)
		status := func() types.SnapshotTierStatus {
			out, err := c.DescribeSnapshotTierStatus(ctx, &ec2.DescribeSnapshotTierStatusInput{Filters: []types.Filter{{Name: aws.String("snapshot-id"), Values: []string{id}}}})
			must(t, err)
			return out.SnapshotTierStatuses[0]
		}
		if s := status(); s.LastTieringOperationStatus != types.TieringOperationStatusArchivalInProgress {
			t.Errorf("tiering: %s", s.LastTieringOperationStatus)
		}
		clk.Advance(time.Minute)
		if s := status(); s.LastTieringOperationStatus != types.TieringOperationStatusArchivalCompleted || s.StorageTier != types.StorageTierArchive {
			t.Errorf("tiering after a minute: %s in %s", s.LastTieringOperationStatus, s.StorageTier)
		}
		if sn := snapshotOf(t, c, id); sn.StorageTier != types.StorageTierArchive {
			t.Errorf("DescribeSnapshots tier: %s", sn.StorageTier)
		}
		if _, err := fromSnap(id, "us-east-1a"); apiCode(t, err) != "IncorrectState" {
			t.Errorf("a volume of an archived snapshot: %v", err)
		}
		_, err = c.RestoreSnapshotTier(ctx, &ec2.RestoreSnapshotTierInput{SnapshotId: aws.String(id), TemporaryRestoreDays: aws.Int32(1)})
		must(t, err)
		clk.Advance(time.Minute)
		if s := status(); s.LastTieringOperationStatus != types.TieringOperationStatusTemporaryRestoreCompleted || s.RestoreExpiryTime == nil {
			t.Errorf("after a temporary restore: %s", s.LastTieringOperationStatus)
		}
		if _, err := fromSnap(id, "us-east-1a"); err != nil {
			t.Errorf("a volume of a restored snapshot: %v", err)
		}
		clk.Advance(25 * time.Hour)
		if _, err := fromSnap(id, "us-east-1a"); apiCode(t, err) != "IncorrectState" {
			t.Errorf("a volume once the temporary restore expired: %v", err)
		}
		_, err = c.RestoreSnapshotTier(ctx, &ec2.RestoreSnapshotTierInput{SnapshotId: aws.String(id), PermanentRestore: aws.Bool(true)})
		must(t, err)
		clk.Advance(time.Minute)
		if s := status(); s.StorageTier != types.StorageTierStandard || s.LastTieringOperationStatus != types.TieringOperationStatusPermanentRestoreCompleted {
			t.Errorf("after a permanent restore: %s in %s", s.LastTieringOperationStatus, s.StorageTier)
		}
	})

	t.Run("fast snapshot restore", func(t *testing.T) {
		id := snap()
		en, err := c.EnableFastSnapshotRestores(ctx, &ec2.EnableFastSnapshotRestoresInput{SourceSnapshotIds: []string{id}, AvailabilityZones: []string{"us-east-1a"}})
		must(t, err)
		if len(en.Successful) != 1 || en.Successful[0].State != types.FastSnapshotRestoreStateCodeEnabling {
			t.Fatalf("enable: %+v %+v", en.Successful, en.Unsuccessful)
		}
		state := func() types.FastSnapshotRestoreStateCode {
			out, err := c.DescribeFastSnapshotRestores(ctx, &ec2.DescribeFastSnapshotRestoresInput{Filters: []types.Filter{{Name: aws.String("snapshot-id"), Values: []string{id}}}})
			must(t, err)
			return out.FastSnapshotRestores[0].State
		}
		clk.Advance(time.Minute)
		if s := state(); s != types.FastSnapshotRestoreStateCodeOptimizing {
			t.Errorf("after a minute: %s", s)
		}
		clk.Advance(6 * time.Minute) // an hour per TiB: 100 GiB in 5.9 minutes
		if s := state(); s != types.FastSnapshotRestoreStateCodeEnabled {
			t.Errorf("after optimizing: %s", s)
		}
		fast, err := fromSnap(id, "us-east-1a")
		must(t, err)
		slow, err := fromSnap(id, "us-east-1b")
		must(t, err)
		clk.Advance(time.Second)
		if !aws.ToBool(volumeOf(t, c, fast).FastRestored) || aws.ToBool(volumeOf(t, c, slow).FastRestored) {
			t.Error("only the volume in the zone with fast restore is fast-restored")
		}
		_, err = c.DisableFastSnapshotRestores(ctx, &ec2.DisableFastSnapshotRestoresInput{SourceSnapshotIds: []string{id}, AvailabilityZones: []string{"us-east-1a"}})
		must(t, err)
		clk.Advance(time.Minute)
		if s := state(); s != types.FastSnapshotRestoreStateCodeDisabled {
			t.Errorf("after disabling: %s", s)
		}
		again, err := c.DisableFastSnapshotRestores(ctx, &ec2.DisableFastSnapshotRestoresInput{SourceSnapshotIds: []string{id}, AvailabilityZones: []string{"us-east-1a"}})
		must(t, err)
		if len(again.Unsuccessful) != 1 {
			t.Errorf("disabling a disabled restore: %+v", again)
		}
	})

	t.Run("copy of a volume", func(t *testing.T) {
		cp, err := c.CopyVolumes(ctx, &ec2.CopyVolumesInput{SourceVolumeId: aws.String(vol), Size: aws.Int32(200)})
		must(t, err)
		clk.Advance(time.Second)
		v := volumeOf(t, c, aws.ToString(cp.Volumes[0].VolumeId))
		if v.State != types.VolumeStateAvailable || aws.ToInt32(v.Size) != 200 || v.VolumeType != types.VolumeTypeGp3 || aws.ToString(v.AvailabilityZone) != "us-east-1a" {
			t.Errorf("copy: %s, %d GiB %s in %s", v.State, aws.ToInt32(v.Size), v.VolumeType, aws.ToString(v.AvailabilityZone))
		}
		if _, err := c.CopyVolumes(ctx, &ec2.CopyVolumesInput{SourceVolumeId: aws.String(vol), Size: aws.Int32(50)}); apiCode(t, err) != "InvalidParameterValue" {
			t.Errorf("a copy smaller than its volume: %v", err)
		}
	})
}
