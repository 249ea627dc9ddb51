package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ec2x/ec2x/hv/vpcnet"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ec2x/ec2x/cli"
	"github.com/ec2x/ec2x/cli/screens"
	"github.com/ec2x/ec2x/core/daemon"
	"github.com/ec2x/ec2x/hv/libvirt"
	"github.com/ec2x/ec2x/hv/libvirt/testhosts"
	"github.com/ec2x/ec2x/pricing-wasm/wasmtest"
	"github.com/jmespath/go-jmespath"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	// Daemons (scripts, crash and terminal tests) share one compilation
	// cache for the pricing modules.
	os.Setenv("EC2X_WASM_CACHE", wasmtest.CacheDir())
	// libvirt hosts the scripts started are stopped after the tests
	testscript.Main(testhosts.After(m), map[string]func(){
		"ec2x": func() { os.Exit(cli.Main(cli.Links{Serve: daemon.Serve, Screens: screens.Linked{}})) },
	})
}

// TestScripts runs the end-to-end scenarios in testdata/*.txtar against
// the real binary and a real daemon per script.
func TestScripts(t *testing.T) {
	repo, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		RequireExplicitExec: false,
		Condition: func(cond string) (bool, error) {
			if cond == "root" {
				// VPC networks of real guests and image builds need root;
				// CI runs as root, so there these never skip.
				return os.Geteuid() == 0, nil
			}
			if cond == "libvirt" {
				// libvirt hosts of this machine (hv/libvirt/testhosts), and
				// the test image of their guests
				_, err := testhosts.Start(1)
				if err == nil && os.Getenv("EC2X_QEMU_IMAGE") == "" {
					err = errors.New("EC2X_QEMU_IMAGE is not set")
				}
				if err != nil && os.Getenv(testhosts.Required) != "" {
					return false, fmt.Errorf("%s is set but %v", testhosts.Required, err)
				}
				return err == nil, nil
			}
			if cond != "qemu" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			// Real guests: QEMU and the test image (hv/qemu/testimage/build.sh).
			_, err := exec.LookPath("qemu-system-x86_64")
			ok := err == nil && os.Getenv("EC2X_QEMU_IMAGE") != ""
			if !ok && os.Getenv("EC2X_REQUIRE_QEMU") != "" {
				return false, fmt.Errorf("EC2X_REQUIRE_QEMU is set but qemu-system-x86_64 or EC2X_QEMU_IMAGE is missing (CI installs both)")
			}
			return ok, nil
		},
		Setup: func(env *testscript.Env) error {
			env.Setenv("EC2X_QEMU_IMAGE", os.Getenv("EC2X_QEMU_IMAGE"))
			// built Debian images are kept between runs where CI says
			env.Setenv("EC2X_IMAGE_CACHE", os.Getenv("EC2X_IMAGE_CACHE"))
			home := filepath.Join(env.WorkDir, "home")
			env.Setenv("EC2X_HOME", home)
			env.Setenv("EC2X_REGION", "")
			env.Setenv("NO_COLOR", "1")
			// Under -race every process sleeps a second at exit by default.
			env.Setenv("GORACE", "atexit_sleep_ms=0")
			// Every script's daemon compiles the pricing modules once into
			// a shared cache, not once per script.
			env.Setenv("EC2X_WASM_CACHE", wasmtest.CacheDir())
			env.Setenv("REPO", repo)
			// CI installs the tools of the scripts that skip without them
			// (awscli, plugins) and says so: there those scripts must run.
			for _, r := range []struct {
				env  string
				bins []string
			}{{"EC2X_REQUIRE_AWSCLI", []string{"aws", "jq"}}, {"EC2X_REQUIRE_WABT", []string{wasmtest.Tool}}} {
				if os.Getenv(r.env) == "" {
					continue
				}
				for _, bin := range r.bins {
					if _, err := exec.LookPath(bin); err != nil {
						return fmt.Errorf("%s is set but %s is missing: %v", r.env, bin, err)
					}
				}
			}
			env.Defer(func() {
				killDaemon(home)
				// its libvirt guests, on whichever test host they are
				testhosts.PurgeAll(libvirt.DomainPrefix(filepath.Join(home, "guests")))
				// its guests' VPC namespaces (root only; none otherwise)
				_ = vpcnet.RemoveNamespaces(context.Background(), home)
			})
			// Short simulated boots keep scripts quick; scripts that test
			// timing write their own config. Under -race on a loaded
			// machine a trivial module call can miss the 50 ms deadline.
			if err := os.MkdirAll(home, 0o700); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(home, "config.toml"), []byte("[sim]\nboot_seconds = 0.2\nstop_seconds = 0.1\n\n[pricing]\nwasm_timeout_ms = 1000\n"), 0o600)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"count":        cmdCount,
			"distinct":     cmdDistinct,
			"perm":         cmdPerm,
			"waitfor":      cmdWaitFor,
			"setvar":       cmdSetvar,
			"jq":           cmdJQ,
			"exits":        cmdExits,
			"freeport":     cmdFreePort,
			"httpget":      cmdHTTPGet,
			"udpask":       cmdUDPAsk,
			"libvirthost":  cmdLibvirtHost,
			"libvirthosts": cmdLibvirtHosts,
			"libvirtkill":  cmdLibvirtKill,
		},
	})
}

