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

// Built-in images of us-east-1 (configs/images.toml): Amazon's.
const (
	al2023   = "ami-620641fc7f09ca2ea" // the region's default image
	debian12 = "ami-6dcc5e4c6496b28e3"
)

// ownImage copies a built-in image into the account (us-east-1) and lets
// the copy complete: an image the account owns.
func ownImage(t *testing.T, c *ec2.Client, clk interface{ Advance(time.Duration) }, name string) string {
	t.Helper()
	out, err := c.CopyImage(context.Background(), &ec2.CopyImageInput{SourceRegion: aws.String("us-east-1"), SourceImageId: aws.String(debian12), Name: aws.String(name)})
	must(t, err)
	clk.Advance(2 * time.Second)
	return aws.ToString(out.ImageId)
}

// Block public access for AMIs through the SDK: unblocked at first; while
// on, an image cannot be made public, but can be shared with an account.
func TestSDKImageBlockPublicAccess(t *testing.T) {
	c, _, clk := fakeTimeSDK(t)
	ctx := context.Background()
	st, err := c.GetImageBlockPublicAccessState(ctx, &ec2.GetImageBlockPublicAccessStateInput{})
	must(t, err)
	if aws.ToString(st.ImageBlockPublicAccessState) != "unblocked" || st.ManagedBy != types.ManagedByAccount {
		t.Errorf("at first: %q managed by %q", aws.ToString(st.ImageBlockPublicAccessState), st.ManagedBy)
	}
	ami := ownImage(t, c, clk, "web")
	launch := func(p types.LaunchPermission) error {
		_, err := c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: aws.String(ami),
			LaunchPermission: &types.LaunchPermissionModifications{Add: []types.LaunchPermission{p}}})
		return err
	}
	en, err := c.EnableImageBlockPublicAccess(ctx, &ec2.EnableImageBlockPublicAccessInput{ImageBlockPublicAccessState: types.ImageBlockPublicAccessEnabledStateBlockNewSharing})
	must(t, err)
	if en.ImageBlockPublicAccessState != types.ImageBlockPublicAccessEnabledStateBlockNewSharing {
		t.Errorf("Enable answered %q", en.ImageBlockPublicAccessState)
	}
	if st, err := c.GetImageBlockPublicAccessState(ctx, &ec2.GetImageBlockPublicAccessStateInput{}); err != nil || aws.ToString(st.ImageBlockPublicAccessState) != "block-new-sharing" {
		t.Errorf("after Enable: %q, %v", aws.ToString(st.ImageBlockPublicAccessState), err)
	}
	if err := launch(types.LaunchPermission{Group: types.PermissionGroupAll}); apiCode(t, err) != "OperationNotPermitted" {
		t.Errorf("a public share while blocked: %v, want OperationNotPermitted", err)
	}
	if err := launch(types.LaunchPermission{UserId: aws.String("111122223333")}); err != nil {
		t.Errorf("a share with an account while blocked: %v", err)
	}
	if aws.ToBool(imageOf(t, c, ami).Public) {
		t.Error("the image is public")
	}
	dis, err := c.DisableImageBlockPublicAccess(ctx, &ec2.DisableImageBlockPublicAccessInput{})
	must(t, err)
	if dis.ImageBlockPublicAccessState != types.ImageBlockPublicAccessDisabledStateUnblocked {
		t.Errorf("Disable answered %q", dis.ImageBlockPublicAccessState)
	}
	must(t, launch(types.LaunchPermission{Group: types.PermissionGroupAll}))
	if !aws.ToBool(imageOf(t, c, ami).Public) {
		t.Error("unblocked, the image did not become public")
	}
	wantRefusals(t, []apiRefusal{{"a state other than block-new-sharing", func() error {
		_, err := c.EnableImageBlockPublicAccess(ctx, &ec2.EnableImageBlockPublicAccessInput{ImageBlockPublicAccessState: "unblocked"})
		return err
	}, "InvalidParameterValue"}})
}

