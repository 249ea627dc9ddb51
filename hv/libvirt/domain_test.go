package libvirt

import (
	"strings"
	"testing"

	"libvirt.org/go/libvirtxml"

	"github.com/ec2x/ec2x/hv/hvtest"
	"github.com/ec2x/ec2x/hv/qemuguest"
)

// A guest's domain is what libvirt needs for what ec2x asks: ACPI and
// APIC (graceful stops, hot-plug), no graphics (type none is refused),
// the serial console in a file, the root overlay and the seed, and the
// NICs as QEMU's user-mode networks in JSON (so QEMU makes them after
// libvirt's disks, in their PCI slots), the first with SSH forwarded.
func TestDomainXML(t *testing.T) {
	d := &Driver{prefix: "ec2x-0123abcd-", domType: "qemu"}
	spec := hvtest.DefaultSpec("i-0123456789abcdef0", 2)
	spec.Image.Kernel, spec.Image.Initrd = "/img/vmlinuz", "/img/initrd.img"
	g := &guest{dir: "/guests/i-0123456789abcdef0", m: meta{Spec: spec, SSHPort: 40022, Netdevs: map[string]int{spec.NICs[0].ID: 0, spec.NICs[1].ID: 1}}}
	x, err := d.domainXML(g)
	if err != nil {
		t.Fatal(err)
	}
	var dom libvirtxml.Domain
	if err := dom.Unmarshal(x); err != nil {
		t.Fatalf("%v\n%s", err, x)
	}
	if dom.Name != "ec2x-0123abcd-i-0123456789abcdef0" || dom.Type != "qemu" || dom.UUID != "" {
		t.Errorf("domain %s of type %s, uuid %q", dom.Name, dom.Type, dom.UUID)
	}
	if dom.Features == nil || dom.Features.ACPI == nil || dom.Features.APIC == nil {
		t.Errorf("features %+v: want acpi and apic", dom.Features)
	}
	if dom.VCPU.Value != 2 || dom.Memory.Value != 2048 || dom.Memory.Unit != "MiB" {
		t.Errorf("%d vCPUs, %d %s", dom.VCPU.Value, dom.Memory.Value, dom.Memory.Unit)
	}
	if dom.OS.Kernel != "/img/vmlinuz" || dom.OS.Initrd != "/img/initrd.img" || dom.OS.Cmdline != "console=ttyS0" {
		t.Errorf("os %+v", dom.OS)
	}
	dev := dom.Devices
	if len(dev.Graphics) != 0 || len(dev.Interfaces) != 0 {
		t.Errorf("graphics %v, libvirt interfaces %v: want none", dev.Graphics, dev.Interfaces)
	}
	if len(dev.Disks) != 2 || dev.Disks[0].Source.File.File != "/guests/i-0123456789abcdef0/root.qcow2" || dev.Disks[1].ReadOnly == nil {
		t.Errorf("disks %+v", dev.Disks)
	}
	if len(dev.Serials) != 1 || dev.Serials[0].Source.File == nil || dev.Serials[0].Source.File.Path != "/guests/i-0123456789abcdef0/console.log" {
		t.Errorf("serials %+v", dev.Serials)
	}
	args := []string{}
	for _, a := range dom.QEMUCommandline.Args {
		args = append(args, a.Value)
	}
	want := []string{
		"-netdev", "user," + qemuguest.NetdevOpts(0, spec.NICs[0]) + ",hostfwd=tcp:127.0.0.1:40022-:22",
		"-device", `{"driver":"virtio-net-pci","netdev":"n0","mac":"` + spec.NICs[0].MAC + `","id":"d0"}`,
		"-netdev", "user," + qemuguest.NetdevOpts(1, spec.NICs[1]),
		"-device", `{"driver":"virtio-net-pci","netdev":"n1","mac":"` + spec.NICs[1].MAC + `","id":"d1"}`,
	}
	if strings.Join(args, " ") != strings.Join(want, " ") {
		t.Errorf("QEMU arguments\n%s\nwant\n%s", strings.Join(args, "\n"), strings.Join(want, "\n"))
	}
	m, err := parseMeta(dom.Metadata.XML)
	if err != nil || m.Spec.ID != spec.ID || m.SSHPort != 40022 {
		t.Errorf("metadata %+v, %v", m, err)
	}
}

// Metadata comes back from libvirt without its namespace; it reads the same.
func TestMetaRoundTrip(t *testing.T) {
	m := meta{Spec: hvtest.DefaultSpec("i-0123456789abcdef0", 1), SSHPort: 2222, BaseCPU: 5e9, Netdevs: map[string]int{"eni-1": 3}}
	x, err := m.element()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(x, `xmlns="`+metaNS+`"`) {
		t.Errorf("element %s is not in %s", x, metaNS)
	}
	bare := strings.Replace(x, ` xmlns="`+metaNS+`"`, "", 1)
	for _, in := range []string{x, bare} {
		got, err := parseMeta(in)
		if err != nil || got.Spec.ID != m.Spec.ID || got.SSHPort != 2222 || got.BaseCPU != m.BaseCPU || got.Netdevs["eni-1"] != 3 {
			t.Errorf("parseMeta(%.60s...) = %+v, %v", in, got, err)
		}
	}
}
