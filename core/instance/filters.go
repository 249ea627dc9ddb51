package instance

import (
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/network"
	"github.com/ec2x/ec2x/core/state"
)

// DescribeInstances' filters besides those of describe.go and
// launchopts.go: the rest of what EC2 documents, each over what ec2x
// keeps. A filter over something ec2x never has (IPv6, carrier and
// customer-owned addresses, Outposts, prefixes, product codes) is known
// and matches no instance, as in EC2 for an account without them.

// none is a filter's values for what no ec2x instance has.
func none(inst) []string { return nil }

// eachENI lists values of every interface of an instance.
func eachENI(f func(x inst, e *network.ENI) []string) func(inst) []string {
	return func(x inst) []string {
		var out []string
		for _, id := range x.r.Enis {
			if e := network.Interface(x.rd, id); e != nil {
				out = append(out, f(x, e)...)
			}
		}
		return out
	}
}

// eachENIValue is eachENI for one value an interface.
func eachENIValue(f func(x inst, e *network.ENI) string) func(inst) []string {
	return eachENI(func(x inst, e *network.ENI) []string { return describe.Optional(f(x, e)) })
}

// eachAddress lists a value of every address of every interface; primary
// keeps each interface's primary address only.
func eachAddress(primary bool, f func(x inst, a network.Addr, first bool) string) func(inst) []string {
	return eachENI(func(x inst, e *network.ENI) []string {
		var out []string
		for i, a := range e.Addrs {
			if primary && i > 0 {
				break
			}
			if v := f(x, a, i == 0); v != "" {
				out = append(out, v)
			}
		}
		return out
	})
}

// publicOnly reads an address's public side, "" for none.
func publicOnly(f func(x inst, a network.Addr) string) func(x inst, a network.Addr, _ bool) string {
	return func(x inst, a network.Addr, _ bool) string {
		if a.Public == "" {
			return ""
		}
		return f(x, a)
	}
}

// ipOwner is who owns a public address: the account for an Elastic IP.
func ipOwner(_ inst, a network.Addr) string {
	if a.AllocationId != "" {
		return ec2.OwnerID
	}
	return "amazon"
}

func publicDNS(x inst, a network.Addr) string {
	return PublicDNS(x.r.Region, netip.MustParseAddr(a.Public))
}

// associationFields are the filters over public addresses: prefix
// "network-interface.addresses.association." (every address) or
// "network-interface.association." (each interface's primary).
func associationFields(prefix string, primary bool) []describe.Field[inst] {
	read := map[string]func(x inst, a network.Addr) string{
		"allocation-id":   func(_ inst, a network.Addr) string { return a.AllocationId },
		"association-id":  func(_ inst, a network.Addr) string { return a.AssociationId },
		"ip-owner-id":     ipOwner,
		"public-dns-name": publicDNS,
		"public-ip":       func(_ inst, a network.Addr) string { return a.Public },
	}
	out := []describe.Field[inst]{{Name: prefix + "carrier-ip", Values: none}, {Name: prefix + "customer-owned-ip", Values: none}}
	for _, name := range []string{"allocation-id", "association-id", "ip-owner-id", "public-dns-name", "public-ip"} {
		if name == "public-ip" && !primary {
			continue // describe.go has it
		}
		out = append(out, describe.Field[inst]{Name: prefix + name, Values: eachAddress(primary, publicOnly(read[name]))})
	}
	return out
}

// zoneID is the ID of a zone of the instance's region.
func zoneID(rd state.Reader, zone string) string {
	r := rd.Region()
	if i := slices.Index(r.Cfg.Zones, zone); i >= 0 {
		return catalog.ZoneID(r.Cfg, r.Name, i)
	}
	return ""
}

