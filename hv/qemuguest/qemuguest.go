// Package qemuguest is what a QEMU guest needs whichever driver starts
// it (hv/qemu runs QEMU itself, hv/libvirt through libvirtd): its root
// disk, its cloud-init seed, its kernel command line, its user-mode
// networks, its console log and its memory use as the guest reports it.
package qemuguest

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/diskfile"
)

// ConsoleKeep is how much of the system log is returned, as EC2 keeps.
const ConsoleKeep = 64 << 10

// MakeRoot writes a guest's root volume at path: a qcow2 overlay of the
// image's disk (or an empty disk for a kernel-only image) of the size
// asked for, never smaller than the image's disk (an overlay smaller than
// its backing file cuts it); a standalone copy when the image's disk may
// go away while the guest lives (Image.CopyDisk).
func MakeRoot(ctx context.Context, path string, spec hv.GuestSpec) error {
	if spec.Image.Kernel == "" && spec.Image.Disk == "" {
		return fmt.Errorf("%w: image %s has no disk or kernel for qemu", hv.ErrUnsupported, spec.Image.Name)
	}
	size := uint64(max(spec.VolumeGiB, 1)) << 30
	var imageSize uint64
	args := []string{"create", "-q", "-f", "qcow2"}
	if spec.Image.Disk != "" {
		format, virtual, err := DiskFormat(spec.Image.Disk)
		if err != nil {
			return fmt.Errorf("%w: image %s: %v", hv.ErrUnsupported, spec.Image.Name, err)
		}
		size, imageSize = max(size, virtual), virtual
		args = append(args, "-F", format, "-b", spec.Image.Disk)
	}
	args = append(args, path, strconv.FormatUint(size, 10))
	if spec.Image.CopyDisk {
		args = []string{"convert", "-O", "qcow2", spec.Image.Disk, path}
	}
	if out, err := exec.CommandContext(ctx, "qemu-img", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("qemu-img %s: %v: %s", args[0], err, out)
	}
	if spec.Image.CopyDisk && size > imageSize {
		return diskfile.Resize(ctx, path, int(size>>30))
	}
	return nil
}

// DiskFormat tells a qcow2 disk from a raw one by its magic, not its name
// (Ubuntu's .img files are qcow2, other .img files raw), with its virtual
// size in bytes.
func DiskFormat(path string) (string, uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	head := make([]byte, 32)
	if n, _ := io.ReadFull(f, head); n == len(head) && string(head[:4]) == "QFI\xfb" {
		return "qcow2", binary.BigEndian.Uint64(head[24:32]), nil
	}
	fi, err := f.Stat()
	if err != nil {
		return "", 0, err
	}
	return "raw", uint64(fi.Size()), nil
}

// KernelCmdline is the kernel's command line: the serial console, then
// the image's arguments; a kernel that boots a disk is told its root,
// the first partition of the first virtio disk (where cloud images keep
// it), unless the image says otherwise.
func KernelCmdline(img hv.Image) string {
	line := "console=ttyS0"
	if img.Disk != "" && !strings.Contains(" "+img.KernelArgs, " root=") {
		line += " root=/dev/vda1"
	}
	if img.KernelArgs != "" {
		line += " " + img.KernelArgs
	}
	return line
}

// NetdevOpts are a NIC's user-mode network options (netdev n<i>): on the
// interface's own subnet, whose DHCP hands the guest the interface's
// private IP, so the guest sees the addresses EC2 would give it. The
// router and DNS sit where EC2 puts them, at the subnet's base +1 and +2:
// addresses EC2 reserves, so no interface can be given them (QEMU's own
// defaults, base +0.0.2.2 and +0.0.2.3, are ordinary addresses of a /20).
func NetdevOpts(i int, nic hv.NIC) string {
	nd := fmt.Sprintf("id=n%d", i)
	if ip := net.ParseIP(nic.PrivateIP).To4(); ip != nil && nic.PrefixLen > 0 && nic.PrefixLen <= 24 {
		base := ip.Mask(net.CIDRMask(nic.PrefixLen, 32))
		sub := &net.IPNet{IP: base, Mask: net.CIDRMask(nic.PrefixLen, 32)}
		at := func(n byte) net.IP { a := slices.Clone(base); a[3] += n; return a }
		return nd + fmt.Sprintf(",net=%s,host=%s,dns=%s,dhcpstart=%s", sub, at(1), at(2), ip)
	}
	return nd + fmt.Sprintf(",net=10.0.%d.0/24", 2+i)
}

// FreePort is a TCP port free on 127.0.0.1 now, for a forward to a guest.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// ReadConsole returns the last ConsoleKeep bytes of a serial console
// file; a guest that never ran has none yet, which is no error.
func ReadConsole(path string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return []byte{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() > ConsoleKeep {
		if _, err := f.Seek(fi.Size()-ConsoleKeep, io.SeekStart); err != nil {
			return nil, err
		}
	}
	return io.ReadAll(io.LimitReader(f, ConsoleKeep))
}

// MemUsedMiB is the memory a guest's kernel says it uses, from its
// virtio-balloon statistics in bytes (negative: not reported): its total
// less what it could make available without swapping (MemTotal -
// MemAvailable, as free(1) and the CloudWatch agent count), capped at
// limit. Kernels before 4.6 report no MemAvailable: free memory and disk
// caches stand in. 0 means no figure (no datapoint).
func MemUsedMiB(total, avail, free, caches int64, limit int) int {
	if avail < 0 {
		if free < 0 {
			return 0
		}
		avail = free + max(caches, 0)
	}
	if total <= 0 || avail < 0 || avail > total {
		return 0
	}
	return max(1, min(int((total-avail)>>20), limit))
}
