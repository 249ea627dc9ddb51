package qemu

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/diskfile"
)

// EBS volumes as virtio disks: each is a qcow2 file core owns, opened by
// QEMU as a block node named after the volume, behind a virtio-blk device
// whose serial is the volume ID without its dash (as EC2's NVMe volumes
// show theirs). The root disk is the BlockBackend "root".

var _ hv.DiskAttacher = (*Driver)(nil)

// rootDrive is the root disk's BlockBackend name on QEMU's command line.
const rootDrive = "root"

// nodeName is a volume's block node name: a letter, then its hex digits
// (QEMU's node names are at most 31 characters).
func nodeName(volumeID string) string { return "v" + strings.TrimPrefix(volumeID, "vol-") }

// deviceID is a volume's virtio-blk device ID.
func deviceID(volumeID string) string { return "vd" + strings.TrimPrefix(volumeID, "vol-") }

// serial is the disk's serial as the guest reads it.
func serial(volumeID string) string { return strings.ReplaceAll(volumeID, "-", "") }

// diskArgs are the command line's volumes, in attach order.
func diskArgs(disks []hv.Disk) []string {
	var a []string
	for _, d := range disks {
		a = append(a, "-blockdev", fmt.Sprintf("driver=qcow2,node-name=%s,file.driver=file,file.filename=%s", nodeName(d.VolumeID), d.Path),
			"-device", fmt.Sprintf("virtio-blk-pci,drive=%s,id=%s,serial=%s", nodeName(d.VolumeID), deviceID(d.VolumeID), serial(d.VolumeID)))
	}
	return a
}

// AttachDisk implements hv.DiskAttacher.
func (d *Driver) AttachDisk(ctx context.Context, id string, disk hv.Disk) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, err := d.get(id)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(g.Disks, func(x hv.Disk) bool { return x.VolumeID == disk.VolumeID }) {
		return fmt.Errorf("%w: %s on %s", hv.ErrDiskAttached, disk.VolumeID, id)
	}
	if !diskfile.Exists(disk.Path) {
		return fmt.Errorf("%w: no file %s for %s", hv.ErrUnsupported, disk.Path, disk.VolumeID)
	}
	if g.pid > 0 {
		sock := g.path("qmp.sock")
		node := map[string]any{"driver": "qcow2", "node-name": nodeName(disk.VolumeID), "file": map[string]any{"driver": "file", "filename": disk.Path}}
		if err := qmp(ctx, sock, "blockdev-add", node, nil); err != nil {
			return err
		}
		dev := map[string]any{"driver": "virtio-blk-pci", "drive": nodeName(disk.VolumeID), "id": deviceID(disk.VolumeID), "serial": serial(disk.VolumeID)}
		if err := qmp(ctx, sock, "device_add", dev, nil); err != nil {
			_ = qmp(ctx, sock, "blockdev-del", map[string]any{"node-name": nodeName(disk.VolumeID)}, nil)
			return err
		}
	}
	g.Disks = append(g.Disks, disk)
	return g.save()
}

