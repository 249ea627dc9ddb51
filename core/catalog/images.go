package catalog

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// ResolveImage accepts an ami- ID or an image name in rd's region; "" is
// the region's default image. It returns the image's name, config and ID:
// a configured image (one Allowed AMIs allows), or one the account made
// (available, not disabled).
func (c *Catalog) ResolveImage(rd state.Reader, ref string) (string, *configs.Image, string, error) {
	region := rd.Region().Name
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
		if a := FindAMI(rd, ref); a != nil {
			if !a.Available() || a.Disabled {
				return "", nil, "", ec2.Errorf(ec2.CodeInvalidAMIIDUnavailable, "The image id '[%s]' is not available yet: it is %s", ref, map[bool]string{true: "disabled", false: "pending"}[a.Disabled])
			}
			return a.Name, c.config(rd, a), ref, nil
		}
		if name, img := c.ImageByID(rd, ref); img != nil {
			return name, img, ref, c.launchAllowed(rd, name, img, ref)
		}
		return "", nil, "", ec2.Errorf(ec2.CodeInvalidAMIIDNotFound, "The image id '[%s]' does not exist", ref)
	}
	img := c.cfg.Images[ref]
	if img == nil || img.IDs[region] == "" {
		return "", nil, "", ec2.Errorf(ec2.CodeInvalidAMIIDNotFound, "The image '%s' does not exist in %s (see ec2x images)", ref, region)
	}
	return ref, img, img.IDs[region], c.launchAllowed(rd, ref, img, img.IDs[region])
}

// ImageByID finds an image by its ID in rd's region: a configured one,
// or one the account made.
func (c *Catalog) ImageByID(rd state.Reader, ami string) (string, *configs.Image) {
	region := rd.Region().Name
	for name, img := range c.cfg.Images {
		if img.IDs[region] == ami {
			return name, img
		}
	}
	if a := FindAMI(rd, ami); a != nil {
		return a.Name, c.config(rd, a)
	}
	return "", nil
}

// NamedImage reports whether a configured image of that name is in a region.
func (c *Catalog) NamedImage(region, name string) bool {
	img := c.cfg.Images[name]
	return img != nil && img.IDs[region] != ""
}

// ConfiguredImage is the configured image's name with that ID in a
// region, or "" (the account's own images are not).
func (c *Catalog) ConfiguredImage(region, ami string) string {
	for name, img := range c.cfg.Images {
		if img.IDs[region] == ami {
			return name
		}
	}
	return ""
}

