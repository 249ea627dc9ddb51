package network

import (
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// VPCCommand is `ec2x vpc`: virtual private clouds.
var VPCCommand = &cli.Command{
	Name:  "vpc",
	Usage: "VPCs: private networks of their own (5 per region, the default one included)",
	Subcommands: []*cli.Command{
		{
			Name:    "ls",
			Aliases: []string{"describe"},
			Usage:   "list VPCs",
			Flags:   []cli.Flag{&cli.StringSliceFlag{Name: "filter", Usage: "NAME=VALUE[,VALUE...] (repeatable)"}},
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 0, -1, "")
				if err != nil {
					return err
				}
				in := &ec2.DescribeVpcsInput{VpcIds: args}
				if in.Filters, err = command.ParseFilters(c.StringSlice("filter")); err != nil {
					return err
				}
				var out ec2.DescribeVpcsOutput
				if err := e.Call("DescribeVpcs", in, &out); err != nil {
					return err
				}
				v := command.View{Data: &out, Header: []string{"VPC ID", "CIDR", "DEFAULT", "TENANCY", "NAME"}}
				for _, x := range out.Vpcs {
					blocks := make([]string, len(x.CidrBlockAssociationSet))
					for i, b := range x.CidrBlockAssociationSet {
						blocks[i] = b.CidrBlock
					}
					v.IDs = append(v.IDs, x.VpcId)
					v.Rows = append(v.Rows, []string{x.VpcId, strings.Join(blocks, ","), strconv.FormatBool(x.IsDefault), x.InstanceTenancy, render.Dash(tagValue(x.Tags, "Name"))})
				}
				return e.Print(v)
			},
		},
		{
			Name:      "create",
			Usage:     "create a VPC with its default security group",
			ArgsUsage: "CIDR",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "tenancy", Usage: "default or dedicated"},
				&cli.StringFlag{Name: "name", Usage: "tag Name"},
				&cli.StringSliceFlag{Name: "tag", Usage: "tag KEY=VALUE (repeatable)"},
			},
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "CIDR block (e.g. 10.0.0.0/16)")
				if err != nil {
					return err
				}
				tags, err := namedTags(c)
				if err != nil {
					return err
				}
				in := &ec2.CreateVpcInput{CidrBlock: args[0], InstanceTenancy: c.String("tenancy")}
				if len(tags) > 0 {
					in.TagSpecifications = []ec2.TagSpecification{{ResourceType: "vpc", Tags: tags}}
				}
				var out ec2.VpcOutput
				if err := e.Call("CreateVpc", in, &out); err != nil {
					return err
				}
				return e.Print(command.View{Data: &out, IDs: []string{out.Vpc.VpcId}, Header: []string{"VPC ID", "CIDR", "TENANCY"},
					Rows: [][]string{{out.Vpc.VpcId, out.Vpc.CidrBlock, out.Vpc.InstanceTenancy}}})
			},
		},
		{
			Name:      "rm",
			Aliases:   []string{"delete"},
			Usage:     "delete a VPC (refused while it has subnets, groups or interfaces)",
			ArgsUsage: "VPC-ID",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "VPC ID")
				if err != nil {
					return err
				}
				var out ec2.Empty
				if err := e.Call("DeleteVpc", &ec2.VpcIdInput{VpcId: args[0]}, &out); err != nil {
					return err
				}
				return e.Print(command.DoneView(&out, args[0], "deleted"))
			},
		},
		vpcShowCommand,
		{
			Name:      "modify",
			Usage:     "turn one of a VPC's DNS attributes on or off",
			ArgsUsage: "VPC-ID",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "dns-support", Usage: "on or off: resolve DNS through the VPC"},
				&cli.StringFlag{Name: "dns-hostnames", Usage: "on or off: give instances DNS hostnames"},
			},
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "VPC ID")
				if err != nil {
					return err
				}
				in := &ec2.ModifyVpcAttributeInput{VpcId: args[0]}
				n := 0
				for _, f := range []struct {
					flag string
					to   **ec2.AttributeBooleanValue
				}{{"dns-support", &in.EnableDnsSupport}, {"dns-hostnames", &in.EnableDnsHostnames}} {
					if !c.IsSet(f.flag) {
						continue
					}
					on, err := onOff(f.flag, c.String(f.flag))
					if err != nil {
						return err
					}
					*f.to, n = ec2.BoolValue(on), n+1
				}
				if n != 1 {
					return command.Usagef("vpc modify: give one of --dns-support or --dns-hostnames")
				}
				var out ec2.Empty
				if err := e.Call("ModifyVpcAttribute", in, &out); err != nil {
					return err
				}
				return e.Print(command.DoneView(&out, args[0], "modified"))
			},
		},
	},
}

