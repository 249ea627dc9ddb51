package sim

import (
	"cmp"
	"fmt"
	"testing"
	"time"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/hvtest"
)

func TestWorkloads(t *testing.T) {
	for _, c := range []struct {
		name     string
		lo, hi   float64 // CPU utilisation over an hour
		memLo    float64 // fraction of memory used
		diskMore string  // a model with less disk traffic, if any
	}{
		{"", 0.01, 0.03, 0.15, ""},
		{"idle", 0.01, 0.03, 0.15, ""},
		{"web", 0.20, 0.40, 0.40, "idle"},
		{"batch", 0.60, 0.80, 0.60, "web"},
		{"cpu-burn", 0.98, 1.00, 0.05, ""},
	} {
		t.Run(cmp.Or(c.name, "empty"), func(t *testing.T) {
			f := newFixture(t, 3, 0, 0)
			s := f.create("i-0000000000000000a", 1, c.name)
			f.must(f.d.Start(f.ctx, s.ID))
			var o hv.GuestSpec
			if c.diskMore != "" {
				o = f.create("i-0000000000000000b", 1, c.diskMore)
				f.must(f.d.Start(f.ctx, o.ID))
			}
			f.clk.Advance(time.Hour)
			st := f.stats(s.ID)
			u := st.CPUTime.Seconds() / (time.Hour.Seconds() * float64(s.VCPUs))
			if u < c.lo || u > c.hi {
				t.Errorf("utilisation %.3f over an hour, want %.2f..%.2f", u, c.lo, c.hi)
			}
			if frac := float64(st.MemoryUsedMiB) / float64(s.MemoryMiB); frac < c.memLo || frac > 0.9 {
				t.Errorf("memory used %.2f of the guest's", frac)
			}
			if st.NetRxBytes == 0 || st.NetTxBytes == 0 || st.DiskReadBytes == 0 || st.DiskWriteBytes == 0 {
				t.Errorf("some I/O counter is zero: %+v", st)
			}
			if c.diskMore != "" {
				a, b := st, f.stats(o.ID)
				if a.NetTxBytes+a.DiskReadBytes <= b.NetTxBytes+b.DiskReadBytes {
					t.Errorf("%s moves less data than %s: %+v vs %+v", c.name, c.diskMore, a, b)
				}
			}
		})
	}
}

// The web model follows the day: busier in the afternoon than at night (UTC).
func TestWebDiurnal(t *testing.T) {
	f := newFixture(t, 3, 0, 0)
	s := f.create("i-0000000000000000a", 1, "web")
	f.must(f.d.Start(f.ctx, s.ID))
	hour := func() float64 {
		a := f.stats(s.ID).CPUTime
		f.clk.Advance(time.Hour)
		return (f.stats(s.ID).CPUTime - a).Seconds() / 7200
	}
	f.clk.Advance(4 * time.Hour) // 14:00
	afternoon := hour()
	f.clk.Advance(11 * time.Hour) // 02:00
	night := hour()
	if afternoon < night+0.08 {
		t.Errorf("web load %.3f at 14:00 and %.3f at 02:00, want a daily wave", afternoon, night)
	}
}

func TestSetWorkload(t *testing.T) {
	f := newFixture(t, 3, 0, 0)
	s := f.create("i-0000000000000000a", 1, "idle")
	f.must(f.d.Start(f.ctx, s.ID))
	f.clk.Advance(30 * time.Minute)
	idle := f.stats(s.ID).CPUTime
	f.must(f.d.SetWorkload(f.ctx, s.ID, "cpu-burn", nil))
	f.clk.Advance(30 * time.Minute)
	burn := f.stats(s.ID).CPUTime - idle
	if burn < 59*time.Minute || idle > 2*time.Minute {
		t.Errorf("idle half hour used %v, burning half hour %v of 2 vCPUs", idle, burn)
	}
	if err := f.d.SetWorkload(f.ctx, s.ID, "nope", nil); err == nil {
		t.Error("unknown workload accepted")
	}
	if err := f.d.SetWorkload(f.ctx, "i-00000000000000bad", "idle", nil); err == nil {
		t.Error("SetWorkload of an unknown guest succeeded")
	}
	if got := Workloads(); len(got) != 4 || got[0] != "idle" {
		t.Errorf("Workloads() = %v", got)
	}
}

