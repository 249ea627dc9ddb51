package instance

import (
	"context"
	"slices"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// EBS limits and defaults, as the SDK's CreateVolume documents them.
const (
	gp3Iops          = 3000 // gp3's baseline, free
	gp3MaxIops       = 80000
	gp3Throughput    = 125 // MiB/s, gp3's baseline, free
	gp3MaxThroughput = 2000
	gp3IopsPerGiB    = 500
	maxMultiAttach   = 16
)

// maxIops and iopsPerGiB bound provisioned IOPS by volume type.
var (
	maxIops    = map[string]int{"io1": 64000, "io2": 256000}
	iopsPerGiB = map[string]int{"io1": 50, "io2": 1000}
)

// gp2Iops is a gp2 volume's IOPS: 3 per GiB, 100 to 16,000.
func gp2Iops(size int) int { return min(max(3*size, 100), 16000) }

// How long a volume's passing states last, on the daemon's clock: EC2's
// take seconds; a modification optimizes for longer.
const (
	volumeCreating  = time.Second
	volumeDeleting  = time.Second
	volumeAttaching = time.Second
	volumeDetaching = time.Second
	modifyingFor    = 2 * time.Second
	optimizingFor   = time.Minute
	// modifyCooldown is EC2's wait between two modifications of a volume.
	modifyCooldown = 6 * time.Hour
)

// Volume (and attachment) states EC2 names.
const (
	volCreating  = "creating"
	volDeleting  = "deleting"
	volAttaching = "attaching"
	volDetaching = "detaching"
)

// volumeRecord is a volume to change: its record, or one made for a root
// volume that has none yet (Put makes it real).
func (s *Service) volumeRecord(rd state.Reader, id string) (*Volume, error) {
	v, rec, err := s.findVolume(rd, id)
	if err != nil {
		return nil, err
	}
	if v != nil {
		return v, nil
	}
	root := rootVolume(rec)
	root.InstanceId = rec.InstanceId
	return &root, nil
}

// createZone is the zone CreateVolume names, by name or ID.
func createZone(rd state.Reader, in *ec2.CreateVolumeInput) (string, error) {
	zone := in.AvailabilityZone
	if in.AvailabilityZoneId != "" {
		z := zoneByID(rd, in.AvailabilityZoneId)
		switch {
		case in.AvailabilityZone != "":
			return "", ec2.Errorf(ec2.CodeInvalidParameterCombination, "Either AvailabilityZone or AvailabilityZoneId can be specified, but not both.")
		case z == "":
			return "", ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid availability zone ID: [%s]", in.AvailabilityZoneId)
		}
		zone = z
	}
	switch {
	case zone == "":
		return "", ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter AvailabilityZone")
	case !slices.Contains(rd.Region().Cfg.Zones, zone):
		return "", ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid availability zone: [%s]", zone)
	}
	return zone, nil
}

// checkCreate applies CreateVolume's rules that need no state.
func checkCreate(in *ec2.CreateVolumeInput) error {
	typ := or(in.VolumeType, "gp2")
	switch {
	case len(in.ClientToken) > 64:
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "The client token must be at most 64 ASCII characters.")
	case in.SnapshotId != "" && !ec2.ValidID("snap", in.SnapshotId):
		return ec2.MalformedID(ec2.CodeInvalidSnapshotIDMalformed, "snap", in.SnapshotId)
	case in.VolumeInitializationRate != 0 && in.SnapshotId == "":
		return ec2.Errorf(ec2.CodeInvalidParameterCombination, "VolumeInitializationRate is supported only for volumes created from snapshots.")
	case in.OutpostArn != "":
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid OutpostArn %s: there are no Outposts here.", in.OutpostArn)
	case in.Size == 0 && in.SnapshotId == "":
		return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter size or snapshotId")
	case in.Size < 0:
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%d' for size: it must be positive.", in.Size)
	case in.KmsKeyId != "" && (in.Encrypted == nil || !*in.Encrypted):
		return ec2.Errorf(ec2.CodeInvalidParameterDependency, "The parameter KmsKeyId requires the parameter Encrypted to be set.")
	case in.MultiAttachEnabled && typ != "io1" && typ != "io2":
		return ec2.Errorf(ec2.CodeInvalidParameterCombination, "The Multi-Attach feature is supported only for io1 and io2 volumes, not %s.", typ)
	}
	return checkNewVolume(in, typ, in.Size)
}

