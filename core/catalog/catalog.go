// Package catalog is what a region offers, read from the configuration:
// its regions and zones, the instance types with their on-demand prices,
// and the images (AMIs) with their per-region IDs. It keeps no state of
// its own (only the types as each region describes them, made once) but
// the Local Zone and Wavelength Zone groups the account opted into, the
// account's images and its image settings (block public access, Allowed
// AMIs); other families ask it to resolve an image or price a type.
package catalog

import (
	"strconv"
	"sync"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/state"
)

// Catalog answers the catalogue's actions from a configuration.
type Catalog struct {
	cfg   *configs.Config
	rt    *state.Runtime
	names []string // the types in catalogue order, sorted once

	mu    sync.Mutex
	items map[string][]typeItem // region -> every type as it describes it
}

// New returns the catalogue of cfg, keeping its zone group opt-ins in rt.
func New(cfg *configs.Config, rt *state.Runtime) *Catalog {
	return &Catalog{cfg: cfg, rt: rt, names: cfg.TypeNames(), items: map[string][]typeItem{}}
}

// Actions are the catalogue's actions, all EC2's own.
func (c *Catalog) Actions() []actions.Def {
	return []actions.Def{
		actions.New("DescribeRegions", actions.Public, c.DescribeRegions),
		actions.New("DescribeAvailabilityZones", actions.Public, c.DescribeAvailabilityZones),
		actions.New("ModifyAvailabilityZoneGroup", actions.Public, c.ModifyAvailabilityZoneGroup),
		actions.New("ResetAvailabilityZoneGroup", actions.Local, c.ResetAvailabilityZoneGroup),
		actions.New("EnableRegion", actions.Local, c.EnableRegion),
		actions.New("DisableRegion", actions.Local, c.DisableRegion),
		actions.New("DescribeInstanceTypes", actions.Public, c.DescribeInstanceTypes),
		actions.New("DescribeInstanceTypeOfferings", actions.Public, c.DescribeInstanceTypeOfferings),
		actions.New("GetInstanceTypesFromInstanceRequirements", actions.Public, c.GetInstanceTypesFromInstanceRequirements),
		actions.New("DescribeImages", actions.Public, c.DescribeImages),
		actions.New("EnableImageBlockPublicAccess", actions.Public, c.EnableImageBlockPublicAccess),
		actions.New("DisableImageBlockPublicAccess", actions.Public, c.DisableImageBlockPublicAccess),
		actions.New("GetImageBlockPublicAccessState", actions.Public, c.GetImageBlockPublicAccessState),
		actions.New("EnableAllowedImagesSettings", actions.Public, c.EnableAllowedImagesSettings),
		actions.New("DisableAllowedImagesSettings", actions.Public, c.DisableAllowedImagesSettings),
		actions.New("GetAllowedImagesSettings", actions.Public, c.GetAllowedImagesSettings),
		actions.New("ReplaceImageCriteriaInAllowedImagesSettings", actions.Public, c.ReplaceImageCriteriaInAllowedImagesSettings),
	}
}

// Type returns an instance type, or nil.
func (c *Catalog) Type(name string) *configs.InstType { return c.cfg.Types[name] }

// OnDemand is a type's on-demand price in a region, in USD per hour (0 when
// it has none).
func (c *Catalog) OnDemand(region, typ string) float64 {
	t := c.cfg.Types[typ]
	if t == nil {
		return 0
	}
	p, _ := strconv.ParseFloat(t.Price[region], 64)
	return p
}

// Offered lists the types the spot and reserved markets quote in the
// region, in catalogue order: those with a price there that the markets
// quote (configs.Config.Quoted).
func (c *Catalog) Offered(region string) []string {
	var out []string
	for _, n := range c.names {
		if _, ok := c.cfg.Types[n].Price[region]; ok && c.cfg.Quoted(n) {
			out = append(out, n)
		}
	}
	return out
}

// USD formats an amount as EC2 prints prices: a decimal string.
func USD(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }

// RoundPrice keeps six decimals, as EC2 quotes prices.
func RoundPrice(p float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(p, 'f', 6, 64), 64)
	return v
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// nonNil keeps empty answers lists, for jq.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
