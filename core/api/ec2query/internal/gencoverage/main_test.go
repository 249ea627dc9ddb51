package main

import (
	"bytes"
	"os"
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
		{"CreateVpc", "VPC and its parts"},
		{"AssignPrivateNatGatewayAddress", "VPC and its parts"},
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

// A row splits the model's parameters into accepted and missing, and
// names those marked as having no effect and those the model lacks.
func TestRow(t *testing.T) {
	op := Operation{Name: "StopInstances", Params: []string{"DryRun", "Force", "Hibernate", "InstanceId"}}
	params := []ec2query.Param{{Name: "Driver"}, {Name: "Force", NoEffect: true}, {Name: "InstanceId"}}
	var b bytes.Buffer
	section(&b, "Instances", []row{newRow(op, params, true), newRow(Operation{Name: "MonitorInstances", Params: []string{"DryRun", "InstanceId"}}, nil, false)})
	for _, want := range []string{
		"| StopInstances | **yes** | 2 of 4; no effect: Force; not in the model: Driver | DryRun, Hibernate |",
		"| MonitorInstances | no | – of 2 | |",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("section lacks %q:\n%s", want, b.String())
		}
	}
}
