package qemu_test

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/diskfile"
	"github.com/ec2x/ec2x/hv/hvtest"
	"github.com/ec2x/ec2x/hv/qemu"
)

// TestMain runs the package's guests under TCG unless told otherwise:
// every driver opened here would probe KVM afresh (3 s where KVM hangs),
// and accel_test.go tests the probe itself.
func TestMain(m *testing.M) {
	if os.Getenv("EC2X_QEMU_ACCEL") == "" {
		os.Setenv("EC2X_QEMU_ACCEL", "tcg")
	}
	os.Exit(m.Run())
}

// skip skips the test, saying why, unless EC2X_REQUIRE_QEMU is set (CI
// installs QEMU and builds the image, so there nothing may skip).
func skip(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("EC2X_REQUIRE_QEMU") != "" {
		t.Fatalf("EC2X_REQUIRE_QEMU is set but %s", why)
	}
	t.Skip(why)
}

// testImage is the test image (hvtest.TestImage); the tests skip, saying
// why, without QEMU or the image.
func testImage(t *testing.T) hv.Image {
	t.Helper()
	if _, err := exec.LookPath("qemu-system-x86_64"); err != nil {
		skip(t, "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86 qemu-utils)")
	}
	return hvtest.TestImage(t, func(why string) { skip(t, why) })
}

func harness(t *testing.T) hvtest.Harness {
	img := testImage(t)
	return hvtest.Harness{
		RealTime: true,
		Open: func(t *testing.T, opts hv.Options) hv.Driver {
			d, err := hv.Open(context.Background(), qemu.Name, opts)
			if err != nil {
				t.Fatal(err)
			}
			// Guests outlive their driver by design; a test's must not.
			t.Cleanup(func() { killGuests(opts.Dir) })
			return d
		},
		DiskFile: func(t *testing.T, volumeID string, sizeGiB int) string {
			p := filepath.Join(t.TempDir(), volumeID+".qcow2")
			if err := diskfile.Create(context.Background(), p, sizeGiB, ""); err != nil {
				t.Fatal(err)
			}
			return p
		},
		Spec: hvtest.SmallSpec(img),
	}
}

func TestConformance(t *testing.T) { hvtest.Run(t, harness(t)) }

