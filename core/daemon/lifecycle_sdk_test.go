package daemon

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// hibernationRun is a launch that can hibernate: the option, and the
// encrypted root volume EC2 requires for it.
func hibernationRun(typ types.InstanceType) *ec2.RunInstancesInput {
	return &ec2.RunInstancesInput{InstanceType: typ,
		HibernationOptions:  &types.HibernationOptionsRequest{Configured: aws.Bool(true)},
		BlockDeviceMappings: []types.BlockDeviceMapping{{DeviceName: aws.String("/dev/xvda"), Ebs: &types.EbsBlockDevice{Encrypted: aws.Bool(true)}}}}
}

// waitStopped and waitTerminated wait with the SDK's own waiters.
func waitStopped(t *testing.T, c *ec2.Client, id string) {
	t.Helper()
	w := ec2.NewInstanceStoppedWaiter(c, func(o *ec2.InstanceStoppedWaiterOptions) { o.MinDelay, o.MaxDelay = 20e6, 100e6 })
	if err := w.Wait(context.Background(), &ec2.DescribeInstancesInput{InstanceIds: []string{id}}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
}

func waitTerminated(t *testing.T, c *ec2.Client, id string) {
	t.Helper()
	w := ec2.NewInstanceTerminatedWaiter(c, func(o *ec2.InstanceTerminatedWaiterOptions) { o.MinDelay, o.MaxDelay = 20e6, 100e6 })
	if err := w.Wait(context.Background(), &ec2.DescribeInstancesInput{InstanceIds: []string{id}}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
}

func waitRunning(t *testing.T, c *ec2.Client, id string) {
	t.Helper()
	w := ec2.NewInstanceRunningWaiter(c, func(o *ec2.InstanceRunningWaiterOptions) { o.MinDelay, o.MaxDelay = 20e6, 100e6 })
	if err := w.Wait(context.Background(), &ec2.DescribeInstancesInput{InstanceIds: []string{id}}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
}

// consoleOf is the instance's console output, decoded.
func consoleOf(t *testing.T, c *ec2.Client, id string) string {
	t.Helper()
	out, err := c.GetConsoleOutput(context.Background(), &ec2.GetConsoleOutputInput{InstanceId: aws.String(id), Latest: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := base64.StdEncoding.DecodeString(aws.ToString(out.Output))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// bootedConsole waits until the guest has finished booting and returns
// its console: a stop before then would cut the boot short.
func bootedConsole(t *testing.T, c *ec2.Client, id string) string {
	t.Helper()
	for i := 0; i < 300; i++ {
		if out := consoleOf(t, c, id); strings.Contains(out, "Cloud-init v.") && strings.Contains(out, "finished at") {
			return out
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never finished booting", id)
	return ""
}

// TestSDKStopTerminateParameters: StopInstances' Hibernate, SkipOsShutdown
// and Force, TerminateInstances' Force and SkipOsShutdown, each as EC2
// has it, and their refusals.
func TestSDKStopTerminateParameters(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	refusals := []struct {
		name string
		run  *ec2.RunInstancesInput
		stop ec2.StopInstancesInput
		code string
	}{
		{"hibernate without hibernation configured", &ec2.RunInstancesInput{InstanceType: types.InstanceTypeT3Micro},
			ec2.StopInstancesInput{Hibernate: aws.Bool(true)}, "UnsupportedHibernationConfiguration"},
		{"hibernate with force", hibernationRun(types.InstanceTypeT3Micro),
			ec2.StopInstancesInput{Hibernate: aws.Bool(true), Force: aws.Bool(true)}, "InvalidParameterCombination"},
		{"hibernate with skip os shutdown", hibernationRun(types.InstanceTypeT3Micro),
			ec2.StopInstancesInput{Hibernate: aws.Bool(true), SkipOsShutdown: aws.Bool(true)}, "InvalidParameterCombination"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			id := runOne(t, c, tc.run)
			in := tc.stop
			in.InstanceIds = []string{id}
			_, err := c.StopInstances(ctx, &in)
			if code := apiCode(t, err); code != tc.code {
				t.Errorf("StopInstances %s: %s, want %s", tc.name, code, tc.code)
			}
			if s := describeOne(t, c, id).State.Name; s != types.InstanceStateNameRunning {
				t.Errorf("a refused stop left the instance %s", s)
			}
		})
	}
	t.Run("hibernation on a type without it is refused at launch", func(t *testing.T) {
		in := hibernationRun(types.InstanceTypeC5aLarge)
		in.MinCount, in.MaxCount = aws.Int32(1), aws.Int32(1)
		_, err := c.RunInstances(ctx, in)
		if code := apiCode(t, err); code != "UnsupportedHibernationConfiguration" {
			t.Errorf("RunInstances c5a.large with hibernation: %s", code)
		}
	})

	t.Run("hibernate then resume", func(t *testing.T) {
		id := runOne(t, c, hibernationRun(types.InstanceTypeT3Micro))
		bootedConsole(t, c, id)
		out, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}, Hibernate: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		if s := out.StoppingInstances[0].CurrentState.Name; s != types.InstanceStateNameStopping {
			t.Errorf("hibernating instance is %s, want stopping", s)
		}
		waitStopped(t, c, id)
		in := describeOne(t, c, id)
		if in.StateReason == nil || aws.ToString(in.StateReason.Code) != "Client.UserInitiatedHibernate" ||
			aws.ToString(in.StateReason.Message) != "Client.UserInitiatedHibernate: User initiated hibernate" {
			t.Errorf("StateReason %+v", in.StateReason)
		}
		if r := aws.ToString(in.StateTransitionReason); !strings.HasPrefix(r, "User initiated (") {
			t.Errorf("StateTransitionReason %q", r)
		}
		if con := consoleOf(t, c, id); !strings.Contains(con, "PM: hibernation: hibernation entry") || strings.Contains(con, "systemd-shutdown") {
			t.Errorf("a hibernation's console:\n%s", con)
		}
		_, err = c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(id), InstanceType: &types.AttributeValue{Value: aws.String("t3.small")}})
		if code := apiCode(t, err); code != "UnsupportedOperation" {
			t.Errorf("type change of a hibernated instance: %s", code)
		}
		if _, err := c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{id}, AdditionalInfo: aws.String("reserved")}); err != nil {
			t.Fatal(err)
		}
		waitRunning(t, c, id)
		for i := 0; i < 300 && !strings.Contains(consoleOf(t, c, id), "hibernation exit"); i++ {
			time.Sleep(20 * time.Millisecond)
		}
		con := consoleOf(t, c, id)
		if !strings.Contains(con, "hibernation exit") {
			t.Errorf("no resume on the console:\n%s", con)
		}
		if n := strings.Count(con, "Linux version"); n != 1 {
			t.Errorf("the console shows %d kernel starts after a resume, want 1", n)
		}
	})

	stops := []struct {
		name     string
		in       ec2.StopInstancesInput
		shutdown bool // the console shows the OS shutting down
	}{
		{"default stop shuts the OS down", ec2.StopInstancesInput{}, true},
		{"force on a running instance shuts down gracefully first", ec2.StopInstancesInput{Force: aws.Bool(true)}, true},
		{"skip os shutdown powers off", ec2.StopInstancesInput{SkipOsShutdown: aws.Bool(true)}, false},
	}
	for _, tc := range stops {
		t.Run(tc.name, func(t *testing.T) {
			id := runOne(t, c, &ec2.RunInstancesInput{InstanceType: types.InstanceTypeT3Micro})
			bootedConsole(t, c, id)
			in := tc.in
			in.InstanceIds = []string{id}
			if _, err := c.StopInstances(ctx, &in); err != nil {
				t.Fatal(err)
			}
			waitStopped(t, c, id)
			con := consoleOf(t, c, id)
			if got := strings.Contains(con, "systemd-shutdown[1]: Syncing filesystems"); got != tc.shutdown {
				t.Errorf("console shows the OS shutdown: %v, want %v:\n%s", got, tc.shutdown, con)
			}
			if r := describeOne(t, c, id).StateReason; r == nil || aws.ToString(r.Code) != "Client.UserInitiatedShutdown" {
				t.Errorf("StateReason %+v", r)
			}
		})
	}

	terminates := []struct {
		name string
		in   ec2.TerminateInstancesInput
	}{
		{"terminate with force", ec2.TerminateInstancesInput{Force: aws.Bool(true)}},
		{"terminate with skip os shutdown", ec2.TerminateInstancesInput{SkipOsShutdown: aws.Bool(true)}},
		{"terminate with both", ec2.TerminateInstancesInput{Force: aws.Bool(true), SkipOsShutdown: aws.Bool(true)}},
	}
	for _, tc := range terminates {
		t.Run(tc.name, func(t *testing.T) {
			id := runOne(t, c, &ec2.RunInstancesInput{InstanceType: types.InstanceTypeT3Micro})
			in := tc.in
			in.InstanceIds = []string{id}
			out, err := c.TerminateInstances(ctx, &in)
			if err != nil {
				t.Fatal(err)
			}
			if s := out.TerminatingInstances[0].CurrentState.Name; s != types.InstanceStateNameShuttingDown {
				t.Errorf("terminating instance is %s", s)
			}
			waitTerminated(t, c, id)
		})
	}

	t.Run("describe with managed resources", func(t *testing.T) {
		id := runOne(t, c, &ec2.RunInstancesInput{InstanceType: types.InstanceTypeT3Micro})
		d, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}, IncludeManagedResources: aws.Bool(true)})
		if err != nil || len(d.Reservations) != 1 {
			t.Fatalf("DescribeInstances IncludeManagedResources: %+v, %v", d, err)
		}
	})
}
