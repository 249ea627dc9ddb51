package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ec2x/ec2x/cli/screens"
	"github.com/ec2x/ec2x/core/api"
	"github.com/ec2x/ec2x/core/daemon"
	"github.com/ec2x/ec2x/pricing-wasm/wasmtest"
)

// asEC2X makes this test binary behave as the ec2x binary. A CLI call
// that finds no daemon starts one by running its own executable with
// "serve --background": in these tests that is this binary, so the daemon
// is a real process of the same build, as in production.
const asEC2X = "EC2X_CLI_TEST_AS_EC2X"

// sharedHome is an EC2X_HOME whose daemon (started by the first call that
// needs it) serves every test that does not need a home of its own.
var sharedHome string

func TestMain(m *testing.M) {
	if os.Getenv(asEC2X) == "1" {
		os.Exit(Main(Links{Serve: daemon.Serve, Screens: screens.Linked{}}))
	}
	os.Setenv(asEC2X, "1")
	// Under -race a child would sleep a second at exit (the detector's
	// atexit_sleep_ms): completion requests are short-lived processes.
	os.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	// Daemons share one compilation cache for the pricing modules.
	os.Setenv("EC2X_WASM_CACHE", wasmtest.CacheDir())
	for _, v := range []string{"EC2X_HOME", "EC2X_REGION", "EC2X_OUTPUT", "EC2X_DEBUG", "NO_COLOR"} {
		os.Unsetenv(v)
	}
	dir, err := os.MkdirTemp("", "ec2x-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sharedHome = filepath.Join(dir, "home")
	if err := writeConfig(sharedHome, fastSim); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if err := stopDaemon(sharedHome); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// fastSim makes simulated boots and stops immediate.
const fastSim = "[sim]\nboot_seconds = 0\nstop_seconds = 0\n"

func writeConfig(home, toml string) error {
	if err := os.MkdirAll(home, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(home, "config.toml"), []byte(toml), 0o600)
}

// newHome returns an EC2X_HOME of the test's own, whose daemon (if a call
// starts one) is stopped at the end of the test.
func newHome(t *testing.T, toml string) string {
	t.Helper()
	home := filepath.Join(t.TempDir(), "home")
	if err := writeConfig(home, toml); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := stopDaemon(home); err != nil {
			t.Error(err)
		}
	})
	return home
}

// stopDaemon stops the daemon of home, if one runs: gracefully, then for
// sure by the pid it wrote (a process these tests started).
func stopDaemon(home string) error {
	if !api.DaemonLocked(home) {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c := api.NewClient(api.Paths{Home: home}.Socket(), "")
	_ = c.Shutdown(ctx)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if !api.DaemonLocked(home) {
			return nil
		}
	}
	data, err := os.ReadFile(api.Paths{Home: home}.Pid())
	if err != nil {
		return fmt.Errorf("daemon of %s did not stop and left no pid: %v", home, err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return fmt.Errorf("daemon of %s did not stop; pid file says %q", home, data)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	return fmt.Errorf("daemon of %s (pid %d) ignored Shutdown and was killed", home, pid)
}

// unique returns a name no other test run against the shared daemon used
// (go test -count=N reuses it).
func unique(prefix string) string {
	return prefix + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
}

// result is what one ec2x call printed and returned.
type result struct {
	stdout, stderr string
	code           int
}

// ec2x runs the command line in this process, as main does, against home.
func ec2x(t *testing.T, home string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	argv := append([]string{"ec2x"}, args...)
	if home != "" {
		argv = append([]string{"ec2x", "--home", home}, args...)
	}
	code := Run(argv, &out, &errb, Links{Serve: daemon.Serve, Screens: screens.Linked{}})
	return result{out.String(), errb.String(), code}
}

// ok runs ec2x and fails the test unless it exits 0.
func ok(t *testing.T, home string, args ...string) string {
	t.Helper()
	r := ec2x(t, home, args...)
	if r.code != 0 {
		t.Fatalf("ec2x %s: exit %d\nstderr: %s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r.stdout
}
