package cli

import (
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

var subnetsCommand = &cli.Command{
	Name:  "subnets",
	Usage: "list the default VPC's subnets (one per zone) with their free addresses",
	Action: func(c *cli.Context) error {
		e, _, err := setup(c, 0, 0, "")
		if err != nil {
			return err
		}
		var out ec2.DescribeSubnetsOutput
		if err := e.call("DescribeSubnets", &ec2.DescribeSubnetsInput{}, &out); err != nil {
			return err
		}
		v := view{data: &out, header: []string{"SUBNET ID", "ZONE", "CIDR", "FREE IPS", "VPC ID"}}
		for _, s := range out.Subnets {
			v.ids = append(v.ids, s.SubnetId)
			v.rows = append(v.rows, []string{s.SubnetId, s.AvailabilityZone, s.CidrBlock, itoa(s.AvailableIpAddressCount), s.VpcId})
		}
		return e.print(v)
	},
}
