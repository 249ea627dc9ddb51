package main

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core/api/ec2query"
)

// coverageFile is docs/COVERAGE.md from this package's directory.
const coverageFile = "../../../../../docs/COVERAGE.md"

// docs/COVERAGE.md must be what the generator makes from the action table
// and the pinned SDK: an action or a parameter added to ec2x, or a new
// SDK, shows in the table the day it lands.
func TestCoverageIsCurrent(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(coverageFile)
	if err != nil {
		t.Fatalf("%v: run %s", err, command)
	}
	if !bytes.Equal(got, want) {
		line, g, w := firstDiff(string(got), string(want))
		t.Errorf("docs/COVERAGE.md is stale: run %s\nfirst difference, line %d:\n  file:      %s\n  generated: %s", command, line, g, w)
	}
}

// firstDiff returns the first line where a and b differ, and both lines.
func firstDiff(a, b string) (int, string, string) {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return i + 1, x, y
		}
	}
	return 0, "", ""
}

func TestFamilyOf(t *testing.T) {
	cases := []struct{ action, family string }{
		{"RunInstances", "Instances"},
		{"DescribeInstanceStatus", "Instances"},
		{"GetConsoleOutput", "Instances"},
		{"DescribeInstanceTypeOfferings", "Instance types"},
		{"DescribeImages", "Images"},
		{"CreateVolume", "Volumes and snapshots"},
		{"CreateVpc", "VPCs"},
		{"ModifyVpcTenancy", "VPCs"},
		{"CreateDefaultSubnet", "Subnets"},
		{"CreateEgressOnlyInternetGateway", "Internet gateways"},
		{"ReplaceRouteTableAssociation", "Route tables"},
		{"ReplaceNetworkAclEntry", "Network ACLs"},
		{"AssociateDhcpOptions", "DHCP options"},
		{"DescribeManagedPrefixLists", "Prefix lists"},
		{"AssignPrivateNatGatewayAddress", "NAT gateways"},
		{"AcceptVpcPeeringConnection", "VPC peering"},
		{"CreateVpcEndpointServiceConfiguration", "VPC endpoints"},
		{"GetVpcResourcesBlockingEncryptionEnforcement", "VPC block public access and encryption"},
		{"AuthorizeSecurityGroupEgress", "Security groups"},
		{"AssociateAddress", "Addresses (Elastic IPs)"},
		{"MoveAddressToVpc", "Addresses (Elastic IPs)"},
		{"AssignPrivateIpAddresses", "Network interfaces"},
		{"ImportKeyPair", "Key pairs"},
		{"DescribeTags", "Tags"},
		{"DescribeSpotPriceHistory", "Spot"},
		{"PurchaseReservedInstancesOffering", "Reserved instances"},
		{"GetLaunchTemplateData", "Launch templates"},
		{"CreatePlacementGroup", "Placement groups"},
		{"DescribeAvailabilityZones", "Regions and zones"},
		{"DescribeAccountAttributes", "Account attributes"},
		// Services of their own, left out.
		{"RequestSpotFleet", outside},
		{"ImportImage", outside},
		{"CreateTransitGatewayRoute", outside},
		{"DescribeCapacityReservations", outside},
		{"UpdateCapacityManagerMonitoredTagKeys", outside},
		{"DescribeInstanceEventWindows", outside},
	}
	for _, c := range cases {
		t.Run(c.action, func(t *testing.T) {
			if got := familyOf(c.action); got != c.family {
				t.Errorf("familyOf(%s) = %q, want %q", c.action, got, c.family)
			}
		})
	}
}

// The model's keys come from the SDK's serializers, down to the scalars
// under lists and structures, blobs as one key.
func TestModelLeaves(t *testing.T) {
	m, err := sdkModule()
	if err != nil {
		t.Fatal(err)
	}
	ops, err := readModel(m.dir)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Operation{}
	for _, op := range ops {
		byName[op.Name] = op
	}
	cases := []struct{ action, param, leaf string }{
		{"RunInstances", "BlockDeviceMapping", "BlockDeviceMapping.N.Ebs.VolumeSize"},
		{"RunInstances", "TagSpecification", "TagSpecification.N.Tag.N.Key"},
		{"RunInstances", "SecurityGroupId", "SecurityGroupId.N"},
		{"DescribeInstances", "Filter", "Filter.N.Value.N"},
		{"ImportKeyPair", "PublicKeyMaterial", "PublicKeyMaterial"},
		{"AuthorizeSecurityGroupIngress", "IpPermissions", "IpPermissions.N.Groups.N.GroupId"},
	}
	for _, c := range cases {
		t.Run(c.action+"/"+c.leaf, func(t *testing.T) {
			op, ok := byName[c.action]
			if !ok {
				t.Fatalf("%s is not in the model", c.action)
			}
			if !slices.Contains(op.Params, c.param) || !slices.Contains(op.Leaves[c.param], c.leaf) {
				t.Errorf("%s: params %v, %s's keys %v; want %s", c.action, op.Params, c.param, op.Leaves[c.param], c.leaf)
			}
		})
	}
}

// A row splits the model's parameters into accepted and missing (a
// parameter read in part, or in another shape, is missing), and names
// those marked as having no effect and those the model lacks.
func TestRow(t *testing.T) {
	op := Operation{Name: "StopInstances", Params: []string{"DryRun", "Force", "Hibernate", "InstanceId"}}
	params := []ec2query.Param{{Name: "Driver"}, {Name: "Force", NoEffect: true}, {Name: "InstanceId"}}
	blob := Operation{Name: "ImportKeyPair", Params: []string{"KeyName", "PublicKeyMaterial"},
		Leaves: map[string][]string{"KeyName": {"KeyName"}, "PublicKeyMaterial": {"PublicKeyMaterial"}}}
	blobParams := []ec2query.Param{{Name: "KeyName", Leaves: []string{"KeyName"}}, {Name: "PublicKeyMaterial", Leaves: []string{"PublicKeyMaterial.N"}}}
	var b bytes.Buffer
	section(&b, "Instances", []row{newRow(op, params, true), newRow(blob, blobParams, true),
		newRow(Operation{Name: "MonitorInstances", Params: []string{"DryRun", "InstanceId"}}, nil, false)})
	for _, want := range []string{
		"| StopInstances | **yes** | 2 of 4; no effect: Force; not in the model: Driver | DryRun, Hibernate |",
		"| ImportKeyPair | **yes** | 1 of 2 | PublicKeyMaterial (partly: reads 0 of 1 key; not read: PublicKeyMaterial; read but not in the model: PublicKeyMaterial.N) |",
		"| MonitorInstances | no | – of 2 | |",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("section lacks %q:\n%s", want, b.String())
		}
	}
}
