package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// snapshotOf is one snapshot as DescribeSnapshots gives it.
func snapshotOf(t *testing.T, c *ec2.Client, id string) types.Snapshot {
	t.Helper()
	out, err := c.DescribeSnapshots(context.Background(), &ec2.DescribeSnapshotsInput{SnapshotIds: []string{id}})
	if err != nil {
		t.Fatalf("DescribeSnapshots %s: %v", id, err)
	}
	return out.Snapshots[0]
}

// imageOf is one image as DescribeImages gives it.
func imageOf(t *testing.T, c *ec2.Client, id string) types.Image {
	t.Helper()
	out, err := c.DescribeImages(context.Background(), &ec2.DescribeImagesInput{ImageIds: []string{id}})
	if err != nil {
		t.Fatalf("DescribeImages %s: %v", id, err)
	}
	return out.Images[0]
}

// TestSDKSnapshotsAndImages is the storage walkthrough through the SDK,
// on the daemon's fake clock: a gp3 volume attached and snapshotted, a
// volume of the snapshot in another zone, the snapshot copied to another
// region, an image of the instance launched and copied, and everything
// deleted in the order EC2 requires, each wrong order refused.
func TestSDKSnapshotsAndImages(t *testing.T) {
	c, _, clk := fakeTimeSDK(t)
	west := newSDKRegion(c, "us-west-2")
	ctx := context.Background()
	vol := createVolume(t, c, clk, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1a"), Size: aws.Int32(20), VolumeType: types.VolumeTypeGp3,
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeVolume, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("data")}}}}})
	id := runOne(t, c, &ec2.RunInstancesInput{InstanceType: types.InstanceTypeT3Micro, Placement: &types.Placement{AvailabilityZone: aws.String("us-east-1a")}})
	_, err := c.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: aws.String(vol), InstanceId: aws.String(id), Device: aws.String("/dev/sdf")})
	must(t, err)
	clk.Advance(time.Second)

	// A snapshot of the attached volume: pending, then completed.
	snap, err := c.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: aws.String(vol), Description: aws.String("before the upgrade"),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeSnapshot, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}}})
	must(t, err)
	sid := aws.ToString(snap.SnapshotId)
	if snap.State != types.SnapshotStatePending || aws.ToInt32(snap.VolumeSize) != 20 || aws.ToString(snap.VolumeId) != vol || aws.ToString(snap.OwnerId) == "" || len(snap.Tags) != 1 {
		t.Fatalf("CreateSnapshot: %s, %d GiB of %s, owner %q, tags %v", snap.State, aws.ToInt32(snap.VolumeSize), aws.ToString(snap.VolumeId), aws.ToString(snap.OwnerId), snap.Tags)
	}
	if _, err := c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1b"), SnapshotId: aws.String(sid)}); apiCode(t, err) != "IncorrectState" {
		t.Errorf("CreateVolume of a pending snapshot: %v, want IncorrectState", err)
	}
	clk.Advance(2 * time.Second)
	if s := snapshotOf(t, c, sid); s.State != types.SnapshotStateCompleted || aws.ToString(s.Progress) != "100%" || s.CompletionTime == nil {
		t.Fatalf("snapshot after 2s: %s %s", s.State, aws.ToString(s.Progress))
	}

	// A volume of the snapshot in another zone: the snapshot's size by default.
	nv := createVolume(t, c, clk, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1b"), SnapshotId: aws.String(sid)})
	if v := volumeOf(t, c, nv); aws.ToInt32(v.Size) != 20 || aws.ToString(v.SnapshotId) != sid || aws.ToString(v.AvailabilityZone) != "us-east-1b" {
		t.Errorf("volume of the snapshot: %d GiB of %s in %s", aws.ToInt32(v.Size), aws.ToString(v.SnapshotId), aws.ToString(v.AvailabilityZone))
	}

	// Copied to another region: a new ID there, pending, then completed.
	cp, err := west.CopySnapshot(ctx, &ec2.CopySnapshotInput{SourceRegion: aws.String("us-east-1"), SourceSnapshotId: aws.String(sid)})
	must(t, err)
	wsid := aws.ToString(cp.SnapshotId)
	if wsid == sid || wsid == "" {
		t.Fatalf("CopySnapshot gave %q", wsid)
	}
	if s := snapshotOf(t, west, wsid); s.State != types.SnapshotStatePending || aws.ToString(s.Description) != "[Copied "+sid+" from us-east-1]" {
		t.Errorf("copy: %s %q", s.State, aws.ToString(s.Description))
	}
	if _, err := c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{SnapshotIds: []string{wsid}}); apiCode(t, err) != "InvalidSnapshot.NotFound" {
		t.Errorf("the copy seen from the source region: %v", err)
	}
	clk.Advance(2 * time.Second)
	if s := snapshotOf(t, west, wsid); s.State != types.SnapshotStateCompleted {
		t.Errorf("copy after 2s: %s", s.State)
	}

	// An image of the instance: a snapshot of each volume, pending until taken.
	img, err := c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: aws.String(id), Name: aws.String("web-2026-12"), NoReboot: aws.Bool(true),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeImage, Tags: []types.Tag{{Key: aws.String("role"), Value: aws.String("web")}}}}})
	must(t, err)
	ami := aws.ToString(img.ImageId)
	im := imageOf(t, c, ami)
	if im.State != types.ImageStatePending || aws.ToString(im.OwnerId) == "137112412989" || aws.ToString(im.SourceInstanceId) != id || len(im.BlockDeviceMappings) != 2 || len(im.Tags) != 1 {
		t.Fatalf("new image: %s owned by %s from %s, mappings %+v, tags %v", im.State, aws.ToString(im.OwnerId), aws.ToString(im.SourceInstanceId), im.BlockDeviceMappings, im.Tags)
	}
	if _, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(ami), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)}); apiCode(t, err) != "InvalidAMIID.Unavailable" {
		t.Errorf("launch of a pending image: %v, want InvalidAMIID.Unavailable", err)
	}
	if _, err := c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: aws.String(id), Name: aws.String("web-2026-12")}); apiCode(t, err) != "InvalidAMIName.Duplicate" {
		t.Errorf("a second image of the same name: %v, want InvalidAMIName.Duplicate", err)
	}
	clk.Advance(2 * time.Second)
	im = imageOf(t, c, ami)
	rootSnap := aws.ToString(im.BlockDeviceMappings[0].Ebs.SnapshotId)
	dataSnap := aws.ToString(im.BlockDeviceMappings[1].Ebs.SnapshotId)
	if im.State != types.ImageStateAvailable || rootSnap == "" || dataSnap == "" || aws.ToString(im.BlockDeviceMappings[1].DeviceName) != "/dev/sdf" {
		t.Fatalf("image after 2s: %s, mappings %+v", im.State, im.BlockDeviceMappings)
	}
	own, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}})
	must(t, err)
	if len(own.Images) != 1 || aws.ToString(own.Images[0].ImageId) != ami {
		t.Errorf("Owners self: %d images", len(own.Images))
	}
	bySnap, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Filters: []types.Filter{{Name: aws.String("block-device-mapping.snapshot-id"), Values: []string{dataSnap}}}})
	must(t, err)
	if len(bySnap.Images) != 1 {
		t.Errorf("images by snapshot: %d", len(bySnap.Images))
	}

	// Launched: its data volume is made of the image's snapshot.
	from := runOne(t, c, &ec2.RunInstancesInput{ImageId: aws.String(ami), InstanceType: types.InstanceTypeT3Micro})
	devs := describeOne(t, c, from).BlockDeviceMappings
	if len(devs) != 2 {
		t.Fatalf("instance of the image has %d block devices, want 2", len(devs))
	}
	if v := volumeOf(t, c, aws.ToString(devs[1].Ebs.VolumeId)); aws.ToString(v.SnapshotId) != dataSnap || aws.ToInt32(v.Size) != 20 {
		t.Errorf("its data volume: %d GiB of %s, want 20 of %s", aws.ToInt32(v.Size), aws.ToString(v.SnapshotId), dataSnap)
	}

	// Copied to another region: a new image ID, its own snapshots there.
	ci, err := west.CopyImage(ctx, &ec2.CopyImageInput{SourceRegion: aws.String("us-east-1"), SourceImageId: aws.String(ami), Name: aws.String("web-2026-12"), CopyImageTags: aws.Bool(true)})
	must(t, err)
	wami := aws.ToString(ci.ImageId)
	clk.Advance(2 * time.Second)
	wim := imageOf(t, west, wami)
	if wami == ami || wim.State != types.ImageStateAvailable || aws.ToString(wim.SourceImageId) != ami || aws.ToString(wim.SourceImageRegion) != "us-east-1" ||
		aws.ToString(wim.BlockDeviceMappings[0].Ebs.SnapshotId) == rootSnap || len(wim.Tags) != 1 {
		t.Fatalf("copied image %s: %s from %s in %s, mappings %+v, tags %v", wami, wim.State, aws.ToString(wim.SourceImageId), aws.ToString(wim.SourceImageRegion), wim.BlockDeviceMappings, wim.Tags)
	}

	// Sharing: a snapshot with an account, an image with everyone.
	_, err = c.ModifySnapshotAttribute(ctx, &ec2.ModifySnapshotAttributeInput{SnapshotId: aws.String(sid), Attribute: types.SnapshotAttributeNameCreateVolumePermission,
		OperationType: types.OperationTypeAdd, UserIds: []string{"111122223333"}})
	must(t, err)
	sa, err := c.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{SnapshotId: aws.String(sid), Attribute: types.SnapshotAttributeNameCreateVolumePermission})
	must(t, err)
	if len(sa.CreateVolumePermissions) != 1 || aws.ToString(sa.CreateVolumePermissions[0].UserId) != "111122223333" {
		t.Errorf("createVolumePermission: %+v", sa.CreateVolumePermissions)
	}
	shared, err := c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{RestorableByUserIds: []string{"111122223333"}})
	must(t, err)
	if len(shared.Snapshots) != 1 || aws.ToString(shared.Snapshots[0].SnapshotId) != sid {
		t.Errorf("restorable by the account: %d snapshots", len(shared.Snapshots))
	}
	_, err = c.ResetSnapshotAttribute(ctx, &ec2.ResetSnapshotAttributeInput{SnapshotId: aws.String(sid), Attribute: types.SnapshotAttributeNameCreateVolumePermission})
	must(t, err)
	_, err = c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: aws.String(ami),
		LaunchPermission: &types.LaunchPermissionModifications{Add: []types.LaunchPermission{{Group: types.PermissionGroupAll}}}})
	must(t, err)
	_, err = c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: aws.String(ami), Description: &types.AttributeValue{Value: aws.String("the web tier")}})
	must(t, err)
	if im := imageOf(t, c, ami); !aws.ToBool(im.Public) || aws.ToString(im.Description) != "the web tier" {
		t.Errorf("image after ModifyImageAttribute: public %v, %q", aws.ToBool(im.Public), aws.ToString(im.Description))
	}
	lp, err := c.DescribeImageAttribute(ctx, &ec2.DescribeImageAttributeInput{ImageId: aws.String(ami), Attribute: types.ImageAttributeNameLaunchPermission})
	must(t, err)
	if len(lp.LaunchPermissions) != 1 || lp.LaunchPermissions[0].Group != types.PermissionGroupAll {
		t.Errorf("launchPermission: %+v", lp.LaunchPermissions)
	}

	amazon := aws.ToString(describeOne(t, c, id).ImageId)
	wantRefusals(t, []apiRefusal{
		{"delete a snapshot an image uses", func() error {
			_, err := c.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String(dataSnap)})
			return err
		}, "InvalidSnapshot.InUse"},
		{"delete an attached volume", func() error {
			_, err := c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(vol)})
			return err
		}, "VolumeInUse"},
		{"a volume smaller than its snapshot", func() error {
			_, err := c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1a"), SnapshotId: aws.String(sid), Size: aws.Int32(10)})
			return err
		}, "InvalidParameterValue"},
		{"snapshot a volume that does not exist", func() error {
			_, err := c.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: aws.String("vol-0123456789abcdef0")})
			return err
		}, "InvalidVolume.NotFound"},
		{"a malformed snapshot ID", func() error {
			_, err := c.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String("snap-xyz")})
			return err
		}, "InvalidSnapshotID.Malformed"},
		{"copy a snapshot that is not in the source region", func() error {
			_, err := c.CopySnapshot(ctx, &ec2.CopySnapshotInput{SourceRegion: aws.String("us-west-2"), SourceSnapshotId: aws.String(sid)})
			return err
		}, "InvalidSnapshot.NotFound"},
		{"an image name too short", func() error {
			_, err := c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: aws.String(id), Name: aws.String("ab")})
			return err
		}, "InvalidAMIName.Malformed"},
		{"deregister Amazon's image", func() error {
			_, err := c.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(amazon)})
			return err
		}, "AuthFailure"},
		{"share a snapshot with a group that is not all", func() error {
			_, err := c.ModifySnapshotAttribute(ctx, &ec2.ModifySnapshotAttributeInput{SnapshotId: aws.String(sid), OperationType: types.OperationTypeAdd, GroupNames: []string{"friends"}})
			return err
		}, "InvalidParameterValue"},
		{"register an image without a root snapshot", func() error {
			_, err := c.RegisterImage(ctx, &ec2.RegisterImageInput{Name: aws.String("empty-root"), RootDeviceName: aws.String("/dev/xvda"),
				BlockDeviceMappings: []types.BlockDeviceMapping{{DeviceName: aws.String("/dev/xvda"), Ebs: &types.EbsBlockDevice{VolumeSize: aws.Int32(8)}}}})
			return err
		}, "InvalidBlockDeviceMapping"},
	})

	// RegisterImage of the copied snapshot in the other region.
	reg, err := west.RegisterImage(ctx, &ec2.RegisterImageInput{Name: aws.String("from-a-snapshot"), RootDeviceName: aws.String("/dev/xvda"), Architecture: types.ArchitectureValuesX8664,
		BlockDeviceMappings: []types.BlockDeviceMapping{{DeviceName: aws.String("/dev/xvda"), Ebs: &types.EbsBlockDevice{SnapshotId: aws.String(wsid)}}}})
	must(t, err)
	if im := imageOf(t, west, aws.ToString(reg.ImageId)); im.State != types.ImageStateAvailable || aws.ToInt32(im.BlockDeviceMappings[0].Ebs.VolumeSize) != 20 {
		t.Errorf("registered image: %s, %+v", im.State, im.BlockDeviceMappings)
	}

	// The order EC2 requires: the image first, then its snapshots.
	dr, err := c.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(ami)})
	must(t, err)
	if !aws.ToBool(dr.Return) {
		t.Error("DeregisterImage returned false")
	}
	if _, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{ami}}); apiCode(t, err) != "InvalidAMIID.NotFound" {
		t.Errorf("a deregistered image: %v", err)
	}
	for _, s := range []string{rootSnap, dataSnap, sid} {
		_, err := c.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String(s)})
		must(t, err)
	}
	if _, err := west.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(wami), DeleteAssociatedSnapshots: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	left, err := west.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}})
	must(t, err)
	if len(left.Snapshots) != 1 || aws.ToString(left.Snapshots[0].SnapshotId) != wsid {
		t.Errorf("snapshots left in us-west-2: %+v, want only %s (the registered image's)", left.Snapshots, wsid)
	}
	_, err = c.DetachVolume(ctx, &ec2.DetachVolumeInput{VolumeId: aws.String(vol)})
	must(t, err)
	clk.Advance(time.Second)
	for _, v := range []string{vol, nv} {
		_, err := c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(v)})
		must(t, err)
	}
}
