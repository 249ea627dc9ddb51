package ec2

import "time"

// The members of a launch template's data as EC2 answers them
// (DescribeLaunchTemplateVersions, GetLaunchTemplateData): every member of
// the AWS SDK's model, named and shaped as it names them.

// ResponseLaunchTemplateData is EC2's ResponseLaunchTemplateData.
type ResponseLaunchTemplateData struct {
	BlockDeviceMappings               []LaunchTemplateBlockDeviceMapping                      `json:"BlockDeviceMappings,omitempty"`
	CapacityReservationSpecification  *LaunchTemplateCapacityReservationSpecificationResponse `json:"CapacityReservationSpecification,omitempty"`
	CpuOptions                        *LaunchTemplateCpuOptions                               `json:"CpuOptions,omitempty"`
	CreditSpecification               *CreditSpecification                                    `json:"CreditSpecification,omitempty"`
	DisableApiStop                    *bool                                                   `json:"DisableApiStop,omitempty"`
	DisableApiTermination             *bool                                                   `json:"DisableApiTermination,omitempty"`
	EbsOptimized                      *bool                                                   `json:"EbsOptimized,omitempty"`
	ElasticGpuSpecifications          []ElasticGpuSpecificationResponse                       `json:"ElasticGpuSpecifications,omitempty"`
	ElasticInferenceAccelerators      []LaunchTemplateElasticInferenceAcceleratorResponse     `json:"ElasticInferenceAccelerators,omitempty"`
	EnclaveOptions                    *LaunchTemplateEnclaveOptions                           `json:"EnclaveOptions,omitempty"`
	HibernationOptions                *LaunchTemplateHibernationOptions                       `json:"HibernationOptions,omitempty"`
	IamInstanceProfile                *LaunchTemplateIamInstanceProfileSpecification          `json:"IamInstanceProfile,omitempty"`
	ImageId                           string                                                  `json:"ImageId,omitempty"`
	InstanceInitiatedShutdownBehavior string                                                  `json:"InstanceInitiatedShutdownBehavior,omitempty"`
	InstanceMarketOptions             *LaunchTemplateInstanceMarketOptions                    `json:"InstanceMarketOptions,omitempty"`
	InstanceRequirements              *InstanceRequirements                                   `json:"InstanceRequirements,omitempty"`
	InstanceType                      string                                                  `json:"InstanceType,omitempty"`
	KernelId                          string                                                  `json:"KernelId,omitempty"`
	KeyName                           string                                                  `json:"KeyName,omitempty"`
	LicenseSpecifications             []LaunchTemplateLicenseConfiguration                    `json:"LicenseSpecifications,omitempty"`
	MaintenanceOptions                *LaunchTemplateInstanceMaintenanceOptions               `json:"MaintenanceOptions,omitempty"`
	MetadataOptions                   *LaunchTemplateInstanceMetadataOptions                  `json:"MetadataOptions,omitempty"`
	Monitoring                        *LaunchTemplatesMonitoring                              `json:"Monitoring,omitempty"`
	NetworkInterfaces                 []LaunchTemplateInstanceNetworkInterfaceSpecification   `json:"NetworkInterfaces,omitempty"`
	NetworkPerformanceOptions         *LaunchTemplateNetworkPerformanceOptions                `json:"NetworkPerformanceOptions,omitempty"`
	Operator                          *OperatorResponse                                       `json:"Operator,omitempty"`
	Placement                         *LaunchTemplatePlacement                                `json:"Placement,omitempty"`
	PrivateDnsNameOptions             *LaunchTemplatePrivateDnsNameOptions                    `json:"PrivateDnsNameOptions,omitempty"`
	RamDiskId                         string                                                  `json:"RamDiskId,omitempty"`
	SecondaryInterfaces               []LaunchTemplateInstanceSecondaryInterfaceSpecification `json:"SecondaryInterfaces,omitempty"`
	SecurityGroupIds                  []string                                                `json:"SecurityGroupIds,omitempty"`
	SecurityGroups                    []string                                                `json:"SecurityGroups,omitempty"`
	TagSpecifications                 []LaunchTemplateTagSpecification                        `json:"TagSpecifications,omitempty"`
	UserData                          string                                                  `json:"UserData,omitempty"`
}

