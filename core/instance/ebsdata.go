package instance

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/diskfile"
)

// The data of volumes and snapshots on drivers with real disks: a volume
// gets a qcow2 file (ebs/volumes/<vol-id>.qcow2) once it meets such a
// driver's instance, made empty or of its snapshot's file; a snapshot of
// a volume that has data gets a file (ebs/snapshots/<snap-id>.qcow2),
// copied by the driver while a guest uses the volume (consistent at one
// moment) or from the volume's file, and stays pending until the copy is
// done. An image whose root snapshot has a file boots it. Volumes and
// snapshots that never meet a real driver have no files at all.

// volFile is a volume's file.
func (s *Service) volFile(id string) string { return filepath.Join(s.ebsDir, "volumes", id+".qcow2") }

// snapFile is a snapshot's file.
func (s *Service) snapFile(id string) string {
	return filepath.Join(s.ebsDir, "snapshots", id+".qcow2")
}

// diskDriver is the driver of r's host when its volumes are real disks.
func (s *Service) diskDriver(r *Record) (hv.DiskAttacher, bool) {
	d := s.driverOf(r.Placement.HostId)
	if d == nil || s.ebsDir == "" || !d.Capabilities().RealGuest || !d.Capabilities().HotPlugDisk {
		return nil, false
	}
	da, ok := d.(hv.DiskAttacher)
	return da, ok
}

// snapshotter is the driver of r's host when it copies its guests' disks.
func (s *Service) snapshotter(r *Record) (hv.DiskSnapshotter, bool) {
	d := s.driverOf(r.Placement.HostId)
	if d == nil || s.ebsDir == "" || !d.Capabilities().RealGuest || !d.Capabilities().SnapshotDisk {
		return nil, false
	}
	ds, ok := d.(hv.DiskSnapshotter)
	return ds, ok
}

// volData is a volume as a driver gets it, with how its file is made
// when it has none: empty, of size GiB, or a copy of its snapshot's file.
type volData struct {
	disk hv.Disk
	size int
	from string
}

// diskOf is a volume as a driver gets it.
func (s *Service) diskOf(v *Volume) volData {
	d := volData{disk: hv.Disk{VolumeID: v.VolumeId, Path: s.volFile(v.VolumeId)}, size: v.Size}
	if v.SnapshotId != "" {
		d.from = s.snapFile(v.SnapshotId)
	}
	return d
}

// ensureDisk makes a volume's file if it has none yet: of its snapshot's
// data if that has any, else empty.
func ensureDisk(ctx context.Context, d volData) error {
	if diskfile.Exists(d.disk.Path) {
		return nil
	}
	from := d.from
	if from != "" && !diskfile.Exists(from) {
		from = ""
	}
	return diskfile.Create(ctx, d.disk.Path, d.size, from)
}

// createGuest makes an instance's guest, then gives it its volumes (a
// stopped guest has them at its first start).
func (s *Service) createGuest(ctx context.Context, d hv.Driver, spec hv.GuestSpec, vols []volData) error {
	if err := d.Create(ctx, spec); err != nil {
		return err
	}
	da, _ := d.(hv.DiskAttacher)
	for _, v := range vols {
		if err := ensureDisk(ctx, v); err != nil {
			return err
		}
		if err := da.AttachDisk(ctx, spec.ID, v.disk); err != nil {
			return err
		}
	}
	return nil
}

// guestVolumes are the volumes r's guest has besides its root, on a
// driver with real disks.
func (s *Service) guestVolumes(rd state.Reader, r *Record) []volData {
	if _, ok := s.diskDriver(r); !ok {
		return nil
	}
	var out []volData
	for _, d := range r.RareOf().Disks {
		if v := state.Get(rd, Volumes, d.VolumeId); v != nil && d.State != volDetaching {
			out = append(out, s.diskOf(v))
		}
	}
	return out
}

// specDisks marks an image disk that is an EBS snapshot's file: a guest
// copies it rather than overlaying it (the snapshot may be deleted).
func (s *Service) specDisks(r *Record, spec *hv.GuestSpec) {
	spec.Image.CopyDisk = s.ebsDir != "" && spec.Image.Disk != "" && strings.HasPrefix(spec.Image.Disk, s.ebsDir+string(filepath.Separator))
}

// attachDisk plugs a volume into r's guest once the attachment is durable.
func (s *Service) attachDisk(tx *state.Tx, r *Record, v *Volume) {
	da, ok := s.diskDriver(r)
	if !ok {
		return
	}
	disk, iid := s.diskOf(v), r.InstanceId
	s.after(tx, func(ctx context.Context) error {
		if err := ensureDisk(ctx, disk); err != nil {
			return err
		}
		return da.AttachDisk(ctx, iid, disk.disk)
	})
}

