package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// rootOf is an instance's root volume ID as DescribeInstances shows it
// ("" when it has none).
func rootOf(t *testing.T, c *ec2.Client, id string) string {
	t.Helper()
	for _, m := range describeOne(t, c, id).BlockDeviceMappings {
		if aws.ToString(m.DeviceName) == "/dev/xvda" {
			return aws.ToString(m.Ebs.VolumeId)
		}
	}
	return ""
}

// TestSDKRootVolumes: an instance's root volume changes as in EC2, on the
// fake clock: detached from the stopped instance (which cannot start
// without one) and another attached at the root device; replaced while
// running by a task, of a snapshot, then as at launch, the old one kept
// or deleted as asked.
func TestSDKRootVolumes(t *testing.T) {
	c, _, clk := fakeTimeSDK(t)
	ctx := context.Background()
	id := runOne(t, c, &ec2.RunInstancesInput{InstanceType: types.InstanceTypeT3Micro, Placement: &types.Placement{AvailabilityZone: aws.String("us-east-1a")}})
	first := rootOf(t, c, id)

	t.Run("swapped while stopped", func(t *testing.T) {
		stopAndWait(t, c, id)
		spare := createVolume(t, c, clk, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1a"), Size: aws.Int32(16), VolumeType: types.VolumeTypeGp3})
		det, err := c.DetachVolume(ctx, &ec2.DetachVolumeInput{VolumeId: aws.String(first)})
		must(t, err)
		if det.State != types.VolumeAttachmentStateDetached {
			t.Errorf("detach of the root volume: %s", det.State)
		}
		if r := rootOf(t, c, id); r != "" {
			t.Errorf("root volume after the detach: %s", r)
		}
		if v := volumeOf(t, c, first); v.State != types.VolumeStateAvailable {
			t.Errorf("the detached root volume: %s", v.State)
		}
		if _, err := c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{id}}); apiCode(t, err) != "IncorrectInstanceState" {
			t.Errorf("start without a root volume: %v", err)
		}
		_, err = c.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: aws.String(spare), InstanceId: aws.String(id), Device: aws.String("/dev/xvda")})
		must(t, err)
		if r := rootOf(t, c, id); r != spare {
			t.Errorf("root volume after attaching %s at /dev/xvda: %s", spare, r)
		}
		_, err = c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{id}})
		must(t, err)
		w := ec2.NewInstanceRunningWaiter(c, func(o *ec2.InstanceRunningWaiterOptions) { o.MinDelay, o.MaxDelay = 20e6, 100e6 })
		must(t, w.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}}, 30*time.Second))
		if _, err := c.DetachVolume(ctx, &ec2.DetachVolumeInput{VolumeId: aws.String(spare)}); apiCode(t, err) != "OperationNotPermitted" {
			t.Errorf("detach of a running instance's root: %v", err)
		}
	})

	t.Run("replaced while running", func(t *testing.T) {
		root := rootOf(t, c, id)
		snap, err := c.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: aws.String(root)})
		must(t, err)
		clk.Advance(2 * time.Second)
		task, err := c.CreateReplaceRootVolumeTask(ctx, &ec2.CreateReplaceRootVolumeTaskInput{InstanceId: aws.String(id), SnapshotId: snap.SnapshotId})
		must(t, err)
		tid := aws.ToString(task.ReplaceRootVolumeTask.ReplaceRootVolumeTaskId)
		if task.ReplaceRootVolumeTask.TaskState != types.ReplaceRootVolumeTaskStatePending {
			t.Errorf("new task: %s", task.ReplaceRootVolumeTask.TaskState)
		}
		clk.Advance(2 * time.Second)
		tasks, err := c.DescribeReplaceRootVolumeTasks(ctx, &ec2.DescribeReplaceRootVolumeTasksInput{ReplaceRootVolumeTaskIds: []string{tid}})
		must(t, err)
		if tasks.ReplaceRootVolumeTasks[0].TaskState != types.ReplaceRootVolumeTaskStateSucceeded {
			t.Fatalf("task after 2s: %s", tasks.ReplaceRootVolumeTasks[0].TaskState)
		}
		now := rootOf(t, c, id)
		if now == root || now == "" {
			t.Fatalf("root volume after the replacement: %s (was %s)", now, root)
		}
		if v := volumeOf(t, c, now); aws.ToString(v.SnapshotId) != aws.ToString(snap.SnapshotId) || v.State != types.VolumeStateInUse {
			t.Errorf("new root: of %s, %s", aws.ToString(v.SnapshotId), v.State)
		}
		if v := volumeOf(t, c, root); v.State != types.VolumeStateAvailable {
			t.Errorf("the replaced root volume: %s, want kept and available", v.State)
		}

		again, err := c.CreateReplaceRootVolumeTask(ctx, &ec2.CreateReplaceRootVolumeTaskInput{InstanceId: aws.String(id), DeleteReplacedRootVolume: aws.Bool(true)})
		must(t, err)
		clk.Advance(2 * time.Second)
		if _, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{now}}); apiCode(t, err) != "InvalidVolume.NotFound" {
			t.Errorf("the root replaced with DeleteReplacedRootVolume: %v", err)
		}
		if r := rootOf(t, c, id); r == now || r == "" {
			t.Errorf("root volume after the launch-state replacement %s: %s", aws.ToString(again.ReplaceRootVolumeTask.ReplaceRootVolumeTaskId), r)
		}
	})

	wantRefusals(t, []apiRefusal{
		{"a snapshot of another lineage", func() error {
			other := createVolume(t, c, clk, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1a"), Size: aws.Int32(8)})
			sn, err := c.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: aws.String(other)})
			must(t, err)
			clk.Advance(2 * time.Second)
			_, err = c.CreateReplaceRootVolumeTask(ctx, &ec2.CreateReplaceRootVolumeTaskInput{InstanceId: aws.String(id), SnapshotId: sn.SnapshotId})
			return err
		}, "InvalidParameterValue"},
		{"an image without deleting the old root", func() error {
			img := aws.ToString(describeOne(t, c, id).ImageId)
			_, err := c.CreateReplaceRootVolumeTask(ctx, &ec2.CreateReplaceRootVolumeTaskInput{InstanceId: aws.String(id), ImageId: aws.String(img)})
			return err
		}, "InvalidParameterCombination"},
	})
}
