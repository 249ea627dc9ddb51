package qemu

import "github.com/ec2x/ec2x/hv"

// SetDumpRotation makes a driver empty its traffic dump files at n bytes,
// so that tests can see rotations without gigabytes of traffic.
func SetDumpRotation(d hv.Driver, n int64) { d.(*Driver).rotateAt = n }

// GuestArgs is the QEMU command line the driver would start a created
// guest with, and the guest's directory.
func GuestArgs(d hv.Driver, id string) ([]string, string) {
	dd := d.(*Driver)
	dd.mu.Lock()
	defer dd.mu.Unlock()
	g := dd.g[id]
	return dd.args(g, nil), g.dir
}
