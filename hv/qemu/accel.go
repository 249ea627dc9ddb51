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
)

// probeExit is QEMU's exit status when the probe firmware writes 0x10 to
// the isa-debug-exit port: (0x10 << 1) | 1.
const probeExit = 33

// errProbeTimeout is a probe guest that did not finish in time.
var errProbeTimeout = errors.New("did not finish")

// probeTimeout bounds the KVM probe: a working accelerator answers in the
// time QEMU takes to start; a broken one never does.
const probeTimeout = 3 * time.Second

// probeFirmware is a 64 KiB BIOS image that does what every kernel must
// do first: leave real mode. From the reset vector it loads a flat GDT,
// enables protected mode, far-jumps into 32-bit code and writes 0x10 to
// port 0xf4 (QEMU's isa-debug-exit), so QEMU exits with probeExit. Built
// from (GNU as, --32, then objcopy -O binary):
//
//	.code16
//	start: cli; lgdtl %cs:gdtr; mov %cr0,%eax; or $1,%al; mov %eax,%cr0
//	       ljmpl $0x08, $(0xF0000 + pm32)
//	.code32
//	pm32:  mov $0x10,%ax; mov %ax,%ds; mov $0x10,%al; out %al,$0xf4
//	1:     hlt; jmp 1b
//	gdt:   (at 0x28) null; code 0x00CF9A000000FFFF; data 0x00CF92000000FFFF
//	gdtr:  (at 0x40) .word 23; .long 0xF0028
//	       (at 0xFFF0, the reset vector) ljmp $0xF000, $start
func probeFirmware() []byte {
	b := make([]byte, 64<<10)
	copy(b, []byte{
		0xfa, 0x2e, 0x66, 0x0f, 0x01, 0x16, 0x40, 0x00, 0x0f, 0x20, 0xc0, 0x0c, 0x01, 0x0f, 0x22, 0xc0,
		0x66, 0xea, 0x18, 0x00, 0x0f, 0x00, 0x08, 0x00, 0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8, 0xb0, 0x10,
		0xe6, 0xf4, 0xf4, 0xeb, 0xfd,
	})
	copy(b[0x28:], []byte{
		0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0x00, 0x00, 0x00, 0x9a, 0xcf, 0x00,
		0xff, 0xff, 0x00, 0x00, 0x00, 0x92, 0xcf, 0x00,
		0x17, 0x00, 0x28, 0x00, 0x0f, 0x00,
	})
	copy(b[0xfff0:], []byte{0xea, 0x00, 0x00, 0x00, 0xf0})
	return b
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
