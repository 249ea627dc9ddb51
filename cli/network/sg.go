package network

import (
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// SGCommand is `ec2x sg`: security groups.
var SGCommand = &cli.Command{
	Name:  "sg",
	Usage: "security groups (the firewall)",
	Subcommands: []*cli.Command{
		{
			Name:      "create",
			Usage:     "create a security group",
			ArgsUsage: "NAME",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "description", Usage: "description (default: the group's name; EC2 requires one)"},
				&cli.StringFlag{Name: "vpc", Usage: "the VPC (default: the default VPC)"},
				&cli.StringSliceFlag{Name: "tag", Usage: "tag KEY=VALUE (repeatable)"},
			},
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "group name")
				if err != nil {
					return err
				}
				tags, err := command.ParseTags(c.StringSlice("tag"))
				if err != nil {
					return err
				}
				desc := c.String("description")
				if !c.IsSet("description") {
					desc = args[0]
				}
				in := &ec2.CreateSecurityGroupInput{GroupName: args[0], Description: desc, VpcId: c.String("vpc")}
				if len(tags) > 0 {
					in.TagSpecifications = []ec2.TagSpecification{{ResourceType: "security-group", Tags: tags}}
				}
				var out ec2.CreateSecurityGroupOutput
				if err := e.Call("CreateSecurityGroup", in, &out); err != nil {
					return err
				}
				return e.Print(command.View{Data: &out, IDs: []string{out.GroupId}, Header: []string{"GROUP ID", "NAME"}, Rows: [][]string{{out.GroupId, args[0]}}})
			},
		},
		{
			Name:    "ls",
			Aliases: []string{"describe"},
			Usage:   "list security groups with their rules",
			Flags:   []cli.Flag{&cli.StringSliceFlag{Name: "filter", Usage: "NAME=VALUE[,VALUE...] (repeatable)"}},
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 0, -1, "")
				if err != nil {
					return err
				}
				in := &ec2.DescribeSecurityGroupsInput{}
				for _, a := range args {
					if strings.HasPrefix(a, "sg-") {
						in.GroupIds = append(in.GroupIds, a)
					} else {
						in.GroupNames = append(in.GroupNames, a)
					}
				}
				if in.Filters, err = command.ParseFilters(c.StringSlice("filter")); err != nil {
					return err
				}
				var out ec2.DescribeSecurityGroupsOutput
				if err := e.Call("DescribeSecurityGroups", in, &out); err != nil {
					return err
				}
				v := command.View{Data: &out, Header: []string{"GROUP ID", "NAME", "PROTOCOL", "PORTS", "SOURCE", "DESCRIPTION"}}
				for _, g := range out.SecurityGroups {
					v.IDs = append(v.IDs, g.GroupId)
					first := true
					row := func(proto, ports, source string) {
						id, name, desc := "", "", ""
						if first {
							id, name, desc = g.GroupId, g.GroupName, g.Description
						}
						first = false
						v.Rows = append(v.Rows, []string{id, name, proto, ports, source, desc})
					}
					for _, p := range g.IpPermissions {
						for _, r := range p.IpRanges {
							row(protoName(p.IpProtocol), portRange(p), r.CidrIp)
						}
						for _, u := range p.UserIdGroupPairs {
							row(protoName(p.IpProtocol), portRange(p), u.GroupId)
						}
					}
					if first {
						row("-", "-", "(no inbound rules)")
					}
				}
				return e.Print(v)
			},
		},
		ruleCommand("allow", "AuthorizeSecurityGroupIngress", "admit traffic: a protocol, ports and a source CIDR"),
		ruleCommand("revoke", "RevokeSecurityGroupIngress", "remove a rule that allow added"),
		sgRulesCommand,
		{
			Name:      "rm",
			Usage:     "delete a security group (refused while in use)",
			ArgsUsage: "GROUP",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "group ID or name")
				if err != nil {
					return err
				}
				in := &ec2.DeleteSecurityGroupInput{GroupName: args[0]}
				if strings.HasPrefix(args[0], "sg-") {
					in = &ec2.DeleteSecurityGroupInput{GroupId: args[0]}
				}
				var out ec2.Empty
				if err := e.Call("DeleteSecurityGroup", in, &out); err != nil {
					return err
				}
				return e.Print(command.DoneView(&out, args[0], "deleted"))
			},
		},
	},
}

