package core

import (
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// filterCase is one DescribeInstances filter test over the describe fleet.
type filterCase struct {
	name    string
	filters []ec2.Filter
	want    []*ec2.Instance
}

// netFilterCases are the cases of the interface, address and other
// filters of core/instance/filters.go. A runs in us-east-1a (use1-az6)
// with a pool public IP, B is stopped by its user, C and D are pending.
func netFilterCases(f *describeFleet) []filterCase {
	a, b, c, d := f.a, f.b, f.c, f.d
	all := []*ec2.Instance{a, b, c, d}
	public := []*ec2.Instance{a, c, d}
	one := func(name, value string, want ...*ec2.Instance) filterCase {
		return filterCase{name + "=" + value, []ec2.Filter{newFilter(name, value)}, want}
	}
	none := func(name string) filterCase { return one(name, "*") }
	return append([]filterCase{
		none("affinity"),
		one("availability-zone-id", "use1-az6", a),
		one("availability-zone-id", "use1-az*", all...),
		none("capacity-reservation-id"),
		one("ena-support", "true", all...),
		one("enclave-options.enabled", "false", all...),
		one("iam-instance-profile.id", "AIPA*", a),
		none("ipv6-address"),
		one("launch-index", "1", d),
		one("metadata-options.http-protocol-ipv4", "enabled", all...),
		one("metadata-options.http-protocol-ipv6", "disabled", all...),
		one("metadata-options.state", "applied", all...),
		none("network-interface.addresses.association.allocation-id"),
		none("network-interface.addresses.association.association-id"),
		none("network-interface.addresses.association.carrier-ip"),
		none("network-interface.addresses.association.customer-owned-ip"),
		one("network-interface.addresses.association.ip-owner-id", "amazon", public...),
		one("network-interface.addresses.association.public-dns-name", a.PublicDnsName, a),
		one("network-performance-options.bandwidth-weighting", "default", all...),
		one("operator.managed", "false", all...),
		none("operator.principal"),
		none("outpost-arn"),
		none("placement-partition-number"),
		none("platform"),
		none("product-code.type"),
		one("reason", "User initiated*", b),
		one("state-reason-code", "Client.UserInitiatedShutdown", b),
		one("state-reason-message", "*User initiated shutdown", b),
		none("tpm-support"),
		one("usage-operation-update-time", a.LaunchTime.UTC().Format(time.RFC3339), a),
	}, ifaceFilterCases(f)...)
}

// ifaceFilterCases are netFilterCases' network-interface.* cases.
func ifaceFilterCases(f *describeFleet) []filterCase {
	a, b, c, d := f.a, f.b, f.c, f.d
	all := []*ec2.Instance{a, b, c, d}
	public := []*ec2.Instance{a, c, d}
	one := func(name, value string, want ...*ec2.Instance) filterCase {
		return filterCase{name + "=" + value, []ec2.Filter{newFilter(name, value)}, want}
	}
	none := func(name string) filterCase { return one(name, "*") }
	return []filterCase{
		one("network-interface.addresses.primary", "true", all...),
		one("network-interface.addresses.primary", "false"),
		one("network-interface.addresses.private-dns-name", b.PrivateDnsName, b),
		none("network-interface.association.allocation-id"),
		none("network-interface.association.association-id"),
		none("network-interface.association.carrier-ip"),
		none("network-interface.association.customer-owned-ip"),
		one("network-interface.association.ip-owner-id", "amazon", public...),
		one("network-interface.association.public-dns-name", "*.compute-1.amazonaws.com", public...),
		one("network-interface.association.public-ip", c.PublicIpAddress, c),
		one("network-interface.attachment.attach-time", a.LaunchTime.UTC().Format(time.RFC3339), a),
		one("network-interface.attachment.attachment-id", c.NetworkInterfaces[0].Attachment.AttachmentId, c),
		one("network-interface.attachment.delete-on-termination", "true", all...),
		one("network-interface.attachment.device-index", "0", all...),
		one("network-interface.attachment.device-index", "1"),
		one("network-interface.attachment.instance-id", d.InstanceId, d),
		one("network-interface.attachment.instance-owner-id", ec2.OwnerID, all...),
		one("network-interface.attachment.network-card-index", "0", all...),
		one("network-interface.attachment.status", "attached", all...),
		one("network-interface.availability-zone", "us-east-1b", b),
		one("network-interface.deny-all-igw-traffic", "false", all...),
		none("network-interface.description"),
		one("network-interface.group-id", a.SecurityGroups[0].GroupId, all...),
		one("network-interface.group-name", "default", all...),
		none("network-interface.ipv4-prefixes.ipv4-prefix"),
		none("network-interface.ipv6-address"),
		none("network-interface.ipv6-addresses.ipv6-address"),
		none("network-interface.ipv6-addresses.is-primary-ipv6"),
		one("network-interface.ipv6-native", "false", all...),
		none("network-interface.ipv6-prefixes.ipv6-prefix"),
		one("network-interface.mac-address", c.NetworkInterfaces[0].MacAddress, c),
		one("network-interface.operator.managed", "false", all...),
		none("network-interface.operator.principal"),
		none("network-interface.outpost-arn"),
		one("network-interface.owner-id", ec2.OwnerID, all...),
		one("network-interface.private-dns-name", a.PrivateDnsName, a),
		one("network-interface.private-ip-address", b.PrivateIpAddress, b),
		one("network-interface.public-dns-name", a.PublicDnsName, a),
		none("network-interface.requester-id"),
		one("network-interface.requester-managed", "false", all...),
		one("network-interface.source-dest-check", "true", all...),
		one("network-interface.status", "in-use", all...),
		one("network-interface.subnet-id", b.SubnetId, b),
		none("network-interface.tag-key"),
		none("network-interface.tag-value"),
		one("network-interface.vpc-id", a.VpcId, all...),
	}
}
