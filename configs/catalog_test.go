package configs

import "testing"

// TestGeneratedCatalogPassesChecks: loading skips the checks of the
// generated types (they would cost every start), so this test runs them:
// every type of catalog.json must pass what a user's type must.
func TestGeneratedCatalogPassesChecks(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Types) < 800 {
		t.Fatalf("%d types in the built-in catalogue, want every type EC2 sells (about 800 or more)", len(c.Types))
	}
	c.userTypes = nil
	if p := c.check(); p != nil {
		t.Fatalf("the generated catalogue fails the checks: %v %s", p.key, p.msg)
	}
}

// TestLoadsDoNotShareTypes: each load has its own copy of the generated
// types, so a daemon's changes (or a user's file) stay in one configuration.
func TestLoadsDoNotShareTypes(t *testing.T) {
	a, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	a.Types["m5.large"].Price["us-east-1"] = "999"
	a.Types["m5.large"].VCPUs = 99
	b, err := LoadBytes([]byte("[types.\"m5.large\"]\nvcpus = 4\nmemory_mib = 8192\nmax_enis = 3\nipv4_per_eni = 10\nnetwork = \"x\"\narch = [\"x86_64\"]\n"), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Types["m5.large"]; got.VCPUs != 2 || got.Price["us-east-1"] != "0.096" {
		t.Errorf("a fresh load sees m5.large with %d vCPUs at %s, want 2 at 0.096", got.VCPUs, got.Price["us-east-1"])
	}
	if b.Types["m5.large"].VCPUs != 4 {
		t.Errorf("the user's m5.large has %d vCPUs, want 4", b.Types["m5.large"].VCPUs)
	}
}

// TestRegionalPrices: regions other than us-east-1 charge their own
// published prices (ec2instances.info's data of 2025-05-28, from
// github.com/cristim/ec2-instances-info), not us-east-1's copied.
func TestRegionalPrices(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ typ, region, want string }{
		{"m5.large", "eu-west-1", "0.107"},
		{"m5.large", "ap-south-1", "0.101"},
		{"m5.large", "sa-east-1", "0.153"},
		{"m5.large", "eu-central-1", "0.115"},
		{"t3.micro", "sa-east-1", "0.0168"},
	} {
		t.Run(tc.typ+" in "+tc.region, func(t *testing.T) {
			ty := c.Types[tc.typ]
			if got := ty.Price[tc.region]; got != tc.want {
				t.Errorf("%s costs %q in %s, want the published %s", tc.typ, got, tc.region, tc.want)
			}
			if ty.Price[tc.region] == ty.Price[usEast1] {
				t.Errorf("%s costs %s in %s, as in us-east-1", tc.typ, ty.Price[tc.region], tc.region)
			}
		})
	}
}
