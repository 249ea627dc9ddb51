package configs_test

import (
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/configs"
)

func defaults(t *testing.T) *configs.Config {
	t.Helper()
	c, err := configs.Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return c
}

func TestDefaultSettings(t *testing.T) {
	c := defaults(t)
	tests := []struct {
		name      string
		got, want any
	}{
		{"default region", c.Region, "us-east-1"},
		{"default output", c.Output, "table"},
		{"boot seconds", c.Sim.BootSeconds, 3.0},
		{"stop seconds", c.Sim.StopSeconds, 2.0},
		{"seed", c.Sim.Seed, int64(1)},
		{"metric interval", c.Monitor.IntervalSeconds, 60.0},
		{"elastic IPs per region", c.Limits.ElasticIPsPerRegion, 5},
		{"placement strategy", c.Scheduler.Strategy, "binpack"},
		{"terminated instances visible for an hour", c.Lifecycle.TerminatedVisibleSeconds, 3600.0},
		{"no user file", c.Source, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestDefaultRegions(t *testing.T) {
	c := defaults(t)
	for _, name := range []string{"us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"} {
		t.Run(name, func(t *testing.T) {
			r := c.Regions[name]
			if r == nil {
				t.Fatalf("region %s missing (have %v)", name, c.RegionNames())
			}
			if n := len(r.Zones); n < 2 || n > 3 {
				t.Errorf("%d zones, want 2 or 3", n)
			}
			for _, z := range r.Zones {
				if !strings.HasPrefix(z, name) || len(z) != len(name)+1 {
					t.Errorf("zone %q is not %s plus a letter", z, name)
				}
				if got := c.ZoneRegion(z); got != name {
					t.Errorf("ZoneRegion(%s) = %q", z, got)
				}
			}
			if r.Description == "" {
				t.Error("no description")
			}
			if _, ok := c.Images[r.DefaultImage]; !ok {
				t.Errorf("default image %q is not an image", r.DefaultImage)
			}
		})
	}
	t.Run("names sorted", func(t *testing.T) {
		if names := c.RegionNames(); !slices.IsSorted(names) || len(names) < 4 {
			t.Errorf("RegionNames = %v", names)
		}
	})
	t.Run("unknown zone", func(t *testing.T) {
		if got := c.ZoneRegion("us-east-1z"); got != "" {
			t.Errorf("ZoneRegion(us-east-1z) = %q, want \"\"", got)
		}
	})
	t.Run("public pools disjoint", func(t *testing.T) {
		names := c.RegionNames()
		for i, a := range names {
			pa := netip.MustParsePrefix(c.Regions[a].PublicPool)
			for _, b := range names[i+1:] {
				if pb := netip.MustParsePrefix(c.Regions[b].PublicPool); pa.Overlaps(pb) {
					t.Errorf("pools of %s (%s) and %s (%s) overlap", a, pa, b, pb)
				}
			}
		}
	})
	t.Run("every zone has hosts", func(t *testing.T) {
		hosts := map[string]int{}
		for _, h := range c.Hosts {
			hosts[h.Zone] += h.Count
		}
		for _, name := range c.RegionNames() {
			for _, z := range c.Regions[name].Zones {
				if hosts[z] == 0 {
					t.Errorf("zone %s has no hosts: launches there would fail", z)
				}
			}
		}
	})
}

func TestDefaultTypes(t *testing.T) {
	c := defaults(t)
	for _, fam := range []string{"t2", "t3", "m5", "c5", "r5"} {
		t.Run("family "+fam, func(t *testing.T) {
			n := 0
			for _, name := range c.TypeNames() {
				if configs.Family(name) != fam {
					continue
				}
				n++
				ty := c.Types[name]
				// These families have a price of their own in ec2x's
				// four original regions (published, and hand-tuned).
				for _, region := range []string{"us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"} {
					p, err := strconv.ParseFloat(ty.Price[region], 64)
					if err != nil || p <= 0 {
						t.Errorf("%s has no price in %s (%q)", name, region, ty.Price[region])
					}
				}
				if burst := fam == "t2" || fam == "t3"; ty.Burstable != burst {
					t.Errorf("%s burstable = %v, want %v", name, ty.Burstable, burst)
				}
			}
			if n == 0 {
				t.Errorf("no %s types", fam)
			}
		})
	}

	prices := []struct {
		typ, region, want string
	}{
		{"t2.micro", "us-east-1", "0.0116"},
		{"t3.micro", "us-east-1", "0.0104"},
		{"m5.large", "us-east-1", "0.096"},
		{"c5.large", "us-east-1", "0.085"},
		{"r5.large", "us-east-1", "0.126"},
		{"m5.large", "eu-west-1", "0.107"},
	}
	for _, p := range prices {
		t.Run("price "+p.typ+" "+p.region, func(t *testing.T) {
			ty := c.Types[p.typ]
			if ty == nil {
				t.Fatalf("type %s missing", p.typ)
			}
			if got := ty.Price[p.region]; got != p.want {
				t.Errorf("Linux on-demand price = %s, want %s (AWS's published price)", got, p.want)
			}
		})
	}

	shapes := []struct {
		typ        string
		vcpus, mib int
	}{
		{"t2.micro", 1, 1024},
		{"t3.micro", 2, 1024},
		{"m5.large", 2, 8192},
		{"c5.large", 2, 4096},
		{"r5.large", 2, 16384},
	}
	for _, s := range shapes {
		t.Run("shape "+s.typ, func(t *testing.T) {
			ty := c.Types[s.typ]
			if ty == nil || ty.VCPUs != s.vcpus || ty.MemoryMiB != s.mib {
				t.Errorf("%s = %+v, want %d vCPUs %d MiB", s.typ, ty, s.vcpus, s.mib)
			}
		})
	}

	t.Run("names sorted by family then size", func(t *testing.T) {
		got := c.TypeNames()
		idx := func(n string) int { return slices.Index(got, n) }
		order := []string{"c5.large", "c5.xlarge", "m5.large", "r5.large", "t2.nano", "t2.micro", "t2.small", "t3.nano"}
		for i := 1; i < len(order); i++ {
			if idx(order[i-1]) < 0 || idx(order[i-1]) > idx(order[i]) {
				t.Errorf("%s should come before %s in %v", order[i-1], order[i], got)
			}
		}
	})
}

var amiRe = regexp.MustCompile(`^ami-[0-9a-f]{8,17}$`)

func TestDefaultImages(t *testing.T) {
	c := defaults(t)
	tests := []struct{ image, user string }{
		{"debian-12", "admin"},
		{"ubuntu-24.04", "ubuntu"},
		{"amazon-linux-2023", "ec2-user"},
	}
	seen := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.image, func(t *testing.T) {
			img := c.Images[tt.image]
			if img == nil {
				t.Fatalf("image %s missing", tt.image)
			}
			if img.User != tt.user {
				t.Errorf("default user = %q, want %q", img.User, tt.user)
			}
			if img.Arch != "x86_64" || img.RootDeviceGiB < 8 || img.Platform != "Linux/UNIX" {
				t.Errorf("image = %+v", img)
			}
			for _, region := range c.RegionNames() {
				id := img.IDs[region]
				if !amiRe.MatchString(id) {
					t.Errorf("ID in %s = %q, want an ami- ID", region, id)
				}
				if other, dup := seen[id]; dup {
					t.Errorf("%s is used by %s too", id, other)
				}
				seen[id] = tt.image + "/" + region
			}
		})
	}
}

func TestFamily(t *testing.T) {
	tests := []struct{ in, want string }{
		{"t3.micro", "t3"},
		{"m5.24xlarge", "m5"},
		{"u-6tb1.metal", "u-6tb1"},
		{"nodot", "nodot"},
		{".large", ".large"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := configs.Family(tt.in); got != tt.want {
				t.Errorf("Family(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPoolOf(t *testing.T) {
	qemuHost := "[[hosts]]\nzone = \"us-east-1a\"\ncount = 1\nvcpus = 2\nmemory_gib = 2\ndriver = \"qemu\"\nfamilies = [\"t2\"]\n"
	tests := []struct {
		name, toml, region, want string
	}{
		{"sim region: public pool", "", "us-east-1", "198.18.0.0/18"},
		{"region with a qemu host: local pool", qemuHost, "us-east-1", "127.18.0.0/18"},
		{"other region of the same config stays public", qemuHost, "us-west-2", "198.18.64.0/18"},
		{"replaced region without a local pool: its public pool",
			"[regions.us-east-1]\nzones = [\"us-east-1a\"]\npublic_pool = \"127.77.0.0/24\"\nvpc_cidr = \"172.31.0.0/16\"\nsubnet_prefix = 20\n\n" + qemuHost,
			"us-east-1", "127.77.0.0/24"},
		{"unknown region", "", "mars-1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := configs.LoadBytes([]byte(tt.toml), "t.toml")
			if err != nil {
				t.Fatal(err)
			}
			if got := c.PoolOf(tt.region); got != tt.want {
				t.Errorf("PoolOf(%s) = %q, want %q", tt.region, got, tt.want)
			}
		})
	}
}
