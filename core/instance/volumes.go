package instance

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/store"
)

// EBS volumes (ebs.go has the family's actions, this file what launching
// and describing need):
//   - every volume is a Volume record (vol/): the others of a launch's
//     BlockDeviceMapping.N, made in the launch's Tx; its root volumes, made
//     in a Tx of their own right after it (rootLater: a launch of a
//     thousand fills one); CreateVolume's. A root volume's ID is derived
//     from its instance's (volumeID), so stores written before root
//     volumes had records keep their IDs: Load makes the missing records
//     (ensureRoots), and until a record exists the volume is derived from
//     its instance (findVolume, DescribeVolumes), showing the same;
//   - an attachment is on both sides: the volume's InstanceId (and Others,
//     for Multi-Attach) and the instance's Disks (the root volume's is the
//     instance itself: rootDevice, its attribute KeepRootOnTerm);
//   - at termination, a volume that is not deleted with the instance stays
//     as an available volume.

// Volume is an EBS volume as the service keeps it. Copy on write.
type Volume struct {
	VolumeId   string    `json:"VolumeId"`
	Zone       string    `json:"AvailabilityZone"`
	Size       int       `json:"Size"`
	Type       string    `json:"VolumeType"`
	Iops       int       `json:"Iops,omitempty"`
	Throughput int       `json:"Throughput,omitempty"`
	Encrypted  bool      `json:"Encrypted,omitempty"`
	KmsKeyId   string    `json:"KmsKeyId,omitempty"`
	SnapshotId string    `json:"SnapshotId,omitempty"`
	CreateTime time.Time `json:"CreateTime"`
	Tags       []ec2.Tag `json:"Tags,omitempty"`
	// InstanceId is the instance it is attached to; Others the further
	// ones of a Multi-Attach volume.
	InstanceId string   `json:"InstanceId,omitempty"`
	Others     []string `json:"Others,omitempty"`
	// State is a passing state (creating, deleting) until Until; empty,
	// the volume is available or in-use by its attachments.
	State       string    `json:"State,omitempty"`
	Until       time.Time `json:"Until,omitempty"`
	MultiAttach bool      `json:"MultiAttach,omitempty"`
	// AutoEnableIO is the attribute: ec2x's volumes never turn
	// inconsistent, so I/O is never held back.
	AutoEnableIO bool   `json:"AutoEnableIO,omitempty"`
	ClientToken  string `json:"ClientToken,omitempty"`
	// Mod is the volume's latest modification.
	Mod *Modification `json:"Mod,omitempty"`
	// FastRestored: made of a snapshot with fast restore in its zone.
	FastRestored bool `json:"FastRestored,omitempty"`
}

// instances are the instances the volume is attached to.
func (v *Volume) instances() []string {
	if v.InstanceId == "" {
		return v.Others
	}
	return append([]string{v.InstanceId}, v.Others...)
}

// Disk is a volume attached to an instance other than its root volume.
type Disk struct {
	Device              string    `json:"Device"`
	VolumeId            string    `json:"VolumeId"`
	AttachTime          time.Time `json:"AttachTime"`
	DeleteOnTermination bool      `json:"DeleteOnTermination,omitempty"`
	// State is attaching or detaching until Until; empty, attached.
	State string    `json:"State,omitempty"`
	Until time.Time `json:"Until,omitempty"`
}

// status is the attachment's state as EC2 names it.
func (d Disk) status() string { return or(d.State, "attached") }

// Volumes is the table of volume records: vol/<region>/<vol-id>.
var Volumes = state.Table[Volume]{Kind: "vol", ID: func(v *Volume) string { return v.VolumeId }}

// diskPlan is one EBS volume each instance of a launch gets besides its
// root volume.
type diskPlan struct {
	device       string
	vol          RootVolume
	size         int
	snapshot     string
	deleteOnTerm bool
}

// deviceRe is the device names EC2 takes for EBS volumes and instance
// stores: /dev/sdf, /dev/xvdb, xvdh, /dev/sdf1 and the like.
var deviceRe = regexp.MustCompile(`^(/dev/)?(sd|xvd|hd|nvme)[a-z0-9]{1,4}$`)