// killDaemon stops a script's daemon: gracefully, then for sure.
func killDaemon(home string) {
	// Real guests outlive their daemon by design; a script's must not.
	pids, _ := filepath.Glob(filepath.Join(home, "guests", "qemu", "*", "qemu.pid"))
	for _, f := range pids {
		if b, err := os.ReadFile(f); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(home, "daemon.pid"))
	if err != nil {
		return
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return
	}
	_ = syscall.Kill(pid, syscall.SIGTERM)
	for i := 0; i < 200; i++ {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
}

// count N FILE [REGEX]: FILE has exactly N non-empty lines (that match
// REGEX, if given).
func cmdCount(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 && len(args) != 3 {
		ts.Fatalf("usage: count N FILE [REGEX]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	lines := nonEmptyLines(ts.ReadFile(args[1]))
	if len(args) == 3 {
		re, err := regexp.Compile(args[2])
		ts.Check(err)
		lines = slices.DeleteFunc(lines, func(l string) bool { return !re.MatchString(l) })
	}
	if n := len(lines); (n == want) == neg {
		ts.Fatalf("%s has %d lines%s, want %s%d", args[1], n, map[bool]string{true: " matching " + strings.Join(args[2:], ""), false: ""}[len(args) == 3],
			map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// distinct FILE: every non-empty line of FILE is different.
func cmdDistinct(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: distinct FILE")
	}
	seen := map[string]bool{}
	dup := ""
	for _, l := range nonEmptyLines(ts.ReadFile(args[0])) {
		if seen[l] {
			dup = l
		}
		seen[l] = true
	}
	if (dup == "") == neg {
		ts.Fatalf("distinct %s: duplicate %q (neg=%v)", args[0], dup, neg)
	}
}

// perm MODE FILE: FILE has exactly that permission (octal).
func cmdPerm(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: perm MODE FILE")
	}
	want, err := strconv.ParseUint(args[0], 8, 32)
	ts.Check(err)
	fi, err := os.Stat(ts.MkAbs(args[1]))
	ts.Check(err)
	if (uint64(fi.Mode().Perm()) == want) == neg {
		ts.Fatalf("%s has mode %o, want %o", args[1], fi.Mode().Perm(), want)
	}
}

// waitfor [-for D] [-stdout REGEX] CMD [ARGS...]: run CMD until it exits
// 0 and, with -stdout, its stdout matches REGEX (multi-line, as stdout's
// is); fail after D (default a minute: a failure guard, not a timing).
// The last run's stdout and stderr are kept for the next checks. Scripts
// wait for what they need this way, never by sleeping.
func cmdWaitFor(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("waitfor cannot be negated: wait for the opposite condition")
	}
	limit := time.Minute
	var want *regexp.Regexp
	for len(args) >= 2 && strings.HasPrefix(args[0], "-") {
		var err error
		switch args[0] {
		case "-for":
			limit, err = time.ParseDuration(args[1])
		case "-stdout":
			want, err = regexp.Compile("(?m)" + args[1]) // as stdout matches
		default:
			err = fmt.Errorf("unknown flag %s", args[0])
		}
		ts.Check(err)
		args = args[2:]
	}
	if len(args) == 0 {
		ts.Fatalf("usage: waitfor [-for D] [-stdout REGEX] CMD [ARGS...]")
	}
	deadline := time.Now().Add(limit)
	for tries := 1; ; tries++ {
		err := ts.Exec(args[0], args[1:]...)
		if err == nil && (want == nil || want.MatchString(ts.ReadFile("stdout"))) {
			return
		}
		if time.Now().After(deadline) {
			why := fmt.Sprintf("stdout does not match %s", want)
			if err != nil {
				why = err.Error()
			}
			ts.Fatalf("waitfor %s: still not done after %v (%d tries): %s\nstdout: %s\nstderr: %s",
				strings.Join(args, " "), limit, tries, why, ts.ReadFile("stdout"), ts.ReadFile("stderr"))
		}
		time.Sleep(100 * time.Millisecond) // poll interval, not synchronisation
	}
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return out
}

// setvar NAME FILE: set $NAME to FILE's content, trimmed.
func cmdSetvar(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: setvar NAME FILE")
	}
	ts.Setenv(args[0], strings.TrimSpace(ts.ReadFile(args[1])))
}

// jq NAME FILE EXPR: set $NAME to the JMESPath EXPR of the JSON in FILE
// (strings bare, anything else as JSON).
func cmdJQ(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: jq NAME FILE EXPR")
	}
	var doc any
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[1])), &doc))
	res, err := jmespath.Search(args[2], doc)
	ts.Check(err)
	val := ""
	switch r := res.(type) {
	case string:
		val = r
	case nil:
		val = ""
	default:
		b, err := json.Marshal(r)
		ts.Check(err)
		val = string(b)
	}
	ts.Setenv(args[0], val)
	ts.Logf("%s=%s", args[0], val)
}

