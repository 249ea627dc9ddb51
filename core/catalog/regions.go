package catalog

import (
	"context"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
)

// Opt-in statuses of regions and zones, as EC2 names them.
const (
	optInNotRequired = "opt-in-not-required"
	notOptedIn       = "not-opted-in"
)

// zoneTypeAZ is the zone type of a region's own zones.
const zoneTypeAZ = "availability-zone"

// regionOf checks a region exists.
func (c *Catalog) regionOf(name string) (*configs.Region, error) {
	r, ok := c.cfg.Regions[name]
	if !ok {
		return nil, ec2.Errorf(ec2.CodeInvalidRegion, "the region '%s' does not exist", name)
	}
	return r, nil
}

// optIn is a region's opt-in status (opt-in-not-required when unset).
func optIn(r *configs.Region) string {
	if r.OptIn == "" {
		return optInNotRequired
	}
	return r.OptIn
}

var regionSpec = &describe.Spec[ec2.Region]{
	Fields: []describe.Field[ec2.Region]{
		{Name: "region-name", Value: func(r ec2.Region) string { return r.RegionName }},
		{Name: "endpoint", Value: func(r ec2.Region) string { return r.Endpoint }},
		{Name: "opt-in-status", Value: func(r ec2.Region) string { return r.OptInStatus }},
	},
	Key: func(k *describe.Key, r ec2.Region) { k.Str(r.RegionName) },
}

// DescribeRegions lists the regions the account may use; AllRegions adds
// those it has not opted into. Regions named in RegionNames are listed
// whatever their status, as EC2 does.
func (c *Catalog) DescribeRegions(ctx context.Context, _ string, in *ec2.DescribeRegionsInput) (*ec2.DescribeRegionsOutput, error) {
	plan, err := regionSpec.Compile(describe.Query{Filters: in.Filters, IDs: in.RegionNames})
	if err != nil {
		return nil, err
	}
	for _, n := range in.RegionNames {
		if c.cfg.Regions[n] == nil {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid region: %s", n)
		}
	}
	var items []ec2.Region
	for _, n := range c.cfg.RegionNames() {
		r := c.cfg.Regions[n]
		status := c.regionStatus(n)
		switch {
		case len(in.RegionNames) > 0 && !contains(in.RegionNames, n):
			continue
		case len(in.RegionNames) == 0 && !in.AllRegions && status == notOptedIn:
			continue
		}
		items = append(items, ec2.Region{RegionName: n, Endpoint: "ec2." + n + ".amazonaws.com",
			OptInStatus: status, Description: r.Description})
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

// ZoneID is the ID of zone index of a region: the configured one, else
// one from its place in the region (use1-az1).
func ZoneID(r *configs.Region, region string, index int) string {
	if index < len(r.ZoneIDs) && r.ZoneIDs[index] != "" {
		return r.ZoneIDs[index]
	}
	return regionAbbrev(region) + "-az" + strconv.Itoa(index+1)
}

func messages(z ec2.AvailabilityZone) []string {
	var out []string
	for _, m := range z.Messages {
		out = append(out, m.Message)
	}
	return out
}

func optional(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

var zoneSpec = &describe.Spec[ec2.AvailabilityZone]{
	Fields: []describe.Field[ec2.AvailabilityZone]{
		{Name: "zone-name", Value: func(z ec2.AvailabilityZone) string { return z.ZoneName }},
		{Name: "zone-id", Value: func(z ec2.AvailabilityZone) string { return z.ZoneId }},
		{Name: "region-name", Value: func(z ec2.AvailabilityZone) string { return z.RegionName }},
		{Name: "state", Value: func(z ec2.AvailabilityZone) string { return z.State }},
		{Name: "zone-type", Value: func(z ec2.AvailabilityZone) string { return z.ZoneType }},
		{Name: "opt-in-status", Value: func(z ec2.AvailabilityZone) string { return z.OptInStatus }},
		{Name: "group-name", Value: func(z ec2.AvailabilityZone) string { return z.GroupName }},
		{Name: "group-long-name", Values: func(z ec2.AvailabilityZone) []string { return optional(z.GroupLongName) }},
		{Name: "message", Values: messages},
		{Name: "parent-zone-id", Values: func(z ec2.AvailabilityZone) []string { return optional(z.ParentZoneId) }},
		{Name: "parent-zone-name", Values: func(z ec2.AvailabilityZone) []string { return optional(z.ParentZoneName) }},
	},
	Key: func(k *describe.Key, z ec2.AvailabilityZone) { k.Str(z.ZoneName) },
}

// zones is every zone of a region as EC2 describes it.
func (c *Catalog) zones(r *configs.Region, region string) []ec2.AvailabilityZone {
	status := optInNotRequired
	if c.regionStatus(region) == notOptedIn {
		status = notOptedIn
	}
	out := make([]ec2.AvailabilityZone, 0, len(r.Zones))
	for i, z := range r.Zones {
		out = append(out, ec2.AvailabilityZone{ZoneName: z, ZoneId: ZoneID(r, region, i), RegionName: region,
			State: "available", ZoneType: zoneTypeAZ, OptInStatus: status, GroupName: region,
			GroupLongName: r.Description, NetworkBorderGroup: region, Messages: []ec2.AvailabilityZoneMessage{}})
	}
	return out
}

// DescribeAvailabilityZones lists the zones of a region, by name, ID or
// filters: its Availability Zones and the Local Zones and Wavelength
// Zones of the groups the account opted into; AllAvailabilityZones adds
// the rest. Zones named by name or ID are listed whatever their status.
func (c *Catalog) DescribeAvailabilityZones(ctx context.Context, region string, in *ec2.DescribeAvailabilityZonesInput) (*ec2.DescribeAvailabilityZonesOutput, error) {
	r, err := c.regionOf(region)
	if err != nil {
		return nil, err
	}
	plan, err := zoneSpec.Compile(describe.Query{Filters: in.Filters})
	if err != nil {
		return nil, err
	}
	opted, err := c.optedGroups(region)
	if err != nil {
		return nil, err
	}
	all := append(c.zones(r, region), c.localZones(r, region, opted)...)
	for _, n := range in.ZoneNames {
		if !containsZone(all, func(z ec2.AvailabilityZone) string { return z.ZoneName }, n) {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The zone '%s' does not exist.", n)
		}
	}
	for _, id := range in.ZoneIds {
		if !containsZone(all, func(z ec2.AvailabilityZone) string { return z.ZoneId }, id) {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The zone ID '%s' does not exist.", id)
		}
	}
	named := len(in.ZoneNames) > 0 || len(in.ZoneIds) > 0
	var items []ec2.AvailabilityZone
	for _, z := range all {
		switch {
		case named && !contains(in.ZoneNames, z.ZoneName) && !contains(in.ZoneIds, z.ZoneId):
			continue
		case !named && !in.AllAvailabilityZones && z.ZoneType != zoneTypeAZ && z.OptInStatus == notOptedIn:
			continue
		}
		items = append(items, z)
	}
	out, _ := plan.Page(plan.Filter(items))
	return &ec2.DescribeAvailabilityZonesOutput{AvailabilityZones: nonNil(out)}, nil
}

func containsZone(zs []ec2.AvailabilityZone, key func(ec2.AvailabilityZone) string, want string) bool {
	for _, z := range zs {
		if key(z) == want {
			return true
		}
	}
	return false
}
