package network

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// ACLCommand is `ec2x acl`: network ACLs, the subnets' stateless firewalls.
var ACLCommand = &cli.Command{
	Name:  "acl",
	Usage: "network ACLs: numbered, stateless rules for a subnet's traffic",
	Subcommands: []*cli.Command{
		{
			Name:    "ls",
			Aliases: []string{"describe"},
			Usage:   "list ACLs with their rules and subnets",
			Flags:   []cli.Flag{&cli.StringFlag{Name: "vpc", Usage: "only this VPC's"}},
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 0, -1, "")
				if err != nil {
					return err
				}
				in := &ec2.DescribeNetworkAclsInput{NetworkAclIds: args}
				if vpc := c.String("vpc"); vpc != "" {
					in.Filters = []ec2.Filter{{Name: "vpc-id", Values: []string{vpc}}}
				}
				var out ec2.DescribeNetworkAclsOutput
				if err := e.Call("DescribeNetworkAcls", in, &out); err != nil {
					return err
				}
				v := command.View{Data: &out, Header: []string{"ACL ID", "VPC ID", "DEFAULT", "SUBNETS", "RULES"}}
				for _, a := range out.NetworkAcls {
					subs := make([]string, 0, len(a.Associations))
					for _, x := range a.Associations {
						subs = append(subs, x.SubnetId)
					}
					// Inbound rules first, read as traffic arrives; EC2
					// lists the outbound ones first.
					entries := slices.Clone(a.Entries)
					slices.SortStableFunc(entries, func(x, y ec2.NetworkAclEntry) int {
						switch {
						case x.Egress == y.Egress:
							return 0
						case x.Egress:
							return 1
						}
						return -1
					})
					rules := make([]string, 0, len(entries))
					for _, r := range entries {
						rules = append(rules, ruleText(r))
					}
					v.IDs = append(v.IDs, a.NetworkAclId)
					v.Rows = append(v.Rows, []string{a.NetworkAclId, a.VpcId, strconv.FormatBool(a.IsDefault), strings.Join(subs, ","), strings.Join(rules, " ")})
				}
				return e.Print(v)
			},
		},
		{
			Name:  "create",
			Usage: "create an ACL in a VPC (it denies everything until rules are added)",
			Flags: []cli.Flag{&cli.StringFlag{Name: "vpc", Usage: "the VPC (required)", Required: true}},
			Action: func(c *cli.Context) error {
				e, _, err := command.Setup(c, 0, 0, "")
				if err != nil {
					return err
				}
				var out ec2.CreateNetworkAclOutput
				if err := e.Call("CreateNetworkAcl", &ec2.CreateNetworkAclInput{VpcId: c.String("vpc")}, &out); err != nil {
					return err
				}
				id := out.NetworkAcl.NetworkAclId
				return e.Print(command.View{Data: &out, IDs: []string{id}, Header: []string{"ACL ID", "VPC ID"}, Rows: [][]string{{id, out.NetworkAcl.VpcId}}})
			},
		},
		{
			Name:      "rm",
			Aliases:   []string{"delete"},
			Usage:     "delete an ACL no subnet uses (not a VPC's default one)",
			ArgsUsage: "ACL-ID",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "ACL ID")
				if err != nil {
					return err
				}
				var out ec2.Empty
				if err := e.Call("DeleteNetworkAcl", &ec2.NetworkAclIdInput{NetworkAclId: args[0]}, &out); err != nil {
					return err
				}
				return e.Print(command.DoneView(&out, args[0], "deleted"))
			},
		},
		{
			Name:      "allow",
			Usage:     "add an allow rule (--deny: a deny rule)",
			ArgsUsage: "ACL-ID RULE-NUMBER",
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "egress", Usage: "outbound (default: inbound)"},
				&cli.BoolFlag{Name: "deny", Usage: "deny instead of allow"},
				&cli.StringFlag{Name: "protocol", Value: "tcp", Usage: "tcp, udp, icmp, all or a number"},
				&cli.StringFlag{Name: "port", Usage: "PORT or FROM-TO (tcp and udp)"},
				&cli.StringFlag{Name: "cidr", Value: "0.0.0.0/0", Usage: "the other side's addresses (IPv4 or IPv6)"},
				&cli.BoolFlag{Name: "replace", Usage: "replace the rule of that number and direction"},
			},
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 2, 2, "ACL ID and rule number")
				if err != nil {
					return err
				}
				n, err := strconv.Atoi(args[1])
				if err != nil {
					return command.Usagef("acl allow: rule number %q is not a number", args[1])
				}
				egress, action := c.Bool("egress"), "allow"
				if c.Bool("deny") {
					action = "deny"
				}
				in := &ec2.NetworkAclEntryInput{NetworkAclId: args[0], RuleNumber: &n, Egress: &egress, Protocol: c.String("protocol"), RuleAction: action}
				if cidr := c.String("cidr"); strings.Contains(cidr, ":") {
					in.Ipv6CidrBlock = cidr
				} else {
					in.CidrBlock = cidr
				}
				if p := c.String("port"); p != "" {
					lo, hi, _ := strings.Cut(p, "-")
					from, err1 := strconv.Atoi(lo)
					to := from
					var err2 error
					if hi != "" {
						to, err2 = strconv.Atoi(hi)
					}
					if err1 != nil || err2 != nil {
						return command.Usagef("acl allow: --port %q is not PORT or FROM-TO", p)
					}
					in.PortRange = &ec2.PortRange{From: &from, To: &to}
				}
				if p := strings.ToLower(in.Protocol); p == "icmp" || p == "1" || p == "icmpv6" || p == "58" {
					all := -1
					in.IcmpTypeCode = &ec2.IcmpTypeCode{Type: &all, Code: &all}
				}
				action, done := "CreateNetworkAclEntry", " added"
				if c.Bool("replace") {
					action, done = "ReplaceNetworkAclEntry", " replaced"
				}
				var out ec2.Empty
				if err := e.Call(action, in, &out); err != nil {
					return err
				}
				return e.Print(command.DoneView(&out, args[0], "rule "+args[1]+done))
			},
		},
		{
			Name:      "revoke",
			Usage:     "delete a numbered rule",
			ArgsUsage: "ACL-ID RULE-NUMBER",
			Flags:     []cli.Flag{&cli.BoolFlag{Name: "egress", Usage: "an outbound rule (default: inbound)"}},
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 2, 2, "ACL ID and rule number")
				if err != nil {
					return err
				}
				n, err := strconv.Atoi(args[1])
				if err != nil {
					return command.Usagef("acl revoke: rule number %q is not a number", args[1])
				}
				egress := c.Bool("egress")
				var out ec2.Empty
				if err := e.Call("DeleteNetworkAclEntry", &ec2.DeleteNetworkAclEntryInput{NetworkAclId: args[0], RuleNumber: &n, Egress: &egress}, &out); err != nil {
					return err
				}
				return e.Print(command.DoneView(&out, args[0], "rule "+args[1]+" deleted"))
			},
		},
		{
			Name:      "associate",
			Usage:     "move a subnet to an ACL of its VPC",
			ArgsUsage: "ACL-ID SUBNET-ID",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 2, 2, "ACL ID and subnet ID")
				if err != nil {
					return err
				}
				var acls ec2.DescribeNetworkAclsOutput
				if err := e.Call("DescribeNetworkAcls", &ec2.DescribeNetworkAclsInput{Filters: []ec2.Filter{{Name: "association.subnet-id", Values: []string{args[1]}}}}, &acls); err != nil {
					return err
				}
				assoc := ""
				for _, a := range acls.NetworkAcls {
					for _, x := range a.Associations {
						if x.SubnetId == args[1] {
							assoc = x.NetworkAclAssociationId
						}
					}
				}
				if assoc == "" {
					return ec2.Errorf(ec2.CodeInvalidSubnetIDNotFound, "The subnet ID '%s' does not exist", args[1])
				}
				var out ec2.ReplaceNetworkAclAssociationOutput
				if err := e.Call("ReplaceNetworkAclAssociation", &ec2.ReplaceNetworkAclAssociationInput{AssociationId: assoc, NetworkAclId: args[0]}, &out); err != nil {
					return err
				}
				return e.Print(command.View{Data: &out, IDs: []string{out.NewAssociationId}, Header: []string{"ASSOCIATION ID"}, Rows: [][]string{{out.NewAssociationId}}})
			},
		},
	},
}

// ruleText is a rule as `acl ls` shows it: 100:in:tcp/22:allow.
func ruleText(r ec2.NetworkAclEntry) string {
	dir, num := "in", strconv.Itoa(r.RuleNumber)
	if r.Egress {
		dir = "out"
	}
	if r.RuleNumber == 32767 {
		num = "*"
	}
	proto := map[string]string{"-1": "all", "6": "tcp", "17": "udp", "1": "icmp"}[r.Protocol]
	if proto == "" {
		proto = r.Protocol
	}
	if p := r.PortRange; p != nil && p.From != nil && p.To != nil {
		proto += "/" + strconv.Itoa(*p.From)
		if *p.To != *p.From {
			proto += "-" + strconv.Itoa(*p.To)
		}
	}
	return num + ":" + dir + ":" + proto + ":" + r.RuleAction
}
