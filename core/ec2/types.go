package ec2

import "time"

// Instance state codes and names, as EC2 numbers them.
const (
	StatePending      = "pending"
	StateRunning      = "running"
	StateShuttingDown = "shutting-down"
	StateTerminated   = "terminated"
	StateStopping     = "stopping"
	StateStopped      = "stopped"
)

var stateCodes = map[string]int{
	StatePending: 0, StateRunning: 16, StateShuttingDown: 32,
	StateTerminated: 48, StateStopping: 64, StateStopped: 80,
}

// InstanceState is EC2's State{Code,Name}.
type InstanceState struct {
	Code int    `json:"Code"`
	Name string `json:"Name"`
}

// NewState returns the InstanceState for a state name.
func NewState(name string) InstanceState {
	return InstanceState{Code: stateCodes[name], Name: name}
}

// ValidStateName reports whether name is one of EC2's instance states.
func ValidStateName(name string) bool { _, ok := stateCodes[name]; return ok }

// StateReason is EC2's StateReason{Code,Message}.
type StateReason struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

// Tag is a key/value pair.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// Placement says where an instance runs.
type Placement struct {
	AvailabilityZone     string `json:"AvailabilityZone"`
	AvailabilityZoneId   string `json:"AvailabilityZoneId,omitempty"`
	HostId               string `json:"HostId,omitempty"`
	Tenancy              string `json:"Tenancy"`
	GroupName            string `json:"GroupName,omitempty"`
	GroupId              string `json:"GroupId,omitempty"`
	Affinity             string `json:"Affinity,omitempty"`
	PartitionNumber      int    `json:"PartitionNumber,omitempty"`
	SpreadDomain         string `json:"SpreadDomain,omitempty"`
	HostResourceGroupArn string `json:"HostResourceGroupArn,omitempty"`
}

// GroupIdentifier names a security group.
type GroupIdentifier struct {
	GroupId   string `json:"GroupId"`
	GroupName string `json:"GroupName"`
}

// Attachment links a network interface to an instance.
type Attachment struct {
	AttachmentId        string    `json:"AttachmentId"`
	DeviceIndex         int       `json:"DeviceIndex"`
	Status              string    `json:"Status"`
	AttachTime          time.Time `json:"AttachTime"`
	DeleteOnTermination bool      `json:"DeleteOnTermination"`
	InstanceId          string    `json:"InstanceId,omitempty"`
}

// IPAssociation is the public side of a private address.
type IPAssociation struct {
	PublicIp      string `json:"PublicIp"`
	IpOwnerId     string `json:"IpOwnerId,omitempty"`
	AllocationId  string `json:"AllocationId,omitempty"`
	AssociationId string `json:"AssociationId,omitempty"`
}

// PrivateIP is one private address of a network interface.
type PrivateIP struct {
	PrivateIpAddress string         `json:"PrivateIpAddress"`
	Primary          bool           `json:"Primary"`
	Association      *IPAssociation `json:"Association,omitempty"`
}

// InstanceNetworkInterface is a network interface as DescribeInstances shows it.
type InstanceNetworkInterface struct {
	NetworkInterfaceId string            `json:"NetworkInterfaceId"`
	SubnetId           string            `json:"SubnetId"`
	VpcId              string            `json:"VpcId"`
	MacAddress         string            `json:"MacAddress"`
	PrivateIpAddress   string            `json:"PrivateIpAddress"`
	PrivateIpAddresses []PrivateIP       `json:"PrivateIpAddresses"`
	Association        *IPAssociation    `json:"Association,omitempty"`
	Attachment         Attachment        `json:"Attachment"`
	Groups             []GroupIdentifier `json:"Groups"`
	Status             string            `json:"Status"`
	Description        string            `json:"Description"`
}

// CpuOptions is the core and thread count.
type CpuOptions struct {
	CoreCount      int `json:"CoreCount"`
	ThreadsPerCore int `json:"ThreadsPerCore"`
	// NestedVirtualization is set once ModifyInstanceCpuOptions chose it.
	NestedVirtualization string `json:"NestedVirtualization,omitempty"`
}

