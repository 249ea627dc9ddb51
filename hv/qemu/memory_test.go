package qemu_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/qemu"
)

// fillScript fills 96 MiB of the guest's tmpfs when the host first
// connects to port 7000 and frees it at the second connection; each
// connection hears a word once the guest listens.
const fillScript = `#!/bin/sh
echo fill | nc -l -p 7000
dd if=/dev/zero of=/tmp/fill bs=1M count=96
echo "ec2x-test: filled"
echo free | nc -l -p 7000
rm /tmp/fill
echo "ec2x-test: freed"
`

// The memory a guest uses is what its kernel says (the balloon device's
// statistics), not what QEMU holds: 96 MiB written to the guest's tmpfs
// show, and when the guest deletes them the figure drops back, though
// QEMU's resident set keeps the pages it touched. Before the guest reports,
// and never, the figure is 0 (no datapoint), not QEMU's size.
func TestMemoryUsedIsWhatTheGuestUses(t *testing.T) {
	h := harness(t)
	dir := t.TempDir()
	ctx := context.Background()
	d, err := hv.Open(ctx, qemu.Name, hv.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { killGuests(dir) })
	defer d.Close(ctx)
	s := h.Spec("i-00000000000000e72", 1)
	s.UserData = []byte(fillScript)
	if err := d.Create(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := d.Start(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	used := func() int {
		t.Helper()
		st, err := d.Stats(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st.MemoryUsedMiB < 0 || st.MemoryUsedMiB > s.MemoryMiB {
			t.Fatalf("memory used %d MiB of a %d MiB guest", st.MemoryUsedMiB, s.MemoryMiB)
		}
		return st.MemoryUsedMiB
	}
	// until waits (bounded, as a failure guard) for the figure to satisfy ok.
	until := func(what string, ok func(int) bool) int {
		t.Helper()
		deadline := time.Now().Add(3 * time.Minute)
		for {
			if m := used(); ok(m) {
				return m
			}
			if time.Now().After(deadline) {
				out, _ := d.Console(ctx, s.ID)
				t.Fatalf("memory used is %d MiB, never %s; console:\n%s", used(), what, out)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	base := until("reported", func(m int) bool { return m > 0 })
	if rss := qemuRSSMiB(t, dir, s.ID); base >= rss {
		t.Errorf("the booted guest uses %d MiB, QEMU holds %d MiB: not the guest's own figure", base, rss)
	}
	poke(t, d, s.ID, "fill")
	full := until(fmt.Sprintf("%d MiB or more after 96 MiB were filled", base+90), func(m int) bool { return m >= base+90 })
	rssFull := qemuRSSMiB(t, dir, s.ID)
	if full >= rssFull {
		t.Errorf("the filled guest uses %d MiB, QEMU holds %d MiB", full, rssFull)
	}
	poke(t, d, s.ID, "free")
	freed := until(fmt.Sprintf("%d MiB or less after they were freed", base+30), func(m int) bool { return m <= base+30 })
	t.Logf("guest memory used: %d MiB booted, %d filled, %d freed; QEMU's RSS %d MiB filled, %d now",
		base, full, freed, rssFull, qemuRSSMiB(t, dir, s.ID))
}

// poke connects to the guest's port 7000 until the guest listens there and
// says want.
func poke(t *testing.T, d hv.Driver, id, want string) {
	t.Helper()
	addr, err := d.(hv.PortForwarder).ForwardPort(context.Background(), id, 0, 7000)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		c, err := net.DialTimeout("tcp", addr, 10*time.Second)
		if err == nil {
			_ = c.SetDeadline(time.Now().Add(30 * time.Second))
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.TrimSpace(line) == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the guest never said %q on port 7000 (last: %v)", want, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// qemuRSSMiB is the resident set of a guest's QEMU process.
func qemuRSSMiB(t *testing.T, dir, id string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "qemu", id, "qemu.pid"))
	if err != nil {
		t.Fatal(err)
	}
	status, err := os.ReadFile("/proc/" + strings.TrimSpace(string(b)) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err != nil {
				t.Fatal(err)
			}
			return kb / 1024
		}
	}
	t.Fatalf("no VmRSS in %s", status)
	return 0
}
