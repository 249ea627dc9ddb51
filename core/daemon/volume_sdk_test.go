package daemon

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// volumeOf is one volume as DescribeVolumes gives it.
func volumeOf(t *testing.T, c *ec2.Client, id string) types.Volume {
	t.Helper()
	out, err := c.DescribeVolumes(context.Background(), &ec2.DescribeVolumesInput{VolumeIds: []string{id}})
	if err != nil {
		t.Fatalf("DescribeVolumes %s: %v", id, err)
	}
	return out.Volumes[0]
}

// createVolume makes a volume and lets the clock make it available.
func createVolume(t *testing.T, c *ec2.Client, clk interface{ Advance(time.Duration) }, in *ec2.CreateVolumeInput) string {
	t.Helper()
	out, err := c.CreateVolume(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateVolume: %v", err)
	}
	if out.State != types.VolumeStateCreating {
		t.Errorf("a new volume is %q, want creating", out.State)
	}
	clk.Advance(time.Second)
	return aws.ToString(out.VolumeId)
}

// TestSDKVolumeLifecycle: a volume's life as the SDK sees it, on the
// daemon's fake clock: creating, available, attached (attaching first)
// and shown in the instance's block devices, refused deletion while in
// use, detached, modified (modifying, optimizing, completed, then the
// six-hour wait), deleted.
func TestSDKVolumeLifecycle(t *testing.T) {
	c, _, clk := fakeTimeSDK(t)
	ctx := context.Background()
	vol := createVolume(t, c, clk, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1a"), Size: aws.Int32(100), VolumeType: types.VolumeTypeGp3,
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeVolume, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("data")}}}}})
	v := volumeOf(t, c, vol)
	if v.State != types.VolumeStateAvailable || aws.ToInt32(v.Iops) != 3000 || aws.ToInt32(v.Throughput) != 125 || len(v.Tags) != 1 || aws.ToString(v.AvailabilityZone) != "us-east-1a" {
		t.Fatalf("new gp3 volume: state %s, %d IOPS, %d MiB/s, tags %v, zone %s; want available, 3000, 125, Name, us-east-1a",
			v.State, aws.ToInt32(v.Iops), aws.ToInt32(v.Throughput), v.Tags, aws.ToString(v.AvailabilityZone))
	}

	id := runOne(t, c, &ec2.RunInstancesInput{InstanceType: types.InstanceTypeT3Micro, Placement: &types.Placement{AvailabilityZone: aws.String("us-east-1a")}})
	att, err := c.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: aws.String(vol), InstanceId: aws.String(id), Device: aws.String("/dev/sdf")})
	if err != nil {
		t.Fatal(err)
	}
	if att.State != types.VolumeAttachmentStateAttaching {
		t.Errorf("AttachVolume answered %q, want attaching", att.State)
	}
	clk.Advance(time.Second)
	v = volumeOf(t, c, vol)
	if v.State != types.VolumeStateInUse || len(v.Attachments) != 1 || v.Attachments[0].State != types.VolumeAttachmentStateAttached || aws.ToString(v.Attachments[0].InstanceId) != id {
		t.Fatalf("attached volume: %s, %+v", v.State, v.Attachments)
	}
	in := describeOne(t, c, id)
	if len(in.BlockDeviceMappings) != 2 || aws.ToString(in.BlockDeviceMappings[1].DeviceName) != "/dev/sdf" || aws.ToString(in.BlockDeviceMappings[1].Ebs.VolumeId) != vol {
		t.Fatalf("instance's block devices: %+v", in.BlockDeviceMappings)
	}
	// the root volume is a volume of its own, attached at the root device
	root := aws.ToString(in.BlockDeviceMappings[0].Ebs.VolumeId)
	if rv := volumeOf(t, c, root); rv.State != types.VolumeStateInUse || aws.ToString(rv.Attachments[0].Device) != "/dev/xvda" {
		t.Errorf("root volume %s: %s %+v", root, rv.State, rv.Attachments)
	}
	if _, err := c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(vol)}); apiCode(t, err) != "VolumeInUse" {
		t.Errorf("DeleteVolume of an attached volume: %v, want VolumeInUse", err)
	}
	if _, err := c.DetachVolume(ctx, &ec2.DetachVolumeInput{VolumeId: aws.String(root)}); apiCode(t, err) != "OperationNotPermitted" {
		t.Errorf("DetachVolume of a running instance's root: %v, want OperationNotPermitted", err)
	}
	det, err := c.DetachVolume(ctx, &ec2.DetachVolumeInput{VolumeId: aws.String(vol)})
	if err != nil || det.State != types.VolumeAttachmentStateDetaching {
		t.Fatalf("DetachVolume: %v, %v", det, err)
	}
	clk.Advance(time.Second)
	if v = volumeOf(t, c, vol); v.State != types.VolumeStateAvailable || len(v.Attachments) != 0 {
		t.Fatalf("detached volume: %s %+v", v.State, v.Attachments)
	}
	if n := len(describeOne(t, c, id).BlockDeviceMappings); n != 1 {
		t.Errorf("instance has %d block devices after the detach, want 1", n)
	}

	mod, err := c.ModifyVolume(ctx, &ec2.ModifyVolumeInput{VolumeId: aws.String(vol), Size: aws.Int32(200), VolumeType: types.VolumeTypeIo2, Iops: aws.Int32(10000)})
	if err != nil {
		t.Fatal(err)
	}
	m := mod.VolumeModification
	if m.ModificationState != types.VolumeModificationStateModifying || aws.ToInt32(m.OriginalSize) != 100 || aws.ToInt32(m.TargetSize) != 200 ||
		m.OriginalVolumeType != types.VolumeTypeGp3 || m.TargetVolumeType != types.VolumeTypeIo2 || aws.ToInt32(m.OriginalIops) != 3000 || aws.ToInt32(m.TargetIops) != 10000 {
		t.Fatalf("ModifyVolume: %+v", m)
	}
	modState := func() types.VolumeModificationState {
		out, err := c.DescribeVolumesModifications(ctx, &ec2.DescribeVolumesModificationsInput{VolumeIds: []string{vol}})
		if err != nil {
			t.Fatal(err)
		}
		return out.VolumesModifications[0].ModificationState
	}
	if _, err := c.ModifyVolume(ctx, &ec2.ModifyVolumeInput{VolumeId: aws.String(vol), Size: aws.Int32(300)}); apiCode(t, err) != "IncorrectModificationState" {
		t.Errorf("ModifyVolume while modifying: %v, want IncorrectModificationState", err)
	}
	clk.Advance(2 * time.Second)
	if s := modState(); s != types.VolumeModificationStateOptimizing {
		t.Errorf("modification after 2s: %s, want optimizing", s)
	}
	clk.Advance(time.Minute)
	if s := modState(); s != types.VolumeModificationStateCompleted {
		t.Errorf("modification after a minute: %s, want completed", s)
	}
	if v = volumeOf(t, c, vol); aws.ToInt32(v.Size) != 200 || v.VolumeType != types.VolumeTypeIo2 || aws.ToInt32(v.Iops) != 10000 {
		t.Errorf("modified volume: %d GiB %s %d IOPS", aws.ToInt32(v.Size), v.VolumeType, aws.ToInt32(v.Iops))
	}
	if _, err := c.ModifyVolume(ctx, &ec2.ModifyVolumeInput{VolumeId: aws.String(vol), Size: aws.Int32(300)}); apiCode(t, err) != "VolumeModificationRateExceeded" {
		t.Errorf("ModifyVolume within six hours: %v, want VolumeModificationRateExceeded", err)
	}
	clk.Advance(6 * time.Hour)
	if _, err := c.ModifyVolume(ctx, &ec2.ModifyVolumeInput{VolumeId: aws.String(vol), Size: aws.Int32(100)}); apiCode(t, err) != "InvalidParameterValue" {
		t.Errorf("ModifyVolume shrinking: %v, want InvalidParameterValue", err)
	}
	if _, err := c.ModifyVolume(ctx, &ec2.ModifyVolumeInput{VolumeId: aws.String(vol), Size: aws.Int32(300)}); err != nil {
		t.Errorf("ModifyVolume six hours later: %v", err)
	}
	clk.Advance(2 * time.Minute)

	if _, err := c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(vol)}); err != nil {
		t.Fatal(err)
	}
	if v = volumeOf(t, c, vol); v.State != types.VolumeStateDeleting {
		t.Errorf("deleted volume is %s, want deleting", v.State)
	}
	clk.Advance(time.Second)
	if _, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{vol}}); apiCode(t, err) != "InvalidVolume.NotFound" {
		t.Errorf("DescribeVolumes of a deleted volume: %v", err)
	}
}

