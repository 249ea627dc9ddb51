package qemu_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/diskfile"
	"github.com/ec2x/ec2x/hv/hvtest"
	"github.com/ec2x/ec2x/hv/qemu"
)

// needQemu skips, saying why, without QEMU's tools.
func needQemu(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"qemu-img", "qemu-system-x86_64"} {
		if _, err := exec.LookPath(tool); err != nil {
			skip(t, tool+" is not installed (apt-get install qemu-system-x86 qemu-utils)")
		}
	}
}

// newVolume makes an empty volume file of sizeGiB.
func newVolume(t *testing.T, name string, sizeGiB int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name+".qcow2")
	if err := diskfile.Create(context.Background(), p, sizeGiB, ""); err != nil {
		t.Fatal(err)
	}
	return p
}

// diskAt is what a guest's disk holds at off, read on the host (through
// the file's backing chain, if any).
func diskAt(t *testing.T, path string, off int64, n int) []byte {
	t.Helper()
	raw := filepath.Join(t.TempDir(), "disk.raw")
	if out, err := exec.Command("qemu-img", "convert", "-O", "raw", path, raw).CombinedOutput(); err != nil {
		t.Fatalf("qemu-img convert %s: %v: %s", path, err, out)
	}
	f, err := os.Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, n)
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	return b
}

// standalone fails t unless the qcow2 file at path has no backing file.
func standalone(t *testing.T, path string, size uint64) {
	t.Helper()
	out, err := exec.Command("qemu-img", "info", "--output=json", path).Output()
	if err != nil {
		t.Fatalf("qemu-img info %s: %v", path, err)
	}
	var i struct {
		Format  string `json:"format"`
		Size    uint64 `json:"virtual-size"`
		Backing string `json:"backing-filename"`
	}
	if err := json.Unmarshal(out, &i); err != nil {
		t.Fatal(err)
	}
	if i.Format != "qcow2" || i.Backing != "" || i.Size != size {
		t.Errorf("%s is %+v, want a qcow2 of %d bytes without a backing file", path, i, size)
	}
}