// AcceleratorCount is EC2's AcceleratorCount.
type AcceleratorCount struct {
	Max *int `json:"Max,omitempty"`
	Min *int `json:"Min,omitempty"`
}

// AcceleratorTotalMemoryMiB is EC2's AcceleratorTotalMemoryMiB.
type AcceleratorTotalMemoryMiB struct {
	Max *int `json:"Max,omitempty"`
	Min *int `json:"Min,omitempty"`
}

// BaselineEbsBandwidthMbps is EC2's BaselineEbsBandwidthMbps.
type BaselineEbsBandwidthMbps struct {
	Max *int `json:"Max,omitempty"`
	Min *int `json:"Min,omitempty"`
}

// BaselinePerformanceFactors is EC2's BaselinePerformanceFactors.
type BaselinePerformanceFactors struct {
	Cpu *CpuPerformanceFactor `json:"Cpu,omitempty"`
}

// CapacityReservationTargetResponse is EC2's CapacityReservationTargetResponse.
type CapacityReservationTargetResponse struct {
	CapacityReservationId               string `json:"CapacityReservationId,omitempty"`
	CapacityReservationResourceGroupArn string `json:"CapacityReservationResourceGroupArn,omitempty"`
}

// ConnectionTrackingSpecification is EC2's ConnectionTrackingSpecification.
type ConnectionTrackingSpecification struct {
	TcpEstablishedTimeout *int `json:"TcpEstablishedTimeout,omitempty"`
	UdpStreamTimeout      *int `json:"UdpStreamTimeout,omitempty"`
	UdpTimeout            *int `json:"UdpTimeout,omitempty"`
}

// CpuPerformanceFactor is EC2's CpuPerformanceFactor.
type CpuPerformanceFactor struct {
	References []PerformanceFactorReference `json:"References,omitempty"`
}

// CreditSpecification is EC2's CreditSpecification.
type CreditSpecification struct {
	CpuCredits string `json:"CpuCredits,omitempty"`
}

// ElasticGpuSpecificationResponse is EC2's ElasticGpuSpecificationResponse.
type ElasticGpuSpecificationResponse struct {
	Type string `json:"Type,omitempty"`
}

// InstanceIpv6Address is EC2's InstanceIpv6Address.
type InstanceIpv6Address struct {
	Ipv6Address   string `json:"Ipv6Address,omitempty"`
	IsPrimaryIpv6 *bool  `json:"IsPrimaryIpv6,omitempty"`
}

