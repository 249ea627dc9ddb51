package template

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/ec2x/ec2x/core/ec2"
)

// TestEveryRunFieldHasARule: a field added to RunInstancesInput must say
// here whether a template gives it (one line in runRules).
func TestEveryRunFieldHasARule(t *testing.T) {
	have := map[string]bool{}
	for _, r := range runRules {
		have[r.field] = true
		if r.from != "" && !reflect.ValueOf(ec2.RequestLaunchTemplateData{}).FieldByName(r.from).IsValid() {
			t.Errorf("rule %s reads %s, which RequestLaunchTemplateData lacks", r.field, r.from)
		}
	}
	// Every rule names a parameter of EC2's RunInstances (or ec2x's own).
	model := reflect.TypeFor[sdk.RunInstancesInput]()
	for _, r := range runRules {
		if _, ok := model.FieldByName(r.field); !ok && r.field != "Driver" && r.field != "Strategy" && r.field != "SystemTags" {
			t.Errorf("rule %s names no RunInstances parameter of the SDK's model", r.field)
		}
	}
	for i := 0; i < model.NumField(); i++ {
		if f := model.Field(i); f.IsExported() && !have[f.Name] {
			t.Errorf("the SDK's RunInstancesInput.%s has no line in runRules", f.Name)
		}
	}
	rt := reflect.TypeFor[ec2.RunInstancesInput]()
	for i := 0; i < rt.NumField(); i++ {
		if f := rt.Field(i); !have[f.Name] {
			t.Errorf("RunInstancesInput.%s has no line in runRules", f.Name)
		}
	}
}

func intp(n int) *int { return &n }

