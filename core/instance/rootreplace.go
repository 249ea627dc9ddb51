package instance

import (
	"context"
	"time"

	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// rootTask is a root volume replacement: pending, in progress, then
// succeeded, when the new root volume takes the old one's place and the
// instance restarts on it.
type rootTask struct {
	ID         string    `json:"ID"`
	InstanceId string    `json:"InstanceId"`
	Start      time.Time `json:"Start"`
	Due        time.Time `json:"Due"`
	Done       time.Time `json:"Done,omitempty"`
	Failed     string    `json:"Failed,omitempty"`
	SnapshotId string    `json:"SnapshotId,omitempty"`
	ImageId    string    `json:"ImageId,omitempty"`
	VolumeId   string    `json:"VolumeId,omitempty"`
	Delete     bool      `json:"Delete,omitempty"`
	Token      string    `json:"Token,omitempty"`
	Tags       []ec2.Tag `json:"Tags,omitempty"`
}

// rootTasks are the replacements: rrvt/<region>/<replacevol-id>.
var rootTasks = state.Table[rootTask]{Kind: "rrvt", ID: func(t *rootTask) string { return t.ID }}

// replaceFor is how long a replacement takes on the daemon's clock.
const replaceFor = 2 * time.Second

// taskView is a task as EC2 shows it at now.
func taskView(t *rootTask, now time.Time) ec2.ReplaceRootVolumeTask {
	out := ec2.ReplaceRootVolumeTask{ReplaceRootVolumeTaskId: t.ID, InstanceId: t.InstanceId, TaskState: "pending",
		StartTime: t.Start.UTC().Format(time.RFC3339), ImageId: t.ImageId, SnapshotId: t.SnapshotId, DeleteReplacedRootVolume: t.Delete, Tags: t.Tags}
	switch {
	case t.Failed != "":
		out.TaskState, out.CompleteTime = "failed", t.Done.UTC().Format(time.RFC3339)
	case !t.Done.IsZero():
		out.TaskState, out.CompleteTime = "succeeded", t.Done.UTC().Format(time.RFC3339)
	case !now.Before(t.Start.Add(replaceFor / 2)):
		out.TaskState = "in-progress"
	}
	return out
}

// CreateReplaceRootVolumeTask replaces a running instance's root volume
// with a new one: of a snapshot of its lineage, of an image, or as it
// was at launch (neither given); or with an available volume. The old
// root volume stays, detached, unless DeleteReplacedRootVolume.
func (s *Service) CreateReplaceRootVolumeTask(ctx context.Context, region string, in *ec2.CreateReplaceRootVolumeTaskInput) (*ec2.CreateReplaceRootVolumeTaskOutput, error) {
	tags, err := tagging.FromSpecs(in.TagSpecifications, "replace-root-volume-task")
	if err != nil {
		return nil, err
	}
	given := 0
	for _, x := range []string{in.SnapshotId, in.ImageId, in.VolumeId} {
		if x != "" {
			given++
		}
	}
	switch {
	case given > 1:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Give at most one of SnapshotId, ImageId and VolumeId.")
	case in.ImageId != "" && !in.DeleteReplacedRootVolume:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Replacing the root volume with an image requires DeleteReplacedRootVolume.")
	case in.VolumeInitializationRate != 0 && in.SnapshotId == "" && in.ImageId == "":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "VolumeInitializationRate is for replacements from a snapshot or an image.")
	}
	var out *ec2.CreateReplaceRootVolumeTaskOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		now := s.clk.Now().UTC()
		if in.ClientToken != "" {
			var done *rootTask
			state.Each(tx, rootTasks, func(t *rootTask) bool {
				if t.Token == in.ClientToken {
					done = t
				}
				return done == nil
			})
			if done != nil {
				out = &ec2.CreateReplaceRootVolumeTaskOutput{ReplaceRootVolumeTask: taskView(done, now)}
				return dryRun(in.DryRun)
			}
		}
		r, err := s.one(tx, in.InstanceId)
		if err != nil {
			return err
		}
		if r.State.Name != ec2.StateRunning {
			return ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is %s; its root volume is replaced while it runs.", r.InstanceId, r.State.Name)
		}
		if d := s.driverOf(r.Placement.HostId); d != nil && d.Capabilities().RealGuest {
			return ec2.Errorf(ec2.CodeUnsupported, "Replacing the root volume of an instance on the %s driver is not supported yet: stop it, detach its root volume and attach another at %s.", d.Name(), rootDevice)
		}
		if err := s.checkReplacement(tx, r, in, now); err != nil {
			return err
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		t := &rootTask{ID: tx.Region().NewID("replacevol"), InstanceId: r.InstanceId, Start: now, Due: now.Add(replaceFor),
			SnapshotId: in.SnapshotId, ImageId: in.ImageId, VolumeId: in.VolumeId, Delete: in.DeleteReplacedRootVolume, Token: in.ClientToken, Tags: tags}
		state.Put(tx, rootTasks, t)
		region, id, at := tx.Region().Name, t.ID, t.Due
		tx.After(func(context.Context) { s.armTask(region, id, at) })
		out = &ec2.CreateReplaceRootVolumeTaskOutput{ReplaceRootVolumeTask: taskView(t, now)}
		return nil
	})
	return out, err
}

