// Package diskfile makes and copies the qcow2 files that hold EBS
// volumes and snapshots for drivers with real disks, with qemu-img: a
// volume costs the blocks written to it, not its size.
package diskfile

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// Create makes an empty volume of sizeGiB at path, or a copy of the
// snapshot file from grown to sizeGiB. The file appears whole or not at
// all (written beside it, then renamed).
func Create(ctx context.Context, path string, sizeGiB int, from string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	size := strconv.FormatInt(int64(sizeGiB)<<30, 10)
	var err error
	if from == "" {
		err = qemuImg(ctx, "create", "-q", "-f", "qcow2", tmp, size)
	} else if err = qemuImg(ctx, "convert", "-O", "qcow2", from, tmp); err == nil {
		err = qemuImg(ctx, "resize", "-q", tmp, size)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// Copy writes a standalone copy of the qcow2 file src (its backing chain
// flattened) at dst, whole or not at all.
func Copy(ctx context.Context, src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	tmp := dst + ".tmp"
	if err := qemuImg(ctx, "convert", "-O", "qcow2", src, tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, dst)
}

// Resize grows the file of a volume no guest has open to sizeGiB.
func Resize(ctx context.Context, path string, sizeGiB int) error {
	return qemuImg(ctx, "resize", "-q", path, strconv.FormatInt(int64(sizeGiB)<<30, 10))
}

// Exists reports whether a volume or snapshot has a file.
func Exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func qemuImg(ctx context.Context, args ...string) error {
	out, err := exec.CommandContext(ctx, "qemu-img", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("qemu-img %s: %v: %s", args[0], err, out)
	}
	return nil
}