// DescribeImages lists the images of a region: those asked for (in the
// order asked), owned by Owners, launchable by ExecutableUsers, filtered
// and paged. The account's own images follow the configured ones.
func (c *Catalog) DescribeImages(ctx context.Context, region string, in *ec2.DescribeImagesInput) (*ec2.DescribeImagesOutput, error) {
	if _, err := c.regionOf(region); err != nil {
		return nil, err
	}
	plan, err := imageSpec.Compile(describe.Query{Filters: in.Filters, IDs: in.ImageIds, MaxResults: in.MaxResults,
		NextToken: in.NextToken, Scope: region + "/DescribeImages/" + strings.Join(in.Owners, ",") + "/" + strings.Join(in.ExecutableUsers, ",")})
	if err != nil {
		return nil, err
	}
	r, err := c.rt.Region(region)
	if err != nil {
		return nil, err
	}
	var items []ec2.Image
	var settings imageSettings
	err = r.View(func(r *state.Region) error {
		settings = imageSettingsOf(r)
		if len(in.ImageIds) > 0 {
			for _, ref := range in.ImageIds {
				im, err := c.Image(r, ref)
				if err != nil {
					return err
				}
				items = append(items, im)
			}
			return nil
		}
		names := make([]string, 0, len(c.cfg.Images))
		for name := range c.cfg.Images {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if img := c.cfg.Images[name]; img.IDs[region] != "" {
				items = append(items, c.imageView(name, img, img.IDs[region]))
			}
		}
		own := make([]ec2.Image, 0)
		for _, a := range state.Published(r, AMIs) {
			own = append(own, c.amiView(r, a))
		}
		sort.Slice(own, func(i, j int) bool { return own[i].ImageId < own[j].ImageId })
		items = append(items, own...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	kept := items[:0]
	for _, im := range items {
		if ownedBy(im, in.Owners) && launchableBy(im, in.ExecutableUsers) {
			kept = append(kept, im)
		}
	}
	kept = c.allowedView(settings, kept)
	if err := c.withTags(region, kept); err != nil {
		return nil, err
	}
	page, next := plan.Page(plan.Filter(kept))
	return &ec2.DescribeImagesOutput{Images: nonNil(page), NextToken: next}, nil
}

// Image is one image as DescribeImages shows it, named by an ID (of a
// configured image or the account's) or a configured image's name.
func (c *Catalog) Image(r *state.Region, ref string) (ec2.Image, error) {
	if a := FindAMI(r, ref); a != nil {
		return c.amiView(r, a), nil
	}
	if !strings.HasPrefix(ref, "ami-") {
		if img := c.cfg.Images[ref]; img != nil && img.IDs[r.Name] != "" {
			return c.imageView(ref, img, img.IDs[r.Name]), nil
		}
		return ec2.Image{}, ec2.Errorf(ec2.CodeInvalidAMIIDNotFound, "The image '%s' does not exist in %s (see ec2x images)", ref, r.Name)
	}
	if !ec2.ValidID("ami", ref) {
		return ec2.Image{}, ec2.MalformedID(ec2.CodeInvalidAMIIDMalformed, "ami", ref)
	}
	if name := c.ConfiguredImage(r.Name, ref); name != "" {
		return c.imageView(name, c.cfg.Images[name], ref), nil
	}
	return ec2.Image{}, ec2.Errorf(ec2.CodeInvalidAMIIDNotFound, "The image id '[%s]' does not exist", ref)
}

// imageView is an image of the configuration as DescribeImages shows it:
// the images ec2x ships are Amazon's and public, the ones the user
// imported are the account's own and private.
func (c *Catalog) imageView(name string, img *configs.Image, id string) ec2.Image {
	im := ec2.Image{ImageId: id, Name: img.AmiName, Description: img.Description, Architecture: img.Arch,
		PlatformDetails: img.Platform, UsageOperation: "RunInstances", VirtualizationType: "hvm", Hypervisor: "xen",
		ImageType: "machine", RootDeviceType: "ebs", RootDeviceName: "/dev/xvda", EnaSupport: true, SriovNetSupport: "simple",
		BootMode: "uefi-preferred", CreationDate: img.Created, State: "available", FreeTierEligible: true,
		BlockDeviceMappings: []ec2.BlockDeviceMapping{{DeviceName: "/dev/xvda", Ebs: &ec2.EbsBlockDevice{VolumeSize: img.RootDeviceGiB, VolumeType: "gp3"}}},
		DefaultUser:         img.User, Alias: name, VolumeSizeGiB: img.RootDeviceGiB}
	if c.cfg.BuiltinImage(name) {
		im.OwnerId, im.ImageOwnerAlias, im.Public = ec2.AmazonOwnerID, "amazon", true
		im.ImageLocation = "amazon/" + img.AmiName
	} else {
		im.OwnerId = ec2.OwnerID
		im.ImageLocation = ec2.OwnerID + "/" + img.AmiName
	}
	return im
}

// ownedBy applies DescribeImages' Owners: account IDs, "self", "amazon"
// (the alias) or "aws-marketplace"; none means any owner.
func ownedBy(im ec2.Image, owners []string) bool {
	if len(owners) == 0 {
		return true
	}
	for _, o := range owners {
		switch {
		case o == "self" && im.OwnerId == ec2.OwnerID,
			o == im.OwnerId,
			o != "" && o == im.ImageOwnerAlias:
			return true
		}
	}
	return false
}

// launchableBy applies ExecutableUsers: "all" is the public images; an
// account ("self" or an ID) gets the images shared with it explicitly
// (the account's own are not shared with it: EC2 leaves them out too).
func launchableBy(im ec2.Image, users []string) bool {
	if len(users) == 0 {
		return true
	}
	for _, u := range users {
		if u == "all" && im.Public {
			return true
		}
		if u == "self" {
			u = ec2.OwnerID
		}
		if slices.Contains(im.SharedWith, u) {
			return true
		}
	}
	return false
}

// imageSpec is DescribeImages' filters, every one EC2 documents; name also
// matches ec2x's alias. What ec2x's images never have (kernels, product
// codes, a source image) is a filter that matches none of them.
var imageSpec = &describe.Spec[ec2.Image]{
	Fields: []describe.Field[ec2.Image]{
		// AMI names are paths: the engine's * spans '/'.
		{Name: "name", Values: func(im ec2.Image) []string { return []string{im.Name, im.Alias} }},
		{Name: "architecture", Value: func(im ec2.Image) string { return im.Architecture }},
		{Name: "block-device-mapping.delete-on-termination", Values: ebsField(func(_ string, e *ec2.EbsBlockDevice) string {
			return strconv.FormatBool(e.DeleteOnTermination == nil || *e.DeleteOnTermination)
		})},
		{Name: "block-device-mapping.device-name", Values: ebsField(func(dev string, _ *ec2.EbsBlockDevice) string { return dev })},
		{Name: "block-device-mapping.snapshot-id", Values: ebsField(func(_ string, e *ec2.EbsBlockDevice) string { return e.SnapshotId })},
		{Name: "block-device-mapping.volume-size", Values: ebsField(func(_ string, e *ec2.EbsBlockDevice) string { return strconv.Itoa(e.VolumeSize) })},
		{Name: "block-device-mapping.volume-type", Values: ebsField(func(_ string, e *ec2.EbsBlockDevice) string { return e.VolumeType })},
		{Name: "block-device-mapping.encrypted", Values: ebsField(func(_ string, e *ec2.EbsBlockDevice) string {
			return strconv.FormatBool(e.Encrypted != nil && *e.Encrypted)
		})},
		{Name: "boot-mode", Value: func(im ec2.Image) string { return im.BootMode }},
		{Name: "creation-date", Value: func(im ec2.Image) string { return im.CreationDate }},
		{Name: "description", Value: func(im ec2.Image) string { return im.Description }},
		{Name: "ena-support", Value: func(im ec2.Image) string { return strconv.FormatBool(im.EnaSupport) }},
		{Name: "free-tier-eligible", Value: func(im ec2.Image) string { return strconv.FormatBool(im.FreeTierEligible) }},
		{Name: "hypervisor", Value: func(im ec2.Image) string { return im.Hypervisor }},
		// Every image is allowed while Allowed AMIs is disabled.
		{Name: "image-allowed", Value: func(im ec2.Image) string { return strconv.FormatBool(im.ImageAllowed == nil || *im.ImageAllowed) }},
		{Name: "image-id", Value: func(im ec2.Image) string { return im.ImageId }},
		{Name: "image-type", Value: func(im ec2.Image) string { return im.ImageType }},
		{Name: "image-watermark.source-image-creation-time", Values: watermarks(func(w ec2.ImageWatermark) string { return timeOf(w.SourceImageCreationTime) })},
		{Name: "image-watermark.source-image-id", Values: watermarks(func(w ec2.ImageWatermark) string { return w.SourceImageId })},
		{Name: "image-watermark.source-image-region", Values: watermarks(func(w ec2.ImageWatermark) string { return w.SourceImageRegion })},
		{Name: "image-watermark.watermark-creation-time", Values: watermarks(func(w ec2.ImageWatermark) string { return timeOf(w.WatermarkCreationTime) })},
		{Name: "image-watermark.watermark-key", Values: watermarks(func(w ec2.ImageWatermark) string { return w.WatermarkKey })},
		{Name: "instance-type-specification.supported-instance-type", Values: imageTypes(func(s *ec2.InstanceTypeSpecification) []ec2.InstanceTypeItem { return s.SupportedInstanceTypes })},
		{Name: "instance-type-specification.unsupported-instance-type", Values: imageTypes(func(s *ec2.InstanceTypeSpecification) []ec2.InstanceTypeItem { return s.UnsupportedInstanceTypes })},
		{Name: "is-public", Value: func(im ec2.Image) string { return strconv.FormatBool(im.Public) }},
		{Name: "kernel-id", Values: none},
		{Name: "manifest-location", Value: func(im ec2.Image) string { return im.ImageLocation }},
		{Name: "owner-alias", Values: func(im ec2.Image) []string { return describe.Optional(im.ImageOwnerAlias) }},
		{Name: "owner-id", Value: func(im ec2.Image) string { return im.OwnerId }},
		// EC2 sets Platform only for Windows.
		{Name: "platform", Values: none},
		{Name: "platform-details", Value: func(im ec2.Image) string { return im.PlatformDetails }},
		{Name: "product-code", Values: none},
		{Name: "product-code.type", Values: none},
		{Name: "public-ssm-parameter-name", Values: none},
		{Name: "ramdisk-id", Values: none},
		{Name: "root-device-name", Value: func(im ec2.Image) string { return im.RootDeviceName }},
		{Name: "root-device-type", Value: func(im ec2.Image) string { return im.RootDeviceType }},
		{Name: "scan-result.critical-fix-available-since", Values: none},
		{Name: "scan-result.finding-scan-date", Values: none},
		{Name: "scan-result.high-fix-available-since", Values: none},
		{Name: "scan-result.highest-finding-severity-label", Values: none},
		{Name: "scan-result.informational-fix-available-since", Values: none},
		{Name: "scan-result.low-fix-available-since", Values: none},
		{Name: "scan-result.medium-fix-available-since", Values: none},
		{Name: "source-image-id", Values: func(im ec2.Image) []string { return describe.Optional(im.SourceImageId) }},
		{Name: "source-image-region", Values: func(im ec2.Image) []string { return describe.Optional(im.SourceImageRegion) }},
		{Name: "source-instance-id", Values: func(im ec2.Image) []string { return describe.Optional(im.SourceInstanceId) }},
		{Name: "sriov-net-support", Value: func(im ec2.Image) string { return im.SriovNetSupport }},
		{Name: "state", Value: func(im ec2.Image) string { return im.State }},
		{Name: "state-reason-code", Values: none},
		{Name: "state-reason-message", Values: none},
		{Name: "usage-operation", Value: func(im ec2.Image) string { return im.UsageOperation }},
		{Name: "virtualization-type", Value: func(im ec2.Image) string { return im.VirtualizationType }},
	},
	Tags: func(im ec2.Image) []ec2.Tag { return im.Tags },
	Key:  func(k *describe.Key, im ec2.Image) { k.Str(im.Alias); k.Str(im.ImageId) },
	// EC2's bounds for DescribeImages, which refuses ImageIds with MaxResults.
	Paging: describe.Paging{Min: 1, Max: 1000, IDsParam: "ImageIds"},
}

// watermarks reads a field of each of an image's watermarks.
func watermarks(read func(ec2.ImageWatermark) string) func(ec2.Image) []string {
	return func(im ec2.Image) []string {
		var out []string
		for _, w := range im.ImageWatermarks {
			if v := read(w); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
}

// imageTypes reads one list of an image's instance type specification.
func imageTypes(list func(*ec2.InstanceTypeSpecification) []ec2.InstanceTypeItem) func(ec2.Image) []string {
	return func(im ec2.Image) []string {
		if im.InstanceTypeSpecification == nil {
			return nil
		}
		var out []string
		for _, t := range list(im.InstanceTypeSpecification) {
			out = append(out, t.InstanceType)
		}
		return out
	}
}

// timeOf is a time as filters compare it (RFC 3339), or "".
func timeOf(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// none is a filter field no image has a value for.
func none(ec2.Image) []string { return nil }

// ebsField reads a field of each EBS mapping of an image.
func ebsField(read func(dev string, e *ec2.EbsBlockDevice) string) func(ec2.Image) []string {
	return func(im ec2.Image) []string {
		var out []string
		for _, m := range im.BlockDeviceMappings {
			if m.Ebs != nil {
				out = append(out, read(m.DeviceName, m.Ebs))
			}
		}
		return out
	}
}
