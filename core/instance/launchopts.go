package instance

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/core/describe"

	"github.com/ec2x/ec2x/core/ec2"
)

// LaunchOpts are RunInstances' options recorded on an instance: the root
// volume's settings, CPU options, and those ec2x keeps and shows without
// anything behind them (no IAM, no license manager); hibernation lets StopInstances hibernate.
type LaunchOpts struct {
	Root         RootVolume `json:"Root,omitzero"`
	Hibernation  bool       `json:"Hibernation,omitempty"`
	IamProfile   string     `json:"IamProfile,omitempty"` // the profile's ARN
	IamAssoc     string     `json:"IamAssoc,omitempty"`   // its association's ID
	IamSince     time.Time  `json:"IamSince,omitzero"`
	Cores        int        `json:"Cores,omitempty"` // 0: the type's
	Threads      int        `json:"Threads,omitempty"`
	Nested       string     `json:"Nested,omitempty"` // nested virtualization: enabled, disabled or unset
	HostnameType string     `json:"HostnameType,omitempty"`
	DnsA         bool       `json:"DnsA,omitempty"`
	DnsAAAA      bool       `json:"DnsAAAA,omitempty"`
	AutoRecovery string     `json:"AutoRecovery,omitempty"`
	Capacity     string     `json:"Capacity,omitempty"`
	Licenses     []string   `json:"Licenses,omitempty"`
	Bandwidth    string     `json:"Bandwidth,omitempty"`
}

// empty reports whether no option is set.
func (o *LaunchOpts) empty() bool {
	return o.Root == (RootVolume{}) && !o.Hibernation && o.IamProfile == "" && o.IamAssoc == "" && o.IamSince.IsZero() &&
		o.Cores == 0 && o.Threads == 0 && o.Nested == "" && o.HostnameType == "" && !o.DnsA && !o.DnsAAAA &&
		o.AutoRecovery == "" && o.Capacity == "" && len(o.Licenses) == 0 && o.Bandwidth == ""
}

// RootVolume is the root volume's type and performance ("" and 0: gp3 at
// its baseline).
type RootVolume struct {
	Type       string `json:"Type,omitempty"`
	Iops       int    `json:"Iops,omitempty"`
	Throughput int    `json:"Throughput,omitempty"`
	Encrypted  bool   `json:"Encrypted,omitempty"`
	KmsKeyId   string `json:"KmsKeyId,omitempty"`
}