// interfaceFields are the network-interface.* filters over each
// interface as a whole.
var interfaceFields = []describe.Field[inst]{
	{Name: "network-interface.addresses.primary", Values: eachAddress(false, func(_ inst, _ network.Addr, first bool) string { return strconv.FormatBool(first) })},
	{Name: "network-interface.addresses.private-dns-name", Values: eachAddress(false, func(x inst, a network.Addr, _ bool) string {
		return PrivateDNS(x.r.Region, netip.MustParseAddr(a.Private))
	})},
	{Name: "network-interface.attachment.attach-time", Values: eachENIValue(func(_ inst, e *network.ENI) string { return e.AttachTime.UTC().Format(time.RFC3339) })},
	{Name: "network-interface.attachment.attachment-id", Values: eachENIValue(func(_ inst, e *network.ENI) string { return e.AttachmentId })},
	{Name: "network-interface.attachment.delete-on-termination", Values: eachENIValue(func(_ inst, e *network.ENI) string { return strconv.FormatBool(e.DeleteOnTermination) })},
	{Name: "network-interface.attachment.device-index", Values: eachENIValue(func(_ inst, e *network.ENI) string { return strconv.Itoa(e.DeviceIndex) })},
	{Name: "network-interface.attachment.instance-id", Values: eachENIValue(func(_ inst, e *network.ENI) string { return e.InstanceId })},
	{Name: "network-interface.attachment.instance-owner-id", Values: eachENIValue(func(inst, *network.ENI) string { return ec2.OwnerID })},
	{Name: "network-interface.attachment.network-card-index", Values: eachENIValue(func(inst, *network.ENI) string { return "0" })},
	{Name: "network-interface.attachment.status", Values: eachENIValue(func(inst, *network.ENI) string { return "attached" })},
	{Name: "network-interface.availability-zone", Values: eachENIValue(func(x inst, e *network.ENI) string { return x.s.net.ZoneOf(x.rd, e.SubnetId) })},
	{Name: "network-interface.deny-all-igw-traffic", Values: eachENIValue(func(inst, *network.ENI) string { return "false" })},
	{Name: "network-interface.description", Values: eachENIValue(func(_ inst, e *network.ENI) string { return e.Description })},
	{Name: "network-interface.group-id", Values: eachENI(func(_ inst, e *network.ENI) []string { return e.Groups })},
	{Name: "network-interface.group-name", Values: eachENI(func(x inst, e *network.ENI) []string {
		var out []string
		for _, g := range network.GroupView(x.rd, e.Groups) {
			out = append(out, g.GroupName)
		}
		return out
	})},
	{Name: "network-interface.ipv4-prefixes.ipv4-prefix", Values: none},
	{Name: "network-interface.ipv6-address", Values: none},
	{Name: "network-interface.ipv6-addresses.ipv6-address", Values: none},
	{Name: "network-interface.ipv6-addresses.is-primary-ipv6", Values: none},
	{Name: "network-interface.ipv6-native", Values: eachENIValue(func(inst, *network.ENI) string { return "false" })},
	{Name: "network-interface.ipv6-prefixes.ipv6-prefix", Values: none},
	{Name: "network-interface.mac-address", Values: eachENIValue(func(_ inst, e *network.ENI) string { return e.MacAddress })},
	{Name: "network-interface.operator.managed", Values: eachENIValue(func(inst, *network.ENI) string { return "false" })},
	{Name: "network-interface.operator.principal", Values: none},
	{Name: "network-interface.outpost-arn", Values: none},
	{Name: "network-interface.owner-id", Values: eachENIValue(func(inst, *network.ENI) string { return ec2.OwnerID })},
	{Name: "network-interface.private-dns-name", Values: eachAddress(true, func(x inst, a network.Addr, _ bool) string {
		return PrivateDNS(x.r.Region, netip.MustParseAddr(a.Private))
	})},
	{Name: "network-interface.private-ip-address", Values: eachAddress(true, func(_ inst, a network.Addr, _ bool) string { return a.Private })},
	{Name: "network-interface.public-dns-name", Values: eachAddress(true, publicOnly(publicDNS))},
	{Name: "network-interface.requester-id", Values: none},
	{Name: "network-interface.requester-managed", Values: eachENIValue(func(inst, *network.ENI) string { return "false" })},
	{Name: "network-interface.source-dest-check", Values: eachENIValue(func(_ inst, e *network.ENI) string { return strconv.FormatBool(!e.NoSourceDestCheck) })},
	{Name: "network-interface.status", Values: eachENIValue(func(_ inst, e *network.ENI) string { return e.Status() })},
	{Name: "network-interface.subnet-id", Values: eachENIValue(func(_ inst, e *network.ENI) string { return e.SubnetId })},
	{Name: "network-interface.tag-key", Values: eachENI(func(_ inst, e *network.ENI) []string {
		var out []string
		for _, t := range e.Tags {
			out = append(out, t.Key)
		}
		return out
	})},
	{Name: "network-interface.tag-value", Values: eachENI(func(_ inst, e *network.ENI) []string {
		var out []string
		for _, t := range e.Tags {
			out = append(out, t.Value)
		}
		return out
	})},
	{Name: "network-interface.vpc-id", Values: eachENIValue(func(x inst, e *network.ENI) string { return x.s.net.SubnetVpc(x.rd, e.SubnetId) })},
}

