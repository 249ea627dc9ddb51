package instance

import (
	"context"
	"slices"
	"time"

	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// The account's images (AMIs): CreateImage snapshots an instance's
// volumes, RegisterImage names a snapshot as a root device, CopyImage
// copies an image and its snapshots into another region. The records are
// the catalogue's (catalog.AMIs), which describes and resolves them; this
// family makes and unmakes them because their snapshots are its own.

// checkAMIName applies EC2's rules for an image name: 3 to 128 of
// letters, digits and ()[] ./-'@_ characters.
func checkAMIName(name string) error {
	if name == "" {
		return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter Name")
	}
	ok := len(name) >= 3 && len(name) <= 128
	for _, c := range name {
		if !ok {
			break
		}
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || slices.Contains([]rune("()[] ./-'@_"), c)
	}
	if !ok {
		return ec2.Errorf(ec2.CodeInvalidAMINameMalformed, "AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/', '_', '[', ']', ' ', '@' and '''.")
	}
	return nil
}

// uniqueName refuses a name another of the account's images in the
// region has.
func uniqueName(rd state.Reader, name string) error {
	var dup string
	state.Each(rd, catalog.AMIs, func(a *catalog.AMI) bool {
		if a.Name == name {
			dup = a.ImageId
		}
		return dup == ""
	})
	if dup != "" {
		return ec2.Errorf(ec2.CodeInvalidAMINameDuplicate, "AMI name %s is already in use by AMI %s", name, dup)
	}
	return nil
}

// imageSpecTags splits an image request's TagSpecifications: those for
// the image and those for its snapshots.
func imageSpecTags(specs []ec2.TagSpecification) (image, snaps []ec2.Tag, err error) {
	var is, ss []ec2.TagSpecification
	for _, t := range specs {
		switch t.ResourceType {
		case "image":
			is = append(is, t)
		case "snapshot":
			ss = append(ss, t)
		default:
			return nil, nil, tagging.NotTaggableHere(t.ResourceType)
		}
	}
	if image, err = tagging.FromSpecs(is, "image"); err == nil {
		snaps, err = tagging.FromSpecs(ss, "snapshot")
	}
	return image, snaps, err
}

// baseOf is the configured image an instance boots like: its own image,
// or the one the account's image it was launched from boots like.
func (s *Service) baseOf(rd state.Reader, r *Record) string {
	if name := s.cat.ConfiguredImage(rd.Region().Name, r.ImageId); name != "" {
		return name
	}
	if a := catalog.FindAMI(rd, r.ImageId); a != nil {
		return a.Base
	}
	return ""
}

// CreateImage makes an image of an instance: a snapshot of each of its
// volumes (but those NoDevice leaves out), the root's as the root
// device. Unless NoReboot, a running instance is rebooted so that its
// file systems are consistent, as EC2 does.
func (s *Service) CreateImage(ctx context.Context, region string, in *ec2.CreateImageInput) (*ec2.ImageIdOutput, error) {
	if err := checkAMIName(in.Name); err != nil {
		return nil, err
	}
	if len(in.Description) > 255 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The description must be at most 255 characters.")
	}
	if in.BootModeOverride != "" && in.BootModeOverride != "legacy-bios" && in.BootModeOverride != "uefi" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for BootModeOverride: legacy-bios or uefi.", in.BootModeOverride)
	}
	if in.SnapshotLocation != "" && in.SnapshotLocation != "regional" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Local snapshots are for Local Zones and Outposts; there are none here.")
	}
	imgTags, snapTags, err := imageSpecTags(in.TagSpecifications)
	if err != nil {
		return nil, err
	}
	var out *ec2.ImageIdOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		r, err := s.one(tx, in.InstanceId)
		if err != nil {
			return err
		}
		if r.State.Name != ec2.StateRunning && r.State.Name != ec2.StateStopped {
			return ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is not in a state from which it can be imaged: it is %s.", r.InstanceId, r.State.Name)
		}
		if err := uniqueName(tx, in.Name); err != nil {
			return err
		}
		maps, err := imageMappings(tx, r, in.BlockDeviceMappings, s.clk.Now())
		if err != nil {
			return err
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		now := s.clk.Now().UTC()
		a := &catalog.AMI{ImageId: tx.Region().NewID("ami"), Name: in.Name, Description: in.Description, Arch: r.Architecture,
			Base: s.baseOf(tx, r), RootDeviceName: rootDevice, Created: now, SourceInstanceId: r.InstanceId,
			EnaSupport: true, SriovNetSupport: "simple", BootMode: or(in.BootModeOverride, "uefi-preferred"),
			SourceImageId: r.ImageId, SourceRegion: region}
		if src := catalog.FindAMI(tx, r.ImageId); src != nil {
			a.Watermarks = inherited(src, region)
		}
		for _, d := range maps {
			m := d.BlockDeviceMapping
			if d.volume != "" {
				v, err := s.volumeRecord(tx, d.volume)
				if err != nil {
					return err
				}
				desc := "Created by CreateImage(" + r.InstanceId + ") for " + a.ImageId
				sn := s.newSnapshot(tx, v, desc, snapTags, now)
				e := *m.Ebs
				e.KmsKeyId, e.SnapshotId, e.VolumeSize = v.KmsKeyId, sn.SnapshotId, v.Size
				e.Encrypted = &v.Encrypted
				if e.VolumeType == "" {
					e.VolumeType = v.Type
				}
				m.Ebs = &e
				a.Pending = append(a.Pending, sn.SnapshotId)
				if m.DeviceName == rootDevice {
					a.Disk = s.imageDisk(tx, sn.SnapshotId)
				}
			}
			a.Mappings = append(a.Mappings, m)
		}
		catalog.PutAMI(tx, a)
		catalog.SetImageTags(tx, a.ImageId, imgTags)
		if !in.NoReboot && r.State.Name == ec2.StateRunning {
			s.rebootedByUser(tx, r, now)
			d, id := s.driverOf(r.Placement.HostId), r.InstanceId
			s.after(tx, func(ctx context.Context) error { return d.Reboot(ctx, id) })
		}
		out = &ec2.ImageIdOutput{ImageId: a.ImageId}
		return nil
	})
	return out, err
}

