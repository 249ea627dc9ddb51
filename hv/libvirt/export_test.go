package libvirt

import (
	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/libvirt/testhosts"
)

// Purge destroys and undefines every domain of the driver d on its host:
// guests outlive their driver by design, a test's must not.
func Purge(d hv.Driver) error {
	dd := d.(*Driver)
	return testhosts.Purge(dd.opts.URI, dd.prefix)
}

// DomainName is the name of guest id's domain on its host.
func DomainName(d hv.Driver, id string) string { return d.(*Driver).prefix + id }

// Probe runs the accelerator probe on the driver's host with domain type typ.
func Probe(d hv.Driver, typ string) error {
	dd := d.(*Driver)
	l, err := dd.client()
	if err != nil {
		return err
	}
	return dd.probe(l, typ)
}

// GuestDir is where the driver d keeps guest id's files.
func GuestDir(d hv.Driver, id string) string { return d.(*Driver).guestDir(id) }
