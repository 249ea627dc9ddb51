package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestSDKImageLife: an image's life after it is made, through the SDK on
// the fake clock: disabled and enabled, deprecated, protected from
// deregistration (with the 24-hour cooldown), watermarked and the mark
// carried by a copy, limited to instance types; its lineage, what uses
// it, and the instances' view of their images.
func TestSDKImageLife(t *testing.T) {
	c, _, clk := fakeTimeSDK(t)
	west := newSDKRegion(c, "us-west-2")
	ctx := context.Background()
	id := runOne(t, c, &ec2.RunInstancesInput{InstanceType: types.InstanceTypeT3Micro})
	amazon := aws.ToString(describeOne(t, c, id).ImageId)
	img, err := c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: aws.String(id), Name: aws.String("base-1"), NoReboot: aws.Bool(true)})
	must(t, err)
	ami := aws.ToString(img.ImageId)
	clk.Advance(2 * time.Second)
	if im := imageOf(t, c, ami); aws.ToString(im.SourceImageId) != amazon || aws.ToString(im.SourceImageRegion) != "us-east-1" {
		t.Errorf("an image of an instance names the instance's image as its source: %s in %s", aws.ToString(im.SourceImageId), aws.ToString(im.SourceImageRegion))
	}
	launch := func(typ types.InstanceType) error {
		_, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(ami), InstanceType: typ, MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
		return err
	}

	t.Run("disabled, then enabled", func(t *testing.T) {
		_, err := c.DisableImage(ctx, &ec2.DisableImageInput{ImageId: aws.String(ami)})
		must(t, err)
		if im := imageOf(t, c, ami); im.State != types.ImageStateDisabled {
			t.Errorf("disabled image: %s", im.State)
		}
		if err := launch(types.InstanceTypeT3Micro); apiCode(t, err) != "InvalidAMIID.Unavailable" {
			t.Errorf("launch of a disabled image: %v", err)
		}
		_, err = c.EnableImage(ctx, &ec2.EnableImageInput{ImageId: aws.String(ami)})
		must(t, err)
		if _, err := c.EnableImage(ctx, &ec2.EnableImageInput{ImageId: aws.String(ami)}); apiCode(t, err) != "IncorrectState" {
			t.Errorf("enabling an enabled image: %v", err)
		}
		if im := imageOf(t, c, ami); im.State != types.ImageStateAvailable {
			t.Errorf("enabled image: %s", im.State)
		}
	})

	t.Run("deprecated", func(t *testing.T) {
		at := clk.Now().Add(time.Hour + 20*time.Second)
		_, err := c.EnableImageDeprecation(ctx, &ec2.EnableImageDeprecationInput{ImageId: aws.String(ami), DeprecateAt: aws.Time(at)})
		must(t, err)
		want := at.UTC().Round(time.Minute).Format("2006-01-02T15:04:05.000Z")
		if got := aws.ToString(imageOf(t, c, ami).DeprecationTime); got != want {
			t.Errorf("DeprecationTime %q, want %q (to the minute)", got, want)
		}
		_, err = c.DisableImageDeprecation(ctx, &ec2.DisableImageDeprecationInput{ImageId: aws.String(ami)})
		must(t, err)
		if got := aws.ToString(imageOf(t, c, ami).DeprecationTime); got != "" {
			t.Errorf("DeprecationTime after DisableImageDeprecation: %q", got)
		}
	})

	t.Run("only on the types it supports", func(t *testing.T) {
		_, err := c.ReplaceImageInstanceTypeSpecification(ctx, &ec2.ReplaceImageInstanceTypeSpecificationInput{ImageId: aws.String(ami),
			InstanceTypeSpecification: &types.InstanceTypeSpecificationRequest{SupportedInstanceTypes: []string{"t3.micro"}}})
		must(t, err)
		if err := launch(types.InstanceTypeT3Small); apiCode(t, err) != "Unsupported" {
			t.Errorf("launch on a type the image does not support: %v", err)
		}
		must(t, launch(types.InstanceTypeT3Micro))
		_, err = c.ReplaceImageInstanceTypeSpecification(ctx, &ec2.ReplaceImageInstanceTypeSpecificationInput{ImageId: aws.String(ami)})
		must(t, err)
		must(t, launch(types.InstanceTypeT3Small))
	})

	t.Run("watermarked, and the mark carried by a copy", func(t *testing.T) {
		wm, err := c.AttachImageWatermark(ctx, &ec2.AttachImageWatermarkInput{ImageId: aws.String(ami), WatermarkName: aws.String("golden")})
		must(t, err)
		key := aws.ToString(wm.WatermarkKey)
		cp, err := west.CopyImage(ctx, &ec2.CopyImageInput{SourceRegion: aws.String("us-east-1"), SourceImageId: aws.String(ami), Name: aws.String("base-1")})
		must(t, err)
		clk.Advance(2 * time.Second)
		found, err := west.DescribeImages(ctx, &ec2.DescribeImagesInput{Filters: []types.Filter{{Name: aws.String("image-watermark.watermark-key"), Values: []string{key}}}})
		must(t, err)
		if len(found.Images) != 1 || aws.ToString(found.Images[0].ImageId) != aws.ToString(cp.ImageId) ||
			aws.ToString(found.Images[0].ImageWatermarks[0].SourceImageId) != ami {
			t.Fatalf("the copy by its watermark %s: %+v", key, found.Images)
		}
		anc, err := west.GetImageAncestry(ctx, &ec2.GetImageAncestryInput{ImageId: cp.ImageId})
		must(t, err)
		var chain []string
		for _, e := range anc.ImageAncestryEntries {
			chain = append(chain, aws.ToString(e.ImageId))
		}
		if len(chain) != 3 || chain[0] != aws.ToString(cp.ImageId) || chain[1] != ami || chain[2] != amazon {
			t.Errorf("ancestry %v, want the copy, %s, %s", chain, ami, amazon)
		}
		_, err = c.DetachImageWatermark(ctx, &ec2.DetachImageWatermarkInput{ImageId: aws.String(ami), WatermarkKey: aws.String(key)})
		must(t, err)
		if w := imageOf(t, c, ami).ImageWatermarks; len(w) != 0 {
			t.Errorf("watermarks after detach: %+v", w)
		}
	})

	t.Run("what uses it", func(t *testing.T) {
		_, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("from-base"),
			LaunchTemplateData: &types.RequestLaunchTemplateData{ImageId: aws.String(ami), InstanceType: types.InstanceTypeT3Micro}})
		must(t, err)
		refs, err := c.DescribeImageReferences(ctx, &ec2.DescribeImageReferencesInput{ImageIds: []string{ami}, IncludeAllResourceTypes: aws.Bool(true)})
		must(t, err)
		kinds := map[types.ImageReferenceResourceType]int{}
		for _, r := range refs.ImageReferences {
			kinds[r.ResourceType]++
		}
		if kinds[types.ImageReferenceResourceTypeEc2Instance] != 2 || kinds[types.ImageReferenceResourceTypeEc2LaunchTemplate] != 1 {
			t.Errorf("references %+v: want the 2 instances launched of it and the template", refs.ImageReferences)
		}
		md, err := c.DescribeInstanceImageMetadata(ctx, &ec2.DescribeInstanceImageMetadataInput{InstanceIds: []string{id}})
		must(t, err)
		if len(md.InstanceImageMetadata) != 1 || aws.ToString(md.InstanceImageMetadata[0].ImageMetadata.ImageId) != amazon ||
			aws.ToString(md.InstanceImageMetadata[0].ImageMetadata.ImageOwnerAlias) != "amazon" {
			t.Errorf("instance image metadata: %+v", md.InstanceImageMetadata)
		}
	})

	t.Run("protected from deregistration, with cooldown", func(t *testing.T) {
		p, err := c.EnableImageDeregistrationProtection(ctx, &ec2.EnableImageDeregistrationProtectionInput{ImageId: aws.String(ami), WithCooldown: aws.Bool(true)})
		must(t, err)
		if aws.ToString(p.Return) != "enabled-with-cooldown" || aws.ToString(imageOf(t, c, ami).DeregistrationProtection) != "enabled-with-cooldown" {
			t.Errorf("protection: %s", aws.ToString(p.Return))
		}
		deregister := func() error {
			_, err := c.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(ami)})
			return err
		}
		if apiCode(t, deregister()) != "OperationNotPermitted" {
			t.Error("a protected image was deregistered")
		}
		_, err = c.DisableImageDeregistrationProtection(ctx, &ec2.DisableImageDeregistrationProtectionInput{ImageId: aws.String(ami)})
		must(t, err)
		clk.Advance(23 * time.Hour)
		if apiCode(t, deregister()) != "OperationNotPermitted" {
			t.Error("deregistered within the 24-hour cooldown")
		}
		clk.Advance(time.Hour)
		must(t, deregister())
	})

	wantRefusals(t, []apiRefusal{
		{"cancel the launch permission of Amazon's public image", func() error {
			_, err := c.CancelImageLaunchPermission(ctx, &ec2.CancelImageLaunchPermissionInput{ImageId: aws.String(amazon)})
			return err
		}, "InvalidParameterValue"},
		{"fast launch for a Linux image", func() error {
			_, err := c.EnableFastLaunch(ctx, &ec2.EnableFastLaunchInput{ImageId: aws.String(amazon)})
			return err
		}, "InvalidParameter"},
		{"disable Amazon's image", func() error {
			_, err := c.DisableImage(ctx, &ec2.DisableImageInput{ImageId: aws.String(amazon)})
			return err
		}, "AuthFailure"},
		{"findings of an image that does not exist", func() error {
			_, err := c.GetImageFindings(ctx, &ec2.GetImageFindingsInput{ImageId: aws.String("ami-0123456789abcdef0")})
			return err
		}, "InvalidAMIID.NotFound"},
		{"references without saying of what", func() error {
			_, err := c.DescribeImageReferences(ctx, &ec2.DescribeImageReferencesInput{ImageIds: []string{amazon}})
			return err
		}, "InvalidParameterCombination"},
	})
	findings, err := c.GetImageFindings(ctx, &ec2.GetImageFindingsInput{ImageId: aws.String(amazon)})
	must(t, err)
	if len(findings.ImageFindings) != 0 {
		t.Errorf("findings in an image no scanner has scanned: %+v", findings.ImageFindings)
	}
	fl, err := c.DescribeFastLaunchImages(ctx, &ec2.DescribeFastLaunchImagesInput{})
	must(t, err)
	if len(fl.FastLaunchImages) != 0 {
		t.Errorf("fast launch images: %+v", fl.FastLaunchImages)
	}
}
