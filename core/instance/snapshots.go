package instance

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// EBS snapshots: a snapshot is a Snapshot record (snap/), pending from
// CreateSnapshot until its data is copied, then completed. Its size is its
// volume's; an image (catalog.AMIs) holds on to the snapshots of its
// block device mappings, which cannot be deleted while it is registered.

// Snapshot is an EBS snapshot as the service keeps it. Copy on write.
type Snapshot struct {
	SnapshotId  string    `json:"SnapshotId"`
	VolumeId    string    `json:"VolumeId"`
	Size        int       `json:"VolumeSize"`
	Description string    `json:"Description,omitempty"`
	Encrypted   bool      `json:"Encrypted,omitempty"`
	KmsKeyId    string    `json:"KmsKeyId,omitempty"`
	StartTime   time.Time `json:"StartTime"`
	// Until is when a pending snapshot completes, on the daemon's clock.
	Until time.Time `json:"Until"`
	// Done is set once it completed.
	Done   bool      `json:"Done,omitempty"`
	DoneAt time.Time `json:"DoneAt,omitempty"`
	Tags   []ec2.Tag `json:"Tags,omitempty"`
	// Shared is the createVolumePermission attribute.
	Shared []ec2.CreateVolumePermission `json:"Shared,omitempty"`
	// Boot is the catalogue image the volume was the root of (its kernel
	// and user), for images registered from the snapshot.
	Boot string `json:"Boot,omitempty"`
	// Tier is the storage tier: "" (standard) or archive.
	Tier string `json:"Tier,omitempty"`
	// Copy says the snapshot is CopySnapshot's (EC2 shows no volume).
	Copy bool `json:"Copy,omitempty"`
	// Copying: its data is being copied (ebsdata.go); Error says why the
	// copy failed.
	Copying bool   `json:"Copying,omitempty"`
	Error   string `json:"Error,omitempty"`
	// Lock keeps it from being deleted (snaplock.go).
	Lock *SnapshotLock `json:"Lock,omitempty"`
	// Tiering is its last move between storage tiers (snaptier.go).
	Tiering *Tiering `json:"Tiering,omitempty"`
	// Restores are its fast snapshot restores by zone (snapfsr.go).
	Restores map[string]*FastRestore `json:"Restores,omitempty"`
}

// Snapshots is the table of snapshot records: snap/<region>/<snap-id>.
var Snapshots = state.Table[Snapshot]{Kind: "snap", ID: func(v *Snapshot) string { return v.SnapshotId }}

// snapshotFor is how long a snapshot stays pending on the daemon's clock.
const snapshotFor = 2 * time.Second

// SnapshotChanged is emitted whenever a snapshot record changes: Old nil
// for a new one, New nil for one gone. At is the change's time.
type SnapshotChanged struct {
	Old, New *Snapshot
	At       time.Time
}

// putSnapshot writes a version of a snapshot and tells the observers.
func putSnapshot(tx *state.Tx, v *Snapshot, at time.Time) {
	old := state.Get(tx, Snapshots, v.SnapshotId)
	state.Put(tx, Snapshots, v)
	tx.Emit(SnapshotChanged{Old: old, New: v, At: at})
}

// dropSnapshot deletes a snapshot and tells the observers.
func dropSnapshot(tx *state.Tx, id string, at time.Time) {
	old := state.Get(tx, Snapshots, id)
	if old == nil {
		return
	}
	state.Delete(tx, Snapshots, id)
	tx.Emit(SnapshotChanged{Old: old, At: at})
}

// findSnapshot is the snapshot id names, or EC2's error for it.
func findSnapshot(rd state.Reader, id string) (*Snapshot, error) {
	if !ec2.ValidID("snap", id) {
		return nil, ec2.MalformedID(ec2.CodeInvalidSnapshotIDMalformed, "snap", id)
	}
	if v := state.Get(rd, Snapshots, id); v != nil {
		return v, nil
	}
	return nil, ec2.Errorf(ec2.CodeInvalidSnapshotNotFound, "The snapshot '%s' does not exist.", id)
}