// Instance is an EC2 instance.
type Instance struct {
	InstanceId            string                     `json:"InstanceId"`
	ImageId               string                     `json:"ImageId"`
	InstanceType          string                     `json:"InstanceType"`
	KeyName               string                     `json:"KeyName,omitempty"`
	LaunchTime            time.Time                  `json:"LaunchTime"`
	State                 InstanceState              `json:"State"`
	StateReason           *StateReason               `json:"StateReason,omitempty"`
	StateTransitionReason string                     `json:"StateTransitionReason"`
	Placement             Placement                  `json:"Placement"`
	PrivateDnsName        string                     `json:"PrivateDnsName"`
	PrivateIpAddress      string                     `json:"PrivateIpAddress,omitempty"`
	PublicDnsName         string                     `json:"PublicDnsName"`
	PublicIpAddress       string                     `json:"PublicIpAddress,omitempty"`
	SubnetId              string                     `json:"SubnetId,omitempty"`
	VpcId                 string                     `json:"VpcId,omitempty"`
	SecurityGroups        []GroupIdentifier          `json:"SecurityGroups"`
	NetworkInterfaces     []InstanceNetworkInterface `json:"NetworkInterfaces"`
	Tags                  []Tag                      `json:"Tags,omitempty"`
	InstanceLifecycle     string                     `json:"InstanceLifecycle,omitempty"`
	SpotInstanceRequestId string                     `json:"SpotInstanceRequestId,omitempty"`
	// SpotInstanceAction is an interruption notice: what happens to the
	// spot instance, and when (ec2x shows here what EC2 puts in the
	// instance metadata's spot/instance-action).
	SpotInstanceAction *InstanceAction `json:"SpotInstanceAction,omitempty"`
	CpuOptions         CpuOptions      `json:"CpuOptions"`
	Architecture       string          `json:"Architecture"`
	VirtualizationType string          `json:"VirtualizationType"`
	Hypervisor         string          `json:"Hypervisor"`
	RootDeviceType     string          `json:"RootDeviceType"`
	RootDeviceName     string          `json:"RootDeviceName"`
	AmiLaunchIndex     int             `json:"AmiLaunchIndex"`
	ClientToken        string          `json:"ClientToken,omitempty"`
	// RootVolumeSize is the root volume's size in GiB (an ec2x addition:
	// EC2 keeps a volume's size on the volume, for DescribeVolumes, and
	// an instance's BlockDeviceMappings name the volume without it).
	RootVolumeSize int `json:"RootVolumeSize,omitempty"`

	// Instance attributes (attrs.go).
	MetadataOptions *InstanceMetadataOptionsResponse `json:"MetadataOptions,omitempty"`
	Monitoring      *Monitoring                      `json:"Monitoring,omitempty"`

	// Launch options (launchopts.go).
	BlockDeviceMappings              []InstanceBlockDeviceMapping              `json:"BlockDeviceMappings"`
	EbsOptimized                     bool                                      `json:"EbsOptimized"`
	EnaSupport                       bool                                      `json:"EnaSupport"`
	SourceDestCheck                  bool                                      `json:"SourceDestCheck"`
	HibernationOptions               *HibernationOptions                       `json:"HibernationOptions,omitempty"`
	IamInstanceProfile               *IamInstanceProfile                       `json:"IamInstanceProfile,omitempty"`
	PrivateDnsNameOptions            *PrivateDnsNameOptionsResponse            `json:"PrivateDnsNameOptions,omitempty"`
	MaintenanceOptions               *InstanceMaintenanceOptions               `json:"MaintenanceOptions,omitempty"`
	CapacityReservationSpecification *CapacityReservationSpecificationResponse `json:"CapacityReservationSpecification,omitempty"`
	Licenses                         []LicenseConfiguration                    `json:"Licenses,omitempty"`
	EnclaveOptions                   *EnclaveOptions                           `json:"EnclaveOptions,omitempty"`
	NetworkPerformanceOptions        *InstanceNetworkPerformanceOptions        `json:"NetworkPerformanceOptions,omitempty"`
	KernelId                         string                                    `json:"KernelId,omitempty"`
	RamdiskId                        string                                    `json:"RamdiskId,omitempty"`
	BootMode                         string                                    `json:"BootMode,omitempty"`
	CurrentInstanceBootMode          string                                    `json:"CurrentInstanceBootMode,omitempty"`
	PlatformDetails                  string                                    `json:"PlatformDetails,omitempty"`
	UsageOperation                   string                                    `json:"UsageOperation,omitempty"`
}

// Tag returns the value of tag key and whether it is set.
func (in *Instance) Tag(key string) (string, bool) {
	for _, t := range in.Tags {
		if t.Key == key {
			return t.Value, true
		}
	}
	return "", false
}

