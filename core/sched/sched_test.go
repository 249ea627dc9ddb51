package sched_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/sched"
)

// fleet builds a scheduler from a user config that replaces the built-in
// host fleet.
func fleet(t testing.TB, toml string) (*sched.Scheduler, *configs.Config) {
	t.Helper()
	cfg, err := configs.LoadBytes([]byte(toml), "t.toml")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return sched.New(cfg), cfg
}

// hostsIn returns the hosts of a zone in config order (the order of the
// explained results when nothing fits).
func hostsIn(t *testing.T, s *sched.Scheduler, region, zone string) []string {
	t.Helper()
	_, res, _ := s.Place(region, sched.Request{VCPUs: 1 << 30}, true)
	var ids []string
	for _, r := range res {
		if r.Zone == zone {
			ids = append(ids, r.HostID)
		}
	}
	return ids
}

// onlyThese makes a config's [[hosts]] the whole fleet, without the
// built-in hosts.
const onlyThese = "[fleet]\nbuiltin_hosts = false\n"

// Two zones of us-east-1: a small t-only host in 1a, a big general host
// in 1b, and a host in us-west-2.
const twoZones = `
[fleet]
builtin_hosts = false  # these hosts are the whole fleet

[[hosts]]
zone = "us-east-1a"
count = 1
vcpus = 2
memory_gib = 4
cpu_overcommit = 4.0
mem_overcommit = 1.5
families = ["t2", "t3"]

[[hosts]]
zone = "us-east-1b"
count = 1
vcpus = 16
memory_gib = 64
families = ["m5", "c5", "r5", "t3"]

[[hosts]]
zone = "us-west-2a"
count = 1
vcpus = 64
memory_gib = 256
`

func TestFilters(t *testing.T) {
	tests := []struct {
		name     string
		req      sched.Request
		wantZone string            // zone of the chosen host; "" when nothing fits
		rejected map[string]string // zone -> reason of the rejected host there
	}{
		{"any zone, family served by both", sched.Request{Family: "t3", VCPUs: 1, MemoryMiB: 512}, "us-east-1a", nil},
		{"zone pins the host", sched.Request{Zone: "us-east-1b", Family: "t3", VCPUs: 1, MemoryMiB: 512}, "us-east-1b",
			map[string]string{"us-east-1a": sched.RejectZone}},
		{"family not served", sched.Request{Family: "m5", VCPUs: 2, MemoryMiB: 8192}, "us-east-1b",
			map[string]string{"us-east-1a": sched.RejectFamily}},
		{"no host serves the family", sched.Request{Family: "x1", VCPUs: 1, MemoryMiB: 512}, "",
			map[string]string{"us-east-1a": sched.RejectFamily, "us-east-1b": sched.RejectFamily}},
		{"vCPUs within cpu overcommit (2 x 4)", sched.Request{Zone: "us-east-1a", Family: "t2", VCPUs: 8, MemoryMiB: 512}, "us-east-1a",
			map[string]string{"us-east-1b": sched.RejectZone}},
		{"vCPUs beyond cpu overcommit", sched.Request{Zone: "us-east-1a", Family: "t2", VCPUs: 9, MemoryMiB: 512}, "",
			map[string]string{"us-east-1a": sched.RejectCPU, "us-east-1b": sched.RejectZone}},
		{"memory within mem overcommit (4 GiB x 1.5)", sched.Request{Zone: "us-east-1a", Family: "t2", VCPUs: 1, MemoryMiB: 6144}, "us-east-1a",
			map[string]string{"us-east-1b": sched.RejectZone}},
		{"memory beyond mem overcommit", sched.Request{Zone: "us-east-1a", Family: "t2", VCPUs: 1, MemoryMiB: 6145}, "",
			map[string]string{"us-east-1a": sched.RejectMemory, "us-east-1b": sched.RejectZone}},
		{"no overcommit unless configured", sched.Request{Zone: "us-east-1b", Family: "m5", VCPUs: 17, MemoryMiB: 1024}, "",
			map[string]string{"us-east-1a": sched.RejectZone, "us-east-1b": sched.RejectCPU}},
		{"filters run in order: zone before capacity", sched.Request{Zone: "us-east-1b", Family: "t2", VCPUs: 1000, MemoryMiB: 1 << 30}, "",
			map[string]string{"us-east-1a": sched.RejectZone, "us-east-1b": sched.RejectFamily}},
		{"driver of the hosts", sched.Request{Family: "t3", VCPUs: 1, MemoryMiB: 512, Driver: "sim"}, "us-east-1a", nil},
		{"driver no host runs", sched.Request{Family: "t3", VCPUs: 1, MemoryMiB: 512, Driver: "qemu"}, "",
			map[string]string{"us-east-1a": sched.RejectDriver, "us-east-1b": sched.RejectDriver}},
		{"zone of another region", sched.Request{Zone: "us-west-2a", Family: "t3", VCPUs: 1, MemoryMiB: 512}, "",
			map[string]string{"us-east-1a": sched.RejectZone, "us-east-1b": sched.RejectZone}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := fleet(t, twoZones)
			h, res, ok := s.Place("us-east-1", tt.req, true)
			if ok != (tt.wantZone != "") {
				t.Fatalf("Place ok = %v, want %v (results %+v)", ok, tt.wantZone != "", res)
			}
			if ok && h.Zone != tt.wantZone {
				t.Errorf("placed in %s, want %s", h.Zone, tt.wantZone)
			}
			if len(res) != 2 {
				t.Fatalf("explain returned %d results, want one per us-east-1 host (2)", len(res))
			}
			for _, r := range res {
				want := tt.rejected[r.Zone]
				if r.Rejected != want {
					t.Errorf("host in %s: rejected %q (%s), want %q", r.Zone, r.Rejected, r.Detail, want)
				}
				if r.Rejected != "" && r.Detail == "" {
					t.Errorf("host in %s rejected without a detail", r.Zone)
				}
			}
		})
	}
}

