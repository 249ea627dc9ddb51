package qemu_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/hvtest"
	"github.com/ec2x/ec2x/hv/qemu"
)

// rootVolume is what qemu-img says of a guest's root volume.
type rootVolume struct {
	VirtualSize   uint64 `json:"virtual-size"`
	Backing       string `json:"backing-filename"`
	BackingFormat string `json:"backing-filename-format"`
}

// TestCreateBootsKernelInitrdAndDisk: a guest's root volume is an overlay
// of the image's disk of the size the instance asked for (never cutting
// the disk short), with the disk's real format whatever its name; a
// kernel and initrd given with a disk boot it as the root (root= on the
// command line), without one they boot alone. No guest runs: the
// command line is checked, and qemu-img reads the volume.
func TestCreateBootsKernelInitrdAndDisk(t *testing.T) {
	dir := t.TempDir()
	d, err := hv.Open(context.Background(), qemu.Name, hv.Options{Dir: filepath.Join(dir, "guests")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close(context.Background()) })
	file := func(name string, size int64, at int64, magic string) string {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(size); err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteAt([]byte(magic), at); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A raw disk named like Ubuntu's qcow2 files, and a 10 GiB qcow2.
	rawImg := file("disk.img", 1<<20, 510, "\x55\xaa")
	big := filepath.Join(dir, "big.raw")
	if out, err := exec.Command("qemu-img", "create", "-q", "-f", "qcow2", big, "10G").CombinedOutput(); err != nil {
		t.Fatalf("qemu-img: %v: %s", err, out)
	}
	kernel, initrd := file("vmlinuz", 4096, 0x202, "HdrS"), file("initrd.img", 4096, 0, "070701")
	tests := []struct {
		name      string
		img       hv.Image
		volumeGiB int
		append    string // the kernel's command line; "" when no kernel is booted
		size      uint64
		backing   string // the backing file's format; "" for none
	}{
		{"kernel, initrd and a raw disk", hv.Image{Disk: rawImg, Kernel: kernel, Initrd: initrd}, 3, "console=ttyS0 root=/dev/vda1", 3 << 30, "raw"},
		{"the image's own root", hv.Image{Disk: rawImg, Kernel: kernel, Initrd: initrd, KernelArgs: "root=LABEL=cloudimg-rootfs ro"}, 2,
			"console=ttyS0 root=LABEL=cloudimg-rootfs ro", 2 << 30, "raw"},
		{"a volume smaller than the disk is the disk's size", hv.Image{Disk: big}, 2, "", 10 << 30, "qcow2"},
		{"kernel and initrd alone: no root disk", hv.Image{Kernel: kernel, Initrd: initrd}, 1, "console=ttyS0", 1 << 30, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := hvtest.DefaultSpec("i-0000000000000000"+string(rune('a'+i)), 1)
			spec.VolumeGiB, spec.Image = tt.volumeGiB, tt.img
			spec.Image.Name = "img"
			if err := d.Create(context.Background(), spec); err != nil {
				t.Fatalf("Create: %v", err)
			}
			args, gdir := qemu.GuestArgs(d, spec.ID)
			got := ""
			if i := slices.Index(args, "-append"); i >= 0 {
				got = args[i+1]
			}
			if got != tt.append {
				t.Errorf("-append %q, want %q", got, tt.append)
			}
			line := strings.Join(args, " ")
			if tt.img.Kernel != "" && (!strings.Contains(line, "-kernel "+kernel) || !strings.Contains(line, "-initrd "+initrd)) {
				t.Errorf("kernel or initrd missing: %s", line)
			}
			if !strings.Contains(line, "-drive file="+filepath.Join(gdir, "root.qcow2")+",if=virtio") {
				t.Errorf("no root volume: %s", line)
			}
			out, err := exec.Command("qemu-img", "info", "--output=json", filepath.Join(gdir, "root.qcow2")).Output()
			if err != nil {
				t.Fatal(err)
			}
			var v rootVolume
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatal(err)
			}
			if v.VirtualSize != tt.size || v.BackingFormat != tt.backing {
				t.Errorf("root volume %d bytes backed by %q (%s), want %d bytes backed by a %q file", v.VirtualSize, v.Backing, v.BackingFormat, tt.size, tt.backing)
			}
		})
	}
	t.Run("a disk that is not there", func(t *testing.T) {
		spec := hvtest.DefaultSpec("i-0000000000000000f", 1)
		spec.Image = hv.Image{Name: "gone", Disk: filepath.Join(dir, "gone.qcow2")}
		if err := d.Create(context.Background(), spec); err == nil || !strings.Contains(err.Error(), "image gone") {
			t.Errorf("Create = %v, want an error naming the image", err)
		}
	})
}