// TestSDKRootVolumeModify: a root volume is a volume: it grows with
// ModifyVolume, cannot become st1, and cannot be deleted while attached.
func TestSDKRootVolumeModify(t *testing.T) {
	c, _, _ := fakeTimeSDK(t)
	ctx := context.Background()
	id := runOne(t, c, &ec2.RunInstancesInput{InstanceType: types.InstanceTypeT3Micro})
	root := aws.ToString(describeOne(t, c, id).BlockDeviceMappings[0].Ebs.VolumeId)
	if _, err := c.ModifyVolume(ctx, &ec2.ModifyVolumeInput{VolumeId: aws.String(root), Size: aws.Int32(30)}); err != nil {
		t.Fatal(err)
	}
	if v := volumeOf(t, c, root); aws.ToInt32(v.Size) != 30 {
		t.Errorf("root volume is %d GiB, want 30", aws.ToInt32(v.Size))
	}
	if _, err := c.ModifyVolume(ctx, &ec2.ModifyVolumeInput{VolumeId: aws.String(root), VolumeType: types.VolumeTypeSt1}); err == nil {
		t.Error("a root volume became st1")
	}
	if _, err := c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(root)}); apiCode(t, err) != "VolumeInUse" {
		t.Errorf("DeleteVolume of a root volume: %v, want VolumeInUse", err)
	}
}