// imageDevice is one block device mapping of an image being made, with
// the instance's volume it snapshots ("" for a new empty volume or an
// instance store).
type imageDevice struct {
	ec2.BlockDeviceMapping
	volume string
}

// imageMappings are the block device mappings of an image of r: each of
// its volumes, with the request's changes: NoDevice leaves one out, Ebs
// settings change one or add an empty volume, VirtualName adds an
// instance store.
func imageMappings(rd state.Reader, r *Record, req []ec2.BlockDeviceMapping, now time.Time) ([]imageDevice, error) {
	var out []imageDevice
	byDev := map[string]ec2.BlockDeviceMapping{}
	for _, m := range req {
		if m.DeviceName == "" || !deviceRe.MatchString(m.DeviceName) {
			return nil, ec2.Errorf(ec2.CodeInvalidBlockDeviceMapping, "Invalid device name %s", m.DeviceName)
		}
		byDev[m.DeviceName] = m
	}
	for _, d := range devices(r) {
		m, changed := byDev[d.DeviceName]
		delete(byDev, d.DeviceName)
		if changed && m.NoDevice != nil {
			if d.DeviceName == rootDevice {
				return nil, ec2.Errorf(ec2.CodeInvalidBlockDeviceMapping, "The root device %s cannot be left out of an image.", rootDevice)
			}
			continue
		}
		del := d.Ebs.DeleteOnTermination
		e := ec2.EbsBlockDevice{DeleteOnTermination: &del}
		if changed && m.Ebs != nil {
			if m.Ebs.SnapshotId != "" {
				return nil, ec2.Errorf(ec2.CodeInvalidBlockDeviceMapping, "The device %s is the instance's volume: its snapshot is taken, not named.", d.DeviceName)
			}
			if m.Ebs.DeleteOnTermination != nil {
				e.DeleteOnTermination = m.Ebs.DeleteOnTermination
			}
			e.VolumeType, e.Iops, e.Throughput = m.Ebs.VolumeType, m.Ebs.Iops, m.Ebs.Throughput
		}
		out = append(out, imageDevice{ec2.BlockDeviceMapping{DeviceName: d.DeviceName, Ebs: &e}, d.Ebs.VolumeId})
	}
	for _, m := range req {
		if _, extra := byDev[m.DeviceName]; !extra || m.NoDevice != nil {
			continue
		}
		if m.Ebs != nil {
			d, err := planDisk(rd, m.DeviceName, m.Ebs, now)
			if err != nil {
				return nil, err
			}
			e := *m.Ebs
			e.VolumeType = d.vol.Type
			e.DeleteOnTermination = &d.deleteOnTerm
			m.Ebs = &e
		}
		out = append(out, imageDevice{BlockDeviceMapping: m})
	}
	return out, nil
}

