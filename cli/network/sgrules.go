package network

import (
	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/urfave/cli/v2"
)

// sgRulesCommand lists rules one per line with their IDs, both
// directions: what `sg revoke --rule` and ModifySecurityGroupRules take.
var sgRulesCommand = &cli.Command{
	Name:      "rules",
	Usage:     "list security group rules with their IDs, inbound and outbound",
	ArgsUsage: "[GROUP...]",
	Flags: []cli.Flag{
		&cli.StringSliceFlag{Name: "filter", Usage: "NAME=VALUE[,VALUE...] (repeatable)"},
	},
	Action: func(c *cli.Context) error {
		e, args, err := command.Setup(c, 0, -1, "")
		if err != nil {
			return err
		}
		in := &ec2.DescribeSecurityGroupRulesInput{}
		if in.Filters, err = command.ParseFilters(c.StringSlice("filter")); err != nil {
			return err
		}
		if len(args) > 0 {
			ids, err := groupIDs(e, args)
			if err != nil {
				return err
			}
			in.Filters = append(in.Filters, ec2.Filter{Name: "group-id", Values: ids})
		}
		var out ec2.DescribeSecurityGroupRulesOutput
		if err := e.Call("DescribeSecurityGroupRules", in, &out); err != nil {
			return err
		}
		v := command.View{Data: &out, Header: []string{"RULE ID", "GROUP ID", "DIRECTION", "PROTOCOL", "PORTS", "PEER", "DESCRIPTION"}}
		for _, r := range out.SecurityGroupRules {
			v.IDs = append(v.IDs, r.SecurityGroupRuleId)
			dir := "inbound"
			if r.IsEgress {
				dir = "outbound"
			}
			v.Rows = append(v.Rows, []string{r.SecurityGroupRuleId, r.GroupId, dir, protoName(r.IpProtocol), rulePorts(r), rulePeer(r), r.Description})
		}
		return e.Print(v)
	},
}

// rulePorts prints a rule's ports as sg ls does.
func rulePorts(r ec2.SecurityGroupRule) string {
	from, to := r.FromPort, r.ToPort
	return portRange(ec2.IpPermission{IpProtocol: r.IpProtocol, FromPort: &from, ToPort: &to})
}

// rulePeer is where a rule's traffic comes from (inbound) or goes to.
func rulePeer(r ec2.SecurityGroupRule) string {
	switch {
	case r.CidrIpv4 != "":
		return r.CidrIpv4
	case r.CidrIpv6 != "":
		return r.CidrIpv6
	case r.PrefixListId != "":
		return r.PrefixListId
	case r.ReferencedGroupInfo != nil:
		return r.ReferencedGroupInfo.GroupId
	}
	return "-"
}
