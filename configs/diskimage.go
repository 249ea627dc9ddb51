package configs

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// DiskInfo is what DiskImage finds in a file an image's disk may name.
type DiskInfo struct {
	Format string // "qcow2" or "raw": what QEMU is told
	Size   uint64 // the disk's virtual size in bytes
	// Filesystem names the filesystem of a raw disk that is one
	// filesystem with no partition table (its root is /dev/vda, not
	// /dev/vda1); empty otherwise.
	Filesystem string
}

// Where the signatures DiskImage looks for lie.
const (
	mbrSigAt   = 510     // 0x55 0xAA: an MBR, or GPT's protective MBR
	gptAt      = 512     // "EFI PART" on 512-byte sectors
	extMagicAt = 0x438   // ext2/3/4 superblock magic 0xEF53 (little-endian)
	isoAt      = 0x8001  // "CD001": ISO 9660
	btrfsAt    = 0x10040 // "_BHRfS_M"
	headLen    = btrfsAt + 8
)

// otherFormats are disk formats QEMU reads but ec2x does not boot, by
// their magic at offset 0: converting them is one qemu-img command.
var otherFormats = []struct{ magic, name string }{
	{"KDMV", "VMDK"}, {"vhdxfile", "VHDX"}, {"conectix", "VHD"}, {"<<< ", "VDI"},
}

// DiskImage says whether path is a disk image the qemu driver can boot: a
// qcow2 file (version 2 or 3), or a raw disk with a partition table (MBR
// or GPT) or one filesystem (ext2/3/4, XFS, btrfs) from its first byte.
// Anything else (a kernel, an archive, an ISO, a VMDK) is refused with a
// message that says what it looks like, as far as it can tell.
func DiskImage(path string) (DiskInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return DiskInfo{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return DiskInfo{}, err
	}
	if !fi.Mode().IsRegular() {
		return DiskInfo{}, fmt.Errorf("%s: not a regular file", path)
	}
	head := make([]byte, headLen)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return DiskInfo{}, err
	}
	head = head[:n]
	at := func(off int, magic string) bool {
		return len(head) >= off+len(magic) && bytes.Equal(head[off:off+len(magic)], []byte(magic))
	}
	switch {
	case at(0, "QFI\xfb"):
		if len(head) < 32 {
			return DiskInfo{}, fmt.Errorf("%s: a truncated qcow2 header", path)
		}
		if v := binary.BigEndian.Uint32(head[4:8]); v != 2 && v != 3 {
			return DiskInfo{}, fmt.Errorf("%s: qcow2 version %d (QEMU writes 2 and 3)", path, v)
		}
		size := binary.BigEndian.Uint64(head[24:32])
		if size == 0 {
			return DiskInfo{}, fmt.Errorf("%s: a qcow2 disk of size 0", path)
		}
		return DiskInfo{Format: "qcow2", Size: size}, nil
	case at(mbrSigAt, "\x55\xaa"), at(gptAt, "EFI PART"):
		return DiskInfo{Format: "raw", Size: uint64(fi.Size())}, nil
	case at(extMagicAt, "\x53\xef"):
		return DiskInfo{Format: "raw", Size: uint64(fi.Size()), Filesystem: "ext4"}, nil
	case at(0, "XFSB"):
		return DiskInfo{Format: "raw", Size: uint64(fi.Size()), Filesystem: "xfs"}, nil
	case at(btrfsAt, "_BHRfS_M"):
		return DiskInfo{Format: "raw", Size: uint64(fi.Size()), Filesystem: "btrfs"}, nil
	case at(isoAt, "CD001"):
		return DiskInfo{}, fmt.Errorf("%s: an ISO 9660 image (an installer?), not a disk to boot from", path)
	}
	for _, o := range otherFormats {
		if at(0, o.magic) {
			return DiskInfo{}, fmt.Errorf("%s: a %s disk; convert it: qemu-img convert -O qcow2 %s disk.qcow2", path, o.name, path)
		}
	}
	return DiskInfo{}, fmt.Errorf("%s: not a disk image: no qcow2 header, partition table (MBR, GPT) or filesystem (ext2/3/4, XFS, btrfs)", path)
}

// LinuxKernel says whether path is a kernel QEMU boots with -kernel: an
// x86 bzImage ("HdrS" at 0x202) or an ELF vmlinux.
func LinuxKernel(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 0x206)
	n, _ := io.ReadFull(f, head)
	if bytes.HasPrefix(head[:n], []byte("\x7fELF")) || (n == len(head) && bytes.Equal(head[0x202:], []byte("HdrS"))) {
		return nil
	}
	return fmt.Errorf("%s: not a Linux kernel (no bzImage header, not ELF)", path)
}
