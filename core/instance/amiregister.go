package instance

import (
	"context"
	"slices"

	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// architectures are the values RegisterImage's Architecture takes.
var architectures = []string{"i386", "x86_64", "arm64", "x86_64_mac", "arm64_mac"}

// checkRegister applies RegisterImage's rules that need no state.
func checkRegister(in *ec2.RegisterImageInput) error {
	if err := checkAMIName(in.Name); err != nil {
		return err
	}
	switch {
	case in.ImageLocation != "":
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Instance store-backed images (ImageLocation %s) are not supported: register an EBS snapshot as the root device.", in.ImageLocation)
	case in.KernelId != "":
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid kernel id %s: ec2x boots an image's own kernel; register a snapshot of a volume that has one.", in.KernelId)
	case in.RamdiskId != "":
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid ramdisk id %s: ec2x boots an image's own initrd.", in.RamdiskId)
	case len(in.BillingProducts) > 0:
		return ec2.Errorf(ec2.CodeOperationNotPermitted, "Only AWS Marketplace sellers may set BillingProducts.")
	case in.Architecture != "" && !slices.Contains(architectures, in.Architecture):
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for Architecture.", in.Architecture)
	case in.VirtualizationType != "" && in.VirtualizationType != "hvm" && in.VirtualizationType != "paravirtual":
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for VirtualizationType: hvm or paravirtual.", in.VirtualizationType)
	case in.VirtualizationType == "paravirtual":
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Paravirtual images need a Xen kernel (aki-); ec2x runs hvm images only.")
	case in.BootMode != "" && !slices.Contains([]string{"legacy-bios", "uefi", "uefi-preferred"}, in.BootMode):
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for BootMode.", in.BootMode)
	case in.TpmSupport != "" && in.TpmSupport != "v2.0", in.ImdsSupport != "" && in.ImdsSupport != "v2.0":
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "TpmSupport and ImdsSupport take v2.0.")
	case in.SriovNetSupport != "" && in.SriovNetSupport != "simple":
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for SriovNetSupport: simple.", in.SriovNetSupport)
	}
	return nil
}

// RegisterImage makes an image whose root device is a snapshot (named
// in the mapping of RootDeviceName); other mappings add snapshots, empty
// volumes or instance stores. The image boots as the snapshot's volume
// did. It is pending until its snapshots are completed.
func (s *Service) RegisterImage(ctx context.Context, region string, in *ec2.RegisterImageInput) (*ec2.ImageIdOutput, error) {
	if err := checkRegister(in); err != nil {
		return nil, err
	}
	imgTags, snapTags, err := imageSpecTags(in.TagSpecifications)
	if err != nil {
		return nil, err
	}
	if len(snapTags) > 0 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "RegisterImage makes no snapshots to tag.")
	}
	root := in.RootDeviceName
	if root == "" {
		root = "/dev/sda1"
	}
	var out *ec2.ImageIdOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		if err := uniqueName(tx, in.Name); err != nil {
			return err
		}
		a := &catalog.AMI{ImageId: tx.Region().NewID("ami"), Name: in.Name, Description: in.Description, Arch: or(in.Architecture, "x86_64"),
			RootDeviceName: root, Created: s.clk.Now().UTC(), EnaSupport: in.EnaSupport != nil && *in.EnaSupport,
			SriovNetSupport: in.SriovNetSupport, BootMode: in.BootMode, TpmSupport: in.TpmSupport, ImdsSupport: in.ImdsSupport, UefiData: in.UefiData}
		seen := map[string]bool{}
		for _, m := range in.BlockDeviceMappings {
			if m.DeviceName == "" || !deviceRe.MatchString(m.DeviceName) {
				return ec2.Errorf(ec2.CodeInvalidBlockDeviceMapping, "Invalid device name %s", m.DeviceName)
			}
			if seen[m.DeviceName] {
				return ec2.Errorf(ec2.CodeInvalidBlockDeviceMapping, "The device '%s' is used in more than one block-device mapping", m.DeviceName)
			}
			seen[m.DeviceName] = true
			if m.Ebs == nil {
				if m.DeviceName == root {
					return ec2.Errorf(ec2.CodeInvalidBlockDeviceMapping, "The root device %s must be an EBS snapshot.", root)
				}
				a.Mappings = append(a.Mappings, m)
				continue
			}
			e, sn, err := registeredDevice(tx, m)
			if err != nil {
				return err
			}
			if m.DeviceName == root {
				if sn == nil {
					return ec2.Errorf(ec2.CodeInvalidBlockDeviceMapping, "The root device %s must name a snapshot.", root)
				}
				a.Base, a.Disk = sn.Boot, s.imageDisk(tx, sn.SnapshotId)
			}
			if sn != nil && !sn.Done {
				a.Pending = append(a.Pending, sn.SnapshotId)
			}
			m.Ebs = e
			a.Mappings = append(a.Mappings, m)
		}
		if !seen[root] {
			return ec2.Errorf(ec2.CodeInvalidBlockDeviceMapping, "The root device %s has no block device mapping with a snapshot.", root)
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		catalog.PutAMI(tx, a)
		catalog.SetImageTags(tx, a.ImageId, imgTags)
		out = &ec2.ImageIdOutput{ImageId: a.ImageId}
		return nil
	})
	return out, err
}

