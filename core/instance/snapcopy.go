package instance

import (
	"context"
	"slices"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
	"github.com/ec2x/ec2x/hv/diskfile"
)

// tierArchive is the storage tier of an archived snapshot.
const tierArchive = "archive"

// sourceSnapshot reads a completed snapshot of another (or the same)
// region, for a copy.
func (s *Service) sourceSnapshot(region, id string) (Snapshot, error) {
	var sn Snapshot
	r, err := s.rt.Region(region)
	if err != nil {
		return sn, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid source region: %s", region)
	}
	err = r.View(func(r *state.Region) error {
		v, err := completedSnapshot(r, id, s.clk.Now())
		if err == nil {
			sn = *v
		}
		return err
	})
	return sn, err
}

// CopySnapshot copies a completed snapshot into the region it is sent to,
// from the same region or another: a new snapshot, pending while its data
// is copied.
func (s *Service) CopySnapshot(ctx context.Context, region string, in *ec2.CopySnapshotInput) (*ec2.CopySnapshotOutput, error) {
	tags, err := snapshotTags(in.TagSpecifications)
	if err != nil {
		return nil, err
	}
	switch {
	case in.SourceRegion == "":
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter SourceRegion")
	case in.SourceSnapshotId == "":
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter SourceSnapshotId")
	case in.DestinationRegion != "" && in.DestinationRegion != region:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "DestinationRegion %s is not the region the request was sent to (%s).", in.DestinationRegion, region)
	case in.DestinationOutpostArn != "":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid DestinationOutpostArn %s: there are no Outposts here.", in.DestinationOutpostArn)
	case in.DestinationAvailabilityZone != "":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Local snapshots are for Local Zones and Outposts; there are none here.")
	case in.KmsKeyId != "" && (in.Encrypted == nil || !*in.Encrypted):
		return nil, ec2.Errorf(ec2.CodeInvalidParameterDependency, "The parameter KmsKeyId requires the parameter Encrypted to be set.")
	case in.CompletionDurationMinutes != 0 && (in.CompletionDurationMinutes < 15 || in.CompletionDurationMinutes > 2880 || in.CompletionDurationMinutes%15 != 0):
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "CompletionDurationMinutes must be 15 to 2880 in steps of 15.")
	case len(in.Description) > 255:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The description must be at most 255 characters.")
	}
	if !ec2.ValidID("snap", in.SourceSnapshotId) {
		return nil, ec2.MalformedID(ec2.CodeInvalidSnapshotIDMalformed, "snap", in.SourceSnapshotId)
	}
	src, err := s.sourceSnapshot(in.SourceRegion, in.SourceSnapshotId)
	if err != nil {
		return nil, err
	}
	var out *ec2.CopySnapshotOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		sn := s.copySnapshot(tx, &src, in.SourceRegion, in.Description, tags, in.Encrypted != nil && *in.Encrypted, in.KmsKeyId)
		out = &ec2.CopySnapshotOutput{SnapshotId: sn.SnapshotId, Tags: sn.Tags}
		return nil
	})
	return out, err
}

// copySnapshot begins a copy of src (of srcRegion) in tx's region.
func (s *Service) copySnapshot(tx *state.Tx, src *Snapshot, srcRegion, desc string, tags []ec2.Tag, encrypt bool, kms string) *Snapshot {
	now := s.clk.Now().UTC()
	if desc == "" {
		desc = "[Copied " + src.SnapshotId + " from " + srcRegion + "]"
	}
	keys := volumeKeysOf(tx) // encryption by default encrypts copies too
	sn := &Snapshot{SnapshotId: tx.Region().NewID("snap"), VolumeId: src.VolumeId, Size: src.Size, Description: desc,
		Encrypted: src.Encrypted || encrypt || keys.always, KmsKeyId: src.KmsKeyId, StartTime: now, Until: now.Add(snapshotFor),
		Tags: tags, Boot: src.Boot, Copy: true}
	switch {
	case kms != "":
		sn.KmsKeyId = kmsARN(keys.region, kms)
	case sn.Encrypted && (srcRegion != keys.region || sn.KmsKeyId == ""):
		sn.KmsKeyId = keys.key // keys are regional
	}
	if from := s.snapFile(src.SnapshotId); s.ebsDir != "" && diskfile.Exists(from) {
		sn.Copying = true
		s.copyData(tx, sn, func(ctx context.Context, target string) error { return diskfile.Copy(ctx, from, target) })
	}
	putSnapshot(tx, sn, now)
	s.armSnapshotAfter(tx, sn)
	return sn
}

// snapshotAttribute checks a snapshot attribute's name.
func snapshotAttribute(name string) error {
	switch name {
	case "createVolumePermission", "productCodes":
		return nil
	case "":
		return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter Attribute")
	}
	return ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter attribute is invalid. Unknown attribute.", name)
}

