package qemuguest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	diskfs "github.com/diskfs/go-diskfs"
	"github.com/diskfs/go-diskfs/disk"
	"github.com/diskfs/go-diskfs/filesystem"
	"github.com/diskfs/go-diskfs/filesystem/iso9660"

	"github.com/ec2x/ec2x/hv"
)

// WriteSeed writes a cloud-init NoCloud seed: an ISO 9660 volume labelled
// cidata holding meta-data (instance ID, hostname, the key pair's public
// key) and user-data. Rock Ridge keeps the names as NoCloud spells them.
func WriteSeed(path string, spec hv.GuestSpec) error {
	var md strings.Builder
	fmt.Fprintf(&md, "instance-id: %s\nlocal-hostname: %s\n", spec.ID, spec.Hostname)
	if spec.SSHPublicKey != "" {
		fmt.Fprintf(&md, "public-keys:\n  - %s\n", strings.TrimSpace(spec.SSHPublicKey))
	}
	userData := spec.UserData
	if userData == nil {
		userData = []byte("#cloud-config\n{}\n")
	}
	files := map[string][]byte{"meta-data": []byte(md.String()), "user-data": userData}

	_ = os.Remove(path)
	size := int64(1 << 20)
	for _, b := range files {
		size += int64(len(b)) + 4096
	}
	d, err := diskfs.Create(path, size, diskfs.SectorSize(2048))
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	defer d.Close()
	work, err := os.MkdirTemp(filepath.Dir(path), "seed-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	fs, err := d.CreateFilesystem(disk.FilesystemSpec{Partition: 0, FSType: filesystem.TypeISO9660, VolumeLabel: "cidata", WorkDir: work})
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	for name, b := range files {
		f, err := fs.OpenFile("/"+name, os.O_CREATE|os.O_RDWR)
		if err != nil {
			return fmt.Errorf("seed %s: %w", name, err)
		}
		if _, err := f.Write(b); err != nil {
			return fmt.Errorf("seed %s: %w", name, err)
		}
	}
	iso, ok := fs.(*iso9660.FileSystem)
	if !ok {
		return fmt.Errorf("seed: not an ISO 9660 filesystem")
	}
	return iso.Finalize(iso9660.FinalizeOptions{RockRidge: true, VolumeIdentifier: "cidata"})
}
