package ec2

import "time"

// The members of a launch template's data as a request gives them
// (CreateLaunchTemplate, CreateLaunchTemplateVersion): every member of the
// AWS SDK's model, named and shaped as it names them.

// RequestLaunchTemplateData is EC2's RequestLaunchTemplateData.
type RequestLaunchTemplateData struct {
	BlockDeviceMappings               []LaunchTemplateBlockDeviceMappingRequest                      `json:"BlockDeviceMappings,omitempty"`
	CapacityReservationSpecification  *LaunchTemplateCapacityReservationSpecificationRequest         `json:"CapacityReservationSpecification,omitempty"`
	CpuOptions                        *LaunchTemplateCpuOptionsRequest                               `json:"CpuOptions,omitempty"`
	CreditSpecification               *CreditSpecificationRequest                                    `json:"CreditSpecification,omitempty"`
	DisableApiStop                    *bool                                                          `json:"DisableApiStop,omitempty"`
	DisableApiTermination             *bool                                                          `json:"DisableApiTermination,omitempty"`
	EbsOptimized                      *bool                                                          `json:"EbsOptimized,omitempty"`
	ElasticGpuSpecifications          []ElasticGpuSpecification                                      `json:"ElasticGpuSpecifications,omitempty"`
	ElasticInferenceAccelerators      []LaunchTemplateElasticInferenceAccelerator                    `json:"ElasticInferenceAccelerators,omitempty"`
	EnclaveOptions                    *LaunchTemplateEnclaveOptionsRequest                           `json:"EnclaveOptions,omitempty"`
	HibernationOptions                *LaunchTemplateHibernationOptionsRequest                       `json:"HibernationOptions,omitempty"`
	IamInstanceProfile                *LaunchTemplateIamInstanceProfileSpecificationRequest          `json:"IamInstanceProfile,omitempty"`
	ImageId                           string                                                         `json:"ImageId,omitempty"`
	InstanceInitiatedShutdownBehavior string                                                         `json:"InstanceInitiatedShutdownBehavior,omitempty"`
	InstanceMarketOptions             *LaunchTemplateInstanceMarketOptionsRequest                    `json:"InstanceMarketOptions,omitempty"`
	InstanceRequirements              *InstanceRequirementsRequest                                   `json:"InstanceRequirements,omitempty"`
	InstanceType                      string                                                         `json:"InstanceType,omitempty"`
	KernelId                          string                                                         `json:"KernelId,omitempty"`
	KeyName                           string                                                         `json:"KeyName,omitempty"`
	LicenseSpecifications             []LaunchTemplateLicenseConfigurationRequest                    `json:"LicenseSpecifications,omitempty"`
	MaintenanceOptions                *LaunchTemplateInstanceMaintenanceOptionsRequest               `json:"MaintenanceOptions,omitempty"`
	MetadataOptions                   *LaunchTemplateInstanceMetadataOptionsRequest                  `json:"MetadataOptions,omitempty"`
	Monitoring                        *LaunchTemplatesMonitoringRequest                              `json:"Monitoring,omitempty"`
	NetworkInterfaces                 []LaunchTemplateInstanceNetworkInterfaceSpecificationRequest   `json:"NetworkInterfaces,omitempty"`
	NetworkPerformanceOptions         *LaunchTemplateNetworkPerformanceOptionsRequest                `json:"NetworkPerformanceOptions,omitempty"`
	Operator                          *OperatorRequest                                               `json:"Operator,omitempty"`
	Placement                         *LaunchTemplatePlacementRequest                                `json:"Placement,omitempty"`
	PrivateDnsNameOptions             *LaunchTemplatePrivateDnsNameOptionsRequest                    `json:"PrivateDnsNameOptions,omitempty"`
	RamDiskId                         string                                                         `json:"RamDiskId,omitempty"`
	SecondaryInterfaces               []LaunchTemplateInstanceSecondaryInterfaceSpecificationRequest `json:"SecondaryInterfaces,omitempty"`
	SecurityGroupIds                  []string                                                       `json:"SecurityGroupIds,omitempty"`
	SecurityGroups                    []string                                                       `json:"SecurityGroups,omitempty"`
	TagSpecifications                 []LaunchTemplateTagSpecificationRequest                        `json:"TagSpecifications,omitempty"`
	UserData                          string                                                         `json:"UserData,omitempty"`
}

