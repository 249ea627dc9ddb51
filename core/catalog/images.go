package catalog

import (
	"context"
	"sort"
	"strings"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
)

// ResolveImage accepts an ami- ID or an image name in a region; "" is the
// region's default image. It returns the image's name, config and ID.
func (c *Catalog) ResolveImage(region, ref string) (string, *configs.Image, string, error) {
	rc, err := c.regionOf(region)
	if err != nil {
		return "", nil, "", err
	}
	if ref == "" {
		ref = rc.DefaultImage
	}
	if strings.HasPrefix(ref, "ami-") {
		if !ec2.ValidID("ami", ref) {
			return "", nil, "", ec2.MalformedID(ec2.CodeInvalidAMIIDMalformed, "ami", ref)
		}
		if name, img := c.ImageByID(region, ref); img != nil {
			return name, img, ref, nil
		}
		return "", nil, "", ec2.Errorf(ec2.CodeInvalidAMIIDNotFound, "The image id '[%s]' does not exist", ref)
	}
	img := c.cfg.Images[ref]
	if img == nil || img.IDs[region] == "" {
		return "", nil, "", ec2.Errorf(ec2.CodeInvalidAMIIDNotFound, "The image '%s' does not exist in %s (see ec2x images)", ref, region)
	}
	return ref, img, img.IDs[region], nil
}

// ImageByID finds an image by its ID in a region.
func (c *Catalog) ImageByID(region, ami string) (string, *configs.Image) {
	for name, img := range c.cfg.Images {
		if img.IDs[region] == ami {
			return name, img
		}
	}
	return "", nil
}

// imageSpec is DescribeImages' filters; name also matches ec2x's alias.
var imageSpec = &describe.Spec[ec2.Image]{
	Fields: []describe.Field[ec2.Image]{
		// AMI names are paths: the engine's * spans '/'.
		{Name: "name", Values: func(im ec2.Image) []string { return []string{im.Name, im.Alias} }},
		{Name: "architecture", Value: func(im ec2.Image) string { return im.Architecture }},
		{Name: "image-id", Value: func(im ec2.Image) string { return im.ImageId }},
		{Name: "owner-alias", Value: func(im ec2.Image) string { return im.OwnerId }},
		{Name: "state", Value: func(im ec2.Image) string { return im.State }},
		{Name: "virtualization-type", Value: func(im ec2.Image) string { return im.VirtualizationType }},
		{Name: "root-device-type", Value: func(im ec2.Image) string { return im.RootDeviceType }},
		{Name: "is-public", Value: func(im ec2.Image) string { return "true" }},
	},
	Key: func(k *describe.Key, im ec2.Image) { k.Str(im.Alias); k.Str(im.ImageId) },
}

// DescribeImages lists the images of a region, by name.
func (c *Catalog) DescribeImages(ctx context.Context, region string, in *ec2.DescribeImagesInput) (*ec2.DescribeImagesOutput, error) {
	if _, err := c.regionOf(region); err != nil {
		return nil, err
	}
	plan, err := imageSpec.Compile(describe.Query{Filters: in.Filters})
	if err != nil {
		return nil, err
	}
	for _, id := range in.ImageIds {
		if _, _, _, err := c.ResolveImage(region, id); err != nil {
			return nil, err
		}
	}
	var items []ec2.Image
	names := make([]string, 0, len(c.cfg.Images))
	for name := range c.cfg.Images {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		img := c.cfg.Images[name]
		id := img.IDs[region]
		if id == "" {
			continue
		}
		if len(in.ImageIds) > 0 && !contains(in.ImageIds, id) && !contains(in.ImageIds, name) {
			continue
		}
		items = append(items, ec2.Image{ImageId: id, Name: img.AmiName, Description: img.Description, Architecture: img.Arch,
			PlatformDetails: img.Platform, VirtualizationType: "hvm", RootDeviceType: "ebs", RootDeviceName: "/dev/xvda",
			State: "available", Public: true, OwnerId: "amazon", DefaultUser: img.User, Alias: name, VolumeSizeGiB: img.RootDeviceGiB})
	}
	page, _ := plan.Page(plan.Filter(items))
	return &ec2.DescribeImagesOutput{Images: nonNil(page)}, nil
}