func TestRejectionDetails(t *testing.T) {
	tests := []struct {
		name   string
		req    sched.Request
		detail string
	}{
		{"zone", sched.Request{Zone: "us-east-1b", Family: "t2", VCPUs: 1, MemoryMiB: 1}, "host is in us-east-1a"},
		{"family", sched.Request{Family: "r5", VCPUs: 1, MemoryMiB: 1}, "host serves [t2 t3]"},
		{"cpu", sched.Request{Family: "t2", VCPUs: 9, MemoryMiB: 1}, "8 of 8 vCPUs free, need 9"},
		{"memory", sched.Request{Family: "t2", VCPUs: 1, MemoryMiB: 7000}, "6144 of 6144 MiB free, need 7000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := fleet(t, twoZones)
			_, res, _ := s.Place("us-east-1", tt.req, true)
			for _, r := range res {
				if r.Zone == "us-east-1a" && r.Detail != tt.detail {
					t.Errorf("detail = %q, want %q", r.Detail, tt.detail)
				}
			}
		})
	}
}

// twins is two identical hosts in one zone (add to twoZones, or to
// onlyThese for a fleet of them alone).
const twins = `
[[hosts]]
zone = "us-east-1a"
count = 2
vcpus = 8
memory_gib = 32
`

func TestWeighers(t *testing.T) {
	tests := []struct {
		name     string
		strategy string
		request  string // the request's own strategy, over the config's
		wantBusy bool   // whether the host that already has a guest wins
	}{
		{"binpack fills the busy host", "binpack", "", true},
		{"spread picks the empty host", "spread", "", false},
		{"a request's spread over the config's binpack", "binpack", sched.Spread, false},
		{"a request's binpack over the config's spread", "spread", sched.Binpack, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := fleet(t, "[scheduler]\nstrategy = \""+tt.strategy+"\"\n"+onlyThese+twins)
			ids := hostsIn(t, s, "us-east-1", "us-east-1a")
			busy := ids[1] // not the first: ties would go to ids[0]
			s.Claim(busy, 2, 4096)
			h, _, ok := s.Place("us-east-1", sched.Request{Family: "m5", VCPUs: 2, MemoryMiB: 8192, Strategy: tt.request}, false)
			if !ok {
				t.Fatal("nothing fits")
			}
			if (h.ID == busy) != tt.wantBusy {
				t.Errorf("%s chose %s; busy host is %s, empty is %s", tt.strategy, h.ID, busy, ids[0])
			}
		})
	}
}

