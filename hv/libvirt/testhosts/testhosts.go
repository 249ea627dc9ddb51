// Package testhosts starts independent libvirt hosts on this machine for
// tests, with testhosts.sh: each a libvirtd of its own (private state,
// its own virtlogd) answering at qemu+tcp://127.0.0.X/system. A test
// binary starts them once, on first use, and stops them when it ends
// (After in TestMain); should it die first, the script's watcher stops
// them when the process is gone.
package testhosts

import (
	_ "embed"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	golibvirt "github.com/digitalocean/go-libvirt"
)

//go:embed testhosts.sh
var script []byte

// Required is the variable that makes a missing libvirt a failure rather
// than a skip (CI sets it: there every tool is installed).
const Required = "EC2X_LIBVIRT"

var (
	mu    sync.Mutex
	dir   string   // the hosts' state, with the script
	uris  []string // the hosts started so far
	fail  error    // why hosts cannot start here
	tried bool
)

// Hosts returns the URIs of n hosts, starting them on first use; the
// test skips, saying why, where libvirt cannot run (not root, libvirtd
// or QEMU missing), and fails instead when EC2X_LIBVIRT is set.
func Hosts(t testing.TB, n int) []string {
	t.Helper()
	uris, err := Start(n)
	if err != nil {
		if os.Getenv(Required) != "" {
			t.Fatalf("%s is set but %v", Required, err)
		}
		t.Skip(err)
	}
	return uris
}

// Start returns the URIs of n hosts, starting them on first use, or why
// they cannot run here.
func Start(n int) ([]string, error) {
	mu.Lock()
	defer mu.Unlock()
	if !tried {
		tried = true
		fail = usable()
	}
	if fail == nil && len(uris) < n {
		// two at least, so that a later test's second host does not
		// restart the first under it
		fail = start(max(n, 2))
	}
	if fail != nil {
		return nil, fail
	}
	return uris[:n], nil
}

// usable says why libvirt hosts cannot run here, or nil.
func usable() error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("libvirt test hosts need root (mount namespaces, libvirtd in system mode)")
	}
	for _, c := range []string{"libvirtd", "virtlogd", "unshare", "qemu-system-x86_64", "qemu-img"} {
		if _, err := exec.LookPath(c); err != nil {
			return fmt.Errorf("%s is not installed (apt-get install libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 qemu-utils)", c)
		}
	}
	return nil
}

// start brings the hosts up to n, on loopback addresses where nothing
// listens on libvirtd's port (another test binary may have hosts too).
func start(n int) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "ec2x-libvirt-hosts-")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(d, "testhosts.sh"), script, 0o755); err != nil {
			return err
		}
		dir = d
	}
	var last error
	for try := 0; try < 5; try++ {
		// hosts are started together: those of a smaller call are stopped
		stop()
		base := 2 + rand.IntN(250-n)
		if !free(base, n) {
			continue
		}
		cmd := exec.Command("sh", filepath.Join(dir, "testhosts.sh"), "start", strconv.Itoa(n), filepath.Join(dir, "hosts"), strconv.Itoa(base))
		// QEMU's capabilities as libvirtd probed them, kept from run to run
		cache := filepath.Join(os.TempDir(), "ec2x-libvirt-qemu-capabilities")
		cmd.Env = append(os.Environ(), "TESTHOSTS_OWNER="+strconv.Itoa(os.Getpid()), "TESTHOSTS_CACHE="+cache)
		out, err := cmd.Output()
		if err != nil {
			last = fmt.Errorf("testhosts.sh start: %v: %s", err, stderr(err))
			continue
		}
		uris = strings.Fields(string(out))
		if len(uris) == n {
			return nil
		}
		last = fmt.Errorf("testhosts.sh start %d printed %q", n, out)
	}
	stop()
	if last == nil {
		last = fmt.Errorf("no %d free loopback addresses for libvirt hosts", n)
	}
	return last
}

func stderr(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return strings.TrimSpace(string(ee.Stderr))
	}
	return ""
}

// free says whether libvirtd's port is free on the n addresses from
// 127.0.0.base.
func free(base, n int) bool {
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:16509", base+i))
		if err != nil {
			return false
		}
		l.Close()
	}
	return true
}

// stop ends every host started (their guests too) and removes their
// state; mu is held.
func stop() {
	if dir == "" || len(uris) == 0 {
		return
	}
	_ = exec.Command("sh", filepath.Join(dir, "testhosts.sh"), "stop", filepath.Join(dir, "hosts")).Run()
	_ = os.RemoveAll(filepath.Join(dir, "hosts"))
	uris = nil
}

// Kill ends host i (0-based, in the order Hosts returns them) as a
// machine that loses its power: its guests' QEMU processes, its libvirtd
// and its virtlogd are killed at once (SIGKILL). Its state stays for
// Restart, which starts the daemons again and finds the guests shut off.
func Kill(i int) error { return hostCmd("kill", i) }

// KillDaemon kills host i's libvirtd alone, as a daemon that crashes: its
// guests run on, and a Restart re-attaches to them.
func KillDaemon(i int) error { return hostCmd("kill", i, "daemon") }

// Restart starts the daemons of host i that do not run (after Kill or
// KillDaemon) on the state they left, at the same address.
func Restart(i int) error { return hostCmd("restart", i) }

// hostCmd runs testhosts.sh CMD DIR I ARGS... on host i.
func hostCmd(cmd string, i int, args ...string) error {
	mu.Lock()
	defer mu.Unlock()
	if i < 0 || i >= len(uris) {
		return fmt.Errorf("testhosts: no host %d (%d started)", i, len(uris))
	}
	a := append([]string{filepath.Join(dir, "testhosts.sh"), cmd, filepath.Join(dir, "hosts"), strconv.Itoa(i + 1)}, args...)
	c := exec.Command("sh", a...)
	c.Env = append(os.Environ(), "TESTHOSTS_CACHE="+filepath.Join(os.TempDir(), "ec2x-libvirt-qemu-capabilities"))
	if out, err := c.CombinedOutput(); err != nil {
		return fmt.Errorf("testhosts.sh %s %d: %v: %s", cmd, i+1, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Purge destroys and undefines the domains whose names start with prefix
// on the host at uri, over a connection of its own, so that the guests
// of a test (hv/libvirt.DomainPrefix of its driver's directory) do not
// outlive it.
func Purge(uri, prefix string) error {
	u, err := url.Parse(uri)
	if err != nil {
		return err
	}
	l, err := golibvirt.ConnectToURI(u)
	if err != nil {
		return err
	}
	defer l.Disconnect()
	doms, _, err := l.ConnectListAllDomains(1, 0)
	if err != nil {
		return err
	}
	for _, dom := range doms {
		if strings.HasPrefix(dom.Name, prefix) {
			_ = l.DomainDestroyFlags(dom, 0)
			_ = l.DomainUndefineFlags(dom, 0)
		}
	}
	return nil
}

// PurgeAll is Purge on every host started.
func PurgeAll(prefix string) {
	mu.Lock()
	all := uris
	mu.Unlock()
	for _, uri := range all {
		_ = Purge(uri, prefix)
	}
}

// Runner is what runs a test binary's tests: *testing.M, or testscript's.
type Runner interface{ Run() int }

// After runs m's tests, then stops the hosts they started: in TestMain,
// os.Exit(testhosts.After(m).Run()), or testscript.Main(testhosts.After(m), ...).
func After(m Runner) Runner { return after{m} }

type after struct{ m Runner }

func (a after) Run() int {
	code := a.m.Run()
	mu.Lock()
	defer mu.Unlock()
	stop()
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
	return code
}
