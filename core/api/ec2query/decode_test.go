package ec2query

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
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
			into: &ec2.RunInstancesInput{},
			want: &ec2.RunInstancesInput{ImageId: "ami-1", MinCount: 2, MaxCount: 2, SecurityGroupIds: []string{"sg-1", "sg-2"},
				TagSpecifications: []ec2.TagSpecification{{ResourceType: "instance", Tags: []ec2.Tag{{Key: "Name", Value: "web"}}}},
				Placement:         &ec2.Placement{AvailabilityZone: "us-east-1a"}, DryRun: true},
		},
		{
			name: "list positions in any order, with gaps",
			form: "InstanceId.3=i-3&InstanceId.1=i-1&Filter.1.Name=tag:Name&Filter.1.Value.2=b&Filter.1.Value.1=a",
			into: &ec2.DescribeInstancesInput{},
			want: &ec2.DescribeInstancesInput{InstanceIds: []string{"i-1", "i-3"}, Filters: []ec2.Filter{{Name: "tag:Name", Values: []string{"a", "b"}}}},
		},
		{
			name: "attribute values",
			form: "InstanceId=i-1&InstanceType.Value=t3.large",
			into: &ec2.ModifyInstanceAttributeInput{},
			want: &ec2.ModifyInstanceAttributeInput{InstanceId: "i-1", InstanceType: &ec2.AttributeValue{Value: "t3.large"}},
		},
		{name: "an unknown parameter", form: "ImageId=ami-1&Colour=blue", into: &ec2.RunInstancesInput{}, code: ec2.CodeUnknownParameter},
		{name: "the JSON name of a renamed list", form: "InstanceIds.1=i-1", into: &ec2.DescribeInstancesInput{}, code: ec2.CodeUnknownParameter},
		{name: "not a number", form: "MinCount=two", into: &ec2.RunInstancesInput{}, code: ec2.CodeInvalidParameterValue},
		{name: "not a boolean", form: "DryRun=maybe", into: &ec2.RunInstancesInput{}, code: ec2.CodeInvalidParameterValue},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form, err := url.ParseQuery(tc.form)
			if err != nil {
				t.Fatal(err)
			}
			err = decodeForm(form, tc.into)
			if tc.code != "" {
				var e *ec2.Error
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
	out := reservations(&ec2.DescribeInstancesOutput{
		Instances:      []*ec2.Instance{{InstanceId: "i-1", State: ec2.NewState(ec2.StateRunning), Tags: []ec2.Tag{{Key: "a", Value: "<b>"}}}},
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
