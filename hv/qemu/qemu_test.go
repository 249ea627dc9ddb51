package qemu_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/hvtest"
	"github.com/ec2x/ec2x/hv/qemu"
)

// TestMain runs the package's guests under TCG unless told otherwise:
// every driver opened here would probe KVM afresh (3 s where KVM hangs),
// and accel_test.go tests the probe itself.
func TestMain(m *testing.M) {
	if os.Getenv("EC2X_QEMU_ACCEL") == "" {
		os.Setenv("EC2X_QEMU_ACCEL", "tcg")
	}
	os.Exit(m.Run())
}

// skip skips the test, saying why, unless EC2X_REQUIRE_QEMU is set (CI
// installs QEMU and builds the image, so there nothing may skip).
func skip(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("EC2X_REQUIRE_QEMU") != "" {
		t.Fatalf("EC2X_REQUIRE_QEMU is set but %s", why)
	}
	t.Skip(why)
}

// testImage is the directory hv/qemu/testimage/build.sh wrote, from
// EC2X_QEMU_IMAGE; the tests skip, saying why, without QEMU or the image.
func testImage(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("qemu-system-x86_64"); err != nil {
		skip(t, "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86 qemu-utils)")
	}
	dir := os.Getenv("EC2X_QEMU_IMAGE")
	if dir == "" {
		skip(t, "EC2X_QEMU_IMAGE is not set: build the test image with hv/qemu/testimage/build.sh DIR and point it there")
	}
	for _, f := range []string{"vmlinuz", "initrd.img"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatalf("EC2X_QEMU_IMAGE=%s: %v", dir, err)
		}
	}
	return dir
}

func harness(t *testing.T) hvtest.Harness {
	img := testImage(t)
	return hvtest.Harness{
		RealTime: true,
		Open: func(t *testing.T, opts hv.Options) hv.Driver {
			d, err := hv.Open(context.Background(), qemu.Name, opts)
			if err != nil {
				t.Fatal(err)
			}
			// Guests outlive their driver by design; a test's must not.
			t.Cleanup(func() { killGuests(opts.Dir) })
			return d
		},
		Spec: func(id string, n int) hv.GuestSpec {
			s := hvtest.DefaultSpec(id, n)
			s.VCPUs, s.MemoryMiB, s.VolumeGiB = 1, 256, 1
			s.Image = hv.Image{ID: "ami-0123456789abcdef0", Name: "ec2x-test", Arch: "x86_64", User: "ec2-user",
				Kernel: filepath.Join(img, "vmlinuz"), Initrd: filepath.Join(img, "initrd.img")}
			return s
		},
		Skip: map[string]string{
			"console_capped": "40 reboots take minutes under TCG; TestConsoleKeepsLast64KiB checks the cap",
		},
	}
}

func TestConformance(t *testing.T) { hvtest.Run(t, harness(t)) }

// The system log returns the last 64 KiB of the serial console file, as
// EC2 keeps, and works for a guest that never ran.
func TestConsoleKeepsLast64KiB(t *testing.T) {
	if _, err := exec.LookPath("qemu-img"); err != nil {
		skip(t, "qemu-img is not installed (apt-get install qemu-utils)")
	}
	if _, err := exec.LookPath("qemu-system-x86_64"); err != nil {
		skip(t, "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)")
	}
	dir := t.TempDir()
	d, err := hv.Open(context.Background(), qemu.Name, hv.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(context.Background())
	s := hvtest.DefaultSpec("i-00000000000000c01", 1)
	s.Image.Kernel = "/nonexistent/vmlinuz" // never booted here
	if err := d.Create(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	out, err := d.Console(context.Background(), s.ID)
	if err != nil || len(out) != 0 {
		t.Fatalf("console of a new guest: %q, %v", out, err)
	}
	var log []byte
	for i := 0; len(log) < 100<<10; i++ {
		log = append(log, []byte("[    1.000000] line "+strconv.Itoa(i)+"\n")...)
	}
	if err := os.WriteFile(filepath.Join(dir, "qemu", s.ID, "console.log"), log, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = d.Console(context.Background(), s.ID)
	if err != nil || len(out) != 64<<10 || string(out) != string(log[len(log)-64<<10:]) {
		t.Fatalf("console is %d bytes (%v), want the last 65536", len(out), err)
	}
}

// killGuests ends every QEMU process under a driver directory.
func killGuests(dir string) {
	pids, _ := filepath.Glob(filepath.Join(dir, "qemu", "*", "qemu.pid"))
	for _, f := range pids {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