// launchOpts checks RunInstances' options as EC2 does and returns what the
// instances keep; it also sets the attributes the options share with
// ModifyInstanceAttribute (EBS optimisation, kernel, enclaves, the root
// volume's DeleteOnTermination).
func (s *Service) launchOpts(l *launch, in *ec2.RunInstancesInput) (LaunchOpts, error) {
	var o LaunchOpts
	if err := o.root(in.BlockDeviceMappings); err != nil {
		return o, err
	}
	// Encryption by default and the default key apply to the root volume
	// too, before hibernation asks for it encrypted.
	o.Root.Encrypted, o.Root.KmsKeyId = l.keys.of(o.Root.Encrypted, o.Root.KmsKeyId)
	for _, m := range in.BlockDeviceMappings {
		if m.Ebs != nil && m.Ebs.DeleteOnTermination != nil && !*m.Ebs.DeleteOnTermination && (m.DeviceName == "" || m.DeviceName == rootDevice) {
			l.attrs.KeepRootOnTerm = true
		}
	}
	if p := in.Placement; p != nil {
		if p.GroupName != "" || p.GroupId != "" {
			// ec2x has no placement groups yet, so none can exist.
			return o, ec2.Errorf(ec2.CodeInvalidPlacementGroupUnknown, "The Placement Group '%s' is unknown.", p.GroupName+p.GroupId)
		}
		switch p.Tenancy {
		case "", "default", "dedicated":
		case "host":
			return o, ec2.Errorf(ec2.CodeInvalidParameterValue, "Tenancy host needs a Dedicated Host, and ec2x has none to allocate.")
		default:
			return o, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for tenancy: use default, dedicated or host.", p.Tenancy)
		}
	}
	if c := in.CpuOptions; c != nil {
		if err := checkCpuOptions(l, c); err != nil {
			return o, err
		}
		o.Cores, o.Threads = c.CoreCount, c.ThreadsPerCore
	}
	if in.EbsOptimized && l.typ.EBSOptimized == "unsupported" {
		return o, ec2.Errorf(ec2.CodeInvalidParameterCombination, "EBS-optimized instances are not supported for your requested configuration: %s is not EBS-optimized.", l.typeName)
	}
	if h := in.HibernationOptions; h != nil && h.Configured {
		if !o.Root.Encrypted {
			return o, ec2.Errorf(ec2.CodeUnsupportedHibernationConfiguration, "Hibernation needs an encrypted root volume: set Encrypted on its block device mapping.")
		}
		if !l.typ.Hibernation {
			return o, ec2.Errorf(ec2.CodeUnsupportedHibernationConfiguration, "The instance type %s does not support hibernation.", l.typeName)
		}
		o.Hibernation = true
	}
	if p := in.IamInstanceProfile; p != nil {
		o.IamProfile = p.Arn
		if o.IamProfile == "" {
			o.IamProfile = "arn:aws:iam::" + ec2.OwnerID + ":instance-profile/" + p.Name
		}
	}
	if d := in.PrivateDnsNameOptions; d != nil {
		if err := oneOf("HostnameType", d.HostnameType, "ip-name", "resource-name"); err != nil {
			return o, err
		}
		o.HostnameType, o.DnsA, o.DnsAAAA = d.HostnameType, d.EnableResourceNameDnsARecord, d.EnableResourceNameDnsAAAARecord
	}
	if m := in.MaintenanceOptions; m != nil {
		if err := oneOf("AutoRecovery", m.AutoRecovery, "default", "disabled"); err != nil {
			return o, err
		}
		o.AutoRecovery = m.AutoRecovery
	}
	if c := in.CapacityReservationSpecification; c != nil {
		if c.CapacityReservationTarget != nil && c.CapacityReservationTarget.CapacityReservationId != "" {
			return o, ec2.Errorf(ec2.CodeInvalidCapacityReservationIdNotFound, "The capacity reservation '%s' does not exist.", c.CapacityReservationTarget.CapacityReservationId)
		}
		if err := oneOf("CapacityReservationPreference", c.CapacityReservationPreference, "open", "none", "capacity-reservations-only"); err != nil {
			return o, err
		}
		o.Capacity = c.CapacityReservationPreference
	}
	for _, lc := range in.LicenseSpecifications {
		o.Licenses = append(o.Licenses, lc.LicenseConfigurationArn)
	}
	if n := in.NetworkPerformanceOptions; n != nil {
		if err := oneOf("BandwidthWeighting", n.BandwidthWeighting, "default", "vpc-1", "ebs-1"); err != nil {
			return o, err
		}
		o.Bandwidth = n.BandwidthWeighting
	}
	l.attrs.EbsOptimizedAttr = in.EbsOptimized
	l.attrs.KernelId, l.attrs.RamdiskId = in.KernelId, in.RamdiskId
	l.attrs.EnclavesEnabled = in.EnclaveOptions != nil && in.EnclaveOptions.Enabled
	return o, nil
}

// root checks the root volume's mapping with EC2's volume rules.
func (o *LaunchOpts) root(maps []ec2.BlockDeviceMapping) error {
	for _, m := range maps {
		if m.Ebs == nil || (m.DeviceName != "" && m.DeviceName != rootDevice) {
			continue
		}
		e := m.Ebs
		r := RootVolume{Type: e.VolumeType, Iops: e.Iops, Throughput: e.Throughput, KmsKeyId: e.KmsKeyId}
		r.Encrypted = e.Encrypted != nil && *e.Encrypted || e.KmsKeyId != ""
		if err := checkVolume(r, e.VolumeSize, true); err != nil {
			return err
		}
		o.Root = r
	}
	return nil
}