// imageDevices are a launch's block device mappings: the image's other
// than its root (an image the account made has its data volumes'
// snapshots there), each replaced by the request's for the same device,
// then the request's others.
func imageDevices(rd state.Reader, ami string, req []ec2.BlockDeviceMapping) []ec2.BlockDeviceMapping {
	a := catalog.FindAMI(rd, ami)
	if a == nil {
		return req
	}
	var out []ec2.BlockDeviceMapping
	for _, m := range a.Mappings {
		if m.DeviceName == a.RootDeviceName || slices.ContainsFunc(req, func(r ec2.BlockDeviceMapping) bool { return r.DeviceName == m.DeviceName }) {
			continue
		}
		out = append(out, m)
	}
	return append(out, req...)
}

// snapshotsDone is called when snapshots complete: the images waiting
// for them are available once they have all.
func snapshotsDone(tx *state.Tx, ids ...string) {
	var waiting []*catalog.AMI
	state.Each(tx, catalog.AMIs, func(a *catalog.AMI) bool {
		if slices.ContainsFunc(a.Pending, func(p string) bool { return slices.Contains(ids, p) }) {
			waiting = append(waiting, a)
		}
		return true
	})
	for _, a := range waiting {
		n := *a
		n.Pending = slices.DeleteFunc(slices.Clone(a.Pending), func(p string) bool { return slices.Contains(ids, p) })
		if len(n.Pending) == 0 {
			n.Pending = nil
		}
		catalog.PutAMI(tx, &n)
	}
}

// deregister deletes an image; with deleteSnaps, its snapshots too
// (those no other image uses), saying for each what became of it.
func deregister(tx *state.Tx, a *catalog.AMI, deleteSnaps bool, now time.Time) []ec2.DeleteSnapshotReturnCode {
	catalog.DropAMI(tx, a.ImageId)
	if !deleteSnaps {
		return nil
	}
	out := []ec2.DeleteSnapshotReturnCode{}
	for _, id := range a.Snapshots() {
		code := "success"
		sn := state.Get(tx, Snapshots, id)
		switch {
		case sn == nil || sn.Lock.held(now):
			code = "client-error"
		case catalog.ImageUsing(tx, id) != "":
			code = "skipped" // another image uses it
		default:
			dropSnapshot(tx, id, now)
		}
		out = append(out, ec2.DeleteSnapshotReturnCode{SnapshotId: id, ReturnCode: code})
	}
	return out
}

// ownImage is one of the account's images for a change, or EC2's error:
// the configured images are Amazon's, and the account cannot change them.
func (s *Service) ownImage(rd state.Reader, id string) (*catalog.AMI, error) {
	if !ec2.ValidID("ami", id) {
		return nil, ec2.MalformedID(ec2.CodeInvalidAMIIDMalformed, "ami", id)
	}
	if a := catalog.FindAMI(rd, id); a != nil {
		return a, nil
	}
	if name := s.cat.ConfiguredImage(rd.Region().Name, id); name != "" {
		if s.cfg.BuiltinImage(name) {
			return nil, ec2.Errorf(ec2.CodeAuthFailure, "Not authorized for image:%s", id)
		}
		return nil, ec2.Errorf(ec2.CodeUnsupported, "The image %s is the configuration's (ec2x images import); change it there.", id)
	}
	return nil, ec2.Errorf(ec2.CodeInvalidAMIIDNotFound, "The image id '[%s]' does not exist", id)
}

// DeregisterImage deletes one of the account's images; its snapshots
// stay unless DeleteAssociatedSnapshots. Deregistration protection
// refuses it.
func (s *Service) DeregisterImage(ctx context.Context, region string, in *ec2.DeregisterImageInput) (*ec2.DeregisterImageOutput, error) {
	var out *ec2.DeregisterImageOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		a, err := s.ownImage(tx, in.ImageId)
		if err != nil {
			return err
		}
		now := s.clk.Now().UTC()
		if a.Protected || (a.Cooldown && now.Before(a.Unprotect)) {
			return ec2.Errorf(ec2.CodeOperationNotPermitted, "Image %s has deregistration protection enabled; disable it first.", a.ImageId)
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		out = &ec2.DeregisterImageOutput{Return: true, DeleteSnapshotResults: deregister(tx, a, in.DeleteAssociatedSnapshots, now)}
		return nil
	})
	return out, err
}