// ephemeralRe is the instance store names a mapping may give.
var ephemeralRe = regexp.MustCompile(`^ephemeral([0-9]|1[0-9]|2[0-3])$`)

// volumeSizes are EC2's size bounds in GiB by volume type.
var volumeSizes = map[string][2]int{
	"gp3": {1, 65536}, "gp2": {1, 16384}, "io1": {4, 16384}, "io2": {4, 65536},
	"st1": {125, 16384}, "sc1": {125, 16384}, "standard": {1, 1024},
}

// checkSize applies a volume type's size bounds.
func checkSize(typ string, size int) error {
	b, ok := volumeSizes[or(typ, "gp3")]
	switch {
	case !ok || size == 0:
		return nil // the type is checked with its IOPS; 0 is the default
	case size > b[1]:
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Volume of %dGiB is too large for volume type %s; maximum is %dGiB", size, or(typ, "gp3"), b[1])
	case size < b[0]:
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Volume of %dGiB is too small for volume type %s; minimum is %dGiB", size, or(typ, "gp3"), b[0])
	}
	return nil
}

// bootable refuses the volume types that cannot be a root volume.
func bootable(typ string) error {
	if typ == "st1" || typ == "sc1" {
		return ec2.Errorf(ec2.CodeInvalidBlockDeviceMapping, "Volume type %s cannot be a boot volume.", typ)
	}
	return nil
}

// isRoot reports whether a mapping is the root device's.
func isRoot(m ec2.BlockDeviceMapping) bool { return m.DeviceName == "" || m.DeviceName == rootDevice }

// planDisks checks the launch's block device mappings other than the
// root's, as EC2 does: device names, one mapping per device, EBS settings
// by type; instance stores (VirtualName) and NoDevice are accepted, and
// give no volume (the images have no devices to leave out, and instance
// stores are not simulated).
func planDisks(rd state.Reader, l *launch, maps []ec2.BlockDeviceMapping, now time.Time) ([]diskPlan, error) {
	var out []diskPlan
	seen := map[string]bool{}
	for _, m := range maps {
		name := m.DeviceName
		if name != "" && !deviceRe.MatchString(name) {
			return nil, ec2.Errorf(ec2.CodeInvalidBlockDeviceMapping, "Invalid device name %s", name)
		}
		if key := strings.TrimPrefix(or(name, rootDevice), "/dev/"); seen[key] {
			return nil, ec2.Errorf(ec2.CodeInvalidBlockDeviceMapping, "The device '%s' is used in more than one block-device mapping", or(name, rootDevice))
		} else {
			seen[key] = true
		}
		if (m.Ebs != nil && m.NoDevice != nil) || (m.VirtualName != "" && (m.Ebs != nil || m.NoDevice != nil)) {
			return nil, ec2.Errorf(ec2.CodeInvalidBlockDeviceMapping, "The device %s may have only one of Ebs, NoDevice and VirtualName.", or(name, rootDevice))
		}
		if m.VirtualName != "" && !ephemeralRe.MatchString(m.VirtualName) {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid virtual name %s: ephemeral0 to ephemeral23.", m.VirtualName)
		}
		if isRoot(m) {
			if m.NoDevice != nil || m.VirtualName != "" {
				return nil, ec2.Errorf(ec2.CodeInvalidBlockDeviceMapping, "The root device %s must be an EBS volume.", rootDevice)
			}
			continue
		}
		if m.Ebs == nil {
			continue
		}
		d, err := planDisk(rd, name, m.Ebs, now)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if limit := l.typ.MaxEBSAttachments; limit > 0 && len(out)+1 > limit {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "%s allows %d EBS volumes; the launch asks for %d.", l.typeName, limit, len(out)+1)
	}
	return out, nil
}

