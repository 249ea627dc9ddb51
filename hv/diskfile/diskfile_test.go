package diskfile_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/diskfile"
)

// needQemuImg skips without qemu-img, unless EC2X_REQUIRE_QEMU says CI
// installed it.
func needQemuImg(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("qemu-img"); err != nil {
		if os.Getenv("EC2X_REQUIRE_QEMU") != "" {
			t.Fatal("EC2X_REQUIRE_QEMU is set but qemu-img is not installed")
		}
		t.Skip("qemu-img is not installed (apt-get install qemu-utils)")
	}
}

func qemuImg(t *testing.T, args ...string) []byte {
	t.Helper()
	out, err := exec.Command("qemu-img", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("qemu-img %v: %v: %s", args, err, out)
	}
	return out
}

// readAt reads n bytes at off of the disk in a qcow2 file, as a guest
// would (through its backing chain).
func readAt(t *testing.T, path string, off int64, n int) []byte {
	t.Helper()
	raw := filepath.Join(t.TempDir(), "raw")
	qemuImg(t, "convert", "-O", "raw", path, raw)
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

// withData makes a qcow2 file of sizeMiB holding data at off.
func withData(t *testing.T, dir string, sizeMiB int64, off int64, data []byte) string {
	t.Helper()
	raw := filepath.Join(dir, "data.raw")
	if err := os.WriteFile(raw, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(raw, sizeMiB<<20); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(raw, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(data, off); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := filepath.Join(dir, "data.qcow2")
	qemuImg(t, "convert", "-O", "qcow2", raw, out)
	return out
}

type info struct {
	VirtualSize uint64 `json:"virtual-size"`
	Format      string `json:"format"`
	Backing     string `json:"backing-filename"`
}

func imgInfo(t *testing.T, path string) info {
	t.Helper()
	var i info
	if err := json.Unmarshal(qemuImg(t, "info", "--output=json", path), &i); err != nil {
		t.Fatal(err)
	}
	return i
}

// A new volume is a qcow2 file of the size asked for that costs next to
// nothing on the host; one made from a snapshot holds the snapshot's data
// and is the size asked for. A volume never overwrites a file, nor is
// smaller than its snapshot, and a failure leaves no file behind.
func TestCreate(t *testing.T) {
	needQemuImg(t)
	ctx := context.Background()
	dir := t.TempDir()
	marker := []byte("ec2x snapshot data")
	snap := withData(t, t.TempDir(), 1536, 1<<30+4096, marker) // 1.5 GiB

	empty := filepath.Join(dir, "vol-empty.qcow2")
	if err := diskfile.Create(ctx, empty, 100, ""); err != nil {
		t.Fatal(err)
	}
	if i := imgInfo(t, empty); i.Format != "qcow2" || i.VirtualSize != 100<<30 {
		t.Errorf("a 100 GiB volume is %+v", i)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(empty, &st); err != nil {
		t.Fatal(err)
	}
	if used := st.Blocks * 512; used > 1<<20 {
		t.Errorf("an empty 100 GiB volume takes %d bytes on the host", used)
	}

	from := filepath.Join(dir, "vol-from.qcow2")
	if err := diskfile.Create(ctx, from, 2, snap); err != nil {
		t.Fatal(err)
	}
	if i := imgInfo(t, from); i.VirtualSize != 2<<30 || i.Backing != "" {
		t.Errorf("a 2 GiB volume from a snapshot is %+v", i)
	}
	if got := readAt(t, from, 1<<30+4096, len(marker)); !bytes.Equal(got, marker) {
		t.Errorf("the volume holds %q where the snapshot has %q", got, marker)
	}

	for _, c := range []struct {
		name, path, from string
		sizeGiB          int
		want             error
	}{
		{"smaller than its snapshot", filepath.Join(dir, "vol-small.qcow2"), snap, 1, hv.ErrDiskShrink},
		{"over an existing file", empty, "", 1, fs.ErrExist},
		{"of no size", filepath.Join(dir, "vol-zero.qcow2"), "", 0, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := diskfile.Create(ctx, c.path, c.sizeGiB, c.from)
			if err == nil || (c.want != nil && !errors.Is(err, c.want)) {
				t.Errorf("Create: %v, want %v", err, c.want)
			}
		})
	}
	if i := imgInfo(t, empty); i.VirtualSize != 100<<30 {
		t.Errorf("a refused Create changed the file there: %+v", i)
	}
	files, _ := os.ReadDir(dir)
	if len(files) != 2 {
		t.Errorf("files left: %v, want the two volumes", files)
	}
}

// A volume grows, stays as it is at its own size and never shrinks; its
// data stays.
func TestResize(t *testing.T) {
	needQemuImg(t)
	ctx := context.Background()
	marker := []byte("kept")
	vol := withData(t, t.TempDir(), 1024, 512<<20, marker)
	for _, c := range []struct {
		name    string
		sizeGiB int
		want    error
		size    uint64
	}{
		{"grow", 3, nil, 3 << 30},
		{"same size", 3, nil, 3 << 30},
		{"shrink", 2, hv.ErrDiskShrink, 3 << 30},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := diskfile.Resize(ctx, vol, c.sizeGiB); !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Errorf("Resize: %v, want %v", err, c.want)
			}
			if got, err := diskfile.Size(vol); err != nil || got != c.size {
				t.Errorf("Size = %d, %v; want %d", got, err, c.size)
			}
		})
	}
	if got := readAt(t, vol, 512<<20, len(marker)); !bytes.Equal(got, marker) {
		t.Errorf("after resizing the volume holds %q", got)
	}
}

// A copy of an overlay stands alone: no backing file, the backing file's
// data in it.
func TestCopyFlattens(t *testing.T) {
	needQemuImg(t)
	dir := t.TempDir()
	marker := []byte("from the image")
	base := withData(t, dir, 64, 8<<20, marker)
	overlay := filepath.Join(dir, "overlay.qcow2")
	qemuImg(t, "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", base, overlay)
	dst := filepath.Join(t.TempDir(), "snap", "copy.qcow2")
	if err := diskfile.Copy(context.Background(), overlay, dst); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(base); err != nil {
		t.Fatal(err)
	}
	if i := imgInfo(t, dst); i.Backing != "" || i.VirtualSize != 64<<20 {
		t.Errorf("the copy is %+v", i)
	}
	if got := readAt(t, dst, 8<<20, len(marker)); !bytes.Equal(got, marker) {
		t.Errorf("the copy holds %q, want %q", got, marker)
	}
}

// Only qcow2 files are volumes.
func TestSizeRefusesOtherFormats(t *testing.T) {
	raw := filepath.Join(t.TempDir(), "disk.raw")
	if err := os.WriteFile(raw, make([]byte, 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := diskfile.Size(raw); !errors.Is(err, hv.ErrUnsupported) {
		t.Errorf("Size of a raw file: %v, want ErrUnsupported", err)
	}
}
