package catalog

import (
	"context"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// optedIn is the opt-in status of a zone group the account opted into.
const optedIn = "opted-in"

// zoneGroup is a Local Zone or Wavelength Zone group the account opted
// into in a region; a group without one is not opted in.
type zoneGroup struct {
	GroupName   string `json:"GroupName"`
	OptInStatus string `json:"OptInStatus"`
}

// zoneGroups are azg/<region>/<group name>.
var zoneGroups = state.Table[zoneGroup]{Kind: "azg", ID: func(g *zoneGroup) string { return g.GroupName }}

// Load reads every region's zone group opt-ins, region opt-in, images,
// image tags and image settings.
func (c *Catalog) Load(ctx context.Context) error {
	for _, r := range c.rt.Regions() {
		if err := state.Load(ctx, r, zoneGroups, nil); err != nil {
			return err
		}
		if err := state.Load(ctx, r, regionOptIns, nil); err != nil {
			return err
		}
		if err := state.Load(ctx, r, AMIs, nil); err != nil {
			return err
		}
		if err := state.Load(ctx, r, imageTags, nil); err != nil {
			return err
		}
		if err := state.Load(ctx, r, imageSettingsTable, nil); err != nil {
			return err
		}
	}
	return nil
}

// optedGroups are the groups opted into in a region.
func (c *Catalog) optedGroups(region string) (map[string]bool, error) {
	r, err := c.rt.Region(region)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	_ = r.View(func(r *state.Region) error {
		for name, g := range state.Published(r, zoneGroups) {
			out[name] = g.OptInStatus == optedIn
		}
		return nil
	})
	return out, nil
}

// localZones are a region's Local Zones and Wavelength Zones as EC2
// describes them, with the account's opt-in status. The public data has
// no parent zones: each is anchored to the region's first zone, which
// handles its control plane in ec2x.
func (c *Catalog) localZones(r *configs.Region, region string, opted map[string]bool) []ec2.AvailabilityZone {
	var parent, parentID string
	if len(r.Zones) > 0 {
		parent, parentID = r.Zones[0], ZoneID(r, region, 0)
	}
	var out []ec2.AvailabilityZone
	for _, z := range c.cfg.LocalZones(region) {
		status := notOptedIn
		if opted[z.GroupName] {
			status = optedIn
		}
		out = append(out, ec2.AvailabilityZone{ZoneName: z.ZoneName, ZoneId: z.ZoneID, RegionName: region,
			State: "available", ZoneType: z.ZoneType, OptInStatus: status, GroupName: z.GroupName,
			NetworkBorderGroup: z.NetworkBorderGroup, ParentZoneName: parent, ParentZoneId: parentID,
			Messages: []ec2.AvailabilityZoneMessage{}})
	}
	return out
}

// zoneGroupOf checks a group can be opted into in a region: a Local Zone
// or Wavelength Zone group of it.
func (c *Catalog) zoneGroupOf(region, name string) error {
	if name == "" {
		return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter GroupName")
	}
	if name == region {
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "The zone group '%s' is an Availability Zone group: it needs no opting into and cannot be opted out of.", name)
	}
	for _, z := range c.cfg.LocalZones(region) {
		if z.GroupName == name {
			return nil
		}
	}
	return ec2.Errorf(ec2.CodeInvalidParameterValue, "The zone group '%s' does not exist in %s.", name, region)
}

