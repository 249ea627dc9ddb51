package libvirt

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	golibvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/ec2x/ec2x/hv/qemuguest"
)

// A host that offers the kvm domain type has a /dev/kvm, which proves
// little (see qemuguest.ProbeFirmware): this development machine's opens,
// and every guest on it hangs or fails to start. So a probe guest runs on
// kvm first, as hv/qemu's does; guests run on kvm only if it passes.

// probeTimeout bounds the probe: a working KVM gets there in the time
// QEMU takes to start; a broken one never does.
const probeTimeout = 3 * time.Second

// probeMark is the byte the probe firmware writes at probeAddr once in
// protected mode, read back through QEMU's monitor: libvirt does not tell
// how QEMU exited, so hv/qemu's exit through the debug port would not do.
const (
	probeMark = 0x21
	probeAddr = 0x500
)

// probeFirmware ends with
//
//	movb $0x21, 0x500     (at 0xF001E)
//	1: hlt; jmp 1b
func probeFirmware() []byte {
	return qemuguest.ProbeFirmware([]byte{0xc6, 0x05, 0x00, 0x05, 0x00, 0x00, probeMark, 0xf4, 0xeb, 0xfd})
}

// chooseType is the domain type of the guests and why: EC2X_QEMU_ACCEL
// (kvm or tcg) when set, as for hv/qemu; else kvm when the host offers it
// and a probe guest runs there; else qemu (TCG).
func (d *Driver) chooseType(l *golibvirt.Libvirt) (string, string, error) {
	switch a := os.Getenv("EC2X_QEMU_ACCEL"); a {
	case "kvm":
		return "kvm", "EC2X_QEMU_ACCEL=kvm", nil
	case "tcg":
		return "qemu", "EC2X_QEMU_ACCEL=tcg", nil
	}
	kvm, err := offersKVM(l)
	if err != nil {
		return "", "", err
	}
	if !kvm {
		return "qemu", "the host offers no kvm domain type", nil
	}
	if err := d.probe(l, "kvm"); err != nil {
		return "qemu", "the host offers kvm but " + err.Error(), nil
	}
	return "kvm", "a probe guest runs on kvm", nil
}

// offersKVM says whether the host offers x86_64 guests the kvm domain
// type; an error when it offers no x86_64 guests at all.
func offersKVM(l *golibvirt.Libvirt) (bool, error) {
	b, err := l.Capabilities()
	if err != nil {
		return false, err
	}
	var caps libvirtxml.Caps
	if err := caps.Unmarshal(string(b)); err != nil {
		return false, err
	}
	qemu := false
	for _, g := range caps.Guests {
		if g.OSType != "hvm" || g.Arch.Name != "x86_64" {
			continue
		}
		for _, dt := range g.Arch.Domains {
			if dt.Type == "kvm" {
				return true, nil
			}
			qemu = qemu || dt.Type == "qemu"
		}
	}
	if !qemu {
		return false, fmt.Errorf("the host runs no x86_64 guests (no qemu domain type in its capabilities)")
	}
	return false, nil
}

// probe runs the probe firmware in a transient domain of type typ with
// the CPU guests get there, and waits for its mark in the guest's memory. The domain
// goes when the probe ends (and with the connection, should this process
// die first: autodestroy).
func (d *Driver) probe(l *golibvirt.Libvirt, typ string) error {
	fw := filepath.Join(d.dir, "probe.bin")
	if err := os.WriteFile(fw, probeFirmware(), 0o644); err != nil {
		return err
	}
	dom := &libvirtxml.Domain{
		Type: typ, Name: d.prefix + "probe",
		Memory: &libvirtxml.DomainMemory{Value: 16, Unit: "MiB"},
		VCPU:   &libvirtxml.DomainVCPU{Value: 1},
		OS: &libvirtxml.DomainOS{Type: &libvirtxml.DomainOSType{Arch: "x86_64", Type: "hvm"},
			Loader: &libvirtxml.DomainLoader{Path: fw, Type: "rom"}},
		CPU:     &libvirtxml.DomainCPU{Mode: cpuMode(typ)},
		Devices: &libvirtxml.DomainDeviceList{MemBalloon: &libvirtxml.DomainMemBalloon{Model: "none"}},
	}
	x, err := dom.Marshal()
	if err != nil {
		return err
	}
	start := make(chan created, 1)
	go func() {
		dom, err := l.DomainCreateXML(x, golibvirt.DomainStartAutodestroy)
		start <- created{dom, err}
	}()
	deadline := time.After(probeTimeout)
	var c created
	select {
	case c = <-start:
	case <-deadline:
		go dropProbe(l, start)
		return fmt.Errorf("a probe guest did not start within %s", probeTimeout)
	}
	if c.err != nil {
		return fmt.Errorf("a probe guest does not start: %v", firstLine(c.err.Error()))
	}
	defer func() { _ = l.DomainDestroyFlags(c.dom, 0) }()
	for {
		out, err := l.QEMUDomainMonitorCommand(c.dom, fmt.Sprintf("xp /1bx %#x", probeAddr), monitorHMP)
		if err == nil && strings.HasSuffix(strings.TrimSpace(out), fmt.Sprintf("%#x", probeMark)) {
			return nil
		}
		select {
		case <-deadline:
			return fmt.Errorf("a probe guest never left real mode within %s", probeTimeout)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// created is a probe domain's start.
type created struct {
	dom golibvirt.Domain
	err error
}

// dropProbe destroys a probe domain that started too late.
func dropProbe(l *golibvirt.Libvirt, start chan created) {
	if c := <-start; c.err == nil {
		_ = l.DomainDestroyFlags(c.dom, 0)
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