// completedSnapshot is a snapshot a volume or an image can be made from.
func completedSnapshot(rd state.Reader, id string, now time.Time) (*Snapshot, error) {
	v, err := findSnapshot(rd, id)
	if err != nil {
		return nil, err
	}
	if !v.Done {
		return nil, ec2.Errorf(ec2.CodeIncorrectState, "Snapshot is in invalid state - pending")
	}
	if v.archived(now) {
		return nil, ec2.Errorf(ec2.CodeIncorrectState, "Snapshot %s is in the archive tier; restore it first (RestoreSnapshotTier).", id)
	}
	return v, nil
}

// snapshotView is a snapshot as DescribeSnapshots shows it at now.
func snapshotView(v *Snapshot, now time.Time) ec2.Snapshot {
	out := ec2.Snapshot{SnapshotId: v.SnapshotId, VolumeId: v.VolumeId, VolumeSize: v.Size, State: "pending", StartTime: v.StartTime,
		Progress: snapshotProgress(v, now), OwnerId: ec2.OwnerID, Description: v.Description, Encrypted: v.Encrypted,
		KmsKeyId: v.KmsKeyId, StorageTier: "standard", TransferType: "standard", Tags: v.Tags}
	if v.Copy {
		out.VolumeId = "vol-ffffffff" // EC2 shows copies so
	}
	if v.Error != "" {
		out.State, out.StateMessage = "error", v.Error
	}
	if v.Done {
		out.State = "completed"
		done := v.DoneAt
		out.CompletionTime = &done
		out.FullSnapshotSizeInBytes = int64(v.Size) << 30
	}
	if v.Tier == tierArchive {
		out.StorageTier = tierArchive
	}
	if t := v.Tiering; t != nil && t.Op == "temporary-restore" && !now.Before(t.Done) {
		until := t.RestoreUntil
		out.RestoreExpiryTime = &until
	}
	return out
}

// snapshotProgress is EC2's progress: "0%" to "100%" as the copy goes.
func snapshotProgress(v *Snapshot, now time.Time) string {
	if v.Done {
		return "100%"
	}
	total := v.Until.Sub(v.StartTime)
	if total <= 0 {
		return "99%"
	}
	return strconv.Itoa(min(99, int(100*now.Sub(v.StartTime)/total))) + "%"
}

// snapshotTags are a new snapshot's tags from its TagSpecifications.
func snapshotTags(specs []ec2.TagSpecification) ([]ec2.Tag, error) {
	return tagging.FromSpecs(specs, "snapshot")
}

// checkSnapshotPlace refuses Outposts and local snapshots: ec2x has none.
func checkSnapshotPlace(outpost, location string) error {
	switch {
	case outpost != "":
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid OutpostArn %s: there are no Outposts here.", outpost)
	case location != "" && location != "regional" && location != "local":
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for Location: regional or local.", location)
	case location == "local":
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Local snapshots are for Local Zones and Outposts; there are none here.")
	}
	return nil
}

// newSnapshot begins a snapshot of volume v in tx.
func (s *Service) newSnapshot(tx *state.Tx, v *Volume, desc string, tags []ec2.Tag, now time.Time) *Snapshot {
	sn := &Snapshot{SnapshotId: tx.Region().NewID("snap"), VolumeId: v.VolumeId, Size: v.Size, Description: desc,
		Encrypted: v.Encrypted, KmsKeyId: v.KmsKeyId, StartTime: now, Until: now.Add(snapshotFor), Tags: tags, Boot: s.bootOf(tx, v)}
	if from := s.snapshotSource(tx, v); from != nil {
		sn.Copying = true
		s.copyData(tx, sn, from)
	}
	putSnapshot(tx, sn, now)
	s.armSnapshotAfter(tx, sn)
	return sn
}

