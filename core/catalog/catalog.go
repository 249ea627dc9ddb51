// Package catalog is what a region offers, read from the configuration:
// its regions and zones, the instance types with their on-demand prices,
// and the images (AMIs) with their per-region IDs. It keeps no state of
// its own; other families ask it to resolve an image or price a type.
package catalog

import (
	"context"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
)

// Catalog answers the catalogue's actions from a configuration.
type Catalog struct {
	cfg *configs.Config
}

// New returns the catalogue of cfg.
func New(cfg *configs.Config) *Catalog { return &Catalog{cfg: cfg} }

// Actions are the catalogue's actions, all EC2's own.
func (c *Catalog) Actions() []actions.Def {
	return []actions.Def{
		actions.New("DescribeRegions", actions.Public, c.DescribeRegions),
		actions.New("DescribeAvailabilityZones", actions.Public, c.DescribeAvailabilityZones),
		actions.New("DescribeInstanceTypes", actions.Public, c.DescribeInstanceTypes),
		actions.New("DescribeImages", actions.Public, c.DescribeImages),
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

// Offered lists the types with a price in the region, in catalogue order.
func (c *Catalog) Offered(region string) []string {
	var out []string
	for _, n := range c.cfg.TypeNames() {
		if _, ok := c.cfg.Types[n].Price[region]; ok {
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

// regionOf checks a region exists.
func (c *Catalog) regionOf(name string) (*configs.Region, error) {
	r, ok := c.cfg.Regions[name]
	if !ok {
		return nil, ec2.Errorf(ec2.CodeInvalidRegion, "the region '%s' does not exist", name)
	}
	return r, nil
}

var regionSpec = &describe.Spec[ec2.Region]{
	Fields: []describe.Field[ec2.Region]{
		{Name: "region-name", Value: func(r ec2.Region) string { return r.RegionName }},
		{Name: "endpoint", Value: func(r ec2.Region) string { return r.Endpoint }},
		{Name: "opt-in-status", Value: func(r ec2.Region) string { return r.OptInStatus }},
	},
	Key: func(k *describe.Key, r ec2.Region) { k.Str(r.RegionName) },
}

// DescribeRegions lists the configured regions.
func (c *Catalog) DescribeRegions(ctx context.Context, _ string, in *ec2.DescribeRegionsInput) (*ec2.DescribeRegionsOutput, error) {
	plan, err := regionSpec.Compile(describe.Query{Filters: in.Filters, IDs: in.RegionNames})
	if err != nil {
		return nil, err
	}
	var all []ec2.Region
	for _, n := range c.cfg.RegionNames() {
		all = append(all, ec2.Region{RegionName: n, Endpoint: "ec2." + n + ".amazonaws.com",
			OptInStatus: "opt-in-not-required", Description: c.cfg.Regions[n].Description})
	}
	items := all
	if len(in.RegionNames) > 0 {
		items = nil
		for _, n := range in.RegionNames {
			if c.cfg.Regions[n] == nil {
				return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid region: %s", n)
			}
		}
		for _, r := range all {
			if contains(in.RegionNames, r.RegionName) {
				items = append(items, r)
			}
		}
	}
	out, _ := plan.Page(plan.Filter(items))
	return &ec2.DescribeRegionsOutput{Regions: nonNil(out)}, nil
}

// regionAbbrev is the zone-ID prefix AWS uses (use1 for us-east-1).
func regionAbbrev(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) != 3 {
		return region
	}
	dir := parts[1]
	short := map[string]string{"east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
		"northeast": "ne", "southeast": "se", "northwest": "nw", "southwest": "sw"}
	if s, ok := short[dir]; ok {
		dir = s
	}
	return parts[0] + dir + parts[2]
}

// ZoneID is a zone's ID (use1-az1), from its place in the region.
func ZoneID(region string, index int) string {
	return regionAbbrev(region) + "-az" + strconv.Itoa(index+1)
}

var zoneSpec = &describe.Spec[ec2.AvailabilityZone]{
	Fields: []describe.Field[ec2.AvailabilityZone]{
		{Name: "zone-name", Value: func(z ec2.AvailabilityZone) string { return z.ZoneName }},
		{Name: "zone-id", Value: func(z ec2.AvailabilityZone) string { return z.ZoneId }},
		{Name: "region-name", Value: func(z ec2.AvailabilityZone) string { return z.RegionName }},
		{Name: "state", Value: func(z ec2.AvailabilityZone) string { return z.State }},
		{Name: "zone-type", Value: func(z ec2.AvailabilityZone) string { return z.ZoneType }},
	},
	Key: func(k *describe.Key, z ec2.AvailabilityZone) { k.Str(z.ZoneName) },
}

// DescribeAvailabilityZones lists the zones of a region.
func (c *Catalog) DescribeAvailabilityZones(ctx context.Context, region string, in *ec2.DescribeAvailabilityZonesInput) (*ec2.DescribeAvailabilityZonesOutput, error) {
	r, err := c.regionOf(region)
	if err != nil {
		return nil, err
	}
	plan, err := zoneSpec.Compile(describe.Query{Filters: in.Filters})
	if err != nil {
		return nil, err
	}
	var all []ec2.AvailabilityZone
	for i, z := range r.Zones {
		all = append(all, ec2.AvailabilityZone{ZoneName: z, ZoneId: ZoneID(region, i), RegionName: region,
			State: "available", ZoneType: "availability-zone"})
	}
	items := all
	if len(in.ZoneNames) > 0 || len(in.ZoneIds) > 0 {
		items = nil
		for _, z := range all {
			if contains(in.ZoneNames, z.ZoneName) || contains(in.ZoneIds, z.ZoneId) {
				items = append(items, z)
			}
		}
		for _, n := range in.ZoneNames {
			if !containsZone(all, n) {
				return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The zone '%s' does not exist.", n)
			}
		}
	}
	out, _ := plan.Page(plan.Filter(items))
	return &ec2.DescribeAvailabilityZonesOutput{AvailabilityZones: nonNil(out)}, nil
}

func containsZone(zs []ec2.AvailabilityZone, name string) bool {
	for _, z := range zs {
		if z.ZoneName == name {
			return true
		}
	}
	return false
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
