package libvirt_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/hvtest"
	"github.com/ec2x/ec2x/hv/libvirt"
	"github.com/ec2x/ec2x/hv/libvirt/testhosts"
)

// TestMain runs the package's guests under TCG unless told otherwise, as
// hv/qemu's do: every driver opened would probe KVM afresh (3 s where it
// hangs); TestAccelProbe tests the probe itself.
func TestMain(m *testing.M) {
	if os.Getenv("EC2X_QEMU_ACCEL") == "" {
		os.Setenv("EC2X_QEMU_ACCEL", "tcg")
	}
	os.Exit(testhosts.After(m).Run())
}

// open opens a driver on the host at uri whose guests are purged when the
// test ends.
func open(t *testing.T, uri string, opts hv.Options) hv.Driver {
	t.Helper()
	opts.URI = uri
	d, err := hv.Open(context.Background(), libvirt.Name, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := libvirt.Purge(d); err != nil {
			t.Errorf("purge the guests of %s: %v", uri, err)
		}
	})
	return d
}

func harness(t testing.TB, uri string) hvtest.Harness {
	img := hvtest.TestImage(t, func(why string) {
		if os.Getenv(testhosts.Required) != "" {
			t.Fatalf("%s is set but %s", testhosts.Required, why)
		}
		t.Skip(why)
	})
	return hvtest.Harness{
		RealTime: true,
		Open:     func(t *testing.T, opts hv.Options) hv.Driver { return open(t, uri, opts) },
		Spec:     hvtest.SmallSpec(img),
	}
}

// The conformance suite against one libvirt host.
func TestConformance(t *testing.T) {
	uri := testhosts.Hosts(t, 1)[0]
	hvtest.Run(t, harness(t, uri))
}

// A guest defined on one host is that host's alone: the other host's
// driver does not list it, and virsh on each host agrees.
func TestHostsAreIndependent(t *testing.T) {
	uris := testhosts.Hosts(t, 2)
	h := harness(t, uris[0])
	ctx := context.Background()
	dir := t.TempDir() // one directory: the drivers differ only by host
	a := open(t, uris[0], hv.Options{Dir: dir})
	b := open(t, uris[1], hv.Options{Dir: dir})
	defer a.Close(ctx)
	defer b.Close(ctx)
	spec := h.Spec("i-0000000000000a001", 1)
	if err := a.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	listed := func(d hv.Driver) bool {
		list, err := d.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range list {
			if g.ID == spec.ID {
				return true
			}
		}
		return false
	}
	if !listed(a) {
		t.Errorf("the host it was defined on does not list %s", spec.ID)
	}
	if listed(b) {
		t.Errorf("the other host lists %s", spec.ID)
	}
	if _, err := b.Console(ctx, spec.ID); err == nil {
		t.Errorf("the other host's driver has a console for %s", spec.ID)
	}
	name := libvirt.DomainName(a, spec.ID)
	for i, uri := range uris {
		err := exec.Command("virsh", "-c", uri, "dominfo", name).Run()
		if (err == nil) != (i == 0) {
			t.Errorf("virsh -c %s dominfo %s: %v", uri, name, err)
		}
	}
	// the same ID on the other host is another guest
	if err := b.Create(ctx, spec); err != nil {
		t.Errorf("Create of the same ID on the other host: %v", err)
	}
}

// The probe passes where guests surely run (TCG) and chooses an
// accelerator that runs this test's guest to the end of its boot.
func TestAccelProbe(t *testing.T) {
	uri := testhosts.Hosts(t, 1)[0]
	h := harness(t, uri)
	t.Setenv("EC2X_QEMU_ACCEL", "")
	e := h.NewEnv(t)
	if err := libvirt.Probe(e.Driver, "qemu"); err != nil {
		t.Fatalf("the probe under TCG: %v", err)
	}
	a := e.Driver.(hv.Accelerated).Accel()
	t.Logf("the host's guests run on %s", a)
	spec := e.Running(1)
	e.Eventually("the guest on "+a+" finishes booting", func() bool { return strings.Contains(e.Console(spec.ID), "Cloud-init v.") })
}

// The domains are the truth: a driver opened again on the same directory
// and host (a daemon restarted) finds the running guest, its SSH port,
// its counters, and can stop it; a guest defined but stopped is found
// stopped.
func TestReattachAfterRestart(t *testing.T) {
	uri := testhosts.Hosts(t, 1)[0]
	h := harness(t, uri)
	ctx := context.Background()
	dir := t.TempDir()
	first := h.NewEnvIn(t, dir)
	spec := first.Running(1)
	stopped := first.Create(2)
	first.Eventually("the guest finishes booting", func() bool { return strings.Contains(first.Console(spec.ID), "Cloud-init v.") })
	host, port, err := first.Driver.(hv.SSHEndpoint).SSHAddress(ctx, spec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Driver.Close(ctx); err != nil {
		t.Fatal(err)
	}

	second := h.NewEnvIn(t, dir)
	if s, ok := second.State(spec.ID); !ok || s != hv.StateRunning {
		t.Errorf("after a restart List says %v (listed %v), want running", s, ok)
	}
	if s, ok := second.State(stopped.ID); !ok || s != hv.StateStopped {
		t.Errorf("after a restart the stopped guest is %v (listed %v)", s, ok)
	}
	h2, p2, err := second.Driver.(hv.SSHEndpoint).SSHAddress(ctx, spec.ID)
	if err != nil || h2 != host || p2 != port {
		t.Errorf("SSH after a restart at %s:%d (%v), before at %s:%d", h2, p2, err, host, port)
	}
	if banner := sshBanner(t, fmt.Sprintf("%s:%d", h2, p2)); !strings.HasPrefix(banner, "SSH-2.0-") {
		t.Errorf("the re-attached guest's SSH port answers %q", banner)
	}
	if st, err := second.Driver.Stats(ctx, spec.ID); err != nil || st.CPUTime <= 0 {
		t.Errorf("the re-attached guest's stats: %+v, %v", st, err)
	}
	if err := second.Driver.Stop(ctx, spec.ID, false); err != nil {
		t.Fatal(err)
	}
	second.WaitFor(spec.ID, hv.StateStopped)
}

// sshBanner is the first line a TCP server at addr sends.
func sshBanner(t *testing.T, addr string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	line, _ := bufio.NewReader(c).ReadString('\n')
	return line
}