// script drives a driver through a fixed history and returns what it shows.
func script(t *testing.T, seed int64, sampleEvery time.Duration) (console []string, stats []hv.Stats) {
	f := newFixture(t, seed, 7*time.Second, 3*time.Second)
	var ids []string
	for i, w := range []string{"idle", "web", "batch", "cpu-burn"} {
		s := hvtest.DefaultSpec(fmt.Sprintf("i-%017x", i+1), 1+i%2)
		s.Workload = w
		f.must(f.d.Create(f.ctx, s))
		f.must(f.d.Start(f.ctx, s.ID))
		ids = append(ids, s.ID)
	}
	advance := func(d time.Duration) {
		for d > 0 {
			st := min(d, sampleEvery)
			f.clk.Advance(st)
			d -= st
			for _, id := range ids {
				f.stats(id) // sampling must not change the results
			}
		}
	}
	advance(95 * time.Minute)
	f.must(f.d.Reboot(f.ctx, ids[0]))
	f.must(f.d.Stop(f.ctx, ids[1], false))
	advance(17*time.Minute + 13*time.Second)
	f.must(f.d.Resize(f.ctx, ids[1], 8, 32768))
	f.must(f.d.Start(f.ctx, ids[1]))
	f.must(f.d.SetWorkload(f.ctx, ids[2], "idle", nil))
	advance(3*time.Hour + 7*time.Second)
	for _, id := range ids {
		console = append(console, f.console(id))
		stats = append(stats, f.stats(id))
	}
	return console, stats
}

func TestDeterminism(t *testing.T) {
	c1, s1 := script(t, 11, time.Hour)
	c2, s2 := script(t, 11, 7*time.Second)
	c3, s3 := script(t, 12, time.Hour)
	for i := range c1 {
		if c1[i] != c2[i] {
			t.Errorf("guest %d: consoles of two drivers with one seed differ", i)
		}
		if s1[i] != s2[i] {
			t.Errorf("guest %d: stats differ with the sampling rate: %+v vs %+v", i, s1[i], s2[i])
		}
		if c1[i] == c3[i] {
			t.Errorf("guest %d: another seed gave the same console", i)
		}
		if s1[i] == s3[i] {
			t.Errorf("guest %d: another seed gave the same stats", i)
		}
	}
}

func TestStatsStopped(t *testing.T) {
	f := newFixture(t, 3, time.Second, time.Second)
	s := f.create("i-0000000000000000a", 1, "")
	if st := f.stats(s.ID); st.CPUTime != 0 || st.MemoryUsedMiB != 0 || !st.At.Equal(hvtest.Start()) {
		t.Errorf("never-started guest has stats %+v", st)
	}
	f.must(f.d.Start(f.ctx, s.ID))
	f.clk.Advance(time.Second)
	f.must(f.d.Stop(f.ctx, s.ID, false))
	if st := f.stats(s.ID); st.MemoryUsedMiB != 0 {
		t.Errorf("stopping guest reports %d MiB used", st.MemoryUsedMiB)
	}
}

func TestCustomLoadProfile(t *testing.T) {
	tests := []struct {
		name     string
		profile  hv.LoadProfile
		min, max float64
	}{
		{"a flat 50%", hv.LoadProfile{MeanPct: 50}, 0.499, 0.501},
		{"noise stays around the mean", hv.LoadProfile{MeanPct: 40, NoisePct: 10}, 0.35, 0.45},
		{"a daily wave averages out over a day", hv.LoadProfile{MeanPct: 30, DiurnalPct: 20}, 0.29, 0.31},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 1, 0, 0)
			s := hvtest.DefaultSpec("i-0000000000000000c", 1)
			s.Load = &tc.profile
			f.must(f.d.Create(f.ctx, s))
			f.must(f.d.Start(f.ctx, s.ID))
			a := f.stats(s.ID).CPUTime
			f.clk.Advance(24 * time.Hour)
			got := (f.stats(s.ID).CPUTime - a).Seconds() / (24 * 3600 * float64(s.VCPUs))
			if got < tc.min || got > tc.max {
				t.Errorf("CPU over a day = %.4f of the vCPUs, want in [%v, %v]", got, tc.min, tc.max)
			}
		})
	}
	t.Run("an impossible profile is refused", func(t *testing.T) {
		f := newFixture(t, 1, 0, 0)
		s := hvtest.DefaultSpec("i-0000000000000000d", 1)
		s.Load = &hv.LoadProfile{MeanPct: 150}
		if err := f.d.Create(f.ctx, s); err == nil {
			t.Fatal("Create accepted a 150% mean")
		}
	})
}