// checkVolume applies EC2's rules for a volume type's IOPS and throughput;
// boot says whether it is a root volume (st1 and sc1 cannot be).
func checkVolume(r RootVolume, size int, boot bool) error {
	switch r.Type {
	case "", "gp3":
		if r.Iops != 0 && (r.Iops < gp3Iops || r.Iops > gp3MaxIops) {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Iops %d is out of range for gp3: %d to %d.", r.Iops, gp3Iops, gp3MaxIops)
		}
		if r.Throughput != 0 && (r.Throughput < gp3Throughput || r.Throughput > gp3MaxThroughput) {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Throughput %d is out of range for gp3: %d to %d MiB/s.", r.Throughput, gp3Throughput, gp3MaxThroughput)
		}
		// Above the baseline, IOPS are bounded by the size and throughput
		// by the IOPS.
		if iops := max(r.Iops, gp3Iops); size > 0 && iops > gp3Iops && iops > gp3IopsPerGiB*size {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Iops to volume size ratio of %d is too high; maximum is %d.", iops/size, gp3IopsPerGiB)
		}
		if iops := max(r.Iops, gp3Iops); r.Throughput > gp3Throughput && r.Throughput*4 > iops {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Throughput (MiBps) to iops ratio of %.6f is too high; maximum is 0.250000 MiBps per iops.", float64(r.Throughput)/float64(iops))
		}
		return nil
	case "io1", "io2":
		if r.Iops == 0 {
			return ec2.Errorf(ec2.CodeInvalidParameterCombination, "The parameter iops must be specified for %s volumes.", r.Type)
		}
		if limit := maxIops[r.Type]; r.Iops < 100 || r.Iops > limit {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Iops %d is out of range for %s: 100 to %d.", r.Iops, r.Type, limit)
		}
		if ratio := iopsPerGiB[r.Type]; size > 0 && r.Iops > ratio*size {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Iops to volume size ratio of %d is too high; maximum is %d.", r.Iops/size, ratio)
		}
	case "gp2", "st1", "sc1", "standard":
		if r.Iops != 0 {
			return ec2.Errorf(ec2.CodeInvalidParameterCombination, "The parameter iops is not supported for %s volumes.", r.Type)
		}
		if boot {
			if err := bootable(r.Type); err != nil {
				return err
			}
		}
	default:
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter volumeType is invalid. Supported values are: standard, io1, io2, gp2, sc1, st1, gp3", r.Type)
	}
	if r.Throughput != 0 {
		return ec2.Errorf(ec2.CodeInvalidParameterCombination, "The parameter throughput is only supported for gp3 volumes.")
	}
	return nil
}

// volumeID is the ID of an instance's root volume: derived from the
// instance's, so that it stays the same for the instance's whole life.
func volumeID(instanceID string) string { return "vol-" + strings.TrimPrefix(instanceID, "i-") }

// profileID is the unique ID EC2 gives an instance profile (AIPA...).
func profileID(arn string) string {
	sum := sha256.Sum256([]byte(arn))
	return "AIPA" + strings.ToUpper(hex.EncodeToString(sum[:8]))
}

// viewLaunchOpts adds the launch options DescribeInstances shows.
func viewLaunchOpts(in *ec2.Instance, r *Record) {
	o := r.Opts()
	in.BlockDeviceMappings = devices(r)
	in.EbsOptimized, in.EnaSupport, in.SourceDestCheck = r.Attr().EbsOptimizedAttr, !r.Attr().NoEnaSupport, true
	in.HibernationOptions = &ec2.HibernationOptions{Configured: o.Hibernation}
	if o.IamProfile != "" {
		in.IamInstanceProfile = &ec2.IamInstanceProfile{Arn: o.IamProfile, Id: profileID(o.IamProfile)}
	}
	in.PrivateDnsNameOptions = &ec2.PrivateDnsNameOptionsResponse{HostnameType: or(o.HostnameType, "ip-name"),
		EnableResourceNameDnsARecord: o.DnsA, EnableResourceNameDnsAAAARecord: o.DnsAAAA}
	in.MaintenanceOptions = &ec2.InstanceMaintenanceOptions{AutoRecovery: or(o.AutoRecovery, "default")}
	in.CapacityReservationSpecification = &ec2.CapacityReservationSpecificationResponse{CapacityReservationPreference: or(o.Capacity, "open")}
	for _, arn := range o.Licenses {
		in.Licenses = append(in.Licenses, ec2.LicenseConfiguration{LicenseConfigurationArn: arn})
	}
	in.EnclaveOptions = &ec2.EnclaveOptions{Enabled: r.Attr().EnclavesEnabled}
	in.NetworkPerformanceOptions = &ec2.InstanceNetworkPerformanceOptions{BandwidthWeighting: or(o.Bandwidth, "default")}
	in.KernelId, in.RamdiskId = r.Attr().KernelId, r.Attr().RamdiskId
	in.BootMode, in.CurrentInstanceBootMode = "uefi-preferred", "legacy-bios"
	in.PlatformDetails, in.UsageOperation = "Linux/UNIX", "RunInstances"
	if o.Cores > 0 {
		in.CpuOptions.CoreCount = o.Cores
	}
	if o.Threads > 0 {
		in.CpuOptions.ThreadsPerCore = o.Threads
	}
	in.CpuOptions.NestedVirtualization = o.Nested
}