// The system log returns the last 64 KiB of the serial console file, as
// EC2 keeps, and works for a guest that never ran.
func TestConsoleKeepsLast64KiB(t *testing.T) {
	if _, err := exec.LookPath("qemu-img"); err != nil {
		skip(t, "qemu-img is not installed (apt-get install qemu-utils)")
	}
	if _, err := exec.LookPath("qemu-system-x86_64"); err != nil {
		skip(t, "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)")
	}
	dir := t.TempDir()
	d, err := hv.Open(context.Background(), qemu.Name, hv.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(context.Background())
	s := hvtest.DefaultSpec("i-00000000000000c01", 1)
	s.Image.Kernel = "/nonexistent/vmlinuz" // never booted here
	if err := d.Create(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	out, err := d.Console(context.Background(), s.ID)
	if err != nil || len(out) != 0 {
		t.Fatalf("console of a new guest: %q, %v", out, err)
	}
	var log []byte
	for i := 0; len(log) < 100<<10; i++ {
		log = append(log, []byte("[    1.000000] line "+strconv.Itoa(i)+"\n")...)
	}
	if err := os.WriteFile(filepath.Join(dir, "qemu", s.ID, "console.log"), log, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = d.Console(context.Background(), s.ID)
	if err != nil || len(out) != 64<<10 || string(out) != string(log[len(log)-64<<10:]) {
		t.Fatalf("console is %d bytes (%v), want the last 65536", len(out), err)
	}
}

// killGuests ends every QEMU process under a driver directory.
func killGuests(dir string) {
	pids, _ := filepath.Glob(filepath.Join(dir, "qemu", "*", "qemu.pid"))
	for _, f := range pids {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// A guest's traffic is counted on its NIC, in both directions, stays
// counted when QEMU's dump files are emptied (here at 512 bytes, so every
// few connections) and when the guest stops, and the files stay small.
func TestNetworkCountersSurviveRotationAndStop(t *testing.T) {
	h := harness(t)
	dir := t.TempDir()
	events := make(chan hv.Event, 64)
	ctx := context.Background()
	d, err := hv.Open(ctx, qemu.Name, hv.Options{Dir: dir, Notify: func(e hv.Event) { events <- e }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { killGuests(dir) })
	defer d.Close(ctx)
	qemu.SetDumpRotation(d, 512)
	s := h.Spec("i-00000000000000e70", 1)
	if err := d.Create(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := d.Start(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		out, _ := d.Console(ctx, s.ID)
		if strings.Contains(string(out), "ec2x-init: eth0") && strings.Contains(string(out), "Cloud-init v.") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the guest did not configure eth0 and finish booting:\n%s", out)
		}
		time.Sleep(200 * time.Millisecond)
	}
	addr, err := d.(hv.PortForwarder).ForwardPort(ctx, s.ID, 0, 22)
	if err != nil {
		t.Fatal(err)
	}
	stats := func() hv.Stats {
		t.Helper()
		st, err := d.Stats(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	first := stats()
	if first.NetRxBytes == 0 || first.NetTxBytes == 0 {
		t.Fatalf("after DHCP the counters are %d bytes in, %d out", first.NetRxBytes, first.NetTxBytes)
	}
	prev := first
	const conns = 50
	for i := 0; i < conns; i++ {
		c, err := net.DialTimeout("tcp", addr, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		_ = c.SetDeadline(time.Now().Add(30 * time.Second))
		banner, err := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if err != nil || !strings.HasPrefix(banner, "SSH-2.0-") {
			t.Fatalf("connection %d: banner %q, %v", i, banner, err)
		}
		cur := stats()
		if cur.NetRxBytes < prev.NetRxBytes || cur.NetTxBytes < prev.NetTxBytes {
			t.Fatalf("counters went backwards: %d/%d then %d/%d", prev.NetRxBytes, prev.NetTxBytes, cur.NetRxBytes, cur.NetTxBytes)
		}
		prev = cur
	}
	// each connection sent at least its banner in a frame of its own
	// (Ethernet, IP and TCP headers: 54 bytes) and received a SYN
	if got := prev.NetTxBytes - first.NetTxBytes; got < uint64(conns*(54+len("SSH-2.0-dropbear\r\n"))) {
		t.Errorf("%d connections counted only %d bytes out of the guest", conns, got)
	}
	if got := prev.NetRxBytes - first.NetRxBytes; got < conns*54 {
		t.Errorf("%d connections counted only %d bytes into the guest", conns, got)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "qemu", s.ID, "n*.pcap"))
	if len(files) != 2 {
		t.Fatalf("dump files %v, want one per direction", files)
	}
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > 2048 {
			t.Errorf("%s is %d bytes: not emptied at 512", f, fi.Size())
		}
	}

	if err := d.Stop(ctx, s.ID, true); err != nil {
		t.Fatal(err)
	}
	for stopped := false; !stopped; {
		select {
		case e := <-events:
			stopped = e.ID == s.ID && e.State == hv.StateStopped
		case <-time.After(time.Minute):
			t.Fatal("no stopped event a minute after a forced stop")
		}
	}
	stopped := stats()
	if stopped.NetRxBytes < prev.NetRxBytes || stopped.NetTxBytes < prev.NetTxBytes {
		t.Errorf("stop lost traffic: %d/%d, then %d/%d", prev.NetRxBytes, prev.NetTxBytes, stopped.NetRxBytes, stopped.NetTxBytes)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "qemu", s.ID, "n*.pcap")); len(files) != 0 {
		t.Errorf("dump files left after stop: %v", files)
	}
}
