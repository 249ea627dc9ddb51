package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// served is an `ec2x serve` in the foreground, its stderr collected.
type served struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr strings.Builder
	ready  chan struct{}
	exited chan struct{}
	err    error // cmd.Wait's, once exited is closed
}

// serve starts `ec2x serve` on home and waits until it says it is ready.
func serve(t *testing.T, home string, args ...string) *served {
	t.Helper()
	bin, err := exec.LookPath("ec2x")
	if err != nil {
		t.Fatalf("the ec2x test binary is not on PATH (TestMain puts it there): %v", err)
	}
	s := &served{cmd: exec.Command(bin, append([]string{"serve"}, args...)...),
		ready: make(chan struct{}), exited: make(chan struct{})}
	s.cmd.Env = append(os.Environ(), "EC2X_HOME="+home, "NO_COLOR=1", "EC2X_REGION=", "GORACE=atexit_sleep_ms=0")
	pipe, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = s.cmd.Process.Kill()
		<-s.exited
	})
	go func() {
		sc, once := bufio.NewScanner(pipe), sync.Once{}
		for sc.Scan() {
			s.mu.Lock()
			s.stderr.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			if strings.Contains(sc.Text(), "daemon ready") {
				once.Do(func() { close(s.ready) })
			}
		}
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	select {
	case <-s.ready:
	case <-s.exited:
		t.Fatalf("ec2x serve exited at start (%v): %s", s.err, s.output())
	}
	return s
}

func (s *served) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

// stop sends SIGTERM and waits for the exit, with a guard of two minutes
// (not a timing assertion: the daemon's own bound is 10 s); it returns
// the exit code.
func (s *served) stop(t *testing.T) int {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.exited:
	case <-time.After(2 * time.Minute):
		t.Fatalf("the daemon did not stop within two minutes of SIGTERM; its stderr:\n%s", s.output())
	}
	var ee *exec.ExitError
	if errors.As(s.err, &ee) {
		return ee.ExitCode()
	}
	if s.err != nil {
		t.Fatal(s.err)
	}
	return 0
}

// TestStopWithoutHome removes EC2X_HOME under a running daemon, whose
// store then cannot write its memtable to a table: SIGTERM must still end
// it, with an exit code that says it failed and a message that says what
// was not written.
func TestStopWithoutHome(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	s := serve(t, home)
	mustCLI(t, home, "run", "--count", "2", "-q")
	if err := os.RemoveAll(home); err != nil {
		t.Fatal(err)
	}
	code := s.stop(t)
	out := s.output()
	t.Logf("exit %d; stderr:\n%s", code, out)
	if code == 0 {
		t.Errorf("exit 0 although the store was not closed")
	}
	for _, want := range []string{"was not closed", "memtable could not be written", "directory was removed"} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr does not say %q", want)
		}
	}
}
