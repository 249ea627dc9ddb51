package network

import (
	"strings"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// IGWCommand is `ec2x igw`: internet gateways.
var IGWCommand = &cli.Command{
	Name:  "igw",
	Usage: "internet gateways: a VPC's way to and from the internet",
	Subcommands: []*cli.Command{
		{
			Name:    "ls",
			Aliases: []string{"describe"},
			Usage:   "list internet gateways and their VPCs",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 0, -1, "")
				if err != nil {
					return err
				}
				var out ec2.DescribeInternetGatewaysOutput
				if err := e.Call("DescribeInternetGateways", &ec2.DescribeInternetGatewaysInput{InternetGatewayIds: args}, &out); err != nil {
					return err
				}
				v := command.View{Data: &out, Header: []string{"GATEWAY ID", "VPC ID", "STATE"}}
				for _, g := range out.InternetGateways {
					vpc, st := "-", "detached"
					if len(g.Attachments) > 0 {
						vpc, st = g.Attachments[0].VpcId, "attached"
					}
					v.IDs = append(v.IDs, g.InternetGatewayId)
					v.Rows = append(v.Rows, []string{g.InternetGatewayId, vpc, st})
				}
				return e.Print(v)
			},
		},
		{
			Name:  "create",
			Usage: "create a detached internet gateway",
			Flags: []cli.Flag{&cli.StringFlag{Name: "name", Usage: "tag Name"}, &cli.StringSliceFlag{Name: "tag", Usage: "tag KEY=VALUE (repeatable)"}},
			Action: func(c *cli.Context) error {
				e, _, err := command.Setup(c, 0, 0, "")
				if err != nil {
					return err
				}
				tags, err := namedTags(c)
				if err != nil {
					return err
				}
				in := &ec2.TagsInput{}
				if len(tags) > 0 {
					in.TagSpecifications = []ec2.TagSpecification{{ResourceType: "internet-gateway", Tags: tags}}
				}
				var out ec2.InternetGatewayOutput
				if err := e.Call("CreateInternetGateway", in, &out); err != nil {
					return err
				}
				id := out.InternetGateway.InternetGatewayId
				return e.Print(command.View{Data: &out, IDs: []string{id}, Header: []string{"GATEWAY ID"}, Rows: [][]string{{id}}})
			},
		},
		igwVerb("attach", "AttachInternetGateway", "attach a gateway to a VPC (one per VPC)", "attached"),
		igwVerb("detach", "DetachInternetGateway", "detach a gateway from its VPC (refused while public IPs are mapped there)", "detached"),
		{
			Name:      "rm",
			Aliases:   []string{"delete"},
			Usage:     "delete a detached gateway",
			ArgsUsage: "IGW-ID",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "gateway ID")
				if err != nil {
					return err
				}
				var out ec2.Empty
				if err := e.Call("DeleteInternetGateway", &ec2.InternetGatewayIdInput{InternetGatewayId: args[0]}, &out); err != nil {
					return err
				}
				return e.Print(command.DoneView(&out, args[0], "deleted"))
			},
		},
	},
}

// igwVerb is `igw attach|detach IGW VPC`.
func igwVerb(name, action, usage, done string) *cli.Command {
	return &cli.Command{
		Name: name, Usage: usage, ArgsUsage: "IGW-ID VPC-ID",
		Action: func(c *cli.Context) error {
			e, args, err := command.Setup(c, 2, 2, "gateway ID and VPC ID")
			if err != nil {
				return err
			}
			var out ec2.Empty
			if err := e.Call(action, &ec2.InternetGatewayVpcInput{InternetGatewayId: args[0], VpcId: args[1]}, &out); err != nil {
				return err
			}
			return e.Print(command.DoneView(&out, args[0], done))
		},
	}
}