// checkReplacement applies EC2's rules to what the new root is made of.
func (s *Service) checkReplacement(rd state.Reader, r *Record, in *ec2.CreateReplaceRootVolumeTaskInput, now time.Time) error {
	switch {
	case in.SnapshotId != "":
		sn, err := completedSnapshot(rd, in.SnapshotId, now)
		if err != nil {
			return err
		}
		if sn.VolumeId != r.rootID() && !s.sameLineage(rd, r, sn) {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The snapshot %s is not of the instance's root volume lineage.", sn.SnapshotId)
		}
	case in.ImageId != "":
		_, img, _, err := s.cat.ResolveImage(rd, in.ImageId)
		if err != nil {
			return err
		}
		if img.Arch != r.Architecture {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The image %s is %s; the instance is %s.", in.ImageId, img.Arch, r.Architecture)
		}
	case in.VolumeId != "":
		v, err := s.volumeRecord(rd, in.VolumeId)
		if err != nil {
			return err
		}
		return s.canBeRoot(v, r)
	}
	return nil
}

// sameLineage reports whether sn was taken of a volume made of the
// instance's root volume's snapshot (or of its image's).
func (s *Service) sameLineage(rd state.Reader, r *Record, sn *Snapshot) bool {
	root := state.Get(rd, Volumes, r.rootID())
	return root != nil && root.SnapshotId != "" && root.SnapshotId == sn.SnapshotId
}

// armTask finishes task id at `at` (at once if that has passed).
func (s *Service) armTask(region, id string, at time.Time) {
	s.clk.AfterFunc(max(at.Sub(s.clk.Now()), 0), func() { s.finishTask(region, id) })
}

// finishTask swaps the root volume: a new volume (of the snapshot, the
// image's root snapshot or size, the launch's), attached in place of
// the old one, which is detached or deleted; the instance restarts.
func (s *Service) finishTask(region, id string) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return
	}
	err := s.rt.Update(context.Background(), region, func(tx *state.Tx) error {
		t := state.Get(tx, rootTasks, id)
		now := s.clk.Now().UTC()
		if t == nil || !t.Done.IsZero() || now.Before(t.Due) {
			return nil
		}
		n := *t
		n.Done = t.Due
		r := get(tx, t.InstanceId)
		if r == nil || r.State.Name != ec2.StateRunning {
			n.Failed = "the instance is not running"
			state.Put(tx, rootTasks, &n)
			return nil
		}
		old, err := s.volumeRecord(tx, r.rootID())
		if err != nil {
			n.Failed = err.Error()
			state.Put(tx, rootTasks, &n)
			return nil
		}
		v := s.replacement(tx, r, old, t, now)
		s.setRoot(tx, r, v, old, now)
		if t.Delete {
			dropVolume(tx, old.VolumeId, now)
		}
		state.Put(tx, rootTasks, &n)
		d, iid := s.driverOf(r.Placement.HostId), r.InstanceId
		s.after(tx, func(ctx context.Context) error { return d.Reboot(ctx, iid) })
		return nil
	})
	if err != nil {
		s.log.Error().Err(err).Str("task", id).Msg("replace root volume")
	}
}

