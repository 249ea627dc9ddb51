package network

import (
	"io"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// vpcShown is what `vpc show` prints: the VPC, its DNS attributes (which
// DescribeVpcs does not carry) and its subnets.
type vpcShown struct {
	Vpc                ec2.Vpc      `json:"Vpc"`
	EnableDnsSupport   bool         `json:"EnableDnsSupport"`
	EnableDnsHostnames bool         `json:"EnableDnsHostnames"`
	Subnets            []ec2.Subnet `json:"Subnets"`
}

// vpcShowCommand is `ec2x vpc show`: one VPC in full.
var vpcShowCommand = &cli.Command{
	Name:      "show",
	Usage:     "show one VPC in full: blocks, DNS attributes, subnets",
	ArgsUsage: "VPC-ID",
	Action: func(c *cli.Context) error {
		e, args, err := command.Setup(c, 1, 1, "VPC ID")
		if err != nil {
			return err
		}
		var vpcs ec2.DescribeVpcsOutput
		if err := e.Call("DescribeVpcs", &ec2.DescribeVpcsInput{VpcIds: args}, &vpcs); err != nil {
			return err
		}
		shown := vpcShown{Vpc: vpcs.Vpcs[0]}
		for _, a := range []struct {
			name string
			to   *bool
		}{{"enableDnsSupport", &shown.EnableDnsSupport}, {"enableDnsHostnames", &shown.EnableDnsHostnames}} {
			var out ec2.DescribeVpcAttributeOutput
			if err := e.Call("DescribeVpcAttribute", &ec2.DescribeVpcAttributeInput{VpcId: args[0], Attribute: a.name}, &out); err != nil {
				return err
			}
			v := out.EnableDnsSupport
			if a.name == "enableDnsHostnames" {
				v = out.EnableDnsHostnames
			}
			*a.to = v != nil && v.Value != nil && *v.Value
		}
		var subs ec2.DescribeSubnetsOutput
		if err := e.Call("DescribeSubnets", &ec2.DescribeSubnetsInput{Filters: []ec2.Filter{{Name: "vpc-id", Values: args}}}, &subs); err != nil {
			return err
		}
		shown.Subnets = subs.Subnets
		return e.Print(command.View{Data: &shown, IDs: args, Plain: func(w io.Writer, color bool) { showVpc(w, &shown, color) }})
	},
}

func showVpc(w io.Writer, s *vpcShown, color bool) {
	v := s.Vpc
	var blocks, v6 []string
	for _, b := range v.CidrBlockAssociationSet {
		blocks = append(blocks, b.CidrBlock)
	}
	for _, b := range v.Ipv6CidrBlockAssociationSet {
		v6 = append(v6, b.Ipv6CidrBlock)
	}
	var tags []string
	for _, t := range v.Tags {
		tags = append(tags, t.Key+"="+t.Value)
	}
	render.Pairs(w, [][2]string{
		{"VpcId", v.VpcId},
		{"Name", render.Dash(tagValue(v.Tags, "Name"))},
		{"State", v.State},
		{"CidrBlocks", strings.Join(blocks, ", ")},
		{"Ipv6CidrBlocks", render.Dash(strings.Join(v6, ", "))},
		{"IsDefault", strconv.FormatBool(v.IsDefault)},
		{"InstanceTenancy", v.InstanceTenancy},
		{"DhcpOptionsId", render.Dash(v.DhcpOptionsId)},
		{"EnableDnsSupport", onOffText(s.EnableDnsSupport)},
		{"EnableDnsHostnames", onOffText(s.EnableDnsHostnames)},
		{"Tags", render.Dash(strings.Join(tags, ", "))},
	}, color)
	if len(s.Subnets) == 0 {
		return
	}
	io.WriteString(w, "\n")
	rows := make([][]string, len(s.Subnets))
	for i, x := range s.Subnets {
		rows[i] = []string{x.SubnetId, x.AvailabilityZone, x.CidrBlock, strconv.Itoa(x.AvailableIpAddressCount), onOffText(x.MapPublicIpOnLaunch), render.Dash(tagValue(x.Tags, "Name"))}
	}
	render.Table(w, []string{"SUBNET ID", "ZONE", "CIDR", "FREE IPS", "PUBLIC IPS", "NAME"}, rows, color)
}
