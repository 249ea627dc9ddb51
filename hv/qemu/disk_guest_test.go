package qemu_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/hvtest"
	"github.com/ec2x/ec2x/hv/qemu"
	"golang.org/x/crypto/ssh"
)

// guestShell runs commands in a guest as root over SSH.
type guestShell struct {
	t      *testing.T
	d      hv.Driver
	id     string
	signer ssh.Signer
	client *ssh.Client
}

// dial connects to the guest's SSH server, retrying while it boots.
func (g *guestShell) dial() {
	g.t.Helper()
	if g.client != nil {
		g.client.Close()
	}
	host, port, err := g.d.(hv.SSHEndpoint).SSHAddress(context.Background(), g.id)
	if err != nil {
		g.t.Fatal(err)
	}
	cfg := &ssh.ClientConfig{User: "root", Auth: []ssh.AuthMethod{ssh.PublicKeys(g.signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
		// dropbear hangs up on a long list of host key types
		HostKeyAlgorithms: []string{ssh.KeyAlgoED25519}}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		g.client, err = ssh.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(port)), cfg)
		if err == nil {
			g.t.Cleanup(func() { g.client.Close() })
			return
		}
		if time.Now().After(deadline) {
			out, _ := g.d.Console(context.Background(), g.id)
			g.t.Fatalf("no SSH into %s: %v; console:\n%s", g.id, err, out)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// run runs a shell command in the guest and returns its output.
func (g *guestShell) run(cmd string) string {
	g.t.Helper()
	s, err := g.client.NewSession()
	if err != nil {
		g.t.Fatal(err)
	}
	defer s.Close()
	out, err := s.CombinedOutput(cmd)
	if err != nil {
		g.t.Fatalf("in the guest, %s: %v: %s", cmd, err, out)
	}
	return strings.TrimSpace(string(out))
}

// until polls the guest's answer to cmd until ok holds, and returns it.
func (g *guestShell) until(what, cmd string, ok func(string) bool) string {
	g.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		out := g.run(cmd)
		if ok(out) {
			return out
		}
		if time.Now().After(deadline) {
			g.t.Fatalf("the guest never %s: %s says %q", what, cmd, out)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// blockBySerial lists the guest's virtio disks whose serial is serial,
// with their sizes in 512-byte sectors ("vdc 2097152"), from sysfs.
func blockBySerial(serial string) string {
	return fmt.Sprintf(`for d in /sys/block/vd*; do [ "$(cat $d/serial 2>/dev/null)" = %q ] && echo ${d##*/} $(cat $d/size); done; true`, serial)
}

// A volume hot-plugged into a running guest appears there as a new disk
// with the volume's serial, takes writes, is snapshotted while attached
// (the snapshot holds what was written before it, not what came after),
// grows while attached (the guest's kernel sees the new size), goes away
// when detached and comes back with its data when attached again, and
// stays through a hibernation. The root disk's snapshot, taken while the
// guest runs, holds what the guest wrote there and stands alone.
func TestDiskHotPlugRealGuest(t *testing.T) {
	h := harness(t)
	dir := t.TempDir()
	events := hvtest.NewRecorder()
	ctx := context.Background()
	d, err := hv.Open(ctx, qemu.Name, hv.Options{Dir: dir, Notify: events.Notify})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { killGuests(dir) })
	defer d.Close(ctx)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := ssh.NewSignerFromKey(priv)
	sshPub, _ := ssh.NewPublicKey(pub)
	s := h.Spec("i-00000000000000d02", 1)
	s.SSHPublicKey = strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub)))
	if err := d.Create(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := d.Start(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	hvtest.WaitFor(t, events, nil, s.ID, hv.StateRunning, time.Minute)
	g := &guestShell{t: t, d: d, id: s.ID, signer: signer}
	g.dial()
	da, snap := d.(hv.DiskAttacher), d.(hv.DiskSnapshotter)

	vol := hv.Disk{VolumeID: "vol-0000000000000d0e1", Path: newVolume(t, "vol", 1)}
	const serial = "vol0000000000000d0e1" // EC2's NVMe serial: the ID without its dash
	if err := da.AttachDisk(ctx, s.ID, vol); err != nil {
		t.Fatal(err)
	}
	found := g.until("saw the volume", blockBySerial(serial), func(out string) bool { return out != "" })
	dev, size, _ := strings.Cut(found, " ")
	t.Logf("hot-plugged %s appears in the guest as /dev/%s", vol.VolumeID, dev)
	if size != strconv.Itoa(1<<30/512) {
		t.Errorf("the guest sees %s of %s sectors, want 1 GiB", dev, size)
	}
	if ro := g.run("cat /sys/block/" + dev + "/ro"); ro != "0" {
		t.Errorf("the guest sees %s read-only (%s)", dev, ro)
	}
	if err := da.AttachDisk(ctx, s.ID, vol); !errors.Is(err, hv.ErrDiskAttached) {
		t.Errorf("a second AttachDisk: %v, want ErrDiskAttached", err)
	}

	// a volume's traffic is its own (EC2 gives volumes metrics of their
	// own), not the instance's disk counters
	st0, err := d.Stats(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	g.run("dd if=/dev/zero of=/dev/" + dev + " bs=1M seek=8 count=4 conv=notrunc 2>/dev/null && sync")
	if st1, err := d.Stats(ctx, s.ID); err != nil || st1.DiskWriteBytes-st0.DiskWriteBytes >= 4<<20 {
		t.Errorf("4 MiB written to the volume raised the instance's disk writes from %d to %d (%v)", st0.DiskWriteBytes, st1.DiskWriteBytes, err)
	}

	// write, snapshot, overwrite: the snapshot keeps the first write
	const off = 3 << 20
	write := func(dev, text string) {
		t.Helper()
		g.run(fmt.Sprintf("printf %%s %q | dd of=/dev/%s bs=1M seek=%d conv=notrunc 2>/dev/null && sync", text, dev, off>>20))
	}
	read := func(dev string, n int) string {
		t.Helper()
		return g.run(fmt.Sprintf("dd if=/dev/%s bs=1M skip=%d count=1 2>/dev/null | head -c %d", dev, off>>20, n))
	}
	before, after := "written before the snapshot", "written after the snapshot!"
	write(dev, before)
	volSnap := filepath.Join(t.TempDir(), "snap", "vol.qcow2")
	if err := snap.SnapshotDisk(ctx, s.ID, vol.VolumeID, volSnap); err != nil {
		t.Fatal(err)
	}
	write(dev, after)
	if got := read(dev, len(after)); got != after {
		t.Fatalf("the guest reads back %q, wrote %q", got, after)
	}

	// the root disk (the one without a serial) while the guest runs
	root := g.run(`for d in /sys/block/vd*; do [ -z "$(cat $d/serial 2>/dev/null)" ] && [ "$(cat $d/size)" = 2097152 ] && echo ${d##*/}; done; true`)
	if root == "" || strings.Contains(root, "\n") {
		t.Fatalf("cannot tell the guest's root disk: %q", root)
	}
	t.Logf("the guest's root disk is /dev/%s", root)
	onRoot := "a file on the first guest's root"
	write(root, onRoot)
	rootSnap := filepath.Join(t.TempDir(), "root.qcow2")
	if err := snap.SnapshotRoot(ctx, s.ID, rootSnap); err != nil {
		t.Fatal(err)
	}

	// grow while attached
	if err := da.ResizeDisk(ctx, s.ID, vol.VolumeID, 2); err != nil {
		t.Fatal(err)
	}
	g.until("saw the volume grow to 2 GiB", "cat /sys/block/"+dev+"/size", func(out string) bool { return out == strconv.Itoa(2<<30/512) })
	if err := da.ResizeDisk(ctx, s.ID, vol.VolumeID, 1); !errors.Is(err, hv.ErrDiskShrink) {
		t.Errorf("shrinking an attached volume: %v, want ErrDiskShrink", err)
	}

	// detach, attach again: the data and the new size stay
	if err := da.DetachDisk(ctx, s.ID, vol.VolumeID); err != nil {
		t.Fatal(err)
	}
	g.until("let go of the volume", blockBySerial(serial), func(out string) bool { return out == "" })
	if err := da.AttachDisk(ctx, s.ID, vol); err != nil {
		t.Fatal(err)
	}
	found = g.until("saw the volume again", blockBySerial(serial), func(out string) bool { return out != "" })
	dev, size, _ = strings.Cut(found, " ")
	if got := read(dev, len(after)); got != after || size != strconv.Itoa(2<<30/512) {
		t.Errorf("attached again, %s holds %q in %s sectors; want %q in 2 GiB", dev, got, size, after)
	}

	// a hibernated guest resumes with the hot-plugged volume in place
	if err := d.(hv.Hibernator).Hibernate(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	hvtest.WaitFor(t, events, nil, s.ID, hv.StateStopped, 5*time.Minute)
	if err := da.DetachDisk(ctx, s.ID, vol.VolumeID); !errors.Is(err, hv.ErrInvalidState) {
		t.Errorf("DetachDisk from a hibernated guest: %v, want ErrInvalidState", err)
	}
	if err := d.Start(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	hvtest.WaitFor(t, events, nil, s.ID, hv.StateRunning, time.Minute)
	g.dial()
	if got := g.run(blockBySerial(serial)); got != found {
		t.Errorf("after resuming the guest sees %q, want %q", got, found)
	}
	if got := read(dev, len(after)); got != after {
		t.Errorf("after resuming %s holds %q, want %q", dev, got, after)
	}
	if boots := strings.Count(string(console(t, d, s.ID)), "Linux version"); boots != 1 {
		t.Errorf("the console shows %d kernel starts: the guest booted instead of resuming", boots)
	}
	if err := da.DetachDisk(ctx, s.ID, vol.VolumeID); err != nil {
		t.Fatal(err)
	}
	g.until("let go of the volume after resuming", blockBySerial(serial), func(out string) bool { return out == "" })

	// on the host: the snapshots stand alone and hold what they should
	standalone(t, volSnap, 1<<30)
	if got := diskAt(t, volSnap, off, len(after)); !bytes.HasPrefix(got, []byte(before)) {
		t.Errorf("the snapshot holds %q, want %q (written before it)", got, before)
	}
	if got := diskAt(t, vol.Path, off, len(after)); string(got) != after {
		t.Errorf("the volume holds %q, want %q", got, after)
	}
	standalone(t, vol.Path, 2<<30)
	standalone(t, rootSnap, 1<<30)
	if got := diskAt(t, rootSnap, off, len(onRoot)); string(got) != onRoot {
		t.Errorf("the root snapshot holds %q, want %q", got, onRoot)
	}
}

func console(t *testing.T, d hv.Driver, id string) []byte {
	t.Helper()
	out, err := d.Console(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