// TestSDKCreateVolumeRefusals: CreateVolume's rules by volume type, with
// EC2's codes.
func TestSDKCreateVolumeRefusals(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	az := aws.String("us-east-1a")
	vol := func(typ types.VolumeType, size, iops, tput int32) *ec2.CreateVolumeInput {
		in := &ec2.CreateVolumeInput{AvailabilityZone: az, VolumeType: typ, Size: aws.Int32(size)}
		if iops != 0 {
			in.Iops = aws.Int32(iops)
		}
		if tput != 0 {
			in.Throughput = aws.Int32(tput)
		}
		return in
	}
	for _, tc := range []struct {
		name string
		in   *ec2.CreateVolumeInput
		code string
	}{
		{"no zone", &ec2.CreateVolumeInput{Size: aws.Int32(10)}, "MissingParameter"},
		{"unknown zone", &ec2.CreateVolumeInput{Size: aws.Int32(10), AvailabilityZone: aws.String("us-east-1z")}, "InvalidParameterValue"},
		{"no size", &ec2.CreateVolumeInput{AvailabilityZone: az}, "MissingParameter"},
		{"unknown snapshot", &ec2.CreateVolumeInput{AvailabilityZone: az, SnapshotId: aws.String("snap-0123456789abcdef0")}, "InvalidSnapshot.NotFound"},
		{"malformed snapshot", &ec2.CreateVolumeInput{AvailabilityZone: az, SnapshotId: aws.String("snapshot")}, "InvalidSnapshotID.Malformed"},
		{"gp2 past 16 TiB", vol(types.VolumeTypeGp2, 16385, 0, 0), "InvalidParameterValue"},
		{"gp3 past 64 TiB", vol(types.VolumeTypeGp3, 65537, 0, 0), "InvalidParameterValue"},
		{"gp3 iops past 80000", vol(types.VolumeTypeGp3, 1000, 90000, 0), "InvalidParameterValue"},
		{"gp3 iops past 500 per GiB", vol(types.VolumeTypeGp3, 10, 6000, 0), "InvalidParameterValue"},
		{"gp3 throughput past 2000", vol(types.VolumeTypeGp3, 1000, 16000, 2001), "InvalidParameterValue"},
		{"gp3 throughput past a quarter of the IOPS", vol(types.VolumeTypeGp3, 100, 3000, 1000), "InvalidParameterValue"},
		{"gp2 with iops", vol(types.VolumeTypeGp2, 100, 3000, 0), "InvalidParameterCombination"},
		{"io1 without iops", vol(types.VolumeTypeIo1, 100, 0, 0), "InvalidParameterCombination"},
		{"io1 past 50 per GiB", vol(types.VolumeTypeIo1, 100, 5001, 0), "InvalidParameterValue"},
		{"io2 past 1000 per GiB", vol(types.VolumeTypeIo2, 10, 10001, 0), "InvalidParameterValue"},
		{"io1 below 4 GiB", vol(types.VolumeTypeIo1, 3, 100, 0), "InvalidParameterValue"},
		{"st1 below 125 GiB", vol(types.VolumeTypeSt1, 124, 0, 0), "InvalidParameterValue"},
		{"sc1 with throughput", vol(types.VolumeTypeSc1, 500, 0, 200), "InvalidParameterCombination"},
		{"standard past 1 TiB", vol(types.VolumeTypeStandard, 1025, 0, 0), "InvalidParameterValue"},
		{"multi-attach on gp3", &ec2.CreateVolumeInput{AvailabilityZone: az, Size: aws.Int32(10), VolumeType: types.VolumeTypeGp3, MultiAttachEnabled: aws.Bool(true)}, "InvalidParameterCombination"},
		{"key without encryption", &ec2.CreateVolumeInput{AvailabilityZone: az, Size: aws.Int32(10), KmsKeyId: aws.String("alias/mine")}, "InvalidParameterDependency"},
		{"bad type", vol("gp9", 10, 0, 0), "InvalidParameterValue"},
		{"wrong tag type", &ec2.CreateVolumeInput{AvailabilityZone: az, Size: aws.Int32(10),
			TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeInstance, Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}}}}, "InvalidParameter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateVolume(context.Background(), tc.in)
			if err == nil {
				t.Fatalf("CreateVolume succeeded, want %s", tc.code)
			}
			if got := apiCode(t, err); got != tc.code {
				t.Errorf("code %s (%v), want %s", got, err, tc.code)
			}
		})
	}
}