// planDisk checks one new EBS volume of a launch (or of an image): a
// volume of a snapshot is at least its size, and encrypted if it is.
func planDisk(rd state.Reader, name string, e *ec2.EbsBlockDevice, now time.Time) (diskPlan, error) {
	d := diskPlan{device: name, size: e.VolumeSize, snapshot: e.SnapshotId, deleteOnTerm: e.DeleteOnTermination == nil || *e.DeleteOnTermination}
	d.vol = RootVolume{Type: or(e.VolumeType, "gp3"), Iops: e.Iops, Throughput: e.Throughput, KmsKeyId: e.KmsKeyId}
	d.vol.Encrypted = e.Encrypted != nil && *e.Encrypted || e.KmsKeyId != ""
	if e.SnapshotId != "" {
		sn, err := completedSnapshot(rd, e.SnapshotId, now)
		if err != nil {
			return d, err
		}
		if d.size == 0 {
			d.size = sn.Size
		}
		if d.size < sn.Size {
			return d, ec2.Errorf(ec2.CodeInvalidBlockDeviceMapping, "Volume of size %dGB is smaller than snapshot '%s', expect size >= %dGB", d.size, sn.SnapshotId, sn.Size)
		}
		if sn.Encrypted {
			d.vol.Encrypted, d.vol.KmsKeyId = true, or(d.vol.KmsKeyId, sn.KmsKeyId)
		}
	}
	d.vol.Encrypted, d.vol.KmsKeyId = volumeKeysOf(rd).of(d.vol.Encrypted, d.vol.KmsKeyId)
	if e.OutpostArn != "" {
		return d, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid OutpostArn %s: there are no Outposts here.", e.OutpostArn)
	}
	if d.size == 0 {
		return d, ec2.Errorf(ec2.CodeInvalidBlockDeviceMapping, "The device %s needs a volume size or a snapshot.", name)
	}
	if err := checkSize(d.vol.Type, d.size); err != nil {
		return d, err
	}
	return d, checkVolume(d.vol, d.size, false)
}

// makeDisks records an instance's new volumes and their attachments.
func (s *Service) makeDisks(tx *state.Tx, l *launch, r *Record, now time.Time) {
	for _, d := range l.disks {
		v := &Volume{VolumeId: tx.Region().NewID("vol"), Zone: r.Placement.AvailabilityZone, Size: d.size, Type: d.vol.Type,
			Iops: d.vol.Iops, Throughput: d.vol.Throughput, Encrypted: d.vol.Encrypted, KmsKeyId: d.vol.KmsKeyId,
			SnapshotId: d.snapshot, CreateTime: now.UTC(), InstanceId: r.InstanceId, Tags: l.volumeTags}
		putVolume(tx, nil, v, now)
		r.editRare().Disks = append(r.RareOf().Disks, Disk{Device: d.device, VolumeId: v.VolumeId, AttachTime: now.UTC(), DeleteOnTermination: d.deleteOnTerm})
	}
}

// releaseDisks ends a terminated instance's attachments: volumes deleted
// with it go, the others (a root volume kept too) become available.
func releaseDisks(tx *state.Tx, r *Record) {
	release := func(id string, del bool) {
		v := state.Get(tx, Volumes, id)
		switch {
		case v == nil:
		case del && len(v.instances()) <= 1:
			dropVolume(tx, id, r.StateSince)
		default:
			putVolume(tx, v, v.detached(r.InstanceId), r.StateSince)
		}
	}
	for _, d := range r.RareOf().Disks {
		release(d.VolumeId, d.DeleteOnTermination && d.State != "detaching")
	}
	if r.derivedRoot() && state.Get(tx, Volumes, volumeID(r.InstanceId)) == nil && r.Attr().KeepRootOnTerm {
		root := rootVolume(r) // a record from before root volumes had records
		putVolume(tx, nil, &root, r.StateSince)
		return
	}
	if id := r.rootID(); id != "" {
		release(id, !r.Attr().KeepRootOnTerm)
	}
}

// noRoot is Rare.Root of a stopped instance whose root volume was detached.
const noRoot = "-"

// rootID is the instance's root volume's ID, "" when it has none.
func (r *Record) rootID() string {
	switch root := r.RareOf().Root; root {
	case "":
		return volumeID(r.InstanceId)
	case noRoot:
		return ""
	default:
		return root
	}
}

