package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmux drives a real terminal for the full-screen view.
type tmux struct {
	t       *testing.T
	session string
}

func (x *tmux) run(args ...string) string {
	x.t.Helper()
	out, err := exec.Command("tmux", args...).CombinedOutput()
	if err != nil {
		x.t.Fatalf("tmux %v: %v: %s", args, err, out)
	}
	return string(out)
}

// screen is what the pane shows now.
func (x *tmux) screen() string { return x.run("capture-pane", "-p", "-t", x.session) }

// waitFor polls the screen until cond holds.
func (x *tmux) waitFor(what string, cond func(screen string) bool) string {
	x.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := x.screen()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// firstRow is the first table row under the header.
func firstRow(screen string) string {
	lines := strings.Split(screen, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "INSTANCE ID") && i+1 < len(lines) {
			return lines[i+1]
		}
	}
	return ""
}

// TestTopInATerminal runs `ec2x top` in tmux: rows appear, sorting by CPU
// reorders them, the host view shows the hosts, q exits and leaves the
// terminal as it was.
func TestTopInATerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a daemon and a terminal")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("EC2X_REQUIRE_TMUX") != "" {
			t.Fatalf("EC2X_REQUIRE_TMUX is set but tmux is missing: %v (CI installs it)", err)
		}
		t.Skip("tmux is not installed (apt-get install tmux)")
	}
	bin, err := exec.LookPath("ec2x")
	if err != nil { // TestMain (testscript.Main) puts it there
		t.Fatalf("the ec2x test binary is not on PATH: %v", err)
	}
	checkTop(t, bin)
}

// checkTop drives bin's top in tmux (TestTopInATerminal); the client
// binary runs it through ec2xd (TestClientStartsDaemonBinary).
func checkTop(t *testing.T, bin string) {
	home := t.TempDir()
	t.Cleanup(func() { killDaemon(home) })
	if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte("[sim]\nboot_seconds = 0\nstop_seconds = 0\n[monitor]\ninterval_seconds = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := &crashHarness{t: t, home: home, bin: bin}
	idle := strings.TrimSpace(h.mustRun("run", "--tag", "ec2x:workload=idle", "--name", "quiet", "-q"))
	burn := strings.TrimSpace(h.mustRun("run", "--type", "m5.large", "--tag", "ec2x:workload=cpu-burn", "--name", "busy", "-q"))
	web := strings.TrimSpace(h.mustRun("run", "--type", "t3.micro", "--tag", "ec2x:workload=web", "--name", "site", "-q"))

	x := &tmux{t: t, session: "ec2xtop" + strings.TrimPrefix(filepath.Base(home), "00")}
	cmd := "env EC2X_HOME=" + home + " GORACE=atexit_sleep_ms=0 " + bin + " top --sort id"
	x.run("new-session", "-d", "-s", x.session, "-x", "200", "-y", "40")
	t.Cleanup(func() { _ = exec.Command("tmux", "kill-session", "-t", x.session).Run() })
	x.run("set-option", "-t", x.session, "remain-on-exit", "on")
	x.run("send-keys", "-t", x.session, "clear; echo before-top; "+cmd+"; echo after-top", "Enter")

	x.waitFor("three rows", func(s string) bool {
		return strings.Contains(s, idle) && strings.Contains(s, burn) && strings.Contains(s, web) && strings.Contains(s, "sort: id")
	})
	x.run("send-keys", "-t", x.session, "c")
	x.waitFor("the busiest instance on top", func(s string) bool {
		return strings.Contains(s, "sort: cpu") && strings.Contains(firstRow(s), burn)
	})
	x.run("send-keys", "-t", x.session, "i")
	x.waitFor("sorting by ID again", func(s string) bool { return strings.Contains(s, "sort: id") })
	x.run("send-keys", "-t", x.session, "/", "s", "i", "t", "e", "Enter")
	x.waitFor("the filter keeping one row", func(s string) bool {
		return strings.Contains(s, web) && !strings.Contains(s, burn) && !strings.Contains(s, idle)
	})
	x.run("send-keys", "-t", x.session, "Escape")
	x.run("send-keys", "-t", x.session, "h")
	x.waitFor("the host view", func(s string) bool {
		return strings.Contains(s, "HOST ID") && strings.Contains(s, "h-") && strings.Contains(s, burn)
	})
	x.run("send-keys", "-t", x.session, "q")
	s := x.waitFor("top to exit", func(s string) bool { return strings.Contains(s, "after-top") })
	if strings.Contains(s, "INSTANCE ID") || strings.Contains(s, "HOST ID") || strings.Contains(s, "sort:") {
		t.Errorf("the terminal still shows top after q:\n%s", s)
	}
	if !strings.Contains(s, "before-top") {
		t.Errorf("the screen before top was not restored:\n%s", s)
	}
}