// checkNewVolume applies the volume type's rules to a new volume's size.
func checkNewVolume(in *ec2.CreateVolumeInput, typ string, size int) error {
	if size == 0 {
		return nil // from a snapshot: its size, checked once known
	}
	if err := checkVolume(RootVolume{Type: typ, Iops: in.Iops, Throughput: in.Throughput}, size, false); err != nil {
		return err
	}
	return checkSize(typ, size)
}

// fromSnapshot is what a new volume takes of its snapshot: its size (the
// least it may have) and its encryption.
func fromSnapshot(rd state.Reader, in *ec2.CreateVolumeInput, typ string, now time.Time) (size int, sn *Snapshot, err error) {
	if in.SnapshotId == "" {
		return in.Size, nil, nil
	}
	if sn, err = completedSnapshot(rd, in.SnapshotId, now); err != nil {
		return 0, nil, err
	}
	size = in.Size
	if size == 0 {
		size = sn.Size
	}
	if size < sn.Size {
		return 0, nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Volume of size %dGB is smaller than snapshot '%s', expect size >= %dGB", size, sn.SnapshotId, sn.Size)
	}
	if in.Size == 0 {
		if err := checkNewVolume(in, typ, size); err != nil {
			return 0, nil, err
		}
	}
	return size, sn, nil
}

// CreateVolume makes an available volume in a zone: creating at first,
// available a moment later.
func (s *Service) CreateVolume(ctx context.Context, region string, in *ec2.CreateVolumeInput) (*ec2.CreateVolumeOutput, error) {
	tags, err := tagging.FromSpecs(in.TagSpecifications, "volume")
	if err != nil {
		return nil, err
	}
	if err := checkCreate(in); err != nil {
		return nil, err
	}
	var out *ec2.CreateVolumeOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		zone, err := createZone(tx, in)
		if err != nil {
			return err
		}
		typ := or(in.VolumeType, "gp2")
		size, sn, err := fromSnapshot(tx, in, typ, s.clk.Now())
		if err != nil {
			return err
		}
		if in.ClientToken != "" {
			var done *Volume
			state.Each(tx, Volumes, func(v *Volume) bool {
				if v.ClientToken == in.ClientToken {
					done = v
				}
				return done == nil
			})
			if done != nil {
				if done.Zone != zone || done.Size != size || done.Type != typ || done.Iops != in.Iops || done.Throughput != in.Throughput {
					return ec2.Errorf(ec2.CodeIdempotentParameterMismatch, "The client token '%s' was used with a different request.", in.ClientToken)
				}
				out = &ec2.CreateVolumeOutput{Volume: volumeView(done, attachedTo(tx, done)...)}
				return dryRun(in.DryRun)
			}
		}
		now := s.clk.Now().UTC()
		v := &Volume{VolumeId: tx.Region().NewID("vol"), Zone: zone, Size: size, Type: typ, Iops: in.Iops, Throughput: in.Throughput,
			Encrypted: in.Encrypted != nil && *in.Encrypted, KmsKeyId: in.KmsKeyId, CreateTime: now, Tags: tags,
			MultiAttach: in.MultiAttachEnabled, ClientToken: in.ClientToken, State: volCreating, Until: now.Add(volumeCreating)}
		if sn != nil {
			v.SnapshotId, v.FastRestored = sn.SnapshotId, sn.fastRestored(zone, now)
			if sn.Encrypted { // a volume of an encrypted snapshot is encrypted, with its key
				v.Encrypted, v.KmsKeyId = true, or(in.KmsKeyId, sn.KmsKeyId)
			}
		}
		v.Encrypted, v.KmsKeyId = volumeKeysOf(tx).of(v.Encrypted, v.KmsKeyId)
		putVolume(tx, nil, v, now)
		s.armAfter(tx, v.VolumeId, v.Until)
		out = &ec2.CreateVolumeOutput{Volume: volumeView(v)}
		return dryRun(in.DryRun)
	})
	return out, err
}