func TestTieBreaking(t *testing.T) {
	for _, strategy := range []string{"binpack", "spread"} {
		t.Run(strategy, func(t *testing.T) {
			s, _ := fleet(t, "[scheduler]\nstrategy = \""+strategy+"\"\n"+onlyThese+twins)
			first := hostsIn(t, s, "us-east-1", "us-east-1a")[0]
			for i := range 20 {
				h, _, ok := s.Place("us-east-1", sched.Request{Family: "t3", VCPUs: 1, MemoryMiB: 1024}, i%2 == 0)
				if !ok || h.ID != first {
					t.Fatalf("call %d chose %v, want the first host in config order %s every time", i, h, first)
				}
			}
			// A second scheduler from the same config decides the same way.
			s2, _ := fleet(t, "[scheduler]\nstrategy = \""+strategy+"\"\n"+onlyThese+twins)
			if h, _, _ := s2.Place("us-east-1", sched.Request{Family: "t3", VCPUs: 1, MemoryMiB: 1024}, false); h.ID != first {
				t.Errorf("another scheduler chose %s, want %s", h.ID, first)
			}
		})
	}
}

func TestExplain(t *testing.T) {
	s, _ := fleet(t, twoZones+twins)
	s.Claim(hostsIn(t, s, "us-east-1", "us-east-1a")[1], 4, 4096)

	t.Run("every host of the region, chosen first, rejected last", func(t *testing.T) {
		h, res, ok := s.Place("us-east-1", sched.Request{Family: "t3", VCPUs: 2, MemoryMiB: 2048}, true)
		if !ok {
			t.Fatal("nothing fits")
		}
		if len(res) != 4 {
			t.Fatalf("%d results, want 4 (every us-east-1 host)", len(res))
		}
		chosen := 0
		for i, r := range res {
			if r.Chosen {
				chosen++
				if r.HostID != h.ID || i != 0 {
					t.Errorf("result %d (%s) marked chosen; Place returned %s", i, r.HostID, h.ID)
				}
			}
			if r.Rejected == "" && (r.Score <= 0 || r.Score > 1) {
				t.Errorf("feasible host %s has score %v, want in (0, 1]", r.HostID, r.Score)
			}
			if i > 0 && res[i-1].Rejected == "" && r.Rejected == "" && res[i-1].Score < r.Score {
				t.Errorf("results not sorted by score: %v before %v", res[i-1].Score, r.Score)
			}
			if i > 0 && res[i-1].Rejected != "" && r.Rejected == "" {
				t.Errorf("rejected host %s listed before feasible host %s", res[i-1].HostID, r.HostID)
			}
		}
		if chosen != 1 {
			t.Errorf("%d hosts marked chosen, want 1", chosen)
		}
	})

	t.Run("free capacity is after overcommit and claims", func(t *testing.T) {
		small := hostsIn(t, s, "us-east-1", "us-east-1a")[0]
		twin := hostsIn(t, s, "us-east-1", "us-east-1a")[1]
		big := hostsIn(t, s, "us-east-1", "us-east-1b")[0]
		want := map[string][2]int{small: {2 * 4, 6144}, twin: {8 - 4, 32768 - 4096}, big: {16, 65536}}
		_, res, _ := s.Place("us-east-1", sched.Request{Family: "t3", VCPUs: 1, MemoryMiB: 1}, true)
		for _, r := range res {
			if w, ok := want[r.HostID]; ok && (r.FreeVCPUs != w[0] || r.FreeMiB != w[1]) {
				t.Errorf("host in %s: free %d vCPUs %d MiB, want %d and %d", r.Zone, r.FreeVCPUs, r.FreeMiB, w[0], w[1])
			}
		}
	})

	t.Run("nothing fits: every host with its reason, none chosen", func(t *testing.T) {
		h, res, ok := s.Place("us-east-1", sched.Request{Family: "t3", VCPUs: 1000, MemoryMiB: 1}, true)
		if ok || h != nil {
			t.Fatalf("Place = %v, %v; want no host", h, ok)
		}
		if len(res) != 4 {
			t.Fatalf("%d results, want 4", len(res))
		}
		for _, r := range res {
			if r.Chosen || r.Rejected == "" {
				t.Errorf("host %s: chosen=%v rejected=%q", r.HostID, r.Chosen, r.Rejected)
			}
		}
	})

	t.Run("without explain no results", func(t *testing.T) {
		if _, res, ok := s.Place("us-east-1", sched.Request{Family: "t3", VCPUs: 1, MemoryMiB: 1}, false); !ok || res != nil {
			t.Errorf("Place = %v results, ok %v; want none, true", len(res), ok)
		}
	})

	t.Run("region without hosts", func(t *testing.T) {
		if h, res, ok := s.Place("eu-west-1", sched.Request{Family: "t3", VCPUs: 1, MemoryMiB: 1}, true); ok || h != nil || len(res) != 0 {
			t.Errorf("Place in a region with no hosts = %v, %v, %v", h, res, ok)
		}
	})
}

