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

// InstanceMaintenanceOptionsRequest sets auto recovery.
type InstanceMaintenanceOptionsRequest struct {
	AutoRecovery    string `json:"AutoRecovery,omitempty"`
	RebootMigration string `json:"RebootMigration,omitempty"`
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
