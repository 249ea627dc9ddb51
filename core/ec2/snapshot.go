package ec2

import "time"

// Snapshot is an EBS snapshot as DescribeSnapshots shows it.
type Snapshot struct {
	SnapshotId   string    `json:"SnapshotId"`
	VolumeId     string    `json:"VolumeId"`
	VolumeSize   int       `json:"VolumeSize"`
	State        string    `json:"State"`
	StateMessage string    `json:"StateMessage,omitempty"`
	StartTime    time.Time `json:"StartTime"`
	// CompletionTime is set once the snapshot is completed.
	CompletionTime *time.Time `json:"CompletionTime,omitempty"`
	Progress       string     `json:"Progress"`
	OwnerId        string     `json:"OwnerId"`
	OwnerAlias     string     `json:"OwnerAlias,omitempty"`
	Description    string     `json:"Description"`
	Encrypted      bool       `json:"Encrypted"`
	KmsKeyId       string     `json:"KmsKeyId,omitempty"`
	StorageTier    string     `json:"StorageTier"`
	// RestoreExpiryTime is when an archived snapshot's temporary restore ends.
	RestoreExpiryTime *time.Time `json:"RestoreExpiryTime,omitempty"`
	// FullSnapshotSizeInBytes is the data the snapshot holds.
	FullSnapshotSizeInBytes int64  `json:"FullSnapshotSizeInBytes,omitempty"`
	TransferType            string `json:"TransferType,omitempty"`
	Tags                    []Tag  `json:"Tags,omitempty"`
}

// SnapshotInfo is one snapshot CreateSnapshots began.
type SnapshotInfo struct {
	SnapshotId  string    `json:"SnapshotId"`
	VolumeId    string    `json:"VolumeId"`
	VolumeSize  int       `json:"VolumeSize"`
	State       string    `json:"State"`
	StartTime   time.Time `json:"StartTime"`
	Progress    string    `json:"Progress"`
	OwnerId     string    `json:"OwnerId"`
	Description string    `json:"Description"`
	Encrypted   bool      `json:"Encrypted"`
	Tags        []Tag     `json:"Tags,omitempty"`
}

// CreateSnapshotInput is EC2's CreateSnapshot request.
type CreateSnapshotInput struct {
	VolumeId          string             `json:"VolumeId"`
	Description       string             `json:"Description,omitempty"`
	OutpostArn        string             `json:"OutpostArn,omitempty"`
	Location          string             `json:"Location,omitempty"`
	TagSpecifications []TagSpecification `json:"TagSpecifications,omitempty"`
	DryRun            bool               `json:"DryRun,omitempty"`
}

// CreateSnapshotOutput is the snapshot begun.
type CreateSnapshotOutput struct {
	Snapshot
}

// InstanceSpecification picks an instance's volumes for CreateSnapshots.
type InstanceSpecification struct {
	InstanceId           string   `json:"InstanceId"`
	ExcludeBootVolume    bool     `json:"ExcludeBootVolume,omitempty"`
	ExcludeDataVolumeIds []string `json:"ExcludeDataVolumeIds,omitempty"`
}

// CreateSnapshotsInput is EC2's CreateSnapshots request: crash-consistent
// snapshots of an instance's volumes, taken at one moment.
type CreateSnapshotsInput struct {
	InstanceSpecification InstanceSpecification `json:"InstanceSpecification"`
	Description           string                `json:"Description,omitempty"`
	OutpostArn            string                `json:"OutpostArn,omitempty"`
	Location              string                `json:"Location,omitempty"`
	// CopyTagsFromSource "volume" gives each snapshot its volume's tags.
	CopyTagsFromSource string             `json:"CopyTagsFromSource,omitempty"`
	TagSpecifications  []TagSpecification `json:"TagSpecifications,omitempty"`
	DryRun             bool               `json:"DryRun,omitempty"`
}

// CreateSnapshotsOutput lists the snapshots begun.
type CreateSnapshotsOutput struct {
	Snapshots []SnapshotInfo `json:"Snapshots"`
}

// DeleteSnapshotInput is EC2's DeleteSnapshot request.
type DeleteSnapshotInput struct {
	SnapshotId string `json:"SnapshotId"`
	DryRun     bool   `json:"DryRun,omitempty"`
}

