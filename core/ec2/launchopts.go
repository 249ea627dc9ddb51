package ec2

import "time"

// RunInstances' options that ec2x records on the instance and shows back
// (launchopts.go in core/instance checks them): names and shapes as the
// SDK's model has them.

// HibernationOptionsRequest asks for an instance that can hibernate.
type HibernationOptionsRequest struct {
	Configured bool `json:"Configured"`
}

// HibernationOptions shows whether an instance can hibernate.
type HibernationOptions struct {
	Configured bool `json:"Configured"`
}

// IamInstanceProfileSpecification names an instance profile by ARN or name.
type IamInstanceProfileSpecification struct {
	Arn  string `json:"Arn,omitempty"`
	Name string `json:"Name,omitempty"`
}

// IamInstanceProfile is an instance's profile as DescribeInstances shows it.
type IamInstanceProfile struct {
	Arn string `json:"Arn"`
	Id  string `json:"Id"`
}

// CpuOptionsRequest sets cores and threads per core.
type CpuOptionsRequest struct {
	CoreCount      int    `json:"CoreCount,omitempty"`
	ThreadsPerCore int    `json:"ThreadsPerCore,omitempty"`
	AmdSevSnp      string `json:"AmdSevSnp,omitempty"`
	// NestedVirtualization lets the guest run its own guests.
	NestedVirtualization string `json:"NestedVirtualization,omitempty"`
}

// PrivateDnsNameOptionsRequest chooses the instance's private host name.
type PrivateDnsNameOptionsRequest struct {
	HostnameType                    string `json:"HostnameType,omitempty"`
	EnableResourceNameDnsARecord    bool   `json:"EnableResourceNameDnsARecord,omitempty"`
	EnableResourceNameDnsAAAARecord bool   `json:"EnableResourceNameDnsAAAARecord,omitempty"`
}

// PrivateDnsNameOptionsResponse is the private host name options.
type PrivateDnsNameOptionsResponse struct {
	HostnameType                    string `json:"HostnameType"`
	EnableResourceNameDnsARecord    bool   `json:"EnableResourceNameDnsARecord"`
	EnableResourceNameDnsAAAARecord bool   `json:"EnableResourceNameDnsAAAARecord"`
}

// InstanceMaintenanceOptionsRequest sets auto recovery (RunInstances'
// request has no RebootMigration: ModifyInstanceMaintenanceOptions sets it).
type InstanceMaintenanceOptionsRequest struct {
	AutoRecovery string `json:"AutoRecovery,omitempty"`
}

// InstanceMaintenanceOptions shows auto recovery.
type InstanceMaintenanceOptions struct {
	AutoRecovery    string `json:"AutoRecovery"`
	RebootMigration string `json:"RebootMigration,omitempty"`
}

// CapacityReservationSpecification chooses capacity reservations.
type CapacityReservationSpecification struct {
	CapacityReservationPreference string                     `json:"CapacityReservationPreference,omitempty"`
	CapacityReservationTarget     *CapacityReservationTarget `json:"CapacityReservationTarget,omitempty"`
}

// CapacityReservationSpecificationResponse shows the preference.
type CapacityReservationSpecificationResponse struct {
	CapacityReservationPreference string `json:"CapacityReservationPreference"`
}

// LicenseConfigurationRequest names a License Manager configuration.
type LicenseConfigurationRequest struct {
	LicenseConfigurationArn string `json:"LicenseConfigurationArn,omitempty"`
}

// LicenseConfiguration is one of an instance's licenses.
type LicenseConfiguration struct {
	LicenseConfigurationArn string `json:"LicenseConfigurationArn"`
}

// EnclaveOptionsRequest asks for Nitro Enclaves.
type EnclaveOptionsRequest struct {
	Enabled bool `json:"Enabled"`
}

// InstanceNetworkPerformanceOptionsRequest weights bandwidth.
type InstanceNetworkPerformanceOptionsRequest struct {
	BandwidthWeighting string `json:"BandwidthWeighting,omitempty"`
}

