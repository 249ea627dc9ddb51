package cli

import (
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

var regionsCommand = &cli.Command{
	Name:  "regions",
	Usage: "list regions",
	Action: func(c *cli.Context) error {
		e, err := newEnv(c)
		if err != nil {
			return err
		}
		var out ec2.DescribeRegionsOutput
		if err := e.call("DescribeRegions", &ec2.DescribeRegionsInput{}, &out); err != nil {
			return err
		}
		v := view{data: &out, header: []string{"REGION", "DESCRIPTION", "ZONES", "CURRENT"}}
		for _, r := range out.Regions {
			cur := ""
			if r.RegionName == e.region {
				cur = "*"
			}
			v.ids = append(v.ids, r.RegionName)
			v.rows = append(v.rows, []string{r.RegionName, r.Description, itoa(len(e.cfg.Regions[r.RegionName].Zones)), cur})
		}
		return e.print(v)
	},
}