// TestSDKAttachRefusals: AttachVolume and DetachVolume refuse as EC2 does:
// another zone, a bad or taken device, a volume still creating, one
// already attached, an attachment that does not exist.
func TestSDKAttachRefusals(t *testing.T) {
	c, _, clk := fakeTimeSDK(t)
	ctx := context.Background()
	id := runOne(t, c, &ec2.RunInstancesInput{InstanceType: types.InstanceTypeT3Micro, Placement: &types.Placement{AvailabilityZone: aws.String("us-east-1a")}})
	mk := func(zone string) string {
		return createVolume(t, c, clk, &ec2.CreateVolumeInput{AvailabilityZone: aws.String(zone), Size: aws.Int32(10)})
	}
	here, there, taken := mk("us-east-1a"), mk("us-east-1b"), mk("us-east-1a")
	if _, err := c.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: aws.String(taken), InstanceId: aws.String(id), Device: aws.String("/dev/sdg")}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	creating, err := c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1a"), Size: aws.Int32(10)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, vol, inst, device, code string
	}{
		{"another zone", there, id, "/dev/sdf", "InvalidVolume.ZoneMismatch"},
		{"bad device", here, id, "/dev/foo", "InvalidParameterValue"},
		{"root device", here, id, "/dev/xvda", "InvalidParameterValue"},
		{"device taken", here, id, "/dev/sdg", "InvalidParameterValue"},
		{"device taken by its xvd name", here, id, "/dev/xvdg", "InvalidParameterValue"},
		{"volume creating", aws.ToString(creating.VolumeId), id, "/dev/sdh", "IncorrectState"},
		{"already attached", taken, id, "/dev/sdh", "VolumeInUse"},
		{"no such volume", "vol-0123456789abcdef0", id, "/dev/sdh", "InvalidVolume.NotFound"},
		{"malformed volume", "vol-x", id, "/dev/sdh", "InvalidVolumeID.Malformed"},
		{"no such instance", here, "i-0123456789abcdef0", "/dev/sdh", "InvalidInstanceID.NotFound"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: aws.String(tc.vol), InstanceId: aws.String(tc.inst), Device: aws.String(tc.device)})
			if err == nil {
				t.Fatalf("AttachVolume succeeded, want %s", tc.code)
			}
			if got := apiCode(t, err); got != tc.code {
				t.Errorf("code %s (%v), want %s", got, err, tc.code)
			}
		})
	}
	for _, tc := range []struct {
		name string
		in   *ec2.DetachVolumeInput
		code string
	}{
		{"available volume", &ec2.DetachVolumeInput{VolumeId: aws.String(here)}, "IncorrectState"},
		{"another instance", &ec2.DetachVolumeInput{VolumeId: aws.String(taken), InstanceId: aws.String("i-0123456789abcdef0")}, "InvalidAttachment.NotFound"},
		{"another device", &ec2.DetachVolumeInput{VolumeId: aws.String(taken), Device: aws.String("/dev/sdz")}, "InvalidAttachment.NotFound"},
	} {
		t.Run("detach "+tc.name, func(t *testing.T) {
			_, err := c.DetachVolume(ctx, tc.in)
			if err == nil {
				t.Fatalf("DetachVolume succeeded, want %s", tc.code)
			}
			if got := apiCode(t, err); got != tc.code {
				t.Errorf("code %s (%v), want %s", got, err, tc.code)
			}
		})
	}
	// terminating the instance leaves an attached volume available (it
	// was not deleted on termination)
	if _, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatal(err)
	}
	waitTerminated(t, c, id)
	if v := volumeOf(t, c, taken); v.State != types.VolumeStateAvailable {
		t.Errorf("volume of a terminated instance is %s, want available", v.State)
	}
}

