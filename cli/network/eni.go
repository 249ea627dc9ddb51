package network

import (
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// ENICommand is `ec2x eni`: network interfaces.
var ENICommand = &cli.Command{
	Name:  "eni",
	Usage: "network interfaces",
	Subcommands: []*cli.Command{
		{
			Name:  "create",
			Usage: "create a network interface in a subnet or a zone's default subnet",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "subnet", Usage: "subnet ID"},
				&cli.StringFlag{Name: "az", Usage: "availability zone (its default subnet)"},
				&cli.StringFlag{Name: "private-ip", Usage: "primary private IP (default: allocated)"},
				&cli.IntFlag{Name: "secondary-ips", Usage: "how many secondary private IPs to allocate"},
				&cli.StringSliceFlag{Name: "sg", Usage: "security group ID or name (repeatable)"},
				&cli.StringFlag{Name: "description", Usage: "description"},
				&cli.StringSliceFlag{Name: "tag", Usage: "tag KEY=VALUE (repeatable)"},
			},
			Action: eniCreate,
		},
		{
			Name:    "ls",
			Aliases: []string{"describe"},
			Usage:   "list network interfaces",
			Flags:   []cli.Flag{&cli.StringSliceFlag{Name: "filter", Usage: "NAME=VALUE[,VALUE...] (repeatable)"}},
			Action:  eniList,
		},
		{
			Name:      "attach",
			Usage:     "attach an interface to an instance in the same zone",
			ArgsUsage: "ENI-ID",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "instance", Usage: "instance ID (required)"},
				&cli.IntFlag{Name: "device-index", Value: -1, Usage: "device index (default: the next free one)"},
			},
			Action: eniAttach,
		},
		{
			Name:      "detach",
			Usage:     "detach an interface (never device 0)",
			ArgsUsage: "ENI-ID",
			Flags:     []cli.Flag{&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "detach even if the guest does not let go"}},
			Action:    eniDetach,
		},
		{
			Name:      "modify",
			Usage:     "change one attribute of an interface: its security groups, description, source/dest check or delete-on-termination",
			ArgsUsage: "ENI-ID",
			Flags: []cli.Flag{
				&cli.StringSliceFlag{Name: "sg", Usage: "security group ID or name (repeatable): the new set replaces the old"},
				&cli.StringFlag{Name: "description", Usage: "description"},
				&cli.StringFlag{Name: "source-dest-check", Usage: "`true|false`: drop traffic not from or to the interface's addresses"},
				&cli.StringFlag{Name: "delete-on-termination", Usage: "`true|false`: delete the attached interface with its instance"},
			},
			Action: eniModify,
		},
		{
			Name:      "rm",
			Usage:     "delete an available interface",
			ArgsUsage: "ENI-ID",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "interface ID")
				if err != nil {
					return err
				}
				var out ec2.Empty
				if err := e.Call("DeleteNetworkInterface", &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: args[0]}, &out); err != nil {
					return err
				}
				return e.Print(command.DoneView(&out, args[0], "deleted"))
			},
		},
		{
			Name:      "assign-ip",
			Usage:     "add secondary private IPs to an interface",
			ArgsUsage: "ENI-ID [IP...]",
			Flags:     []cli.Flag{&cli.IntFlag{Name: "count", Usage: "how many addresses to allocate"}},
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, -1, "interface ID")
				if err != nil {
					return err
				}
				var out ec2.AssignPrivateIpAddressesOutput
				in := &ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: args[0], PrivateIpAddresses: args[1:], SecondaryPrivateIpAddressCount: c.Int("count")}
				if err := e.Call("AssignPrivateIpAddresses", in, &out); err != nil {
					return err
				}
				v := command.View{Data: &out, Header: []string{"INTERFACE", "ASSIGNED"}}
				for _, p := range out.AssignedPrivateIpAddresses {
					v.IDs = append(v.IDs, p.PrivateIpAddress)
					v.Rows = append(v.Rows, []string{out.NetworkInterfaceId, p.PrivateIpAddress})
				}
				return e.Print(v)
			},
		},
		{
			Name:      "unassign-ip",
			Usage:     "remove secondary private IPs from an interface",
			ArgsUsage: "ENI-ID IP...",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 2, -1, "interface ID and address")
				if err != nil {
					return err
				}
				var out ec2.Empty
				in := &ec2.UnassignPrivateIpAddressesInput{NetworkInterfaceId: args[0], PrivateIpAddresses: args[1:]}
				if err := e.Call("UnassignPrivateIpAddresses", in, &out); err != nil {
					return err
				}
				return e.Print(command.DoneView(&out, args[0], "unassigned "+strings.Join(args[1:], ",")))
			},
		},
	},
}