// InstanceRequirements is EC2's InstanceRequirements.
type InstanceRequirements struct {
	AcceleratorCount                               *AcceleratorCount           `json:"AcceleratorCount,omitempty"`
	AcceleratorManufacturers                       []string                    `json:"AcceleratorManufacturers,omitempty"`
	AcceleratorNames                               []string                    `json:"AcceleratorNames,omitempty"`
	AcceleratorTotalMemoryMiB                      *AcceleratorTotalMemoryMiB  `json:"AcceleratorTotalMemoryMiB,omitempty"`
	AcceleratorTypes                               []string                    `json:"AcceleratorTypes,omitempty"`
	AllowedInstanceTypes                           []string                    `json:"AllowedInstanceTypes,omitempty"`
	BareMetal                                      string                      `json:"BareMetal,omitempty"`
	BaselineEbsBandwidthMbps                       *BaselineEbsBandwidthMbps   `json:"BaselineEbsBandwidthMbps,omitempty"`
	BaselinePerformanceFactors                     *BaselinePerformanceFactors `json:"BaselinePerformanceFactors,omitempty"`
	BurstablePerformance                           string                      `json:"BurstablePerformance,omitempty"`
	CpuManufacturers                               []string                    `json:"CpuManufacturers,omitempty"`
	ExcludedInstanceTypes                          []string                    `json:"ExcludedInstanceTypes,omitempty"`
	InstanceGenerations                            []string                    `json:"InstanceGenerations,omitempty"`
	LocalStorage                                   string                      `json:"LocalStorage,omitempty"`
	LocalStorageTypes                              []string                    `json:"LocalStorageTypes,omitempty"`
	MaxSpotPriceAsPercentageOfOptimalOnDemandPrice *int                        `json:"MaxSpotPriceAsPercentageOfOptimalOnDemandPrice,omitempty"`
	MemoryGiBPerVCpu                               *MemoryGiBPerVCpu           `json:"MemoryGiBPerVCpu,omitempty"`
	MemoryMiB                                      *MemoryMiB                  `json:"MemoryMiB,omitempty"`
	NetworkBandwidthGbps                           *NetworkBandwidthGbps       `json:"NetworkBandwidthGbps,omitempty"`
	NetworkInterfaceCount                          *NetworkInterfaceCount      `json:"NetworkInterfaceCount,omitempty"`
	OnDemandMaxPricePercentageOverLowestPrice      *int                        `json:"OnDemandMaxPricePercentageOverLowestPrice,omitempty"`
	RequireEncryptionInTransit                     *bool                       `json:"RequireEncryptionInTransit,omitempty"`
	RequireHibernateSupport                        *bool                       `json:"RequireHibernateSupport,omitempty"`
	SpotMaxPricePercentageOverLowestPrice          *int                        `json:"SpotMaxPricePercentageOverLowestPrice,omitempty"`
	TotalLocalStorageGB                            *TotalLocalStorageGB        `json:"TotalLocalStorageGB,omitempty"`
	VCpuCount                                      *VCpuCountRange             `json:"VCpuCount,omitempty"`
}

// Ipv4PrefixSpecificationResponse is EC2's Ipv4PrefixSpecificationResponse.
type Ipv4PrefixSpecificationResponse struct {
	Ipv4Prefix string `json:"Ipv4Prefix,omitempty"`
}

// Ipv6PrefixSpecificationResponse is EC2's Ipv6PrefixSpecificationResponse.
type Ipv6PrefixSpecificationResponse struct {
	Ipv6Prefix string `json:"Ipv6Prefix,omitempty"`
}

// LaunchTemplateBlockDeviceMapping is EC2's LaunchTemplateBlockDeviceMapping.
type LaunchTemplateBlockDeviceMapping struct {
	DeviceName  string                        `json:"DeviceName,omitempty"`
	Ebs         *LaunchTemplateEbsBlockDevice `json:"Ebs,omitempty"`
	NoDevice    string                        `json:"NoDevice,omitempty"`
	VirtualName string                        `json:"VirtualName,omitempty"`
}

// LaunchTemplateCapacityReservationSpecificationResponse is EC2's LaunchTemplateCapacityReservationSpecificationResponse.
type LaunchTemplateCapacityReservationSpecificationResponse struct {
	CapacityReservationPreference string                             `json:"CapacityReservationPreference,omitempty"`
	CapacityReservationTarget     *CapacityReservationTargetResponse `json:"CapacityReservationTarget,omitempty"`
}

// LaunchTemplateCpuOptions is EC2's LaunchTemplateCpuOptions.
type LaunchTemplateCpuOptions struct {
	AmdSevSnp            string `json:"AmdSevSnp,omitempty"`
	CoreCount            *int   `json:"CoreCount,omitempty"`
	NestedVirtualization string `json:"NestedVirtualization,omitempty"`
	ThreadsPerCore       *int   `json:"ThreadsPerCore,omitempty"`
}

// LaunchTemplateEbsBlockDevice is EC2's LaunchTemplateEbsBlockDevice.
type LaunchTemplateEbsBlockDevice struct {
	DeleteOnTermination      *bool  `json:"DeleteOnTermination,omitempty"`
	EbsCardIndex             *int   `json:"EbsCardIndex,omitempty"`
	Encrypted                *bool  `json:"Encrypted,omitempty"`
	Iops                     *int   `json:"Iops,omitempty"`
	KmsKeyId                 string `json:"KmsKeyId,omitempty"`
	SnapshotId               string `json:"SnapshotId,omitempty"`
	Throughput               *int   `json:"Throughput,omitempty"`
	VolumeInitializationRate *int   `json:"VolumeInitializationRate,omitempty"`
	VolumeSize               *int   `json:"VolumeSize,omitempty"`
	VolumeType               string `json:"VolumeType,omitempty"`
}

