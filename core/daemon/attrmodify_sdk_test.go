package daemon

import (
	"context"
	"encoding/base64"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestSDKInstanceAttributes: every attribute EC2 has, changed (typed and
// as Attribute+Value) on a stopped instance and read back with
// DescribeInstanceAttribute; EC2's refusals; ResetInstanceAttribute.
func TestSDKInstanceAttributes(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	sg, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	id := runOne(t, c, &ec2.RunInstancesInput{InstanceType: "t3.micro"})
	idp := aws.String(id)
	on, off := &types.AttributeBooleanValue{Value: aws.Bool(true)}, &types.AttributeBooleanValue{Value: aws.Bool(false)}
	str := func(s string) *types.AttributeValue { return &types.AttributeValue{Value: aws.String(s)} }

	t.Run("running refuses what needs a stop", func(t *testing.T) {
		for _, m := range []*ec2.ModifyInstanceAttributeInput{
			{InstanceId: idp, InstanceType: str("t3.small")},
			{InstanceId: idp, Kernel: str("aki-12345678")},
			{InstanceId: idp, EbsOptimized: on},
			{InstanceId: idp, EnaSupport: off},
			{InstanceId: idp, SriovNetSupport: str("simple")},
			{InstanceId: idp, UserData: &types.SecureBlobAttributeValue{Value: []byte("x")}},
		} {
			_, err := c.ModifyInstanceAttribute(ctx, m)
			if code := apiCode(t, err); code != "IncorrectInstanceState" {
				t.Errorf("%+v on a running instance: %s, want IncorrectInstanceState", m, code)
			}
		}
	})
	t.Run("refusals", func(t *testing.T) {
		cases := []struct {
			name string
			in   *ec2.ModifyInstanceAttributeInput
			code string
		}{
			{"two attributes", &ec2.ModifyInstanceAttributeInput{InstanceId: idp, DisableApiStop: on, DisableApiTermination: on}, "InvalidParameterCombination"},
			{"typed and named", &ec2.ModifyInstanceAttributeInput{InstanceId: idp, DisableApiStop: on, Attribute: "kernel", Value: aws.String("aki-1")}, "InvalidParameterCombination"},
			{"unknown attribute", &ec2.ModifyInstanceAttributeInput{InstanceId: idp, Attribute: "color", Value: aws.String("blue")}, "InvalidParameterValue"},
			{"bad behaviour", &ec2.ModifyInstanceAttributeInput{InstanceId: idp, InstanceInitiatedShutdownBehavior: str("hibernate")}, "InvalidParameterValue"},
			{"nothing", &ec2.ModifyInstanceAttributeInput{InstanceId: idp}, "MissingParameter"},
		}
		for _, tc := range cases {
			_, err := c.ModifyInstanceAttribute(ctx, tc.in)
			if code := apiCode(t, err); code != tc.code {
				t.Errorf("%s: %s, want %s", tc.name, code, tc.code)
			}
		}
		_, err := c.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: idp, Attribute: "color"})
		if code := apiCode(t, err); code != "InvalidParameterValue" {
			t.Errorf("describe an unknown attribute: %s", code)
		}
	})

	t.Run("empty attributes have no value", func(t *testing.T) {
		// EC2 answers an instance without user data, kernel or ramdisk with
		// an empty element; Terraform hashes a present but empty value and
		// then sees drift against a configuration without user_data.
		for _, a := range []types.InstanceAttributeName{"userData", "kernel", "ramdisk"} {
			out, err := c.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: idp, Attribute: a})
			if err != nil {
				t.Fatal(err)
			}
			var v *types.AttributeValue
			switch a {
			case "userData":
				v = out.UserData
			case "kernel":
				v = out.KernelId
			default:
				v = out.RamdiskId
			}
			if v == nil || v.Value != nil {
				t.Errorf("%s: %+v, want an empty element (no Value)", a, v)
			}
		}
	})

	stopAndWait(t, c, id)
	modify := func(t *testing.T, m *ec2.ModifyInstanceAttributeInput) {
		t.Helper()
		m.InstanceId = idp
		if _, err := c.ModifyInstanceAttribute(ctx, m); err != nil {
			t.Fatalf("ModifyInstanceAttribute %+v: %v", m, err)
		}
	}
	attr := func(t *testing.T, a types.InstanceAttributeName) *ec2.DescribeInstanceAttributeOutput {
		t.Helper()
		out, err := c.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: idp, Attribute: a})
		if err != nil {
			t.Fatalf("DescribeInstanceAttribute %s: %v", a, err)
		}
		return out
	}
	val := func(v *types.AttributeValue) string {
		if v == nil {
			return "<nil>"
		}
		return aws.ToString(v.Value)
	}
	flag := func(v *types.AttributeBooleanValue) string {
		if v == nil || v.Value == nil {
			return "<nil>"
		}
		if *v.Value {
			return "true"
		}
		return "false"
	}
	sgID := aws.ToString(sg.GroupId)
	cases := []struct {
		attr  types.InstanceAttributeName
		typed *ec2.ModifyInstanceAttributeInput
		named string // the same change as Attribute+Value ("" when only typed)
		get   func(*ec2.DescribeInstanceAttributeOutput) string
		want  string
	}{
		{"instanceType", &ec2.ModifyInstanceAttributeInput{InstanceType: str("t3.small")}, "t3.large",
			func(o *ec2.DescribeInstanceAttributeOutput) string { return val(o.InstanceType) }, "t3.small"},
		{"kernel", &ec2.ModifyInstanceAttributeInput{Kernel: str("aki-11111111")}, "aki-22222222",
			func(o *ec2.DescribeInstanceAttributeOutput) string { return val(o.KernelId) }, "aki-11111111"},
		{"ramdisk", &ec2.ModifyInstanceAttributeInput{Ramdisk: str("ari-11111111")}, "ari-22222222",
			func(o *ec2.DescribeInstanceAttributeOutput) string { return val(o.RamdiskId) }, "ari-11111111"},
		{"userData", &ec2.ModifyInstanceAttributeInput{UserData: &types.SecureBlobAttributeValue{Value: []byte("#!/bin/sh\n")}}, "",
			func(o *ec2.DescribeInstanceAttributeOutput) string { return val(o.UserData) }, base64.StdEncoding.EncodeToString([]byte("#!/bin/sh\n"))},
		{"disableApiTermination", &ec2.ModifyInstanceAttributeInput{DisableApiTermination: on}, "false",
			func(o *ec2.DescribeInstanceAttributeOutput) string { return flag(o.DisableApiTermination) }, "true"},
		{"disableApiStop", &ec2.ModifyInstanceAttributeInput{DisableApiStop: on}, "false",
			func(o *ec2.DescribeInstanceAttributeOutput) string { return flag(o.DisableApiStop) }, "true"},
		{"instanceInitiatedShutdownBehavior", &ec2.ModifyInstanceAttributeInput{InstanceInitiatedShutdownBehavior: str("terminate")}, "stop",
			func(o *ec2.DescribeInstanceAttributeOutput) string { return val(o.InstanceInitiatedShutdownBehavior) }, "terminate"},
		{"sourceDestCheck", &ec2.ModifyInstanceAttributeInput{SourceDestCheck: off}, "true",
			func(o *ec2.DescribeInstanceAttributeOutput) string { return flag(o.SourceDestCheck) }, "false"},
		{"ebsOptimized", &ec2.ModifyInstanceAttributeInput{EbsOptimized: on}, "false",
			func(o *ec2.DescribeInstanceAttributeOutput) string { return flag(o.EbsOptimized) }, "true"},
		{"enaSupport", &ec2.ModifyInstanceAttributeInput{EnaSupport: off}, "true",
			func(o *ec2.DescribeInstanceAttributeOutput) string { return flag(o.EnaSupport) }, "false"},
		{"sriovNetSupport", &ec2.ModifyInstanceAttributeInput{SriovNetSupport: str("simple")}, "",
			func(o *ec2.DescribeInstanceAttributeOutput) string { return val(o.SriovNetSupport) }, "simple"},
		{"groupSet", &ec2.ModifyInstanceAttributeInput{Groups: []string{sgID}}, "",
			func(o *ec2.DescribeInstanceAttributeOutput) string {
				if len(o.Groups) != 1 {
					return "<groups>"
				}
				return aws.ToString(o.Groups[0].GroupId) + "/" + aws.ToString(o.Groups[0].GroupName)
			}, sgID + "/web"},
		{"blockDeviceMapping", &ec2.ModifyInstanceAttributeInput{BlockDeviceMappings: []types.InstanceBlockDeviceMappingSpecification{
			{DeviceName: aws.String("/dev/xvda"), Ebs: &types.EbsInstanceBlockDeviceSpecification{DeleteOnTermination: aws.Bool(false)}}}}, "",
			func(o *ec2.DescribeInstanceAttributeOutput) string {
				if len(o.BlockDeviceMappings) != 1 || o.BlockDeviceMappings[0].Ebs == nil {
					return "<devices>"
				}
				m := o.BlockDeviceMappings[0]
				return aws.ToString(m.DeviceName) + " " + map[bool]string{true: "delete", false: "keep"}[aws.ToBool(m.Ebs.DeleteOnTermination)]
			}, "/dev/xvda keep"},
	}
	for _, tc := range cases {
		t.Run(string(tc.attr), func(t *testing.T) {
			modify(t, tc.typed)
			if got := tc.get(attr(t, tc.attr)); got != tc.want {
				t.Errorf("after the typed change: %s, want %s", got, tc.want)
			}
			if tc.named == "" {
				return
			}
			modify(t, &ec2.ModifyInstanceAttributeInput{Attribute: tc.attr, Value: aws.String(tc.named)})
			if got := tc.get(attr(t, tc.attr)); got != tc.named {
				t.Errorf("after Attribute+Value: %s, want %s", got, tc.named)
			}
		})
	}
	t.Run("read only", func(t *testing.T) {
		if got := val(attr(t, "rootDeviceName").RootDeviceName); got != "/dev/xvda" {
			t.Errorf("rootDeviceName = %s", got)
		}
		if o := attr(t, "productCodes"); len(o.ProductCodes) != 0 {
			t.Errorf("productCodes = %+v, want none", o.ProductCodes)
		}
		if o := attr(t, "enclaveOptions"); o.EnclaveOptions == nil || aws.ToBool(o.EnclaveOptions.Enabled) {
			t.Errorf("enclaveOptions = %+v", o.EnclaveOptions)
		}
	})
	t.Run("reset", func(t *testing.T) {
		modify(t, &ec2.ModifyInstanceAttributeInput{SourceDestCheck: off})
		for _, a := range []types.InstanceAttributeName{"kernel", "ramdisk", "sourceDestCheck"} {
			if _, err := c.ResetInstanceAttribute(ctx, &ec2.ResetInstanceAttributeInput{InstanceId: idp, Attribute: a}); err != nil {
				t.Fatalf("reset %s: %v", a, err)
			}
		}
		if o := attr(t, "kernel"); val(o.KernelId) != "" {
			t.Errorf("kernel after reset = %s", val(o.KernelId))
		}
		if o := attr(t, "sourceDestCheck"); flag(o.SourceDestCheck) != "true" {
			t.Errorf("sourceDestCheck after reset = %s", flag(o.SourceDestCheck))
		}
		_, err := c.ResetInstanceAttribute(ctx, &ec2.ResetInstanceAttributeInput{InstanceId: idp, Attribute: "instanceType"})
		if code := apiCode(t, err); code != "InvalidParameterValue" {
			t.Errorf("reset instanceType: %s", code)
		}
	})
	if in := describeOne(t, c, id); in.InstanceType != "t3.large" || len(in.SecurityGroups) != 1 || aws.ToString(in.SecurityGroups[0].GroupId) != sgID {
		t.Errorf("DescribeInstances after the changes: type %s, groups %+v", in.InstanceType, in.SecurityGroups)
	}
}