// registeredDevice checks one EBS mapping of RegisterImage: its snapshot
// (if any) exists, the size holds it, the type's rules hold.
func registeredDevice(rd state.Reader, m ec2.BlockDeviceMapping) (*ec2.EbsBlockDevice, *Snapshot, error) {
	e := *m.Ebs
	var sn *Snapshot
	if e.SnapshotId != "" {
		var err error
		if sn, err = findSnapshot(rd, e.SnapshotId); err != nil {
			return nil, nil, err
		}
		if e.VolumeSize == 0 {
			e.VolumeSize = sn.Size
		}
		if e.VolumeSize < sn.Size {
			return nil, nil, ec2.Errorf(ec2.CodeInvalidBlockDeviceMapping, "Volume of size %dGB is smaller than snapshot '%s', expect size >= %dGB", e.VolumeSize, sn.SnapshotId, sn.Size)
		}
		enc := sn.Encrypted
		e.Encrypted = &enc
	}
	if e.VolumeSize == 0 {
		return nil, nil, ec2.Errorf(ec2.CodeInvalidBlockDeviceMapping, "The device %s needs a volume size or a snapshot.", m.DeviceName)
	}
	e.VolumeType = or(e.VolumeType, "gp2")
	if err := checkSize(e.VolumeType, e.VolumeSize); err != nil {
		return nil, nil, err
	}
	if err := checkVolume(RootVolume{Type: e.VolumeType, Iops: e.Iops, Throughput: e.Throughput}, e.VolumeSize, false); err != nil {
		return nil, nil, err
	}
	if e.DeleteOnTermination == nil {
		t := true
		e.DeleteOnTermination = &t
	}
	return &e, sn, nil
}

