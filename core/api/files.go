package api

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"github.com/ec2x/ec2x/configs"
)

// Files of an EC2X_HOME.
const (
	SocketName     = "ec2x.sock"
	PidName        = "daemon.pid"
	DaemonLockName = "daemon.lock"
	startLockName  = "start.lock"
	DataDir        = "data"
	LogsDir        = "logs"
	LogName        = "daemon.log"
)

// Paths of one EC2X_HOME.
type Paths struct{ Home string }

// Socket is the daemon's unix socket.
func (p Paths) Socket() string { return filepath.Join(p.Home, SocketName) }

// Pid is the file holding the daemon's process ID.
func (p Paths) Pid() string { return filepath.Join(p.Home, PidName) }

// Log is the daemon's log file.
func (p Paths) Log() string { return filepath.Join(p.Home, LogsDir, LogName) }

// FileLock is an flock(2) on a file.
type FileLock struct{ f *os.File }

// LockFile takes an exclusive lock; wait says whether to block for it.
func LockFile(path string, wait bool) (*FileLock, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_EX
	if !wait {
		how |= syscall.LOCK_NB
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &FileLock{f: f}, nil
}

// Unlock releases the lock.
func (l *FileLock) Unlock() {
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	_ = l.f.Close()
}

// DaemonLocked reports whether a daemon holds this home's lock.
func DaemonLocked(home string) bool {
	l, err := LockFile(filepath.Join(home, DaemonLockName), false)
	if err != nil {
		return !os.IsNotExist(err)
	}
	l.Unlock()
	return false
}

// ServeOptions are what `ec2x serve` hands the daemon it runs in its own
// process (the daemon package's Serve takes them; main wires the two, so
// that the CLI does not import the daemon).
type ServeOptions struct {
	Home    string
	Stamp   string
	Version string
	Config  *configs.Config
	// Listen is the EC2-compatible endpoint's TCP address (serve --listen);
	// empty: [api] listen.
	Listen string
	// Stderr gets the log too in the foreground, and what the log file
	// refuses; Background says the daemon was started by a CLI call.
	Stderr     io.Writer
	Background bool
	Debug      bool // debug logs
	NoColor    bool // plain log lines on stderr
}

// ServeFunc runs a daemon in this process until ctx ends.
type ServeFunc func(ctx context.Context, o ServeOptions) error
