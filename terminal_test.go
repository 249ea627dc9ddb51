package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: the test holds the master side,
// the command under test gets the slave as its controlling terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}

// runOnTerminal runs ec2x with a pty as stdin, stdout and stderr (as a
// user's shell would) and returns every byte it wrote to the terminal.
func runOnTerminal(t *testing.T, bin string, env []string, args ...string) []byte {
	t.Helper()
	master, slave := openPTY(t)
	defer master.Close()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	// Its own session with the pty as controlling terminal, in the
	// foreground: the conditions under which a program may query it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	var out bytes.Buffer
	done := make(chan struct{})
	go func() {
		// Reads end with EIO once the command and its children are gone.
		_, _ = io.Copy(&out, master)
		close(done)
	}()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("ec2x %v: %v\n%q", args, err, out.Bytes())
	}
	<-done
	return out.Bytes()
}

// TestNoTerminalQueries runs `ec2x ls` on a real pseudo-terminal and
// checks it asks the terminal nothing: no OSC 11 background-colour query
// and no cursor-position request, whose answers it would wait for (a
// stall over slow links, garbage in script/tmux logs).
func TestNoTerminalQueries(t *testing.T) {
	bin, err := exec.LookPath("ec2x")
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	t.Cleanup(func() { killDaemon(home) })
	h := &crashHarness{t: t, home: home, bin: bin}
	id := strings.TrimSpace(h.mustRun("run", "-q"))
	var env []string
	for _, kv := range os.Environ() {
		// termenv asks nothing under CI or tmux/screen: be a plain xterm.
		if k, _, _ := strings.Cut(kv, "="); k == "CI" || k == "TERM" || k == "NO_COLOR" || k == "TMUX" || k == "COLORFGBG" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TERM=xterm-256color", "EC2X_HOME="+home, "EC2X_REGION=", "GORACE=atexit_sleep_ms=0")
	tests := []struct {
		name string
		args []string
	}{
		{"ls", []string{"ls"}},
		{"version", []string{"--version"}},
		{"show", []string{"show", id}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := runOnTerminal(t, bin, env, tc.args...)
			for _, q := range []string{"\x1b]11;?", "\x1b]10;?", "\x1b[6n", "\x1b[c"} {
				if bytes.Contains(out, []byte(q)) {
					t.Errorf("ec2x %s wrote the terminal query %q:\n%q", strings.Join(tc.args, " "), q, out)
				}
			}
			if tc.name != "version" && !bytes.Contains(out, []byte(id)) {
				t.Errorf("ec2x %s on a terminal does not show %s:\n%q", strings.Join(tc.args, " "), id, out)
			}
		})
	}
}
