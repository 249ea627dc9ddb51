package core

import (
	"strings"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/hv"
)

// The driver's view of instances: what core hands a hypervisor driver.

// specLocked builds the driver's view of an instance from published records.
func (c *Cloud) specLocked(rs *regionState, r *instRecord) hv.GuestSpec {
	return c.spec(rs, r, func(id string) *eniRecord { return rs.enis[id] })
}

// specTx builds the driver's view of an instance as t leaves it.
func (c *Cloud) specTx(t *tx, r *instRecord) hv.GuestSpec { return c.spec(t.rs, r, t.iface) }

func (c *Cloud) spec(rs *regionState, r *instRecord, iface func(string) *eniRecord) hv.GuestSpec {
	t := c.cfg.Types[r.InstanceType]
	imgName, img := c.imageByID(rs.name, r.ImageId)
	spec := hv.GuestSpec{
		ID: r.InstanceId, HostID: r.Placement.HostId, Region: rs.name, Zone: r.Placement.AvailabilityZone,
		InstanceType: r.InstanceType, VCPUs: t.VCPUs, MemoryMiB: t.MemoryMiB,
		UserData: r.UserData, VolumeGiB: r.VolumeGiB, Workload: r.Workload, Load: c.loadProfile(r.Workload),
	}
	if img != nil {
		spec.Image = hv.Image{ID: r.ImageId, Name: imgName, Arch: img.Arch, User: img.User,
			Disk: img.Disk, Kernel: img.Kernel, Initrd: img.Initrd}
	}
	if k := rs.keys[r.KeyName]; k != nil {
		spec.SSHPublicKey = k.PublicKey
	}
	for _, id := range r.Enis {
		if e := iface(id); e != nil {
			spec.NICs = append(spec.NICs, rs.nic(e))
		}
	}
	if len(spec.NICs) > 0 {
		spec.Hostname = "ip-" + strings.ReplaceAll(spec.NICs[0].PrivateIP, ".", "-")
	}
	return spec
}

// nic is the driver's view of an interface.
func (rs *regionState) nic(e *eniRecord) hv.NIC {
	n := hv.NIC{ID: e.NetworkInterfaceId, DeviceIndex: e.DeviceIndex, MAC: e.MacAddress, PrivateIP: e.Addrs[0].Private, PublicIP: e.Addrs[0].Public}
	if sub := rs.net.SubnetByID(e.SubnetId); sub != nil {
		n.PrefixLen = sub.Cidr.Bits()
	}
	return n
}

func (c *Cloud) imageByID(region, ami string) (string, *configs.Image) {
	for name, img := range c.cfg.Images {
		if img.IDs[region] == ami {
			return name, img
		}
	}
	return "", nil
}

// driverOf returns the driver of a host (the first driver when unknown).
func (c *Cloud) driverOf(hostID string) hv.Driver {
	if h := c.sched.Host(hostID); h != nil {
		if d := c.drivers[h.Driver]; d != nil {
			return d
		}
	}
	for _, d := range c.drivers {
		return d
	}
	return nil
}
