package network

import (
	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// SubnetsCommand is `ec2x subnets`: every subnet, as `subnet ls`.
var SubnetsCommand = &cli.Command{
	Name:  "subnets",
	Usage: "list the region's subnets with their free addresses (as subnet ls)",
	Action: func(c *cli.Context) error {
		e, _, err := command.Setup(c, 0, 0, "")
		if err != nil {
			return err
		}
		return listSubnets(e, &ec2.DescribeSubnetsInput{})
	},
}
