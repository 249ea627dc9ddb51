package ec2query

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core"
)

func TestDecodeForm(t *testing.T) {
	cases := []struct {
		name string
		form string
		into any
		want any
		code string
	}{
		{
			name: "lists, structs and renamed keys",
			form: "ImageId=ami-1&MinCount=2&MaxCount=2&SecurityGroupId.1=sg-1&SecurityGroupId.2=sg-2" +
				"&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=web" +
				"&Placement.AvailabilityZone=us-east-1a&DryRun=true",
			into: &core.RunInstancesInput{},
			want: &core.RunInstancesInput{ImageId: "ami-1", MinCount: 2, MaxCount: 2, SecurityGroupIds: []string{"sg-1", "sg-2"},
				TagSpecifications: []core.TagSpecification{{ResourceType: "instance", Tags: []core.Tag{{Key: "Name", Value: "web"}}}},
				Placement:         &core.Placement{AvailabilityZone: "us-east-1a"}, DryRun: true},
		},
		{
			name: "list positions in any order, with gaps",
			form: "InstanceId.3=i-3&InstanceId.1=i-1&Filter.1.Name=tag:Name&Filter.1.Value.2=b&Filter.1.Value.1=a",
			into: &core.DescribeInstancesInput{},
			want: &core.DescribeInstancesInput{InstanceIds: []string{"i-1", "i-3"}, Filters: []core.Filter{{Name: "tag:Name", Values: []string{"a", "b"}}}},
		},
		{
			name: "attribute values",
			form: "InstanceId=i-1&InstanceType.Value=t3.large",
			into: &core.ModifyInstanceAttributeInput{},
			want: &core.ModifyInstanceAttributeInput{InstanceId: "i-1", InstanceType: &core.AttributeValue{Value: "t3.large"}},
		},
		{name: "an unknown parameter", form: "ImageId=ami-1&Colour=blue", into: &core.RunInstancesInput{}, code: core.CodeUnknownParameter},
		{name: "the JSON name of a renamed list", form: "InstanceIds.1=i-1", into: &core.DescribeInstancesInput{}, code: core.CodeUnknownParameter},
		{name: "not a number", form: "MinCount=two", into: &core.RunInstancesInput{}, code: core.CodeInvalidParameterValue},
		{name: "not a boolean", form: "DryRun=maybe", into: &core.RunInstancesInput{}, code: core.CodeInvalidParameterValue},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form, err := url.ParseQuery(tc.form)
			if err != nil {
				t.Fatal(err)
			}
			err = decodeForm(form, tc.into)
			if tc.code != "" {
				var e *core.Error
				if !errors.As(err, &e) || e.Code != tc.code {
					t.Fatalf("got %v, want %s", err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tc.into, tc.want) {
				t.Errorf("decoded %+v\nwant    %+v", tc.into, tc.want)
			}
		})
	}
}

func TestEncodeResponseNamesAsEC2(t *testing.T) {
	out := reservations(&core.DescribeInstancesOutput{
		Instances:      []*core.Instance{{InstanceId: "i-1", State: core.NewState(core.StateRunning), Tags: []core.Tag{{Key: "a", Value: "<b>"}}}},
		ReservationIds: []string{"r-1"},
	})
	got := string(encodeResponse("DescribeInstances", "rid", out))
	for _, want := range []string{
		`<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>rid</requestId>`,
		`<reservationSet><item><reservationId>r-1</reservationId>`,
		`<instancesSet><item><instanceId>i-1</instanceId>`,
		`<instanceState><code>16</code><name>running</name></instanceState>`,
		`<tagSet><item><key>a</key><value>&lt;b&gt;</value></item></tagSet>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
}