// LaunchTemplateElasticInferenceAcceleratorResponse is EC2's LaunchTemplateElasticInferenceAcceleratorResponse.
type LaunchTemplateElasticInferenceAcceleratorResponse struct {
	Count *int   `json:"Count,omitempty"`
	Type  string `json:"Type,omitempty"`
}

// LaunchTemplateEnaSrdSpecification is EC2's LaunchTemplateEnaSrdSpecification.
type LaunchTemplateEnaSrdSpecification struct {
	EnaSrdEnabled          *bool                                 `json:"EnaSrdEnabled,omitempty"`
	EnaSrdUdpSpecification *LaunchTemplateEnaSrdUdpSpecification `json:"EnaSrdUdpSpecification,omitempty"`
}

// LaunchTemplateEnaSrdUdpSpecification is EC2's LaunchTemplateEnaSrdUdpSpecification.
type LaunchTemplateEnaSrdUdpSpecification struct {
	EnaSrdUdpEnabled *bool `json:"EnaSrdUdpEnabled,omitempty"`
}

// LaunchTemplateEnclaveOptions is EC2's LaunchTemplateEnclaveOptions.
type LaunchTemplateEnclaveOptions struct {
	Enabled *bool `json:"Enabled,omitempty"`
}

// LaunchTemplateHibernationOptions is EC2's LaunchTemplateHibernationOptions.
type LaunchTemplateHibernationOptions struct {
	Configured *bool `json:"Configured,omitempty"`
}

// LaunchTemplateIamInstanceProfileSpecification is EC2's LaunchTemplateIamInstanceProfileSpecification.
type LaunchTemplateIamInstanceProfileSpecification struct {
	Arn  string `json:"Arn,omitempty"`
	Name string `json:"Name,omitempty"`
}

// LaunchTemplateInstanceMaintenanceOptions is EC2's LaunchTemplateInstanceMaintenanceOptions.
type LaunchTemplateInstanceMaintenanceOptions struct {
	AutoRecovery string `json:"AutoRecovery,omitempty"`
}

// LaunchTemplateInstanceMarketOptions is EC2's LaunchTemplateInstanceMarketOptions.
type LaunchTemplateInstanceMarketOptions struct {
	MarketType  string                           `json:"MarketType,omitempty"`
	SpotOptions *LaunchTemplateSpotMarketOptions `json:"SpotOptions,omitempty"`
}

// LaunchTemplateInstanceMetadataOptions is EC2's LaunchTemplateInstanceMetadataOptions.
type LaunchTemplateInstanceMetadataOptions struct {
	HttpEndpoint            string `json:"HttpEndpoint,omitempty"`
	HttpProtocolIpv6        string `json:"HttpProtocolIpv6,omitempty"`
	HttpPutResponseHopLimit *int   `json:"HttpPutResponseHopLimit,omitempty"`
	HttpTokens              string `json:"HttpTokens,omitempty"`
	InstanceMetadataTags    string `json:"InstanceMetadataTags,omitempty"`
	State                   string `json:"State,omitempty"`
}

