package instance

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// attachDeviceRe is the device names AttachVolume takes: /dev/sd[b-z]
// and /dev/xvd[b-z] (with a partition number or a second letter), and
// xvd names without /dev/ as Windows gives them.
var attachDeviceRe = regexp.MustCompile(`^(/dev/sd[a-z][a-z]?|/dev/xvd[a-z][a-z]?|xvd[a-z][a-z]?)([1-9]|1[0-5])?$`)

// deviceKey is a device name as EC2 compares them: sdf and xvdf are the
// same attachment point.
func deviceKey(name string) string {
	name = strings.TrimPrefix(name, "/dev/")
	if strings.HasPrefix(name, "sd") {
		name = "xvd" + strings.TrimPrefix(name, "sd")
	}
	return strings.TrimRight(name, "0123456789")
}

// AttachVolume attaches an available volume to a running or stopped
// instance in its zone, at a device: attaching, then attached.
func (s *Service) AttachVolume(ctx context.Context, region string, in *ec2.AttachVolumeInput) (*ec2.VolumeAttachmentOutput, error) {
	switch {
	case in.Device == "":
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter device")
	case in.InstanceId == "":
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter instanceId")
	case !attachDeviceRe.MatchString(in.Device):
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter device is invalid. %s is not a valid EBS device name.", in.Device, in.Device)
	case in.EbsCardIndex != 0:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid EbsCardIndex %d: the instance has one EBS card.", in.EbsCardIndex)
	}
	var out *ec2.VolumeAttachmentOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		v, err := s.volumeRecord(tx, in.VolumeId)
		if err != nil {
			return err
		}
		recs, err := s.lookup(tx, []string{in.InstanceId})
		if err != nil {
			return err
		}
		r := recs[0]
		now := s.clk.Now().UTC()
		if r.rootID() == "" && deviceKey(in.Device) == deviceKey(rootDevice) && r.State.Name == ec2.StateStopped {
			// a stopped instance without a root volume takes one
			if err := s.canBeRoot(v, r); err != nil {
				return err
			}
			if err := dryRun(in.DryRun); err != nil {
				return err
			}
			s.setRoot(tx, r, v, nil, now)
			out = &ec2.VolumeAttachmentOutput{VolumeAttachment: ec2.VolumeAttachment{VolumeId: v.VolumeId, InstanceId: r.InstanceId,
				Device: rootDevice, State: "attached", AttachTime: now}}
			return nil
		}
		if err := s.canAttach(v, r, in.Device); err != nil {
			return err
		}
		if d := s.driverOf(r.Placement.HostId); d != nil && d.Capabilities().RealGuest && !d.Capabilities().HotPlugDisk {
			// its guest would not see the disk: say so rather than pretend
			return ec2.Errorf(ec2.CodeUnsupported, "The instance %s runs on a %s host, whose guests do not get EBS volumes as disks yet.", r.InstanceId, d.Name())
		}
		d := Disk{Device: in.Device, VolumeId: v.VolumeId, AttachTime: now, State: volAttaching, Until: now.Add(volumeAttaching)}
		nr := r.clone()
		nr.editRare().Disks = append(slices.Clone(r.RareOf().Disks), d)
		s.put(tx, nr)
		n := *v
		if n.InstanceId == "" {
			n.InstanceId = r.InstanceId
		} else {
			n.Others = append(slices.Clone(n.Others), r.InstanceId)
		}
		putVolume(tx, v, &n, now)
		s.armAfter(tx, n.VolumeId, d.Until)
		s.attachDisk(tx, nr, &n)
		out = &ec2.VolumeAttachmentOutput{VolumeAttachment: ec2.VolumeAttachment{VolumeId: v.VolumeId, InstanceId: r.InstanceId,
			Device: in.Device, State: volAttaching, AttachTime: now}}
		return dryRun(in.DryRun)
	})
	return out, err
}

// canAttach applies EC2's rules to attaching v to r at device.
func (s *Service) canAttach(v *Volume, r *Record, device string) error {
	attached := v.instances()
	switch {
	case v.State != "":
		return ec2.Errorf(ec2.CodeIncorrectState, "The volume '%s' is not 'available'; it is '%s'.", v.VolumeId, v.State)
	case slices.Contains(attached, r.InstanceId) || len(attached) > 0 && !v.MultiAttach:
		return ec2.Errorf(ec2.CodeVolumeInUse, "%s is already attached to an instance", v.VolumeId)
	case len(attached) >= maxMultiAttach:
		return ec2.Errorf(ec2.CodeAttachmentLimitExceeded, "A Multi-Attach volume can be attached to at most %d instances.", maxMultiAttach)
	case v.Zone != r.Placement.AvailabilityZone:
		return ec2.Errorf(ec2.CodeInvalidVolumeZoneMismatch, "The volume '%s' is not in the same availability zone as instance '%s'", v.VolumeId, r.InstanceId)
	case r.State.Name != ec2.StateRunning && r.State.Name != ec2.StateStopped:
		return ec2.Errorf(ec2.CodeIncorrectState, "Instance '%s' is not 'running' or 'stopped'.", r.InstanceId)
	}
	key := deviceKey(device)
	if key == deviceKey(rootDevice) {
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for unixDevice. Attachment point %s is already in use", device, device)
	}
	for _, d := range r.RareOf().Disks {
		if deviceKey(d.Device) == key {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for unixDevice. Attachment point %s is already in use", device, device)
		}
	}
	if t := s.cfg.Types[r.InstanceType]; t != nil && t.MaxEBSAttachments > 0 && len(r.RareOf().Disks)+1 >= t.MaxEBSAttachments {
		return ec2.Errorf(ec2.CodeAttachmentLimitExceeded, "%s allows %d EBS volumes, and instance %s has them.", r.InstanceType, t.MaxEBSAttachments, r.InstanceId)
	}
	return nil
}