// StateChange is one element of Start/Stop/TerminateInstances' answer.
type StateChange struct {
	InstanceId    string        `json:"InstanceId"`
	PreviousState InstanceState `json:"PreviousState"`
	CurrentState  InstanceState `json:"CurrentState"`
}

// KeyPairInfo is a key pair as DescribeKeyPairs shows it.
type KeyPairInfo struct {
	KeyPairId      string    `json:"KeyPairId"`
	KeyName        string    `json:"KeyName"`
	KeyType        string    `json:"KeyType"`
	KeyFingerprint string    `json:"KeyFingerprint"`
	PublicKey      string    `json:"PublicKey,omitempty"`
	CreateTime     time.Time `json:"CreateTime"`
	Tags           []Tag     `json:"Tags,omitempty"`
}

// Region is one region of DescribeRegions.
type Region struct {
	RegionName  string `json:"RegionName"`
	Endpoint    string `json:"Endpoint"`
	OptInStatus string `json:"OptInStatus"`
	Description string `json:"Description,omitempty"`
}

// AvailabilityZone is one zone of DescribeAvailabilityZones.
type AvailabilityZone struct {
	ZoneName           string                    `json:"ZoneName"`
	ZoneId             string                    `json:"ZoneId"`
	RegionName         string                    `json:"RegionName"`
	State              string                    `json:"State"`
	ZoneType           string                    `json:"ZoneType"`
	OptInStatus        string                    `json:"OptInStatus"`
	GroupName          string                    `json:"GroupName"`
	GroupLongName      string                    `json:"GroupLongName,omitempty"`
	NetworkBorderGroup string                    `json:"NetworkBorderGroup"`
	ParentZoneId       string                    `json:"ParentZoneId,omitempty"`
	ParentZoneName     string                    `json:"ParentZoneName,omitempty"`
	Messages           []AvailabilityZoneMessage `json:"Messages"`
}

// AvailabilityZoneMessage is a message about a zone.
type AvailabilityZoneMessage struct {
	Message string `json:"Message"`
}

// InstanceTypeInfo is one instance type of DescribeInstanceTypes, as EC2
// describes it, with the region's on-demand price and the burstable credit
// model added (EC2 keeps those in other APIs and documents).
type InstanceTypeInfo struct {
	InstanceType                  string               `json:"InstanceType"`
	CurrentGeneration             bool                 `json:"CurrentGeneration"`
	FreeTierEligible              bool                 `json:"FreeTierEligible"`
	SupportedUsageClasses         []string             `json:"SupportedUsageClasses"`
	SupportedRootDeviceTypes      []string             `json:"SupportedRootDeviceTypes"`
	SupportedVirtualizationTypes  []string             `json:"SupportedVirtualizationTypes"`
	SupportedBootModes            []string             `json:"SupportedBootModes"`
	BareMetal                     bool                 `json:"BareMetal"`
	Hypervisor                    string               `json:"Hypervisor,omitempty"`
	ProcessorInfo                 ProcessorInfo        `json:"ProcessorInfo"`
	VCpuInfo                      VCpuInfo             `json:"VCpuInfo"`
	MemoryInfo                    MemoryInfo           `json:"MemoryInfo"`
	InstanceStorageSupported      bool                 `json:"InstanceStorageSupported"`
	InstanceStorageInfo           *InstanceStorageInfo `json:"InstanceStorageInfo,omitempty"`
	EbsInfo                       EbsInfo              `json:"EbsInfo"`
	NetworkInfo                   NetworkInfo          `json:"NetworkInfo"`
	GpuInfo                       *GpuInfo             `json:"GpuInfo,omitempty"`
	PlacementGroupInfo            PlacementGroupInfo   `json:"PlacementGroupInfo"`
	HibernationSupported          bool                 `json:"HibernationSupported"`
	BurstablePerformanceSupported bool                 `json:"BurstablePerformanceSupported"`
	DedicatedHostsSupported       bool                 `json:"DedicatedHostsSupported"`
	AutoRecoverySupported         bool                 `json:"AutoRecoverySupported"`
	NitroEnclavesSupport          string               `json:"NitroEnclavesSupport,omitempty"`
	NitroTpmSupport               string               `json:"NitroTpmSupport,omitempty"`
	NitroTpmInfo                  *NitroTpmInfo        `json:"NitroTpmInfo,omitempty"`
	RebootMigrationSupport        string               `json:"RebootMigrationSupport,omitempty"`
	SupportedInRegion             bool                 `json:"SupportedInRegion"`
	OnDemandPricePerHour          string               `json:"OnDemandPricePerHour,omitempty"`
	BaselineCPUPercent            float64              `json:"BaselineCpuUtilizationPercent,omitempty"`
	CPUCreditsPerHour             float64              `json:"CpuCreditsPerHour,omitempty"`
	DefaultCreditSpecification    string               `json:"DefaultCreditSpecification,omitempty"`
}