// launchOptFields is DescribeInstances' filters over the launch options
// and the root volume.
var launchOptFields = []describe.Field[inst]{
	{Name: "block-device-mapping.attach-time", Values: eachDevice(func(d *ec2.EbsInstanceBlockDevice) string { return d.AttachTime.UTC().Format(time.RFC3339) })},
	{Name: "block-device-mapping.delete-on-termination", Values: eachDevice(func(d *ec2.EbsInstanceBlockDevice) string { return strconv.FormatBool(d.DeleteOnTermination) })},
	{Name: "block-device-mapping.device-name", Values: func(x inst) []string {
		out := []string{rootDevice}
		for _, d := range x.r.RareOf().Disks {
			out = append(out, d.Device)
		}
		return out
	}},
	{Name: "block-device-mapping.status", Values: eachDevice(func(d *ec2.EbsInstanceBlockDevice) string { return d.Status })},
	{Name: "block-device-mapping.volume-id", Values: eachDevice(func(d *ec2.EbsInstanceBlockDevice) string { return d.VolumeId })},
	{Name: "ebs-optimized", Value: func(x inst) string { return strconv.FormatBool(x.r.Attr().EbsOptimizedAttr) }},
	{Name: "hibernation-options.configured", Value: func(x inst) string { return strconv.FormatBool(x.r.Opts().Hibernation) }},
	{Name: "iam-instance-profile.arn", Values: func(x inst) []string { return describe.Optional(x.r.Opts().IamProfile) }},
	{Name: "kernel-id", Values: func(x inst) []string { return describe.Optional(x.r.Attr().KernelId) }},
	{Name: "ramdisk-id", Values: func(x inst) []string { return describe.Optional(x.r.Attr().RamdiskId) }},
	{Name: "root-device-name", Value: func(inst) string { return rootDevice }},
	{Name: "platform-details", Value: func(inst) string { return "Linux/UNIX" }},
	{Name: "usage-operation", Value: func(inst) string { return "RunInstances" }},
	{Name: "boot-mode", Value: func(inst) string { return "uefi-preferred" }},
	{Name: "current-instance-boot-mode", Value: func(inst) string { return "legacy-bios" }},
	{Name: "maintenance-options.auto-recovery", Value: func(x inst) string { return or(x.r.Opts().AutoRecovery, "default") }},
	{Name: "capacity-reservation-specification.capacity-reservation-preference", Value: func(x inst) string { return or(x.r.Opts().Capacity, "open") }},
	{Name: "private-dns-name-options.hostname-type", Value: func(x inst) string { return or(x.r.Opts().HostnameType, "ip-name") }},
	{Name: "private-dns-name-options.enable-resource-name-dns-a-record", Value: func(x inst) string { return strconv.FormatBool(x.r.Opts().DnsA) }},
	{Name: "private-dns-name-options.enable-resource-name-dns-aaaa-record", Value: func(x inst) string { return strconv.FormatBool(x.r.Opts().DnsAAAA) }},
	{Name: "owner-id", Value: func(inst) string { return ec2.OwnerID }},
	{Name: "requester-id", Values: func(inst) []string { return nil }},
	{Name: "placement-group-name", Values: func(inst) []string { return nil }},
	{Name: "product-code", Values: func(inst) []string { return nil }},
	{Name: "source-dest-check", Value: func(inst) string { return "true" }},
}