// AcceleratorCountRequest is EC2's AcceleratorCountRequest.
type AcceleratorCountRequest struct {
	Max *int `json:"Max,omitempty"`
	Min *int `json:"Min,omitempty"`
}

// AcceleratorTotalMemoryMiBRequest is EC2's AcceleratorTotalMemoryMiBRequest.
type AcceleratorTotalMemoryMiBRequest struct {
	Max *int `json:"Max,omitempty"`
	Min *int `json:"Min,omitempty"`
}

// BaselineEbsBandwidthMbpsRequest is EC2's BaselineEbsBandwidthMbpsRequest.
type BaselineEbsBandwidthMbpsRequest struct {
	Max *int `json:"Max,omitempty"`
	Min *int `json:"Min,omitempty"`
}

// BaselinePerformanceFactorsRequest is EC2's BaselinePerformanceFactorsRequest.
type BaselinePerformanceFactorsRequest struct {
	Cpu *CpuPerformanceFactorRequest `json:"Cpu,omitempty"`
}

// CapacityReservationTarget is EC2's CapacityReservationTarget.
type CapacityReservationTarget struct {
	CapacityReservationId               string `json:"CapacityReservationId,omitempty"`
	CapacityReservationResourceGroupArn string `json:"CapacityReservationResourceGroupArn,omitempty"`
}

// ConnectionTrackingSpecificationRequest is EC2's ConnectionTrackingSpecificationRequest.
type ConnectionTrackingSpecificationRequest struct {
	TcpEstablishedTimeout *int `json:"TcpEstablishedTimeout,omitempty"`
	UdpStreamTimeout      *int `json:"UdpStreamTimeout,omitempty"`
	UdpTimeout            *int `json:"UdpTimeout,omitempty"`
}

// CpuPerformanceFactorRequest is EC2's CpuPerformanceFactorRequest.
type CpuPerformanceFactorRequest struct {
	References []PerformanceFactorReferenceRequest `json:"References,omitempty"`
}

// ElasticGpuSpecification is EC2's ElasticGpuSpecification.
type ElasticGpuSpecification struct {
	Type string `json:"Type,omitempty"`
}

// EnaSrdSpecificationRequest is EC2's EnaSrdSpecificationRequest.
type EnaSrdSpecificationRequest struct {
	EnaSrdEnabled          *bool                          `json:"EnaSrdEnabled,omitempty"`
	EnaSrdUdpSpecification *EnaSrdUdpSpecificationRequest `json:"EnaSrdUdpSpecification,omitempty"`
}

// EnaSrdUdpSpecificationRequest is EC2's EnaSrdUdpSpecificationRequest.
type EnaSrdUdpSpecificationRequest struct {
	EnaSrdUdpEnabled *bool `json:"EnaSrdUdpEnabled,omitempty"`
}

// InstanceIpv6AddressRequest is EC2's InstanceIpv6AddressRequest.
type InstanceIpv6AddressRequest struct {
	Ipv6Address string `json:"Ipv6Address,omitempty"`
}

