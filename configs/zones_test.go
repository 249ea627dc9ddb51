package configs_test

import (
	"strings"
	"testing"

	"github.com/ec2x/ec2x/configs"
)

// TestLocalZones: zones.json decodes, says where it comes from, and holds
// only zones of configured regions, each once, with the zone type and
// network border group EC2 gives its kind.
func TestLocalZones(t *testing.T) {
	cfg, err := configs.Load(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if src := configs.ZonesSource(); !strings.Contains(src, "github.com/infracost/infracost@") {
		t.Errorf("Source %q", src)
	}
	seen := map[string]bool{}
	n := 0
	for _, region := range cfg.RegionNames() {
		for _, z := range cfg.LocalZones(region) {
			n++
			if seen[z.ZoneName] || seen[z.ZoneID] {
				t.Errorf("%s (%s) twice", z.ZoneName, z.ZoneID)
			}
			seen[z.ZoneName], seen[z.ZoneID] = true, true
			if z.Region != region || !strings.HasPrefix(z.ZoneName, region+"-") || !strings.HasPrefix(z.GroupName, region+"-") {
				t.Errorf("%s of group %s listed in %s", z.ZoneName, z.GroupName, region)
			}
			switch z.ZoneType {
			case configs.ZoneTypeLocal:
				if z.NetworkBorderGroup != z.GroupName {
					t.Errorf("local zone %s: border group %s, group %s", z.ZoneName, z.NetworkBorderGroup, z.GroupName)
				}
			case configs.ZoneTypeWavelength:
				if z.NetworkBorderGroup != z.ZoneName || !strings.Contains(z.GroupName, "-wl") {
					t.Errorf("wavelength zone %s: border group %s, group %s", z.ZoneName, z.NetworkBorderGroup, z.GroupName)
				}
			default:
				t.Errorf("%s: zone type %q", z.ZoneName, z.ZoneType)
			}
		}
	}
	for _, tc := range []struct{ region, zone, id string }{
		{"us-east-1", "us-east-1-bos-1a", "use1-bos1-az1"},
		{"us-west-2", "us-west-2-lax-1a", "usw2-lax1-az1"},
		{"af-south-1", "af-south-1-los-1a", "afs1-los1-az1"},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			for _, z := range cfg.LocalZones(tc.region) {
				if z.ZoneName == tc.zone {
					if z.ZoneID != tc.id {
						t.Errorf("ID %s, want %s", z.ZoneID, tc.id)
					}
					return
				}
			}
			t.Errorf("not listed in %s", tc.region)
		})
	}
	if n < 50 || len(cfg.LocalZones("mars-1")) != 0 {
		t.Errorf("%d zones", n)
	}
}