// bootOf is the catalogue image a volume boots: its instance's image for
// a root volume, or its snapshot's.
func (s *Service) bootOf(rd state.Reader, v *Volume) string {
	if v.SnapshotId != "" {
		if sn := state.Get(rd, Snapshots, v.SnapshotId); sn != nil {
			return sn.Boot
		}
	}
	if r := get(rd, "i-"+v.VolumeId[len("vol-"):]); r != nil {
		if name, _ := s.cat.ImageByID(rd, r.ImageId); name != "" {
			return name
		}
	}
	return ""
}

// snapshotable is the volume CreateSnapshot names, when it can be.
func (s *Service) snapshotable(rd state.Reader, id string) (*Volume, error) {
	v, err := s.volumeRecord(rd, id)
	if err != nil {
		return nil, err
	}
	if v.State == volCreating || v.State == volDeleting {
		return nil, ec2.Errorf(ec2.CodeIncorrectState, "The volume '%s' is '%s'.", v.VolumeId, v.State)
	}
	return v, nil
}

// CreateSnapshot begins a snapshot of a volume, attached or not.
func (s *Service) CreateSnapshot(ctx context.Context, region string, in *ec2.CreateSnapshotInput) (*ec2.CreateSnapshotOutput, error) {
	tags, err := snapshotTags(in.TagSpecifications)
	if err != nil {
		return nil, err
	}
	if err := checkSnapshotPlace(in.OutpostArn, in.Location); err != nil {
		return nil, err
	}
	if len(in.Description) > 255 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The description must be at most 255 characters.")
	}
	var out *ec2.CreateSnapshotOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		v, err := s.snapshotable(tx, in.VolumeId)
		if err != nil {
			return err
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		now := s.clk.Now().UTC()
		sn := s.newSnapshot(tx, v, in.Description, tags, now)
		out = &ec2.CreateSnapshotOutput{Snapshot: snapshotView(sn, now)}
		return nil
	})
	return out, err
}

