package ec2

import "time"

// CreateVolumeInput is EC2's CreateVolume request.
type CreateVolumeInput struct {
	AvailabilityZone   string             `json:"AvailabilityZone,omitempty"`
	AvailabilityZoneId string             `json:"AvailabilityZoneId,omitempty"`
	Size               int                `json:"Size,omitempty"`
	VolumeType         string             `json:"VolumeType,omitempty"`
	Iops               int                `json:"Iops,omitempty"`
	Throughput         int                `json:"Throughput,omitempty"`
	Encrypted          *bool              `json:"Encrypted,omitempty"`
	KmsKeyId           string             `json:"KmsKeyId,omitempty"`
	SnapshotId         string             `json:"SnapshotId,omitempty"`
	MultiAttachEnabled bool               `json:"MultiAttachEnabled,omitempty"`
	OutpostArn         string             `json:"OutpostArn,omitempty"`
	TagSpecifications  []TagSpecification `json:"TagSpecifications,omitempty"`
	ClientToken        string             `json:"ClientToken,omitempty"`
	// VolumeInitializationRate is for volumes from snapshots, of which
	// there are none.
	VolumeInitializationRate int  `json:"VolumeInitializationRate,omitempty"`
	DryRun                   bool `json:"DryRun,omitempty"`
}

// CreateVolumeOutput is the new volume.
type CreateVolumeOutput struct {
	Volume
}

// VolumeIdInput names one volume: DeleteVolume, EnableVolumeIO.
type VolumeIdInput struct {
	VolumeId string `json:"VolumeId"`
	DryRun   bool   `json:"DryRun,omitempty"`
}

// DeleteVolumeInput is EC2's DeleteVolume request.
type DeleteVolumeInput struct{ VolumeIdInput }

// EnableVolumeIOInput is EC2's EnableVolumeIO request.
type EnableVolumeIOInput struct{ VolumeIdInput }

// AttachVolumeInput is EC2's AttachVolume request.
type AttachVolumeInput struct {
	VolumeId   string `json:"VolumeId"`
	InstanceId string `json:"InstanceId"`
	Device     string `json:"Device"`
	// EbsCardIndex picks an EBS card on instances with several; none here.
	EbsCardIndex int  `json:"EbsCardIndex,omitempty"`
	DryRun       bool `json:"DryRun,omitempty"`
}

// DetachVolumeInput is EC2's DetachVolume request.
type DetachVolumeInput struct {
	VolumeId   string `json:"VolumeId"`
	InstanceId string `json:"InstanceId,omitempty"`
	Device     string `json:"Device,omitempty"`
	Force      bool   `json:"Force,omitempty"`
	DryRun     bool   `json:"DryRun,omitempty"`
}

// VolumeAttachmentOutput is AttachVolume's and DetachVolume's answer: the
// attachment.
type VolumeAttachmentOutput struct {
	VolumeAttachment
}

// ModifyVolumeInput is EC2's ModifyVolume request; zero keeps a value.
type ModifyVolumeInput struct {
	VolumeId           string `json:"VolumeId"`
	Size               int    `json:"Size,omitempty"`
	VolumeType         string `json:"VolumeType,omitempty"`
	Iops               int    `json:"Iops,omitempty"`
	Throughput         int    `json:"Throughput,omitempty"`
	MultiAttachEnabled *bool  `json:"MultiAttachEnabled,omitempty"`
	DryRun             bool   `json:"DryRun,omitempty"`
}

// VolumeModification is a volume's change of size, type or performance.
type VolumeModification struct {
	VolumeId                   string     `json:"VolumeId"`
	ModificationState          string     `json:"ModificationState"`
	StatusMessage              string     `json:"StatusMessage,omitempty"`
	TargetSize                 int        `json:"TargetSize"`
	TargetIops                 int        `json:"TargetIops,omitempty"`
	TargetVolumeType           string     `json:"TargetVolumeType"`
	TargetThroughput           int        `json:"TargetThroughput,omitempty"`
	TargetMultiAttachEnabled   bool       `json:"TargetMultiAttachEnabled"`
	OriginalSize               int        `json:"OriginalSize"`
	OriginalIops               int        `json:"OriginalIops,omitempty"`
	OriginalVolumeType         string     `json:"OriginalVolumeType"`
	OriginalThroughput         int        `json:"OriginalThroughput,omitempty"`
	OriginalMultiAttachEnabled bool       `json:"OriginalMultiAttachEnabled"`
	Progress                   int        `json:"Progress"`
	StartTime                  time.Time  `json:"StartTime"`
	EndTime                    *time.Time `json:"EndTime,omitempty"`
}