// rootAttached is when the instance's root volume was attached.
func (r *Record) rootAttached() time.Time {
	if at := r.RareOf().RootAt; !at.IsZero() {
		return at
	}
	return r.LaunchTime
}

// isRootOf reports whether volume id is instance iid's root volume.
func isRootOf(rd state.Reader, id, iid string) bool {
	r := get(rd, iid)
	return r != nil && r.rootID() == id
}

// derivedRoot reports whether the instance's root volume is the one it
// was launched with, whose record may not exist yet (rootLater).
func (r *Record) derivedRoot() bool { return r.RareOf().Root == "" }

// detached is v without its attachment to instance id.
func (v *Volume) detached(id string) *Volume {
	n := *v
	n.Others = nil
	for _, o := range v.instances() {
		if o != id {
			n.Others = append(n.Others, o)
		}
	}
	n.InstanceId = ""
	if len(n.Others) > 0 {
		n.InstanceId, n.Others = n.Others[0], n.Others[1:]
	}
	if len(n.Others) == 0 {
		n.Others = nil
	}
	return &n
}

// rootsKey is the Tx scratch key of a launch's instances whose root
// volumes want records.
type rootsKey struct{}

// rootLater makes the root volume record of a launched instance in a
// change of its own, right after the launch's: a launch of a thousand
// instances fills one transaction without them. Until it lands (and
// after a crash, until Load's ensureRoots) DescribeVolumes derives the
// volume from its instance, which shows the same.
func (s *Service) rootLater(tx *state.Tx, id string) {
	first := false
	ids := tx.Scratch(rootsKey{}, func() any { first = true; return &[]string{} }).(*[]string)
	*ids = append(*ids, id)
	if first {
		region := tx.Region().Name
		tx.After(func(ctx context.Context) { s.makeRoots(ctx, region, *ids) })
	}
}

// makeRoots records the root volumes of instances that have none.
func (s *Service) makeRoots(ctx context.Context, region string, ids []string) {
	err := s.rt.UpdateSplit(ctx, region, func(tx *state.Tx) error {
		for _, id := range ids {
			r := get(tx, id)
			if r == nil || r.State.Name == ec2.StateTerminated || !r.derivedRoot() || state.Get(tx, Volumes, volumeID(id)) != nil {
				continue
			}
			root := rootVolume(r)
			root.InstanceId = id
			putVolume(tx, nil, &root, r.LaunchTime)
		}
		return nil
	})
	if err != nil {
		s.log.Error().Err(err).Str("region", region).Msg("root volume records")
	}
}

// rootVolume is an instance's root volume as a record.
func rootVolume(r *Record) Volume {
	o := r.Opts().Root
	return Volume{VolumeId: volumeID(r.InstanceId), Zone: r.Placement.AvailabilityZone, Size: int(r.VolumeGiB), Type: or(o.Type, "gp3"),
		Iops: o.Iops, Throughput: o.Throughput, Encrypted: o.Encrypted, KmsKeyId: o.KmsKeyId, CreateTime: r.LaunchTime.UTC(), Tags: r.RareOf().RootTags}
}

// devices is an instance's block devices as DescribeInstances shows them:
// the root volume, then the others in launch order.
func devices(r *Record) []ec2.InstanceBlockDeviceMapping {
	out := make([]ec2.InstanceBlockDeviceMapping, 0, 1+len(r.RareOf().Disks))
	if r.State.Name == ec2.StateTerminated {
		return out // its volumes went with it, or stayed, detached
	}
	if id := r.rootID(); id != "" {
		out = append(out, ec2.InstanceBlockDeviceMapping{DeviceName: rootDevice, Ebs: &ec2.EbsInstanceBlockDevice{
			AttachTime: r.rootAttached(), DeleteOnTermination: !r.Attr().KeepRootOnTerm, Status: "attached", VolumeId: id}})
	}
	for _, d := range r.RareOf().Disks {
		out = append(out, ec2.InstanceBlockDeviceMapping{DeviceName: d.Device, Ebs: &ec2.EbsInstanceBlockDevice{
			AttachTime: d.AttachTime, DeleteOnTermination: d.DeleteOnTermination, Status: d.status(), VolumeId: d.VolumeId}})
	}
	return out
}