// CreateSnapshots begins snapshots of an instance's volumes, all at one
// moment (crash-consistent across them).
func (s *Service) CreateSnapshots(ctx context.Context, region string, in *ec2.CreateSnapshotsInput) (*ec2.CreateSnapshotsOutput, error) {
	tags, err := snapshotTags(in.TagSpecifications)
	if err != nil {
		return nil, err
	}
	if err := checkSnapshotPlace(in.OutpostArn, in.Location); err != nil {
		return nil, err
	}
	if in.CopyTagsFromSource != "" && in.CopyTagsFromSource != "volume" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for CopyTagsFromSource: volume.", in.CopyTagsFromSource)
	}
	spec := in.InstanceSpecification
	if spec.InstanceId == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter InstanceSpecification.InstanceId")
	}
	out := &ec2.CreateSnapshotsOutput{Snapshots: []ec2.SnapshotInfo{}}
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		r, err := s.one(tx, spec.InstanceId)
		if err != nil {
			return err
		}
		if r.State.Name == ec2.StateTerminated || r.State.Name == ec2.StatePending {
			return ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is %s.", r.InstanceId, r.State.Name)
		}
		var vols []string
		for _, d := range devices(r) {
			root := d.DeviceName == rootDevice
			if (root && spec.ExcludeBootVolume) || (!root && slices.Contains(spec.ExcludeDataVolumeIds, d.Ebs.VolumeId)) {
				continue
			}
			vols = append(vols, d.Ebs.VolumeId)
		}
		for _, x := range spec.ExcludeDataVolumeIds {
			if x != "" && x == r.rootID() {
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "The root volume %s cannot be excluded as a data volume; use ExcludeBootVolume.", x)
			}
		}
		if len(vols) == 0 {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The instance '%s' has no volumes to snapshot.", r.InstanceId)
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		now := s.clk.Now().UTC()
		for _, id := range vols {
			v, err := s.volumeRecord(tx, id)
			if err != nil {
				return err
			}
			t := tags
			if in.CopyTagsFromSource == "volume" {
				if t, err = tagging.Merge(v.Tags, tags); err != nil {
					return err
				}
			}
			sn := s.newSnapshot(tx, v, in.Description, t, now)
			out.Snapshots = append(out.Snapshots, ec2.SnapshotInfo{SnapshotId: sn.SnapshotId, VolumeId: sn.VolumeId, VolumeSize: sn.Size,
				State: "pending", StartTime: now, Progress: "0%", OwnerId: ec2.OwnerID, Description: sn.Description, Encrypted: sn.Encrypted, Tags: sn.Tags})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteSnapshot deletes a snapshot no registered image uses.
func (s *Service) DeleteSnapshot(ctx context.Context, region string, in *ec2.DeleteSnapshotInput) (*ec2.Empty, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		sn, err := findSnapshot(tx, in.SnapshotId)
		if err != nil {
			return err
		}
		if ami := catalog.ImageUsing(tx, sn.SnapshotId); ami != "" {
			return ec2.Errorf(ec2.CodeInvalidSnapshotInUse, "The snapshot %s is currently in use by %s", sn.SnapshotId, ami)
		}
		if sn.Lock.held(s.clk.Now()) {
			return ec2.Errorf(ec2.CodeSnapshotLocked, "The snapshot %s is locked (%s) until %s.", sn.SnapshotId, sn.Lock.state(s.clk.Now()), sn.Lock.Expires.Format(time.RFC3339))
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		dropSnapshot(tx, sn.SnapshotId, s.clk.Now().UTC())
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{}, nil
}

// snapshotSpec is DescribeSnapshots' filters, as EC2 documents them.
var snapshotSpec = &describe.Spec[ec2.Snapshot]{
	Fields: []describe.Field[ec2.Snapshot]{
		{Name: "description", Value: func(v ec2.Snapshot) string { return v.Description }},
		{Name: "encrypted", Value: func(v ec2.Snapshot) string { return strconv.FormatBool(v.Encrypted) }},
		{Name: "owner-alias", Values: func(v ec2.Snapshot) []string { return describe.Optional(v.OwnerAlias) }},
		{Name: "owner-id", Value: func(v ec2.Snapshot) string { return v.OwnerId }},
		{Name: "progress", Value: func(v ec2.Snapshot) string { return v.Progress }},
		{Name: "snapshot-id", Value: func(v ec2.Snapshot) string { return v.SnapshotId }},
		{Name: "start-time", Value: func(v ec2.Snapshot) string { return v.StartTime.UTC().Format(time.RFC3339) }},
		{Name: "status", Value: func(v ec2.Snapshot) string { return v.State }},
		{Name: "storage-tier", Value: func(v ec2.Snapshot) string { return v.StorageTier }},
		{Name: "transfer-type", Value: func(v ec2.Snapshot) string { return v.TransferType }},
		{Name: "volume-id", Value: func(v ec2.Snapshot) string { return v.VolumeId }},
		{Name: "volume-size", Value: func(v ec2.Snapshot) string { return strconv.Itoa(v.VolumeSize) }},
	},
	Tags:   func(v ec2.Snapshot) []ec2.Tag { return v.Tags },
	Key:    func(k *describe.Key, v ec2.Snapshot) { k.Str(v.SnapshotId) },
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "SnapshotIds", Clamp: true},
}

// snapshotOwned applies OwnerIds: the account's own snapshots are "self"
// and its ID; Amazon owns none here.
func snapshotOwned(owners []string) bool {
	if len(owners) == 0 {
		return true
	}
	return slices.Contains(owners, "self") || slices.Contains(owners, ec2.OwnerID)
}

// restorableBy applies RestorableByUserIds: the account restores its own;
// "all" asks for public ones (none while block public access blocks all
// sharing: public says whether they are public in effect); another
// account for those shared with it.
func restorableBy(v *Snapshot, users []string, public bool) bool {
	if len(users) == 0 {
		return true
	}
	for _, u := range users {
		switch {
		case u == "self" || u == ec2.OwnerID:
			return true
		case u == "all" && public && slices.Contains(v.Shared, ec2.CreateVolumePermission{Group: "all"}):
			return true
		case slices.Contains(v.Shared, ec2.CreateVolumePermission{UserId: u}):
			return true
		}
	}
	return false
}

// DescribeSnapshots lists the account's snapshots by ID, owner, the
// accounts that may restore them, and filters.
func (s *Service) DescribeSnapshots(ctx context.Context, region string, in *ec2.DescribeSnapshotsInput) (*ec2.DescribeSnapshotsOutput, error) {
	for _, o := range in.OwnerIds {
		if o != "self" && o != "amazon" && o != "aws-marketplace" && !validAccount(o) {
			return nil, ec2.Errorf(ec2.CodeInvalidUserIDMalformed, "Invalid user id: \"%s\"", o)
		}
	}
	now := s.clk.Now().UTC()
	q := describe.Query{Filters: in.Filters, IDs: in.SnapshotIds, MaxResults: in.MaxResults, NextToken: in.NextToken,
		Scope: fmt.Sprintf("DescribeSnapshots/%q/%q", in.OwnerIds, in.RestorableByUserIds)}
	out, next, err := state.Describe(s.rt, region, snapshotSpec, q, func(r *state.Region) ([]ec2.Snapshot, error) {
		found, err := state.Gather(r, Snapshots, in.SnapshotIds, func(r *state.Region, id string) (*Snapshot, error) { return findSnapshot(r, id) })
		if err != nil {
			return nil, err
		}
		items := make([]ec2.Snapshot, 0, len(found))
		public := publicSnapshotsShown(r)
		for _, v := range found {
			if snapshotOwned(in.OwnerIds) && restorableBy(v, in.RestorableByUserIds, public) {
				items = append(items, snapshotView(v, now))
			}
		}
		return items, nil
	}, func(_ *state.Region, v ec2.Snapshot) ec2.Snapshot { return v })
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.Snapshot{}
	}
	return &ec2.DescribeSnapshotsOutput{Snapshots: out, NextToken: next}, nil
}

// validAccount reports whether id is an AWS account ID: 12 digits.
func validAccount(id string) bool {
	if len(id) != 12 {
		return false
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// armSnapshotAfter completes a pending snapshot when it is due, once tx
// is durable.
func (s *Service) armSnapshotAfter(tx *state.Tx, sn *Snapshot) {
	region, id, at := tx.Region().Name, sn.SnapshotId, sn.Until
	tx.After(func(context.Context) { s.armSnapshot(region, id, at) })
}

// armSnapshot completes snapshot id at `at` (at once if that has passed).
func (s *Service) armSnapshot(region, id string, at time.Time) {
	s.clk.AfterFunc(max(at.Sub(s.clk.Now()), 0), func() { s.completeSnapshot(region, id) })
}

// completeSnapshot marks a pending snapshot completed, if it is due.
func (s *Service) completeSnapshot(region, id string) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return
	}
	err := s.rt.Update(context.Background(), region, func(tx *state.Tx) error {
		sn := state.Get(tx, Snapshots, id)
		now := s.clk.Now().UTC()
		if sn == nil || sn.Done || sn.Copying || sn.Error != "" || now.Before(sn.Until) {
			return nil
		}
		n := *sn
		n.Done, n.DoneAt = true, sn.Until
		putSnapshot(tx, &n, now)
		snapshotsDone(tx, id)
		return nil
	})
	if err != nil {
		s.log.Error().Err(err).Str("snapshot", id).Msg("complete snapshot")
	}
}

// rearmSnapshots arms, at a start, every pending snapshot.
func (s *Service) rearmSnapshots() {
	for _, r := range s.rt.Regions() {
		var due []*Snapshot
		r.RLock()
		state.Each(r, Snapshots, func(v *Snapshot) bool {
			if !v.Done {
				due = append(due, v)
			}
			return true
		})
		r.RUnlock()
		for _, v := range due {
			s.armSnapshot(r.Name, v.SnapshotId, v.Until)
		}
	}
}