// DescribeSnapshotsInput is EC2's DescribeSnapshots request.
type DescribeSnapshotsInput struct {
	SnapshotIds         []string `json:"SnapshotIds,omitempty"`
	OwnerIds            []string `json:"OwnerIds,omitempty"`
	RestorableByUserIds []string `json:"RestorableByUserIds,omitempty"`
	Filters             []Filter `json:"Filters,omitempty"`
	MaxResults          int      `json:"MaxResults,omitempty"`
	NextToken           string   `json:"NextToken,omitempty"`
	DryRun              bool     `json:"DryRun,omitempty"`
}

// DescribeSnapshotsOutput lists snapshots.
type DescribeSnapshotsOutput struct {
	Snapshots []Snapshot `json:"Snapshots"`
	NextToken string     `json:"NextToken,omitempty"`
}

// CopySnapshotInput is EC2's CopySnapshot request, sent to the
// destination region.
type CopySnapshotInput struct {
	SourceRegion     string `json:"SourceRegion"`
	SourceSnapshotId string `json:"SourceSnapshotId"`
	Description      string `json:"Description,omitempty"`
	Encrypted        *bool  `json:"Encrypted,omitempty"`
	KmsKeyId         string `json:"KmsKeyId,omitempty"`
	// DestinationRegion and PresignedUrl are what the AWS CLI and boto3
	// add to sign a copy for the source region (the Go SDK's model leaves
	// DestinationRegion out); the copy lands where the request is sent.
	DestinationRegion string             `json:"DestinationRegion,omitempty"`
	PresignedUrl      string             `json:"PresignedUrl,omitempty"`
	TagSpecifications []TagSpecification `json:"TagSpecifications,omitempty"`
	// CompletionDurationMinutes asks for a time-based copy: ec2x's copies
	// are never slower than asked.
	CompletionDurationMinutes   int    `json:"CompletionDurationMinutes,omitempty"`
	DestinationOutpostArn       string `json:"DestinationOutpostArn,omitempty"`
	DestinationAvailabilityZone string `json:"DestinationAvailabilityZone,omitempty"`
	DryRun                      bool   `json:"DryRun,omitempty"`
}

// CopySnapshotOutput is the copy begun.
type CopySnapshotOutput struct {
	SnapshotId string `json:"SnapshotId"`
	Tags       []Tag  `json:"Tags,omitempty"`
}

// CreateVolumePermission is one account or group a snapshot is shared with.
type CreateVolumePermission struct {
	UserId string `json:"UserId,omitempty"`
	Group  string `json:"Group,omitempty"`
}

// CreateVolumePermissionModifications adds and removes permissions.
type CreateVolumePermissionModifications struct {
	Add    []CreateVolumePermission `json:"Add,omitempty"`
	Remove []CreateVolumePermission `json:"Remove,omitempty"`
}

// SnapshotAttributeInput names a snapshot's attribute: Describe and
// ResetSnapshotAttribute.
type SnapshotAttributeInput struct {
	SnapshotId string `json:"SnapshotId"`
	Attribute  string `json:"Attribute"`
	DryRun     bool   `json:"DryRun,omitempty"`
}

// DescribeSnapshotAttributeInput is EC2's DescribeSnapshotAttribute request.
type DescribeSnapshotAttributeInput struct{ SnapshotAttributeInput }

// ResetSnapshotAttributeInput is EC2's ResetSnapshotAttribute request.
type ResetSnapshotAttributeInput struct{ SnapshotAttributeInput }

// DescribeSnapshotAttributeOutput is one attribute of a snapshot.
type DescribeSnapshotAttributeOutput struct {
	SnapshotId              string                   `json:"SnapshotId"`
	CreateVolumePermissions []CreateVolumePermission `json:"CreateVolumePermissions"`
	ProductCodes            []ProductCode            `json:"ProductCodes"`
}

// ModifySnapshotAttributeInput is EC2's ModifySnapshotAttribute request.
type ModifySnapshotAttributeInput struct {
	SnapshotId             string                               `json:"SnapshotId"`
	Attribute              string                               `json:"Attribute,omitempty"`
	CreateVolumePermission *CreateVolumePermissionModifications `json:"CreateVolumePermission,omitempty"`
	OperationType          string                               `json:"OperationType,omitempty"`
	UserIds                []string                             `json:"UserIds,omitempty"`
	GroupNames             []string                             `json:"GroupNames,omitempty"`
	DryRun                 bool                                 `json:"DryRun,omitempty"`
}