// RouteCommand is `ec2x route`: route tables and their routes.
var RouteCommand = &cli.Command{
	Name:  "route",
	Usage: "route tables: where a subnet's traffic goes",
	Subcommands: []*cli.Command{
		{
			Name:    "ls",
			Aliases: []string{"describe"},
			Usage:   "list route tables with their routes and subnets",
			Flags:   []cli.Flag{&cli.StringFlag{Name: "vpc", Usage: "only this VPC's"}},
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 0, -1, "")
				if err != nil {
					return err
				}
				in := &ec2.DescribeRouteTablesInput{RouteTableIds: args}
				if vpc := c.String("vpc"); vpc != "" {
					in.Filters = []ec2.Filter{{Name: "vpc-id", Values: []string{vpc}}}
				}
				var out ec2.DescribeRouteTablesOutput
				if err := e.Call("DescribeRouteTables", in, &out); err != nil {
					return err
				}
				v := command.View{Data: &out, Header: []string{"ROUTE TABLE", "VPC ID", "MAIN", "SUBNETS", "ROUTES"}}
				for _, t := range out.RouteTables {
					main, subs := "no", []string{}
					for _, a := range t.Associations {
						if a.Main {
							main = "yes"
						} else if a.SubnetId != "" {
							subs = append(subs, a.SubnetId)
						}
					}
					routes := make([]string, 0, len(t.Routes))
					for _, r := range t.Routes {
						to := r.GatewayId + r.EgressOnlyInternetGatewayId + r.NetworkInterfaceId
						routes = append(routes, r.DestinationCidrBlock+r.DestinationIpv6CidrBlock+"→"+to+stateMark(r.State))
					}
					v.IDs = append(v.IDs, t.RouteTableId)
					v.Rows = append(v.Rows, []string{t.RouteTableId, t.VpcId, main, render.Dash(strings.Join(subs, ",")), strings.Join(routes, " ")})
				}
				return e.Print(v)
			},
		},
		{
			Name:  "create",
			Usage: "create a route table in a VPC",
			Flags: []cli.Flag{&cli.StringFlag{Name: "vpc", Usage: "the VPC (required)", Required: true}, &cli.StringFlag{Name: "name", Usage: "tag Name"}},
			Action: func(c *cli.Context) error {
				e, _, err := command.Setup(c, 0, 0, "")
				if err != nil {
					return err
				}
				tags, err := namedTags(c)
				if err != nil {
					return err
				}
				in := &ec2.CreateRouteTableInput{VpcId: c.String("vpc")}
				if len(tags) > 0 {
					in.TagSpecifications = []ec2.TagSpecification{{ResourceType: "route-table", Tags: tags}}
				}
				var out ec2.CreateRouteTableOutput
				if err := e.Call("CreateRouteTable", in, &out); err != nil {
					return err
				}
				id := out.RouteTable.RouteTableId
				return e.Print(command.View{Data: &out, IDs: []string{id}, Header: []string{"ROUTE TABLE", "VPC ID"}, Rows: [][]string{{id, out.RouteTable.VpcId}}})
			},
		},
		{
			Name:      "rm",
			Aliases:   []string{"delete"},
			Usage:     "delete a route table (not the main one, nor one a subnet uses)",
			ArgsUsage: "RTB-ID",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "route table ID")
				if err != nil {
					return err
				}
				var out ec2.Empty
				if err := e.Call("DeleteRouteTable", &ec2.RouteTableIdInput{RouteTableId: args[0]}, &out); err != nil {
					return err
				}
				return e.Print(command.DoneView(&out, args[0], "deleted"))
			},
		},
		routeTargetCommand("add", "add a route: a destination to a gateway, an interface or an instance", "CreateRoute", "route added", &ec2.ReturnOutput{}),
		routeTargetCommand("replace", "point a route at another gateway, interface or instance", "ReplaceRoute", "route replaced", &ec2.Empty{}),
		{
			Name:      "del",
			Usage:     "delete a route (the local routes stay)",
			ArgsUsage: "RTB-ID CIDR",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 2, 2, "route table ID and destination CIDR")
				if err != nil {
					return err
				}
				in := &ec2.DeleteRouteInput{RouteTableId: args[0]}
				in.DestinationCidrBlock, in.DestinationIpv6CidrBlock = destination(args[1])
				var out ec2.Empty
				if err := e.Call("DeleteRoute", in, &out); err != nil {
					return err
				}
				return e.Print(command.DoneView(&out, args[0], "route deleted"))
			},
		},
		{
			Name:      "associate",
			Usage:     "make a table a subnet's",
			ArgsUsage: "RTB-ID SUBNET-ID",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 2, 2, "route table ID and subnet ID")
				if err != nil {
					return err
				}
				var out ec2.AssociateRouteTableOutput
				if err := e.Call("AssociateRouteTable", &ec2.AssociateRouteTableInput{RouteTableId: args[0], SubnetId: args[1]}, &out); err != nil {
					return err
				}
				return e.Print(command.View{Data: &out, IDs: []string{out.AssociationId}, Header: []string{"ASSOCIATION ID"}, Rows: [][]string{{out.AssociationId}}})
			},
		},
		{
			Name:      "main",
			Usage:     "make a table its VPC's main one (subnets without a table of their own use it)",
			ArgsUsage: "RTB-ID",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "route table ID")
				if err != nil {
					return err
				}
				var table ec2.DescribeRouteTablesOutput
				if err := e.Call("DescribeRouteTables", &ec2.DescribeRouteTablesInput{RouteTableIds: args}, &table); err != nil {
					return err
				}
				var mains ec2.DescribeRouteTablesOutput
				in := &ec2.DescribeRouteTablesInput{Filters: []ec2.Filter{{Name: "vpc-id", Values: []string{table.RouteTables[0].VpcId}}, {Name: "association.main", Values: []string{"true"}}}}
				if err := e.Call("DescribeRouteTables", in, &mains); err != nil {
					return err
				}
				assoc := ""
				for _, t := range mains.RouteTables {
					for _, a := range t.Associations {
						if a.Main {
							assoc = a.RouteTableAssociationId
						}
					}
				}
				var out ec2.ReplaceRouteTableAssociationOutput
				if err := e.Call("ReplaceRouteTableAssociation", &ec2.ReplaceRouteTableAssociationInput{AssociationId: assoc, RouteTableId: args[0]}, &out); err != nil {
					return err
				}
				return e.Print(command.View{Data: &out, IDs: []string{out.NewAssociationId}, Header: []string{"ASSOCIATION ID"}, Rows: [][]string{{out.NewAssociationId}}})
			},
		},
		{
			Name:      "disassociate",
			Usage:     "give a subnet back to its VPC's main table",
			ArgsUsage: "RTBASSOC-ID",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "association ID")
				if err != nil {
					return err
				}
				var out ec2.Empty
				if err := e.Call("DisassociateRouteTable", &ec2.AssociationIdDryRunInput{AssociationId: args[0]}, &out); err != nil {
					return err
				}
				return e.Print(command.DoneView(&out, args[0], "disassociated"))
			},
		},
	},
}