func TestClaimRelease(t *testing.T) {
	s, _ := fleet(t, twoZones)
	id := hostsIn(t, s, "us-east-1", "us-east-1a")[0]
	type use struct{ vcpus, mib, guests int }
	steps := []struct {
		name  string
		do    func()
		want  use
		fits8 bool // whether an 8-vCPU t2 still fits on the 8-vCPU (after overcommit) host
	}{
		{"empty", func() {}, use{0, 0, 0}, true},
		{"claim one", func() { s.Claim(id, 1, 1024) }, use{1, 1024, 1}, false},
		{"claim another", func() { s.Claim(id, 2, 2048) }, use{3, 3072, 2}, false},
		{"release the first", func() { s.Release(id, 1, 1024) }, use{2, 2048, 1}, false},
		{"release the second", func() { s.Release(id, 2, 2048) }, use{0, 0, 0}, true},
		{"unknown host is ignored", func() { s.Claim("h-00000000000000000", 8, 8192) }, use{0, 0, 0}, true},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.do()
			h := s.Host(id)
			if got := (use{h.UsedVCPUs, h.UsedMemoryMiB, h.Guests}); got != st.want {
				t.Errorf("use = %+v, want %+v", got, st.want)
			}
			for _, c := range s.Hosts("us-east-1") {
				if c.ID == id && (c.UsedVCPUs != st.want.vcpus || c.Guests != st.want.guests) {
					t.Errorf("Hosts() copy shows %d vCPUs %d guests", c.UsedVCPUs, c.Guests)
				}
			}
			_, _, ok := s.Place("us-east-1", sched.Request{Zone: "us-east-1a", Family: "t2", VCPUs: 8, MemoryMiB: 512}, false)
			if ok != st.fits8 {
				t.Errorf("8 vCPUs fit = %v, want %v", ok, st.fits8)
			}
		})
	}
	t.Run("Place does not claim", func(t *testing.T) {
		for range 5 {
			s.Place("us-east-1", sched.Request{Family: "t2", VCPUs: 8, MemoryMiB: 512}, false)
		}
		if h := s.Host(id); h.UsedVCPUs != 0 || h.Guests != 0 {
			t.Errorf("after Place only: %d vCPUs, %d guests used", h.UsedVCPUs, h.Guests)
		}
	})
	t.Run("Hosts returns copies", func(t *testing.T) {
		hs := s.Hosts("us-east-1")
		hs[0].UsedVCPUs = 99
		if s.Host(hs[0].ID).UsedVCPUs == 99 {
			t.Error("changing a Hosts() element changed the scheduler")
		}
	})
}

