package ec2

import "strings"

// DescribeInstancesInput is EC2's DescribeInstances request.
type DescribeInstancesInput struct {
	InstanceIds []string `json:"InstanceIds,omitempty"`
	Filters     []Filter `json:"Filters,omitempty"`
	// MaxResults (5 to 1000) pages the answer; NextToken continues it.
	MaxResults int    `json:"MaxResults,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
	// IncludeManagedResources: ec2x has no resources managed by other
	// services, so every instance is always listed.
	IncludeManagedResources bool `json:"IncludeManagedResources,omitempty" ec2x:"noeffect"`
}

// DescribeInstancesOutput lists instances, without EC2's Reservations layer.
// Its JSON is also written by hand (instance.Service.DescribeInstancesJSON;
// TestDescribeInstancesJSONShapes holds the two together).
type DescribeInstancesOutput struct {
	Instances []*Instance `json:"Instances"`
	// NextToken is set when MaxResults cut the answer short.
	NextToken string `json:"NextToken,omitempty"`
	// ReservationIds holds each instance's reservation, for front ends
	// that answer in EC2's Reservations layer.
	ReservationIds []string `json:"-"`
}

// DescribeInstanceRowsInput asks for instances as compact rows, for the
// CLI's listings (an ec2x action); IdsOnly keeps only the IDs.
type DescribeInstanceRowsInput struct {
	DescribeInstancesInput
	IdsOnly bool `json:"IdsOnly,omitempty"`
}

// DescribeInstanceRowsOutput is the instances as rows of text, in
// DescribeInstances' order: one line per instance, its fields separated by
// tabs: InstanceId, the Name tag, InstanceType, State, AvailabilityZone,
// PrivateIpAddress, PublicIpAddress and LaunchTime (RFC 3339), empty where
// an instance has none. In a field, a backslash, tab, newline or carriage
// return is written as \\, \t, \n or \r. The API sends it as text, not
// JSON: a CLI call lists a fleet without decoding one.
type DescribeInstanceRowsOutput struct {
	Body []byte
}

// Raw returns the bytes to send.
func (o *DescribeInstanceRowsOutput) Raw() []byte { return o.Body }

// SetRaw takes the bytes received.
func (o *DescribeInstanceRowsOutput) SetRaw(b []byte) { o.Body = b }

// AppendRowField appends a field of an instance row, escaped.
func AppendRowField(b []byte, field string) []byte {
	for i := 0; i < len(field); i++ {
		switch c := field[i]; c {
		case '\\':
			b = append(b, '\\', '\\')
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, c)
		}
	}
	return b
}

// RowFields splits a row of DescribeInstanceRowsOutput into its fields.
func RowFields(line string) []string {
	fields := strings.Split(line, "\t")
	for i, f := range fields {
		if strings.IndexByte(f, '\\') >= 0 {
			fields[i] = unescapeRowField(f)
		}
	}
	return fields
}

func unescapeRowField(f string) string {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '\\' || i+1 == len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		switch f[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		default:
			b.WriteByte(f[i])
		}
	}
	return b.String()
}

// WaitInstancesInput asks to wait until every instance is in State.
type WaitInstancesInput struct {
	InstanceIds []string `json:"InstanceIds"`
	State       string   `json:"State"`
	// TimeoutSeconds bounds this one call; clients loop for longer waits.
	TimeoutSeconds float64 `json:"TimeoutSeconds"`
}

// WaitInstancesOutput says whether the wait is over, with the instances.
type WaitInstancesOutput struct {
	Done      bool        `json:"Done"`
	Instances []*Instance `json:"Instances"`
}

// RunInstancesInput is EC2's RunInstances request.
type RunInstancesInput struct {
	ImageId             string               `json:"ImageId,omitempty"`
	InstanceType        string               `json:"InstanceType,omitempty"`
	MinCount            int                  `json:"MinCount,omitempty"`
	MaxCount            int                  `json:"MaxCount,omitempty"`
	KeyName             string               `json:"KeyName,omitempty"`
	Placement           *Placement           `json:"Placement,omitempty"`
	SubnetId            string               `json:"SubnetId,omitempty"`
	SecurityGroupIds    []string             `json:"SecurityGroupIds,omitempty"`
	SecurityGroups      []string             `json:"SecurityGroups,omitempty"`
	UserData            string               `json:"UserData,omitempty"` // base64, as EC2 takes it
	ClientToken         string               `json:"ClientToken,omitempty"`
	TagSpecifications   []TagSpecification   `json:"TagSpecifications,omitempty"`
	BlockDeviceMappings []BlockDeviceMapping `json:"BlockDeviceMappings,omitempty"`
	// InstanceMarketOptions asks for spot capacity.
	InstanceMarketOptions *InstanceMarketOptions `json:"InstanceMarketOptions,omitempty"`
	// LaunchTemplate launches from a template's version: its data are the
	// defaults the request's own parameters override.
	LaunchTemplate *LaunchTemplateSpecification `json:"LaunchTemplate,omitempty"`
	// SystemTags are the aws: tags EC2 puts on the instances (those of a
	// launch template); set by the service, never read from a request.
	SystemTags []Tag `json:"-"`
	// Driver (an ec2x addition) keeps the launch on hosts of that
	// hypervisor driver: sim, qemu or libvirt.
	Driver string `json:"Driver,omitempty"`
	// Strategy (an ec2x addition) weighs hosts for this launch: "spread"
	// (the emptiest host first) or "binpack" (the fullest that fits);
	// "" is the config's [scheduler] strategy.
	Strategy string `json:"Strategy,omitempty"`
	DryRun   bool   `json:"DryRun,omitempty"`

	// CreditSpecification sets a burstable instance's credit option.
	CreditSpecification *CreditSpecificationRequest `json:"CreditSpecification,omitempty"`
	// Protections, shutdown, metadata and monitoring (instance attributes;
	// stored on the instance, see attrs.go).
	DisableApiTermination             bool                            `json:"DisableApiTermination,omitempty"`
	DisableApiStop                    bool                            `json:"DisableApiStop,omitempty"`
	InstanceInitiatedShutdownBehavior string                          `json:"InstanceInitiatedShutdownBehavior,omitempty"`
	MetadataOptions                   *InstanceMetadataOptionsRequest `json:"MetadataOptions,omitempty"`
	Monitoring                        *RunInstancesMonitoringEnabled  `json:"Monitoring,omitempty" ec2x:"noeffect"` // shown, filtered; metrics keep [monitor]'s interval

	// Launch options recorded on the instance and shown back (see
	// core/instance/launchopts.go); those ec2x has nothing behind are
	// marked noeffect.
	EbsOptimized                     bool                                      `json:"EbsOptimized,omitempty" ec2x:"noeffect"`
	HibernationOptions               *HibernationOptionsRequest                `json:"HibernationOptions,omitempty"`
	IamInstanceProfile               *IamInstanceProfileSpecification          `json:"IamInstanceProfile,omitempty" ec2x:"noeffect"`
	CpuOptions                       *CpuOptionsRequest                        `json:"CpuOptions,omitempty"`
	PrivateDnsNameOptions            *PrivateDnsNameOptionsRequest             `json:"PrivateDnsNameOptions,omitempty" ec2x:"noeffect"`
	MaintenanceOptions               *InstanceMaintenanceOptionsRequest        `json:"MaintenanceOptions,omitempty" ec2x:"noeffect"`
	CapacityReservationSpecification *CapacityReservationSpecification         `json:"CapacityReservationSpecification,omitempty"`
	LicenseSpecifications            []LicenseConfigurationRequest             `json:"LicenseSpecifications,omitempty" ec2x:"noeffect"`
	EnclaveOptions                   *EnclaveOptionsRequest                    `json:"EnclaveOptions,omitempty" ec2x:"noeffect"`
	NetworkPerformanceOptions        *InstanceNetworkPerformanceOptionsRequest `json:"NetworkPerformanceOptions,omitempty" ec2x:"noeffect"`
	KernelId                         string                                    `json:"KernelId,omitempty" ec2x:"noeffect"`
	RamdiskId                        string                                    `json:"RamdiskId,omitempty" ec2x:"noeffect"`
	AdditionalInfo                   string                                    `json:"AdditionalInfo,omitempty" ec2x:"noeffect"`
	Operator                         *OperatorRequest                          `json:"Operator,omitempty" ec2x:"noeffect"`

	// Network interfaces and addresses at launch (see
	// core/instance/launchnet.go); accelerators AWS has ended are refused.
	NetworkInterfaces            []InstanceNetworkInterfaceSpecification          `json:"NetworkInterfaces,omitempty"`
	PrivateIpAddress             string                                           `json:"PrivateIpAddress,omitempty"`
	Ipv6AddressCount             int                                              `json:"Ipv6AddressCount,omitempty"`
	Ipv6Addresses                []InstanceIpv6Address                            `json:"Ipv6Addresses,omitempty"`
	EnablePrimaryIpv6            *bool                                            `json:"EnablePrimaryIpv6,omitempty"`
	SecondaryInterfaces          []InstanceSecondaryInterfaceSpecificationRequest `json:"SecondaryInterfaces,omitempty"`
	ElasticGpuSpecification      []ElasticGpuSpecification                        `json:"ElasticGpuSpecification,omitempty"`
	ElasticInferenceAccelerators []ElasticInferenceAccelerator                    `json:"ElasticInferenceAccelerators,omitempty"`
}

// TagSpecification tags resources at creation.
type TagSpecification struct {
	ResourceType string `json:"ResourceType"`
	Tags         []Tag  `json:"Tags"`
}

// BlockDeviceMapping is a device of a launch: an EBS volume (the root
// device's settings, or a new volume), an instance store (VirtualName) or
// a device of the image left out (NoDevice).
type BlockDeviceMapping struct {
	DeviceName string          `json:"DeviceName,omitempty"`
	Ebs        *EbsBlockDevice `json:"Ebs,omitempty"`
	// NoDevice is set (to "", as the SDKs send it) to leave a device out.
	NoDevice    *string `json:"NoDevice,omitempty"`
	VirtualName string  `json:"VirtualName,omitempty"`
}

// EbsBlockDevice is a volume's settings.
type EbsBlockDevice struct {
	VolumeSize          int    `json:"VolumeSize,omitempty"`
	VolumeType          string `json:"VolumeType,omitempty"`
	Iops                int    `json:"Iops,omitempty"`
	Throughput          int    `json:"Throughput,omitempty"`
	DeleteOnTermination *bool  `json:"DeleteOnTermination,omitempty"`
	Encrypted           *bool  `json:"Encrypted,omitempty"`
	KmsKeyId            string `json:"KmsKeyId,omitempty"`
	SnapshotId          string `json:"SnapshotId,omitempty"`
	// Where and how the volume is made, which changes nothing in ec2x
	// (the instance's zone; one EBS card).
	AvailabilityZone         string `json:"AvailabilityZone,omitempty" ec2x:"noeffect"`
	AvailabilityZoneId       string `json:"AvailabilityZoneId,omitempty" ec2x:"noeffect"`
	EbsCardIndex             *int   `json:"EbsCardIndex,omitempty" ec2x:"noeffect"`
	OutpostArn               string `json:"OutpostArn,omitempty"`
	VolumeInitializationRate *int   `json:"VolumeInitializationRate,omitempty" ec2x:"noeffect"`
}

// RunInstancesOutput is a reservation: the instances one call launched.
type RunInstancesOutput struct {
	ReservationId string            `json:"ReservationId"`
	OwnerId       string            `json:"OwnerId"`
	Groups        []GroupIdentifier `json:"Groups"`
	Instances     []*Instance       `json:"Instances"`
}

// WorkloadTag picks a simulated guest's workload model.
const WorkloadTag = "ec2x:workload"

// InstanceIdsInput names instances (RebootInstances).
type InstanceIdsInput struct {
	InstanceIds []string `json:"InstanceIds"`
	DryRun      bool     `json:"DryRun,omitempty"`
}

// StartInstancesInput is EC2's StartInstances request.
type StartInstancesInput struct {
	InstanceIds []string `json:"InstanceIds"`
	// AdditionalInfo is "Reserved" in EC2's model: read and ignored.
	AdditionalInfo string `json:"AdditionalInfo,omitempty" ec2x:"noeffect"`
	DryRun         bool   `json:"DryRun,omitempty"`
}

// StopInstancesInput is EC2's StopInstances request.
type StopInstancesInput struct {
	InstanceIds []string `json:"InstanceIds"`
	// Force shuts down gracefully first and powers off if that does not
	// finish; on an instance already stopping it powers off at once.
	Force bool `json:"Force,omitempty"`
	// Hibernate saves the guest's memory to its root volume and stops; the
	// next start resumes it. Only for instances launched with hibernation.
	Hibernate bool `json:"Hibernate,omitempty"`
	// SkipOsShutdown powers the guest off without its OS shutdown.
	SkipOsShutdown bool `json:"SkipOsShutdown,omitempty"`
	DryRun         bool `json:"DryRun,omitempty"`
}

// TerminateInstancesInput is EC2's TerminateInstances request.
type TerminateInstancesInput struct {
	InstanceIds []string `json:"InstanceIds"`
	// Force: as StopInstances' Force, for an instance stuck shutting down.
	Force bool `json:"Force,omitempty"`
	// SkipOsShutdown powers the guest off without its OS shutdown.
	SkipOsShutdown bool `json:"SkipOsShutdown,omitempty"`
	DryRun         bool `json:"DryRun,omitempty"`
}

// StartInstancesOutput answers StartInstances.
type StartInstancesOutput struct {
	StartingInstances []StateChange `json:"StartingInstances"`
}

// StopInstancesOutput answers StopInstances.
type StopInstancesOutput struct {
	StoppingInstances []StateChange `json:"StoppingInstances"`
}

// TerminateInstancesOutput answers TerminateInstances.
type TerminateInstancesOutput struct {
	TerminatingInstances []StateChange `json:"TerminatingInstances"`
}

// Empty is the answer of calls that return nothing but success.
type Empty struct {
	Return bool `json:"Return"`
}

// AttributeValue is EC2's {Value: ...} wrapper.
type AttributeValue struct {
	Value string `json:"Value,omitempty"`
}

// HostInfo is a host server as `ec2x hosts ls` shows it.
type HostInfo struct {
	Host
	CapacityVCpus     int `json:"CapacityVCpus"`
	CapacityMemoryMiB int `json:"CapacityMemoryMiB"`
	// Acceleration is how a driver of real guests runs them (kvm or tcg).
	Acceleration string `json:"Acceleration,omitempty"`
	// GuestNetwork is how a driver of real guests networks them: "vpc",
	// or "user (why)" when the private network is off.
	GuestNetwork string `json:"GuestNetwork,omitempty"`
	// State is "connected" or "unreachable" (why, in StateReason).
	State       string         `json:"State"`
	StateReason string         `json:"StateReason,omitempty"`
	Instances   []HostInstance `json:"Instances"`
}

// HostInstance is one guest of a host.
type HostInstance struct {
	InstanceId   string `json:"InstanceId"`
	InstanceType string `json:"InstanceType"`
	State        string `json:"State"`
}

// DescribeHostsOutput lists hosts.
type DescribeHostsOutput struct {
	Hosts []HostInfo `json:"Hosts"`
}

// ExplainPlacementInput asks where an instance of a type would go.
type ExplainPlacementInput struct {
	InstanceType     string `json:"InstanceType"`
	AvailabilityZone string `json:"AvailabilityZone,omitempty"`
	// Driver and Strategy are RunInstancesInput's.
	Driver   string `json:"Driver,omitempty"`
	Strategy string `json:"Strategy,omitempty"`
}

// ExplainPlacementOutput is every host's verdict: rejected with a reason, or scored.
type ExplainPlacementOutput struct {
	Hosts []PlacementResult `json:"Hosts"`
}

// SSHTargetInput names the instance to log in to.
type SSHTargetInput struct {
	InstanceId string `json:"InstanceId"`
}

// SSHTarget is where and as whom to connect to an instance with SSH.
type SSHTarget struct {
	InstanceId string `json:"InstanceId"`
	Host       string `json:"Host"`
	Port       int    `json:"Port"`
	User       string `json:"User"`
	KeyName    string `json:"KeyName"`
}

// GetConsoleOutputInput is EC2's GetConsoleOutput request.
type GetConsoleOutputInput struct {
	InstanceId string `json:"InstanceId"`
	Latest     bool   `json:"Latest,omitempty"`
}

// ConsoleOutput is the system log. Output is plain text here (EC2 sends it
// base64-encoded; the EC2 endpoint encodes it on the way out).
type ConsoleOutput struct {
	InstanceId string `json:"InstanceId"`
	Timestamp  string `json:"Timestamp"`
	Output     string `json:"Output"`
}

// InstanceMetadata is what an instance's metadata service tells its guest
// (IMDS): who it is, where, its addresses, keys and user data, and a spot
// interruption notice when one is given.
type InstanceMetadata struct {
	InstanceId       string          `json:"InstanceId"`
	InstanceType     string          `json:"InstanceType"`
	ImageId          string          `json:"ImageId"`
	ReservationId    string          `json:"ReservationId"`
	Region           string          `json:"Region"`
	AvailabilityZone string          `json:"AvailabilityZone"`
	Architecture     string          `json:"Architecture"`
	State            string          `json:"State"`
	LocalIpv4        string          `json:"LocalIpv4,omitempty"`
	PublicIpv4       string          `json:"PublicIpv4,omitempty"`
	LocalHostname    string          `json:"LocalHostname"`
	PublicHostname   string          `json:"PublicHostname,omitempty"`
	Mac              string          `json:"Mac,omitempty"`
	SecurityGroups   []string        `json:"SecurityGroups"`
	PublicKeys       []KeyPairInfo   `json:"PublicKeys"`
	UserData         []byte          `json:"UserData,omitempty"`
	SpotAction       *InstanceAction `json:"SpotAction,omitempty"`
	LaunchTime       string          `json:"LaunchTime"`
	// Options are the instance's metadata options (tokens, hop limit,
	// endpoint, tags); Tags are its tags when InstanceMetadataTags is enabled.
	Options *InstanceMetadataOptionsResponse `json:"Options,omitempty"`
	Tags    []Tag                            `json:"Tags,omitempty"`
}

// InstanceIdInput names one instance.
type InstanceIdInput struct {
	InstanceId string `json:"InstanceId"`
}

// MetadataEndpoint is where an instance's metadata service answers.
type MetadataEndpoint struct {
	InstanceId string `json:"InstanceId"`
	Url        string `json:"Url"`
}
