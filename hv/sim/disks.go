package sim

import (
	"context"
	"fmt"
	"slices"

	"github.com/ec2x/ec2x/hv"
)

var _ hv.DiskAttacher = (*Driver)(nil)

// simDisk is an attached volume: bookkeeping only, sim has no data.
type simDisk struct {
	hv.Disk
	giB int // its size as last resized; 0 until then
}

// changeable refuses volumes coming or going while g stops or sleeps in
// hibernation, as the qemu driver does; d.mu must be held.
func changeable(g *guest) error {
	if g.destroying || g.state == hv.StateStopping || g.hibernated {
		return invalid(g, "change the volumes of")
	}
	return nil
}

// diskAt is the index of g's volume, or ErrNoDisk; d.mu must be held.
func (d *Driver) diskAt(g *guest, volumeID string) (int, error) {
	k := slices.IndexFunc(d.disks[g.id], func(x simDisk) bool { return x.VolumeID == volumeID })
	if k < 0 {
		return -1, fmt.Errorf("%w: %s on %s", hv.ErrNoDisk, volumeID, g.id)
	}
	return k, nil
}

// AttachDisk records a volume on a guest.
func (d *Driver) AttachDisk(ctx context.Context, id string, disk hv.Disk) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.lookup(ctx, id)
	if err != nil {
		return err
	}
	if disk.VolumeID == "" {
		return fmt.Errorf("sim: a disk without a volume ID")
	}
	if _, err := d.diskAt(g, disk.VolumeID); err == nil {
		return fmt.Errorf("%w: %s on %s", hv.ErrDiskAttached, disk.VolumeID, id)
	}
	if err := changeable(g); err != nil {
		return err
	}
	if d.disks == nil {
		d.disks = map[string][]simDisk{}
	}
	d.disks[id] = append(d.disks[id], simDisk{Disk: disk})
	return nil
}

// DetachDisk forgets a volume of a guest.
func (d *Driver) DetachDisk(ctx context.Context, id, volumeID string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.lookup(ctx, id)
	if err != nil {
		return err
	}
	k, err := d.diskAt(g, volumeID)
	if err != nil {
		return err
	}
	if err := changeable(g); err != nil {
		return err
	}
	if d.disks[id] = slices.Delete(d.disks[id], k, k+1); len(d.disks[id]) == 0 {
		delete(d.disks, id)
	}
	return nil
}

// ResizeDisk records a volume's new size; it never shrinks.
func (d *Driver) ResizeDisk(ctx context.Context, id, volumeID string, sizeGiB int) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.lookup(ctx, id)
	if err != nil {
		return err
	}
	k, err := d.diskAt(g, volumeID)
	if err != nil {
		return err
	}
	v := &d.disks[id][k]
	if sizeGiB < max(v.giB, 1) {
		return fmt.Errorf("%w: %s is %d GiB, asked for %d", hv.ErrDiskShrink, volumeID, v.giB, sizeGiB)
	}
	v.giB = sizeGiB
	return nil
}