func eniCreate(c *cli.Context) error {
	e, _, err := command.Setup(c, 0, 0, "")
	if err != nil {
		return err
	}
	if (c.String("subnet") == "") == (c.String("az") == "") {
		return command.Usagef("eni create: give --subnet or --az")
	}
	if c.Int("secondary-ips") < 0 {
		return command.Usagef("eni create: --secondary-ips must not be negative")
	}
	tags, err := command.ParseTags(c.StringSlice("tag"))
	if err != nil {
		return err
	}
	groups, err := groupIDs(e, c.StringSlice("sg"))
	if err != nil {
		return err
	}
	in := &ec2.CreateNetworkInterfaceInput{SubnetId: c.String("subnet"), AvailabilityZone: c.String("az"),
		PrivateIpAddress: c.String("private-ip"), SecondaryPrivateIpAddressCount: c.Int("secondary-ips"),
		Groups: groups, Description: c.String("description")}
	if len(tags) > 0 {
		in.TagSpecifications = []ec2.TagSpecification{{ResourceType: "network-interface", Tags: tags}}
	}
	var out ec2.CreateNetworkInterfaceOutput
	if err := e.Call("CreateNetworkInterface", in, &out); err != nil {
		return err
	}
	return e.Print(enisView(&out, []ec2.NetworkInterface{out.NetworkInterface}))
}

func eniList(c *cli.Context) error {
	e, args, err := command.Setup(c, 0, -1, "")
	if err != nil {
		return err
	}
	in := &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: args}
	if in.Filters, err = command.ParseFilters(c.StringSlice("filter")); err != nil {
		return err
	}
	if e.Output == "json" && e.Query == "" && !e.Quiet {
		return e.CallJSON("DescribeNetworkInterfaces", in)
	}
	var out ec2.DescribeNetworkInterfacesOutput
	if err := e.Call("DescribeNetworkInterfaces", in, &out); err != nil {
		return err
	}
	return e.Print(enisView(&out, out.NetworkInterfaces))
}

// enisView lists interfaces, one row per private IP.
func enisView(data any, list []ec2.NetworkInterface) command.View {
	v := command.View{Data: data, Header: []string{"INTERFACE", "ZONE", "STATUS", "INSTANCE", "DEVICE", "PRIVATE IP", "PUBLIC IP", "DESCRIPTION"}}
	for _, ni := range list {
		v.IDs = append(v.IDs, ni.NetworkInterfaceId)
		inst, dev := "-", "-"
		if ni.Attachment != nil {
			inst, dev = ni.Attachment.InstanceId, strconv.Itoa(ni.Attachment.DeviceIndex)
		}
		for i, p := range ni.PrivateIpAddresses {
			pub := ""
			if p.Association != nil {
				pub = p.Association.PublicIp
			}
			if i == 0 {
				v.Rows = append(v.Rows, []string{ni.NetworkInterfaceId, ni.AvailabilityZone, ni.Status, inst, dev, p.PrivateIpAddress, render.Dash(pub), render.Dash(ni.Description)})
			} else {
				v.Rows = append(v.Rows, []string{"", "", "", "", "", p.PrivateIpAddress, render.Dash(pub), ""})
			}
		}
	}
	return v
}