// exits N CMD ARGS...: run CMD and require exit status N; stdout and
// stderr are kept for the next stdout/stderr checks.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: exits N CMD [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("%s: %v", args[1], err)
	}
	if (got == want) == neg {
		ts.Fatalf("%s exited %d, want %s%d", strings.Join(args[1:], " "), got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// cmdFreePort sets an environment variable to a free TCP port on loopback.
func cmdFreePort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: freeport VAR")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	port := l.Addr().(*net.TCPAddr).Port
	ts.Check(l.Close())
	ts.Setenv(args[0], strconv.Itoa(port))
}

// cmdHTTPGet fetches a URL until it answers 200 with a body that matches
// -want (if given) and writes the body to stdout; with ! until it fails to
// connect or answers an error status. It gives up after a minute: the
// daemon's port forwarder follows changes within about a second.
func cmdHTTPGet(ts *testscript.TestScript, neg bool, args []string) {
	var want *regexp.Regexp
	if len(args) == 3 && args[0] == "-want" {
		want = regexp.MustCompile(args[1])
		args = args[2:]
	}
	if len(args) != 1 {
		ts.Fatalf("usage: httpget [-want REGEX] URL")
	}
	c := &http.Client{Timeout: 10 * time.Second}
	get := func() ([]byte, error) {
		resp, err := c.Get(args[0])
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("status %s", resp.Status)
		}
		return b, err
	}
	retryAsk(ts, neg, "GET "+args[0], want, get)
}

// retryAsk asks until the answer matches want (any answer when nil) and
// writes it to stdout, or with neg until asking fails; it gives up after
// a minute, the bound on how late the daemon's forwarder may follow a
// change.
func retryAsk(ts *testscript.TestScript, neg bool, what string, want *regexp.Regexp, ask func() ([]byte, error)) {
	deadline := time.Now().Add(time.Minute)
	for {
		b, err := ask()
		switch {
		case neg && err != nil:
			return
		case !neg && err == nil && (want == nil || want.Match(b)):
			ts.Stdout().Write(b)
			return
		case time.Now().After(deadline) && neg:
			ts.Fatalf("%s kept answering: %q", what, b)
		case time.Now().After(deadline) && err != nil:
			ts.Fatalf("%s: %v", what, err)
		case time.Now().After(deadline):
			ts.Fatalf("%s answered %q, not matching %s", what, b, want)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// cmdUDPAsk sends a datagram to ADDR until an answer matching -want (if
// given) comes back, and writes it to stdout; with ! until none comes. It
// gives up after a minute, as httpget does.
func cmdUDPAsk(ts *testscript.TestScript, neg bool, args []string) {
	var want *regexp.Regexp
	if len(args) == 3 && args[0] == "-want" {
		want = regexp.MustCompile(args[1])
		args = args[2:]
	}
	if len(args) != 1 {
		ts.Fatalf("usage: udpask [-want REGEX] ADDR")
	}
	ask := func() ([]byte, error) {
		c, err := net.Dial("udp", args[0])
		if err != nil {
			return nil, err
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(2 * time.Second))
		if _, err := c.Write([]byte("ping\n")); err != nil {
			return nil, err
		}
		b := make([]byte, 1500)
		n, err := c.Read(b)
		return b[:n], err
	}
	retryAsk(ts, neg, "udp "+args[0], want, ask)
}

// libvirthost: sets LIBVIRT_URI to a libvirt host of this machine
// (hv/libvirt/testhosts; the libvirt condition started it).
func cmdLibvirtHost(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: libvirthost")
	}
	uris, err := testhosts.Start(1)
	ts.Check(err)
	ts.Setenv("LIBVIRT_URI", uris[0])
}

// libvirthosts N: sets LIBVIRT_URI1..N to N libvirt hosts of this machine
// (hv/libvirt/testhosts), started on first use and shared by the scripts.
func cmdLibvirtHosts(ts *testscript.TestScript, neg bool, args []string) {
	n := 0
	if len(args) == 1 {
		n, _ = strconv.Atoi(args[0])
	}
	if neg || n < 1 {
		ts.Fatalf("usage: libvirthosts N")
	}
	uris, err := testhosts.Start(n)
	ts.Check(err)
	for i, u := range uris[:n] {
		ts.Setenv(fmt.Sprintf("LIBVIRT_URI%d", i+1), u)
	}
}

// libvirtkill URI: the test host at URI dies as a machine that loses its
// power: its libvirtd, virtlogd and guests are killed at once (an
// evacuation assumes the host is dead, or fenced, so that no two copies
// of a guest write its disk); the host starts again when the script
// ends, for the scripts that share it.
func cmdLibvirtKill(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: libvirtkill URI")
	}
	all, err := testhosts.Start(2)
	ts.Check(err)
	for i, u := range all {
		if u == args[0] {
			ts.Check(testhosts.Kill(i))
			ts.Defer(func() { _ = testhosts.Restart(i) })
			return
		}
	}
	ts.Fatalf("libvirtkill: no test host at %s (hosts: %v)", args[0], all)
}
