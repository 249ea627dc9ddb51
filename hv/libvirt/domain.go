package libvirt

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"time"

	golibvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/qemuguest"
)

// metaNS is the namespace of the domains' ec2x metadata element.
const metaNS = "https://github.com/ec2x/ec2x/hv/libvirt"

// meta is what a domain carries of ec2x's in its metadata: all the driver
// needs to take the guest up again after a restart. It is written into
// the persistent definition (the next boot's), and read from there.
type meta struct {
	Spec hv.GuestSpec `json:"Spec"`
	// SSHPort is the host's loopback port forwarded to the first NIC's
	// port 22 in the run that started last.
	SSHPort int `json:"SSHPort,omitempty"`
	// Forwards are the further ports of that run, by "DEVICE/PORT".
	Forwards map[string]int `json:"Forwards,omitempty"`
	// Netdevs number that run's NICs by interface ID: QEMU's netdev and
	// device IDs stay with a NIC when another is unplugged; NextNetdev
	// is the next number to hand out.
	Netdevs    map[string]int `json:"Netdevs,omitempty"`
	NextNetdev int            `json:"NextNetdev,omitempty"`
	// Counters of the runs that ended: a domain's own start at zero.
	BaseCPU       time.Duration `json:"BaseCPU,omitempty"`
	BaseDiskRead  uint64        `json:"BaseDiskRead,omitempty"`
	BaseDiskWrite uint64        `json:"BaseDiskWrite,omitempty"`
}

// metaElem is meta as an XML element, its JSON as text: <guest> in
// metaNS; libvirt finds it by its namespace, and leaves the namespace out
// when it returns it (readMetaElem).
type metaElem struct {
	XMLName xml.Name `xml:"https://github.com/ec2x/ec2x/hv/libvirt guest"`
	JSON    string   `xml:",chardata"`
}

// readMetaElem is metaElem as libvirt returns it, in any namespace.
type readMetaElem struct {
	XMLName xml.Name `xml:"guest"`
	JSON    string   `xml:",chardata"`
}

func (m meta) element() (string, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	x, err := xml.Marshal(metaElem{JSON: string(b)})
	return string(x), err
}

func parseMeta(s string) (meta, error) {
	var e readMetaElem
	var m meta
	if err := xml.Unmarshal([]byte(s), &e); err != nil {
		return m, err
	}
	err := json.Unmarshal([]byte(e.JSON), &m)
	return m, err
}

// domainXML is the guest's domain: QEMU as hv/qemu would run it. The NICs
// are QEMU's own user-mode networks on the guest's subnets, passed on
// QEMU's command line: libvirt's <interface type='user'> sets no DHCP
// start, router or forwards, so the guest would not get the addresses EC2
// gives it. Held under Driver.mu.
func (d *Driver) domainXML(g *guest) (string, error) {
	s := g.m.Spec
	md, err := g.m.element()
	if err != nil {
		return "", err
	}
	port := uint(0)
	dom := &libvirtxml.Domain{
		Type:        d.domType,
		Name:        d.prefix + s.ID,
		Title:       s.ID,
		Description: fmt.Sprintf("ec2x instance %s (%s) in %s", s.ID, s.InstanceType, s.Zone),
		Metadata:    &libvirtxml.DomainMetadata{XML: md},
		Memory:      &libvirtxml.DomainMemory{Value: uint(max(s.MemoryMiB, 64)), Unit: "MiB"},
		VCPU:        &libvirtxml.DomainVCPU{Value: uint(max(s.VCPUs, 1))},
		OS:          &libvirtxml.DomainOS{Type: &libvirtxml.DomainOSType{Arch: "x86_64", Type: "hvm"}},
		// ACPI for the power button (graceful stops) and PCI hot-plug
		Features:   &libvirtxml.DomainFeatureList{ACPI: &libvirtxml.DomainFeature{}, APIC: &libvirtxml.DomainFeatureAPIC{}},
		CPU:        &libvirtxml.DomainCPU{Mode: cpuMode(d.domType)},
		OnPoweroff: "destroy", OnReboot: "restart", OnCrash: "destroy",
		Devices: &libvirtxml.DomainDeviceList{
			Disks: []libvirtxml.DomainDisk{
				disk(g.path("root.qcow2"), "qcow2", "vda", false),
				disk(g.path("seed.iso"), "raw", "vdb", true),
			},
			// the system log; no graphics (libvirt refuses type none)
			Serials: []libvirtxml.DomainSerial{{
				Source: &libvirtxml.DomainChardevSource{File: &libvirtxml.DomainChardevSourceFile{Path: g.path("console.log"), Append: "on"}},
				Target: &libvirtxml.DomainSerialTarget{Port: &port},
			}},
			// the guest's memory use, as hv/qemu reads it
			MemBalloon: &libvirtxml.DomainMemBalloon{Model: "virtio", Stats: &libvirtxml.DomainMemBalloonStats{Period: 2}},
		},
		QEMUCommandline: nicArgs(g, nil),
	}
	if g.dom.UUID != (golibvirt.UUID{}) {
		// defined again, or on the host it moved to: the same domain
		dom.UUID = uuidString(g.dom.UUID)
	}
	if s.Image.Kernel != "" {
		dom.OS.Kernel, dom.OS.Initrd, dom.OS.Cmdline = s.Image.Kernel, s.Image.Initrd, qemuguest.KernelCmdline(s.Image)
	} else {
		dom.OS.BootDevices = []libvirtxml.DomainBootDevice{{Dev: "hd"}}
	}
	return dom.Marshal()
}