// LaunchTemplateInstanceNetworkInterfaceSpecification is EC2's LaunchTemplateInstanceNetworkInterfaceSpecification.
type LaunchTemplateInstanceNetworkInterfaceSpecification struct {
	AssociateCarrierIpAddress       *bool                              `json:"AssociateCarrierIpAddress,omitempty"`
	AssociatePublicIpAddress        *bool                              `json:"AssociatePublicIpAddress,omitempty"`
	ConnectionTrackingSpecification *ConnectionTrackingSpecification   `json:"ConnectionTrackingSpecification,omitempty"`
	DeleteOnTermination             *bool                              `json:"DeleteOnTermination,omitempty"`
	Description                     string                             `json:"Description,omitempty"`
	DeviceIndex                     *int                               `json:"DeviceIndex,omitempty"`
	EnaQueueCount                   *int                               `json:"EnaQueueCount,omitempty"`
	EnaSrdSpecification             *LaunchTemplateEnaSrdSpecification `json:"EnaSrdSpecification,omitempty"`
	Groups                          []string                           `json:"Groups,omitempty"`
	InterfaceType                   string                             `json:"InterfaceType,omitempty"`
	Ipv4PrefixCount                 *int                               `json:"Ipv4PrefixCount,omitempty"`
	Ipv4Prefixes                    []Ipv4PrefixSpecificationResponse  `json:"Ipv4Prefixes,omitempty"`
	Ipv6AddressCount                *int                               `json:"Ipv6AddressCount,omitempty"`
	Ipv6Addresses                   []InstanceIpv6Address              `json:"Ipv6Addresses,omitempty"`
	Ipv6PrefixCount                 *int                               `json:"Ipv6PrefixCount,omitempty"`
	Ipv6Prefixes                    []Ipv6PrefixSpecificationResponse  `json:"Ipv6Prefixes,omitempty"`
	NetworkCardIndex                *int                               `json:"NetworkCardIndex,omitempty"`
	NetworkInterfaceId              string                             `json:"NetworkInterfaceId,omitempty"`
	PrimaryIpv6                     *bool                              `json:"PrimaryIpv6,omitempty"`
	PrivateIpAddress                string                             `json:"PrivateIpAddress,omitempty"`
	PrivateIpAddresses              []PrivateIpAddressSpecification    `json:"PrivateIpAddresses,omitempty"`
	SecondaryPrivateIpAddressCount  *int                               `json:"SecondaryPrivateIpAddressCount,omitempty"`
	SubnetId                        string                             `json:"SubnetId,omitempty"`
}

// LaunchTemplateInstanceSecondaryInterfaceSpecification is EC2's LaunchTemplateInstanceSecondaryInterfaceSpecification.
type LaunchTemplateInstanceSecondaryInterfaceSpecification struct {
	DeleteOnTermination   *bool                                             `json:"DeleteOnTermination,omitempty"`
	DeviceIndex           *int                                              `json:"DeviceIndex,omitempty"`
	InterfaceType         string                                            `json:"InterfaceType,omitempty"`
	NetworkCardIndex      *int                                              `json:"NetworkCardIndex,omitempty"`
	PrivateIpAddressCount *int                                              `json:"PrivateIpAddressCount,omitempty"`
	PrivateIpAddresses    []SecondaryInterfacePrivateIpAddressSpecification `json:"PrivateIpAddresses,omitempty"`
	SecondarySubnetId     string                                            `json:"SecondarySubnetId,omitempty"`
}

// LaunchTemplateLicenseConfiguration is EC2's LaunchTemplateLicenseConfiguration.
type LaunchTemplateLicenseConfiguration struct {
	LicenseConfigurationArn string `json:"LicenseConfigurationArn,omitempty"`
}

// LaunchTemplateNetworkPerformanceOptions is EC2's LaunchTemplateNetworkPerformanceOptions.
type LaunchTemplateNetworkPerformanceOptions struct {
	BandwidthWeighting string `json:"BandwidthWeighting,omitempty"`
}

// LaunchTemplatePlacement is EC2's LaunchTemplatePlacement.
type LaunchTemplatePlacement struct {
	Affinity             string `json:"Affinity,omitempty"`
	AvailabilityZone     string `json:"AvailabilityZone,omitempty"`
	AvailabilityZoneId   string `json:"AvailabilityZoneId,omitempty"`
	GroupId              string `json:"GroupId,omitempty"`
	GroupName            string `json:"GroupName,omitempty"`
	HostId               string `json:"HostId,omitempty"`
	HostResourceGroupArn string `json:"HostResourceGroupArn,omitempty"`
	PartitionNumber      *int   `json:"PartitionNumber,omitempty"`
	SpreadDomain         string `json:"SpreadDomain,omitempty"`
	Tenancy              string `json:"Tenancy,omitempty"`
}