// ModifyVolumeOutput is the modification begun.
type ModifyVolumeOutput struct {
	VolumeModification VolumeModification `json:"VolumeModification"`
}

// DescribeVolumesModificationsInput is EC2's DescribeVolumesModifications request.
type DescribeVolumesModificationsInput struct {
	VolumeIds  []string `json:"VolumeIds,omitempty"`
	Filters    []Filter `json:"Filters,omitempty"`
	MaxResults int      `json:"MaxResults,omitempty"`
	NextToken  string   `json:"NextToken,omitempty"`
	DryRun     bool     `json:"DryRun,omitempty"`
}

// DescribeVolumesModificationsOutput lists modifications.
type DescribeVolumesModificationsOutput struct {
	VolumesModifications []VolumeModification `json:"VolumesModifications"`
	NextToken            string               `json:"NextToken,omitempty"`
}

// DescribeVolumeStatusInput is EC2's DescribeVolumeStatus request.
type DescribeVolumeStatusInput struct {
	VolumeIds  []string `json:"VolumeIds,omitempty"`
	Filters    []Filter `json:"Filters,omitempty"`
	MaxResults int      `json:"MaxResults,omitempty"`
	NextToken  string   `json:"NextToken,omitempty"`
	DryRun     bool     `json:"DryRun,omitempty"`
}

// VolumeStatusDetails is one check of a volume's status.
type VolumeStatusDetails struct {
	Name   string `json:"Name"`
	Status string `json:"Status"`
}

// VolumeStatusInfo is a volume's overall status and its checks.
type VolumeStatusInfo struct {
	Status  string                `json:"Status"`
	Details []VolumeStatusDetails `json:"Details"`
}

// VolumeStatusAction is an action a volume's status asks for.
type VolumeStatusAction struct {
	Code        string `json:"Code"`
	Description string `json:"Description"`
	EventId     string `json:"EventId"`
	EventType   string `json:"EventType"`
}

// VolumeStatusAttachmentStatus is a volume's I/O performance on one instance.
type VolumeStatusAttachmentStatus struct {
	InstanceId    string `json:"InstanceId"`
	IoPerformance string `json:"IoPerformance,omitempty"`
}

// VolumeStatusItem is one volume's status.
type VolumeStatusItem struct {
	VolumeId           string                         `json:"VolumeId"`
	AvailabilityZone   string                         `json:"AvailabilityZone"`
	VolumeStatus       VolumeStatusInfo               `json:"VolumeStatus"`
	Actions            []VolumeStatusAction           `json:"Actions"`
	Events             []VolumeStatusAction           `json:"Events"`
	AttachmentStatuses []VolumeStatusAttachmentStatus `json:"AttachmentStatuses,omitempty"`
}

// DescribeVolumeStatusOutput lists the volumes' statuses.
type DescribeVolumeStatusOutput struct {
	VolumeStatuses []VolumeStatusItem `json:"VolumeStatuses"`
	NextToken      string             `json:"NextToken,omitempty"`
}

// DescribeVolumeAttributeInput is EC2's DescribeVolumeAttribute request.
type DescribeVolumeAttributeInput struct {
	VolumeId  string `json:"VolumeId"`
	Attribute string `json:"Attribute"`
	DryRun    bool   `json:"DryRun,omitempty"`
}

// DescribeVolumeAttributeOutput is one attribute of a volume.
type DescribeVolumeAttributeOutput struct {
	VolumeId     string                 `json:"VolumeId"`
	AutoEnableIO *AttributeBooleanValue `json:"AutoEnableIO,omitempty"`
	ProductCodes []ProductCode          `json:"ProductCodes,omitempty"`
}

// ModifyVolumeAttributeInput is EC2's ModifyVolumeAttribute request.
type ModifyVolumeAttributeInput struct {
	VolumeId     string                 `json:"VolumeId"`
	AutoEnableIO *AttributeBooleanValue `json:"AutoEnableIO,omitempty"`
	DryRun       bool                   `json:"DryRun,omitempty"`
}
