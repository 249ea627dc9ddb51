package daemon

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestSDKModifyEnclaveOptions: ModifyInstanceAttribute's EnclaveOptions
// changes a stopped instance of a type with Nitro Enclaves, and shows in
// DescribeInstanceAttribute and DescribeInstances.
func TestSDKModifyEnclaveOptions(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	on := &types.EnclaveOptionsRequest{Enabled: aws.Bool(true)}
	cases := []struct {
		name    string
		run     *ec2.RunInstancesInput
		stopped bool
		code    string // "" for success
	}{
		{"running instance", &ec2.RunInstancesInput{InstanceType: types.InstanceTypeM5Xlarge}, false, "IncorrectInstanceState"},
		{"type without enclaves", &ec2.RunInstancesInput{InstanceType: types.InstanceTypeT3Micro}, true, "UnsupportedOperation"},
		{"with hibernation", hibernationRun(types.InstanceTypeM5Xlarge), true, "InvalidParameterCombination"},
		{"stopped m5.xlarge", &ec2.RunInstancesInput{InstanceType: types.InstanceTypeM5Xlarge}, true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := runOne(t, c, tc.run)
			if tc.stopped {
				stopAndWait(t, c, id)
			}
			_, err := c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(id), EnclaveOptions: on})
			if tc.code != "" {
				if code := apiCode(t, err); code != tc.code {
					t.Errorf("EnclaveOptions: %s, want %s", code, tc.code)
				}
				if in := describeOne(t, c, id); in.EnclaveOptions == nil || aws.ToBool(in.EnclaveOptions.Enabled) {
					t.Errorf("a refused change left EnclaveOptions %+v", in.EnclaveOptions)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			a, err := c.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(id), Attribute: types.InstanceAttributeNameEnclaveOptions})
			if err != nil || a.EnclaveOptions == nil || !aws.ToBool(a.EnclaveOptions.Enabled) {
				t.Errorf("DescribeInstanceAttribute enclaveOptions: %+v, %v", a, err)
			}
			if in := describeOne(t, c, id); in.EnclaveOptions == nil || !aws.ToBool(in.EnclaveOptions.Enabled) {
				t.Errorf("DescribeInstances EnclaveOptions %+v", in.EnclaveOptions)
			}
		})
	}
}

// TestSDKModifyNestedVirtualization: ModifyInstanceCpuOptions'
// NestedVirtualization, on types whose processor offers it, kept with the
// cores and threads and shown in CpuOptions.
func TestSDKModifyNestedVirtualization(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	cases := []struct {
		name  string
		typ   types.InstanceType
		value types.NestedVirtualizationSpecification
		code  string
	}{
		{"unknown value", types.InstanceTypeC7iLarge, "sometimes", "InvalidParameterValue"},
		{"type without it", types.InstanceTypeT3Micro, types.NestedVirtualizationSpecificationEnabled, "UnsupportedOperation"},
		{"disabled on any type", types.InstanceTypeT3Micro, types.NestedVirtualizationSpecificationDisabled, ""},
		{"enabled on c7i.large", types.InstanceTypeC7iLarge, types.NestedVirtualizationSpecificationEnabled, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := runOne(t, c, &ec2.RunInstancesInput{InstanceType: tc.typ, CpuOptions: &types.CpuOptionsRequest{CoreCount: aws.Int32(1), ThreadsPerCore: aws.Int32(1)}})
			stopAndWait(t, c, id)
			out, err := c.ModifyInstanceCpuOptions(ctx, &ec2.ModifyInstanceCpuOptionsInput{InstanceId: aws.String(id), NestedVirtualization: tc.value})
			if tc.code != "" {
				if code := apiCode(t, err); code != tc.code {
					t.Errorf("NestedVirtualization %s: %s, want %s", tc.value, code, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.NestedVirtualization != tc.value || aws.ToInt32(out.CoreCount) != 1 || aws.ToInt32(out.ThreadsPerCore) != 1 {
				t.Errorf("ModifyInstanceCpuOptions answered %+v", out)
			}
			in := describeOne(t, c, id)
			if in.CpuOptions == nil || in.CpuOptions.NestedVirtualization != tc.value || aws.ToInt32(in.CpuOptions.CoreCount) != 1 {
				t.Errorf("DescribeInstances CpuOptions %+v", in.CpuOptions)
			}
		})
	}
}
