package instance

import (
	"context"
	"strconv"
	"time"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// Modification states EC2 names.
const (
	modModifying  = "modifying"
	modOptimizing = "optimizing"
	modCompleted  = "completed"
)

// Modification is a volume's latest change of size, type or performance,
// with when it moves on.
type Modification struct {
	ec2.VolumeModification
	OptimizingAt time.Time `json:"OptimizingAt"`
	CompletedAt  time.Time `json:"CompletedAt"`
}

// provisioned says whether a volume type keeps provisioned IOPS.
func provisioned(typ string) bool { return typ == "gp3" || typ == "io1" || typ == "io2" }

// ModifyVolume changes a volume's size (only up), type, IOPS, throughput
// or Multi-Attach, as EC2 does: the volume has its new configuration at
// once, and the modification goes modifying, optimizing, completed; the
// next may begin six hours after this one did.
func (s *Service) ModifyVolume(ctx context.Context, region string, in *ec2.ModifyVolumeInput) (*ec2.ModifyVolumeOutput, error) {
	var out *ec2.ModifyVolumeOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		v, err := s.volumeRecord(tx, in.VolumeId)
		if err != nil {
			return err
		}
		now := s.clk.Now().UTC()
		if err := canModify(v, now); err != nil {
			return err
		}
		n, err := modified(v, in)
		if err != nil {
			return err
		}
		root := v.InstanceId != "" && isRootOf(tx, v.VolumeId, v.InstanceId)
		if root {
			if err := bootable(n.Type); err != nil {
				return err
			}
		}
		was, is := volumeView(v), volumeView(n)
		m := &Modification{VolumeModification: ec2.VolumeModification{VolumeId: v.VolumeId, ModificationState: modModifying, StartTime: now,
			TargetSize: is.Size, TargetIops: is.Iops, TargetVolumeType: is.VolumeType, TargetThroughput: is.Throughput, TargetMultiAttachEnabled: n.MultiAttach,
			OriginalSize: was.Size, OriginalIops: was.Iops, OriginalVolumeType: was.VolumeType, OriginalThroughput: was.Throughput, OriginalMultiAttachEnabled: v.MultiAttach},
			OptimizingAt: now.Add(modifyingFor), CompletedAt: now.Add(modifyingFor + optimizingFor)}
		n.Mod = m
		putVolume(tx, v, n, now)
		if n.Size > v.Size && !root {
			s.resizeDisk(tx, n)
		}
		if r := get(tx, v.InstanceId); root && r != nil && int(r.VolumeGiB) != n.Size {
			nr := r.clone()
			nr.VolumeGiB = int32(n.Size)
			s.put(tx, nr)
		}
		s.armAfter(tx, n.VolumeId, m.OptimizingAt)
		out = &ec2.ModifyVolumeOutput{VolumeModification: m.VolumeModification}
		return dryRun(in.DryRun)
	})
	return out, err
}

// canModify refuses to modify a volume that is not settled, is being
// modified, or was modified less than six hours ago.
func canModify(v *Volume, now time.Time) error {
	if v.State != "" {
		return ec2.Errorf(ec2.CodeIncorrectState, "The volume '%s' is '%s'.", v.VolumeId, v.State)
	}
	if m := v.Mod; m != nil {
		if m.ModificationState != modCompleted {
			return ec2.Errorf(ec2.CodeIncorrectModificationState, "Volume %s is already being modified.", v.VolumeId)
		}
		if now.Before(m.StartTime.Add(modifyCooldown)) {
			return ec2.Errorf(ec2.CodeVolumeModificationRateExceeded, "You've reached the maximum modification rate per volume limit. Wait at least 6 hours between modifications per EBS volume.")
		}
	}
	if v.Type == "standard" {
		return ec2.Errorf(ec2.CodeUnsupportedOperation, "Volume %s is of type standard, which cannot be modified.", v.VolumeId)
	}
	return nil
}