// Allowed AMIs through the SDK: disabled at first (every image allowed,
// no ImageAllowed); in audit-mode images say whether the criteria allow
// them and all still launch; enabled, the others are neither described
// nor launched, until the criteria allow them. The account's own images
// are always allowed.
func TestSDKAllowedImages(t *testing.T) {
	c, _, clk := fakeTimeSDK(t)
	ctx := context.Background()
	own := ownImage(t, c, clk, "mine")
	get, err := c.GetAllowedImagesSettings(ctx, &ec2.GetAllowedImagesSettingsInput{})
	must(t, err)
	if aws.ToString(get.State) != "disabled" || len(get.ImageCriteria) != 0 || get.ManagedBy != types.ManagedByAccount {
		t.Errorf("at first: %q, criteria %+v, managed by %q", aws.ToString(get.State), get.ImageCriteria, get.ManagedBy)
	}
	images := func(filters ...types.Filter) map[string]*bool {
		t.Helper()
		out, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Filters: filters})
		must(t, err)
		m := map[string]*bool{}
		for _, im := range out.Images {
			m[aws.ToString(im.ImageId)] = im.ImageAllowed
		}
		return m
	}
	allowedFilter := func(v string) types.Filter {
		return types.Filter{Name: aws.String("image-allowed"), Values: []string{v}}
	}
	before := images()
	if len(images(allowedFilter("true"))) != len(before) || before[al2023] != nil {
		t.Errorf("disabled: image-allowed=true gives %d of %d images; ImageAllowed %v", len(images(allowedFilter("true"))), len(before), before[al2023])
	}
	run := func(ami string) error {
		_, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(ami), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
		return err
	}

	// Amazon's Debian images only.
	_, err = c.ReplaceImageCriteriaInAllowedImagesSettings(ctx, &ec2.ReplaceImageCriteriaInAllowedImagesSettingsInput{
		ImageCriteria: []types.ImageCriterionRequest{{ImageProviders: []string{"amazon"}, ImageNames: []string{"debian-*"}}}})
	must(t, err)
	_, err = c.EnableAllowedImagesSettings(ctx, &ec2.EnableAllowedImagesSettingsInput{AllowedImagesSettingsState: types.AllowedImagesSettingsEnabledStateAuditMode})
	must(t, err)
	audit := images()
	for id, want := range map[string]bool{al2023: false, debian12: true, own: true} {
		if got := audit[id]; got == nil || *got != want {
			t.Errorf("audit-mode: %s ImageAllowed %v, want %v", id, got, want)
		}
	}
	if disallowed := images(allowedFilter("false")); len(disallowed) == 0 || disallowed[debian12] != nil || disallowed[own] != nil {
		t.Errorf("audit-mode: image-allowed=false gives %v", disallowed)
	}
	if err := run(al2023); err != nil {
		t.Errorf("audit-mode refused a launch: %v", err)
	}

	en, err := c.EnableAllowedImagesSettings(ctx, &ec2.EnableAllowedImagesSettingsInput{AllowedImagesSettingsState: types.AllowedImagesSettingsEnabledStateEnabled})
	must(t, err)
	if en.AllowedImagesSettingsState != types.AllowedImagesSettingsEnabledStateEnabled {
		t.Errorf("Enable answered %q", en.AllowedImagesSettingsState)
	}
	get, err = c.GetAllowedImagesSettings(ctx, &ec2.GetAllowedImagesSettingsInput{})
	must(t, err)
	if aws.ToString(get.State) != "enabled" || len(get.ImageCriteria) != 1 || !slices.Equal(get.ImageCriteria[0].ImageProviders, []string{"amazon"}) ||
		!slices.Equal(get.ImageCriteria[0].ImageNames, []string{"debian-*"}) {
		t.Errorf("GetAllowedImagesSettings: %q, criteria %+v", aws.ToString(get.State), get.ImageCriteria)
	}
	enabled := images()
	if _, seen := enabled[al2023]; seen || enabled[debian12] == nil || enabled[own] == nil {
		t.Errorf("enabled: described %v, want Debian and the account's own, not Amazon Linux", enabled)
	}
	if err := run(al2023); apiCode(t, err) != "InvalidAMIID.NotFound" {
		t.Errorf("enabled: a launch of a disallowed image: %v, want InvalidAMIID.NotFound", err)
	}
	if err := run(""); apiCode(t, err) != "InvalidAMIID.NotFound" {
		t.Errorf("enabled: a launch of the default image (disallowed): %v, want InvalidAMIID.NotFound", err)
	}
	for _, ami := range []string{debian12, own} {
		if err := run(ami); err != nil {
			t.Errorf("enabled: a launch of allowed %s: %v", ami, err)
		}
	}

	// Amazon's images, all of them: Amazon Linux launches again.
	_, err = c.ReplaceImageCriteriaInAllowedImagesSettings(ctx, &ec2.ReplaceImageCriteriaInAllowedImagesSettingsInput{
		ImageCriteria: []types.ImageCriterionRequest{{ImageProviders: []string{"123456789012"}}, {ImageProviders: []string{"amazon"}}}})
	must(t, err)
	if err := run(al2023); err != nil {
		t.Errorf("after ReplaceImageCriteria allowed Amazon's images: %v", err)
	}
	dis, err := c.DisableAllowedImagesSettings(ctx, &ec2.DisableAllowedImagesSettingsInput{})
	must(t, err)
	if dis.AllowedImagesSettingsState != types.AllowedImagesSettingsDisabledStateDisabled {
		t.Errorf("Disable answered %q", dis.AllowedImagesSettingsState)
	}
	if get, err := c.GetAllowedImagesSettings(ctx, &ec2.GetAllowedImagesSettingsInput{}); err != nil || aws.ToString(get.State) != "disabled" || len(get.ImageCriteria) != 2 {
		t.Errorf("disabled again: %q with %d criteria (kept), %v", aws.ToString(get.State), len(get.ImageCriteria), err)
	}

	replace := func(cs ...types.ImageCriterionRequest) func() error {
		return func() error {
			_, err := c.ReplaceImageCriteriaInAllowedImagesSettings(ctx, &ec2.ReplaceImageCriteriaInAllowedImagesSettingsInput{ImageCriteria: cs})
			return err
		}
	}
	eleven := make([]types.ImageCriterionRequest, 11)
	for i := range eleven {
		eleven[i] = types.ImageCriterionRequest{ImageProviders: []string{"amazon"}}
	}
	wantRefusals(t, []apiRefusal{
		{"none with another provider", replace(types.ImageCriterionRequest{ImageProviders: []string{"none", "amazon"}}), "InvalidParameterValue"},
		{"an unknown provider", replace(types.ImageCriterionRequest{ImageProviders: []string{"microsoft"}}), "InvalidParameterValue"},
		{"a name with a bad character", replace(types.ImageCriterionRequest{ImageNames: []string{"web%"}}), "InvalidParameterValue"},
		{"a negative age", replace(types.ImageCriterionRequest{CreationDateCondition: &types.CreationDateConditionRequest{MaximumDaysSinceCreated: aws.Int32(-1)}}), "InvalidParameterValue"},
		{"eleven criteria", replace(eleven...), "InvalidParameterValue"},
		{"a state other than enabled and audit-mode", func() error {
			_, err := c.EnableAllowedImagesSettings(ctx, &ec2.EnableAllowedImagesSettingsInput{AllowedImagesSettingsState: "disabled"})
			return err
		}, "InvalidParameterValue"},
	})
}

