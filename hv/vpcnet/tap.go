package vpcnet

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// openTap makes a tap device inside a namespace and returns its file:
// QEMU reads and writes the guest's frames through it (-netdev
// tap,fd=N). The device lives only while a file of it is open, so a
// guest's tap goes when its QEMU does, whatever happens to the daemon.
func openTap(ns, name string) (*os.File, error) {
	var f *os.File
	err := inNS(ns, func() error {
		fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("open /dev/net/tun: %w", err)
		}
		ifr, err := unix.NewIfreq(name)
		if err != nil {
			unix.Close(fd)
			return err
		}
		ifr.SetUint16(unix.IFF_TAP | unix.IFF_NO_PI)
		if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
			unix.Close(fd)
			return fmt.Errorf("tap %s: %w", name, err)
		}
		f = os.NewFile(uintptr(fd), "/dev/net/tun:"+name)
		return nil
	})
	return f, err
}
