package network

import (
	"strconv"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// SubnetsCommand is `ec2x subnets`: list the default VPC's subnets.
var SubnetsCommand = &cli.Command{
	Name:  "subnets",
	Usage: "list the default VPC's subnets (one per zone) with their free addresses",
	Action: func(c *cli.Context) error {
		e, _, err := command.Setup(c, 0, 0, "")
		if err != nil {
			return err
		}
		var out ec2.DescribeSubnetsOutput
		if err := e.Call("DescribeSubnets", &ec2.DescribeSubnetsInput{}, &out); err != nil {
			return err
		}
		v := command.View{Data: &out, Header: []string{"SUBNET ID", "ZONE", "CIDR", "FREE IPS", "VPC ID"}}
		for _, s := range out.Subnets {
			v.IDs = append(v.IDs, s.SubnetId)
			v.Rows = append(v.Rows, []string{s.SubnetId, s.AvailabilityZone, s.CidrBlock, strconv.Itoa(s.AvailableIpAddressCount), s.VpcId})
		}
		return e.Print(v)
	},
}
