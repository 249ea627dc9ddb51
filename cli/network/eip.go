package network

import (
	"net/netip"
	"strings"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// EIPCommand is `ec2x eip`: Elastic IPs, fixed public addresses.
var EIPCommand = &cli.Command{
	Name:  "eip",
	Usage: "Elastic IPs: fixed public addresses",
	Subcommands: []*cli.Command{
		{
			Name:  "allocate",
			Usage: "allocate an Elastic IP (5 per region by default)",
			Flags: []cli.Flag{&cli.StringSliceFlag{Name: "tag", Usage: "tag KEY=VALUE (repeatable)"}},
			Action: func(c *cli.Context) error {
				e, _, err := command.Setup(c, 0, 0, "")
				if err != nil {
					return err
				}
				tags, err := command.ParseTags(c.StringSlice("tag"))
				if err != nil {
					return err
				}
				in := &ec2.AllocateAddressInput{Domain: "vpc"}
				if len(tags) > 0 {
					in.TagSpecifications = []ec2.TagSpecification{{ResourceType: "elastic-ip", Tags: tags}}
				}
				var out ec2.AllocateAddressOutput
				if err := e.Call("AllocateAddress", in, &out); err != nil {
					return err
				}
				return e.Print(command.View{Data: &out, IDs: []string{out.AllocationId}, Header: []string{"ALLOCATION ID", "PUBLIC IP", "DOMAIN"},
					Rows: [][]string{{out.AllocationId, out.PublicIp, out.Domain}}})
			},
		},
		{
			Name:    "ls",
			Aliases: []string{"describe"},
			Usage:   "list Elastic IPs with their association and hourly charge",
			Flags:   []cli.Flag{&cli.StringSliceFlag{Name: "filter", Usage: "NAME=VALUE[,VALUE...] (repeatable)"}},
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 0, -1, "")
				if err != nil {
					return err
				}
				in := &ec2.DescribeAddressesInput{}
				for _, a := range args {
					if isIP(a) {
						in.PublicIps = append(in.PublicIps, a)
					} else {
						in.AllocationIds = append(in.AllocationIds, a)
					}
				}
				if in.Filters, err = command.ParseFilters(c.StringSlice("filter")); err != nil {
					return err
				}
				if e.Output == "json" && e.Query == "" && !e.Quiet {
					return e.CallJSON("DescribeAddresses", in)
				}
				var out ec2.DescribeAddressesOutput
				if err := e.Call("DescribeAddresses", in, &out); err != nil {
					return err
				}
				v := command.View{Data: &out, Header: []string{"ALLOCATION ID", "PUBLIC IP", "ASSOCIATION ID", "INSTANCE", "INTERFACE", "PRIVATE IP", "USD/HOUR"}}
				for _, a := range out.Addresses {
					v.IDs = append(v.IDs, a.AllocationId)
					v.Rows = append(v.Rows, []string{a.AllocationId, a.PublicIp, render.Dash(a.AssociationId), render.Dash(a.InstanceId),
						render.Dash(a.NetworkInterfaceId), render.Dash(a.PrivateIpAddress), a.HourlyCharge})
				}
				return e.Print(v)
			},
		},
		{
			Name:      "associate",
			Usage:     "point an Elastic IP at an instance or a network interface",
			ArgsUsage: "ALLOC-ID|PUBLIC-IP",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "instance", Usage: "instance ID (its primary interface)"},
				&cli.StringFlag{Name: "eni", Usage: "network interface ID"},
				&cli.StringFlag{Name: "private-ip", Usage: "which private IP of the interface (default: its primary)"},
				&cli.BoolFlag{Name: "allow-reassociation", Usage: "move the address if it is associated elsewhere"},
			},
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "allocation ID or public IP")
				if err != nil {
					return err
				}
				if (c.String("instance") == "") == (c.String("eni") == "") {
					return command.Usagef("eip associate: give --instance or --eni")
				}
				in := &ec2.AssociateAddressInput{InstanceId: c.String("instance"), NetworkInterfaceId: c.String("eni"),
					PrivateIpAddress: c.String("private-ip"), AllowReassociation: c.Bool("allow-reassociation")}
				if isIP(args[0]) {
					in.PublicIp = args[0]
				} else {
					in.AllocationId = args[0]
				}
				var out ec2.AssociateAddressOutput
				if err := e.Call("AssociateAddress", in, &out); err != nil {
					return err
				}
				target := in.InstanceId + in.NetworkInterfaceId
				return e.Print(command.View{Data: &out, IDs: []string{out.AssociationId}, Header: []string{"ASSOCIATION ID", "ADDRESS", "TARGET"},
					Rows: [][]string{{out.AssociationId, args[0], target}}})
			},
		},
		{
			Name:      "disassociate",
			Usage:     "detach an Elastic IP (it stays allocated)",
			ArgsUsage: "ASSOC-ID|PUBLIC-IP",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "association ID or public IP")
				if err != nil {
					return err
				}
				in := &ec2.DisassociateAddressInput{AssociationId: args[0]}
				switch {
				case isIP(args[0]):
					in = &ec2.DisassociateAddressInput{PublicIp: args[0]}
				case strings.HasPrefix(args[0], "eipalloc-"):
					// People know the allocation: find its association.
					var d ec2.DescribeAddressesOutput
					if err := e.Call("DescribeAddresses", &ec2.DescribeAddressesInput{AllocationIds: args}, &d); err != nil {
						return err
					}
					if d.Addresses[0].AssociationId == "" {
						return ec2.Errorf(ec2.CodeInvalidAssociationIDNotFound, "The address %s is not associated", args[0])
					}
					in.AssociationId = d.Addresses[0].AssociationId
				}
				var out ec2.Empty
				if err := e.Call("DisassociateAddress", in, &out); err != nil {
					return err
				}
				return e.Print(command.DoneView(&out, args[0], "disassociated"))
			},
		},
		{
			Name:      "release",
			Usage:     "give an Elastic IP back (refused while associated)",
			ArgsUsage: "ALLOC-ID|PUBLIC-IP",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "allocation ID or public IP")
				if err != nil {
					return err
				}
				in := &ec2.ReleaseAddressInput{AllocationId: args[0]}
				if isIP(args[0]) {
					in = &ec2.ReleaseAddressInput{PublicIp: args[0]}
				}
				var out ec2.Empty
				if err := e.Call("ReleaseAddress", in, &out); err != nil {
					return err
				}
				return e.Print(command.DoneView(&out, args[0], "released"))
			},
		},
	},
}

func isIP(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}