// ruleCommand builds sg allow and sg revoke, which take the same rule
// (revoke also by rule ID).
func ruleCommand(name, action, usage string) *cli.Command {
	cmd := &cli.Command{
		Name:      name,
		Usage:     usage,
		ArgsUsage: "GROUP",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "port", Usage: "port or range P-Q (for icmp: TYPE or TYPE-CODE; all protocols: omit)"},
			&cli.StringFlag{Name: "proto", Value: "tcp", Usage: "tcp, udp, icmp or all"},
			&cli.StringFlag{Name: "cidr", Value: "0.0.0.0/0", Usage: "source CIDR (with --egress: the destination)"},
			&cli.StringFlag{Name: "source-group", Aliases: []string{"from-group"}, Usage: "a security group ID or name as the source (with --egress: the destination), instead of --cidr"},
			&cli.StringFlag{Name: "description", Usage: "rule description"},
			&cli.BoolFlag{Name: "egress", Usage: "an outbound rule (traffic the group's instances send)"},
		},
		Action: func(c *cli.Context) error {
			e, args, err := command.Setup(c, 1, 1, "group ID or name")
			if err != nil {
				return err
			}
			ruleIDs := c.StringSlice("rule")
			var perm ec2.IpPermission
			if len(ruleIDs) == 0 {
				if perm, err = parseRule(c); err != nil {
					return err
				}
			} else if c.IsSet("port") || c.IsSet("proto") || c.IsSet("cidr") || c.IsSet("source-group") {
				return command.Usagef("--rule names the rules: give no --port, --proto, --cidr or --source-group with it")
			}
			if g := c.String("source-group"); g != "" && !strings.HasPrefix(g, "sg-") {
				ids, err := groupIDs(e, []string{g})
				if err != nil {
					return err
				}
				perm.UserIdGroupPairs[0].GroupId = ids[0]
			}
			in := &ec2.RevokeSecurityGroupInput{SecurityGroupRuleInput: ec2.SecurityGroupRuleInput{GroupName: args[0]}, SecurityGroupRuleIds: ruleIDs}
			if len(ruleIDs) == 0 {
				in.IpPermissions = []ec2.IpPermission{perm}
			}
			egress := c.Bool("egress")
			if strings.HasPrefix(args[0], "sg-") || egress {
				// EC2's egress actions take the group by ID only.
				ids, err := groupIDs(e, args[:1])
				if err != nil {
					return err
				}
				in.GroupName, in.GroupId = "", ids[0]
			}
			call, rule := action, name
			if egress {
				call, rule = strings.Replace(action, "Ingress", "Egress", 1), name+"-egress"
			}
			var out any = &ec2.AuthorizeSecurityGroupOutput{}
			if name == "revoke" {
				out = &ec2.RevokeSecurityGroupOutput{}
			}
			if err := e.Call(call, in, out); err != nil {
				return err
			}
			v := command.View{Data: out, IDs: []string{args[0]}, Header: []string{"GROUP", "RULE", "PROTOCOL", "PORTS", "PEER"}}
			if len(ruleIDs) > 0 {
				for _, id := range ruleIDs {
					v.Rows = append(v.Rows, []string{args[0], rule, "-", "-", id})
				}
				return e.Print(v)
			}
			peer := c.String("cidr")
			if len(perm.UserIdGroupPairs) > 0 {
				peer = perm.UserIdGroupPairs[0].GroupId
			}
			v.Rows = [][]string{{args[0], rule, protoName(perm.IpProtocol), portRange(perm), peer}}
			return e.Print(v)
		},
	}
	if name == "revoke" {
		cmd.Flags = append(cmd.Flags, &cli.StringSliceFlag{Name: "rule", Usage: "a rule ID (sgr-...) to remove (repeatable), instead of the rule's fields"})
	}
	return cmd
}

func parseRule(c *cli.Context) (ec2.IpPermission, error) {
	proto := strings.ToLower(c.String("proto"))
	if proto == "all" {
		proto = "-1"
	}
	p := ec2.IpPermission{IpProtocol: proto}
	switch proto {
	case "tcp", "udp":
		if c.String("port") == "" {
			return p, command.Usagef("--port is needed for %s", proto)
		}
	case "icmp":
		if c.String("port") == "" {
			all := -1
			p.FromPort, p.ToPort = &all, &all
		}
	case "-1":
	default:
		return p, command.Usagef("--proto %q: use tcp, udp, icmp or all", c.String("proto"))
	}
	if s := c.String("port"); s != "" {
		lo, hi, found := strings.Cut(s, "-")
		from, err1 := strconv.Atoi(lo)
		to := from
		var err2 error
		if found {
			to, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil {
			return p, command.Usagef("--port %q: want P or P-Q", s)
		}
		p.FromPort, p.ToPort = &from, &to
	}
	if g := c.String("source-group"); g != "" {
		p.UserIdGroupPairs = []ec2.UserIdGroupPair{{GroupId: g, Description: c.String("description")}}
	} else {
		p.IpRanges = []ec2.IpRange{{CidrIp: c.String("cidr"), Description: c.String("description")}}
	}
	return p, nil
}

func protoName(p string) string {
	if p == "-1" {
		return "all"
	}
	return p
}

func portRange(p ec2.IpPermission) string {
	if p.FromPort == nil || p.IpProtocol == "-1" {
		return "all"
	}
	if *p.FromPort == *p.ToPort {
		if *p.FromPort == -1 {
			return "all"
		}
		return strconv.Itoa(*p.FromPort)
	}
	return strconv.Itoa(*p.FromPort) + "-" + strconv.Itoa(*p.ToPort)
}

// groupIDs turns group names into IDs (IDs pass through), in the order given.
func groupIDs(e *command.Env, refs []string) ([]string, error) {
	var names []string
	for _, r := range refs {
		if !strings.HasPrefix(r, "sg-") {
			names = append(names, r)
		}
	}
	if len(names) == 0 {
		return refs, nil
	}
	var out ec2.DescribeSecurityGroupsOutput
	if err := e.Call("DescribeSecurityGroups", &ec2.DescribeSecurityGroupsInput{GroupNames: names}, &out); err != nil {
		return nil, err
	}
	byName := map[string]string{}
	for _, g := range out.SecurityGroups {
		byName[g.GroupName] = g.GroupId
	}
	ids := make([]string, len(refs))
	for i, r := range refs {
		ids[i] = r
		if id, ok := byName[r]; ok && !strings.HasPrefix(r, "sg-") {
			ids[i] = id
		}
	}
	return ids, nil
}