// modified is v as ModifyVolume asks for it, by EC2's rules.
func modified(v *Volume, in *ec2.ModifyVolumeInput) (*Volume, error) {
	n := *v
	n.Type = or(in.VolumeType, v.Type)
	if n.Type == "standard" && v.Type != "standard" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Volume type standard is not supported as a target of a modification.")
	}
	switch {
	case in.Size < 0:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%d' for size.", in.Size)
	case in.Size != 0 && in.Size < v.Size:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "New size cannot be smaller than existing size")
	case in.Size != 0:
		n.Size = in.Size
	}
	// IOPS and throughput carry over between types that have them.
	n.Iops, n.Throughput = in.Iops, in.Throughput
	if n.Iops == 0 && provisioned(n.Type) && provisioned(v.Type) {
		n.Iops = v.Iops
		if v.Type == "gp3" && n.Type != "gp3" {
			n.Iops = max(v.Iops, gp3Iops)
		}
	}
	if n.Throughput == 0 && n.Type == "gp3" && v.Type == "gp3" {
		n.Throughput = v.Throughput
	}
	if in.MultiAttachEnabled != nil {
		n.MultiAttach = *in.MultiAttachEnabled
	}
	switch {
	case n.MultiAttach && n.Type != "io1" && n.Type != "io2":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "The Multi-Attach feature is supported only for io1 and io2 volumes, not %s.", n.Type)
	case !n.MultiAttach && len(v.instances()) > 1:
		return nil, ec2.Errorf(ec2.CodeIncorrectState, "Volume %s is attached to several instances; Multi-Attach stays on.", v.VolumeId)
	}
	if err := checkSize(n.Type, n.Size); err != nil {
		return nil, err
	}
	if err := checkVolume(RootVolume{Type: n.Type, Iops: n.Iops, Throughput: n.Throughput}, n.Size, false); err != nil {
		return nil, err
	}
	was, is := volumeView(v), volumeView(&n)
	if was.Size == is.Size && was.VolumeType == is.VolumeType && was.Iops == is.Iops && was.Throughput == is.Throughput && v.MultiAttach == n.MultiAttach {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The volume %s already has this size, type, IOPS, throughput and Multi-Attach setting.", v.VolumeId)
	}
	return &n, nil
}

// modSpec is DescribeVolumesModifications' filters, as EC2 documents them.
var modSpec = &describe.Spec[ec2.VolumeModification]{
	Fields: []describe.Field[ec2.VolumeModification]{
		{Name: "modification-state", Value: func(m ec2.VolumeModification) string { return m.ModificationState }},
		{Name: "original-iops", Value: func(m ec2.VolumeModification) string { return strconv.Itoa(m.OriginalIops) }},
		{Name: "original-size", Value: func(m ec2.VolumeModification) string { return strconv.Itoa(m.OriginalSize) }},
		{Name: "original-volume-type", Value: func(m ec2.VolumeModification) string { return m.OriginalVolumeType }},
		{Name: "original-multi-attach-enabled", Value: func(m ec2.VolumeModification) string { return strconv.FormatBool(m.OriginalMultiAttachEnabled) }},
		{Name: "start-time", Value: func(m ec2.VolumeModification) string { return m.StartTime.UTC().Format(time.RFC3339) }},
		{Name: "target-iops", Value: func(m ec2.VolumeModification) string { return strconv.Itoa(m.TargetIops) }},
		{Name: "target-size", Value: func(m ec2.VolumeModification) string { return strconv.Itoa(m.TargetSize) }},
		{Name: "target-volume-type", Value: func(m ec2.VolumeModification) string { return m.TargetVolumeType }},
		{Name: "target-multi-attach-enabled", Value: func(m ec2.VolumeModification) string { return strconv.FormatBool(m.TargetMultiAttachEnabled) }},
		{Name: "volume-id", Value: func(m ec2.VolumeModification) string { return m.VolumeId }},
	},
	Key:    func(k *describe.Key, m ec2.VolumeModification) { k.Str(m.VolumeId) },
	Paging: describe.Paging{Min: 5, Max: 500, IDsParam: "VolumeIds"},
}

// DescribeVolumesModifications lists the volumes' latest modifications.
func (s *Service) DescribeVolumesModifications(ctx context.Context, region string, in *ec2.DescribeVolumesModificationsInput) (*ec2.DescribeVolumesModificationsOutput, error) {
	q := describe.Query{Filters: in.Filters, IDs: in.VolumeIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeVolumesModifications"}
	out, next, err := state.Describe(s.rt, region, modSpec, q, func(r *state.Region) ([]ec2.VolumeModification, error) {
		var items []ec2.VolumeModification
		if len(in.VolumeIds) > 0 {
			for _, id := range in.VolumeIds {
				v, err := s.volumeRecord(r, id)
				if err != nil {
					return nil, err
				}
				if v.Mod == nil {
					return nil, ec2.Errorf(ec2.CodeInvalidVolumeModificationNotFound, "Modification for volume '%s' does not exist.", id)
				}
				items = append(items, v.Mod.VolumeModification)
			}
			return items, nil
		}
		for _, v := range state.Published(r, Volumes) {
			if v.Mod != nil {
				items = append(items, v.Mod.VolumeModification)
			}
		}
		return items, nil
	}, func(_ *state.Region, m ec2.VolumeModification) ec2.VolumeModification { return m })
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.VolumeModification{}
	}
	return &ec2.DescribeVolumesModificationsOutput{VolumesModifications: out, NextToken: next}, nil
}
