package catalog

import (
	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// AZsCommand is `ec2x azs`: list the zones of the region, and opt the
// account into or out of a Local Zone or Wavelength Zone group.
var AZsCommand = &cli.Command{
	Name:  "azs",
	Usage: "list the zones of the region; opt into Local Zone and Wavelength Zone groups",
	Flags: []cli.Flag{&cli.BoolFlag{Name: "all", Usage: "also the Local Zones and Wavelength Zones not opted into"}},
	Subcommands: []*cli.Command{
		{Name: "opt-in", Usage: "opt into a Local Zone or Wavelength Zone group (ModifyAvailabilityZoneGroup)", ArgsUsage: "GROUP", Action: azsOptIn},
		{Name: "opt-out", Usage: "opt out of a Local Zone or Wavelength Zone group", ArgsUsage: "GROUP", Action: azsOptOut},
	},
	Action: azsList,
}

func azsList(c *cli.Context) error {
	e, err := command.NewEnv(c)
	if err != nil {
		return err
	}
	var out ec2.DescribeAvailabilityZonesOutput
	if err := e.Call("DescribeAvailabilityZones", &ec2.DescribeAvailabilityZonesInput{AllAvailabilityZones: c.Bool("all")}, &out); err != nil {
		return err
	}
	v := command.View{Data: &out, Header: []string{"ZONE", "ZONE ID", "REGION", "STATE", "TYPE", "GROUP", "OPT-IN", "PARENT"}}
	for _, z := range out.AvailabilityZones {
		parent := z.ParentZoneName
		if parent == "" {
			parent = "-"
		}
		v.IDs = append(v.IDs, z.ZoneName)
		v.Rows = append(v.Rows, []string{z.ZoneName, z.ZoneId, z.RegionName, z.State, z.ZoneType, z.GroupName, z.OptInStatus, parent})
	}
	return e.Print(v)
}

func azsOptIn(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "zone group name")
	if err != nil {
		return err
	}
	var out ec2.ModifyAvailabilityZoneGroupOutput
	if err := e.Call("ModifyAvailabilityZoneGroup", &ec2.ModifyAvailabilityZoneGroupInput{GroupName: args[0], OptInStatus: "opted-in"}, &out); err != nil {
		return err
	}
	return e.Print(command.View{Data: &out, IDs: args, Header: []string{"GROUP", "OPT-IN"}, Rows: [][]string{{args[0], "opted-in"}}})
}

func azsOptOut(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "zone group name")
	if err != nil {
		return err
	}
	var out ec2.ResetAvailabilityZoneGroupOutput
	if err := e.Call("ResetAvailabilityZoneGroup", &ec2.ResetAvailabilityZoneGroupInput{GroupName: args[0]}, &out); err != nil {
		return err
	}
	return e.Print(command.View{Data: &out, IDs: args, Header: []string{"GROUP", "OPT-IN"}, Rows: [][]string{{args[0], "not-opted-in"}}})
}