// InstanceRequirementsRequest is EC2's InstanceRequirementsRequest.
type InstanceRequirementsRequest struct {
	MemoryMiB                                      *MemoryMiBRequest                  `json:"MemoryMiB,omitempty"`
	VCpuCount                                      *VCpuCountRangeRequest             `json:"VCpuCount,omitempty"`
	AcceleratorCount                               *AcceleratorCountRequest           `json:"AcceleratorCount,omitempty"`
	AcceleratorManufacturers                       []string                           `json:"AcceleratorManufacturers,omitempty"`
	AcceleratorNames                               []string                           `json:"AcceleratorNames,omitempty"`
	AcceleratorTotalMemoryMiB                      *AcceleratorTotalMemoryMiBRequest  `json:"AcceleratorTotalMemoryMiB,omitempty"`
	AcceleratorTypes                               []string                           `json:"AcceleratorTypes,omitempty"`
	AllowedInstanceTypes                           []string                           `json:"AllowedInstanceTypes,omitempty"`
	BareMetal                                      string                             `json:"BareMetal,omitempty"`
	BaselineEbsBandwidthMbps                       *BaselineEbsBandwidthMbpsRequest   `json:"BaselineEbsBandwidthMbps,omitempty"`
	BaselinePerformanceFactors                     *BaselinePerformanceFactorsRequest `json:"BaselinePerformanceFactors,omitempty"`
	BurstablePerformance                           string                             `json:"BurstablePerformance,omitempty"`
	CpuManufacturers                               []string                           `json:"CpuManufacturers,omitempty"`
	ExcludedInstanceTypes                          []string                           `json:"ExcludedInstanceTypes,omitempty"`
	InstanceGenerations                            []string                           `json:"InstanceGenerations,omitempty"`
	LocalStorage                                   string                             `json:"LocalStorage,omitempty"`
	LocalStorageTypes                              []string                           `json:"LocalStorageTypes,omitempty"`
	MaxSpotPriceAsPercentageOfOptimalOnDemandPrice *int                               `json:"MaxSpotPriceAsPercentageOfOptimalOnDemandPrice,omitempty"`
	MemoryGiBPerVCpu                               *MemoryGiBPerVCpuRequest           `json:"MemoryGiBPerVCpu,omitempty"`
	NetworkBandwidthGbps                           *NetworkBandwidthGbpsRequest       `json:"NetworkBandwidthGbps,omitempty"`
	NetworkInterfaceCount                          *NetworkInterfaceCountRequest      `json:"NetworkInterfaceCount,omitempty"`
	OnDemandMaxPricePercentageOverLowestPrice      *int                               `json:"OnDemandMaxPricePercentageOverLowestPrice,omitempty"`
	RequireEncryptionInTransit                     *bool                              `json:"RequireEncryptionInTransit,omitempty"`
	RequireHibernateSupport                        *bool                              `json:"RequireHibernateSupport,omitempty"`
	SpotMaxPricePercentageOverLowestPrice          *int                               `json:"SpotMaxPricePercentageOverLowestPrice,omitempty"`
	TotalLocalStorageGB                            *TotalLocalStorageGBRequest        `json:"TotalLocalStorageGB,omitempty"`
}

// Ipv4PrefixSpecificationRequest is EC2's Ipv4PrefixSpecificationRequest.
type Ipv4PrefixSpecificationRequest struct {
	Ipv4Prefix string `json:"Ipv4Prefix,omitempty"`
}

// Ipv6PrefixSpecificationRequest is EC2's Ipv6PrefixSpecificationRequest.
type Ipv6PrefixSpecificationRequest struct {
	Ipv6Prefix string `json:"Ipv6Prefix,omitempty"`
}

// LaunchTemplateBlockDeviceMappingRequest is EC2's LaunchTemplateBlockDeviceMappingRequest.
type LaunchTemplateBlockDeviceMappingRequest struct {
	DeviceName  string                               `json:"DeviceName,omitempty"`
	Ebs         *LaunchTemplateEbsBlockDeviceRequest `json:"Ebs,omitempty"`
	NoDevice    string                               `json:"NoDevice,omitempty"`
	VirtualName string                               `json:"VirtualName,omitempty"`
}

