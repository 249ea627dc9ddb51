package core

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var (
	eniIDShape = regexp.MustCompile(`^eni-[0-9a-f]{17}$`)
	macShape   = regexp.MustCompile(`^0a(:[0-9a-f]{2}){5}$`)
)

// subnetIn is the default subnet of a zone.
func (e *env) subnetIn(region, zone string) Subnet {
	e.t.Helper()
	out, err := e.c.DescribeSubnets(e.ctx, region, &DescribeSubnetsInput{Filters: []Filter{newFilter("availability-zone", zone)}})
	if err != nil || len(out.Subnets) != 1 {
		e.t.Fatalf("subnet of %s: %v (%d)", zone, err, len(out.Subnets))
	}
	return out.Subnets[0]
}

func TestCreateNetworkInterface(t *testing.T) {
	e := newEnv(t, "")
	subA, subB := e.subnetIn(use1, "us-east-1a"), e.subnetIn(use1, "us-east-1b")
	web, err := e.c.CreateSecurityGroup(e.ctx, use1, &CreateSecurityGroupInput{GroupName: "web", Description: "web servers"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		in     CreateNetworkInterfaceInput
		zone   string
		ips    []string // wanted addresses; "" for any of the subnet
		groups []string
	}{
		{"in a zone", CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1b"}, "us-east-1b", []string{""}, []string{"default"}},
		{"in a subnet with a given address", CreateNetworkInterfaceInput{SubnetId: subA.SubnetId, PrivateIpAddress: "172.31.0.10"}, "us-east-1a", []string{"172.31.0.10"}, []string{"default"}},
		{"first and last usable addresses", CreateNetworkInterfaceInput{SubnetId: subA.SubnetId, PrivateIpAddress: "172.31.0.4", PrivateIpAddresses: []string{"172.31.15.254"}}, "us-east-1a", []string{"172.31.0.4", "172.31.15.254"}, []string{"default"}},
		{"allocated secondaries", CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", SecondaryPrivateIpAddressCount: 2}, "us-east-1a", []string{"", "", ""}, []string{"default"}},
		{"given and allocated secondaries", CreateNetworkInterfaceInput{SubnetId: subB.SubnetId, PrivateIpAddresses: []string{"172.31.20.1"}, SecondaryPrivateIpAddressCount: 1}, "us-east-1b", []string{"", "172.31.20.1", ""}, []string{"default"}},
		{"groups and a description", CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", Groups: []string{web.GroupId}, Description: "site two"}, "us-east-1a", []string{""}, []string{"web"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sub := e.subnetIn(use1, tc.zone)
			free := sub.AvailableIpAddressCount
			ni := e.createENI(use1, &tc.in)
			if !eniIDShape.MatchString(ni.NetworkInterfaceId) || !macShape.MatchString(ni.MacAddress) || ni.Status != "available" ||
				ni.SubnetId != sub.SubnetId || ni.AvailabilityZone != tc.zone || ni.Attachment != nil || ni.Description != tc.in.Description ||
				ni.OwnerId != OwnerID || ni.InterfaceType != "interface" {
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
	in := func(ip string) CreateNetworkInterfaceInput {
		return CreateNetworkInterfaceInput{SubnetId: subA.SubnetId, PrivateIpAddress: ip}
	}
	cases := []struct {
		name string
		in   CreateNetworkInterfaceInput
		code string
		frag string
	}{
		{"network address", in("172.31.0.0"), CodeInvalidParameterValue, "reserved"},
		{"router", in("172.31.0.1"), CodeInvalidParameterValue, "reserved"},
		{"DNS", in("172.31.0.2"), CodeInvalidParameterValue, "reserved"},
		{"future use", in("172.31.0.3"), CodeInvalidParameterValue, "reserved"},
		{"broadcast", in("172.31.15.255"), CodeInvalidParameterValue, "reserved"},
		{"outside the subnet", in("172.31.16.5"), CodeInvalidParameterValue, "does not fall within"},
		{"not an address", in("172.31.0.999"), CodeInvalidParameterValue, "Invalid IPv4"},
		{"IPv6", in("fd00::5"), CodeInvalidParameterValue, "Invalid IPv4"},
		{"an instance's address", in(taken), CodeInvalidIPAddressInUse, taken},
		{"a free then a taken secondary", CreateNetworkInterfaceInput{SubnetId: subA.SubnetId, PrivateIpAddresses: []string{"172.31.1.1", taken}}, CodeInvalidIPAddressInUse, ""},
		{"the same address twice", CreateNetworkInterfaceInput{SubnetId: subA.SubnetId, PrivateIpAddress: "172.31.1.2", PrivateIpAddresses: []string{"172.31.1.2"}}, CodeInvalidIPAddressInUse, ""},
		{"unknown subnet", CreateNetworkInterfaceInput{SubnetId: "subnet-0123456789abcdef0"}, CodeInvalidSubnetIDNotFound, ""},
		{"subnet and zone", CreateNetworkInterfaceInput{SubnetId: subA.SubnetId, AvailabilityZone: "us-east-1a"}, CodeInvalidParameterCombination, ""},
		{"neither subnet nor zone", CreateNetworkInterfaceInput{}, CodeMissingParameter, ""},
		{"unknown zone", CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1z"}, CodeInvalidParameterValue, ""},
		{"another region's zone", CreateNetworkInterfaceInput{AvailabilityZone: "us-west-2a"}, CodeInvalidParameterValue, ""},
		{"unknown group", CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", Groups: []string{"sg-0123456789abcdef0"}}, CodeInvalidGroupNotFound, ""},
		{"malformed group", CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", Groups: []string{"web"}}, CodeInvalidGroupIdMalformed, ""},
		{"too many addresses", CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", SecondaryPrivateIpAddressCount: 50}, CodePrivateIpAddressLimitExceeded, ""},
		{"negative count", CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", SecondaryPrivateIpAddressCount: -1}, CodePrivateIpAddressLimitExceeded, ""},
		{"long description", CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", Description: strings.Repeat("d", 256)}, CodeInvalidParameterValue, ""},
		{"dry run", CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", SecondaryPrivateIpAddressCount: 3, DryRun: true}, CodeDryRunOperation, ""},
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
	db, err := e.c.CreateSecurityGroup(e.ctx, use1, &CreateSecurityGroupInput{GroupName: "db"})
	if err != nil {
		t.Fatal(err)
	}
	second := e.createENI(use1, &CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", Groups: []string{db.GroupId}, SecondaryPrivateIpAddressCount: 1})
	e.attach(use1, second.NetworkInterfaceId, id, nil)
	spare := e.createENI(use1, &CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1b", Description: "spare one",
		TagSpecifications: []TagSpecification{{ResourceType: "network-interface", Tags: []Tag{{Key: "Name", Value: "spare"}}}}})
	west := e.createENI(usw2, &CreateNetworkInterfaceInput{AvailabilityZone: "us-west-2a"})
	pub := e.get(use1, id).PublicIpAddress
	cases := []struct {
		name string
		fs   []Filter
		want []string
	}{
		{"none", nil, []string{primary, second.NetworkInterfaceId, spare.NetworkInterfaceId}},
		{"status available", []Filter{newFilter("status", "available")}, []string{spare.NetworkInterfaceId}},
		{"status in-use", []Filter{newFilter("status", "in-use")}, []string{primary, second.NetworkInterfaceId}},
		{"attachment.instance-id", []Filter{newFilter("attachment.instance-id", id)}, []string{primary, second.NetworkInterfaceId}},
		{"attachment.device-index", []Filter{newFilter("attachment.device-index", "1")}, []string{second.NetworkInterfaceId}},
		{"availability-zone", []Filter{newFilter("availability-zone", "us-east-1b")}, []string{spare.NetworkInterfaceId}},
		{"subnet-id", []Filter{newFilter("subnet-id", second.SubnetId)}, []string{primary, second.NetworkInterfaceId}},
		{"description wildcard", []Filter{newFilter("description", "spare*")}, []string{spare.NetworkInterfaceId}},
		{"secondary private-ip-address", []Filter{newFilter("private-ip-address", second.PrivateIpAddresses[1].PrivateIpAddress)}, []string{second.NetworkInterfaceId}},
		{"association.public-ip", []Filter{newFilter("association.public-ip", pub)}, []string{primary}},
		{"group-id", []Filter{newFilter("group-id", db.GroupId)}, []string{second.NetworkInterfaceId}},
		{"tag:Name", []Filter{newFilter("tag:Name", "spare")}, []string{spare.NetworkInterfaceId}},
		{"mac-address", []Filter{newFilter("mac-address", spare.MacAddress)}, []string{spare.NetworkInterfaceId}},
		{"network-interface-id of another region", []Filter{newFilter("network-interface-id", west.NetworkInterfaceId)}, nil},
		{"AND of two", []Filter{newFilter("status", "in-use"), newFilter("group-id", db.GroupId)}, []string{second.NetworkInterfaceId}},
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
		in   DescribeNetworkInterfacesInput
		code string
	}{
		{"unknown filter", DescribeNetworkInterfacesInput{Filters: []Filter{newFilter("speed", "fast")}}, CodeInvalidParameterValue},
		{"unknown ID", DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{"eni-0123456789abcdef0"}}, CodeInvalidNetworkInterfaceIDNotFound},
		{"another region's ID", DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{west.NetworkInterfaceId}}, CodeInvalidNetworkInterfaceIDNotFound},
		{"malformed ID", DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{"eni-q"}}, CodeInvalidNetworkInterfaceIDMalformed},
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
			got.Attachment.Status != "attached" || len(got.Groups) != 1 || got.Groups[0] != (GroupIdentifier{GroupId: db.GroupId, GroupName: "db"}) {
			t.Fatalf("%s", jsonOf(t, got))
		}
		if p := e.eni(use1, primary); p.Attachment == nil || p.Attachment.DeviceIndex != 0 || !p.Attachment.DeleteOnTermination {
			t.Fatalf("primary: %s", jsonOf(t, p))
		}
	})
}
