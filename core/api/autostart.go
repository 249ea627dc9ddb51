package api

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// Starter starts the daemon of one EC2X_HOME on demand, like dockerd or a
// build server: the first call that finds none starts it, and racing calls
// start exactly one (a lock file serialises them).
type Starter struct {
	Home  string
	Stamp string
	// Command is the daemon's command line (the ec2x binary and "serve").
	Command []string
	// Env is extra environment for the daemon.
	Env []string
	// Timeout bounds the wait for the socket.
	Timeout time.Duration
	// Check is called before a daemon is started; a config error stops it.
	Check func() error
}

// StartError says the daemon could not be started.
type StartError struct {
	Reason string
	Log    string // the tail of the daemon's log, when there is one
	// Exit is the daemon's exit status when it exited at start (0 when
	// it did not): 2 says it refused its configuration (CLI.md's usage
	// error), which its log names by file, line and key.
	Exit int
}

func (e *StartError) Error() string {
	msg := "could not start the ec2x daemon: " + e.Reason
	if e.Log != "" {
		msg += "\n" + e.Log
	}
	return msg
}

// Client returns a client that starts or replaces the daemon when needed.
func (s *Starter) Client() *Client {
	c := NewClient(Paths{s.Home}.Socket(), s.Stamp)
	c.Recover = func(ctx context.Context, reason error) error { return s.Ensure(ctx, c) }
	return c
}

// Ensure makes sure a daemon with our stamp answers on the socket.
func (s *Starter) Ensure(ctx context.Context, c *Client) error {
	if err := os.MkdirAll(s.Home, 0o700); err != nil {
		return &StartError{Reason: err.Error()}
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	lock, err := s.lockStart(ctx)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	// Someone may have started it while we waited for the lock.
	p, err := c.Ping(ctx)
	if err != nil && DaemonLocked(s.Home) {
		// A daemon runs but did not answer (busy, or its listen queue
		// full under a burst of clients): wait for it rather than start
		// a second one, which would wait for its lock behind it.
		p, err = s.awaitPing(ctx, c)
	}
	if err == nil {
		if p.Stamp == s.Stamp {
			return nil
		}
		if err := s.replace(ctx, c, p); err != nil {
			return err
		}
	}
	if s.Check != nil {
		if err := s.Check(); err != nil {
			return err
		}
	}
	return s.spawn(ctx, c)
}

// awaitPing pings the running daemon until it answers, it exits (its lock
// is free: the error), or ctx ends.
func (s *Starter) awaitPing(ctx context.Context, c *Client) (*Ping, error) {
	for {
		p, err := c.Ping(ctx)
		if err == nil || !DaemonLocked(s.Home) {
			return p, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// lockStart takes the start lock, polling so that ctx bounds the wait.
func (s *Starter) lockStart(ctx context.Context) (*FileLock, error) {
	path := filepath.Join(s.Home, startLockName)
	for {
		l, err := LockFile(path, false)
		if err == nil {
			return l, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &StartError{Reason: err.Error()}
		}
		select {
		case <-ctx.Done():
			return nil, &StartError{Reason: "timed out waiting for another ec2x to start the daemon"}
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// replace stops a daemon of another build or config and waits until it is gone.
func (s *Starter) replace(ctx context.Context, c *Client, p *Ping) error {
	_ = c.Shutdown(ctx)
	for DaemonLocked(s.Home) {
		select {
		case <-ctx.Done():
			return &StartError{Reason: fmt.Sprintf("the old daemon (pid %d) did not stop", p.Pid)}
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}

func (s *Starter) spawn(ctx context.Context, c *Client) error {
	if len(s.Command) == 0 {
		return &StartError{Reason: "no daemon command"}
	}
	logs := filepath.Join(s.Home, LogsDir)
	if err := os.MkdirAll(logs, 0o700); err != nil {
		return &StartError{Reason: err.Error()}
	}
	out, err := os.OpenFile(filepath.Join(logs, "daemon.out"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return &StartError{Reason: err.Error()}
	}
	defer out.Close()
	cmd := exec.Command(s.Command[0], s.Command[1:]...)
	cmd.Env = append(append(os.Environ(), "EC2X_HOME="+s.Home), s.Env...)
	// Its own session and its own files: the daemon must outlive us and
	// must not hold our stdout open (a pipe reader would wait for it).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Dir = s.Home
	if err := cmd.Start(); err != nil {
		return &StartError{Reason: err.Error()}
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for {
		if p, err := c.Ping(ctx); err == nil && p.Stamp == s.Stamp {
			return nil
		}
		select {
		case err := <-exited:
			se := &StartError{Reason: fmt.Sprintf("the daemon exited at start (%v)", err), Log: tail(filepath.Join(logs, "daemon.out"), 20)}
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				se.Exit = ee.ExitCode()
			}
			return se
		case <-ctx.Done():
			return &StartError{Reason: "timed out waiting for the daemon's socket", Log: tail(filepath.Join(logs, "daemon.out"), 20)}
		case <-time.After(2 * time.Millisecond):
		}
	}
}

func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// IsServiceError reports whether err is an EC2 error from the daemon.
func IsServiceError(err error) (*ec2.Error, bool) {
	var e *ec2.Error
	if errors.As(err, &e) && e.Code != CodeStampMismatch {
		return e, true
	}
	return nil, false
}
