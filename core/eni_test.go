package core

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

var (
	eniIDShape = regexp.MustCompile(`^eni-[0-9a-f]{17}$`)
	macShape   = regexp.MustCompile(`^0a(:[0-9a-f]{2}){5}$`)
)

// subnetIn is the default subnet of a zone.
func (e *env) subnetIn(region, zone string) ec2.Subnet {
	e.t.Helper()
	out, err := e.c.DescribeSubnets(e.ctx, region, &ec2.DescribeSubnetsInput{Filters: []ec2.Filter{newFilter("availability-zone", zone)}})
	if err != nil || len(out.Subnets) != 1 {
		e.t.Fatalf("subnet of %s: %v (%d)", zone, err, len(out.Subnets))
	}
	return out.Subnets[0]
}

func TestCreateNetworkInterface(t *testing.T) {
	e := newEnv(t, "")
	subA, subB := e.subnetIn(use1, "us-east-1a"), e.subnetIn(use1, "us-east-1b")
	web, err := e.c.CreateSecurityGroup(e.ctx, use1, &ec2.CreateSecurityGroupInput{GroupName: "web", Description: "web servers"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		in     ec2.CreateNetworkInterfaceInput
		zone   string
		ips    []string // wanted addresses; "" for any of the subnet
		groups []string
	}{
		{"in a zone", ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1b"}, "us-east-1b", []string{""}, []string{"default"}},
		{"in a subnet with a given address", ec2.CreateNetworkInterfaceInput{SubnetId: subA.SubnetId, PrivateIpAddress: "172.31.0.10"}, "us-east-1a", []string{"172.31.0.10"}, []string{"default"}},
		{"first and last usable addresses", ec2.CreateNetworkInterfaceInput{SubnetId: subA.SubnetId, PrivateIpAddress: "172.31.0.4", PrivateIpAddresses: []string{"172.31.15.254"}}, "us-east-1a", []string{"172.31.0.4", "172.31.15.254"}, []string{"default"}},
		{"allocated secondaries", ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", SecondaryPrivateIpAddressCount: 2}, "us-east-1a", []string{"", "", ""}, []string{"default"}},
		{"given and allocated secondaries", ec2.CreateNetworkInterfaceInput{SubnetId: subB.SubnetId, PrivateIpAddresses: []string{"172.31.20.1"}, SecondaryPrivateIpAddressCount: 1}, "us-east-1b", []string{"", "172.31.20.1", ""}, []string{"default"}},
		{"groups and a description", ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", Groups: []string{web.GroupId}, Description: "site two"}, "us-east-1a", []string{""}, []string{"web"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sub := e.subnetIn(use1, tc.zone)
			free := sub.AvailableIpAddressCount
			ni := e.createENI(use1, &tc.in)
			if !eniIDShape.MatchString(ni.NetworkInterfaceId) || !macShape.MatchString(ni.MacAddress) || ni.Status != "available" ||
				ni.SubnetId != sub.SubnetId || ni.AvailabilityZone != tc.zone || ni.Attachment != nil || ni.Description != tc.in.Description ||
				ni.OwnerId != ec2.OwnerID || ni.InterfaceType != "interface" {
				t.Fatalf("created %s", jsonOf(t, ni))
			}
			if len(ni.PrivateIpAddresses) != len(tc.ips) || ni.PrivateIpAddress != ni.PrivateIpAddresses[0].PrivateIpAddress {
				t.Fatalf("addresses %+v, want %d", ni.PrivateIpAddresses, len(tc.ips))
			}
			cidr := netip.MustParsePrefix(sub.CidrBlock)
			for i, p := range ni.PrivateIpAddresses {
				if p.Primary != (i == 0) || !cidr.Contains(netip.MustParseAddr(p.PrivateIpAddress)) || (tc.ips[i] != "" && p.PrivateIpAddress != tc.ips[i]) {
					t.Fatalf("address %d: %+v, want %q in %s", i, p, tc.ips[i], cidr)
				}
			}
			var names []string
			for _, g := range ni.Groups {
				names = append(names, g.GroupName)
			}
			if !slices.Equal(names, tc.groups) {
				t.Fatalf("groups %v, want %v", names, tc.groups)
			}
			if got := e.freeInSubnet(use1, sub.SubnetId); got != free-len(tc.ips) {
				t.Fatalf("subnet has %d free, want %d", got, free-len(tc.ips))
			}
			checkAll(t, e, use1)
		})
	}
}

func TestCreateNetworkInterfaceRefusals(t *testing.T) {
	e := newEnv(t, "")
	id := e.launchTyped(use1, "t2.micro", "us-east-1a", 1)[0]
	taken := e.get(use1, id).PrivateIpAddress
	subA := e.subnetIn(use1, "us-east-1a")
	in := func(ip string) ec2.CreateNetworkInterfaceInput {
		return ec2.CreateNetworkInterfaceInput{SubnetId: subA.SubnetId, PrivateIpAddress: ip}
	}
	cases := []struct {
		name string
		in   ec2.CreateNetworkInterfaceInput
		code string
		frag string
	}{
		{"network address", in("172.31.0.0"), ec2.CodeInvalidParameterValue, "reserved"},
		{"router", in("172.31.0.1"), ec2.CodeInvalidParameterValue, "reserved"},
		{"DNS", in("172.31.0.2"), ec2.CodeInvalidParameterValue, "reserved"},
		{"future use", in("172.31.0.3"), ec2.CodeInvalidParameterValue, "reserved"},
		{"broadcast", in("172.31.15.255"), ec2.CodeInvalidParameterValue, "reserved"},
		{"outside the subnet", in("172.31.16.5"), ec2.CodeInvalidParameterValue, "does not fall within"},
		{"not an address", in("172.31.0.999"), ec2.CodeInvalidParameterValue, "Invalid IPv4"},
		{"IPv6", in("fd00::5"), ec2.CodeInvalidParameterValue, "Invalid IPv4"},
		{"an instance's address", in(taken), ec2.CodeInvalidIPAddressInUse, taken},
		{"a free then a taken secondary", ec2.CreateNetworkInterfaceInput{SubnetId: subA.SubnetId, PrivateIpAddresses: []string{"172.31.1.1", taken}}, ec2.CodeInvalidIPAddressInUse, ""},
		{"the same address twice", ec2.CreateNetworkInterfaceInput{SubnetId: subA.SubnetId, PrivateIpAddress: "172.31.1.2", PrivateIpAddresses: []string{"172.31.1.2"}}, ec2.CodeInvalidIPAddressInUse, ""},
		{"unknown subnet", ec2.CreateNetworkInterfaceInput{SubnetId: "subnet-0123456789abcdef0"}, ec2.CodeInvalidSubnetIDNotFound, ""},
		{"subnet and zone", ec2.CreateNetworkInterfaceInput{SubnetId: subA.SubnetId, AvailabilityZone: "us-east-1a"}, ec2.CodeInvalidParameterCombination, ""},
		{"neither subnet nor zone", ec2.CreateNetworkInterfaceInput{}, ec2.CodeMissingParameter, ""},
		{"unknown zone", ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1z"}, ec2.CodeInvalidParameterValue, ""},
		{"another region's zone", ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-west-2a"}, ec2.CodeInvalidParameterValue, ""},
		{"unknown group", ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", Groups: []string{"sg-0123456789abcdef0"}}, ec2.CodeInvalidGroupNotFound, ""},
		{"malformed group", ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", Groups: []string{"web"}}, ec2.CodeInvalidGroupIdMalformed, ""},
		{"too many addresses", ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", SecondaryPrivateIpAddressCount: 50}, ec2.CodePrivateIpAddressLimitExceeded, ""},
		{"negative count", ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", SecondaryPrivateIpAddressCount: -1}, ec2.CodePrivateIpAddressLimitExceeded, ""},
		{"long description", ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", Description: strings.Repeat("d", 256)}, ec2.CodeInvalidParameterValue, ""},
		{"dry run", ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", SecondaryPrivateIpAddressCount: 3, DryRun: true}, ec2.CodeDryRunOperation, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.CreateNetworkInterface(e.ctx, use1, &tc.in)
			if tc.frag != "" {
				wantCode(t, err, tc.code, tc.frag)
			} else {
				wantCode(t, err, tc.code)
			}
			// Nothing was made and every address claimed on the way is back.
			if got := e.freeInSubnet(use1, subA.SubnetId); got != subA.AvailableIpAddressCount {
				t.Fatalf("subnet has %d free, want %d", got, subA.AvailableIpAddressCount)
			}
			if n := len(e.enis(use1)); n != 1 {
				t.Fatalf("%d interfaces after a refusal, want the instance's one", n)
			}
			checkAddressBooks(t, e, use1)
		})
	}
}

func TestDescribeNetworkInterfacesFilters(t *testing.T) {
	e := newEnv(t, "")
	id := e.launchTyped(use1, "t3.medium", "us-east-1a", 1)[0]
	primary := e.primaryENI(use1, id)
	db, err := e.c.CreateSecurityGroup(e.ctx, use1, &ec2.CreateSecurityGroupInput{GroupName: "db", Description: "db"})
	if err != nil {
		t.Fatal(err)
	}
	second := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", Groups: []string{db.GroupId}, SecondaryPrivateIpAddressCount: 1})
	e.attach(use1, second.NetworkInterfaceId, id, nil)
	spare := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1b", Description: "spare one",
		TagSpecifications: []ec2.TagSpecification{{ResourceType: "network-interface", Tags: []ec2.Tag{{Key: "Name", Value: "spare"}}}}})
	west := e.createENI(usw2, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-west-2a"})
	pub := e.get(use1, id).PublicIpAddress
	cases := []struct {
		name string
		fs   []ec2.Filter
		want []string
	}{
		{"none", nil, []string{primary, second.NetworkInterfaceId, spare.NetworkInterfaceId}},
		{"status available", []ec2.Filter{newFilter("status", "available")}, []string{spare.NetworkInterfaceId}},
		{"status in-use", []ec2.Filter{newFilter("status", "in-use")}, []string{primary, second.NetworkInterfaceId}},
		{"attachment.instance-id", []ec2.Filter{newFilter("attachment.instance-id", id)}, []string{primary, second.NetworkInterfaceId}},
		{"attachment.device-index", []ec2.Filter{newFilter("attachment.device-index", "1")}, []string{second.NetworkInterfaceId}},
		{"availability-zone", []ec2.Filter{newFilter("availability-zone", "us-east-1b")}, []string{spare.NetworkInterfaceId}},
		{"subnet-id", []ec2.Filter{newFilter("subnet-id", second.SubnetId)}, []string{primary, second.NetworkInterfaceId}},
		{"description wildcard", []ec2.Filter{newFilter("description", "spare*")}, []string{spare.NetworkInterfaceId}},
		{"secondary private-ip-address", []ec2.Filter{newFilter("private-ip-address", second.PrivateIpAddresses[1].PrivateIpAddress)}, []string{second.NetworkInterfaceId}},
		{"association.public-ip", []ec2.Filter{newFilter("association.public-ip", pub)}, []string{primary}},
		{"group-id", []ec2.Filter{newFilter("group-id", db.GroupId)}, []string{second.NetworkInterfaceId}},
		{"tag:Name", []ec2.Filter{newFilter("tag:Name", "spare")}, []string{spare.NetworkInterfaceId}},
		{"mac-address", []ec2.Filter{newFilter("mac-address", spare.MacAddress)}, []string{spare.NetworkInterfaceId}},
		{"network-interface-id of another region", []ec2.Filter{newFilter("network-interface-id", west.NetworkInterfaceId)}, nil},
		{"AND of two", []ec2.Filter{newFilter("status", "in-use"), newFilter("group-id", db.GroupId)}, []string{second.NetworkInterfaceId}},
		// The primary interface goes with its instance; one attached later stays.
		{"attachment.delete-on-termination", []ec2.Filter{newFilter("attachment.delete-on-termination", "true")}, []string{primary}},
		{"attachment.status", []ec2.Filter{newFilter("attachment.status", "attached")}, []string{primary, second.NetworkInterfaceId}},
		{"attachment.instance-owner-id", []ec2.Filter{newFilter("attachment.instance-owner-id", ec2.OwnerID)}, []string{primary, second.NetworkInterfaceId}},
		{"attachment.attach-time", []ec2.Filter{newFilter("attachment.attach-time", "20*")}, []string{primary, second.NetworkInterfaceId}},
		{"addresses.private-ip-address", []ec2.Filter{newFilter("addresses.private-ip-address", second.PrivateIpAddresses[1].PrivateIpAddress)}, []string{second.NetworkInterfaceId}},
		{"addresses.primary false: a secondary address", []ec2.Filter{newFilter("addresses.primary", "false")}, []string{second.NetworkInterfaceId}},
		{"addresses.association.public-ip", []ec2.Filter{newFilter("addresses.association.public-ip", pub)}, []string{primary}},
		{"source-dest-check", []ec2.Filter{newFilter("source-dest-check", "false")}, nil},
		{"requester-managed", []ec2.Filter{newFilter("requester-managed", "false")}, []string{primary, second.NetworkInterfaceId, spare.NetworkInterfaceId}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := e.enis(use1, tc.fs...); !sameSet(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	errCases := []struct {
		name string
		in   ec2.DescribeNetworkInterfacesInput
		code string
	}{
		{"unknown filter", ec2.DescribeNetworkInterfacesInput{Filters: []ec2.Filter{newFilter("speed", "fast")}}, ec2.CodeInvalidParameterValue},
		{"unknown ID", ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{"eni-0123456789abcdef0"}}, ec2.CodeInvalidNetworkInterfaceIDNotFound},
		{"another region's ID", ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{west.NetworkInterfaceId}}, ec2.CodeInvalidNetworkInterfaceIDNotFound},
		{"malformed ID", ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{"eni-q"}}, ec2.CodeInvalidNetworkInterfaceIDMalformed},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.DescribeNetworkInterfaces(e.ctx, use1, &tc.in)
			wantCode(t, err, tc.code)
		})
	}
	t.Run("attachment and groups as shown", func(t *testing.T) {
		got := e.eni(use1, second.NetworkInterfaceId)
		if got.Attachment == nil || got.Attachment.InstanceId != id || got.Attachment.DeviceIndex != 1 || got.Attachment.DeleteOnTermination ||
			got.Attachment.Status != "attached" || len(got.Groups) != 1 || got.Groups[0] != (ec2.GroupIdentifier{GroupId: db.GroupId, GroupName: "db"}) {
			t.Fatalf("%s", jsonOf(t, got))
		}
		if p := e.eni(use1, primary); p.Attachment == nil || p.Attachment.DeviceIndex != 0 || !p.Attachment.DeleteOnTermination {
			t.Fatalf("primary: %s", jsonOf(t, p))
		}
	})
}