// Volumes of a stopped guest are on its command line as block nodes
// behind virtio disks with the volumes' serials, each at a PCI slot of its
// own that it keeps when another goes, also after the daemon restarts;
// snapshots of a stopped guest's volume and root disk stand alone. No
// guest runs.
func TestDisksOfStoppedGuest(t *testing.T) {
	needQemu(t)
	ctx := context.Background()
	dir := t.TempDir()
	open := func() hv.Driver {
		d, err := hv.Open(ctx, qemu.Name, hv.Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = d.Close(ctx) })
		return d
	}
	d := open()
	// the root disk overlays an image disk holding a file
	imgDir := t.TempDir()
	rootMarker := []byte("a file of the image")
	raw := filepath.Join(imgDir, "image.raw")
	if err := os.WriteFile(raw, append(make([]byte, 3<<20), rootMarker...), 0o600); err != nil {
		t.Fatal(err)
	}
	image := filepath.Join(imgDir, "image.qcow2")
	if out, err := exec.Command("qemu-img", "convert", "-O", "qcow2", raw, image).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	s := hvtest.DefaultSpec("i-00000000000000d01", 1)
	s.VolumeGiB = 1
	s.Image.Disk, s.Image.Kernel = image, "/nonexistent/vmlinuz" // never booted here
	if err := d.Create(ctx, s); err != nil {
		t.Fatal(err)
	}
	a := hv.Disk{VolumeID: "vol-0000000000000d0a1", Path: newVolume(t, "a", 1)}
	b := hv.Disk{VolumeID: "vol-0000000000000d0b2", Path: newVolume(t, "b", 2), ReadOnly: true, Serial: "custom-serial"}
	for _, disk := range []hv.Disk{a, b} {
		if err := d.(hv.DiskAttacher).AttachDisk(ctx, s.ID, disk); err != nil {
			t.Fatal(err)
		}
	}
	wantA := []string{
		"-blockdev", "driver=qcow2,node-name=vol-0000000000000d0a1,read-only=off,file.driver=file,file.filename=" + a.Path,
		"-device", "virtio-blk-pci,drive=vol-0000000000000d0a1,id=disk-vol-0000000000000d0a1,serial=vol0000000000000d0a1,bus=pci.0,addr=0x10",
	}
	wantB := []string{
		"-blockdev", "driver=qcow2,node-name=vol-0000000000000d0b2,read-only=on,file.driver=file,file.filename=" + b.Path,
		"-device", "virtio-blk-pci,drive=vol-0000000000000d0b2,id=disk-vol-0000000000000d0b2,serial=custom-serial,bus=pci.0,addr=0x11",
	}
	has := func(d hv.Driver, want []string) bool {
		args, _ := qemu.GuestArgs(d, s.ID)
		for i := range args {
			if slices.Equal(args[i:min(i+len(want), len(args))], want) {
				return true
			}
		}
		return false
	}
	if !has(d, wantA) || !has(d, wantB) {
		args, _ := qemu.GuestArgs(d, s.ID)
		t.Fatalf("the command line lacks the volumes:\n%s", strings.Join(args, " "))
	}
	if err := d.(hv.DiskAttacher).DetachDisk(ctx, s.ID, a.VolumeID); err != nil {
		t.Fatal(err)
	}
	d = open() // a daemon restart
	if has(d, wantA) || !has(d, wantB) {
		args, _ := qemu.GuestArgs(d, s.ID)
		t.Fatalf("after a restart, want only the second volume at its slot:\n%s", strings.Join(args, " "))
	}
	// a volume attached later takes the free slot, not the second's
	if err := d.(hv.DiskAttacher).AttachDisk(ctx, s.ID, a); err != nil {
		t.Fatal(err)
	}
	if !has(d, wantA) || !has(d, wantB) {
		args, _ := qemu.GuestArgs(d, s.ID)
		t.Fatalf("the volume attached again is not at the free slot:\n%s", strings.Join(args, " "))
	}

	for _, c := range []struct {
		name string
		disk hv.Disk
		want error
	}{
		{"a raw file", hv.Disk{VolumeID: "vol-0000000000000d0c3", Path: raw}, hv.ErrUnsupported},
		{"no file", hv.Disk{VolumeID: "vol-0000000000000d0c3", Path: filepath.Join(dir, "none.qcow2")}, os.ErrNotExist},
		{"a serial longer than virtio's", hv.Disk{VolumeID: "vol-0000000000000d0c3", Path: a.Path, Serial: strings.Repeat("x", 21)}, hv.ErrUnsupported},
		{"an ID QEMU cannot name a node", hv.Disk{VolumeID: "vol 1", Path: a.Path}, hv.ErrUnsupported},
	} {
		t.Run("attach "+c.name, func(t *testing.T) {
			if err := d.(hv.DiskAttacher).AttachDisk(ctx, s.ID, c.disk); !errors.Is(err, c.want) {
				t.Errorf("AttachDisk: %v, want %v", err, c.want)
			}
		})
	}

	// snapshots of the stopped guest: the volume's data and the root's,
	// the image flattened in
	if err := exec.Command("qemu-io", "-c", "write -P 0x5a 1M 4k", a.Path).Run(); err != nil {
		t.Fatalf("qemu-io: %v", err)
	}
	snap := filepath.Join(t.TempDir(), "snap-a.qcow2")
	if err := d.(hv.DiskSnapshotter).SnapshotDisk(ctx, s.ID, a.VolumeID, snap); err != nil {
		t.Fatal(err)
	}
	standalone(t, snap, 1<<30)
	if got := diskAt(t, snap, 1<<20, 4096); !bytes.Equal(got, bytes.Repeat([]byte{0x5a}, 4096)) {
		t.Errorf("the snapshot lacks the volume's data: %q...", got[:16])
	}
	root := filepath.Join(t.TempDir(), "root.qcow2")
	if err := d.(hv.DiskSnapshotter).SnapshotRoot(ctx, s.ID, root); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(image); err != nil {
		t.Fatal(err)
	}
	standalone(t, root, 1<<30)
	if got := diskAt(t, root, 3<<20, len(rootMarker)); !bytes.Equal(got, rootMarker) {
		t.Errorf("the root snapshot holds %q where the image has %q", got, rootMarker)
	}
	if err := d.(hv.DiskSnapshotter).SnapshotDisk(ctx, s.ID, "vol-0000000000000dfff", snap+"2"); !errors.Is(err, hv.ErrNoDisk) {
		t.Errorf("SnapshotDisk of an unknown volume: %v, want ErrNoDisk", err)
	}
}