// The account's EBS and image settings outlive a restart of the daemon.
func TestSDKAccountSettingsSurviveRestart(t *testing.T) {
	home := t.TempDir()
	d := runDaemon(t, home, ec2Config)
	c := newSDK("http://"+d.ec2, testKey, testSecret)
	ctx := context.Background()
	_, err := c.EnableEbsEncryptionByDefault(ctx, &ec2.EnableEbsEncryptionByDefaultInput{})
	must(t, err)
	_, err = c.ModifyEbsDefaultKmsKeyId(ctx, &ec2.ModifyEbsDefaultKmsKeyIdInput{KmsKeyId: aws.String("alias/team")})
	must(t, err)
	_, err = c.EnableSnapshotBlockPublicAccess(ctx, &ec2.EnableSnapshotBlockPublicAccessInput{State: types.SnapshotBlockPublicAccessStateBlockAllSharing})
	must(t, err)
	_, err = c.EnableImageBlockPublicAccess(ctx, &ec2.EnableImageBlockPublicAccessInput{ImageBlockPublicAccessState: types.ImageBlockPublicAccessEnabledStateBlockNewSharing})
	must(t, err)
	_, err = c.ReplaceImageCriteriaInAllowedImagesSettings(ctx, &ec2.ReplaceImageCriteriaInAllowedImagesSettingsInput{
		ImageCriteria: []types.ImageCriterionRequest{{ImageProviders: []string{"amazon"}, DeprecationTimeCondition: &types.DeprecationTimeConditionRequest{MaximumDaysSinceDeprecated: aws.Int32(30)}}}})
	must(t, err)
	_, err = c.EnableAllowedImagesSettings(ctx, &ec2.EnableAllowedImagesSettingsInput{AllowedImagesSettingsState: types.AllowedImagesSettingsEnabledStateAuditMode})
	must(t, err)

	d.cancel()
	<-d.exited
	d = runDaemon(t, home, ec2Config)
	c = newSDK("http://"+d.ec2, testKey, testSecret)
	enc, err := c.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
	must(t, err)
	key, err := c.GetEbsDefaultKmsKeyId(ctx, &ec2.GetEbsDefaultKmsKeyIdInput{})
	must(t, err)
	snap, err := c.GetSnapshotBlockPublicAccessState(ctx, &ec2.GetSnapshotBlockPublicAccessStateInput{})
	must(t, err)
	img, err := c.GetImageBlockPublicAccessState(ctx, &ec2.GetImageBlockPublicAccessStateInput{})
	must(t, err)
	allowed, err := c.GetAllowedImagesSettings(ctx, &ec2.GetAllowedImagesSettingsInput{})
	must(t, err)
	if !aws.ToBool(enc.EbsEncryptionByDefault) || aws.ToString(key.KmsKeyId) != "arn:aws:kms:us-east-1:123456789012:alias/team" ||
		snap.State != types.SnapshotBlockPublicAccessStateBlockAllSharing || aws.ToString(img.ImageBlockPublicAccessState) != "block-new-sharing" {
		t.Errorf("after a restart: encryption %v, key %q, snapshots %q, images %q", aws.ToBool(enc.EbsEncryptionByDefault), aws.ToString(key.KmsKeyId), snap.State, aws.ToString(img.ImageBlockPublicAccessState))
	}
	if aws.ToString(allowed.State) != "audit-mode" || len(allowed.ImageCriteria) != 1 || allowed.ImageCriteria[0].DeprecationTimeCondition == nil ||
		aws.ToInt32(allowed.ImageCriteria[0].DeprecationTimeCondition.MaximumDaysSinceDeprecated) != 30 {
		t.Errorf("Allowed AMIs after a restart: %q, %+v", aws.ToString(allowed.State), allowed.ImageCriteria)
	}
	// Other regions kept their defaults.
	west := newSDKRegion(c, "us-west-2")
	if enc, err := west.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{}); err != nil || aws.ToBool(enc.EbsEncryptionByDefault) {
		t.Errorf("us-west-2: encryption by default %v, %v", aws.ToBool(enc.EbsEncryptionByDefault), err)
	}
}
