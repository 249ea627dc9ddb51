package configs_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/configs"
)

// TestFleetAddsHosts: a user's [[hosts]] adds to the built-in sim fleet of
// every region, so one qemu host does not take away the capacity of other
// regions, zones and families; [fleet] builtin_hosts = false makes the
// user's hosts the whole fleet.
func TestFleetAddsHosts(t *testing.T) {
	base := defaults(t)
	qemu := "[[hosts]]\nzone = \"us-east-1a\"\ncount = 1\ndriver = \"qemu\"\nfamilies = [\"t3\"]\n"
	zones := func(c *configs.Config, driver string) map[string]int {
		z := map[string]int{}
		for _, h := range c.Hosts {
			if h.Driver == driver {
				z[h.Zone] += h.Count
			}
		}
		return z
	}
	t.Run("a qemu host is added to the built-in sim fleet", func(t *testing.T) {
		c, err := configs.LoadBytes([]byte(qemu), "t.toml")
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Hosts) != len(base.Hosts)+1 {
			t.Fatalf("%d host groups, want the %d built-in ones and the user's", len(c.Hosts), len(base.Hosts))
		}
		sim := zones(c, "sim")
		for _, z := range []string{"us-east-1a", "us-east-1b", "eu-west-1a", "ap-northeast-1a"} {
			if sim[z] == 0 {
				t.Errorf("no sim host left in %s: %v", z, sim)
			}
		}
		q := c.Hosts[len(c.Hosts)-1]
		if q.Driver != "qemu" || q.Zone != "us-east-1a" || q.VCPUs != runtime.NumCPU() {
			t.Errorf("user's host = %+v", q)
		}
	})
	t.Run("builtin_hosts = false: the user's hosts are the whole fleet", func(t *testing.T) {
		c, err := configs.LoadBytes([]byte("[fleet]\nbuiltin_hosts = false\n\n"+qemu), "t.toml")
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Hosts) != 1 || c.Hosts[0].Driver != "qemu" || len(zones(c, "sim")) != 0 {
			t.Errorf("hosts = %+v, want the qemu host alone", c.Hosts)
		}
	})
	t.Run("built-in hosts of a zone the user's region drops are left out", func(t *testing.T) {
		region := "[regions.us-west-2]\nzones = [\"us-west-2a\"]\npublic_pool = \"198.18.64.0/18\"\nvpc_cidr = \"172.31.0.0/16\"\nsubnet_prefix = 20\n"
		c, err := configs.LoadBytes([]byte(region), "t.toml")
		if err != nil {
			t.Fatal(err)
		}
		z := zones(c, "sim")
		if z["us-west-2a"] == 0 || z["us-west-2b"] != 0 || z["us-east-1a"] == 0 {
			t.Errorf("sim hosts by zone = %v, want us-west-2a and us-east-1a kept, us-west-2b gone", z)
		}
	})
}

// TestFleetErrors: a problem in a user's host entry points at that entry
// in the user's file, though the built-in groups come first; an empty
// fleet is an error at the switch that emptied it.
func TestFleetErrors(t *testing.T) {
	tests := []struct {
		name, toml string
		line       int
		key, msg   string
	}{
		{"second user entry", host("us-east-1a") + "\n" + host("us-east-1z"), 8, "hosts.zone", `hosts[1]: zone "us-east-1z"`},
		{"no hosts at all", "region = \"us-east-1\"\n\n[fleet]\nbuiltin_hosts = false\n", 4, "fleet.builtin_hosts", "no hosts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := configs.LoadBytes([]byte(tt.toml), "t.toml")
			var ce *configs.Error
			if !errors.As(err, &ce) || ce.File != "t.toml" || ce.Line != tt.line || ce.Key != tt.key || !strings.Contains(ce.Msg, tt.msg) {
				t.Fatalf("LoadBytes = %v, want t.toml:%d key %s: ...%s", err, tt.line, tt.key, tt.msg)
			}
		})
	}
}