// InstanceNetworkPerformanceOptions shows the bandwidth weighting.
type InstanceNetworkPerformanceOptions struct {
	BandwidthWeighting string `json:"BandwidthWeighting"`
}

// Volume is an EBS volume as DescribeVolumes shows it.
type Volume struct {
	VolumeId           string             `json:"VolumeId"`
	Size               int                `json:"Size"`
	VolumeType         string             `json:"VolumeType"`
	Iops               int                `json:"Iops,omitempty"`
	Throughput         int                `json:"Throughput,omitempty"`
	State              string             `json:"State"`
	AvailabilityZone   string             `json:"AvailabilityZone"`
	CreateTime         time.Time          `json:"CreateTime"`
	Encrypted          bool               `json:"Encrypted"`
	KmsKeyId           string             `json:"KmsKeyId,omitempty"`
	SnapshotId         string             `json:"SnapshotId"`
	MultiAttachEnabled bool               `json:"MultiAttachEnabled"`
	FastRestored       bool               `json:"FastRestored,omitempty"`
	Attachments        []VolumeAttachment `json:"Attachments"`
	Tags               []Tag              `json:"Tags,omitempty"`
}

// VolumeAttachment is a volume's attachment to an instance.
type VolumeAttachment struct {
	VolumeId            string    `json:"VolumeId"`
	InstanceId          string    `json:"InstanceId"`
	Device              string    `json:"Device"`
	State               string    `json:"State"`
	AttachTime          time.Time `json:"AttachTime"`
	DeleteOnTermination bool      `json:"DeleteOnTermination"`
}

// DescribeVolumesInput is EC2's DescribeVolumes request.
type DescribeVolumesInput struct {
	VolumeIds  []string `json:"VolumeIds,omitempty"`
	Filters    []Filter `json:"Filters,omitempty"`
	MaxResults int      `json:"MaxResults,omitempty"`
	NextToken  string   `json:"NextToken,omitempty"`
}

// DescribeVolumesOutput lists volumes.
type DescribeVolumesOutput struct {
	Volumes   []Volume `json:"Volumes"`
	NextToken string   `json:"NextToken,omitempty"`
}

// ModifyInstanceCpuOptionsInput changes a stopped instance's cores and threads.
type ModifyInstanceCpuOptionsInput struct {
	InstanceId     string `json:"InstanceId"`
	CoreCount      int    `json:"CoreCount,omitempty"`
	ThreadsPerCore int    `json:"ThreadsPerCore,omitempty"`
	// NestedVirtualization is enabled or disabled; empty keeps it.
	NestedVirtualization string `json:"NestedVirtualization,omitempty" ec2x:"noeffect"`
	DryRun               bool   `json:"DryRun,omitempty"`
}

// ModifyInstanceCpuOptionsOutput is the options now.
type ModifyInstanceCpuOptionsOutput struct {
	InstanceId           string `json:"InstanceId"`
	CoreCount            int    `json:"CoreCount"`
	ThreadsPerCore       int    `json:"ThreadsPerCore"`
	NestedVirtualization string `json:"NestedVirtualization,omitempty"`
}

// ModifyInstanceMaintenanceOptionsInput changes auto recovery.
type ModifyInstanceMaintenanceOptionsInput struct {
	InstanceId      string `json:"InstanceId"`
	AutoRecovery    string `json:"AutoRecovery,omitempty"`
	RebootMigration string `json:"RebootMigration,omitempty" ec2x:"noeffect"`
	DryRun          bool   `json:"DryRun,omitempty"`
}

// ModifyInstanceMaintenanceOptionsOutput is the options now.
type ModifyInstanceMaintenanceOptionsOutput struct {
	InstanceId      string `json:"InstanceId"`
	AutoRecovery    string `json:"AutoRecovery"`
	RebootMigration string `json:"RebootMigration,omitempty"`
}