// canBeRoot applies EC2's rules to v becoming r's root volume.
func (s *Service) canBeRoot(v *Volume, r *Record) error {
	switch {
	case v.State != "" || len(v.instances()) > 0:
		return ec2.Errorf(ec2.CodeIncorrectState, "The volume '%s' is not 'available'.", v.VolumeId)
	case v.Zone != r.Placement.AvailabilityZone:
		return ec2.Errorf(ec2.CodeInvalidVolumeZoneMismatch, "The volume '%s' is not in the same availability zone as instance '%s'", v.VolumeId, r.InstanceId)
	}
	return bootable(v.Type)
}

// setRoot makes v (nil: none) r's root volume in place of old (nil:
// none), as one change: the old one detached (available), the new one
// attached, the instance's root size following it.
func (s *Service) setRoot(tx *state.Tx, r *Record, v, old *Volume, now time.Time) {
	nr := r.clone()
	rare := nr.editRare()
	rare.Root, rare.RootAt = noRoot, now
	if old != nil {
		putVolume(tx, nil, old.detached(r.InstanceId), now)
	}
	if v != nil {
		rare.Root = v.VolumeId
		if v.VolumeId == volumeID(r.InstanceId) {
			rare.Root = "" // its own again
		}
		n := *v
		n.InstanceId = r.InstanceId
		putVolume(tx, nil, &n, now)
		nr.VolumeGiB = int32(v.Size)
	}
	s.put(tx, nr)
}

// DetachVolume detaches a volume: detaching, then available. A running
// instance keeps its root volume.
func (s *Service) DetachVolume(ctx context.Context, region string, in *ec2.DetachVolumeInput) (*ec2.VolumeAttachmentOutput, error) {
	var out *ec2.VolumeAttachmentOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		v, err := s.volumeRecord(tx, in.VolumeId)
		if err != nil {
			return err
		}
		attached := v.instances()
		iid := in.InstanceId
		switch {
		case len(attached) == 0:
			return ec2.Errorf(ec2.CodeIncorrectState, "Volume '%s' is in the 'available' state.", v.VolumeId)
		case iid != "" && !slices.Contains(attached, iid):
			return ec2.Errorf(ec2.CodeInvalidAttachmentNotFound, "The volume '%s' is not attached to instance '%s'.", v.VolumeId, iid)
		case iid == "" && len(attached) > 1:
			return ec2.Errorf(ec2.CodeInvalidParameterCombination, "The volume '%s' is attached to %d instances: give InstanceId.", v.VolumeId, len(attached))
		case iid == "":
			iid = attached[0]
		}
		r := get(tx, iid)
		if r == nil {
			return ec2.Errorf(ec2.CodeInvalidAttachmentNotFound, "The volume '%s' is not attached to instance '%s'.", v.VolumeId, iid)
		}
		if v.VolumeId == r.rootID() {
			if r.State.Name != ec2.StateStopped {
				return ec2.Errorf(ec2.CodeOperationNotPermitted, "Unable to detach root volume '%s' from instance '%s'", v.VolumeId, iid)
			}
			if d := s.driverOf(r.Placement.HostId); d != nil && d.Capabilities().RealGuest {
				return ec2.Errorf(ec2.CodeUnsupported, "Detaching the root volume of an instance on the %s driver is not supported yet: its guest boots the disk it was created with.", d.Name())
			}
			if err := dryRun(in.DryRun); err != nil {
				return err
			}
			now := s.clk.Now().UTC()
			s.setRoot(tx, r, nil, v, now)
			out = &ec2.VolumeAttachmentOutput{VolumeAttachment: ec2.VolumeAttachment{VolumeId: v.VolumeId, InstanceId: iid,
				Device: rootDevice, State: "detached", AttachTime: r.rootAttached(), DeleteOnTermination: !r.Attr().KeepRootOnTerm}}
			return nil
		}
		k := slices.IndexFunc(r.RareOf().Disks, func(d Disk) bool { return d.VolumeId == v.VolumeId })
		if k < 0 {
			return ec2.Errorf(ec2.CodeInvalidAttachmentNotFound, "The volume '%s' is not attached to instance '%s'.", v.VolumeId, iid)
		}
		d := r.RareOf().Disks[k]
		switch {
		case in.Device != "" && deviceKey(in.Device) != deviceKey(d.Device):
			return ec2.Errorf(ec2.CodeInvalidAttachmentNotFound, "The volume '%s' is not attached at device '%s'.", v.VolumeId, in.Device)
		case d.State == volDetaching:
			return ec2.Errorf(ec2.CodeIncorrectState, "Volume '%s' is already detaching from '%s'.", v.VolumeId, iid)
		}
		nr := r.clone()
		nr.editRare().Disks = slices.Clone(r.RareOf().Disks)
		nr.Rare.Disks[k].State, nr.Rare.Disks[k].Until = volDetaching, s.clk.Now().UTC().Add(volumeDetaching)
		s.put(tx, nr)
		s.armAfter(tx, v.VolumeId, nr.Rare.Disks[k].Until)
		s.detachDisk(tx, nr, v.VolumeId)
		out = &ec2.VolumeAttachmentOutput{VolumeAttachment: ec2.VolumeAttachment{VolumeId: v.VolumeId, InstanceId: iid,
			Device: d.Device, State: volDetaching, AttachTime: d.AttachTime, DeleteOnTermination: d.DeleteOnTermination}}
		return dryRun(in.DryRun)
	})
	return out, err
}