// defaultKmsKey is the AWS managed EBS key (aws/ebs) in a region: the
// default key until ModifyEbsDefaultKmsKeyId names another.
func defaultKmsKey(region string) string {
	return "arn:aws:kms:" + region + ":" + ec2.OwnerID + ":alias/aws/ebs"
}

// dryRun answers a DryRun request once it is known to succeed.
func dryRun(dry bool) error {
	if dry {
		return state.DryRun()
	}
	return nil
}

// DeleteVolume deletes an available volume: deleting, then gone.
func (s *Service) DeleteVolume(ctx context.Context, region string, in *ec2.DeleteVolumeInput) (*ec2.Empty, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		v, err := s.volumeRecord(tx, in.VolumeId)
		if err != nil {
			return err
		}
		switch {
		case len(v.instances()) > 0:
			return ec2.Errorf(ec2.CodeVolumeInUse, "Volume %s is currently attached to %s", v.VolumeId, v.InstanceId)
		case v.State != "":
			return ec2.Errorf(ec2.CodeIncorrectState, "The volume '%s' is '%s'.", v.VolumeId, v.State)
		}
		n := *v
		n.State, n.Until = volDeleting, s.clk.Now().UTC().Add(volumeDeleting)
		putVolume(tx, v, &n, s.clk.Now())
		s.armAfter(tx, n.VolumeId, n.Until)
		return dryRun(in.DryRun)
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{}, nil
}

// EnableVolumeIO lets I/O resume on a volume that was found inconsistent;
// ec2x's volumes never are, so it only checks the volume.
func (s *Service) EnableVolumeIO(ctx context.Context, region string, in *ec2.EnableVolumeIOInput) (*ec2.Empty, error) {
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	r.RLock()
	_, err = s.volumeRecord(r, in.VolumeId)
	r.RUnlock()
	if err != nil {
		return nil, err
	}
	if in.DryRun {
		return nil, state.DryRun()
	}
	return &ec2.Empty{}, nil
}

// armAfter settles volume id at `at`, once tx commits.
func (s *Service) armAfter(tx *state.Tx, id string, at time.Time) {
	region := tx.Region().Name
	tx.After(func(context.Context) { s.armVolume(region, id, at) })
}

// armVolume settles volume id at `at` (at once if that has passed).
func (s *Service) armVolume(region, id string, at time.Time) {
	s.clk.AfterFunc(max(at.Sub(s.clk.Now()), 0), func() { s.settleVolume(region, id) })
}

// settleVolume moves volume id (and its attachments and modification)
// on to what is due by now, in one change, and arms the next step.
func (s *Service) settleVolume(region, id string) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return
	}
	var next time.Time
	err := s.rt.Update(context.Background(), region, func(tx *state.Tx) error {
		next = s.settleDue(tx, id, s.clk.Now())
		return nil
	})
	if err != nil {
		s.log.Error().Err(err).Str("volume", id).Msg("settle volume")
		return
	}
	if !next.IsZero() {
		s.armVolume(region, id, next)
	}
}

