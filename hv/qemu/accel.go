package qemu

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/ec2x/ec2x/hv/qemuguest"
)

// probeExit is QEMU's exit status when the probe firmware writes 0x10 to
// the isa-debug-exit port: (0x10 << 1) | 1.
const probeExit = 33

// errProbeTimeout is a probe guest that did not finish in time.
var errProbeTimeout = errors.New("did not finish")

// probeTimeout bounds the KVM probe: a working accelerator answers in the
// time QEMU takes to start; a broken one never does.
const probeTimeout = 3 * time.Second

// probeFirmware is qemuguest's probe firmware ending as
//
//	mov $0x10,%al; out %al,$0xf4     (at 0xF001E)
//	1: hlt; jmp 1b
//
// so QEMU exits with probeExit once the guest has left real mode.
func probeFirmware() []byte {
	return qemuguest.ProbeFirmware([]byte{0xb0, 0x10, 0xe6, 0xf4, 0xf4, 0xeb, 0xfd})
}

// probe runs the probe firmware on accelerator a and reports whether it
// got to protected mode and out.
func probe(ctx context.Context, bin, dir, a string) error {
	fw := filepath.Join(dir, "probe.bin")
	if err := os.WriteFile(fw, probeFirmware(), 0o600); err != nil {
		return err
	}
	return probeWith(ctx, bin, fw, a)
}

// probeWith runs firmware fw on accelerator a.
func probeWith(ctx context.Context, bin, fw, a string) error {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-accel", a, "-bios", fw, "-m", "16", "-nodefaults", "-display", "none",
		"-monitor", "none", "-serial", "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("a probe guest on %s %w within %s", a, errProbeTimeout, probeTimeout)
	case errors.As(err, &ee) && ee.ExitCode() == probeExit:
		return nil
	case err != nil:
		return fmt.Errorf("%v: %s", err, strings.TrimSpace(string(out)))
	default:
		return fmt.Errorf("the probe guest on %s exited without reaching its end", a)
	}
}

// chooseAccel is how guests will run: EC2X_QEMU_ACCEL (kvm or tcg) when
// set, else kvm when /dev/kvm opens and a probe guest runs on it, else tcg.
// /dev/kvm alone proves little: nested virtualisation can hand out one
// that opens and runs real-mode code but hangs every guest that leaves it
// (as the development machine's does), and a hung guest is worse than a
// slow one. The answer is kept in dir for as long as the machine is up
// and QEMU is the same binary.
func chooseAccel(ctx context.Context, bin, dir string) (accel, why string) {
	return chooseAccelWith(ctx, bin, dir, "/dev/kvm")
}

// chooseAccelWith is chooseAccel with kvm as the device that must open
// before QEMU is asked (tests give a stand-in on a machine without one).
func chooseAccelWith(ctx context.Context, bin, dir, kvm string) (accel, why string) {
	switch a := os.Getenv("EC2X_QEMU_ACCEL"); a {
	case "kvm", "tcg":
		return a, "EC2X_QEMU_ACCEL=" + a
	}
	f, err := os.OpenFile(kvm, os.O_RDWR, 0)
	if err != nil {
		return "tcg", "no usable /dev/kvm: " + err.Error()
	}
	f.Close()
	key := probeKey(bin)
	if b, err := os.ReadFile(filepath.Join(dir, "accel")); err == nil {
		if k, a, ok := strings.Cut(strings.TrimSpace(string(b)), " "); ok && k == key && (a == "kvm" || a == "tcg") {
			return a, "probed earlier this boot"
		}
	}
	keep := key != ""
	accel, why = "kvm", "/dev/kvm runs a probe guest"
	if err := probe(ctx, bin, dir, "kvm"); err != nil {
		accel, why = "tcg", "/dev/kvm is there but "+err.Error()
		switch {
		case ctx.Err() != nil:
			keep = false // asked to give up: no answer
		case errors.Is(err, errProbeTimeout):
			// hung, or only slow on a busy machine: the same guest under
			// TCG tells which, and a busy machine's answer is not kept
			if err := probe(ctx, bin, dir, "tcg"); err != nil {
				keep, why = false, why+" (and under TCG it "+err.Error()+": probed again next time)"
			}
		}
	}
	if keep {
		_ = os.WriteFile(filepath.Join(dir, "accel"), []byte(key+" "+accel+"\n"), 0o600)
	}
	return accel, why
}

// probeKey names this boot of the machine and this QEMU binary; "" when
// either is unknown (the probe then runs at every start).
func probeKey(bin string) string {
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	fi, err := os.Stat(bin)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%s/%d/%d", strings.TrimSpace(string(boot)), fi.Size(), fi.ModTime().Unix())
}
