package qemu

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func qemuBin(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		if os.Getenv("EC2X_REQUIRE_QEMU") != "" {
			t.Fatal("EC2X_REQUIRE_QEMU is set but qemu-system-x86_64 is not installed")
		}
		t.Skip("qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)")
	}
	return bin
}

// The probe firmware really leaves real mode and exits through the debug
// port: under TCG, which always works, the probe passes.
func TestProbeFirmwareRunsUnderTCG(t *testing.T) {
	bin := qemuBin(t)
	if err := probe(context.Background(), bin, t.TempDir(), "tcg"); err != nil {
		t.Fatalf("probe on tcg: %v", err)
	}
}

// A firmware that never reaches the exit port is a failed probe, not a
// pass: the image with its last instruction (the port write) gone.
func TestProbeFailsWhenTheGuestNeverExits(t *testing.T) {
	bin := qemuBin(t)
	dir := t.TempDir()
	fw := probeFirmware()
	copy(fw[0x20:], []byte{0x90, 0x90}) // out %al,$0xf4 -> nop nop: hlt forever
	if err := os.WriteFile(filepath.Join(dir, "broken.bin"), fw, 0o600); err != nil {
		t.Fatal(err)
	}
	err := probeWith(context.Background(), bin, filepath.Join(dir, "broken.bin"), "tcg")
	if !errors.Is(err, errProbeTimeout) {
		t.Fatalf("probe of a guest that never exits = %v, want a timeout", err)
	}
}

func TestChooseAccel(t *testing.T) {
	bin := qemuBin(t)
	for _, tc := range []struct{ env, want, why string }{
		{"tcg", "tcg", "EC2X_QEMU_ACCEL=tcg"},
		{"kvm", "kvm", "EC2X_QEMU_ACCEL=kvm"},
	} {
		t.Run(tc.env, func(t *testing.T) {
			t.Setenv("EC2X_QEMU_ACCEL", tc.env)
			if a, why := chooseAccel(context.Background(), bin, t.TempDir()); a != tc.want || why != tc.why {
				t.Errorf("chooseAccel = %s (%s), want %s (%s)", a, why, tc.want, tc.why)
			}
		})
	}
	t.Run("probed once per boot", func(t *testing.T) {
		t.Setenv("EC2X_QEMU_ACCEL", "")
		dir := t.TempDir()
		kvm := "/dev/kvm"
		if f, err := os.OpenFile(kvm, os.O_RDWR, 0); err != nil {
			// a stand-in that opens: QEMU's own probe then fails on the
			// missing device, and that answer (tcg) is the one kept
			kvm = filepath.Join(dir, "kvm")
			if err := os.WriteFile(kvm, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		} else {
			f.Close()
		}
		choose := func() (string, string) { return chooseAccelWith(context.Background(), bin, dir, kvm) }
		first, why := choose()
		if first != "kvm" && first != "tcg" {
			t.Fatalf("chooseAccel = %q (%s)", first, why)
		}
		// the kept answer is used as it is, even one the probe would not give
		other := map[string]string{"kvm": "tcg", "tcg": "kvm"}[first]
		if err := os.WriteFile(filepath.Join(dir, "accel"), []byte(probeKey(bin)+" "+other+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if a, why := choose(); a != other || why != "probed earlier this boot" {
			t.Errorf("with a kept answer chooseAccel = %s (%s), want %s from the cache", a, why, other)
		}
		// a kept answer from another boot or QEMU is probed again
		if err := os.WriteFile(filepath.Join(dir, "accel"), []byte("another-boot "+other+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if a, _ := choose(); a != first {
			t.Errorf("with a stale answer chooseAccel = %s, want %s probed afresh", a, first)
		}
	})
}