func eniAttach(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "interface ID")
	if err != nil {
		return err
	}
	if c.String("instance") == "" {
		return command.Usagef("eni attach: give --instance ID")
	}
	in := &ec2.AttachNetworkInterfaceInput{NetworkInterfaceId: args[0], InstanceId: c.String("instance")}
	if d := c.Int("device-index"); d >= 0 {
		in.DeviceIndex = &d
	}
	var out ec2.AttachNetworkInterfaceOutput
	if err := e.Call("AttachNetworkInterface", in, &out); err != nil {
		return err
	}
	return e.Print(command.View{Data: &out, IDs: []string{out.AttachmentId}, Header: []string{"ATTACHMENT ID", "INTERFACE", "INSTANCE"},
		Rows: [][]string{{out.AttachmentId, args[0], in.InstanceId}}})
}

// eniModify changes the one attribute its flags name, as EC2 takes one a
// call; --delete-on-termination finds the interface's attachment.
func eniModify(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "interface ID")
	if err != nil {
		return err
	}
	var set []string
	for _, f := range []string{"sg", "description", "source-dest-check", "delete-on-termination"} {
		if c.IsSet(f) {
			set = append(set, "--"+f)
		}
	}
	switch {
	case len(set) == 0:
		return command.Usagef("eni modify: nothing to change (give --sg, --description, --source-dest-check or --delete-on-termination)")
	case len(set) > 1:
		return command.Usagef("eni modify: one attribute at a time, as EC2 takes them (got %s)", strings.Join(set, ", "))
	}
	in := &ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: args[0]}
	attr, value := "", ""
	switch set[0] {
	case "--sg":
		if in.Groups, err = groupIDs(e, c.StringSlice("sg")); err != nil {
			return err
		}
		attr, value = "groupSet", strings.Join(in.Groups, ",")
	case "--description":
		in.Description = &ec2.AttributeValue{Value: c.String("description")}
		attr, value = "description", c.String("description")
	case "--source-dest-check":
		b, err := strconv.ParseBool(c.String("source-dest-check"))
		if err != nil {
			return command.Usagef("eni modify: --source-dest-check must be true or false, not %q", c.String("source-dest-check"))
		}
		in.SourceDestCheck = &ec2.AttributeBooleanValue{Value: &b}
		attr, value = "sourceDestCheck", strconv.FormatBool(b)
	case "--delete-on-termination":
		b, err := strconv.ParseBool(c.String("delete-on-termination"))
		if err != nil {
			return command.Usagef("eni modify: --delete-on-termination must be true or false, not %q", c.String("delete-on-termination"))
		}
		att, err := attachmentOf(e, args[0])
		if err != nil {
			return err
		}
		in.Attachment = &ec2.NetworkInterfaceAttachmentChanges{AttachmentId: att, DeleteOnTermination: &b}
		attr, value = "attachment.deleteOnTermination", strconv.FormatBool(b)
	}
	var out ec2.Empty
	if err := e.Call("ModifyNetworkInterfaceAttribute", in, &out); err != nil {
		return err
	}
	return e.Print(command.View{Data: &out, IDs: args, Header: []string{"INTERFACE", "ATTRIBUTE", "VALUE"},
		Rows: [][]string{{args[0], attr, render.Dash(value)}}})
}

// attachmentOf is the attachment ID of an attached interface.
func attachmentOf(e *command.Env, eni string) (string, error) {
	var d ec2.DescribeNetworkInterfacesOutput
	if err := e.Call("DescribeNetworkInterfaces", &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{eni}}, &d); err != nil {
		return "", err
	}
	if d.NetworkInterfaces[0].Attachment == nil {
		return "", ec2.Errorf(ec2.CodeInvalidAttachmentIDNotFound, "The interface %s is not attached", eni)
	}
	return d.NetworkInterfaces[0].Attachment.AttachmentId, nil
}

// eniDetach takes the interface ID people know and finds its attachment.
func eniDetach(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "interface ID")
	if err != nil {
		return err
	}
	attachment := args[0]
	if !strings.HasPrefix(attachment, "eni-attach-") {
		if attachment, err = attachmentOf(e, args[0]); err != nil {
			return err
		}
	}
	var out ec2.Empty
	if err := e.Call("DetachNetworkInterface", &ec2.DetachNetworkInterfaceInput{AttachmentId: attachment, Force: c.Bool("force")}, &out); err != nil {
		return err
	}
	return e.Print(command.DoneView(&out, args[0], "detached"))
}