// volumeView is a volume as DescribeVolumes shows it, with its
// attachments to rs (the instances it is attached to; none: available).
func volumeView(v *Volume, rs ...*Record) ec2.Volume {
	iops, tput := v.Iops, v.Throughput
	switch v.Type {
	case "gp3":
		iops, tput = max(iops, gp3Iops), max(tput, gp3Throughput)
	case "gp2":
		iops = gp2Iops(v.Size)
	}
	out := ec2.Volume{VolumeId: v.VolumeId, Size: v.Size, VolumeType: v.Type, Iops: iops, Throughput: tput, State: "available",
		AvailabilityZone: v.Zone, CreateTime: v.CreateTime, Encrypted: v.Encrypted, KmsKeyId: v.KmsKeyId, SnapshotId: v.SnapshotId,
		MultiAttachEnabled: v.MultiAttach, FastRestored: v.FastRestored, Attachments: []ec2.VolumeAttachment{}, Tags: v.Tags}
	for _, r := range rs {
		if r == nil {
			continue
		}
		for _, d := range devices(r) {
			if d.Ebs.VolumeId == v.VolumeId {
				out.State = "in-use"
				out.Attachments = append(out.Attachments, ec2.VolumeAttachment{VolumeId: v.VolumeId, InstanceId: r.InstanceId, Device: d.DeviceName,
					State: d.Ebs.Status, AttachTime: d.Ebs.AttachTime, DeleteOnTermination: d.Ebs.DeleteOnTermination})
			}
		}
	}
	if v.State != "" {
		out.State = v.State
	}
	return out
}

// attachedTo is the records of the instances v is attached to.
func attachedTo(rd state.Reader, v *Volume) []*Record {
	var out []*Record
	for _, id := range v.instances() {
		if r := get(rd, id); r != nil {
			out = append(out, r)
		}
	}
	return out
}

// attached makes a filter over a volume's attachments (a Multi-Attach
// volume has several): no value when it has none.
func attached(f func(a ec2.VolumeAttachment) string) func(ec2.Volume) []string {
	return func(v ec2.Volume) []string {
		var out []string
		for _, a := range v.Attachments {
			out = append(out, f(a))
		}
		return out
	}
}

// volumeSpec is DescribeVolumes' filters, as EC2 documents them.
var volumeSpec = &describe.Spec[ec2.Volume]{
	Fields: []describe.Field[ec2.Volume]{
		{Name: "attachment.attach-time", Values: attached(func(a ec2.VolumeAttachment) string { return a.AttachTime.UTC().Format(time.RFC3339) })},
		{Name: "attachment.delete-on-termination", Values: attached(func(a ec2.VolumeAttachment) string { return strconv.FormatBool(a.DeleteOnTermination) })},
		{Name: "attachment.device", Values: attached(func(a ec2.VolumeAttachment) string { return a.Device })},
		{Name: "attachment.instance-id", Values: attached(func(a ec2.VolumeAttachment) string { return a.InstanceId })},
		{Name: "attachment.status", Values: attached(func(a ec2.VolumeAttachment) string { return a.State })},
		{Name: "availability-zone", Value: func(v ec2.Volume) string { return v.AvailabilityZone }},
		{Name: "create-time", Value: func(v ec2.Volume) string { return v.CreateTime.UTC().Format(time.RFC3339) }},
		{Name: "encrypted", Value: func(v ec2.Volume) string { return strconv.FormatBool(v.Encrypted) }},
		{Name: "fast-restored", Value: func(v ec2.Volume) string { return strconv.FormatBool(v.FastRestored) }},
		{Name: "multi-attach-enabled", Value: func(v ec2.Volume) string { return strconv.FormatBool(v.MultiAttachEnabled) }},
		{Name: "size", Value: func(v ec2.Volume) string { return strconv.Itoa(v.Size) }},
		{Name: "snapshot-id", Value: func(v ec2.Volume) string { return v.SnapshotId }},
		{Name: "status", Value: func(v ec2.Volume) string { return v.State }},
		{Name: "volume-id", Value: func(v ec2.Volume) string { return v.VolumeId }},
		{Name: "volume-type", Value: func(v ec2.Volume) string { return v.VolumeType }},
	},
	Tags:   func(v ec2.Volume) []ec2.Tag { return v.Tags },
	Key:    func(k *describe.Key, v ec2.Volume) { k.Str(v.VolumeId) },
	Paging: describe.Paging{Min: 5, Max: 500, IDsParam: "VolumeIds", Clamp: true},
}

