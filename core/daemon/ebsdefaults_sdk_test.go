package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// awsEbsKey is the AWS managed EBS key's ARN in us-east-1, the default key.
const awsEbsKey = "arn:aws:kms:us-east-1:123456789012:alias/aws/ebs"

// Encryption by default through the SDK: off at first; once on, every new
// volume is encrypted with the default key (CreateVolume, a launch's
// volumes, its root volume, snapshot copies), whatever Encrypted says;
// the default key is whatever ModifyEbsDefaultKmsKeyId named, until reset.
func TestSDKEbsEncryptionByDefault(t *testing.T) {
	c, _, clk := fakeTimeSDK(t)
	ctx := context.Background()
	az := aws.String("us-east-1a")
	enc, err := c.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
	must(t, err)
	if aws.ToBool(enc.EbsEncryptionByDefault) || enc.SseType != types.SSETypeSseEbs {
		t.Errorf("at first: encryption by default %v, SseType %q", aws.ToBool(enc.EbsEncryptionByDefault), enc.SseType)
	}
	key, err := c.GetEbsDefaultKmsKeyId(ctx, &ec2.GetEbsDefaultKmsKeyIdInput{})
	must(t, err)
	if aws.ToString(key.KmsKeyId) != awsEbsKey {
		t.Errorf("default key at first: %q", aws.ToString(key.KmsKeyId))
	}
	plain := createVolume(t, c, clk, &ec2.CreateVolumeInput{AvailabilityZone: az, Size: aws.Int32(8)})
	if v := volumeOf(t, c, plain); aws.ToBool(v.Encrypted) || aws.ToString(v.KmsKeyId) != "" {
		t.Fatalf("a volume before: encrypted %v with %q", aws.ToBool(v.Encrypted), aws.ToString(v.KmsKeyId))
	}
	snap, err := c.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: aws.String(plain)})
	must(t, err)
	clk.Advance(2 * time.Second)

	// A DryRun changes nothing.
	if _, err := c.EnableEbsEncryptionByDefault(ctx, &ec2.EnableEbsEncryptionByDefaultInput{DryRun: aws.Bool(true)}); apiCode(t, err) != "DryRunOperation" {
		t.Errorf("DryRun: %v", err)
	}
	if enc, err := c.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{}); err != nil || aws.ToBool(enc.EbsEncryptionByDefault) {
		t.Errorf("after a DryRun: %v, %v", aws.ToBool(enc.EbsEncryptionByDefault), err)
	}
	on, err := c.EnableEbsEncryptionByDefault(ctx, &ec2.EnableEbsEncryptionByDefaultInput{})
	must(t, err)
	if !aws.ToBool(on.EbsEncryptionByDefault) {
		t.Fatal("EnableEbsEncryptionByDefault answered false")
	}
	for _, tc := range []struct{ name, key, arn string }{
		{"an alias", "alias/team", "arn:aws:kms:us-east-1:123456789012:alias/team"},
		{"a key ID", "1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
	} {
		mod, err := c.ModifyEbsDefaultKmsKeyId(ctx, &ec2.ModifyEbsDefaultKmsKeyIdInput{KmsKeyId: aws.String(tc.key)})
		must(t, err)
		if aws.ToString(mod.KmsKeyId) != tc.arn {
			t.Errorf("%s: the default key is %q, want %q", tc.name, aws.ToString(mod.KmsKeyId), tc.arn)
		}
	}
	mine := "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	if key, err := c.GetEbsDefaultKmsKeyId(ctx, &ec2.GetEbsDefaultKmsKeyIdInput{}); err != nil || aws.ToString(key.KmsKeyId) != mine {
		t.Errorf("GetEbsDefaultKmsKeyId: %q, %v", aws.ToString(key.KmsKeyId), err)
	}

	// New volumes are encrypted with the default key; Encrypted=false
	// does not opt out, a key of the request's own wins.
	wantKey := func(what, id, key string) {
		t.Helper()
		if v := volumeOf(t, c, id); !aws.ToBool(v.Encrypted) || aws.ToString(v.KmsKeyId) != key {
			t.Errorf("%s: encrypted %v with %q, want %q", what, aws.ToBool(v.Encrypted), aws.ToString(v.KmsKeyId), key)
		}
	}
	wantKey("CreateVolume", createVolume(t, c, clk, &ec2.CreateVolumeInput{AvailabilityZone: az, Size: aws.Int32(8)}), mine)
	wantKey("CreateVolume with Encrypted=false", createVolume(t, c, clk, &ec2.CreateVolumeInput{AvailabilityZone: az, Size: aws.Int32(8), Encrypted: aws.Bool(false)}), mine)
	wantKey("a volume of an unencrypted snapshot", createVolume(t, c, clk, &ec2.CreateVolumeInput{AvailabilityZone: az, SnapshotId: snap.SnapshotId}), mine)
	wantKey("a key of its own", createVolume(t, c, clk, &ec2.CreateVolumeInput{AvailabilityZone: az, Size: aws.Int32(8), Encrypted: aws.Bool(true), KmsKeyId: aws.String("alias/other")}),
		"arn:aws:kms:us-east-1:123456789012:alias/other")

	// A launch's volumes, the root volume too.
	id := runOne(t, c, &ec2.RunInstancesInput{Placement: &types.Placement{AvailabilityZone: az}, BlockDeviceMappings: []types.BlockDeviceMapping{
		{DeviceName: aws.String("/dev/sdf"), Ebs: &types.EbsBlockDevice{VolumeSize: aws.Int32(10), Encrypted: aws.Bool(false)}}}})
	devs := describeOne(t, c, id).BlockDeviceMappings
	if len(devs) != 2 {
		t.Fatalf("the instance has %d devices, want 2", len(devs))
	}
	for _, d := range devs {
		wantKey("the launch's "+aws.ToString(d.DeviceName), aws.ToString(d.Ebs.VolumeId), mine)
	}

	// A copy of an unencrypted snapshot is encrypted.
	cp, err := c.CopySnapshot(ctx, &ec2.CopySnapshotInput{SourceRegion: aws.String("us-east-1"), SourceSnapshotId: snap.SnapshotId})
	must(t, err)
	if s := snapshotOf(t, c, aws.ToString(cp.SnapshotId)); !aws.ToBool(s.Encrypted) || aws.ToString(s.KmsKeyId) != mine {
		t.Errorf("the copy: encrypted %v with %q", aws.ToBool(s.Encrypted), aws.ToString(s.KmsKeyId))
	}

	// Reset: the AWS managed key again. Disabled: volumes as asked.
	reset, err := c.ResetEbsDefaultKmsKeyId(ctx, &ec2.ResetEbsDefaultKmsKeyIdInput{})
	must(t, err)
	if aws.ToString(reset.KmsKeyId) != awsEbsKey {
		t.Errorf("ResetEbsDefaultKmsKeyId: %q", aws.ToString(reset.KmsKeyId))
	}
	wantKey("after the reset", createVolume(t, c, clk, &ec2.CreateVolumeInput{AvailabilityZone: az, Size: aws.Int32(8)}), awsEbsKey)
	off, err := c.DisableEbsEncryptionByDefault(ctx, &ec2.DisableEbsEncryptionByDefaultInput{})
	must(t, err)
	if aws.ToBool(off.EbsEncryptionByDefault) {
		t.Error("DisableEbsEncryptionByDefault answered true")
	}
	if v := volumeOf(t, c, createVolume(t, c, clk, &ec2.CreateVolumeInput{AvailabilityZone: az, Size: aws.Int32(8)})); aws.ToBool(v.Encrypted) {
		t.Error("a volume after disabling is encrypted")
	}

	wantRefusals(t, []apiRefusal{
		{"a key of no known shape", func() error {
			_, err := c.ModifyEbsDefaultKmsKeyId(ctx, &ec2.ModifyEbsDefaultKmsKeyIdInput{KmsKeyId: aws.String("my key")})
			return err
		}, "InvalidParameterValue"},
	})
}

