package qemu

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/diskfile"
)

// EBS volumes as virtio disks. Each volume is a qcow2 file core owns,
// opened by QEMU as a block node named after the volume, behind a
// virtio-blk-pci device whose serial is the volume's (as EC2's NVMe
// volumes show it), at a PCI slot of its own that it keeps across
// hot-plugs and restarts: a hibernated guest resumes only into the
// device layout it was saved with.

var (
	_ hv.DiskAttacher    = (*Driver)(nil)
	_ hv.DiskSnapshotter = (*Driver)(nil)
)

const (
	// Volumes take PCI slots 0x10 to 0x1f: above the ones QEMU hands the
	// other devices (display, balloon, root, seed and NICs count up from
	// 2), so that none of them ever moves when a volume comes or goes.
	firstDiskSlot, lastDiskSlot = 0x10, 0x1f
	// detachLimit is how long a guest gets to let go of a volume.
	detachLimit = time.Minute
	// backupLimit bounds a copy of a running guest's disk.
	backupLimit = 2 * time.Hour
	// serialMax is the longest serial virtio-blk shows a guest.
	serialMax = 20
)

// volume is an attached disk as the guest's saved state keeps it.
type volume struct {
	hv.Disk
	Slot int `json:"Slot"`
}

// nodeID is what QEMU accepts as a node name (at most 31 characters).
var nodeID = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._-]{0,30}$`)

// deviceID is a volume's virtio-blk device ID.
func deviceID(volumeID string) string { return "disk-" + volumeID }

// qemuOpt escapes a value of a QEMU command-line option.
func qemuOpt(s string) string { return strings.ReplaceAll(s, ",", ",,") }

// diskArgs are the command line's volumes.
func diskArgs(g *guest) []string {
	var a []string
	for _, v := range g.Disks {
		a = append(a,
			"-blockdev", fmt.Sprintf("driver=qcow2,node-name=%s,read-only=%s,file.driver=file,file.filename=%s",
				v.VolumeID, onOff(v.ReadOnly), qemuOpt(v.Path)),
			"-device", fmt.Sprintf("virtio-blk-pci,drive=%s,id=%s,serial=%s,bus=pci.0,addr=0x%x",
				v.VolumeID, deviceID(v.VolumeID), qemuOpt(v.Serial), v.Slot))
	}
	return a
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// lockDisks holds the guest's disks still (no volume comes, goes or is
// copied) until the returned func is called; a no-op for unknown guests.
// It is taken before d.mu.
func (d *Driver) lockDisks(id string) func() {
	d.mu.Lock()
	g := d.g[id]
	d.mu.Unlock()
	if g == nil {
		return func() {}
	}
	g.diskMu.Lock()
	return g.diskMu.Unlock
}

// diskGuest is the guest id with its disks held still; it returns with
// d.mu held, for the caller to read the guest's state.
func (d *Driver) diskGuest(id string) (*guest, func(), error) {
	unlock := d.lockDisks(id)
	d.mu.Lock()
	g, err := d.get(id)
	if err != nil {
		d.mu.Unlock()
		unlock()
		return nil, nil, err
	}
	return g, unlock, nil
}

// volumeAt is the index of the guest's volume, or ErrNoDisk; d.mu held.
func (g *guest) volumeAt(volumeID string) (int, error) {
	k := slices.IndexFunc(g.Disks, func(v volume) bool { return v.VolumeID == volumeID })
	if k < 0 {
		return -1, fmt.Errorf("%w: %s on %s", hv.ErrNoDisk, volumeID, g.Spec.ID)
	}
	return k, nil
}

// changeable says whether volumes may come and go now: not while the
// guest stops, nor while its saved memory waits for a resume (which needs
// the devices it was saved with); d.mu held.
func (g *guest) changeable() error {
	switch {
	case g.pid > 0 && (g.stopping || g.destroying):
		return fmt.Errorf("%w: %s is stopping", hv.ErrInvalidState, g.Spec.ID)
	case g.Hibernated:
		return fmt.Errorf("%w: %s is hibernated: it resumes with the volumes it had", hv.ErrInvalidState, g.Spec.ID)
	}
	return nil
}

// checkDisk fills in a disk's defaults (its serial, an absolute path:
// QEMU runs in /) and checks what QEMU would refuse later.
func checkDisk(disk *hv.Disk) error {
	if !nodeID.MatchString(disk.VolumeID) {
		return fmt.Errorf("%w: volume ID %q", hv.ErrUnsupported, disk.VolumeID)
	}
	if disk.Serial == "" {
		disk.Serial = strings.ReplaceAll(disk.VolumeID, "-", "")
	}
	if len(disk.Serial) > serialMax {
		return fmt.Errorf("%w: serial %q is longer than virtio's %d bytes", hv.ErrUnsupported, disk.Serial, serialMax)
	}
	p, err := filepath.Abs(disk.Path)
	if err != nil {
		return err
	}
	disk.Path = p
	_, err = diskfile.Size(p) // a qcow2 file: never probed, as a guest could forge a header in a raw one
	return err
}

// AttachDisk implements hv.DiskAttacher: the volume joins the guest's
// saved state for every later start and, while the guest runs, is
// hot-plugged through QMP (its block node, then its device).
func (d *Driver) AttachDisk(ctx context.Context, id string, disk hv.Disk) error {
	if err := checkDisk(&disk); err != nil {
		return err
	}
	g, unlock, err := d.diskGuest(id)
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := g.volumeAt(disk.VolumeID); err == nil {
		d.mu.Unlock()
		return fmt.Errorf("%w: %s on %s", hv.ErrDiskAttached, disk.VolumeID, id)
	}
	if err := g.changeable(); err != nil {
		d.mu.Unlock()
		return err
	}
	v := volume{Disk: disk}
	for s := firstDiskSlot; s <= lastDiskSlot && v.Slot == 0; s++ {
		if !slices.ContainsFunc(g.Disks, func(o volume) bool { return o.Slot == s }) {
			v.Slot = s
		}
	}
	running, sock := g.pid > 0, g.path("qmp.sock")
	d.mu.Unlock()
	if v.Slot == 0 {
		return fmt.Errorf("%w: %s has %d volumes, the most it can take", hv.ErrUnsupported, id, lastDiskSlot-firstDiskSlot+1)
	}
	if running {
		if err := plugDisk(ctx, sock, v); err != nil {
			return err
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	g.Disks = append(g.Disks, v)
	return g.save()
}

// plugDisk hot-plugs a volume into a running guest.
func plugDisk(ctx context.Context, sock string, v volume) error {
	node := map[string]any{"driver": "qcow2", "node-name": v.VolumeID, "read-only": v.ReadOnly,
		"file": map[string]any{"driver": "file", "filename": v.Path}}
	if err := qmp(ctx, sock, "blockdev-add", node, nil); err != nil {
		return err
	}
	dev := map[string]any{"driver": "virtio-blk-pci", "drive": v.VolumeID, "id": deviceID(v.VolumeID),
		"serial": v.Serial, "bus": "pci.0", "addr": fmt.Sprintf("0x%x", v.Slot)}
	if err := qmp(ctx, sock, "device_add", dev, nil); err != nil {
		_ = qmp(context.WithoutCancel(ctx), sock, "blockdev-del", map[string]any{"node-name": v.VolumeID}, nil)
		return err
	}
	return nil
}

// DetachDisk implements hv.DiskAttacher: a running guest is asked to let
// go of the device (ACPI's eject, which its OS answers), and once QEMU
// says the device is gone the volume's file is closed.
func (d *Driver) DetachDisk(ctx context.Context, id, volumeID string) error {
	g, unlock, err := d.diskGuest(id)
	if err != nil {
		return err
	}
	defer unlock()
	k, err := g.volumeAt(volumeID)
	if err == nil {
		err = g.changeable()
	}
	if err != nil {
		d.mu.Unlock()
		return err
	}
	running, sock, v := g.pid > 0, g.path("qmp.sock"), g.Disks[k]
	d.mu.Unlock()
	if running {
		if err := unplugDisk(ctx, sock, v); err != nil {
			return fmt.Errorf("%s did not let go of %s: %w", id, volumeID, err)
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	g.Disks = slices.DeleteFunc(g.Disks, func(o volume) bool { return o.VolumeID == volumeID })
	return g.save()
}

// unplugDisk removes a volume's device from a running guest, waiting for
// DEVICE_DELETED, then its block node.
func unplugDisk(ctx context.Context, sock string, v volume) error {
	dev := deviceID(v.VolumeID)
	deleted := func(event string, data json.RawMessage) (bool, error) {
		var e struct {
			Device string `json:"device"`
		}
		return event == "DEVICE_DELETED" && json.Unmarshal(data, &e) == nil && e.Device == dev, nil
	}
	err := qmpAwait(ctx, sock, "device_del", map[string]any{"id": dev}, deleted, detachLimit)
	var qe *qmpError
	switch {
	case errors.As(err, &qe) && qe.Class == "DeviceNotFound":
		// gone already: an earlier detach the guest answered late
	case errors.As(err, &qe) && strings.Contains(qe.Desc, "in the process of unplug"):
		// an earlier detach still waits for the guest: wait on with it
		if err := awaitGone(ctx, sock, dev); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	err = qmp(ctx, sock, "blockdev-del", map[string]any{"node-name": v.VolumeID}, nil)
	if errors.As(err, &qe) && strings.Contains(qe.Desc, "Failed to find node") {
		return nil
	}
	return err
}

// awaitGone polls, within detachLimit, until QEMU has no device dev.
func awaitGone(ctx context.Context, sock, dev string) error {
	deadline := time.Now().Add(detachLimit)
	for {
		var props []struct {
			Name string `json:"name"`
		}
		if err := qmp(ctx, sock, "qom-list", map[string]any{"path": "/machine/peripheral"}, &props); err != nil {
			return err
		}
		gone := true
		for _, p := range props {
			gone = gone && p.Name != dev
		}
		if gone {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("device %s still waits for the guest after %v", dev, detachLimit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// ResizeDisk implements hv.DiskAttacher: QEMU grows a running guest's
// volume (block_resize; the guest's kernel hears of the new capacity at
// once), qemu-img a stopped guest's file.
func (d *Driver) ResizeDisk(ctx context.Context, id, volumeID string, sizeGiB int) error {
	g, unlock, err := d.diskGuest(id)
	if err != nil {
		return err
	}
	defer unlock()
	k, err := g.volumeAt(volumeID)
	if err != nil {
		d.mu.Unlock()
		return err
	}
	running, sock, path := g.pid > 0, g.path("qmp.sock"), g.Disks[k].Path
	d.mu.Unlock()
	if !running {
		return diskfile.Resize(ctx, path, sizeGiB)
	}
	have, err := diskfile.Size(path)
	if err != nil {
		return err
	}
	size := uint64(max(sizeGiB, 0)) << 30
	switch {
	case size < have: // QEMU would cut the volume short
		return fmt.Errorf("%w: %s is %d bytes, more than %d GiB", hv.ErrDiskShrink, volumeID, have, sizeGiB)
	case size == have:
		return nil
	}
	return qmp(ctx, sock, "block_resize", map[string]any{"node-name": volumeID, "size": size}, nil)
}

// SnapshotDisk implements hv.DiskSnapshotter: a running guest's volume is
// copied by QEMU's backup job, which copies the disk as it was when the
// job began (a write after that first saves the old data for the copy);
// a stopped guest's file is copied by qemu-img.
func (d *Driver) SnapshotDisk(ctx context.Context, id, volumeID, target string) error {
	g, unlock, err := d.diskGuest(id)
	if err != nil {
		return err
	}
	defer unlock()
	k, err := g.volumeAt(volumeID)
	if err != nil {
		d.mu.Unlock()
		return err
	}
	running, sock, path := g.pid > 0, g.path("qmp.sock"), g.Disks[k].Path
	d.mu.Unlock()
	if !running {
		return diskfile.Copy(ctx, path, target)
	}
	return backup(ctx, sock, volumeID, path, target)
}

// SnapshotRoot implements hv.DiskSnapshotter for the root disk. The copy
// is flattened: the image the root disk overlays is copied into it, so
// it boots alone, whatever becomes of the image.
func (d *Driver) SnapshotRoot(ctx context.Context, id, target string) error {
	g, unlock, err := d.diskGuest(id)
	if err != nil {
		return err
	}
	defer unlock()
	running, sock, path := g.pid > 0, g.path("qmp.sock"), g.path("root.qcow2")
	d.mu.Unlock()
	if !running {
		return diskfile.Copy(ctx, path, target)
	}
	// -drive names the root's node itself; QEMU says which it is
	var blocks []struct {
		Inserted *struct {
			File     string `json:"file"`
			NodeName string `json:"node-name"`
		} `json:"inserted"`
	}
	if err := qmp(ctx, sock, "query-block", nil, &blocks); err != nil {
		return err
	}
	for _, b := range blocks {
		if b.Inserted != nil && b.Inserted.File == path {
			return backup(ctx, sock, b.Inserted.NodeName, path, target)
		}
	}
	return fmt.Errorf("qemu of %s has no %s open", id, path)
}

// backup copies the block node of the running guest whose file is path
// into a new qcow2 file at target (whole or not at all) with a full
// backup job: with sync=full it reads through the node's backing chain,
// so the copy has none.
func backup(ctx context.Context, sock, node, path, target string) error {
	size, err := diskfile.Size(path)
	if err != nil {
		return err
	}
	target, err = filepath.Abs(target)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp) // a no-op once renamed
	if out, err := exec.CommandContext(ctx, "qemu-img", "create", "-q", "-f", "qcow2", tmp, strconv.FormatUint(size, 10)).CombinedOutput(); err != nil {
		return fmt.Errorf("qemu-img create: %v: %s", err, out)
	}
	// unique names: a job and node of an earlier backup may linger
	stamp := strconv.FormatInt(time.Now().UnixNano(), 36)
	job, dst := "backup-"+stamp, "copy-"+stamp
	add := map[string]any{"driver": "qcow2", "node-name": dst, "file": map[string]any{"driver": "file", "filename": tmp}}
	if err := qmp(ctx, sock, "blockdev-add", add, nil); err != nil {
		return err
	}
	ended := func(event string, data json.RawMessage) (bool, error) {
		var e struct {
			Device string `json:"device"`
			Error  string `json:"error"`
		}
		if json.Unmarshal(data, &e) != nil || e.Device != job {
			return false, nil
		}
		switch event {
		case "BLOCK_JOB_COMPLETED":
			if e.Error != "" {
				return true, fmt.Errorf("backup of %s: %s", node, e.Error)
			}
			return true, nil
		case "BLOCK_JOB_CANCELLED":
			return true, fmt.Errorf("backup of %s was cancelled", node)
		}
		return false, nil
	}
	args := map[string]any{"job-id": job, "device": node, "target": dst, "sync": "full"}
	err = qmpAwait(ctx, sock, "blockdev-backup", args, ended, backupLimit)
	if err != nil {
		// an unfinished job holds the copy's node: cancel it first
		bg := context.WithoutCancel(ctx)
		_ = qmp(bg, sock, "block-job-cancel", map[string]any{"device": job, "force": true}, nil)
		for i := 0; i < 50 && qmp(bg, sock, "blockdev-del", map[string]any{"node-name": dst}, nil) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
		return err
	}
	if err := qmp(ctx, sock, "blockdev-del", map[string]any{"node-name": dst}, nil); err != nil {
		return err
	}
	return os.Rename(tmp, target)
}