// settleDue makes every passing state of volume id that is due by now the
// next one, and returns when the next is due (zero: none).
func (s *Service) settleDue(tx *state.Tx, id string, now time.Time) time.Time {
	v := state.Get(tx, Volumes, id)
	if v == nil {
		return time.Time{}
	}
	var next time.Time
	due := func(t time.Time) bool {
		if !now.Before(t) {
			return true
		}
		if next.IsZero() || t.Before(next) {
			next = t
		}
		return false
	}
	n, changed := *v, false
	switch {
	case n.State == volDeleting && due(n.Until):
		dropVolume(tx, id, n.Until)
		return time.Time{}
	case n.State == volCreating && due(n.Until):
		n.State, n.Until, changed = "", time.Time{}, true
	}
	if m := n.Mod; m != nil && m.ModificationState == modModifying && due(m.OptimizingAt) {
		nm := *m
		nm.ModificationState, nm.Progress = modOptimizing, 50
		n.Mod, changed = &nm, true
	}
	if m := n.Mod; m != nil && m.ModificationState == modOptimizing && due(m.CompletedAt) {
		nm := *m
		end := m.CompletedAt
		nm.ModificationState, nm.Progress, nm.EndTime = modCompleted, 100, &end
		n.Mod, changed = &nm, true
	}
	for _, iid := range slices.Clone(n.instances()) {
		r := get(tx, iid)
		if r == nil {
			continue
		}
		k := slices.IndexFunc(r.RareOf().Disks, func(d Disk) bool { return d.VolumeId == id })
		if k < 0 || r.RareOf().Disks[k].State == "" || !due(r.RareOf().Disks[k].Until) {
			continue
		}
		nr := r.clone()
		nr.editRare().Disks = slices.Clone(nr.RareOf().Disks)
		if nr.Rare.Disks[k].State == volAttaching {
			nr.Rare.Disks[k].State, nr.Rare.Disks[k].Until = "", time.Time{}
		} else {
			nr.Rare.Disks = slices.Delete(nr.Rare.Disks, k, k+1)
			n, changed = *n.detached(iid), true
		}
		s.put(tx, nr)
	}
	if changed {
		putVolume(tx, v, &n, now)
	}
	return next
}

// rearmVolumes arms, at a start, every volume with a passing state (of
// its own, its modification's or an attachment's) for when the first is
// due: overdue ones at once.
func (s *Service) rearmVolumes() {
	for _, r := range s.rt.Regions() {
		due := map[string]time.Time{}
		at := func(id string, t time.Time) {
			if d, ok := due[id]; !ok || t.Before(d) {
				due[id] = t
			}
		}
		r.RLock()
		state.Each(r, Volumes, func(v *Volume) bool {
			if v.State != "" {
				at(v.VolumeId, v.Until)
			}
			switch {
			case v.Mod == nil:
			case v.Mod.ModificationState == modModifying:
				at(v.VolumeId, v.Mod.OptimizingAt)
			case v.Mod.ModificationState == modOptimizing:
				at(v.VolumeId, v.Mod.CompletedAt)
			}
			return true
		})
		state.Each(r, Instances, func(rec *Record) bool {
			for _, d := range rec.RareOf().Disks {
				if d.State != "" {
					at(d.VolumeId, d.Until)
				}
			}
			return true
		})
		r.RUnlock()
		for id, t := range due {
			s.armVolume(r.Name, id, t)
		}
	}
}

// VolumeChanged is emitted whenever a volume record changes: Old is nil
// for a new volume, New nil for one gone. At is the change's time.
type VolumeChanged struct {
	Old, New *Volume
	At       time.Time
}

// putVolume writes a new version of a volume, changed at `at` (old: the
// one it replaces, nil to look it up), and tells the observers.
func putVolume(tx *state.Tx, old, v *Volume, at time.Time) {
	if old == nil {
		old = state.Get(tx, Volumes, v.VolumeId)
	}
	state.Put(tx, Volumes, v)
	tx.Emit(VolumeChanged{Old: old, New: v, At: at})
}

// dropVolume deletes a volume and tells the observers.
func dropVolume(tx *state.Tx, id string, at time.Time) {
	old := state.Get(tx, Volumes, id)
	if old == nil {
		return
	}
	state.Delete(tx, Volumes, id)
	tx.Emit(VolumeChanged{Old: old, At: at})
}