var hostIDRe = regexp.MustCompile(`^h-[0-9a-f]{17}$`)

func TestHostIDs(t *testing.T) {
	cfg, err := configs.Default()
	if err != nil {
		t.Fatal(err)
	}
	a, b := sched.New(cfg), sched.New(cfg)
	cfg2, err := configs.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := sched.New(cfg2)
	ha, hb, hc := a.Hosts(""), b.Hosts(""), c.Hosts("")
	want := 0
	for _, g := range cfg.Hosts {
		want += g.Count
	}
	tests := []struct {
		name  string
		check func(t *testing.T)
	}{
		{"one host per count", func(t *testing.T) {
			if len(ha) != want {
				t.Errorf("%d hosts, want %d", len(ha), want)
			}
		}},
		{"EC2-shaped and unique", func(t *testing.T) {
			seen := map[string]bool{}
			for _, h := range ha {
				if !hostIDRe.MatchString(h.ID) {
					t.Errorf("host ID %q is not h- and 17 hex digits", h.ID)
				}
				if seen[h.ID] {
					t.Errorf("host ID %s twice", h.ID)
				}
				seen[h.ID] = true
			}
		}},
		{"stable across New with the same config", func(t *testing.T) {
			for i := range ha {
				if ha[i].ID != hb[i].ID || ha[i].ID != hc[i].ID {
					t.Fatalf("host %d: %s, %s, %s", i, ha[i].ID, hb[i].ID, hc[i].ID)
				}
			}
		}},
		{"lookup by ID", func(t *testing.T) {
			for _, h := range ha {
				if got := a.Host(h.ID); got == nil || got.Zone != h.Zone {
					t.Errorf("Host(%s) = %v", h.ID, got)
				}
			}
			if a.Host("h-0123456789abcdef0") != nil {
				t.Error("Host of an unknown ID is not nil")
			}
		}},
		{"defaults filled from config", func(t *testing.T) {
			for _, h := range ha {
				if h.Driver != "sim" || h.CPUOvercommit < 1 || h.MemOvercommit < 1 || h.CapVCPUs() < h.VCPUs || h.CapMemoryMiB() < h.MemoryMiB {
					t.Errorf("host %s: driver %s, overcommit %v/%v", h.ID, h.Driver, h.CPUOvercommit, h.MemOvercommit)
				}
				if h.Region == "" || !strings.HasPrefix(h.Zone, h.Region) {
					t.Errorf("host %s: zone %s in region %q", h.ID, h.Zone, h.Region)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.check)
	}
}

func TestHostsSorted(t *testing.T) {
	s, _ := fleet(t, `
[fleet]
builtin_hosts = false  # these hosts are the whole fleet

[[hosts]]
zone = "us-east-1c"
count = 3
vcpus = 8
memory_gib = 8

[[hosts]]
zone = "us-east-1a"
count = 3
vcpus = 8
memory_gib = 8

[[hosts]]
zone = "eu-west-1b"
count = 2
vcpus = 8
memory_gib = 8
`)
	tests := []struct {
		region string
		want   int
		zones  []string
	}{
		{"", 8, []string{"eu-west-1b", "us-east-1a", "us-east-1c"}},
		{"us-east-1", 6, []string{"us-east-1a", "us-east-1c"}},
		{"eu-west-1", 2, []string{"eu-west-1b"}},
		{"us-west-2", 0, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("region %q", tt.region), func(t *testing.T) {
			hs := s.Hosts(tt.region)
			if len(hs) != tt.want {
				t.Fatalf("%d hosts, want %d", len(hs), tt.want)
			}
			sorted := sort.SliceIsSorted(hs, func(i, j int) bool {
				if hs[i].Zone != hs[j].Zone {
					return hs[i].Zone < hs[j].Zone
				}
				return hs[i].ID < hs[j].ID
			})
			if !sorted {
				t.Errorf("hosts not sorted by zone then ID")
			}
			var zones []string
			for _, h := range hs {
				if len(zones) == 0 || zones[len(zones)-1] != h.Zone {
					zones = append(zones, h.Zone)
				}
			}
			if fmt.Sprint(zones) != fmt.Sprint(tt.zones) {
				t.Errorf("zones %v, want %v", zones, tt.zones)
			}
			// Same answer every time (map iteration must not leak).
			for range 5 {
				again := s.Hosts(tt.region)
				for i := range hs {
					if again[i].ID != hs[i].ID {
						t.Fatalf("Hosts order changed between calls")
					}
				}
			}
		})
	}
}

// TestHostsInService: a drained host, a host whose engine does not answer
// and the host a guest leaves take no guest; the others still do.
func TestHostsInService(t *testing.T) {
	req := sched.Request{Family: "t3", VCPUs: 1, MemoryMiB: 512}
	tests := []struct {
		name     string
		set      func(s *sched.Scheduler, a, b string)
		req      func(a, b string) sched.Request
		wantA    bool   // placed on the us-east-1a host (else on b, or nowhere)
		none     bool   // nothing fits
		rejected string // the a host's rejection
	}{
		{"both in service: the first", func(*sched.Scheduler, string, string) {}, func(string, string) sched.Request { return req }, true, false, ""},
		{"a drained", func(s *sched.Scheduler, a, _ string) { s.SetDraining(a, true) }, func(string, string) sched.Request { return req }, false, false, sched.RejectDrain},
		{"a drained, then not", func(s *sched.Scheduler, a, _ string) { s.SetDraining(a, true); s.SetDraining(a, false) }, func(string, string) sched.Request { return req }, true, false, ""},
		{"a unreachable", func(s *sched.Scheduler, a, _ string) { s.SetUnreachable(a, true) }, func(string, string) sched.Request { return req }, false, false, sched.RejectDown},
		{"the guest leaves a", func(*sched.Scheduler, string, string) {}, func(a, _ string) sched.Request { r := req; r.Avoid = a; return r }, false, false, sched.RejectDrain},
		{"a drained, b unreachable: nowhere", func(s *sched.Scheduler, a, b string) { s.SetDraining(a, true); s.SetUnreachable(b, true) },
			func(string, string) sched.Request { return req }, false, true, sched.RejectDrain},
		{"capacity from the engine", func(s *sched.Scheduler, a, b string) { s.SetCapacity(a, 0, 0) }, func(string, string) sched.Request { return req }, false, false, sched.RejectCPU},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := fleet(t, twoZones)
			hs := s.Hosts("us-east-1")
			a, b := hs[0].ID, hs[1].ID
			tt.set(s, a, b)
			h, res, ok := s.Place("us-east-1", tt.req(a, b), true)
			if ok == tt.none {
				t.Fatalf("Place ok = %v, want %v (%+v)", ok, !tt.none, res)
			}
			if ok && (h.ID == a) != tt.wantA {
				t.Errorf("placed on %s (a %s, b %s), want a: %v", h.ID, a, b, tt.wantA)
			}
			for _, r := range res {
				if r.HostID == a && r.Rejected != tt.rejected {
					t.Errorf("host a rejected %q (%s), want %q", r.Rejected, r.Detail, tt.rejected)
				}
			}
		})
	}
}