// DescribeVolumes lists the instances' volumes by ID and filters.
func (s *Service) DescribeVolumes(ctx context.Context, region string, in *ec2.DescribeVolumesInput) (*ec2.DescribeVolumesOutput, error) {
	q := describe.Query{Filters: in.Filters, IDs: in.VolumeIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeVolumes"}
	out, next, err := state.Describe(s.rt, region, volumeSpec, q, func(r *state.Region) ([]ec2.Volume, error) {
		if len(in.VolumeIds) > 0 {
			items := make([]ec2.Volume, 0, len(in.VolumeIds))
			for _, id := range in.VolumeIds {
				v, err := s.volumeByID(r, id)
				if err != nil {
					return nil, err
				}
				items = append(items, v)
			}
			return items, nil
		}
		var items []ec2.Volume
		for _, rec := range state.Published(r, Instances) {
			// An instance whose root volume has no record yet (Load makes them).
			if rec.State.Name != ec2.StateTerminated && !s.hidden(rec) && rec.derivedRoot() && state.Get(r, Volumes, volumeID(rec.InstanceId)) == nil {
				root := rootVolume(rec)
				items = append(items, volumeView(&root, rec))
			}
		}
		for _, v := range state.Published(r, Volumes) {
			items = append(items, volumeView(v, attachedTo(r, v)...))
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

// volumeByID is one volume asked for by ID: a record, or an instance's
// root volume.
func (s *Service) volumeByID(r *state.Region, id string) (ec2.Volume, error) {
	v, rec, err := s.findVolume(r, id)
	if err != nil {
		return ec2.Volume{}, err
	}
	if rec == nil {
		return volumeView(v, attachedTo(r, v)...), nil
	}
	root := rootVolume(rec)
	return volumeView(&root, rec), nil
}

// findVolume finds a volume: its record, or the instance whose attached
// root volume it is (the volume is then nil).
func (s *Service) findVolume(rd state.Reader, id string) (*Volume, *Record, error) {
	if !ec2.ValidID("vol", id) {
		return nil, nil, ec2.MalformedID(ec2.CodeInvalidVolumeIDMalformed, "vol", id)
	}
	if v := state.Get(rd, Volumes, id); v != nil {
		return v, nil, nil
	}
	rec := get(rd, "i-"+strings.TrimPrefix(id, "vol-"))
	if rec == nil || rec.State.Name == ec2.StateTerminated || s.hidden(rec) || !rec.derivedRoot() {
		return nil, nil, ec2.Errorf(ec2.CodeInvalidVolumeNotFound, "The volume '%s' does not exist.", id)
	}
	return nil, rec, nil
}

// ensureRoots gives every instance loaded from a store written before
// root volumes had records its root volume's record, with the ID it had
// (derived from the instance's) and its tags, in the batch the load
// commits.
func ensureRoots(r *state.Region, put func(key []byte, v any)) {
	for _, rec := range state.Published(r, Instances) {
		id := volumeID(rec.InstanceId)
		if rec.State.Name == ec2.StateTerminated || !rec.derivedRoot() || state.Get(r, Volumes, id) != nil {
			continue
		}
		root := rootVolume(rec)
		root.InstanceId = rec.InstanceId
		state.Seed(r, Volumes, &root)
		put(store.Key(Volumes.Kind, r.Name, id), &root)
	}
}