// ModifyAvailabilityZoneGroup opts the account into a Local Zone or
// Wavelength Zone group of the region, as EC2 does: opted-in is the only
// status it takes (opting out is ResetAvailabilityZoneGroup, ec2x's
// stand-in for asking AWS Support).
func (c *Catalog) ModifyAvailabilityZoneGroup(ctx context.Context, region string, in *ec2.ModifyAvailabilityZoneGroupInput) (*ec2.ModifyAvailabilityZoneGroupOutput, error) {
	if err := c.zoneGroupOf(region, in.GroupName); err != nil {
		return nil, err
	}
	switch in.OptInStatus {
	case optedIn:
	case "":
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter OptInStatus")
	case notOptedIn:
		return nil, ec2.Errorf(ec2.CodeInvalidOptInStatus, "Opting out of Local Zones is not currently supported. Contact AWS Support for additional assistance.")
	default:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter OptInStatus is invalid. Valid values: opted-in, not-opted-in.", in.OptInStatus)
	}
	if in.DryRun {
		return nil, state.DryRun()
	}
	err := c.rt.Update(ctx, region, func(tx *state.Tx) error {
		if g := state.Get(tx, zoneGroups, in.GroupName); g == nil || g.OptInStatus != optedIn {
			state.Put(tx, zoneGroups, &zoneGroup{GroupName: in.GroupName, OptInStatus: optedIn})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.ModifyAvailabilityZoneGroupOutput{Return: true}, nil
}

// ResetAvailabilityZoneGroup opts the account out of a zone group. EC2
// refuses while the account has resources in the group's zones; ec2x
// places nothing in Local Zones or Wavelength Zones yet, so there are
// none to check.
func (c *Catalog) ResetAvailabilityZoneGroup(ctx context.Context, region string, in *ec2.ResetAvailabilityZoneGroupInput) (*ec2.ResetAvailabilityZoneGroupOutput, error) {
	if err := c.zoneGroupOf(region, in.GroupName); err != nil {
		return nil, err
	}
	err := c.rt.Update(ctx, region, func(tx *state.Tx) error {
		if state.Get(tx, zoneGroups, in.GroupName) != nil {
			state.Delete(tx, zoneGroups, in.GroupName)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.ResetAvailabilityZoneGroupOutput{Return: true}, nil
}

// regionOptIn records that the account enabled a region that needs
// opting into; it is kept in that region's own records.
type regionOptIn struct {
	RegionName string `json:"RegionName"`
}

// regionOptIns are ropt/<region>/<region>.
var regionOptIns = state.Table[regionOptIn]{Kind: "ropt", ID: func(o *regionOptIn) string { return o.RegionName }}

// regionStatus is a region's opt-in status: the configuration's, turned
// opted-in by EnableRegion.
func (c *Catalog) regionStatus(name string) string {
	r := c.cfg.Regions[name]
	if r == nil {
		return ""
	}
	status := optIn(r)
	if status != notOptedIn || c.rt == nil {
		return status
	}
	reg, err := c.rt.Region(name)
	if err != nil {
		return status
	}
	_ = reg.View(func(reg *state.Region) error {
		if state.Published(reg, regionOptIns)[name] != nil {
			status = optedIn
		}
		return nil
	})
	return status
}

// RegionClosed reports whether a region needs opting into and the
// account has not: the EC2 endpoint serves no call made there.
func (c *Catalog) RegionClosed(name string) bool { return c.regionStatus(name) == notOptedIn }

// optInRegion checks a region needs opting into.
func (c *Catalog) optInRegion(name string) error {
	r := c.cfg.Regions[name]
	switch {
	case name == "":
		return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter RegionName")
	case r == nil:
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid region: %s", name)
	case optIn(r) == optInNotRequired:
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "The region '%s' is enabled by default: it needs no opting into.", name)
	}
	return nil
}

// EnableRegion (ec2x's own, as the Account API's EnableRegion) opts the
// account into a region that needs it, in one transaction.
func (c *Catalog) EnableRegion(ctx context.Context, _ string, in *ec2.EnableRegionInput) (*ec2.EnableRegionOutput, error) {
	if err := c.optInRegion(in.RegionName); err != nil {
		return nil, err
	}
	err := c.rt.Update(ctx, in.RegionName, func(tx *state.Tx) error {
		if state.Get(tx, regionOptIns, in.RegionName) == nil {
			state.Put(tx, regionOptIns, &regionOptIn{RegionName: in.RegionName})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.EnableRegionOutput{Return: true}, nil
}

// DisableRegion (ec2x's own, as the Account API's DisableRegion) opts the
// account out of a region EnableRegion enabled; one the configuration
// opts into stays enabled.
func (c *Catalog) DisableRegion(ctx context.Context, _ string, in *ec2.EnableRegionInput) (*ec2.EnableRegionOutput, error) {
	if err := c.optInRegion(in.RegionName); err != nil {
		return nil, err
	}
	err := c.rt.Update(ctx, in.RegionName, func(tx *state.Tx) error {
		if state.Get(tx, regionOptIns, in.RegionName) != nil {
			state.Delete(tx, regionOptIns, in.RegionName)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.EnableRegionOutput{Return: true}, nil
}
