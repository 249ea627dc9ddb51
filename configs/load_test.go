package configs_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/configs"
)

// replaceFleet makes the user's [[hosts]] the whole fleet (2 lines).
const replaceFleet = "[fleet]\nbuiltin_hosts = false\n"

// host is one valid [[hosts]] entry of 5 lines in zone z.
func host(z string) string {
	return "[[hosts]]\nzone = \"" + z + "\"\ncount = 1\nvcpus = 8\nmemory_gib = 8\n"
}

// TestLoadErrors: every bad config names the file, the line and the key,
// with a message that says what is wrong.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		toml string
		line int
		key  string
		msg  string // a part of the message
	}{
		{"syntax error", "[sim]\nboot_seconds = 1\nstop_seconds = = 2\n",
			3, "sim.stop_seconds", "expected value"},
		{"unterminated table header", "[sim\nboot_seconds = 1\n",
			2, "", "to end table name"},
		{"unterminated string", "region = \"us-east-1\n",
			1, "region", "newlines"},
		{"unknown top-level key", "region = \"us-east-1\"\ncolour = \"red\"\n",
			2, "colour", "unknown key"},
		{"unknown nested key", "# my config\n[sim]\nboot_second = 1\n",
			3, "sim.boot_second", "unknown key"},
		{"unknown key in the second [[hosts]]", host("us-east-1a") + "\n" + strings.Replace(host("us-east-1b"), "vcpus", "vcpu", 1),
			10, "hosts.vcpu", "unknown key"},
		{"unknown key in a quoted table", "[types.\"t2.micro\"]\nvcpu = 1\n",
			2, `types."t2.micro".vcpu`, "unknown key"},
		{"unknown key in a dotted quoted key", "region = \"us-east-1\"\ntypes.\"t3.nano\".vcpu = 1\n",
			2, `types."t3.nano".vcpu`, "unknown key"},
		{"wrong type: string for a number", "[sim]\nboot_seconds = \"fast\"\n",
			2, "sim.boot_seconds", "incompatible types"},
		{"wrong type: number for a string", "region = 1\n",
			1, "region", "incompatible types"},
		{"negative boot_seconds", "[sim]\n\nboot_seconds = -1\n",
			3, "sim.boot_seconds", "must not be negative"},
		{"negative boot_seconds as a dotted key", "sim.boot_seconds = -2\n",
			1, "sim.boot_seconds", "must not be negative"},
		{"unknown output", "output = \"yaml\"\n",
			1, "output", `output must be table, json or text, not "yaml"`},
		{"unknown guest network", "[fleet]\nguest_network = \"bridge\"\n",
			2, "fleet.guest_network", `guest_network must be auto, vpc or user, not "bridge"`},
		{"unknown default region", "region = \"mars-1\"\n",
			1, "region", `region "mars-1" is not a configured region (af-south-1, ap-east-1, ap-northeast-1,`},
		{"unknown placement strategy", "[scheduler]\nstrategy = \"random\"\n",
			2, "scheduler.strategy", "binpack or spread"},
		{"overlapping public pools",
			"[regions.us-west-2]\nzones = [\"us-west-2a\"]\npublic_pool = \"198.18.0.0/20\"\nvpc_cidr = \"172.31.0.0/16\"\nsubnet_prefix = 20\n",
			3, "regions.us-west-2.public_pool", "public_pool 198.18.0.0/20 overlaps the public pool of us-east-1"},
		{"local pool overlapping a public pool",
			"[regions.us-west-2]\nzones = [\"us-west-2a\"]\npublic_pool = \"198.18.64.0/18\"\nlocal_pool = \"198.18.1.0/24\"\nvpc_cidr = \"172.31.0.0/16\"\nsubnet_prefix = 20\n",
			4, "regions.us-west-2.local_pool", "local_pool 198.18.1.0/24 overlaps the public pool of us-east-1"},
		{"local pool not a CIDR",
			"[regions.us-west-2]\nzones = [\"us-west-2a\"]\npublic_pool = \"198.18.64.0/18\"\nlocal_pool = \"127.0.0.1\"\nvpc_cidr = \"172.31.0.0/16\"\nsubnet_prefix = 20\n",
			4, "regions.us-west-2.local_pool", `local_pool must be an IPv4 CIDR, not "127.0.0.1"`},
		{"zone not prefixed by its region",
			"[regions.us-west-2]\nzones = [\"eu-west-2a\"]\npublic_pool = \"198.19.0.0/20\"\nvpc_cidr = \"172.31.0.0/16\"\nsubnet_prefix = 20\n",
			2, "regions.us-west-2.zones", `zone "eu-west-2a" must be the region name plus one letter`},
		{"field left out of a replaced region: its header",
			"[regions.us-west-2]\nzones = [\"us-west-2a\"]\npublic_pool = \"198.18.64.0/18\"\nsubnet_prefix = 20\n",
			1, "regions.us-west-2.vpc_cidr", "vpc_cidr must be an IPv4 network CIDR"},
		{"host zone unknown", host("us-east-1z"),
			2, "hosts.zone", `hosts[0]: zone "us-east-1z" is not a zone of any configured region`},
		{"host zone unknown in the second entry", host("us-east-1a") + "\n" + host("us-east-1z"),
			8, "hosts.zone", `hosts[1]: zone "us-east-1z"`},
		{"host count left out of the third entry: its header",
			host("us-east-1a") + host("us-east-1b") + strings.Replace(host("us-east-1c"), "count = 1\n", "", 1),
			11, "hosts.count", "hosts[2]: count must be at least 1"},
		{"unknown family", host("us-east-1a") + "families = [\"t3\", \"x9\"]\n",
			6, "hosts.families", `hosts[0]: family "x9" has no instance types`},
		{"negative memory overcommit", host("us-east-1a") + "cpu_overcommit = 2.0\nmem_overcommit = -1.0\n",
			7, "hosts.mem_overcommit", "hosts[0]: mem_overcommit must not be negative"},
		{"libvirt host without its uri: the header", host("us-east-1a") + "driver = \"libvirt\"\n",
			1, "hosts.uri", "hosts[0]: a libvirt host needs uri, the libvirt URI of its host"},
		{"uri of a qemu host", host("us-east-1a") + "driver = \"qemu\"\nuri = \"qemu:///system\"\n",
			7, "hosts.uri", `hosts[0]: uri is for driver "libvirt" only, and this host's driver is "qemu"`},
		{"uri of a sim host", host("us-east-1a") + "uri = \"qemu:///system\"\n",
			6, "hosts.uri", `this host's driver is "sim"`},
		{"uri of another hypervisor", host("us-east-1a") + "driver = \"libvirt\"\nuri = \"xen:///system\"\n",
			7, "hosts.uri", `uri "xen:///system" is not a libvirt URI of QEMU`},
		{"libvirt host of count 2", strings.Replace(host("us-east-1a"), "count = 1", "count = 2", 1) + "driver = \"libvirt\"\nuri = \"qemu+tcp://10.0.0.5/system\"\n",
			3, "hosts.count", "count must be 1, not 2"},
		{"one libvirt host twice", host("us-east-1a") + "driver = \"libvirt\"\nuri = \"qemu+tcp://10.0.0.5/system\"\n" +
			host("us-east-1b") + "driver = \"libvirt\"\nuri = \"qemu+tcp://10.0.0.5/system\"\n",
			14, "hosts.uri", "hosts[0] names the same host (qemu+tcp://10.0.0.5/system): each libvirt host is one [[hosts]] entry"},
		{"a sim host without vcpus", strings.Replace(host("us-east-1a"), "vcpus = ", "vcpus = 0 #", 1),
			4, "hosts.vcpus", "hosts[0]: vcpus must be at least 1"},
		{"credential without its secret",
			"[[api.credentials]]\naccess_key_id = \"A\"\nsecret_access_key = \"B\"\n\n[[api.credentials]]\naccess_key_id = \"MINE\"\n",
			5, "api.credentials", "api.credentials[1]: every credential needs access_key_id and secret_access_key"},
		{"bad listen address", "[api]\nlisten = \"localhost:8787\"\n",
			2, "api.listen", "HOST:PORT with an IP address"},
		{"console beyond loopback without TLS", "region = \"us-east-1\"\n[console]\nlisten = \"0.0.0.0:8788\"\n",
			3, "console.listen", "reachable from other machines: set tls_cert and tls_key"},
		{"console of a host name", "[console]\nlisten = \"console.example:8788\"\n",
			2, "console.listen", "HOST:PORT with an IP address"},
		{"console certificate without its key", "[console]\nlisten = \"10.1.2.3:8788\"\ntls_cert = \"c.pem\"\n",
			3, "console.tls_cert", "tls_cert and tls_key go together"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := configs.LoadBytes([]byte(tt.toml), "t.toml")
			var ce *configs.Error
			if !errors.As(err, &ce) {
				t.Fatalf("LoadBytes = %v, want a *configs.Error", err)
			}
			if ce.File != "t.toml" || ce.Line != tt.line || ce.Key != tt.key {
				t.Errorf("error at %s:%d key %q, want t.toml:%d key %q (%v)", ce.File, ce.Line, ce.Key, tt.line, tt.key, err)
			}
			if !strings.Contains(ce.Msg, tt.msg) {
				t.Errorf("message %q does not say %q", ce.Msg, tt.msg)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		name string
		err  configs.Error
		want string
	}{
		{"file, line and key", configs.Error{File: "/h/config.toml", Line: 3, Key: "sim.boot_seconds", Msg: "must not be negative"},
			"/h/config.toml:3: key sim.boot_seconds: must not be negative"},
		{"no line", configs.Error{File: "t.toml", Key: "regions", Msg: "at least one region is required"},
			"t.toml: key regions: at least one region is required"},
		{"no key", configs.Error{File: "t.toml", Line: 2, Msg: "bad syntax"}, "t.toml:2: bad syntax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestUserOverrides: the user's file changes what it names and keeps the rest.
func TestUserOverrides(t *testing.T) {
	base := defaults(t)
	tests := []struct {
		name  string
		toml  string
		check func(t *testing.T, c *configs.Config)
	}{
		{"one key of a table", "[sim]\nboot_seconds = 0.5\n", func(t *testing.T, c *configs.Config) {
			if c.Sim.BootSeconds != 0.5 || c.Sim.StopSeconds != base.Sim.StopSeconds || c.Sim.Seed != base.Sim.Seed {
				t.Errorf("sim = %+v, want boot 0.5 and the built-in stop and seed", c.Sim)
			}
			if len(c.Types) != len(base.Types) || len(c.Hosts) != len(base.Hosts) || len(c.Regions) != len(base.Regions) {
				t.Error("the catalogue changed")
			}
		}},
		{"top-level keys", "region = \"eu-west-1\"\noutput = \"json\"\n", func(t *testing.T, c *configs.Config) {
			if c.Region != "eu-west-1" || c.Output != "json" || c.Limits != base.Limits {
				t.Errorf("region %s output %s limits %+v", c.Region, c.Output, c.Limits)
			}
		}},
		{"[[hosts]] with builtin_hosts = false replaces the whole fleet, defaults for what it leaves out", replaceFleet + host("us-west-2b"), func(t *testing.T, c *configs.Config) {
			if len(c.Hosts) != 1 {
				t.Fatalf("%d host groups, want the user's 1", len(c.Hosts))
			}
			h := c.Hosts[0]
			if h.Zone != "us-west-2b" || h.CPUOvercommit != 1 || h.MemOvercommit != 1 || h.Families != nil || h.Driver != "sim" {
				t.Errorf("host = %+v, want no overcommit, every family, driver sim", h)
			}
		}},
		{"a qemu host is this machine: its real cores and memory", replaceFleet + "[[hosts]]\nzone = \"us-east-1a\"\ncount = 1\ndriver = \"qemu\"\n",
			func(t *testing.T, c *configs.Config) {
				if h := c.Hosts[0]; h.VCPUs != runtime.NumCPU() || h.MemoryGiB < 1 {
					t.Errorf("qemu host = %d vCPUs %d GiB, want %d vCPUs and this machine's memory", h.VCPUs, h.MemoryGiB, runtime.NumCPU())
				}
			}},
		{"a libvirt host is the host its uri names", replaceFleet + host("us-east-1a") + "driver = \"libvirt\"\nuri = \"qemu+tcp://127.0.0.2/system\"\n",
			func(t *testing.T, c *configs.Config) {
				if h := c.Hosts[0]; h.Driver != "libvirt" || h.URI != "qemu+tcp://127.0.0.2/system" || h.VCPUs != 8 {
					t.Errorf("libvirt host = %+v", h)
				}
			}},
		{"libvirt hosts of their own URIs, capacity left to the engine", replaceFleet +
			"[[hosts]]\nzone = \"us-east-1a\"\ncount = 1\ndriver = \"libvirt\"\nuri = \"qemu+tcp://127.0.0.2/system\"\n" +
			"[[hosts]]\nzone = \"us-east-1a\"\ncount = 1\ndriver = \"libvirt\"\nuri = \"qemu+tcp://127.0.0.3/system\"\n",
			func(t *testing.T, c *configs.Config) {
				if len(c.Hosts) != 2 || c.Hosts[1].URI != "qemu+tcp://127.0.0.3/system" || c.Hosts[0].VCPUs != 0 || c.Hosts[0].MemoryGiB != 0 {
					t.Errorf("libvirt hosts = %+v, want two with capacity 0 (read from the host)", c.Hosts)
				}
			}},
		{"[[api.credentials]] replaces the example key", "[[api.credentials]]\naccess_key_id = \"AK\"\nsecret_access_key = \"SK\"\n",
			func(t *testing.T, c *configs.Config) {
				if len(c.API.Credentials) != 1 || c.API.Credentials[0] != (configs.Credential{AccessKeyID: "AK", SecretAccessKey: "SK"}) {
					t.Errorf("credentials = %+v", c.API.Credentials)
				}
			}},
		{"[api] without credentials keeps them", "[api]\nlisten = \"127.0.0.1:9999\"\n", func(t *testing.T, c *configs.Config) {
			if c.API.Listen != "127.0.0.1:9999" || len(c.API.Credentials) != len(base.API.Credentials) {
				t.Errorf("api = %+v", c.API)
			}
		}},
		{"a type of its own", "[types.\"t3.tiny\"]\nvcpus = 1\nmemory_mib = 256\nmax_enis = 1\nipv4_per_eni = 1\narch = [\"x86_64\"]\n",
			func(t *testing.T, c *configs.Config) {
				if c.Types["t3.tiny"] == nil || c.Types["t3.micro"] == nil || c.Types["t3.tiny"].ThreadsPerCore != 1 {
					t.Errorf("t3.tiny = %+v, t3.micro kept: %v", c.Types["t3.tiny"], c.Types["t3.micro"] != nil)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := configs.LoadBytes([]byte(tt.toml), "t.toml")
			if err != nil {
				t.Fatal(err)
			}
			if c.Source != "t.toml" {
				t.Errorf("Source = %q", c.Source)
			}
			tt.check(t, c)
		})
	}
	t.Run("loading again is unaffected", func(t *testing.T) {
		if c := defaults(t); len(c.Hosts) != len(base.Hosts) || c.Sim != base.Sim {
			t.Error("a user file leaked into the built-in defaults")
		}
	})
}

func writeHome(t *testing.T, toml string) string {
	t.Helper()
	home := t.TempDir()
	if toml != "" {
		if err := os.WriteFile(configs.Path(home), []byte(toml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return home
}

func TestLoadHome(t *testing.T) {
	tests := []struct {
		name    string
		toml    string
		wantErr string // part of the error; "" for success
		check   func(t *testing.T, home string, c *configs.Config)
	}{
		{"no file: built-in defaults", "", "", func(t *testing.T, home string, c *configs.Config) {
			if c.Source != "" || len(c.Hosts) == 0 {
				t.Errorf("Source %q, %d hosts", c.Source, len(c.Hosts))
			}
		}},
		{"the file is read", "[monitor]\ninterval_seconds = 5\n", "", func(t *testing.T, home string, c *configs.Config) {
			if c.Monitor.IntervalSeconds != 5 || c.Source != configs.Path(home) {
				t.Errorf("interval %v source %q", c.Monitor.IntervalSeconds, c.Source)
			}
		}},
		{"errors name the file", "[sim]\nseed = \"x\"\n", "config.toml:2: key sim.seed: incompatible types", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := writeHome(t, tt.toml)
			c, err := configs.Load(home)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), home) {
					t.Fatalf("Load = %v, want an error with %q naming %s", err, tt.wantErr, home)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, home, c)
		})
	}
	t.Run("unreadable file", func(t *testing.T) {
		home := t.TempDir()
		if err := os.Mkdir(filepath.Join(home, configs.FileName), 0o700); err != nil {
			t.Fatal(err)
		}
		_, err := configs.Load(home)
		var ce *configs.Error
		if !errors.As(err, &ce) || ce.File != configs.Path(home) {
			t.Fatalf("Load = %v, want a *configs.Error naming the file", err)
		}
	})
}

// TestLoadClient: the command line reads the user's file as strictly as
// the daemon, but not the catalogue.
func TestLoadClient(t *testing.T) {
	tests := []struct {
		name    string
		toml    string
		wantErr string // "" for success
		line    int
		check   func(t *testing.T, c *configs.Config)
	}{
		{"settings and regions, no catalogue", "region = \"ap-northeast-1\"\n[sim]\nboot_seconds = 0\n", "", 0,
			func(t *testing.T, c *configs.Config) {
				if c.Region != "ap-northeast-1" || c.Sim.BootSeconds != 0 || c.Sim.StopSeconds != 2 {
					t.Errorf("region %s sim %+v", c.Region, c.Sim)
				}
				if len(c.Regions) < 4 || len(c.Regions["ap-northeast-1"].Zones) == 0 {
					t.Errorf("regions = %v", c.RegionNames())
				}
				if len(c.Types) != 0 || len(c.Images) != 0 || len(c.Hosts) != 0 {
					t.Errorf("loaded %d types, %d images, %d hosts; want none", len(c.Types), len(c.Images), len(c.Hosts))
				}
			}},
		{"no file", "", "", 0, func(t *testing.T, c *configs.Config) {
			if c.Source != "" || c.Region != "us-east-1" || c.Output != "table" {
				t.Errorf("%+v", c)
			}
		}},
		{"unknown key", "[sim]\nboot_secs = 1\n", "unknown key", 2, nil},
		{"unknown key in a type", "[types.\"t2.micro\"]\nvcpu = 1\n", "unknown key", 2, nil},
		{"wrong type", "output = true\n", "incompatible types", 1, nil},
		{"bad setting", "\noutput = \"yaml\"\n", "output must be table, json or text", 2, nil},
		{"unknown region", "region = \"mars-1\"\n", "not a configured region", 1, nil},
		{"the catalogue is not checked", host("us-east-1z"), "", 0, func(t *testing.T, c *configs.Config) {
			if len(c.Hosts) != 1 {
				t.Errorf("hosts = %+v", c.Hosts)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := writeHome(t, tt.toml)
			c, err := configs.LoadClient(home)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				tt.check(t, c)
				return
			}
			var ce *configs.Error
			if !errors.As(err, &ce) {
				t.Fatalf("LoadClient = %v, want a *configs.Error", err)
			}
			if ce.File != configs.Path(home) || ce.Line != tt.line || !strings.Contains(ce.Msg, tt.wantErr) {
				t.Errorf("error %v, want %s:%d and %q", err, configs.Path(home), tt.line, tt.wantErr)
			}
		})
	}
}