// ModifyInstanceNetworkPerformanceOptionsInput changes the bandwidth weighting.
type ModifyInstanceNetworkPerformanceOptionsInput struct {
	InstanceId         string `json:"InstanceId"`
	BandwidthWeighting string `json:"BandwidthWeighting"`
	DryRun             bool   `json:"DryRun,omitempty"`
}

// ModifyInstanceNetworkPerformanceOptionsOutput is the weighting now.
type ModifyInstanceNetworkPerformanceOptionsOutput struct {
	InstanceId         string `json:"InstanceId"`
	BandwidthWeighting string `json:"BandwidthWeighting"`
}

// ModifyPrivateDnsNameOptionsInput changes the private host name options.
type ModifyPrivateDnsNameOptionsInput struct {
	InstanceId                      string `json:"InstanceId"`
	PrivateDnsHostnameType          string `json:"PrivateDnsHostnameType,omitempty"`
	EnableResourceNameDnsARecord    *bool  `json:"EnableResourceNameDnsARecord,omitempty"`
	EnableResourceNameDnsAAAARecord *bool  `json:"EnableResourceNameDnsAAAARecord,omitempty"`
	DryRun                          bool   `json:"DryRun,omitempty"`
}

// ModifyInstancePlacementInput moves a stopped instance's placement.
type ModifyInstancePlacementInput struct {
	InstanceId           string `json:"InstanceId"`
	Tenancy              string `json:"Tenancy,omitempty"`
	Affinity             string `json:"Affinity,omitempty"`
	GroupName            string `json:"GroupName,omitempty"`
	GroupId              string `json:"GroupId,omitempty"`
	HostId               string `json:"HostId,omitempty"`
	HostResourceGroupArn string `json:"HostResourceGroupArn,omitempty"`
	PartitionNumber      int    `json:"PartitionNumber,omitempty"`
}

// IamInstanceProfileAssociation links an instance and its profile.
type IamInstanceProfileAssociation struct {
	AssociationId      string             `json:"AssociationId"`
	InstanceId         string             `json:"InstanceId"`
	IamInstanceProfile IamInstanceProfile `json:"IamInstanceProfile"`
	State              string             `json:"State"`
	Timestamp          time.Time          `json:"Timestamp"`
}

// AssociateIamInstanceProfileInput gives an instance a profile.
type AssociateIamInstanceProfileInput struct {
	InstanceId         string                           `json:"InstanceId"`
	IamInstanceProfile *IamInstanceProfileSpecification `json:"IamInstanceProfile,omitempty"`
}

// ReplaceIamInstanceProfileAssociationInput swaps an association's profile.
type ReplaceIamInstanceProfileAssociationInput struct {
	AssociationId      string                           `json:"AssociationId"`
	IamInstanceProfile *IamInstanceProfileSpecification `json:"IamInstanceProfile,omitempty"`
}

// DisassociateIamInstanceProfileInput removes an association.
type DisassociateIamInstanceProfileInput struct {
	AssociationId string `json:"AssociationId"`
}

// IamInstanceProfileAssociationOutput answers the three changes.
type IamInstanceProfileAssociationOutput struct {
	IamInstanceProfileAssociation IamInstanceProfileAssociation `json:"IamInstanceProfileAssociation"`
}

// DescribeIamInstanceProfileAssociationsInput lists associations.
type DescribeIamInstanceProfileAssociationsInput struct {
	AssociationIds []string `json:"AssociationIds,omitempty"`
	Filters        []Filter `json:"Filters,omitempty"`
	MaxResults     int      `json:"MaxResults,omitempty"`
	NextToken      string   `json:"NextToken,omitempty"`
}

// DescribeIamInstanceProfileAssociationsOutput lists associations.
type DescribeIamInstanceProfileAssociationsOutput struct {
	IamInstanceProfileAssociations []IamInstanceProfileAssociation `json:"IamInstanceProfileAssociations"`
	NextToken                      string                          `json:"NextToken,omitempty"`
}