// TestSDKVolumeExtras: ClientToken idempotency, Multi-Attach, status
// checks and the autoEnableIO attribute.
func TestSDKVolumeExtras(t *testing.T) {
	c, _, clk := fakeTimeSDK(t)
	ctx := context.Background()
	in := &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1a"), Size: aws.Int32(100), VolumeType: types.VolumeTypeIo2, Iops: aws.Int32(5000),
		MultiAttachEnabled: aws.Bool(true), ClientToken: aws.String("tok-1")}
	in.DryRun = aws.Bool(true)
	if _, err := c.CreateVolume(ctx, in); apiCode(t, err) != "DryRunOperation" {
		t.Errorf("CreateVolume with DryRun: %v, want DryRunOperation", err)
	}
	if out, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{}); err != nil || len(out.Volumes) != 0 {
		t.Fatalf("volumes after a dry run: %v, %v", out, err)
	}
	in.DryRun = nil
	a, err := c.CreateVolume(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.CreateVolume(ctx, in)
	if err != nil || aws.ToString(b.VolumeId) != aws.ToString(a.VolumeId) {
		t.Fatalf("CreateVolume retried with its token: %v, %v; want %s", b, err, aws.ToString(a.VolumeId))
	}
	in.Size = aws.Int32(200)
	if _, err := c.CreateVolume(ctx, in); apiCode(t, err) != "IdempotentParameterMismatch" {
		t.Errorf("token reused with another size: %v", err)
	}
	clk.Advance(time.Second)
	vol := aws.ToString(a.VolumeId)
	var ids []string
	for range 2 {
		id := runOne(t, c, &ec2.RunInstancesInput{InstanceType: types.InstanceTypeM5Large, Placement: &types.Placement{AvailabilityZone: aws.String("us-east-1a")}})
		if _, err := c.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: aws.String(vol), InstanceId: aws.String(id), Device: aws.String("/dev/sdf")}); err != nil {
			t.Fatalf("Multi-Attach to %s: %v", id, err)
		}
		ids = append(ids, id)
	}
	clk.Advance(time.Second)
	if v := volumeOf(t, c, vol); len(v.Attachments) != 2 || !aws.ToBool(v.MultiAttachEnabled) {
		t.Errorf("Multi-Attach volume: %+v", v.Attachments)
	}
	// the filters see every attachment
	f, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: []types.Filter{{Name: aws.String("attachment.instance-id"), Values: []string{ids[1]}}}})
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, v := range f.Volumes {
		found = append(found, aws.ToString(v.VolumeId))
	}
	if len(found) != 2 || !slices.Contains(found, vol) {
		t.Errorf("attachment.instance-id=%s finds %v, want its root volume and %s", ids[1], found, vol)
	}
	if _, err := c.DetachVolume(ctx, &ec2.DetachVolumeInput{VolumeId: aws.String(vol)}); apiCode(t, err) != "InvalidParameterCombination" {
		t.Errorf("DetachVolume of a volume on two instances without InstanceId: %v", err)
	}
	if _, err := c.DetachVolume(ctx, &ec2.DetachVolumeInput{VolumeId: aws.String(vol), InstanceId: aws.String(ids[0])}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	if v := volumeOf(t, c, vol); len(v.Attachments) != 1 || aws.ToString(v.Attachments[0].InstanceId) != ids[1] {
		t.Errorf("after one detach: %+v", v.Attachments)
	}

	st, err := c.DescribeVolumeStatus(ctx, &ec2.DescribeVolumeStatusInput{VolumeIds: []string{vol}})
	if err != nil || len(st.VolumeStatuses) != 1 || st.VolumeStatuses[0].VolumeStatus.Status != types.VolumeStatusInfoStatusOk {
		t.Fatalf("DescribeVolumeStatus: %+v, %v", st, err)
	}
	if _, err := c.ModifyVolumeAttribute(ctx, &ec2.ModifyVolumeAttributeInput{VolumeId: aws.String(vol), AutoEnableIO: &types.AttributeBooleanValue{Value: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	attr, err := c.DescribeVolumeAttribute(ctx, &ec2.DescribeVolumeAttributeInput{VolumeId: aws.String(vol), Attribute: types.VolumeAttributeNameAutoEnableIO})
	if err != nil || !aws.ToBool(attr.AutoEnableIO.Value) {
		t.Errorf("DescribeVolumeAttribute: %+v, %v", attr, err)
	}
	if _, err := c.EnableVolumeIO(ctx, &ec2.EnableVolumeIOInput{VolumeId: aws.String(vol)}); err != nil {
		t.Errorf("EnableVolumeIO: %v", err)
	}
}

// TestSDKAttachedVolumeDeleteOnTermination: an attached volume is kept
// at termination unless ModifyInstanceAttribute says otherwise for its
// device; then it goes with the instance.
func TestSDKAttachedVolumeDeleteOnTermination(t *testing.T) {
	c, _, clk := fakeTimeSDK(t)
	ctx := context.Background()
	id := runOne(t, c, &ec2.RunInstancesInput{InstanceType: types.InstanceTypeT3Micro, Placement: &types.Placement{AvailabilityZone: aws.String("us-east-1a")}})
	vol := createVolume(t, c, clk, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1a"), Size: aws.Int32(10)})
	if _, err := c.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: aws.String(vol), InstanceId: aws.String(id), Device: aws.String("/dev/sdf")}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	if v := volumeOf(t, c, vol); aws.ToBool(v.Attachments[0].DeleteOnTermination) {
		t.Fatal("an attached volume is deleted on termination by default")
	}
	_, err := c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(id), BlockDeviceMappings: []types.InstanceBlockDeviceMappingSpecification{
		{DeviceName: aws.String("/dev/sdf"), Ebs: &types.EbsInstanceBlockDeviceSpecification{DeleteOnTermination: aws.Bool(true)}}}})
	if err != nil {
		t.Fatal(err)
	}
	if v := volumeOf(t, c, vol); !aws.ToBool(v.Attachments[0].DeleteOnTermination) {
		t.Fatal("DeleteOnTermination did not change")
	}
	if _, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatal(err)
	}
	waitTerminated(t, c, id)
	if _, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{vol}}); apiCode(t, err) != "InvalidVolume.NotFound" {
		t.Errorf("volume after its instance's termination: %v, want InvalidVolume.NotFound", err)
	}
}
