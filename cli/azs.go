package cli

import (
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

var azsCommand = &cli.Command{
	Name:  "azs",
	Usage: "list the availability zones of the region",
	Action: func(c *cli.Context) error {
		e, err := newEnv(c)
		if err != nil {
			return err
		}
		var out ec2.DescribeAvailabilityZonesOutput
		if err := e.call("DescribeAvailabilityZones", &ec2.DescribeAvailabilityZonesInput{}, &out); err != nil {
			return err
		}
		v := view{data: &out, header: []string{"ZONE", "ZONE ID", "REGION", "STATE"}}
		for _, z := range out.AvailabilityZones {
			v.ids = append(v.ids, z.ZoneName)
			v.rows = append(v.rows, []string{z.ZoneName, z.ZoneId, z.RegionName, z.State})
		}
		return e.print(v)
	},
}
