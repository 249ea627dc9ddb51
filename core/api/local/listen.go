package local

import (
	"context"
	"net"
	"os"
	"syscall"

	"github.com/ec2x/ec2x/core/api"
)

// DialUnix connects to a unix socket however deep its path (tests speak
// raw HTTP through it).
func DialUnix(ctx context.Context, path string) (net.Conn, error) {
	p, done, err := api.ShortPath(path)
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
	p, done, err := api.ShortPath(path)
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