// replacement is the new root volume a task makes (or the available
// volume it names), like the old one in type and performance.
func (s *Service) replacement(tx *state.Tx, r *Record, old *Volume, t *rootTask, now time.Time) *Volume {
	if t.VolumeId != "" {
		if v := state.Get(tx, Volumes, t.VolumeId); v != nil {
			return v
		}
	}
	v := &Volume{VolumeId: tx.Region().NewID("vol"), Zone: old.Zone, Size: old.Size, Type: old.Type, Iops: old.Iops, Throughput: old.Throughput,
		Encrypted: old.Encrypted, KmsKeyId: old.KmsKeyId, CreateTime: now, Tags: old.Tags, SnapshotId: t.SnapshotId}
	switch {
	case t.SnapshotId != "":
		if sn := state.Get(tx, Snapshots, t.SnapshotId); sn != nil {
			v.Size = max(v.Size, sn.Size)
		}
	case t.ImageId != "":
		if a := catalog.FindAMI(tx, t.ImageId); a != nil {
			v.Size = max(v.Size, a.RootSize())
			for _, m := range a.Mappings {
				if m.DeviceName == a.RootDeviceName && m.Ebs != nil {
					v.SnapshotId = m.Ebs.SnapshotId
				}
			}
		} else if _, img, _, err := s.cat.ResolveImage(tx, t.ImageId); err == nil {
			v.Size = max(v.Size, img.RootDeviceGiB)
		}
	default: // as at launch: the launch image's root, at the size it has now
		v.SnapshotId = ""
	}
	return v
}

// rearmTasks arms, at a start, every replacement not yet done.
func (s *Service) rearmTasks() {
	for _, r := range s.rt.Regions() {
		var due []*rootTask
		r.RLock()
		state.Each(r, rootTasks, func(t *rootTask) bool {
			if t.Done.IsZero() {
				due = append(due, t)
			}
			return true
		})
		r.RUnlock()
		for _, t := range due {
			s.armTask(r.Name, t.ID, t.Due)
		}
	}
}

// taskSpec is DescribeReplaceRootVolumeTasks' filters.
var taskSpec = &describe.Spec[ec2.ReplaceRootVolumeTask]{
	Fields: []describe.Field[ec2.ReplaceRootVolumeTask]{
		{Name: "instance-id", Value: func(t ec2.ReplaceRootVolumeTask) string { return t.InstanceId }},
	},
	Tags: func(t ec2.ReplaceRootVolumeTask) []ec2.Tag { return t.Tags },
	Key: func(k *describe.Key, t ec2.ReplaceRootVolumeTask) {
		k.Str(t.StartTime)
		k.Str(t.ReplaceRootVolumeTaskId)
	},
	Paging: describe.Paging{Min: 1, Max: 50, IDsParam: "ReplaceRootVolumeTaskIds"},
}

// DescribeReplaceRootVolumeTasks lists root volume replacements.
func (s *Service) DescribeReplaceRootVolumeTasks(ctx context.Context, region string, in *ec2.DescribeReplaceRootVolumeTasksInput) (*ec2.DescribeReplaceRootVolumeTasksOutput, error) {
	now := s.clk.Now().UTC()
	q := describe.Query{Filters: in.Filters, IDs: in.ReplaceRootVolumeTaskIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeReplaceRootVolumeTasks"}
	out, next, err := state.Describe(s.rt, region, taskSpec, q, func(r *state.Region) ([]ec2.ReplaceRootVolumeTask, error) {
		found, err := state.Gather(r, rootTasks, in.ReplaceRootVolumeTaskIds, func(r *state.Region, id string) (*rootTask, error) {
			if t := state.Get(r, rootTasks, id); t != nil {
				return t, nil
			}
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The replace root volume task '%s' does not exist.", id)
		})
		if err != nil {
			return nil, err
		}
		items := make([]ec2.ReplaceRootVolumeTask, 0, len(found))
		for _, t := range found {
			items = append(items, taskView(t, now))
		}
		return items, nil
	}, func(_ *state.Region, t ec2.ReplaceRootVolumeTask) ec2.ReplaceRootVolumeTask { return t })
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.ReplaceRootVolumeTask{}
	}
	return &ec2.DescribeReplaceRootVolumeTasksOutput{ReplaceRootVolumeTasks: out, NextToken: next}, nil
}