// SubnetCommand is `ec2x subnet`: a VPC's subnets.
var SubnetCommand = &cli.Command{
	Name:  "subnet",
	Usage: "subnets: a VPC's address ranges, one zone each",
	Subcommands: []*cli.Command{
		{
			Name:    "ls",
			Aliases: []string{"describe"},
			Usage:   "list subnets with their free addresses",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "vpc", Usage: "only this VPC's"},
				&cli.StringSliceFlag{Name: "filter", Usage: "NAME=VALUE[,VALUE...] (repeatable)"},
			},
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 0, -1, "")
				if err != nil {
					return err
				}
				in := &ec2.DescribeSubnetsInput{SubnetIds: args}
				if in.Filters, err = command.ParseFilters(c.StringSlice("filter")); err != nil {
					return err
				}
				if v := c.String("vpc"); v != "" {
					in.Filters = append(in.Filters, ec2.Filter{Name: "vpc-id", Values: []string{v}})
				}
				return listSubnets(e, in)
			},
		},
		{
			Name:  "create",
			Usage: "create a subnet in a VPC",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "vpc", Usage: "the VPC (required)", Required: true},
				&cli.StringFlag{Name: "cidr", Usage: "a block inside the VPC's, /16 to /28 (required)", Required: true},
				&cli.StringFlag{Name: "az", Usage: "zone (default: any of the region's)"},
				&cli.StringFlag{Name: "name", Usage: "tag Name"},
				&cli.StringSliceFlag{Name: "tag", Usage: "tag KEY=VALUE (repeatable)"},
			},
			Action: func(c *cli.Context) error {
				e, _, err := command.Setup(c, 0, 0, "")
				if err != nil {
					return err
				}
				tags, err := namedTags(c)
				if err != nil {
					return err
				}
				in := &ec2.CreateSubnetInput{VpcId: c.String("vpc"), CidrBlock: c.String("cidr"), AvailabilityZone: c.String("az")}
				if len(tags) > 0 {
					in.TagSpecifications = []ec2.TagSpecification{{ResourceType: "subnet", Tags: tags}}
				}
				var out ec2.SubnetOutput
				if err := e.Call("CreateSubnet", in, &out); err != nil {
					return err
				}
				s := out.Subnet
				return e.Print(command.View{Data: &out, IDs: []string{s.SubnetId}, Header: []string{"SUBNET ID", "VPC ID", "ZONE", "CIDR", "FREE IPS"},
					Rows: [][]string{{s.SubnetId, s.VpcId, s.AvailabilityZone, s.CidrBlock, strconv.Itoa(s.AvailableIpAddressCount)}}})
			},
		},
		{
			Name:      "rm",
			Aliases:   []string{"delete"},
			Usage:     "delete a subnet (refused while an interface is in it)",
			ArgsUsage: "SUBNET-ID",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "subnet ID")
				if err != nil {
					return err
				}
				var out ec2.Empty
				if err := e.Call("DeleteSubnet", &ec2.SubnetIdInput{SubnetId: args[0]}, &out); err != nil {
					return err
				}
				return e.Print(command.DoneView(&out, args[0], "deleted"))
			},
		},
		{
			Name:      "modify",
			Usage:     "set whether instances launched in the subnet get a public IP",
			ArgsUsage: "SUBNET-ID",
			Flags:     []cli.Flag{&cli.StringFlag{Name: "map-public-ip", Usage: "on or off", Required: true}},
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "subnet ID")
				if err != nil {
					return err
				}
				on, err := onOff("map-public-ip", c.String("map-public-ip"))
				if err != nil {
					return err
				}
				var out ec2.Empty
				if err := e.Call("ModifySubnetAttribute", &ec2.ModifySubnetAttributeInput{SubnetId: args[0], MapPublicIpOnLaunch: ec2.BoolValue(on)}, &out); err != nil {
					return err
				}
				return e.Print(command.DoneView(&out, args[0], "modified"))
			},
		},
	},
}

// listSubnets prints DescribeSubnets' answer as a table.
func listSubnets(e *command.Env, in *ec2.DescribeSubnetsInput) error {
	var out ec2.DescribeSubnetsOutput
	if err := e.Call("DescribeSubnets", in, &out); err != nil {
		return err
	}
	v := command.View{Data: &out, Header: []string{"SUBNET ID", "ZONE", "CIDR", "FREE IPS", "VPC ID", "PUBLIC IPS"}}
	for _, s := range out.Subnets {
		v.IDs = append(v.IDs, s.SubnetId)
		v.Rows = append(v.Rows, []string{s.SubnetId, s.AvailabilityZone, s.CidrBlock, strconv.Itoa(s.AvailableIpAddressCount), s.VpcId, onOffText(s.MapPublicIpOnLaunch)})
	}
	return e.Print(v)
}

// namedTags is --name and --tag as tags.
func namedTags(c *cli.Context) ([]ec2.Tag, error) {
	tags, err := command.ParseTags(c.StringSlice("tag"))
	if err != nil {
		return nil, err
	}
	if n := c.String("name"); n != "" {
		tags = append([]ec2.Tag{{Key: "Name", Value: n}}, tags...)
	}
	return tags, nil
}

// onOff reads a flag's on/off (or true/false) value.
func onOff(flag, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "on", "true", "yes":
		return true, nil
	case "off", "false", "no":
		return false, nil
	}
	return false, command.Usagef("--%s: %q is not on or off", flag, v)
}

func onOffText(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// tagValue is the value of a tag key, or "".
func tagValue(tags []ec2.Tag, key string) string {
	for _, t := range tags {
		if t.Key == key {
			return t.Value
		}
	}
	return ""
}
