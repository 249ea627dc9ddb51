package catalog

import (
	"strconv"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// RegionsCommand is `ec2x regions`: list regions, and opt into those
// that need it.
var RegionsCommand = &cli.Command{
	Name:  "regions",
	Usage: "list regions; opt into those that need it",
	Flags: []cli.Flag{&cli.BoolFlag{Name: "all", Usage: "also the regions not opted into"}},
	Subcommands: []*cli.Command{
		{Name: "enable", Usage: "opt into a region that needs it (as the Account API's EnableRegion)", ArgsUsage: "REGION",
			Action: func(c *cli.Context) error { return regionOptIn(c, "EnableRegion", "opted-in") }},
		{Name: "disable", Usage: "opt out of a region enabled with regions enable", ArgsUsage: "REGION",
			Action: func(c *cli.Context) error { return regionOptIn(c, "DisableRegion", "not-opted-in") }},
	},
	Action: func(c *cli.Context) error {
		e, err := command.NewEnv(c)
		if err != nil {
			return err
		}
		var out ec2.DescribeRegionsOutput
		if err := e.Call("DescribeRegions", &ec2.DescribeRegionsInput{AllRegions: c.Bool("all")}, &out); err != nil {
			return err
		}
		v := command.View{Data: &out, Header: []string{"REGION", "DESCRIPTION", "ZONES", "OPT-IN", "CURRENT"}}
		for _, r := range out.Regions {
			cur := ""
			if r.RegionName == e.Region {
				cur = "*"
			}
			v.IDs = append(v.IDs, r.RegionName)
			v.Rows = append(v.Rows, []string{r.RegionName, r.Description, strconv.Itoa(len(e.Config.Regions[r.RegionName].Zones)), r.OptInStatus, cur})
		}
		return e.Print(v)
	},
}

// regionOptIn calls EnableRegion or DisableRegion for the region named.
func regionOptIn(c *cli.Context, action, status string) error {
	e, args, err := command.Setup(c, 1, 1, "region name")
	if err != nil {
		return err
	}
	var out ec2.EnableRegionOutput
	if err := e.Call(action, &ec2.EnableRegionInput{RegionName: args[0]}, &out); err != nil {
		return err
	}
	return e.Print(command.View{Data: &out, IDs: args, Header: []string{"REGION", "OPT-IN"}, Rows: [][]string{{args[0], status}}})
}
