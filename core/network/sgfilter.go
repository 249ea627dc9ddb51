package network

import (
	"strconv"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
)

// groupFields is DescribeSecurityGroups' filters, every one EC2 documents:
// the group's own fields, and the same rule filters over inbound rules
// (ip-permission.*) and outbound ones (egress.ip-permission.*).
func groupFields() []describe.Field[*ec2.SecurityGroup] {
	fields := []describe.Field[*ec2.SecurityGroup]{
		{Name: "group-id", Value: func(g *ec2.SecurityGroup) string { return g.GroupId }},
		{Name: "group-name", Value: func(g *ec2.SecurityGroup) string { return g.GroupName }},
		{Name: "vpc-id", Value: func(g *ec2.SecurityGroup) string { return g.VpcId }},
		{Name: "description", Value: func(g *ec2.SecurityGroup) string { return g.Description }},
		{Name: "owner-id", Value: func(g *ec2.SecurityGroup) string { return g.OwnerId }},
	}
	fields = append(fields, permFields("ip-permission.", func(g *ec2.SecurityGroup) []ec2.IpPermission { return g.IpPermissions })...)
	return append(fields, permFields("egress.ip-permission.", func(g *ec2.SecurityGroup) []ec2.IpPermission { return g.IpPermissionsEgress })...)
}

// permFields is the rule filters under prefix over the rules perms reads.
// A rule with all ports ("-1", no FromPort) has no port value, so a port
// filter does not match it, as in EC2.
func permFields(prefix string, perms func(*ec2.SecurityGroup) []ec2.IpPermission) []describe.Field[*ec2.SecurityGroup] {
	each := func(read func(p *ec2.IpPermission, add func(string))) func(*ec2.SecurityGroup) []string {
		return func(g *ec2.SecurityGroup) []string {
			var out []string
			ps := perms(g)
			for i := range ps {
				read(&ps[i], func(v string) { out = append(out, v) })
			}
			return out
		}
	}
	return []describe.Field[*ec2.SecurityGroup]{
		{Name: prefix + "protocol", Values: each(func(p *ec2.IpPermission, add func(string)) { add(p.IpProtocol) })},
		{Name: prefix + "from-port", Values: each(func(p *ec2.IpPermission, add func(string)) {
			if p.FromPort != nil {
				add(strconv.Itoa(*p.FromPort))
			}
		})},
		{Name: prefix + "to-port", Values: each(func(p *ec2.IpPermission, add func(string)) {
			if p.ToPort != nil {
				add(strconv.Itoa(*p.ToPort))
			}
		})},
		{Name: prefix + "cidr", Values: each(func(p *ec2.IpPermission, add func(string)) {
			for _, r := range p.IpRanges {
				add(r.CidrIp)
			}
		})},
		{Name: prefix + "group-id", Values: each(func(p *ec2.IpPermission, add func(string)) {
			for _, u := range p.UserIdGroupPairs {
				add(u.GroupId)
			}
		})},
		{Name: prefix + "user-id", Values: each(func(p *ec2.IpPermission, add func(string)) {
			for _, u := range p.UserIdGroupPairs {
				add(u.UserId)
			}
		})},
		{Name: prefix + "ipv6-cidr", Values: each(func(p *ec2.IpPermission, add func(string)) {
			for _, r := range p.Ipv6Ranges {
				add(r.CidrIpv6)
			}
		})},
		// ec2x has no prefix lists yet: EC2's filter, matching no rule.
		{Name: prefix + "prefix-list-id", Values: each(func(p *ec2.IpPermission, add func(string)) {})},
	}
}
