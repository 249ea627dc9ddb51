package sim

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/hv/hvtest"
)

// kernelStamps returns the console's kernel timestamps, in order.
func kernelStamps(out string) []time.Duration {
	stamp := regexp.MustCompile(`(?m)^\[ *(\d+)\.(\d{6})\] `)
	var all []time.Duration
	for _, m := range stamp.FindAllStringSubmatch(out, -1) {
		var sec, usec int64
		fmt.Sscan(m[1], &sec)
		fmt.Sscan(m[2], &usec)
		all = append(all, time.Duration(sec)*time.Second+time.Duration(usec)*time.Microsecond)
	}
	return all
}

// TestHibernateResumesUptime: after an hour hibernated the kernel's clock
// carries on from where it stopped, with no second boot and no shutdown.
func TestHibernateResumesUptime(t *testing.T) {
	f := newFixture(t, 7, 10*time.Second, 3*time.Second)
	s := hvtest.DefaultSpec("i-0123456789abcdef0", 1)
	f.must(f.d.Create(f.ctx, s))
	f.must(f.d.Start(f.ctx, s.ID))
	f.clk.Advance(20 * time.Second)
	f.must(f.d.Hibernate(f.ctx, s.ID))
	f.clk.Advance(3 * time.Second)
	before := f.console(s.ID)
	for _, want := range []string{"PM: hibernation: hibernation entry", "PM: Image saving done", "reboot: Power down"} {
		if !strings.Contains(before, want) {
			t.Errorf("hibernated console lacks %q:\n%s", want, before)
		}
	}
	if strings.Contains(before, "systemd-shutdown") {
		t.Errorf("a hibernation printed an OS shutdown:\n%s", before)
	}
	stamps := kernelStamps(before)
	off := stamps[len(stamps)-1]
	f.clk.Advance(time.Hour)
	f.must(f.d.Start(f.ctx, s.ID))
	f.clk.Advance(10 * time.Second)
	out := f.console(s.ID)
	if n := strings.Count(out, "Linux version"); n != 1 {
		t.Errorf("after a resume the console shows %d kernel starts, want 1", n)
	}
	if !strings.Contains(out, "PM: hibernation: hibernation exit") {
		t.Errorf("no resume on the console:\n%s", out)
	}
	after := kernelStamps(out)[len(stamps)]
	if after < off || after > off+time.Minute {
		t.Errorf("first kernel timestamp after the resume is %v, want just after %v (the hour off does not count)", after, off)
	}
}

// TestPowerOffPrintsNoShutdown: a forced stop and a powered-off destroy
// print no OS shutdown.
func TestPowerOffPrintsNoShutdown(t *testing.T) {
	f := newFixture(t, 7, 10*time.Second, 3*time.Second)
	s := hvtest.DefaultSpec("i-0123456789abcdef0", 1)
	f.must(f.d.Create(f.ctx, s))
	f.must(f.d.Start(f.ctx, s.ID))
	f.clk.Advance(20 * time.Second)
	f.must(f.d.Stop(f.ctx, s.ID, true))
	if out := f.console(s.ID); strings.Contains(out, "systemd-shutdown") || strings.Contains(out, "Power down") {
		t.Errorf("a forced stop printed a shutdown:\n%s", out)
	}
}