// DetachDisk implements hv.DiskAttacher: a running guest is asked to let
// go of the device (ACPI hot-unplug), then its block node is closed.
func (d *Driver) DetachDisk(ctx context.Context, id, volumeID string) error {
	d.mu.Lock()
	g, err := d.get(id)
	if err != nil {
		d.mu.Unlock()
		return err
	}
	k := slices.IndexFunc(g.Disks, func(x hv.Disk) bool { return x.VolumeID == volumeID })
	if k < 0 {
		d.mu.Unlock()
		return fmt.Errorf("%w: %s on %s", hv.ErrNoDisk, volumeID, id)
	}
	running, sock := g.pid > 0, g.path("qmp.sock")
	d.mu.Unlock()
	if running {
		if err := qmp(ctx, sock, "device_del", map[string]any{"id": deviceID(volumeID)}, nil); err != nil {
			return err
		}
		// The node stays in use until the guest has released the device.
		deadline := time.Now().Add(30 * time.Second)
		for {
			err := qmp(ctx, sock, "blockdev-del", map[string]any{"node-name": nodeName(volumeID)}, nil)
			if err == nil || time.Now().After(deadline) {
				if err != nil {
					return fmt.Errorf("the guest did not release %s: %w", volumeID, err)
				}
				break
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	g.Disks = slices.DeleteFunc(g.Disks, func(x hv.Disk) bool { return x.VolumeID == volumeID })
	return g.save()
}

// ResizeDisk implements hv.DiskAttacher.
func (d *Driver) ResizeDisk(ctx context.Context, id, volumeID string, sizeGiB int) error {
	d.mu.Lock()
	g, err := d.get(id)
	if err != nil {
		d.mu.Unlock()
		return err
	}
	k := slices.IndexFunc(g.Disks, func(x hv.Disk) bool { return x.VolumeID == volumeID })
	if k < 0 {
		d.mu.Unlock()
		return fmt.Errorf("%w: %s on %s", hv.ErrNoDisk, volumeID, id)
	}
	running, sock, path := g.pid > 0, g.path("qmp.sock"), g.Disks[k].Path
	d.mu.Unlock()
	if !running {
		return diskfile.Resize(ctx, path, sizeGiB)
	}
	return qmp(ctx, sock, "block_resize", map[string]any{"node-name": nodeName(volumeID), "size": int64(sizeGiB) << 30}, nil)
}

// SnapshotDisk implements hv.DiskAttacher: QEMU's own backup job copies a
// running guest's disk as it was when the job began (writes after it go
// around the copy); a stopped guest's file is copied as it is.
func (d *Driver) SnapshotDisk(ctx context.Context, id, volumeID, target string) error {
	d.mu.Lock()
	g, err := d.get(id)
	if err != nil {
		d.mu.Unlock()
		return err
	}
	src, device := g.path("root.qcow2"), rootDrive
	if volumeID != "" {
		k := slices.IndexFunc(g.Disks, func(x hv.Disk) bool { return x.VolumeID == volumeID })
		if k < 0 {
			d.mu.Unlock()
			return fmt.Errorf("%w: %s on %s", hv.ErrNoDisk, volumeID, id)
		}
		src, device = g.Disks[k].Path, nodeName(volumeID)
	}
	running, sock := g.pid > 0, g.path("qmp.sock")
	d.mu.Unlock()
	if !running {
		return diskfile.Copy(ctx, src, target)
	}
	_, size, err := diskFormat(src)
	if err != nil {
		return err
	}
	tmp := target + ".tmp"
	if err := os.MkdirAll(dirOf(target), 0o700); err != nil {
		return err
	}
	if err := diskfile.Create(ctx, tmp, 0, ""); err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := backup(ctx, sock, device, tmp, size); err != nil {
		return err
	}
	return os.Rename(tmp, target)
}

// dirOf is a path's directory.
func dirOf(path string) string {
	if i := strings.LastIndexByte(path, '/'); i > 0 {
		return path[:i]
	}
	return "."
}

// backup runs a full backup job of device into the qcow2 file target
// (grown to size first) on one QMP connection, and waits for it to end.
func backup(ctx context.Context, sock, device, target string, size uint64) error {
	name := fmt.Sprintf("b%d", time.Now().UnixNano()%1e12)
	return session(ctx, sock, "blockdev-backup", func(conn *net.UnixConn, r *bufio.Reader, enc *json.Encoder) error {
		// a backup of a large disk outlives the session's ten seconds
		_ = conn.SetDeadline(time.Now().Add(30 * time.Minute))
		node := map[string]any{"driver": "qcow2", "node-name": name, "file": map[string]any{"driver": "file", "filename": target}}
		if err := exchange(r, enc, "blockdev-add", node, nil); err != nil {
			return err
		}
		defer func() { _ = exchange(r, enc, "blockdev-del", map[string]any{"node-name": name}, nil) }()
		if err := exchange(r, enc, "block_resize", map[string]any{"node-name": name, "size": size}, nil); err != nil {
			return err
		}
		job := map[string]any{"job-id": "j" + name, "device": device, "target": name, "sync": "full"}
		if err := exchange(r, enc, "blockdev-backup", job, nil); err != nil {
			return err
		}
		for {
			line, err := r.ReadBytes('\n')
			if err != nil {
				return fmt.Errorf("qmp blockdev-backup: %w", err)
			}
			var ev struct {
				Event string `json:"event"`
				Data  struct {
					Device string `json:"device"`
					Error  string `json:"error"`
				} `json:"data"`
			}
			if json.Unmarshal(line, &ev) != nil || ev.Data.Device != "j"+name {
				continue
			}
			switch ev.Event {
			case "BLOCK_JOB_COMPLETED":
				if ev.Data.Error != "" {
					return fmt.Errorf("backup of %s: %s", device, ev.Data.Error)
				}
				return nil
			case "BLOCK_JOB_CANCELLED":
				return fmt.Errorf("backup of %s cancelled", device)
			}
		}
	})
}