// detachDisk unplugs a volume from r's guest.
func (s *Service) detachDisk(tx *state.Tx, r *Record, volumeID string) {
	if da, ok := s.diskDriver(r); ok {
		iid := r.InstanceId
		s.after(tx, func(ctx context.Context) error { return da.DetachDisk(ctx, iid, volumeID) })
	}
}

// resizeDisk grows a volume's file, through the guest that has it open.
func (s *Service) resizeDisk(tx *state.Tx, v *Volume) {
	path, id, size := s.volFile(v.VolumeId), v.VolumeId, v.Size
	if !diskfile.Exists(path) {
		return
	}
	for _, iid := range v.instances() {
		if r := get(tx, iid); r != nil {
			if da, ok := s.diskDriver(r); ok {
				s.after(tx, func(ctx context.Context) error { return da.ResizeDisk(ctx, iid, id, size) })
				return
			}
		}
	}
	tx.After(func(ctx context.Context) {
		if err := diskfile.Resize(ctx, path, size); err != nil {
			s.log.Error().Err(err).Str("volume", id).Msg("grow the volume's file")
		}
	})
}

// snapshotSource says how a snapshot of v gets its data, if v has any:
// copied by the guest that uses it (its root volume, or an attached
// one), or from its file. nil: v has no data (a simulated volume).
func (s *Service) snapshotSource(rd state.Reader, v *Volume) func(ctx context.Context, target string) error {
	for _, iid := range v.instances() {
		r := get(rd, iid)
		if r == nil {
			continue
		}
		if ds, ok := s.snapshotter(r); ok {
			if r.rootID() == v.VolumeId {
				return func(ctx context.Context, target string) error { return ds.SnapshotRoot(ctx, iid, target) }
			}
			vol := v.VolumeId
			return func(ctx context.Context, target string) error { return ds.SnapshotDisk(ctx, iid, vol, target) }
		}
	}
	if path := s.volFile(v.VolumeId); diskfile.Exists(path) {
		return func(ctx context.Context, target string) error { return diskfile.Copy(ctx, path, target) }
	}
	return nil
}

// copyData copies a snapshot's data once tx is durable, and marks it no
// longer copying (completed, if it is due) when the copy is done.
func (s *Service) copyData(tx *state.Tx, sn *Snapshot, copyTo func(ctx context.Context, target string) error) {
	region, id, target := tx.Region().Name, sn.SnapshotId, s.snapFile(sn.SnapshotId)
	tx.After(func(context.Context) {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
			defer cancel()
			err := copyTo(ctx, target)
			if err != nil {
				s.log.Error().Err(err).Str("snapshot", id).Msg("copy the snapshot's data")
			}
			s.dataCopied(region, id, err)
		}()
	})
}

// dataCopied ends a snapshot's copy: completed once due, or in error.
func (s *Service) dataCopied(region, id string, copyErr error) {
	err := s.rt.Update(context.Background(), region, func(tx *state.Tx) error {
		sn := state.Get(tx, Snapshots, id)
		if sn == nil {
			return nil
		}
		n := *sn
		n.Copying = false
		if copyErr != nil {
			n.Error = copyErr.Error()
		}
		now := s.clk.Now().UTC()
		if !now.Before(n.Until) && copyErr == nil {
			n.Done, n.DoneAt = true, now
		}
		putSnapshot(tx, &n, now)
		if n.Done {
			snapshotsDone(tx, id)
		}
		return nil
	})
	if err != nil {
		s.log.Error().Err(err).Str("snapshot", id).Msg("mark the snapshot's data copied")
	}
}

// removeFiles deletes the files of volumes and snapshots once they are
// gone for good (the change that drops them is durable).
func (s *Service) removeFiles(tx *state.Tx, event any) {
	var path string
	switch e := event.(type) {
	case VolumeChanged:
		if e.New == nil && e.Old != nil {
			path = s.volFile(e.Old.VolumeId)
		}
	case SnapshotChanged:
		if e.New == nil && e.Old != nil {
			path = s.snapFile(e.Old.SnapshotId)
		}
	}
	if path != "" && s.ebsDir != "" {
		tx.After(func(context.Context) { _ = os.Remove(path) })
	}
}

// imageDisk is the file an image made of snapshot root boots: the
// snapshot's, once it has (or is getting) data.
func (s *Service) imageDisk(rd state.Reader, root string) string {
	sn := state.Get(rd, Snapshots, root)
	if sn == nil || s.ebsDir == "" || !sn.Copying && !diskfile.Exists(s.snapFile(root)) {
		return ""
	}
	return s.snapFile(root)
}
