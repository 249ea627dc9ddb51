package qemu

import "github.com/ec2x/ec2x/hv"

// SetDumpRotation makes a driver empty its traffic dump files at n bytes,
// so that tests can see rotations without gigabytes of traffic.
func SetDumpRotation(d hv.Driver, n int64) { d.(*Driver).rotateAt = n }