// ProcessorInfo is the processor.
type ProcessorInfo struct {
	SupportedArchitectures   []string `json:"SupportedArchitectures"`
	SustainedClockSpeedInGhz float64  `json:"SustainedClockSpeedInGhz,omitempty"`
	Manufacturer             string   `json:"Manufacturer,omitempty"`
	SupportedFeatures        []string `json:"SupportedFeatures,omitempty"`
}

// VCpuInfo is the CPU shape: the default and what CpuOptions may choose.
type VCpuInfo struct {
	DefaultVCpus          int   `json:"DefaultVCpus"`
	DefaultCores          int   `json:"DefaultCores"`
	DefaultThreadsPerCore int   `json:"DefaultThreadsPerCore"`
	ValidCores            []int `json:"ValidCores,omitempty"`
	ValidThreadsPerCore   []int `json:"ValidThreadsPerCore,omitempty"`
}

// MemoryInfo is the memory size.
type MemoryInfo struct {
	SizeInMiB int `json:"SizeInMiB"`
}

// NetworkInfo is the network shape and ENI limits.
type NetworkInfo struct {
	NetworkPerformance           string   `json:"NetworkPerformance"`
	MaximumNetworkInterfaces     int      `json:"MaximumNetworkInterfaces"`
	MaximumNetworkCards          int      `json:"MaximumNetworkCards"`
	DefaultNetworkCardIndex      int      `json:"DefaultNetworkCardIndex"`
	Ipv4AddressesPerInterface    int      `json:"Ipv4AddressesPerInterface"`
	Ipv6AddressesPerInterface    int      `json:"Ipv6AddressesPerInterface"`
	Ipv6Supported                bool     `json:"Ipv6Supported"`
	EnaSupport                   string   `json:"EnaSupport"`
	EfaSupported                 bool     `json:"EfaSupported"`
	EfaInfo                      *EfaInfo `json:"EfaInfo,omitempty"`
	EncryptionInTransitSupported bool     `json:"EncryptionInTransitSupported"`
	BandwidthWeightings          []string `json:"BandwidthWeightings,omitempty"`
	FlexibleEnaQueuesSupport     string   `json:"FlexibleEnaQueuesSupport,omitempty"`
}

// EfaInfo is the Elastic Fabric Adapter limit.
type EfaInfo struct {
	MaximumEfaInterfaces int `json:"MaximumEfaInterfaces"`
}

// EbsInfo is what EBS the type supports.
type EbsInfo struct {
	EbsOptimizedSupport   string            `json:"EbsOptimizedSupport"`
	EncryptionSupport     string            `json:"EncryptionSupport"`
	NvmeSupport           string            `json:"NvmeSupport,omitempty"`
	EbsOptimizedInfo      *EbsOptimizedInfo `json:"EbsOptimizedInfo,omitempty"`
	AttachmentLimitType   string            `json:"AttachmentLimitType,omitempty"`
	MaximumEbsAttachments int               `json:"MaximumEbsAttachments,omitempty"`
}

// EbsOptimizedInfo is the dedicated EBS bandwidth.
type EbsOptimizedInfo struct {
	BaselineBandwidthInMbps  int     `json:"BaselineBandwidthInMbps"`
	BaselineThroughputInMBps float64 `json:"BaselineThroughputInMBps"`
	BaselineIops             int     `json:"BaselineIops"`
	MaximumBandwidthInMbps   int     `json:"MaximumBandwidthInMbps"`
	MaximumThroughputInMBps  float64 `json:"MaximumThroughputInMBps"`
	MaximumIops              int     `json:"MaximumIops"`
}