// TestMerge: EC2's rules for a launch from a template.
func TestMerge(t *testing.T) {
	for _, tc := range mergeCases() {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.data
			eff, err := Merge(&d, &tc.req)
			if tc.err != "" {
				if ec2.CodeOf(err) != tc.err {
					t.Fatalf("got %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if msg := tc.want(eff); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// nicRun is RunInstancesInput's network fields once it carries network
// interfaces, as the SDK's model shapes them.
type nicRun struct {
	SubnetId          string
	SecurityGroupIds  []string
	SecurityGroups    []string
	NetworkInterfaces []nicSpec
}

type nicSpec struct {
	DeviceIndex *int
	SubnetId    string
	Groups      []string
}

// TestMergeInterfaces: the template's network interfaces when
// RunInstancesInput carries them: the request's subnet and groups go on
// the primary interface, and a request's own interfaces win whole.
func TestMergeInterfaces(t *testing.T) {
	data := ec2.RequestLaunchTemplateData{NetworkInterfaces: []ec2.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{
		{DeviceIndex: intp(1), SubnetId: "subnet-second"},
		{DeviceIndex: intp(0), SubnetId: "subnet-tmpl", Groups: []string{"sg-tmpl"}},
	}}
	for _, tc := range []struct {
		name string
		req  nicRun
		want nicRun
		err  string
	}{
		{"the template's interfaces", nicRun{}, nicRun{NetworkInterfaces: []nicSpec{
			{DeviceIndex: intp(1), SubnetId: "subnet-second"}, {DeviceIndex: intp(0), SubnetId: "subnet-tmpl", Groups: []string{"sg-tmpl"}}}}, ""},
		{"the request's subnet and groups on the primary interface", nicRun{SubnetId: "subnet-mine", SecurityGroupIds: []string{"sg-mine"}}, nicRun{NetworkInterfaces: []nicSpec{
			{DeviceIndex: intp(1), SubnetId: "subnet-second"}, {DeviceIndex: intp(0), SubnetId: "subnet-mine", Groups: []string{"sg-mine"}}}}, ""},
		{"the request's own interfaces", nicRun{NetworkInterfaces: []nicSpec{{DeviceIndex: intp(0), SubnetId: "subnet-own"}}},
			nicRun{NetworkInterfaces: []nicSpec{{DeviceIndex: intp(0), SubnetId: "subnet-own"}}}, ""},
		{"group names with the template's interfaces", nicRun{SecurityGroups: []string{"web"}}, nicRun{}, ec2.CodeInvalidParameterCombination},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eff := tc.req
			err := mergeNetworkOf(reflect.ValueOf(&eff).Elem(), reflect.ValueOf(tc.req), &data)
			if tc.err != "" {
				if ec2.CodeOf(err) != tc.err {
					t.Fatalf("got %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, want := jsonString(t, eff), jsonString(t, tc.want); got != want {
				t.Errorf("got %s\nwant %s", got, want)
			}
		})
	}
}

func jsonString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mergeCase is a template's data, a request, and what Merge must make of them.
type mergeCase struct {
	name string
	data ec2.RequestLaunchTemplateData
	req  ec2.RunInstancesInput
	want func(e *ec2.RunInstancesInput) string // "" when right
	err  string
}

func mergeCases() []mergeCase {
	data := ec2.RequestLaunchTemplateData{
		ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", KeyName: "tmpl-key", UserData: "dGVtcGxhdGU=",
		Placement:           &ec2.LaunchTemplatePlacementRequest{AvailabilityZone: "us-east-1b", Tenancy: "default", GroupName: "pg"},
		BlockDeviceMappings: []ec2.LaunchTemplateBlockDeviceMappingRequest{{DeviceName: "/dev/xvda", Ebs: &ec2.LaunchTemplateEbsBlockDeviceRequest{VolumeSize: intp(30)}}},
		TagSpecifications: []ec2.LaunchTemplateTagSpecificationRequest{
			{ResourceType: "instance", Tags: []ec2.Tag{{Key: "team", Value: "blue"}, {Key: "tier", Value: "web"}}},
			{ResourceType: "volume", Tags: []ec2.Tag{{Key: "disk", Value: "root"}}},
		},
		InstanceMarketOptions: &ec2.LaunchTemplateInstanceMarketOptionsRequest{MarketType: "spot",
			SpotOptions: &ec2.LaunchTemplateSpotMarketOptionsRequest{MaxPrice: "0.05", InstanceInterruptionBehavior: "terminate", BlockDurationMinutes: intp(60)}},
	}
	nicData := ec2.RequestLaunchTemplateData{NetworkInterfaces: []ec2.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{
		{DeviceIndex: intp(0), SubnetId: "subnet-tmpl", Groups: []string{"sg-tmpl"}}}}
	return []mergeCase{
		{"the template's data as defaults", data, ec2.RunInstancesInput{MinCount: 3, MaxCount: 4}, func(e *ec2.RunInstancesInput) string {
			switch {
			case e.ImageId != data.ImageId || e.InstanceType != "t3.micro" || e.KeyName != "tmpl-key" || e.UserData != "dGVtcGxhdGU=":
				return "scalars not taken"
			case e.Placement == nil || e.Placement.AvailabilityZone != "us-east-1b":
				return "placement not taken"
			case len(e.BlockDeviceMappings) != 1 || e.BlockDeviceMappings[0].Ebs.VolumeSize != 30:
				return "block devices not taken"
			case e.InstanceMarketOptions == nil || e.InstanceMarketOptions.MarketType != "spot" || e.InstanceMarketOptions.SpotOptions.MaxPrice != "0.05":
				return "market options not taken"
			case e.MinCount != 3 || e.MaxCount != 4:
				return "counts not the request's"
			}
			return ""
		}, ""},
		{"the request's parameters win", data, ec2.RunInstancesInput{ImageId: "ami-00000000000000001", InstanceType: "t3.large", KeyName: "mine",
			Placement: &ec2.Placement{AvailabilityZone: "us-east-1a"}}, func(e *ec2.RunInstancesInput) string {
			if e.ImageId != "ami-00000000000000001" || e.InstanceType != "t3.large" || e.KeyName != "mine" || e.Placement.AvailabilityZone != "us-east-1a" {
				return "request overridden by the template"
			}
			return ""
		}, ""},
		{"tags merged by resource type, the request's value winning", data, ec2.RunInstancesInput{TagSpecifications: []ec2.TagSpecification{
			{ResourceType: "instance", Tags: []ec2.Tag{{Key: "team", Value: "red"}, {Key: "Name", Value: "x"}}}}}, func(e *ec2.RunInstancesInput) string {
			got := map[string]string{}
			for _, ts := range e.TagSpecifications {
				for _, tg := range ts.Tags {
					got[ts.ResourceType+"/"+tg.Key] = tg.Value
				}
			}
			if got["instance/team"] != "red" || got["instance/tier"] != "web" || got["instance/Name"] != "x" || got["volume/disk"] != "root" || len(got) != 4 {
				return "tags " + strings.TrimSpace(strings.ReplaceAll(strings.Trim(reflect.ValueOf(got).String(), "<>"), "map", ""))
			}
			return ""
		}, ""},
		{"the template's interfaces are the launch's", nicData, ec2.RunInstancesInput{}, func(e *ec2.RunInstancesInput) string {
			if e.SubnetId != "" || len(e.NetworkInterfaces) != 1 || e.NetworkInterfaces[0].SubnetId != "subnet-tmpl" || strings.Join(e.NetworkInterfaces[0].Groups, ",") != "sg-tmpl" {
				return "subnet " + e.SubnetId + fmt.Sprintf(", interfaces %+v", e.NetworkInterfaces)
			}
			return ""
		}, ""},
		{"the request's subnet and groups go on the primary interface", nicData, ec2.RunInstancesInput{SubnetId: "subnet-mine", SecurityGroupIds: []string{"sg-mine"}}, func(e *ec2.RunInstancesInput) string {
			if e.SubnetId != "" || len(e.SecurityGroupIds) != 0 || len(e.NetworkInterfaces) != 1 || e.NetworkInterfaces[0].SubnetId != "subnet-mine" || strings.Join(e.NetworkInterfaces[0].Groups, ",") != "sg-mine" {
				return "subnet " + e.SubnetId + fmt.Sprintf(", interfaces %+v", e.NetworkInterfaces)
			}
			return ""
		}, ""},
		{"groups on the interface and the instance", ec2.RequestLaunchTemplateData{SecurityGroupIds: []string{"sg-a"}, NetworkInterfaces: nicData.NetworkInterfaces},
			ec2.RunInstancesInput{}, nil, ec2.CodeInvalidParameterCombination},
	}
}
