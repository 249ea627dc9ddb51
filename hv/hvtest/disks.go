package hvtest

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/ec2x/ec2x/hv"
)

// Disk returns a volume for the guests of this Env: a file the harness's
// DiskFile made, or, without one, a path no file is at (drivers that
// keep no volume data never open it).
func (e *Env) Disk(volumeID string, sizeGiB int) hv.Disk {
	e.T.Helper()
	if e.h.DiskFile == nil {
		return hv.Disk{VolumeID: volumeID, Path: filepath.Join(e.T.TempDir(), volumeID+".qcow2")}
	}
	return hv.Disk{VolumeID: volumeID, Path: e.h.DiskFile(e.T, volumeID, sizeGiB)}
}

// testDisks: a volume attaches to a guest once, grows but never shrinks,
// detaches once, then attaches to another guest, and outlives that guest.
// Unknown guests and volumes are told apart by their errors.
func testDisks(e *Env) {
	da, ok := e.Driver.(hv.DiskAttacher)
	if !ok {
		return
	}
	const unknownGuest, unknownVol = "i-0000000000000000f", "vol-0000000000000dfff"
	spec := e.Create(1)
	disk := e.Disk("vol-0000000000000d001", 1)
	if err := da.AttachDisk(e.Ctx, spec.ID, disk); err != nil {
		e.T.Fatalf("AttachDisk: %v", err)
	}
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"AttachDisk of an attached volume", da.AttachDisk(e.Ctx, spec.ID, disk), hv.ErrDiskAttached},
		{"AttachDisk to an unknown guest", da.AttachDisk(e.Ctx, unknownGuest, e.Disk("vol-0000000000000d002", 1)), hv.ErrNotFound},
		{"DetachDisk of an unknown volume", da.DetachDisk(e.Ctx, spec.ID, unknownVol), hv.ErrNoDisk},
		{"DetachDisk from an unknown guest", da.DetachDisk(e.Ctx, unknownGuest, disk.VolumeID), hv.ErrNotFound},
		{"ResizeDisk of an unknown volume", da.ResizeDisk(e.Ctx, spec.ID, unknownVol, 2), hv.ErrNoDisk},
		{"ResizeDisk to 2 GiB", da.ResizeDisk(e.Ctx, spec.ID, disk.VolumeID, 2), nil},
		{"ResizeDisk back to 1 GiB", da.ResizeDisk(e.Ctx, spec.ID, disk.VolumeID, 1), hv.ErrDiskShrink},
		{"DetachDisk", da.DetachDisk(e.Ctx, spec.ID, disk.VolumeID), nil},
		{"DetachDisk of a detached volume", da.DetachDisk(e.Ctx, spec.ID, disk.VolumeID), hv.ErrNoDisk},
	} {
		if !errors.Is(c.err, c.want) || (c.want == nil) != (c.err == nil) {
			e.T.Errorf("%s: %v, want %v", c.name, c.err, c.want)
		}
	}
	other := e.Create(1)
	if err := da.AttachDisk(e.Ctx, other.ID, disk); err != nil {
		e.T.Fatalf("AttachDisk of the detached volume to another guest: %v", err)
	}
	if err := e.Driver.Destroy(e.Ctx, other.ID); err != nil {
		e.T.Fatalf("Destroy: %v", err)
	}
	e.WaitFor(other.ID, hv.StateDestroyed)
	if e.h.DiskFile != nil {
		if _, err := os.Stat(disk.Path); err != nil {
			e.T.Errorf("the volume of a destroyed guest is gone: %v", err)
		}
	}
	// the first guest, which the volume left, takes it again
	if err := da.AttachDisk(e.Ctx, spec.ID, disk); err != nil {
		e.T.Errorf("AttachDisk after the guest that had it was destroyed: %v", err)
	}
}