// instanceMoreFields are the remaining filters over the instance itself.
var instanceMoreFields = []describe.Field[inst]{
	{Name: "affinity", Values: none}, // Dedicated Hosts only, and ec2x has none
	{Name: "availability-zone-id", Values: func(x inst) []string { return describe.Optional(zoneID(x.rd, x.r.Placement.AvailabilityZone)) }},
	{Name: "capacity-reservation-id", Values: none},
	{Name: "ena-support", Value: func(x inst) string { return strconv.FormatBool(!x.r.Attr().NoEnaSupport) }},
	{Name: "enclave-options.enabled", Value: func(x inst) string { return strconv.FormatBool(x.r.Attr().EnclavesEnabled) }},
	{Name: "iam-instance-profile.id", Values: func(x inst) []string {
		if x.r.Opts().IamProfile == "" {
			return nil
		}
		return one(profileID(x.r.Opts().IamProfile))
	}},
	{Name: "ipv6-address", Values: none},
	{Name: "launch-index", Value: func(x inst) string { return strconv.Itoa(int(x.r.AmiLaunchIndex)) }},
	{Name: "metadata-options.http-protocol-ipv4", Value: func(inst) string { return "enabled" }},
	{Name: "metadata-options.http-protocol-ipv6", Value: func(x inst) string { return x.r.Attr().Metadata.View().HttpProtocolIpv6 }},
	{Name: "metadata-options.state", Value: func(x inst) string { return x.r.Attr().Metadata.View().State }},
	{Name: "network-performance-options.bandwidth-weighting", Value: func(x inst) string { return or(x.r.Opts().Bandwidth, "default") }},
	{Name: "operator.managed", Value: func(inst) string { return "false" }},
	{Name: "operator.principal", Values: none},
	{Name: "outpost-arn", Values: none},
	{Name: "placement-partition-number", Values: none}, // ec2x has no placement groups
	{Name: "platform", Values: none},                   // "windows" only, and ec2x runs Linux
	{Name: "product-code.type", Values: none},
	{Name: "reason", Values: func(x inst) []string { return describe.Optional(x.r.StateTransitionReason) }},
	{Name: "state-reason-code", Values: func(x inst) []string {
		if x.r.StateReason == nil {
			return nil
		}
		return one(x.r.StateReason.Code)
	}},
	{Name: "state-reason-message", Values: func(x inst) []string {
		if x.r.StateReason == nil {
			return nil
		}
		return one(x.r.StateReason.Message)
	}},
	{Name: "tpm-support", Values: none},
	{Name: "usage-operation-update-time", Value: func(x inst) string { return x.r.LaunchTime.UTC().Format(time.RFC3339) }},
}

// netFields is every filter of this file.
var netFields = slices.Concat(interfaceFields, associationFields("network-interface.addresses.association.", false),
	associationFields("network-interface.association.", true), instanceMoreFields)
