package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/api"
	"github.com/ec2x/ec2x/core/ec2"
)

// cliRun is one ec2x call: what it printed and how it exited.
type cliRun struct {
	stdout, stderr string
	code           int
}

// runCLI runs the ec2x test binary on home.
func runCLI(t *testing.T, home string, args ...string) cliRun {
	t.Helper()
	bin, err := exec.LookPath("ec2x")
	if err != nil {
		t.Fatalf("the ec2x test binary is not on PATH (TestMain puts it there): %v", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "EC2X_HOME="+home, "NO_COLOR=1", "EC2X_REGION=", "GORACE=atexit_sleep_ms=0")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	r := cliRun{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("ec2x %v: %v", args, err)
	}
	return r
}

// mustCLI runs ec2x and fails the test unless it exits 0.
func mustCLI(t *testing.T, home string, args ...string) string {
	t.Helper()
	r := runCLI(t, home, args...)
	if r.code != 0 {
		t.Fatalf("ec2x %s: exit %d: %s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r.stdout
}

// daemonPid is the pid the home's daemon wrote, 0 when none.
func daemonPid(home string) int {
	b, err := os.ReadFile(filepath.Join(home, "daemon.pid"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

// mountTmpfs mounts a tmpfs of the given size (mount's size= syntax) on a
// new directory and unmounts it when the test ends. It needs root (CI
// runs as root).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("ec2x-test", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		t.Fatalf("mount a %s tmpfs on %s (this test needs root, as CI runs): %v", size, dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// tagsOf lists every instance's tags as `ls -o json` shows them.
func tagsOf(t *testing.T, home string) map[string]map[string]string {
	t.Helper()
	var out struct{ Instances []ec2.Instance }
	if err := json.Unmarshal([]byte(mustCLI(t, home, "ls", "-o", "json")), &out); err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]string{}
	for _, in := range out.Instances {
		got[in.InstanceId] = map[string]string{}
		for _, tag := range in.Tags {
			got[in.InstanceId][tag.Key] = tag.Value
		}
	}
	return got
}

// TestDiskFull fills the small disk that holds EC2X_HOME with changes
// until the daemon refuses them: it must say so (InsufficientFreeSpace,
// exit 3) instead of dying inside Badger's memory maps, keep answering
// reads, take writes again once space is freed, and after kill -9 still
// have every change it acknowledged.
func TestDiskFull(t *testing.T) {
	home := filepath.Join(mountTmpfs(t, "48m"), "home")
	t.Cleanup(func() { killDaemon(home) })
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte("[sim]\nboot_seconds = 0\nstop_seconds = 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Space to free later. (The pricing modules' compilation cache is
	// elsewhere: TestMain sets EC2X_WASM_CACHE.)
	ballast := filepath.Join(filepath.Dir(home), "ballast")
	if err := os.WriteFile(ballast, bytes.Repeat([]byte{1}, 2<<20), 0o600); err != nil {
		t.Fatal(err)
	}

	ids := strings.Fields(mustCLI(t, home, "run", "--count", "20", "-q"))
	pid := daemonPid(home)
	want := map[string]map[string]string{}
	for _, id := range ids {
		want[id] = map[string]string{}
	}
	// tag puts a 200-byte value under one of 40 keys on every instance:
	// each call is a new version of 20 records of about 10 KB.
	tag := func(i int) cliRun {
		key, val := fmt.Sprintf("k%02d", i%40), fmt.Sprintf("%04d-%s", i, strings.Repeat("v", 195))
		r := runCLI(t, home, append(append([]string{"tag"}, ids...), key+"="+val)...)
		if r.code == 0 {
			for _, id := range ids {
				want[id][key] = val
			}
		}
		return r
	}
	var refused cliRun
	i := 0
	for ; i < 400; i++ {
		if refused = tag(i); refused.code != 0 {
			break
		}
	}
	if refused.code == 0 {
		t.Fatalf("400 changes of 200 KB on a 48 MB disk, none refused")
	}
	t.Logf("refused after %d changes: %s", i, strings.TrimSpace(refused.stderr))
	if refused.code != 3 || !regexp.MustCompile(`^ec2x: InsufficientFreeSpace: .*free`).MatchString(refused.stderr) {
		t.Fatalf("the refusal: exit %d, stderr %q; want exit 3 and InsufficientFreeSpace", refused.code, refused.stderr)
	}
	if got := daemonPid(home); got != pid {
		t.Fatalf("the daemon changed (pid %d, then %d): it died on the full disk", pid, got)
	}
	// Reads still work, and the refused change is not there.
	if got := tagsOf(t, home); !equalTags(got, want) {
		t.Fatalf("while full, ls shows\n%v\nwant\n%v", got, want)
	}
	if r := tag(i + 1); r.code != 3 {
		t.Fatalf("a second change while full: exit %d, %s", r.code, r.stderr)
	}

	// Space freed: changes are taken again.
	if err := os.Remove(ballast); err != nil {
		t.Fatal(err)
	}
	if r := tag(i + 2); r.code != 0 {
		t.Fatalf("after freeing 2 MiB: exit %d, %s", r.code, r.stderr)
	}

	// kill -9, and the next call's daemon has every acknowledged change.
	killed := daemonPid(home)
	if err := syscall.Kill(killed, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// SIGKILL is delivered at once but the process ends a moment later
	// (its last thread closes its files after the leader shows as a
	// zombie); until then its socket still takes a connection and then
	// resets it. Wait until the socket refuses one.
	for i := 0; i < 500; i++ {
		c, err := net.Dial("unix", api.Paths{Home: home}.Socket())
		if err != nil {
			break
		}
		c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(api.Paths{Home: home}.Log())
			t.Logf("the daemon's log:\n%s", b[max(0, len(b)-4000):])
		}
	})
	if got := tagsOf(t, home); !equalTags(got, want) {
		t.Fatalf("after kill -9, ls shows\n%v\nwant\n%v", got, want)
	}
	if daemonPid(home) == pid {
		t.Fatal("the killed daemon still answers")
	}
}

func equalTags(a, b map[string]map[string]string) bool {
	return maps.EqualFunc(a, b, func(x, y map[string]string) bool { return maps.Equal(x, y) })
}