// LaunchTemplateCapacityReservationSpecificationRequest is EC2's LaunchTemplateCapacityReservationSpecificationRequest.
type LaunchTemplateCapacityReservationSpecificationRequest struct {
	CapacityReservationPreference string                     `json:"CapacityReservationPreference,omitempty"`
	CapacityReservationTarget     *CapacityReservationTarget `json:"CapacityReservationTarget,omitempty"`
}

// LaunchTemplateCpuOptionsRequest is EC2's LaunchTemplateCpuOptionsRequest.
type LaunchTemplateCpuOptionsRequest struct {
	AmdSevSnp            string `json:"AmdSevSnp,omitempty"`
	CoreCount            *int   `json:"CoreCount,omitempty"`
	NestedVirtualization string `json:"NestedVirtualization,omitempty"`
	ThreadsPerCore       *int   `json:"ThreadsPerCore,omitempty"`
}

// LaunchTemplateEbsBlockDeviceRequest is EC2's LaunchTemplateEbsBlockDeviceRequest.
type LaunchTemplateEbsBlockDeviceRequest struct {
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

// LaunchTemplateElasticInferenceAccelerator is EC2's LaunchTemplateElasticInferenceAccelerator.
type LaunchTemplateElasticInferenceAccelerator struct {
	Type  string `json:"Type,omitempty"`
	Count *int   `json:"Count,omitempty"`
}

// LaunchTemplateEnclaveOptionsRequest is EC2's LaunchTemplateEnclaveOptionsRequest.
type LaunchTemplateEnclaveOptionsRequest struct {
	Enabled *bool `json:"Enabled,omitempty"`
}

// LaunchTemplateHibernationOptionsRequest is EC2's LaunchTemplateHibernationOptionsRequest.
type LaunchTemplateHibernationOptionsRequest struct {
	Configured *bool `json:"Configured,omitempty"`
}

// LaunchTemplateIamInstanceProfileSpecificationRequest is EC2's LaunchTemplateIamInstanceProfileSpecificationRequest.
type LaunchTemplateIamInstanceProfileSpecificationRequest struct {
	Arn  string `json:"Arn,omitempty"`
	Name string `json:"Name,omitempty"`
}

// LaunchTemplateInstanceMaintenanceOptionsRequest is EC2's LaunchTemplateInstanceMaintenanceOptionsRequest.
type LaunchTemplateInstanceMaintenanceOptionsRequest struct {
	AutoRecovery string `json:"AutoRecovery,omitempty"`
}

// LaunchTemplateInstanceMarketOptionsRequest is EC2's LaunchTemplateInstanceMarketOptionsRequest.
type LaunchTemplateInstanceMarketOptionsRequest struct {
	MarketType  string                                  `json:"MarketType,omitempty"`
	SpotOptions *LaunchTemplateSpotMarketOptionsRequest `json:"SpotOptions,omitempty"`
}

// LaunchTemplateInstanceMetadataOptionsRequest is EC2's LaunchTemplateInstanceMetadataOptionsRequest.
type LaunchTemplateInstanceMetadataOptionsRequest struct {
	HttpEndpoint            string `json:"HttpEndpoint,omitempty"`
	HttpProtocolIpv6        string `json:"HttpProtocolIpv6,omitempty"`
	HttpPutResponseHopLimit *int   `json:"HttpPutResponseHopLimit,omitempty"`
	HttpTokens              string `json:"HttpTokens,omitempty"`
	InstanceMetadataTags    string `json:"InstanceMetadataTags,omitempty"`
}

// LaunchTemplateInstanceNetworkInterfaceSpecificationRequest is EC2's LaunchTemplateInstanceNetworkInterfaceSpecificationRequest.
type LaunchTemplateInstanceNetworkInterfaceSpecificationRequest struct {
	AssociateCarrierIpAddress       *bool                                   `json:"AssociateCarrierIpAddress,omitempty"`
	AssociatePublicIpAddress        *bool                                   `json:"AssociatePublicIpAddress,omitempty"`
	ConnectionTrackingSpecification *ConnectionTrackingSpecificationRequest `json:"ConnectionTrackingSpecification,omitempty"`
	DeleteOnTermination             *bool                                   `json:"DeleteOnTermination,omitempty"`
	Description                     string                                  `json:"Description,omitempty"`
	DeviceIndex                     *int                                    `json:"DeviceIndex,omitempty"`
	EnaQueueCount                   *int                                    `json:"EnaQueueCount,omitempty"`
	EnaSrdSpecification             *EnaSrdSpecificationRequest             `json:"EnaSrdSpecification,omitempty"`
	Groups                          []string                                `json:"Groups,omitempty"`
	InterfaceType                   string                                  `json:"InterfaceType,omitempty"`
	Ipv4PrefixCount                 *int                                    `json:"Ipv4PrefixCount,omitempty"`
	Ipv4Prefixes                    []Ipv4PrefixSpecificationRequest        `json:"Ipv4Prefixes,omitempty"`
	Ipv6AddressCount                *int                                    `json:"Ipv6AddressCount,omitempty"`
	Ipv6Addresses                   []InstanceIpv6AddressRequest            `json:"Ipv6Addresses,omitempty"`
	Ipv6PrefixCount                 *int                                    `json:"Ipv6PrefixCount,omitempty"`
	Ipv6Prefixes                    []Ipv6PrefixSpecificationRequest        `json:"Ipv6Prefixes,omitempty"`
	NetworkCardIndex                *int                                    `json:"NetworkCardIndex,omitempty"`
	NetworkInterfaceId              string                                  `json:"NetworkInterfaceId,omitempty"`
	PrimaryIpv6                     *bool                                   `json:"PrimaryIpv6,omitempty"`
	PrivateIpAddress                string                                  `json:"PrivateIpAddress,omitempty"`
	PrivateIpAddresses              []PrivateIpAddressSpecification         `json:"PrivateIpAddresses,omitempty"`
	SecondaryPrivateIpAddressCount  *int                                    `json:"SecondaryPrivateIpAddressCount,omitempty"`
	SubnetId                        string                                  `json:"SubnetId,omitempty"`
}

// LaunchTemplateInstanceSecondaryInterfaceSpecificationRequest is EC2's LaunchTemplateInstanceSecondaryInterfaceSpecificationRequest.
type LaunchTemplateInstanceSecondaryInterfaceSpecificationRequest struct {
	DeleteOnTermination   *bool                                                    `json:"DeleteOnTermination,omitempty"`
	DeviceIndex           *int                                                     `json:"DeviceIndex,omitempty"`
	InterfaceType         string                                                   `json:"InterfaceType,omitempty"`
	NetworkCardIndex      *int                                                     `json:"NetworkCardIndex,omitempty"`
	PrivateIpAddressCount *int                                                     `json:"PrivateIpAddressCount,omitempty"`
	PrivateIpAddresses    []SecondaryInterfacePrivateIpAddressSpecificationRequest `json:"PrivateIpAddresses,omitempty"`
	SecondarySubnetId     string                                                   `json:"SecondarySubnetId,omitempty"`
}

// LaunchTemplateLicenseConfigurationRequest is EC2's LaunchTemplateLicenseConfigurationRequest.
type LaunchTemplateLicenseConfigurationRequest struct {
	LicenseConfigurationArn string `json:"LicenseConfigurationArn,omitempty"`
}

// LaunchTemplateNetworkPerformanceOptionsRequest is EC2's LaunchTemplateNetworkPerformanceOptionsRequest.
type LaunchTemplateNetworkPerformanceOptionsRequest struct {
	BandwidthWeighting string `json:"BandwidthWeighting,omitempty"`
}

// LaunchTemplatePlacementRequest is EC2's LaunchTemplatePlacementRequest.
type LaunchTemplatePlacementRequest struct {
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

// LaunchTemplatePrivateDnsNameOptionsRequest is EC2's LaunchTemplatePrivateDnsNameOptionsRequest.
type LaunchTemplatePrivateDnsNameOptionsRequest struct {
	EnableResourceNameDnsAAAARecord *bool  `json:"EnableResourceNameDnsAAAARecord,omitempty"`
	EnableResourceNameDnsARecord    *bool  `json:"EnableResourceNameDnsARecord,omitempty"`
	HostnameType                    string `json:"HostnameType,omitempty"`
}

// LaunchTemplateSpotMarketOptionsRequest is EC2's LaunchTemplateSpotMarketOptionsRequest.
type LaunchTemplateSpotMarketOptionsRequest struct {
	BlockDurationMinutes         *int       `json:"BlockDurationMinutes,omitempty"`
	InstanceInterruptionBehavior string     `json:"InstanceInterruptionBehavior,omitempty"`
	MaxPrice                     string     `json:"MaxPrice,omitempty"`
	SpotInstanceType             string     `json:"SpotInstanceType,omitempty"`
	ValidUntil                   *time.Time `json:"ValidUntil,omitempty"`
}

// LaunchTemplateTagSpecificationRequest is EC2's LaunchTemplateTagSpecificationRequest.
type LaunchTemplateTagSpecificationRequest struct {
	ResourceType string `json:"ResourceType,omitempty"`
	Tags         []Tag  `json:"Tags,omitempty"`
}

// LaunchTemplatesMonitoringRequest is EC2's LaunchTemplatesMonitoringRequest.
type LaunchTemplatesMonitoringRequest struct {
	Enabled *bool `json:"Enabled,omitempty"`
}

// MemoryGiBPerVCpuRequest is EC2's MemoryGiBPerVCpuRequest.
type MemoryGiBPerVCpuRequest struct {
	Max *float64 `json:"Max,omitempty"`
	Min *float64 `json:"Min,omitempty"`
}

// MemoryMiBRequest is EC2's MemoryMiBRequest.
type MemoryMiBRequest struct {
	Min *int `json:"Min,omitempty"`
	Max *int `json:"Max,omitempty"`
}

// NetworkBandwidthGbpsRequest is EC2's NetworkBandwidthGbpsRequest.
type NetworkBandwidthGbpsRequest struct {
	Max *float64 `json:"Max,omitempty"`
	Min *float64 `json:"Min,omitempty"`
}

// NetworkInterfaceCountRequest is EC2's NetworkInterfaceCountRequest.
type NetworkInterfaceCountRequest struct {
	Max *int `json:"Max,omitempty"`
	Min *int `json:"Min,omitempty"`
}

// OperatorRequest is EC2's OperatorRequest.
type OperatorRequest struct {
	Principal string `json:"Principal,omitempty"`
}

// PerformanceFactorReferenceRequest is EC2's PerformanceFactorReferenceRequest.
type PerformanceFactorReferenceRequest struct {
	InstanceFamily string `json:"InstanceFamily,omitempty"`
}

// PrivateIpAddressSpecification is EC2's PrivateIpAddressSpecification.
type PrivateIpAddressSpecification struct {
	Primary          *bool  `json:"Primary,omitempty"`
	PrivateIpAddress string `json:"PrivateIpAddress,omitempty"`
}

// SecondaryInterfacePrivateIpAddressSpecificationRequest is EC2's SecondaryInterfacePrivateIpAddressSpecificationRequest.
type SecondaryInterfacePrivateIpAddressSpecificationRequest struct {
	PrivateIpAddress string `json:"PrivateIpAddress,omitempty"`
}

// TotalLocalStorageGBRequest is EC2's TotalLocalStorageGBRequest.
type TotalLocalStorageGBRequest struct {
	Max *float64 `json:"Max,omitempty"`
	Min *float64 `json:"Min,omitempty"`
}

// VCpuCountRangeRequest is EC2's VCpuCountRangeRequest.
type VCpuCountRangeRequest struct {
	Min *int `json:"Min,omitempty"`
	Max *int `json:"Max,omitempty"`
}
