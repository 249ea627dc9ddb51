package libvirt_test

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/hvtest"
	"github.com/ec2x/ec2x/hv/libvirt"
	"github.com/ec2x/ec2x/hv/libvirt/testhosts"
	"github.com/ec2x/ec2x/hv/sim"
)

// host is a driver of one test host with the events it sent.
type host struct {
	uri    string
	d      hv.Driver
	events *hvtest.Recorder
}

// openHost opens a driver on uri in dir, closed when the test ends.
func openHost(t *testing.T, uri, dir string) *host {
	t.Helper()
	h := &host{uri: uri, events: hvtest.NewRecorder()}
	h.d = open(t, uri, hv.Options{Dir: dir, Notify: h.events.Notify})
	t.Cleanup(func() { h.d.Close(context.Background()) })
	return h
}

// state is what virsh on h's host says of guest id's domain there ("running",
// "shut off"), or "" when the host has no such domain.
func (h *host) state(t *testing.T, id string) string {
	t.Helper()
	out, err := exec.Command("virsh", "-c", h.uri, "domstate", libvirt.DomainName(h.d, id)).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// listed is the state h's List gives id, and whether it lists it.
func (h *host) listed(t *testing.T, id string) (hv.State, bool) {
	t.Helper()
	list, err := h.d.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range list {
		if g.ID == id {
			return g.State, true
		}
	}
	return hv.StateUnknown, false
}

// guestKey is a key pair for the guests' root over SSH.
type guestKey struct {
	authorized string
	signer     ssh.Signer
}

func newGuestKey(t *testing.T) guestKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return guestKey{strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))), signer}
}

// shell is an SSH connection to a guest as root, through the SSH address
// its driver gives.
type shell struct {
	t *testing.T
	c *ssh.Client
}