// LaunchTemplatePrivateDnsNameOptions is EC2's LaunchTemplatePrivateDnsNameOptions.
type LaunchTemplatePrivateDnsNameOptions struct {
	EnableResourceNameDnsAAAARecord *bool  `json:"EnableResourceNameDnsAAAARecord,omitempty"`
	EnableResourceNameDnsARecord    *bool  `json:"EnableResourceNameDnsARecord,omitempty"`
	HostnameType                    string `json:"HostnameType,omitempty"`
}

// LaunchTemplateSpotMarketOptions is EC2's LaunchTemplateSpotMarketOptions.
type LaunchTemplateSpotMarketOptions struct {
	BlockDurationMinutes         *int       `json:"BlockDurationMinutes,omitempty"`
	InstanceInterruptionBehavior string     `json:"InstanceInterruptionBehavior,omitempty"`
	MaxPrice                     string     `json:"MaxPrice,omitempty"`
	SpotInstanceType             string     `json:"SpotInstanceType,omitempty"`
	ValidUntil                   *time.Time `json:"ValidUntil,omitempty"`
}

// LaunchTemplateTagSpecification is EC2's LaunchTemplateTagSpecification.
type LaunchTemplateTagSpecification struct {
	ResourceType string `json:"ResourceType,omitempty"`
	Tags         []Tag  `json:"Tags,omitempty"`
}

// LaunchTemplatesMonitoring is EC2's LaunchTemplatesMonitoring.
type LaunchTemplatesMonitoring struct {
	Enabled *bool `json:"Enabled,omitempty"`
}

// MemoryGiBPerVCpu is EC2's MemoryGiBPerVCpu.
type MemoryGiBPerVCpu struct {
	Max *float64 `json:"Max,omitempty"`
	Min *float64 `json:"Min,omitempty"`
}

// MemoryMiB is EC2's MemoryMiB.
type MemoryMiB struct {
	Max *int `json:"Max,omitempty"`
	Min *int `json:"Min,omitempty"`
}

// NetworkBandwidthGbps is EC2's NetworkBandwidthGbps.
type NetworkBandwidthGbps struct {
	Max *float64 `json:"Max,omitempty"`
	Min *float64 `json:"Min,omitempty"`
}

// NetworkInterfaceCount is EC2's NetworkInterfaceCount.
type NetworkInterfaceCount struct {
	Max *int `json:"Max,omitempty"`
	Min *int `json:"Min,omitempty"`
}

// OperatorResponse is EC2's OperatorResponse.
type OperatorResponse struct {
	HiddenByDefault *bool  `json:"HiddenByDefault,omitempty"`
	Managed         *bool  `json:"Managed,omitempty"`
	Principal       string `json:"Principal,omitempty"`
}

// PerformanceFactorReference is EC2's PerformanceFactorReference.
type PerformanceFactorReference struct {
	InstanceFamily string `json:"InstanceFamily,omitempty"`
}

// ResponseError is EC2's ResponseError.
type ResponseError struct {
	Code    string `json:"Code,omitempty"`
	Message string `json:"Message,omitempty"`
}

// SecondaryInterfacePrivateIpAddressSpecification is EC2's SecondaryInterfacePrivateIpAddressSpecification.
type SecondaryInterfacePrivateIpAddressSpecification struct {
	PrivateIpAddress string `json:"PrivateIpAddress,omitempty"`
}

// TotalLocalStorageGB is EC2's TotalLocalStorageGB.
type TotalLocalStorageGB struct {
	Max *float64 `json:"Max,omitempty"`
	Min *float64 `json:"Min,omitempty"`
}

// VCpuCountRange is EC2's VCpuCountRange.
type VCpuCountRange struct {
	Max *int `json:"Max,omitempty"`
	Min *int `json:"Min,omitempty"`
}

// ValidationError is EC2's ValidationError.
type ValidationError struct {
	Code    string `json:"Code,omitempty"`
	Message string `json:"Message,omitempty"`
}

// ValidationWarning is EC2's ValidationWarning.
type ValidationWarning struct {
	Errors []ValidationError `json:"Errors,omitempty"`
}