// Block public access for snapshots through the SDK: unblocked at first;
// block-new-sharing refuses new public shares (not shares with accounts)
// and leaves public snapshots public; block-all-sharing also hides the
// public ones from everyone else, though their permission stays.
func TestSDKSnapshotBlockPublicAccess(t *testing.T) {
	c, _, clk := fakeTimeSDK(t)
	ctx := context.Background()
	st, err := c.GetSnapshotBlockPublicAccessState(ctx, &ec2.GetSnapshotBlockPublicAccessStateInput{})
	must(t, err)
	if st.State != types.SnapshotBlockPublicAccessStateUnblocked || st.ManagedBy != types.ManagedByAccount {
		t.Errorf("at first: %q managed by %q", st.State, st.ManagedBy)
	}
	vol := createVolume(t, c, clk, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1a"), Size: aws.Int32(8)})
	var snaps []string
	for range 2 {
		s, err := c.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: aws.String(vol)})
		must(t, err)
		snaps = append(snaps, aws.ToString(s.SnapshotId))
	}
	clk.Advance(2 * time.Second)
	share := func(id string, p types.CreateVolumePermission) error {
		_, err := c.ModifySnapshotAttribute(ctx, &ec2.ModifySnapshotAttributeInput{SnapshotId: aws.String(id), Attribute: types.SnapshotAttributeNameCreateVolumePermission,
			CreateVolumePermission: &types.CreateVolumePermissionModifications{Add: []types.CreateVolumePermission{p}}})
		return err
	}
	all := types.CreateVolumePermission{Group: types.PermissionGroupAll}
	must(t, share(snaps[0], all))
	public := func() int {
		t.Helper()
		out, err := c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{RestorableByUserIds: []string{"all"}})
		must(t, err)
		return len(out.Snapshots)
	}
	if n := public(); n != 1 {
		t.Fatalf("public snapshots: %d, want 1", n)
	}

	en, err := c.EnableSnapshotBlockPublicAccess(ctx, &ec2.EnableSnapshotBlockPublicAccessInput{State: types.SnapshotBlockPublicAccessStateBlockNewSharing})
	must(t, err)
	if en.State != types.SnapshotBlockPublicAccessStateBlockNewSharing {
		t.Errorf("Enable answered %q", en.State)
	}
	if n := public(); n != 1 {
		t.Errorf("block-new-sharing: %d public snapshots, want the 1 shared before", n)
	}
	if err := share(snaps[1], types.CreateVolumePermission{UserId: aws.String("111122223333")}); err != nil {
		t.Errorf("sharing with an account while public sharing is blocked: %v", err)
	}

	en, err = c.EnableSnapshotBlockPublicAccess(ctx, &ec2.EnableSnapshotBlockPublicAccessInput{State: types.SnapshotBlockPublicAccessStateBlockAllSharing})
	must(t, err)
	if st, err := c.GetSnapshotBlockPublicAccessState(ctx, &ec2.GetSnapshotBlockPublicAccessStateInput{}); err != nil || st.State != types.SnapshotBlockPublicAccessStateBlockAllSharing {
		t.Errorf("after block-all-sharing: %q, %v", st.State, err)
	}
	if n := public(); n != 0 {
		t.Errorf("block-all-sharing: %d public snapshots, want none", n)
	}
	attr, err := c.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{SnapshotId: aws.String(snaps[0]), Attribute: types.SnapshotAttributeNameCreateVolumePermission})
	must(t, err)
	if len(attr.CreateVolumePermissions) != 1 || attr.CreateVolumePermissions[0].Group != types.PermissionGroupAll {
		t.Errorf("the permission while blocked: %+v, want it kept", attr.CreateVolumePermissions)
	}

	dis, err := c.DisableSnapshotBlockPublicAccess(ctx, &ec2.DisableSnapshotBlockPublicAccessInput{})
	must(t, err)
	if dis.State != types.SnapshotBlockPublicAccessStateUnblocked {
		t.Errorf("Disable answered %q", dis.State)
	}
	if n := public(); n != 1 {
		t.Errorf("unblocked again: %d public snapshots, want 1", n)
	}
	must(t, share(snaps[1], all))

	wantRefusals(t, []apiRefusal{
		{"unblocked is not a state to enable", func() error {
			_, err := c.EnableSnapshotBlockPublicAccess(ctx, &ec2.EnableSnapshotBlockPublicAccessInput{State: types.SnapshotBlockPublicAccessStateUnblocked})
			return err
		}, "InvalidParameterValue"},
		{"a public share while new sharing is blocked", func() error {
			_, err := c.EnableSnapshotBlockPublicAccess(ctx, &ec2.EnableSnapshotBlockPublicAccessInput{State: types.SnapshotBlockPublicAccessStateBlockNewSharing})
			must(t, err)
			_, err = c.ResetSnapshotAttribute(ctx, &ec2.ResetSnapshotAttributeInput{SnapshotId: aws.String(snaps[1]), Attribute: types.SnapshotAttributeNameCreateVolumePermission})
			must(t, err)
			return share(snaps[1], all)
		}, "OperationNotPermitted"},
	})
}
