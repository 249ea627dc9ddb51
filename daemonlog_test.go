package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDaemonLogUnwritable gives a daemon started by a CLI call a log
// file that takes no writes (/dev/full answers each with ENOSPC): it must
// say so once on its stderr (logs/daemon.out) and put its log lines
// there, and keep serving.
func TestDaemonLogUnwritable(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	t.Cleanup(func() { killDaemon(home) })
	if err := os.MkdirAll(filepath.Join(home, "logs"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/full", filepath.Join(home, "logs", "daemon.log")); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, home, "run", "-q")
	mustCLI(t, home, "daemon", "stop")
	b, err := os.ReadFile(filepath.Join(home, "logs", "daemon.out"))
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	if n := strings.Count(out, "cannot write its log"); n != 1 || !strings.Contains(out, "no space left on device") {
		t.Errorf("daemon.out says %d times that the log cannot be written, want once with the cause", n)
	}
	for _, want := range []string{`"daemon ready"`, `"daemon stopping"`} {
		if !strings.Contains(out, want) {
			t.Errorf("daemon.out has no log line %s", want)
		}
	}
	if t.Failed() {
		t.Logf("daemon.out:\n%s", out)
	}
}
