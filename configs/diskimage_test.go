package configs_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/configs"
)

// sparse writes a file of size bytes with magic at offset at.
func sparse(t *testing.T, size, at int64, magic string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte(magic), at); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDiskImage: what images import takes as a disk, and what it refuses
// with a message that says what the file is.
func TestDiskImage(t *testing.T) {
	qcow2 := func(version byte, size string) string {
		return "QFI\xfb\x00\x00\x00" + string(version) + strings.Repeat("\x00", 16) + size
	}
	tests := []struct {
		name   string
		path   string
		format string // "" when refused
		size   uint64
		fs     string
		err    string
	}{
		{"qcow2 v3 of 20 GiB", sparse(t, 512, 0, qcow2(3, "\x00\x00\x00\x05\x00\x00\x00\x00")), "qcow2", 20 << 30, "", ""},
		{"qcow2 v2", sparse(t, 512, 0, qcow2(2, "\x00\x00\x00\x00\x40\x00\x00\x00")), "qcow2", 1 << 30, "", ""},
		{"qcow2 v1", sparse(t, 512, 0, qcow2(1, "\x00\x00\x00\x00\x40\x00\x00\x00")), "", 0, "", "qcow2 version 1"},
		{"raw with an MBR", sparse(t, 1<<20, 510, "\x55\xaa"), "raw", 1 << 20, "", ""},
		{"raw with GPT only", sparse(t, 1<<20, 512, "EFI PART"), "raw", 1 << 20, "", ""},
		{"raw ext4", sparse(t, 2<<20, 0x438, "\x53\xef"), "raw", 2 << 20, "ext4", ""},
		{"raw XFS", sparse(t, 2<<20, 0, "XFSB"), "raw", 2 << 20, "xfs", ""},
		{"raw btrfs", sparse(t, 2<<20, 0x10040, "_BHRfS_M"), "raw", 2 << 20, "btrfs", ""},
		{"an ISO", sparse(t, 1<<20, 0x8001, "CD001"), "", 0, "", "ISO 9660"},
		{"a VMDK", sparse(t, 1<<20, 0, "KDMV"), "", 0, "", "a VMDK disk; convert it: qemu-img convert -O qcow2"},
		{"a kernel", sparse(t, 1<<20, 0x202, "HdrS"), "", 0, "", "not a disk image"},
		{"text", sparse(t, 20, 0, "a raw disk of a few bytes"), "", 0, "", "not a disk image"},
		{"empty", sparse(t, 0, 0, ""), "", 0, "", "not a disk image"},
		{"a directory", t.TempDir(), "", 0, "", "not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := configs.DiskImage(tt.path)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("DiskImage = %+v, %v; want an error saying %q", d, err, tt.err)
				}
				return
			}
			if err != nil || d.Format != tt.format || d.Size != tt.size || d.Filesystem != tt.fs {
				t.Fatalf("DiskImage = %+v, %v; want %s of %d bytes, filesystem %q", d, err, tt.format, tt.size, tt.fs)
			}
		})
	}
}

func TestLinuxKernel(t *testing.T) {
	tests := []struct {
		name string
		path string
		ok   bool
	}{
		{"bzImage", sparse(t, 1<<20, 0x202, "HdrS"), true},
		{"ELF vmlinux", sparse(t, 4096, 0, "\x7fELF"), true},
		{"a disk", sparse(t, 1<<20, 510, "\x55\xaa"), false},
		{"short", sparse(t, 6, 0, "kernel"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := configs.LinuxKernel(tt.path); (err == nil) != tt.ok {
				t.Errorf("LinuxKernel = %v, want ok %v", err, tt.ok)
			}
		})
	}
}
