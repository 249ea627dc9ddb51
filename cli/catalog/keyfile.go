package catalog

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ec2x/ec2x/cli/command"
)

// keyFile is a private key file being written: a 0600 temporary file in
// the destination's directory, linked to its name only when complete and
// on disk, so a failure never leaves an empty or partial .pem.
type keyFile struct {
	path string
	tmp  *os.File
	done bool
}

// stageKeyFile makes the temporary file before the key pair exists, so
// that an unusable --out or key directory fails with nothing created.
func stageKeyFile(path string) (*keyFile, error) {
	// Never overwrite a private key: check before the key exists anywhere.
	if _, err := os.Lstat(path); err == nil {
		return nil, command.Usagef("keypair create: %s already exists; remove it or choose --out", path)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, notWritten(path, err)
	}
	f, err := os.CreateTemp(dir, ".ec2x-key-*.tmp")
	if err != nil {
		return nil, notWritten(path, err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, notWritten(path, err)
	}
	return &keyFile{path: path, tmp: f}, nil
}

func notWritten(path string, err error) error {
	return command.Usagef("keypair create: cannot write the private key to %s: %v; the key pair was not created", path, unwrapPath(err))
}

// unwrapPath drops the temporary name from a *PathError.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// commit writes the key, syncs it and gives it its name without ever
// replacing an existing file (a link fails if the name exists).
func (k *keyFile) commit(pem []byte) error {
	if _, err := k.tmp.Write(pem); err != nil {
		return err
	}
	if err := k.tmp.Sync(); err != nil {
		return err
	}
	if err := k.tmp.Close(); err != nil {
		return err
	}
	if err := os.Link(k.tmp.Name(), k.path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists", k.path)
		}
		return unwrapPath(err)
	}
	k.done = true
	os.Remove(k.tmp.Name())
	// The new name is durable once its directory is.
	if d, err := os.Open(filepath.Dir(k.path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// discard removes the temporary file; after commit it only tidies up.
func (k *keyFile) discard() {
	k.tmp.Close()
	os.Remove(k.tmp.Name())
}
