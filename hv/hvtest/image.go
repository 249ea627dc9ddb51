package hvtest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ec2x/ec2x/hv"
)

// TestImage is the tiny image of real guests that
// hv/qemu/testimage/build.sh wrote into the directory EC2X_QEMU_IMAGE
// names (a kernel and an initramfs). Without it the test calls skip,
// saying why: skip fails the test where the image is required.
func TestImage(t testing.TB, skip func(why string)) hv.Image {
	t.Helper()
	dir := os.Getenv("EC2X_QEMU_IMAGE")
	if dir == "" {
		skip("EC2X_QEMU_IMAGE is not set: build the test image with hv/qemu/testimage/build.sh DIR and point it there")
	}
	for _, f := range []string{"vmlinuz", "initrd.img"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatalf("EC2X_QEMU_IMAGE=%s: %v", dir, err)
		}
	}
	return hv.Image{ID: "ami-0123456789abcdef0", Name: "ec2x-test", Arch: "x86_64", User: "ec2-user",
		Kernel: filepath.Join(dir, "vmlinuz"), Initrd: filepath.Join(dir, "initrd.img")}
}

// SmallSpec is DefaultSpec for a real guest of img: 1 vCPU, 256 MiB and a
// 1 GiB root, so that TCG boots it in seconds.
func SmallSpec(img hv.Image) func(id string, n int) hv.GuestSpec {
	return func(id string, n int) hv.GuestSpec {
		s := DefaultSpec(id, n)
		s.VCPUs, s.MemoryMiB, s.VolumeGiB = 1, 256, 1
		s.Image = img
		return s
	}
}