// DescribeSnapshotAttribute shows who may create volumes from a snapshot,
// or its product codes (none).
func (s *Service) DescribeSnapshotAttribute(ctx context.Context, region string, in *ec2.DescribeSnapshotAttributeInput) (*ec2.DescribeSnapshotAttributeOutput, error) {
	if err := snapshotAttribute(in.Attribute); err != nil {
		return nil, err
	}
	out := &ec2.DescribeSnapshotAttributeOutput{SnapshotId: in.SnapshotId}
	reg, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	err = reg.View(func(r *state.Region) error {
		sn, err := findSnapshot(r, in.SnapshotId)
		if err != nil {
			return err
		}
		if in.Attribute == "createVolumePermission" {
			out.CreateVolumePermissions = append([]ec2.CreateVolumePermission{}, sn.Shared...)
		} else {
			out.ProductCodes = []ec2.ProductCode{}
		}
		return dryRun(in.DryRun)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ModifySnapshotAttribute shares a snapshot with accounts or everyone
// ("all"), or stops sharing it. Encrypted snapshots are never public, nor
// any while block public access for snapshots is on.
func (s *Service) ModifySnapshotAttribute(ctx context.Context, region string, in *ec2.ModifySnapshotAttributeInput) (*ec2.Empty, error) {
	attr := in.Attribute
	if attr == "" {
		attr = "createVolumePermission"
	}
	if attr != "createVolumePermission" {
		if err := snapshotAttribute(attr); err != nil {
			return nil, err
		}
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The attribute %s cannot be modified.", attr)
	}
	add, del, err := permissionChanges(in)
	if err != nil {
		return nil, err
	}
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		sn, err := findSnapshot(tx, in.SnapshotId)
		if err != nil {
			return err
		}
		if slices.Contains(add, ec2.CreateVolumePermission{Group: "all"}) {
			if err := refusePublicSnapshot(tx, sn.SnapshotId); err != nil {
				return err
			}
			if sn.Encrypted {
				return ec2.Errorf(ec2.CodeInvalidParameter, "Encrypted snapshots cannot be made public.")
			}
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		n := *sn
		n.Shared = editPermissions(sn.Shared, add, del)
		putSnapshot(tx, &n, s.clk.Now().UTC())
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{}, nil
}

// permissionChanges reads ModifySnapshotAttribute's two ways of saying a
// change: CreateVolumePermission's Add and Remove, or OperationType with
// UserIds and GroupNames.
func permissionChanges(in *ec2.ModifySnapshotAttributeInput) (add, del []ec2.CreateVolumePermission, err error) {
	if p := in.CreateVolumePermission; p != nil {
		add, del = p.Add, p.Remove
	}
	var listed []ec2.CreateVolumePermission
	for _, u := range in.UserIds {
		listed = append(listed, ec2.CreateVolumePermission{UserId: u})
	}
	for _, g := range in.GroupNames {
		listed = append(listed, ec2.CreateVolumePermission{Group: g})
	}
	if add, del, err = byOperation(in.OperationType, add, del, listed, "permission"); err != nil {
		return nil, nil, err
	}
	for _, p := range slices.Concat(add, del) {
		switch {
		case p.Group != "" && p.Group != "all":
			return nil, nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid group '%s': the only group is all.", p.Group)
		case p.Group == "" && !validAccount(p.UserId):
			return nil, nil, ec2.Errorf(ec2.CodeInvalidUserIDMalformed, "Invalid user id: \"%s\"", p.UserId)
		}
	}
	return add, del, nil
}

// byOperation adds the permissions an attribute request lists by
// OperationType ("add" or "remove") to those it gives as Add and Remove,
// and refuses a request that changes nothing.
func byOperation[T any](op string, add, del, listed []T, what string) ([]T, []T, error) {
	switch op {
	case "add":
		add = append(add, listed...)
	case "remove":
		del = append(del, listed...)
	case "":
		if len(listed) > 0 {
			return nil, nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter OperationType")
		}
	default:
		return nil, nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for OperationType: add or remove.", op)
	}
	if len(add) == 0 && len(del) == 0 {
		return nil, nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must name a %s to add or remove.", what)
	}
	return add, del, nil
}

// editPermissions is have with add added and del removed, each once.
func editPermissions[T comparable](have, add, del []T) []T {
	out := slices.Clone(have)
	for _, p := range add {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return slices.DeleteFunc(out, func(p T) bool { return slices.Contains(del, p) })
}

// ResetSnapshotAttribute makes a snapshot private again.
func (s *Service) ResetSnapshotAttribute(ctx context.Context, region string, in *ec2.ResetSnapshotAttributeInput) (*ec2.Empty, error) {
	if err := snapshotAttribute(in.Attribute); err != nil {
		return nil, err
	}
	if in.Attribute != "createVolumePermission" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The attribute %s cannot be reset.", in.Attribute)
	}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		sn, err := findSnapshot(tx, in.SnapshotId)
		if err != nil {
			return err
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		n := *sn
		n.Shared = nil
		putSnapshot(tx, &n, s.clk.Now().UTC())
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{}, nil
}

// snapshotTagKind is the taggable kind of snapshots (snap-).
func snapshotTagKind() tagging.Kind {
	return tagging.Kind{Prefix: "snap-", Type: "snapshot",
		List: tagging.Lister(Snapshots, func(v *Snapshot) string { return v.SnapshotId }, func(v *Snapshot) []ec2.Tag { return v.Tags }),
		Retag: func(tx *state.Tx, id string, f tagging.Retag) error {
			sn, err := findSnapshot(tx, id)
			if err != nil {
				return err
			}
			n := *sn
			if n.Tags, err = f(sn.Tags); err != nil {
				return err
			}
			state.Put(tx, Snapshots, &n)
			return nil
		}}
}
