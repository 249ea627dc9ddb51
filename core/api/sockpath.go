package api

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"
)

// MaxSunPath is the room in sockaddr_un for a path (108 bytes on Linux,
// with the terminating NUL).
const MaxSunPath = 107

// viaProcFD returns a short alias of a long socket path through an open
// directory descriptor (/proc/self/fd/N/name), so deep EC2X_HOMEs work.
// The returned close func releases the descriptor.
func viaProcFD(path string) (string, func(), error) {
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

func DialUnix(ctx context.Context, path string) (net.Conn, error) {
	p, done, err := viaProcFD(path)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: "unix", Err: err}
	}
	defer done()
	var d net.Dialer
	return d.DialContext(ctx, "unix", p)
}

// ListenUnix listens on path with mode 0600 from the first instant: the
// umask is narrowed around bind so no one else can ever connect.
func ListenUnix(path string) (net.Listener, error) {
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	p, done, err := viaProcFD(path)
	if err != nil {
		return nil, err
	}
	defer done()
	old := syscall.Umask(0o177)
	l, err := net.Listen("unix", p)
	syscall.Umask(old)
	if err != nil {
		return nil, err
	}
	if ul, ok := l.(*net.UnixListener); ok {
		// The alias path is gone with the descriptor; unlink by real path.
		ul.SetUnlinkOnClose(false)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}