// dial connects to guest id of d, retrying while it boots.
func dial(t *testing.T, d hv.Driver, id string, key guestKey) *shell {
	t.Helper()
	host, port, err := d.(hv.SSHEndpoint).SSHAddress(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh.ClientConfig{User: "root", Auth: []ssh.AuthMethod{ssh.PublicKeys(key.signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
		// dropbear hangs up on a long list of host key types
		HostKeyAlgorithms: []string{ssh.KeyAlgoED25519}}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		c, err := ssh.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(port)), cfg)
		if err == nil {
			t.Cleanup(func() { c.Close() })
			return &shell{t, c}
		}
		if time.Now().After(deadline) {
			out, _ := d.Console(context.Background(), id)
			t.Fatalf("no SSH into %s at %s:%d: %v; console:\n%s", id, host, port, err, out)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// run runs a shell command in the guest and returns its output.
func (s *shell) run(cmd string) string {
	s.t.Helper()
	sess, err := s.c.NewSession()
	if err != nil {
		s.t.Fatal(err)
	}
	defer sess.Close()
	out, err := sess.CombinedOutput(cmd)
	if err != nil {
		s.t.Fatalf("in the guest, %s: %v: %s", cmd, err, out)
	}
	return strings.TrimSpace(string(out))
}

// uptime is the guest's /proc/uptime in seconds.
func (s *shell) uptime() float64 {
	s.t.Helper()
	out := s.run("cut -d' ' -f1 /proc/uptime")
	f, err := strconv.ParseFloat(out, 64)
	if err != nil {
		s.t.Fatalf("uptime %q: %v", out, err)
	}
	return f
}

// rootDisk is the guest's root disk device: the 1 GiB one (the seed is
// smaller).
func (s *shell) rootDisk() string {
	s.t.Helper()
	root := s.run(`for d in /sys/block/vd*; do [ "$(cat $d/size)" = 2097152 ] && echo ${d##*/}; done; true`)
	if root == "" || strings.Contains(root, "\n") {
		s.t.Fatalf("cannot tell the guest's root disk: %q", root)
	}
	return root
}

// markAt is where on the root disk the tests write their mark (4 MiB in).
const markAt = 8192

// writeMark writes text onto the guest's root disk, synced to it.
func (s *shell) writeMark(text string) {
	s.t.Helper()
	s.run(fmt.Sprintf("echo %s | dd of=/dev/%s bs=512 seek=%d conv=fsync 2>/dev/null && sync", text, s.rootDisk(), markAt))
}

// readMark reads the mark back from the disk, not the guest's page cache.
func (s *shell) readMark() string {
	s.t.Helper()
	return s.run(fmt.Sprintf("echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/%s bs=512 skip=%d count=1 2>/dev/null | head -n1 | tr -d '\\000'", s.rootDisk(), markAt))
}

// answers reads the first line a TCP server at addr sends, retrying
// until it is want (a forward accepts before the guest listens).
func answers(t *testing.T, addr, want string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	var got string
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err == nil {
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			got, _ = bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.TrimSpace(got) == want {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s never answered %q (last %q)", addr, want, got)
}

// A running guest migrates live to another host: it runs there and no
// more here, without a reboot (uptime goes on, one boot in its console,
// which reads on from the source's, a process and a file in its memory
// live on), with what it wrote on its root disk, with its counters going
// on from the source's, SSH at a new port and forwards made again there;
// neither driver reports a state for it, and the source keeps no files.
func TestMoveLive(t *testing.T) {
	uris := testhosts.Hosts(t, 2)
	h := harness(t, uris[0])
	ctx := context.Background()
	// drivers of two directories: the domain is renamed on the way
	a := openHost(t, uris[0], t.TempDir())
	b := openHost(t, uris[1], t.TempDir())
	key := newGuestKey(t)
	spec := h.Spec("i-00000000000000a71", 1)
	spec.SSHPublicKey = key.authorized
	if err := a.d.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if err := a.d.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	hvtest.WaitFor(t, a.events, nil, spec.ID, hv.StateRunning, 5*time.Minute)
	sh := dial(t, a.d, spec.ID, key)
	// a process that counts on the console five times a second: the
	// console must show every count, those written during the migration
	// too, in order
	sh.run(`setsid sh -c 'echo $$ > /tmp/ticker.pid; i=0; while :; do i=$((i+1)); echo $i > /tmp/ticks; echo "tick $i" > /dev/console; sleep 0.2; done' </dev/null >/dev/null 2>&1 &`)
	sh.run(`setsid sh -c 'while :; do echo pong | nc -l -p 7000; done' </dev/null >/dev/null 2>&1 &`)
	state := fmt.Sprintf("state-%d", time.Now().UnixNano())
	sh.run("echo " + state + " > /tmp/state")
	sh.writeMark("written-on-a")
	fwdA, err := a.d.(hv.PortForwarder).ForwardPort(ctx, spec.ID, 0, 7000)
	if err != nil {
		t.Fatal(err)
	}
	answers(t, fwdA, "pong")
	ticker := sh.run("cat /tmp/ticker.pid")
	ticks := sh.run("cat /tmp/ticks")
	up := sh.uptime()
	st1, err := a.d.Stats(ctx, spec.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, portA, _ := a.d.(hv.SSHEndpoint).SSHAddress(ctx, spec.ID)
	consoleA, err := a.d.Console(ctx, spec.ID)
	if err != nil {
		t.Fatal(err)
	}
	eventsA := len(a.events.Events(spec.ID))

	t0 := time.Now()
	if err := a.d.(hv.Mover).Move(ctx, spec.ID, b.d); err != nil {
		t.Fatal(err)
	}
	t.Logf("live migration of a %d MiB guest took %s", spec.MemoryMiB, time.Since(t0))

	if s := b.state(t, spec.ID); s != "running" {
		t.Errorf("virsh on the destination says %q, want running", s)
	}
	if s := a.state(t, spec.ID); s != "" {
		t.Errorf("virsh on the source says %q, want no domain", s)
	}
	if s, ok := b.listed(t, spec.ID); !ok || s != hv.StateRunning {
		t.Errorf("the destination lists it %v (%v), want running", s, ok)
	}
	if _, ok := a.listed(t, spec.ID); ok {
		t.Errorf("the source still lists it")
	}
	if _, err := a.d.Console(ctx, spec.ID); !errors.Is(err, hv.ErrNotFound) {
		t.Errorf("the source's Console after the move: %v, want ErrNotFound", err)
	}
	if _, err := os.Stat(libvirt.GuestDir(a.d, spec.ID)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the source kept the guest's files: %v", err)
	}
	// the running domain and its next boot's use the destination's files
	for _, flag := range []string{"", "--inactive"} {
		args := []string{"-c", b.uri, "dumpxml", libvirt.DomainName(b.d, spec.ID)}
		if flag != "" {
			args = append(args, flag)
		}
		out, err := exec.Command("virsh", args...).Output()
		if err != nil {
			t.Fatalf("virsh dumpxml %s: %v", flag, err)
		}
		if x := string(out); !strings.Contains(x, libvirt.GuestDir(b.d, spec.ID)+"/root.qcow2") || strings.Contains(x, libvirt.GuestDir(a.d, spec.ID)) {
			t.Errorf("the destination's domain (dumpxml %s) is not in its directory:\n%s", flag, x)
		}
	}

	_, portB, err := b.d.(hv.SSHEndpoint).SSHAddress(ctx, spec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if portB == portA {
		t.Errorf("SSH on the destination at the source's port %d", portA)
	}
	sb := dial(t, b.d, spec.ID, key)
	if up2 := sb.uptime(); up2 <= up {
		t.Errorf("uptime %.2f s after the move, %.2f s before", up2, up)
	}
	if got := sb.run("cat /tmp/state"); got != state {
		t.Errorf("the file in the guest's memory reads %q, want %q", got, state)
	}
	if got := sb.run("cat /tmp/ticker.pid; kill -0 $(cat /tmp/ticker.pid) && echo alive"); got != ticker+"\nalive" {
		t.Errorf("the guest's process %s after the move: %q", ticker, got)
	}
	if got := sb.run("cat /tmp/ticks"); atoi(t, got) <= atoi(t, ticks) {
		t.Errorf("the process ticked %s times before the move and %s after", ticks, got)
	}
	if got := sb.readMark(); got != "written-on-a" {
		t.Errorf("the root disk reads %q after the move", got)
	}
	consoleB, err := b.d.Console(ctx, spec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(consoleB), "Linux version"); n != 1 {
		t.Errorf("the console shows %d boots, want 1:\n%s", n, consoleB)
	}
	if !strings.HasPrefix(string(consoleB), string(consoleA)) {
		t.Errorf("the destination's console does not go on from the source's:\nsource:\n%s\ndestination:\n%s", consoleA, consoleB)
	}
	if err := countsOnward(string(consoleB), atoi(t, ticks)); err != nil {
		t.Errorf("the console's counts: %v:\n%s", err, consoleB)
	}
	st2, err := b.d.Stats(ctx, spec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st2.CPUTime < st1.CPUTime || st2.DiskReadBytes < st1.DiskReadBytes || st2.DiskWriteBytes < st1.DiskWriteBytes {
		t.Errorf("counters went backwards: %+v before the move, %+v after", st1, st2)
	}
	t.Logf("counters before the move %v CPU, %d B read, %d B written; after %v, %d, %d",
		st1.CPUTime, st1.DiskReadBytes, st1.DiskWriteBytes, st2.CPUTime, st2.DiskReadBytes, st2.DiskWriteBytes)
	fwdB, err := b.d.(hv.PortForwarder).ForwardPort(ctx, spec.ID, 0, 7000)
	if err != nil {
		t.Fatal(err)
	}
	answers(t, fwdB, "pong")

	if n := len(a.events.Events(spec.ID)); n != eventsA {
		t.Errorf("the source reported %v for the move", a.events.Events(spec.ID)[eventsA:])
	}
	if ev := b.events.Events(spec.ID); len(ev) != 0 {
		t.Errorf("the destination reported %v for the move", ev)
	}
	// the destination's driver has it: a stop is reported there
	if err := b.d.Stop(ctx, spec.ID, true); err != nil {
		t.Fatal(err)
	}
	hvtest.WaitFor(t, b.events, nil, spec.ID, hv.StateStopped, time.Minute)
	if n := len(a.events.Events(spec.ID)); n != eventsA {
		t.Errorf("the source reported %v", a.events.Events(spec.ID)[eventsA:])
	}
}

// countsOnward checks the "tick N" lines of a console: 1, 2, 3... with
// none missing or repeated, past beyond.
func countsOnward(console string, beyond int) error {
	n := 0
	for _, line := range strings.Split(console, "\n") {
		v, ok := strings.CutPrefix(strings.TrimSpace(line), "tick ")
		if !ok {
			continue
		}
		if v != strconv.Itoa(n+1) {
			return fmt.Errorf("tick %s after tick %d", v, n)
		}
		n++
	}
	if n <= beyond {
		return fmt.Errorf("the last count is %d, the guest had counted %d before the move", n, beyond)
	}
	return nil
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}

// A stopped guest moves with its files: defined stopped on the other
// host, gone from this one, no state reported; started there it boots
// from the same root disk.
func TestMoveStopped(t *testing.T) {
	uris := testhosts.Hosts(t, 2)
	h := harness(t, uris[0])
	ctx := context.Background()
	dir := t.TempDir() // one daemon's drivers
	a := openHost(t, uris[0], dir)
	b := openHost(t, uris[1], dir)
	key := newGuestKey(t)
	spec := h.Spec("i-00000000000000a72", 1)
	spec.SSHPublicKey = key.authorized
	if err := a.d.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if err := a.d.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	hvtest.WaitFor(t, a.events, nil, spec.ID, hv.StateRunning, 5*time.Minute)
	dial(t, a.d, spec.ID, key).writeMark("kept-across-hosts")
	if err := a.d.Stop(ctx, spec.ID, false); err != nil {
		t.Fatal(err)
	}
	hvtest.WaitFor(t, a.events, nil, spec.ID, hv.StateStopped, 5*time.Minute)
	st1, err := a.d.Stats(ctx, spec.ID)
	if err != nil {
		t.Fatal(err)
	}
	eventsA := len(a.events.Events(spec.ID))

	if err := a.d.(hv.Mover).Move(ctx, spec.ID, b.d); err != nil {
		t.Fatal(err)
	}
	if s := b.state(t, spec.ID); s != "shut off" {
		t.Errorf("virsh on the destination says %q, want shut off", s)
	}
	if s := a.state(t, spec.ID); s != "" {
		t.Errorf("virsh on the source says %q, want no domain", s)
	}
	if s, ok := b.listed(t, spec.ID); !ok || s != hv.StateStopped {
		t.Errorf("the destination lists it %v (%v), want stopped", s, ok)
	}
	if _, ok := a.listed(t, spec.ID); ok {
		t.Errorf("the source still lists it")
	}
	if _, err := os.Stat(libvirt.GuestDir(a.d, spec.ID)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the source kept the guest's files: %v", err)
	}
	if n := len(a.events.Events(spec.ID)); n != eventsA {
		t.Errorf("the source reported %v for the move", a.events.Events(spec.ID)[eventsA:])
	}
	if ev := b.events.Events(spec.ID); len(ev) != 0 {
		t.Errorf("the destination reported %v for the move", ev)
	}
	st2, err := b.d.Stats(ctx, spec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st2.CPUTime < st1.CPUTime || st2.DiskWriteBytes < st1.DiskWriteBytes {
		t.Errorf("counters went backwards: %+v before the move, %+v after", st1, st2)
	}

	if err := b.d.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	hvtest.WaitFor(t, b.events, nil, spec.ID, hv.StateRunning, 5*time.Minute)
	if got := dial(t, b.d, spec.ID, key).readMark(); got != "kept-across-hosts" {
		t.Errorf("the root disk reads %q on the destination", got)
	}
	console, _ := b.d.Console(ctx, spec.ID)
	if n := strings.Count(string(console), "Linux version"); n != 2 {
		t.Errorf("the console shows %d boots, want 2 (one a host)", n)
	}
}

// A host that dies (its daemon and its guests) is reported unreachable
// within seconds; its guests, whose files are on this machine, are
// evacuated to another host, defined there stopped, and start there with
// their disks. When the host comes back it is reachable again and its
// stale domains are dropped, not taken back.
func TestEvacuate(t *testing.T) {
	uris := testhosts.Hosts(t, 2)
	h := harness(t, uris[0])
	ctx := context.Background()
	dir := t.TempDir()
	a := openHost(t, uris[0], dir)
	b := openHost(t, uris[1], dir)
	key := newGuestKey(t)
	spec := h.Spec("i-00000000000000a73", 1)
	spec.SSHPublicKey = key.authorized
	idle := h.Spec("i-00000000000000a74", 1) // defined, never started
	for _, s := range []hv.GuestSpec{spec, idle} {
		if err := a.d.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.d.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	hvtest.WaitFor(t, a.events, nil, spec.ID, hv.StateRunning, 5*time.Minute)
	dial(t, a.d, spec.ID, key).writeMark("evacuated")
	if err := a.d.(hv.HealthReporter).Reachable(ctx); err != nil {
		t.Fatalf("Reachable before the host died: %v", err)
	}
	eventsA := len(a.events.Events(spec.ID))

	if err := testhosts.Kill(0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = testhosts.Restart(0) })
	t0 := time.Now()
	var err error
	for err = a.d.(hv.HealthReporter).Reachable(ctx); err == nil; err = a.d.(hv.HealthReporter).Reachable(ctx) {
		if time.Since(t0) > 10*time.Second {
			t.Fatal("the dead host is still reachable after 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(t0)
	t.Logf("unreachable %s after the host died: %v", took, err)
	if took > 5*time.Second {
		t.Errorf("the dead host was reported unreachable after %s", took)
	}
	if !errors.Is(err, hv.ErrUnavailable) {
		t.Errorf("Reachable: %v, want ErrUnavailable", err)
	}

	for _, id := range []string{spec.ID, idle.ID} {
		if err := a.d.(hv.Mover).Move(ctx, id, b.d); err != nil {
			t.Fatalf("evacuate %s: %v", id, err)
		}
		if s := b.state(t, id); s != "shut off" {
			t.Errorf("virsh on the destination says %s is %q, want shut off", id, s)
		}
		if s, ok := b.listed(t, id); !ok || s != hv.StateStopped {
			t.Errorf("the destination lists %s %v (%v), want stopped", id, s, ok)
		}
	}
	if n := len(a.events.Events(spec.ID)); n != eventsA {
		t.Errorf("the dead host's driver reported %v", a.events.Events(spec.ID)[eventsA:])
	}
	if ev := b.events.Events(""); len(ev) != 0 {
		t.Errorf("the destination reported %v for the evacuation", ev)
	}
	if err := b.d.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	hvtest.WaitFor(t, b.events, nil, spec.ID, hv.StateRunning, 5*time.Minute)
	if got := dial(t, b.d, spec.ID, key).readMark(); got != "evacuated" {
		t.Errorf("the evacuated root disk reads %q", got)
	}

	if err := testhosts.Restart(0); err != nil {
		t.Fatal(err)
	}
	t0 = time.Now()
	for err = a.d.(hv.HealthReporter).Reachable(ctx); err != nil; err = a.d.(hv.HealthReporter).Reachable(ctx) {
		if time.Since(t0) > time.Minute {
			t.Fatalf("the host is not reachable a minute after it came back: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("reachable %s after the host's daemon started again", time.Since(t0))
	for _, id := range []string{spec.ID, idle.ID} {
		deadline := time.Now().Add(time.Minute)
		for a.state(t, id) != "" {
			if time.Now().After(deadline) {
				t.Fatalf("the host that came back still has %s's stale domain (%s)", id, a.state(t, id))
			}
			time.Sleep(100 * time.Millisecond)
		}
		if _, ok := a.listed(t, id); ok {
			t.Errorf("the host that came back lists %s", id)
		}
	}
	if n := len(a.events.Events(spec.ID)); n != eventsA {
		t.Errorf("the host that came back reported %v", a.events.Events(spec.ID)[eventsA:])
	}
	if s, ok := b.listed(t, spec.ID); !ok || s != hv.StateRunning {
		t.Errorf("the evacuated guest is %v (%v) on its new host, want running", s, ok)
	}
}

// A host whose daemon dies while its guests run on is unreachable until
// the daemon starts again, then reachable, with its guests re-attached:
// still running, at the same SSH address, no state reported.
func TestReachableAcrossDaemonRestart(t *testing.T) {
	uris := testhosts.Hosts(t, 2)
	h := harness(t, uris[0])
	ctx := context.Background()
	a := openHost(t, uris[0], t.TempDir())
	key := newGuestKey(t)
	spec := h.Spec("i-00000000000000a75", 1)
	spec.SSHPublicKey = key.authorized
	if err := a.d.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if err := a.d.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	hvtest.WaitFor(t, a.events, nil, spec.ID, hv.StateRunning, 5*time.Minute)
	up := dial(t, a.d, spec.ID, key).uptime()
	r := a.d.(hv.HealthReporter)

	if err := testhosts.KillDaemon(0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = testhosts.Restart(0) })
	t0 := time.Now()
	for r.Reachable(ctx) == nil {
		if time.Since(t0) > 10*time.Second {
			t.Fatal("still reachable 10 s after its daemon died")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("unreachable %s after the daemon died: %v", time.Since(t0), r.Reachable(ctx))
	if err := testhosts.Restart(0); err != nil {
		t.Fatal(err)
	}
	t0 = time.Now()
	for r.Reachable(ctx) != nil {
		if time.Since(t0) > time.Minute {
			t.Fatalf("not reachable a minute after the daemon came back: %v", r.Reachable(ctx))
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("reachable %s after the daemon started again", time.Since(t0))
	if s, ok := (&host{d: a.d}).listed(t, spec.ID); !ok || s != hv.StateRunning {
		t.Errorf("after the daemon's restart the guest is %v (%v), want running", s, ok)
	}
	if up2 := dial(t, a.d, spec.ID, key).uptime(); up2 <= up {
		t.Errorf("uptime %.2f s, %.2f s before the daemon died: the guest restarted", up2, up)
	}
	if ev := a.events.Events(spec.ID); len(ev) != 1 {
		t.Errorf("events %v, want the start alone", ev)
	}
	// and the driver drives it on the new connection
	if err := a.d.Stop(ctx, spec.ID, true); err != nil {
		t.Fatal(err)
	}
	hvtest.WaitFor(t, a.events, nil, spec.ID, hv.StateStopped, time.Minute)
}

// The host's capacity is this machine's, as libvirt counts it.
func TestHostCapacity(t *testing.T) {
	uri := testhosts.Hosts(t, 1)[0]
	a := openHost(t, uri, t.TempDir())
	t0 := time.Now()
	vcpus, mem, err := a.d.(hv.HostInspector).HostCapacity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(t0)
	t0 = time.Now()
	const n = 1000
	for i := 0; i < n; i++ {
		if err := a.d.(hv.HealthReporter).Reachable(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("HostCapacity: %d vCPUs, %d MiB in %s; Reachable in %s", vcpus, mem, took, time.Since(t0)/n)
	if vcpus != runtime.NumCPU() {
		t.Errorf("%d vCPUs, this machine has %d", vcpus, runtime.NumCPU())
	}
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		t.Fatal(err)
	}
	var kib int
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			kib, _ = strconv.Atoi(f[1])
		}
	}
	if mem != kib>>10 {
		t.Errorf("%d MiB, /proc/meminfo says %d kB (%d MiB)", mem, kib, kib>>10)
	}
}

// Move refuses what it cannot do: another kind of driver, the same host,
// a guest it does not have.
func TestMoveRefuses(t *testing.T) {
	uris := testhosts.Hosts(t, 2)
	ctx := context.Background()
	a := openHost(t, uris[0], t.TempDir())
	b := openHost(t, uris[1], t.TempDir())
	other, err := hv.Open(ctx, sim.Name, hv.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	m := a.d.(hv.Mover)
	if err := m.Move(ctx, "i-00000000000000a76", other); !errors.Is(err, hv.ErrUnsupported) || !strings.Contains(err.Error(), "sim") {
		t.Errorf("a move to the sim driver: %v, want ErrUnsupported naming it", err)
	}
	if err := m.Move(ctx, "i-00000000000000a76", a.d); !errors.Is(err, hv.ErrInvalidState) {
		t.Errorf("a move to the same host: %v, want ErrInvalidState", err)
	}
	if err := m.Move(ctx, "i-00000000000000a76", b.d); !errors.Is(err, hv.ErrNotFound) {
		t.Errorf("a move of an unknown guest: %v, want ErrNotFound", err)
	}
}

// A guest whose NICs changed while it ran (one unplugged, one plugged in
// after) migrates with every NIC at the PCI address it had: the
// destination's QEMU is told where the running guest has them, which the
// order of its command line alone would not give.
func TestMoveLiveAfterHotPlug(t *testing.T) {
	uris := testhosts.Hosts(t, 2)
	h := harness(t, uris[0])
	ctx := context.Background()
	dir := t.TempDir()
	a := openHost(t, uris[0], dir)
	b := openHost(t, uris[1], dir)
	key := newGuestKey(t)
	spec := h.Spec("i-00000000000000a77", 3)
	spec.SSHPublicKey = key.authorized
	if err := a.d.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if err := a.d.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	hvtest.WaitFor(t, a.events, nil, spec.ID, hv.StateRunning, 5*time.Minute)
	sh := dial(t, a.d, spec.ID, key)
	const nics = `for d in /sys/class/net/eth*; do echo $(basename $(dirname $(readlink -f $d/device))) $(cat $d/address); done | sort`
	until := func(sh *shell, what string, ok func(string) bool) string {
		t.Helper()
		deadline := time.Now().Add(2 * time.Minute)
		for {
			out := sh.run(nics)
			if ok(out) {
				return out
			}
			if time.Now().After(deadline) {
				t.Fatalf("the guest never %s: %q", what, out)
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
	until(sh, "saw its 3 NICs", func(s string) bool { return strings.Count(s, "\n") == 2 })
	hp := a.d.(hv.NICHotPlugger)
	if err := hp.DetachNIC(ctx, spec.ID, spec.NICs[1].ID); err != nil {
		t.Fatal(err)
	}
	until(sh, "let go of its second NIC", func(s string) bool { return !strings.Contains(s, spec.NICs[1].MAC) })
	added := hvtest.DefaultSpec("i-00000000000000a78", 2).NICs[1]
	added.ID, added.MAC = "eni-0000000000000a781", "0a:00:00:00:a7:81"
	if err := hp.AttachNIC(ctx, spec.ID, added); err != nil {
		t.Fatal(err)
	}
	before := until(sh, "saw the NIC plugged in", func(s string) bool { return strings.Contains(s, added.MAC) })
	slots := a.nicSlots(t, spec.ID)
	t.Logf("the guest's NICs by PCI address before the move:\n%s\nQEMU's devices by slot: %v", before, slots)

	if err := a.d.(hv.Mover).Move(ctx, spec.ID, b.d); err != nil {
		t.Fatal(err)
	}
	// the guest's own view comes with the migration; QEMU's devices, each
	// on its NIC's network, must be where they were
	if got := b.nicSlots(t, spec.ID); fmt.Sprint(got) != fmt.Sprint(slots) {
		t.Errorf("QEMU's devices by slot after the move: %v, before %v", got, slots)
	}
	if after := dial(t, b.d, spec.ID, key).run(nics); after != before {
		t.Errorf("the guest's NICs by PCI address after the move:\n%s\nbefore:\n%s", after, before)
	}
}

// nicSlots are the PCI slots of guest id's QEMU devices whose IDs start
// with "d" (the NICs), by device ID, as QEMU reports them (query-pci).
func (h *host) nicSlots(t *testing.T, id string) map[string]int {
	t.Helper()
	out, err := exec.Command("virsh", "-c", h.uri, "qemu-monitor-command", libvirt.DomainName(h.d, id), `{"execute":"query-pci"}`).Output()
	if err != nil {
		t.Fatalf("query-pci: %v", err)
	}
	var r struct {
		Return []struct {
			Devices []struct {
				Slot int    `json:"slot"`
				ID   string `json:"qdev_id"`
			} `json:"devices"`
		} `json:"return"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("query-pci: %v: %s", err, out)
	}
	slots := map[string]int{}
	for _, bus := range r.Return {
		for _, dev := range bus.Devices {
			if strings.HasPrefix(dev.ID, "d") {
				slots[dev.ID] = dev.Slot
			}
		}
	}
	return slots
}

// A live migration that fails (here: cancelled while the guest's memory
// crawls over at 1 MiB/s) leaves the guest running where it was, with
// its SSH port, and nothing on the destination: no domain, no files, not
// listed; no state is reported.
func TestMoveLiveFails(t *testing.T) {
	uris := testhosts.Hosts(t, 2)
	h := harness(t, uris[0])
	ctx := context.Background()
	dir := t.TempDir()
	a := openHost(t, uris[0], dir)
	b := openHost(t, uris[1], dir)
	key := newGuestKey(t)
	spec := h.Spec("i-00000000000000a79", 1)
	spec.SSHPublicKey = key.authorized
	if err := a.d.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if err := a.d.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	hvtest.WaitFor(t, a.events, nil, spec.ID, hv.StateRunning, 5*time.Minute)
	up := dial(t, a.d, spec.ID, key).uptime()
	_, port, _ := a.d.(hv.SSHEndpoint).SSHAddress(ctx, spec.ID)
	if out, err := exec.Command("virsh", "-c", a.uri, "migrate-setspeed", libvirt.DomainName(a.d, spec.ID), "1").CombinedOutput(); err != nil {
		t.Fatalf("virsh migrate-setspeed: %v: %s", err, out)
	}
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	err := a.d.(hv.Mover).Move(cctx, spec.ID, b.d)
	t.Logf("the cancelled move: %v", err)
	if err == nil {
		t.Fatal("a migration cancelled at 1 MiB/s succeeded")
	}
	if s := a.state(t, spec.ID); s != "running" {
		t.Errorf("virsh on the source says %q, want running", s)
	}
	if s, ok := a.listed(t, spec.ID); !ok || s != hv.StateRunning {
		t.Errorf("the source lists it %v (%v), want running", s, ok)
	}
	if s := b.state(t, spec.ID); s != "" {
		t.Errorf("virsh on the destination says %q, want no domain", s)
	}
	if _, ok := b.listed(t, spec.ID); ok {
		t.Errorf("the destination lists it")
	}
	if _, err := os.Stat(libvirt.GuestDir(b.d, spec.ID)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the destination kept files: %v", err)
	}
	if _, p, err := a.d.(hv.SSHEndpoint).SSHAddress(ctx, spec.ID); err != nil || p != port {
		t.Errorf("SSH at port %d (%v), before at %d", p, err, port)
	}
	if up2 := dial(t, a.d, spec.ID, key).uptime(); up2 <= up {
		t.Errorf("uptime %.2f s after the failed move, %.2f s before", up2, up)
	}
	if ev := a.events.Events(spec.ID); len(ev) != 1 {
		t.Errorf("the source's events %v, want the start alone", ev)
	}
	if ev := b.events.Events(""); len(ev) != 0 {
		t.Errorf("the destination reported %v", ev)
	}
}