func disk(path, format, dev string, readOnly bool) libvirtxml.DomainDisk {
	dd := libvirtxml.DomainDisk{
		Device: "disk",
		Driver: &libvirtxml.DomainDiskDriver{Name: "qemu", Type: format},
		Source: &libvirtxml.DomainDiskSource{File: &libvirtxml.DomainDiskSourceFile{File: path}},
		Target: &libvirtxml.DomainDiskTarget{Dev: dev, Bus: "virtio"},
	}
	if readOnly {
		dd.ReadOnly = &libvirtxml.DomainDiskReadOnly{}
	}
	return dd
}

// nicArgs are the QEMU arguments of the guest's NICs: a user-mode network
// each (hv/qemuguest.NetdevOpts), the first with SSH forwarded. slots
// pins devices to PCI addresses by netdev number ("slot.function"), as a
// running guest has them where a migration starts it again; nil lets
// QEMU place them.
func nicArgs(g *guest, slots map[int]string) *libvirtxml.DomainQEMUCommandline {
	var args []libvirtxml.DomainQEMUCommandlineArg
	add := func(a ...string) {
		for _, v := range a {
			args = append(args, libvirtxml.DomainQEMUCommandlineArg{Value: v})
		}
	}
	for _, nic := range g.m.Spec.NICs {
		i, ok := g.m.Netdevs[nic.ID]
		if !ok {
			continue // attached while stopped: numbered at the next start
		}
		nd := "user," + qemuguest.NetdevOpts(i, nic)
		if nic.DeviceIndex == 0 && g.m.SSHPort > 0 {
			nd += fmt.Sprintf(",hostfwd=tcp:127.0.0.1:%d-:22", g.m.SSHPort)
		}
		// JSON, as libvirt writes its own devices: QEMU makes the devices
		// of the older syntax first, which would take the PCI slots
		// libvirt gave its disks
		addr := ""
		if slot, ok := slots[i]; ok {
			addr = fmt.Sprintf(`,"addr":%q`, slot)
		}
		add("-netdev", nd, "-device", fmt.Sprintf(`{"driver":"virtio-net-pci","netdev":"n%d","mac":%q,"id":"d%d"%s}`, i, nic.MAC, i, addr))
	}
	if len(args) == 0 {
		return nil
	}
	return &libvirtxml.DomainQEMUCommandline{Args: args}
}

func uuidString(u golibvirt.UUID) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// cpuMode is the guests' CPU: the host's under KVM, QEMU's most capable
// under TCG (hv/qemu's -cpu max).
func cpuMode(domType string) string {
	if domType == "kvm" {
		return "host-passthrough"
	}
	return "maximum"
}
