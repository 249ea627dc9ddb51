package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// runOne launches one instance with in's attributes and waits until it runs.
func runOne(t *testing.T, c *ec2.Client, in *ec2.RunInstancesInput) string {
	t.Helper()
	ctx := context.Background()
	in.MinCount, in.MaxCount = aws.Int32(1), aws.Int32(1)
	run, err := c.RunInstances(ctx, in)
	if err != nil {
		t.Fatalf("RunInstances: %v", err)
	}
	id := aws.ToString(run.Instances[0].InstanceId)
	w := ec2.NewInstanceRunningWaiter(c, func(o *ec2.InstanceRunningWaiterOptions) { o.MinDelay, o.MaxDelay = 20e6, 100e6 })
	if err := w.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	return id
}

func stopAndWait(t *testing.T, c *ec2.Client, id string) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatal(err)
	}
	w := ec2.NewInstanceStoppedWaiter(c, func(o *ec2.InstanceStoppedWaiterOptions) { o.MinDelay, o.MaxDelay = 20e6, 100e6 })
	if err := w.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
}

func describeOne(t *testing.T, c *ec2.Client, id string) types.Instance {
	t.Helper()
	d, err := c.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	return d.Reservations[0].Instances[0]
}

// TestSDKRunInstancesAttributes: what RunInstances sets (protections,
// shutdown behaviour, metadata options, monitoring) is what
// DescribeInstances and DescribeInstanceAttribute give back, and the
// protections hold: nothing of a call that names a protected instance
// is terminated or stopped.
func TestSDKRunInstancesAttributes(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	id := runOne(t, c, &ec2.RunInstancesInput{
		DisableApiTermination: aws.Bool(true), DisableApiStop: aws.Bool(true),
		InstanceInitiatedShutdownBehavior: types.ShutdownBehaviorTerminate,
		Monitoring:                        &types.RunInstancesMonitoringEnabled{Enabled: aws.Bool(true)},
		MetadataOptions: &types.InstanceMetadataOptionsRequest{HttpTokens: types.HttpTokensStateRequired,
			HttpPutResponseHopLimit: aws.Int32(3), InstanceMetadataTags: types.InstanceMetadataTagsStateEnabled},
	})
	other := runOne(t, c, &ec2.RunInstancesInput{})

	in := describeOne(t, c, id)
	mo := in.MetadataOptions
	if mo == nil || mo.HttpTokens != types.HttpTokensStateRequired || aws.ToInt32(mo.HttpPutResponseHopLimit) != 3 ||
		mo.HttpEndpoint != types.InstanceMetadataEndpointStateEnabled || mo.InstanceMetadataTags != types.InstanceMetadataTagsStateEnabled ||
		mo.State != types.InstanceMetadataOptionsStateApplied {
		t.Errorf("MetadataOptions = %+v", mo)
	}
	if in.Monitoring == nil || in.Monitoring.State != types.MonitoringStateEnabled {
		t.Errorf("Monitoring = %+v, want enabled", in.Monitoring)
	}
	if o := describeOne(t, c, other); o.Monitoring.State != types.MonitoringStateDisabled || o.MetadataOptions.HttpTokens != types.HttpTokensStateOptional ||
		aws.ToInt32(o.MetadataOptions.HttpPutResponseHopLimit) != 1 {
		t.Errorf("defaults: monitoring %+v, metadata %+v", o.Monitoring, o.MetadataOptions)
	}

	attr := func(a types.InstanceAttributeName) *ec2.DescribeInstanceAttributeOutput {
		t.Helper()
		out, err := c.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(id), Attribute: a})
		if err != nil {
			t.Fatalf("DescribeInstanceAttribute %s: %v", a, err)
		}
		return out
	}
	if v := attr(types.InstanceAttributeNameDisableApiTermination).DisableApiTermination; v == nil || !aws.ToBool(v.Value) {
		t.Errorf("disableApiTermination = %+v", v)
	}
	if v := attr(types.InstanceAttributeNameDisableApiStop).DisableApiStop; v == nil || !aws.ToBool(v.Value) {
		t.Errorf("disableApiStop = %+v", v)
	}
	if v := attr(types.InstanceAttributeNameInstanceInitiatedShutdownBehavior).InstanceInitiatedShutdownBehavior; v == nil || aws.ToString(v.Value) != "terminate" {
		t.Errorf("instanceInitiatedShutdownBehavior = %+v", v)
	}

	cases := []struct {
		name string
		call func() error
	}{
		{"terminate", func() error {
			_, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{other, id}})
			return err
		}},
		{"stop", func() error {
			_, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{other, id}})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name+" refused", func(t *testing.T) {
			if code := apiCode(t, tc.call()); code != "OperationNotPermitted" {
				t.Errorf("%s of a protected instance: %s, want OperationNotPermitted", tc.name, code)
			}
			for _, x := range []string{id, other} {
				if st := describeOne(t, c, x).State.Name; st != types.InstanceStateNameRunning {
					t.Errorf("%s is %s after the refused call, want running", x, st)
				}
			}
		})
	}

	// Lifting the protections (the typed form) lets the same calls through.
	for _, m := range []*ec2.ModifyInstanceAttributeInput{
		{InstanceId: aws.String(id), DisableApiStop: &types.AttributeBooleanValue{Value: aws.Bool(false)}},
		{InstanceId: aws.String(id), Attribute: types.InstanceAttributeNameDisableApiTermination, Value: aws.String("false")},
	} {
		if _, err := c.ModifyInstanceAttribute(ctx, m); err != nil {
			t.Fatalf("ModifyInstanceAttribute: %v", err)
		}
	}
	stopAndWait(t, c, id)
	if _, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Errorf("terminate after lifting the protection: %v", err)
	}
}
