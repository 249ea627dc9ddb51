package catalog

import (
	"strconv"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// RegionsCommand is `ec2x regions`: list regions.
var RegionsCommand = &cli.Command{
	Name:  "regions",
	Usage: "list regions",
	Flags: []cli.Flag{&cli.BoolFlag{Name: "all", Usage: "also the regions not opted into"}},
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
