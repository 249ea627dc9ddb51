package catalog

import (
	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// AZsCommand is `ec2x azs`: list the availability zones of the region.
var AZsCommand = &cli.Command{
	Name:  "azs",
	Usage: "list the availability zones of the region",
	Action: func(c *cli.Context) error {
		e, err := command.NewEnv(c)
		if err != nil {
			return err
		}
		var out ec2.DescribeAvailabilityZonesOutput
		if err := e.Call("DescribeAvailabilityZones", &ec2.DescribeAvailabilityZonesInput{}, &out); err != nil {
			return err
		}
		v := command.View{Data: &out, Header: []string{"ZONE", "ZONE ID", "REGION", "STATE"}}
		for _, z := range out.AvailabilityZones {
			v.IDs = append(v.IDs, z.ZoneName)
			v.Rows = append(v.Rows, []string{z.ZoneName, z.ZoneId, z.RegionName, z.State})
		}
		return e.Print(v)
	},
}
