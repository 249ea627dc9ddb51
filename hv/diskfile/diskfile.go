// Package diskfile makes, grows and copies the qcow2 files that hold EBS
// volumes and snapshots, with qemu-img. Files are sparse: a 100 GiB volume
// costs the blocks written to it, not its size. Core calls it to make
// volumes without knowing which driver opens them.
package diskfile

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/ec2x/ec2x/hv"
)

// Create makes the volume file at path: an empty volume of sizeGiB, or,
// with from, a copy of the snapshot file from (any format qemu-img reads,
// its backing chain flattened) grown to sizeGiB. It fails with
// hv.ErrDiskShrink when from holds more than sizeGiB and with
// fs.ErrExist when path exists. The file appears whole or not at all.
func Create(ctx context.Context, path string, sizeGiB int, from string) error {
	if sizeGiB < 1 {
		return fmt.Errorf("diskfile: a volume of %d GiB", sizeGiB)
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("diskfile: %s: %w", path, fs.ErrExist)
	}
	size := uint64(sizeGiB) << 30
	if from != "" {
		have, err := Size(from)
		if err != nil {
			return err
		}
		if have > size {
			return fmt.Errorf("%w: snapshot %s holds %d bytes, more than %d GiB", hv.ErrDiskShrink, from, have, sizeGiB)
		}
	}
	return whole(path, func(tmp string) error {
		if from == "" {
			return qemuImg(ctx, "create", "-q", "-f", "qcow2", tmp, strconv.FormatUint(size, 10))
		}
		if err := qemuImg(ctx, "convert", "-O", "qcow2", from, tmp); err != nil {
			return err
		}
		return qemuImg(ctx, "resize", "-q", tmp, strconv.FormatUint(size, 10))
	})
}

// Copy writes a standalone qcow2 copy of src (its backing chain flattened
// into it) at dst, whole or not at all. A process writing to src (a
// running guest) must not have it open: qemu-img's lock refuses then.
func Copy(ctx context.Context, src, dst string) error {
	return whole(dst, func(tmp string) error { return qemuImg(ctx, "convert", "-O", "qcow2", src, tmp) })
}

// Resize grows the qcow2 file at path, which no process may have open, to
// sizeGiB; hv.ErrDiskShrink when it is larger already.
func Resize(ctx context.Context, path string, sizeGiB int) error {
	have, err := Size(path)
	if err != nil {
		return err
	}
	size := uint64(max(sizeGiB, 0)) << 30
	switch {
	case size < have:
		return fmt.Errorf("%w: %s is %d bytes, more than %d GiB", hv.ErrDiskShrink, path, have, sizeGiB)
	case size == have:
		return nil
	}
	return qemuImg(ctx, "resize", "-q", "-f", "qcow2", path, strconv.FormatUint(size, 10))
}

// Size is the virtual size in bytes of the qcow2 file at path, from its
// header (which QEMU keeps current while it grows an open file); a file
// of another format is hv.ErrUnsupported.
func Size(path string) (uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	head := make([]byte, 32)
	if _, err := io.ReadFull(f, head); err != nil || string(head[:4]) != "QFI\xfb" {
		return 0, fmt.Errorf("%w: %s is not a qcow2 file", hv.ErrUnsupported, path)
	}
	return binary.BigEndian.Uint64(head[24:32]), nil
}

// whole runs write on a temporary file beside path and renames it to
// path once write succeeded, so that path never holds half a disk.
func whole(path string, write func(tmp string) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	f.Close()
	if err := write(tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

func qemuImg(ctx context.Context, args ...string) error {
	out, err := exec.CommandContext(ctx, "qemu-img", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("qemu-img %s: %v: %s", args[0], err, out)
	}
	return nil
}

// Exists reports whether a volume or snapshot has a file.
func Exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
