package instance

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// Every instance has a root volume, and until EBS volumes are a family of
// their own (with Create/Attach/Delete) DescribeVolumes lists these: one per
// instance that is not terminated, its ID derived from the instance's, in
// use and attached at /dev/xvda, with the size, type and performance the
// launch asked for.

// volumeView is an instance's root volume as DescribeVolumes shows it.
func volumeView(r *Record) ec2.Volume {
	o := r.Root
	typ := or(o.Type, "gp3")
	iops, tput := o.Iops, o.Throughput
	switch typ {
	case "gp3":
		iops, tput = max(iops, 3000), max(tput, 125)
	case "gp2":
		iops = min(max(3*r.VolumeGiB, 100), 16000)
	}
	id := volumeID(r.InstanceId)
	return ec2.Volume{VolumeId: id, Size: r.VolumeGiB, VolumeType: typ, Iops: iops, Throughput: tput, State: "in-use",
		AvailabilityZone: r.Placement.AvailabilityZone, CreateTime: r.LaunchTime, Encrypted: o.Encrypted, KmsKeyId: o.KmsKeyId,
		Attachments: []ec2.VolumeAttachment{{VolumeId: id, InstanceId: r.InstanceId, Device: rootDevice, State: "attached",
			AttachTime: r.LaunchTime, DeleteOnTermination: !r.KeepRootOnTerm}}}
}

func attachment(v ec2.Volume) ec2.VolumeAttachment { return v.Attachments[0] }

// volumeSpec is DescribeVolumes' filters, as EC2 documents them.
var volumeSpec = &describe.Spec[ec2.Volume]{
	Fields: []describe.Field[ec2.Volume]{
		{Name: "attachment.attach-time", Value: func(v ec2.Volume) string { return attachment(v).AttachTime.UTC().Format(time.RFC3339) }},
		{Name: "attachment.delete-on-termination", Value: func(v ec2.Volume) string { return strconv.FormatBool(attachment(v).DeleteOnTermination) }},
		{Name: "attachment.device", Value: func(v ec2.Volume) string { return attachment(v).Device }},
		{Name: "attachment.instance-id", Value: func(v ec2.Volume) string { return attachment(v).InstanceId }},
		{Name: "attachment.status", Value: func(v ec2.Volume) string { return attachment(v).State }},
		{Name: "availability-zone", Value: func(v ec2.Volume) string { return v.AvailabilityZone }},
		{Name: "create-time", Value: func(v ec2.Volume) string { return v.CreateTime.UTC().Format(time.RFC3339) }},
		{Name: "encrypted", Value: func(v ec2.Volume) string { return strconv.FormatBool(v.Encrypted) }},
		{Name: "fast-restored", Value: func(ec2.Volume) string { return "false" }},
		{Name: "multi-attach-enabled", Value: func(v ec2.Volume) string { return strconv.FormatBool(v.MultiAttachEnabled) }},
		{Name: "size", Value: func(v ec2.Volume) string { return strconv.Itoa(v.Size) }},
		{Name: "snapshot-id", Value: func(v ec2.Volume) string { return v.SnapshotId }},
		{Name: "status", Value: func(v ec2.Volume) string { return v.State }},
		{Name: "volume-id", Value: func(v ec2.Volume) string { return v.VolumeId }},
		{Name: "volume-type", Value: func(v ec2.Volume) string { return v.VolumeType }},
	},
	Tags:   func(v ec2.Volume) []ec2.Tag { return v.Tags },
	Key:    func(k *describe.Key, v ec2.Volume) { k.Str(v.VolumeId) },
	Paging: describe.Paging{Min: 5, Max: 500, IDsParam: "VolumeIds"},
}

// DescribeVolumes lists the instances' root volumes by ID and filters.
func (s *Service) DescribeVolumes(ctx context.Context, region string, in *ec2.DescribeVolumesInput) (*ec2.DescribeVolumesOutput, error) {
	q := describe.Query{Filters: in.Filters, IDs: in.VolumeIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeVolumes"}
	out, next, err := state.Describe(s.rt, region, volumeSpec, q, func(r *state.Region) ([]ec2.Volume, error) {
		var items []ec2.Volume
		if len(in.VolumeIds) > 0 {
			for _, id := range in.VolumeIds {
				if !ec2.ValidID("vol", id) {
					return nil, ec2.MalformedID(ec2.CodeInvalidVolumeIDMalformed, "vol", id)
				}
				rec := get(r, "i-"+strings.TrimPrefix(id, "vol-"))
				if rec == nil || rec.State.Name == ec2.StateTerminated || s.hidden(rec) {
					return nil, ec2.Errorf(ec2.CodeInvalidVolumeNotFound, "The volume '%s' does not exist.", id)
				}
				items = append(items, volumeView(rec))
			}
			return items, nil
		}
		for _, rec := range state.Published(r, Instances) {
			if rec.State.Name != ec2.StateTerminated && !s.hidden(rec) {
				items = append(items, volumeView(rec))
			}
		}
		return items, nil
	}, func(_ *state.Region, v ec2.Volume) ec2.Volume { return v })
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.Volume{}
	}
	return &ec2.DescribeVolumesOutput{Volumes: out, NextToken: next}, nil
}