// routeTargetFlags are the targets a route may have.
func routeTargetFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "gateway", Usage: "an internet gateway of the VPC"},
		&cli.StringFlag{Name: "eni", Usage: "a network interface"},
		&cli.StringFlag{Name: "instance", Usage: "an instance (with one interface)"},
	}
}

// routeInput is CreateRoute's or ReplaceRoute's request from the command line.
func routeInput(c *cli.Context, args []string) *ec2.RouteInput {
	in := &ec2.RouteInput{RouteTableId: args[0], GatewayId: c.String("gateway"), NetworkInterfaceId: c.String("eni"), InstanceId: c.String("instance")}
	in.DestinationCidrBlock, in.DestinationIpv6CidrBlock = destination(args[1])
	return in
}

// destination is a CIDR as EC2's IPv4 or IPv6 destination parameter.
func destination(cidr string) (v4, v6 string) {
	if strings.Contains(cidr, ":") {
		return "", cidr
	}
	return cidr, ""
}

// stateMark flags a route that leads nowhere.
func stateMark(state string) string {
	if state == "blackhole" {
		return " (blackhole)"
	}
	return ""
}

// routeTargetCommand builds route add and route replace, which take the
// same destination and target.
func routeTargetCommand(name, usage, action, done string, out any) *cli.Command {
	return &cli.Command{
		Name:      name,
		Usage:     usage,
		ArgsUsage: "RTB-ID CIDR",
		Flags:     routeTargetFlags(),
		Action: func(c *cli.Context) error {
			e, args, err := command.Setup(c, 2, 2, "route table ID and destination CIDR")
			if err != nil {
				return err
			}
			if err := e.Call(action, routeInput(c, args), out); err != nil {
				return err
			}
			return e.Print(command.DoneView(out, args[0], done))
		},
	}
}
