package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildTags are README's build's.
const buildTags = "urfave_cli_no_docs"

// The client binary (this package) links none of the daemon: what it
// links is what every CLI call maps and initialises.
func TestClientLinksNoDaemon(t *testing.T) {
	out, err := exec.Command("go", "list", "-tags", buildTags, "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := string(out)
	for _, heavy := range []string{
		"github.com/ec2x/ec2x/core/daemon\n",
		"github.com/dgraph-io/badger/v4\n",
		"github.com/tetratelabs/wazero\n",
		"github.com/ec2x/ec2x/hv/qemu\n",
		// ssh's and top's screens: ec2x execs ec2xd for those.
		"golang.org/x/crypto/ssh\n",
		"charm.land/bubbletea/v2\n",
		// No cgo (a dynamically linked binary starts slower), no HTTP
		// stack and no log library: the socket protocol is spoken
		// directly (core/api).
		"runtime/cgo\n",
		"net\n",
		"net/http\n",
		"github.com/rs/zerolog\n",
		// urfave/cli's Markdown and man page output, never used.
		"github.com/russross/blackfriday/v2\n",
	} {
		t.Run(strings.TrimSpace(heavy), func(t *testing.T) {
			if strings.Contains(deps, heavy) {
				t.Errorf("the ec2x client links %s", strings.TrimSpace(heavy))
			}
		})
	}
}

// README's build makes two binaries; the client starts ec2xd from its own
// directory and `ec2x serve` becomes ec2xd in the foreground. A client
// alone says what is missing.
func TestClientStartsDaemonBinary(t *testing.T) {
	bin := t.TempDir()
	build := exec.Command("go", "build", "-tags", buildTags, "-o", bin+"/", ".", "./cmd/ec2xd")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ec2x, ec2xd := filepath.Join(bin, "ec2x"), filepath.Join(bin, "ec2xd")

	t.Run("autostart", func(t *testing.T) {
		home := t.TempDir()
		t.Cleanup(func() { killDaemon(home) })
		splitRun(t, ec2x, home, 0, "ls")
		if exe := daemonExe(t, home); exe != ec2xd {
			t.Errorf("the daemon runs %s, want %s", exe, ec2xd)
		}
		// A second call finds the same daemon (the stamps agree).
		pid := readPid(t, home)
		splitRun(t, ec2x, home, 0, "ls")
		if again := readPid(t, home); again != pid {
			t.Errorf("the second call replaced the daemon (pid %d, then %d)", pid, again)
		}
	})
	t.Run("serve in the foreground", func(t *testing.T) {
		home := t.TempDir()
		t.Cleanup(func() { killDaemon(home) })
		cmd := exec.Command(ec2x, "serve")
		cmd.Env = append(os.Environ(), "EC2X_HOME="+home, "NO_COLOR=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(time.Minute) // a failure guard, not a timing
		for readPidOr0(home) != cmd.Process.Pid {
			if time.Now().After(deadline) {
				t.Fatalf("no daemon with the serve process's pid %d; stderr:\n%s", cmd.Process.Pid, stderr.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
		if exe := daemonExe(t, home); exe != ec2xd {
			t.Errorf("ec2x serve runs %s, want %s", exe, ec2xd)
		}
		splitRun(t, ec2x, home, 0, "ls")
		_ = cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Errorf("ec2x serve after SIGTERM: %v\n%s", err, stderr.String())
		}
	})
	t.Run("ssh through ec2xd", func(t *testing.T) {
		home := t.TempDir()
		t.Cleanup(func() { killDaemon(home) })
		cmd := exec.Command(ec2x, "run", "--wait", "-q")
		cmd.Env = append(os.Environ(), "EC2X_HOME="+home, "NO_COLOR=1")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("ec2x run: %v", err)
		}
		// The sim driver has no guest OS: the daemon's answer, through
		// ec2xd's ssh, says so.
		stderr := splitRun(t, ec2x, home, 1, "ssh", strings.TrimSpace(string(out)))
		if !strings.Contains(stderr, "Unsupported") {
			t.Errorf("ec2x ssh on sim says %q", stderr)
		}
	})
	t.Run("top through ec2xd", func(t *testing.T) { checkTop(t, ec2x) })
	t.Run("client without ec2xd", func(t *testing.T) {
		alone := filepath.Join(t.TempDir(), "ec2x")
		data, err := os.ReadFile(ec2x)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(alone, data, 0o755); err != nil {
			t.Fatal(err)
		}
		home := t.TempDir()
		t.Cleanup(func() { killDaemon(home) })
		for _, args := range [][]string{{"serve"}, {"ls"}, {"ssh", "i-0123456789abcdef0"}} {
			stderr := splitRun(t, alone, home, 2, args...)
			if !strings.Contains(stderr, "ec2xd is not next to it") {
				t.Errorf("ec2x %v without ec2xd says %q", args, stderr)
			}
		}
	})
}

// splitRun runs bin with args in home, checks its exit code, returns stderr.
func splitRun(t *testing.T, bin, home string, want int, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "EC2X_HOME="+home, "NO_COLOR=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if code != want {
		t.Fatalf("ec2x %v: exit %d, want %d; stderr:\n%s", args, code, want, stderr.String())
	}
	return stderr.String()
}

func readPidOr0(home string) int {
	data, err := os.ReadFile(filepath.Join(home, "daemon.pid"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	return pid
}

func readPid(t *testing.T, home string) int {
	t.Helper()
	pid := readPidOr0(home)
	if pid == 0 {
		t.Fatal("no daemon.pid")
	}
	return pid
}

func daemonExe(t *testing.T, home string) string {
	t.Helper()
	exe, err := os.Readlink("/proc/" + strconv.Itoa(readPid(t, home)) + "/exe")
	if err != nil {
		t.Fatal(err)
	}
	return exe
}
