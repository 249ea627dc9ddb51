package libvirt_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/hvtest"
	"github.com/ec2x/ec2x/hv/libvirt"
	"github.com/ec2x/ec2x/hv/libvirt/testhosts"
	"github.com/ec2x/ec2x/hv/qemu"
)

// BenchmarkLaunch: from Create to the running event, and to the guest's
// SSH banner, of the test image (1 vCPU, 256 MiB) through a libvirt test
// host and through the qemu driver, on this machine, one guest at a time
// (TCG guests share the CPUs). Each guest is destroyed outside the timing.
//
//	go test -run '^$' -bench Launch -benchtime 5x ./hv/libvirt/
func BenchmarkLaunch(b *testing.B) {
	for _, name := range []string{qemu.Name, libvirt.Name} {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			rec := hvtest.NewRecorder()
			opts := hv.Options{Dir: b.TempDir(), Notify: rec.Notify}
			if name == libvirt.Name {
				opts.URI = testhosts.Hosts(b, 1)[0]
			}
			h := harness(b, opts.URI)
			d, err := hv.Open(ctx, name, opts)
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close(ctx)
			var toRunning, toSSH time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				spec := h.Spec(fmt.Sprintf("i-%017x", 0xbe000+i), 1)
				t0 := time.Now()
				if err := d.Create(ctx, spec); err != nil {
					b.Fatal(err)
				}
				if err := d.Start(ctx, spec.ID); err != nil {
					b.Fatal(err)
				}
				hvtest.WaitFor(b, rec, nil, spec.ID, hv.StateRunning, 5*time.Minute)
				toRunning += time.Since(t0)
				host, port, err := d.(hv.SSHEndpoint).SSHAddress(ctx, spec.ID)
				if err != nil {
					b.Fatal(err)
				}
				if err := waitBanner(fmt.Sprintf("%s:%d", host, port), 5*time.Minute); err != nil {
					b.Fatal(err)
				}
				toSSH += time.Since(t0)
				b.StopTimer()
				if err := d.Destroy(ctx, spec.ID); err != nil {
					b.Fatal(err)
				}
				hvtest.WaitFor(b, rec, nil, spec.ID, hv.StateDestroyed, 5*time.Minute)
				b.StartTimer()
			}
			b.ReportMetric(float64(toRunning.Milliseconds())/float64(b.N), "ms-to-running")
			b.ReportMetric(float64(toSSH.Milliseconds())/float64(b.N), "ms-to-ssh")
		})
	}
}

// waitBanner waits until the SSH server behind addr sends its banner, in
// short tries (a user-mode network's forward accepts before the guest
// listens, and a connection made before the guest has its address waits
// for a retransmitted SYN): 200 ms each, so that the figure is not
// rounded up to a try's length.
func waitBanner(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = c.SetDeadline(time.Now().Add(200 * time.Millisecond))
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(line, "SSH-2.0-") {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("no SSH banner at %s within %s", addr, timeout)
}

// BenchmarkMigrate: a live migration (Move of a running guest) of a
// booted test-image guest of 1 vCPU and 512 MiB between two libvirt test
// hosts on this machine, there and back (each iteration one move), its
// root overlay copied incrementally; from Move's call to its return, the
// guest running on the destination. TCG guests share the CPUs with the
// two QEMUs of the migration.
//
//	go test -run '^$' -bench Migrate -benchtime 6x ./hv/libvirt/
func BenchmarkMigrate(b *testing.B) {
	ctx := context.Background()
	uris := testhosts.Hosts(b, 2)
	h := harness(b, uris[0])
	var ds [2]hv.Driver
	for i, uri := range uris {
		d, err := hv.Open(ctx, libvirt.Name, hv.Options{Dir: b.TempDir(), URI: uri})
		if err != nil {
			b.Fatal(err)
		}
		defer d.Close(ctx)
		defer libvirt.Purge(d)
		ds[i] = d
	}
	spec := h.Spec("i-00000000000be0512", 1)
	spec.MemoryMiB = 512
	if err := ds[0].Create(ctx, spec); err != nil {
		b.Fatal(err)
	}
	if err := ds[0].Start(ctx, spec.ID); err != nil {
		b.Fatal(err)
	}
	host, port, err := ds[0].(hv.SSHEndpoint).SSHAddress(ctx, spec.ID)
	if err != nil {
		b.Fatal(err)
	}
	if err := waitBanner(fmt.Sprintf("%s:%d", host, port), 5*time.Minute); err != nil {
		b.Fatal(err)
	}
	var total, longest, down time.Duration
	downs := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		from, to := ds[i%2], ds[(i+1)%2]
		t0 := time.Now()
		if err := from.(hv.Mover).Move(ctx, spec.ID, to); err != nil {
			b.Fatal(err)
		}
		took := time.Since(t0)
		total += took
		longest = max(longest, took)
		b.StopTimer()
		if d, ok := downtime(uris[(i+1)%2], libvirt.DomainName(to, spec.ID)); ok {
			down += d
			downs++
		}
		host, port, err := to.(hv.SSHEndpoint).SSHAddress(ctx, spec.ID)
		if err != nil {
			b.Fatal(err)
		}
		if err := waitBanner(fmt.Sprintf("%s:%d", host, port), time.Minute); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer() // not the deferred destruction of the guest
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms-per-move")
	b.ReportMetric(float64(longest.Milliseconds()), "ms-longest")
	if downs > 0 {
		b.ReportMetric(float64(down.Milliseconds())/float64(downs), "ms-downtime")
	}
}

// downtime is how long the last migration into domain name on the host
// at uri stopped the guest, as libvirt measured it (virsh domjobinfo
// --completed: QEMU's downtime, before the driver resumed the guest).
func downtime(uri, name string) (time.Duration, bool) {
	out, err := exec.Command("virsh", "-c", uri, "domjobinfo", "--completed", name).Output()
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "Total downtime:"); ok {
			f := strings.Fields(v)
			if len(f) == 2 && f[1] == "ms" {
				if ms, err := strconv.Atoi(f[0]); err == nil {
					return time.Duration(ms) * time.Millisecond, true
				}
			}
		}
	}
	return 0, false
}
