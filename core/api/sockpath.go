package api

import (
	"fmt"
	"path/filepath"
	"syscall"
)

// MaxSunPath is the room in sockaddr_un for a path (108 bytes on Linux,
// with the terminating NUL).
const MaxSunPath = 107

// ShortPath returns a short alias of a long socket path through an open
// directory descriptor (/proc/self/fd/N/name), so deep EC2X_HOMEs work.
// The returned func releases the descriptor.
func ShortPath(path string) (string, func(), error) {
	if len(path) <= MaxSunPath {
		return path, func() {}, nil
	}
	dir, name := filepath.Split(path)
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return "", nil, err
	}
	return fmt.Sprintf("/proc/self/fd/%d/%s", fd, name), func() { _ = syscall.Close(fd) }, nil
}
