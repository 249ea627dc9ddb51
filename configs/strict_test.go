package configs_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/configs"
)

// oddType is a complete instance type of 6 lines.
const oddType = "[types.\"t3.odd\"]\nvcpus = 2\nmemory_mib = 1024\nmax_enis = 2\nipv4_per_eni = 2\narch = [\"x86_64\"]\n"

// TestNumbersRefused: a number that is not finite or out of its range is a
// config error naming file, line and key, for every kind of numeric
// setting (durations, ratios, percentages, counts, prices). Before, NaN
// passed every `< 0` check and crashed the daemon later.
func TestNumbersRefused(t *testing.T) {
	tests := []struct {
		name string
		toml string
		line int
		key  string
		msg  string
	}{
		{"boot nan", "[sim]\nboot_seconds = nan\n", 2, "sim.boot_seconds", "must be a finite number, not NaN"},
		{"boot inf", "[sim]\nboot_seconds = inf\n", 2, "sim.boot_seconds", "not +Inf"},
		{"boot 1e308: no duration that long", "[sim]\nboot_seconds = 1e308\n", 2, "sim.boot_seconds", "must be at most 86400"},
		{"stop -inf", "[sim]\nstop_seconds = -inf\n", 2, "sim.stop_seconds", "not -Inf"},
		{"monitor interval nan", "[monitor]\ninterval_seconds = nan\n", 2, "monitor.interval_seconds", "finite"},
		{"monitor interval zero", "[monitor]\ninterval_seconds = 0\n", 2, "monitor.interval_seconds", "must be positive"},
		{"terminated visible 1e308", "[lifecycle]\nterminated_visible_seconds = 1e308\n", 2, "lifecycle.terminated_visible_seconds", "must be at most"},
		{"reprice nan", "[spot]\nreprice_minutes = nan\n", 2, "spot.reprice_minutes", "finite"},
		{"history 1e308", "[spot]\nhistory_days = 1e308\n", 2, "spot.history_days", "must be at most 3650"},
		{"public IPv4 price nan", "[pricing]\npublic_ipv4_hourly = \"nan\"\n", 2, "pricing.public_ipv4_hourly", `"nan" is not a decimal USD amount`},
		{"public IPv4 price 1e308", "[pricing]\npublic_ipv4_hourly = \"1e308\"\n", 2, "pricing.public_ipv4_hourly", "not a decimal USD amount"},
		{"workload mean nan", "[workloads.mine]\nmean = nan\n", 2, "workloads.mine.mean", "finite"},
		{"workload noise inf", "[workloads.mine]\nmean = 1.0\nnoise = inf\n", 3, "workloads.mine.noise", "finite"},
		{"elastic IPs past any pool", "[limits]\nelastic_ips_per_region = 9223372036854775807\n", 2, "limits.elastic_ips_per_region", "must be at most"},
		{"host cpu overcommit inf", host("us-east-1a") + "cpu_overcommit = inf\n", 6, "hosts.cpu_overcommit", "hosts[0]: cpu_overcommit must be a finite number, not +Inf"},
		{"host mem overcommit nan in the second entry", host("us-east-1a") + host("us-east-1b") + "mem_overcommit = nan\n", 11, "hosts.mem_overcommit", "hosts[1]: mem_overcommit must be a finite number"},
		{"host count past any machine room", strings.Replace(host("us-east-1a"), "count = 1", "count = 100000000", 1), 3, "hosts.count", "hosts[0]: count must be at most"},
		{"type baseline nan", oddType + "burstable = true\ncredit_mode = \"standard\"\nbaseline_percent = nan\n", 9, `types."t3.odd".baseline_percent`, "finite"},
		{"type credits inf, burstable or not", oddType + "credits_per_hour = inf\n", 7, `types."t3.odd".credits_per_hour`, "finite"},
		{"type vcpus past any machine", strings.Replace(oddType, "vcpus = 2", "vcpus = 1000000", 1), 2, `types."t3.odd".vcpus`, "must be at most"},
		{"type price inf", oddType + "price = { us-east-1 = \"0.01\", eu-west-1 = \"inf\" }\n", 7, `types."t3.odd".price`, `price in eu-west-1 "inf" is not a decimal USD amount`},
		{"image created not a time", "[images.\"mine\"]\narch = \"x86_64\"\nuser = \"u\"\nids = { us-east-1 = \"ami-0123456789abcdef0\" }\ncreated = \"yesterday\"\n", 5, `images.mine.created`, `created must be a time like 2026-11-01T06:12:40Z, not "yesterday"`},
		{"image root volume past EBS", "[images.\"debian-12\"]\nroot_device_gib = 100000\n", 2, `images.debian-12.root_device_gib`, "must be at most 16384"},
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

// TestClientRefusesNumbers: the command line's own load (which decides
// whether a daemon may start) refuses them too, with the user's line.
func TestClientRefusesNumbers(t *testing.T) {
	home := writeHome(t, "[sim]\nstop_seconds = 1\nboot_seconds = nan\n")
	_, err := configs.LoadClient(home)
	var ce *configs.Error
	if !errors.As(err, &ce) || ce.Line != 3 || ce.Key != "sim.boot_seconds" {
		t.Fatalf("LoadClient = %v, want an error at line 3, key sim.boot_seconds", err)
	}
}

// TestModuleNames: a built-in module is known at load, so naming one that
// does not price the kind asked for is an error there; any other name may
// be an installed plugin, which only the daemon knows, so CheckModules
// decides with what the daemon finds and still names file, line and key.
func TestModuleNames(t *testing.T) {
	loadErr := []struct {
		name string
		toml string
		line int
		key  string
		msg  string
	}{
		{"spot priced by the reserved module", "[pricing]\nspot_module = \"reserved\"\n", 2, "pricing.spot_module",
			`module "reserved" does not price spot (it prices reserved)`},
		{"reserved priced by the ondemand module in one region", "[pricing.regions.eu-west-1]\nreserved_module = \"ondemand\"\n", 2,
			"pricing.regions.eu-west-1.reserved_module", `module "ondemand" does not price reserved`},
		{"not a module name", "[pricing]\n\nreserved_module = \"Bad Name\"\n", 3, "pricing.reserved_module", "is not a module name"},
	}
	for _, tt := range loadErr {
		t.Run(tt.name, func(t *testing.T) {
			_, err := configs.LoadBytes([]byte(tt.toml), "t.toml")
			var ce *configs.Error
			if !errors.As(err, &ce) || ce.Line != tt.line || ce.Key != tt.key || !strings.Contains(ce.Msg, tt.msg) {
				t.Fatalf("LoadBytes = %v, want t.toml:%d key %s: ...%s", err, tt.line, tt.key, tt.msg)
			}
		})
	}

	// What a daemon finds: the built-ins and one installed plugin.
	installed := map[string][]string{"spot": {"spot"}, "reserved": {"reserved"}, "ondemand": {"ondemand"}, "flat": {"ondemand", "reserved"}}
	lookup := func(name string) ([]string, bool) { k, ok := installed[name]; return k, ok }
	startErr := []struct {
		name string
		toml string
		line int
		key  string
		msg  string // "" when the daemon may start
	}{
		{"built-ins", "", 0, "", ""},
		{"an installed plugin", "[pricing.regions.us-west-2]\nreserved_module = \"flat\"\n", 0, "", ""},
		{"spot by a module that is nowhere", "[pricing]\nspot_module = \"nope\"\n", 2, "pricing.spot_module",
			`no pricing module "nope": not built in (ondemand, reserved, spot) and not installed (ec2x plugin ls)`},
		{"a region's module that is nowhere", "[pricing.regions.eu-west-1]\n\nspot_module = \"gone\"\n", 3,
			"pricing.regions.eu-west-1.spot_module", `no pricing module "gone"`},
		{"an installed plugin of the wrong kind", "[pricing]\nspot_module = \"flat\"\n", 2, "pricing.spot_module",
			`module "flat" does not price spot (it prices ondemand, reserved)`},
	}
	for _, tt := range startErr {
		t.Run("daemon start: "+tt.name, func(t *testing.T) {
			c, err := configs.LoadBytes([]byte(tt.toml), "t.toml")
			if err != nil {
				t.Fatal(err)
			}
			err = c.CheckModules(lookup)
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("CheckModules = %v, want nil", err)
				}
				return
			}
			var ce *configs.Error
			if !errors.As(err, &ce) || ce.File != "t.toml" || ce.Line != tt.line || ce.Key != tt.key || !strings.Contains(ce.Msg, tt.msg) {
				t.Fatalf("CheckModules = %v, want t.toml:%d key %s: ...%s", err, tt.line, tt.key, tt.msg)
			}
		})
	}
}