// CopyImage copies an image (the account's, or a configured one) from a
// region into the one the request is sent to: a new image ID, and a copy
// of each of its snapshots there. The copy is pending until they are.
func (s *Service) CopyImage(ctx context.Context, region string, in *ec2.CopyImageInput) (*ec2.ImageIdOutput, error) {
	if err := checkAMIName(in.Name); err != nil {
		return nil, err
	}
	imgTags, snapTags, err := imageSpecTags(in.TagSpecifications)
	if err != nil {
		return nil, err
	}
	switch {
	case in.SourceRegion == "":
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter SourceRegion")
	case in.SourceImageId == "":
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter SourceImageId")
	case !ec2.ValidID("ami", in.SourceImageId):
		return nil, ec2.MalformedID(ec2.CodeInvalidAMIIDMalformed, "ami", in.SourceImageId)
	case in.DestinationOutpostArn != "":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid DestinationOutpostArn %s: there are no Outposts here.", in.DestinationOutpostArn)
	case in.DestinationAvailabilityZone != "" || in.DestinationAvailabilityZoneId != "":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Local snapshots are for Local Zones and Outposts; there are none here.")
	case in.KmsKeyId != "" && (in.Encrypted == nil || !*in.Encrypted):
		return nil, ec2.Errorf(ec2.CodeInvalidParameterDependency, "The parameter KmsKeyId requires the parameter Encrypted to be set.")
	case len(in.ClientToken) > 64:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The client token must be at most 64 ASCII characters.")
	}
	src, srcSnaps, srcTags, err := s.sourceImage(in.SourceRegion, in.SourceImageId)
	if err != nil {
		return nil, err
	}
	if in.CopyImageTags {
		imgTags = append(slices.Clone(srcTags), imgTags...)
	}
	var out *ec2.ImageIdOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		if in.ClientToken != "" {
			var done *catalog.AMI
			state.Each(tx, catalog.AMIs, func(a *catalog.AMI) bool {
				if a.ClientToken == in.ClientToken {
					done = a
				}
				return done == nil
			})
			if done != nil {
				out = &ec2.ImageIdOutput{ImageId: done.ImageId}
				return dryRun(in.DryRun)
			}
		}
		if err := uniqueName(tx, in.Name); err != nil {
			return err
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		a := src
		a.ImageId, a.Name, a.Created, a.ClientToken = tx.Region().NewID("ami"), in.Name, s.clk.Now().UTC(), in.ClientToken
		a.SourceImageId, a.SourceRegion, a.SourceInstanceId = in.SourceImageId, in.SourceRegion, ""
		a.LaunchPermissions, a.Protected, a.Cooldown, a.Disabled, a.Pending, a.Disk = nil, false, false, false, nil, ""
		a.Deprecation = a.Deprecation.UTC()
		if in.Description != "" {
			a.Description = in.Description
		}
		a.Watermarks = inherited(&src, in.SourceRegion)
		a.Mappings = slices.Clone(src.Mappings)
		for i, m := range a.Mappings {
			if m.Ebs == nil || m.Ebs.SnapshotId == "" {
				continue
			}
			sn := srcSnaps[m.Ebs.SnapshotId]
			enc := in.Encrypted != nil && *in.Encrypted
			c := s.copySnapshot(tx, &sn, in.SourceRegion, "Copied for DestinationAmi "+a.ImageId+" from SourceAmi "+in.SourceImageId+" for SourceSnapshot "+sn.SnapshotId,
				snapTags, enc, in.KmsKeyId)
			e := *m.Ebs
			e.SnapshotId, e.Encrypted = c.SnapshotId, &c.Encrypted
			a.Mappings[i].Ebs = &e
			a.Pending = append(a.Pending, c.SnapshotId)
			if m.DeviceName == a.RootDeviceName {
				a.Disk = s.imageDisk(tx, c.SnapshotId)
			}
		}
		catalog.PutAMI(tx, &a)
		catalog.SetImageTags(tx, a.ImageId, imgTags)
		out = &ec2.ImageIdOutput{ImageId: a.ImageId}
		return nil
	})
	return out, err
}

// sourceImage reads the image a copy is made of, in its region: the
// account's own (available, with its snapshots and tags), or a
// configured one, which becomes an image of one root snapshot.
func (s *Service) sourceImage(region, id string) (catalog.AMI, map[string]Snapshot, []ec2.Tag, error) {
	var a catalog.AMI
	snaps := map[string]Snapshot{}
	var tags []ec2.Tag
	r, err := s.rt.Region(region)
	if err != nil {
		return a, nil, nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid source region: %s", region)
	}
	err = r.View(func(r *state.Region) error {
		tags = catalog.ImageTags(r, id)
		if own := catalog.FindAMI(r, id); own != nil {
			if !own.Available() {
				return ec2.Errorf(ec2.CodeInvalidAMIIDUnavailable, "The image id '[%s]' is not available yet: it is pending", id)
			}
			a = *own
			for _, sid := range own.Snapshots() {
				sn, err := completedSnapshot(r, sid, s.clk.Now())
				if err != nil {
					return err
				}
				snaps[sid] = *sn
			}
			return nil
		}
		name := s.cat.ConfiguredImage(region, id)
		if name == "" {
			return ec2.Errorf(ec2.CodeInvalidAMIIDNotFound, "The image id '[%s]' does not exist", id)
		}
		img := s.cfg.Images[name]
		// A configured image has no snapshot of its own: the copy's root
		// snapshot holds what the image boots.
		t, size := true, img.RootDeviceGiB
		sn := Snapshot{SnapshotId: "snap-" + id[len("ami-"):], VolumeId: "vol-ffffffff", Size: size, Boot: name, Done: true}
		snaps[sn.SnapshotId] = sn
		a = catalog.AMI{Name: img.AmiName, Description: img.Description, Arch: img.Arch, Base: name, RootDeviceName: rootDevice,
			Mappings:   []ec2.BlockDeviceMapping{{DeviceName: rootDevice, Ebs: &ec2.EbsBlockDevice{SnapshotId: sn.SnapshotId, VolumeSize: size, VolumeType: "gp3", DeleteOnTermination: &t}}},
			EnaSupport: true, SriovNetSupport: "simple", BootMode: "uefi-preferred"}
		return nil
	})
	return a, snaps, tags, err
}