// InstanceStorageInfo is the instance store.
type InstanceStorageInfo struct {
	TotalSizeInGB     int        `json:"TotalSizeInGB"`
	Disks             []DiskInfo `json:"Disks"`
	NvmeSupport       string     `json:"NvmeSupport,omitempty"`
	EncryptionSupport string     `json:"EncryptionSupport,omitempty"`
}

// DiskInfo is one kind of instance store disk.
type DiskInfo struct {
	SizeInGB int    `json:"SizeInGB"`
	Count    int    `json:"Count"`
	Type     string `json:"Type"`
}

// GpuInfo is the GPUs.
type GpuInfo struct {
	Gpus []GpuDeviceInfo `json:"Gpus"`
}

// GpuDeviceInfo is one kind of GPU.
type GpuDeviceInfo struct {
	Count int `json:"Count"`
}

// PlacementGroupInfo lists the placement strategies the type supports.
type PlacementGroupInfo struct {
	SupportedStrategies []string `json:"SupportedStrategies"`
}

// NitroTpmInfo lists the NitroTPM versions.
type NitroTpmInfo struct {
	SupportedVersions []string `json:"SupportedVersions"`
}

// Image is an AMI as DescribeImages shows it. DefaultUser, Alias and
// VolumeSize are ec2x's additions (the SSH user, the short name, the root
// volume's size).
type Image struct {
	ImageId             string               `json:"ImageId"`
	Name                string               `json:"Name"`
	Description         string               `json:"Description"`
	Architecture        string               `json:"Architecture"`
	PlatformDetails     string               `json:"PlatformDetails"`
	UsageOperation      string               `json:"UsageOperation"`
	VirtualizationType  string               `json:"VirtualizationType"`
	Hypervisor          string               `json:"Hypervisor"`
	ImageType           string               `json:"ImageType"`
	ImageLocation       string               `json:"ImageLocation"`
	RootDeviceType      string               `json:"RootDeviceType"`
	RootDeviceName      string               `json:"RootDeviceName"`
	BlockDeviceMappings []BlockDeviceMapping `json:"BlockDeviceMappings"`
	EnaSupport          bool                 `json:"EnaSupport"`
	SriovNetSupport     string               `json:"SriovNetSupport,omitempty"`
	BootMode            string               `json:"BootMode,omitempty"`
	CreationDate        string               `json:"CreationDate,omitempty"`
	State               string               `json:"State"`
	Public              bool                 `json:"Public"`
	OwnerId             string               `json:"OwnerId"`
	ImageOwnerAlias     string               `json:"ImageOwnerAlias,omitempty"`
	FreeTierEligible    bool                 `json:"FreeTierEligible"`
	Tags                []Tag                `json:"Tags,omitempty"`
	// Where an image the account made came from.
	SourceInstanceId  string `json:"SourceInstanceId,omitempty"`
	SourceImageId     string `json:"SourceImageId,omitempty"`
	SourceImageRegion string `json:"SourceImageRegion,omitempty"`
	// DeprecationTime is when the image is deprecated (RFC 3339).
	DeprecationTime string `json:"DeprecationTime,omitempty"`
	// DeregistrationProtection: "disabled", "enabled" or "enabled-with-cooldown".
	DeregistrationProtection  string                     `json:"DeregistrationProtection,omitempty"`
	ImdsSupport               string                     `json:"ImdsSupport,omitempty"`
	TpmSupport                string                     `json:"TpmSupport,omitempty"`
	LastLaunchedTime          string                     `json:"LastLaunchedTime,omitempty"`
	ImageWatermarks           []ImageWatermark           `json:"ImageWatermarks,omitempty"`
	InstanceTypeSpecification *InstanceTypeSpecification `json:"InstanceTypeSpecification,omitempty"`
	// ImageAllowed is whether Allowed AMIs lets the account use it (nil
	// while the setting is disabled).
	ImageAllowed *bool `json:"ImageAllowed,omitempty"`
	// SharedWith are the accounts given launch permission (not shown).
	SharedWith    []string `json:"-"`
	DefaultUser   string   `json:"DefaultUser"`
	Alias         string   `json:"Alias"`
	VolumeSizeGiB int      `json:"VolumeSize"`
}

// Filter is an EC2 filter: a name and values (any may match).
type Filter struct {
	Name   string   `json:"Name"`
	Values []string `json:"Values"`
}

// InstanceAction is a spot interruption notice.
type InstanceAction struct {
	Action string    `json:"Action"` // stop, terminate or hibernate
	Time   time.Time `json:"Time"`
}
