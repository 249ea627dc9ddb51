package catalog

import (
	"slices"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// AMI is an image the account made (CreateImage, RegisterImage,
// CopyImage), kept in the region's state beside the configuration's
// images. Its root device is a snapshot; it boots the way its Base (a
// configured image) does: that image's kernel and initrd, with the
// snapshot's data as its disk. Copy on write.
type AMI struct {
	ImageId     string `json:"ImageId"`
	Name        string `json:"Name"`
	Description string `json:"Description,omitempty"`
	Arch        string `json:"Architecture"`
	// Base is the configured image it boots like ("" none: its disk boots).
	Base           string                   `json:"Base,omitempty"`
	RootDeviceName string                   `json:"RootDeviceName"`
	Mappings       []ec2.BlockDeviceMapping `json:"BlockDeviceMappings"`
	Created        time.Time                `json:"CreationDate"`
	// Pending are the snapshots still being taken: the image is pending
	// until they complete.
	Pending []string `json:"Pending,omitempty"`
	// Disk is the root snapshot's data on drivers with real disks.
	Disk              string                 `json:"Disk,omitempty"`
	LaunchPermissions []ec2.LaunchPermission `json:"LaunchPermissions,omitempty"`
	SourceInstanceId  string                 `json:"SourceInstanceId,omitempty"`
	SourceImageId     string                 `json:"SourceImageId,omitempty"`
	SourceRegion      string                 `json:"SourceRegion,omitempty"`
	EnaSupport        bool                   `json:"EnaSupport,omitempty"`
	SriovNetSupport   string                 `json:"SriovNetSupport,omitempty"`
	BootMode          string                 `json:"BootMode,omitempty"`
	TpmSupport        string                 `json:"TpmSupport,omitempty"`
	ImdsSupport       string                 `json:"ImdsSupport,omitempty"`
	UefiData          string                 `json:"UefiData,omitempty"`
	ClientToken       string                 `json:"ClientToken,omitempty"`
	// Deprecation is when the image is deprecated (zero: never).
	Deprecation time.Time `json:"Deprecation,omitempty"`
	// Protected is deregistration protection; Cooldown keeps it for 24
	// hours after it is disabled.
	Protected bool      `json:"Protected,omitempty"`
	Cooldown  bool      `json:"Cooldown,omitempty"`
	Unprotect time.Time `json:"Unprotect,omitempty"`
	// Disabled images are hidden from other accounts and cannot launch.
	Disabled     bool      `json:"Disabled,omitempty"`
	LastLaunched time.Time `json:"LastLaunched,omitempty"`
	// Watermarks are the image's own and those of the images it was made of.
	Watermarks []ec2.ImageWatermark `json:"Watermarks,omitempty"`
	// Supported and Unsupported are the instance types it may (or may
	// not) run on; none: any.
	Supported   []string `json:"Supported,omitempty"`
	Unsupported []string `json:"Unsupported,omitempty"`
}

// AMIs is the table of the account's images: ami/<region>/<ami-id>.
var AMIs = state.Table[AMI]{Kind: "ami", ID: func(a *AMI) string { return a.ImageId }}

// Available reports whether the image's snapshots are all taken.
func (a *AMI) Available() bool { return len(a.Pending) == 0 }

// Snapshots are the snapshots of the image's block device mappings.
func (a *AMI) Snapshots() []string {
	var out []string
	for _, m := range a.Mappings {
		if m.Ebs != nil && m.Ebs.SnapshotId != "" {
			out = append(out, m.Ebs.SnapshotId)
		}
	}
	return out
}

// RootSize is the size of the image's root volume in GiB.
func (a *AMI) RootSize() int {
	for _, m := range a.Mappings {
		if m.DeviceName == a.RootDeviceName && m.Ebs != nil {
			return m.Ebs.VolumeSize
		}
	}
	return 0
}

// ImageUsing is the registered image that uses snapshot id, or "".
func ImageUsing(rd state.Reader, id string) string {
	using := ""
	state.Each(rd, AMIs, func(a *AMI) bool {
		if slices.Contains(a.Snapshots(), id) {
			using = a.ImageId
		}
		return using == ""
	})
	return using
}

// config is the image as the drivers and the launch read it: its base's
// boot files and user, its own name, size and disk.
func (c *Catalog) config(rd state.Reader, a *AMI) *configs.Image {
	img := &configs.Image{User: "ec2-user", Platform: "Linux/UNIX"}
	if base := c.cfg.Images[a.Base]; base != nil {
		b := *base
		img = &b
	}
	img.Description, img.AmiName, img.Arch, img.RootDeviceGiB = a.Description, a.Name, a.Arch, a.RootSize()
	img.IDs = map[string]string{rd.Region().Name: a.ImageId}
	img.Created = a.Created.UTC().Format("2006-01-02T15:04:05.000Z")
	if a.Disk != "" {
		img.Disk = a.Disk
	}
	return img
}

// amiView is one of the account's images as DescribeImages shows it.
func (c *Catalog) amiView(rd state.Reader, a *AMI) ec2.Image {
	im := c.imageView(a.Name, c.config(rd, a), a.ImageId)
	im.OwnerId, im.ImageOwnerAlias, im.ImageLocation = ec2.OwnerID, "", ec2.OwnerID+"/"+a.Name
	im.Alias, im.FreeTierEligible = "", false
	for _, p := range a.LaunchPermissions {
		if p.Group == "all" {
			im.Public = true
		} else if p.UserId != "" {
			im.SharedWith = append(im.SharedWith, p.UserId)
		}
	}
	im.RootDeviceName, im.BlockDeviceMappings = a.RootDeviceName, a.Mappings
	im.EnaSupport, im.SriovNetSupport, im.BootMode = a.EnaSupport, a.SriovNetSupport, a.BootMode
	im.TpmSupport, im.ImdsSupport = a.TpmSupport, a.ImdsSupport
	im.SourceInstanceId, im.SourceImageId, im.SourceImageRegion = a.SourceInstanceId, a.SourceImageId, a.SourceRegion
	im.State = "available"
	switch {
	case !a.Available():
		im.State = "pending"
	case a.Disabled:
		im.State = "disabled"
	}
	if !a.Deprecation.IsZero() {
		im.DeprecationTime = a.Deprecation.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	im.DeregistrationProtection = a.Protection()
	if !a.LastLaunched.IsZero() {
		im.LastLaunchedTime = a.LastLaunched.UTC().Format("2006-01-02T15:04:05Z")
	}
	im.ImageWatermarks = a.Watermarks
	if len(a.Supported)+len(a.Unsupported) > 0 {
		spec := &ec2.InstanceTypeSpecification{}
		for _, t := range a.Supported {
			spec.SupportedInstanceTypes = append(spec.SupportedInstanceTypes, ec2.InstanceTypeItem{InstanceType: t})
		}
		for _, t := range a.Unsupported {
			spec.UnsupportedInstanceTypes = append(spec.UnsupportedInstanceTypes, ec2.InstanceTypeItem{InstanceType: t})
		}
		im.InstanceTypeSpecification = spec
	}
	return im
}

// Protection is the image's deregistration protection as EC2 names it.
func (a *AMI) Protection() string {
	switch {
	case a.Protected && a.Cooldown:
		return "enabled-with-cooldown"
	case a.Protected:
		return "enabled"
	}
	return "disabled"
}

// RunsOn reports whether the image may run on an instance type.
func (a *AMI) RunsOn(typ string) bool {
	return (len(a.Supported) == 0 || slices.Contains(a.Supported, typ)) && !slices.Contains(a.Unsupported, typ)
}

// FindAMI is the account's image id names in rd's region, or nil.
func FindAMI(rd state.Reader, id string) *AMI { return state.Get(rd, AMIs, id) }

// PutAMI writes a version of one of the account's images.
func PutAMI(tx *state.Tx, a *AMI) { state.Put(tx, AMIs, a) }

// DropAMI deletes one of the account's images and its tags.
func DropAMI(tx *state.Tx, id string) {
	state.Delete(tx, AMIs, id)
	if state.Get(tx, imageTags, id) != nil {
		state.Delete(tx, imageTags, id)
	}
}

// ImageTags are the account's tags on an image.
func ImageTags(rd state.Reader, id string) []ec2.Tag { return tagging.BesideOf(rd, imageTags, id) }

// SetImageTags gives an image the account's tags.
func SetImageTags(tx *state.Tx, id string, tags []ec2.Tag) {
	if len(tags) > 0 {
		state.Put(tx, imageTags, &tagging.Beside{ResourceId: id, Tags: tags})
	}
}
