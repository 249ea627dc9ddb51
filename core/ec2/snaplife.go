package ec2

import "time"

// LockSnapshotInput is EC2's LockSnapshot request: governance or
// compliance mode, for LockDuration days or until ExpirationDate.
type LockSnapshotInput struct {
	SnapshotId     string     `json:"SnapshotId"`
	LockMode       string     `json:"LockMode"`
	CoolOffPeriod  int        `json:"CoolOffPeriod,omitempty"`
	LockDuration   int        `json:"LockDuration,omitempty"`
	ExpirationDate *time.Time `json:"ExpirationDate,omitempty"`
	DryRun         bool       `json:"DryRun,omitempty"`
}

// LockedSnapshot is a snapshot's lock: LockSnapshot's answer and
// DescribeLockedSnapshots' items.
type LockedSnapshot struct {
	SnapshotId             string     `json:"SnapshotId"`
	OwnerId                string     `json:"OwnerId,omitempty"`
	LockState              string     `json:"LockState"`
	LockDuration           int        `json:"LockDuration,omitempty"`
	CoolOffPeriod          int        `json:"CoolOffPeriod,omitempty"`
	CoolOffPeriodExpiresOn *time.Time `json:"CoolOffPeriodExpiresOn,omitempty"`
	LockCreatedOn          *time.Time `json:"LockCreatedOn,omitempty"`
	LockDurationStartTime  *time.Time `json:"LockDurationStartTime,omitempty"`
	LockExpiresOn          *time.Time `json:"LockExpiresOn,omitempty"`
}

// UnlockSnapshotInput is EC2's UnlockSnapshot request.
type UnlockSnapshotInput struct {
	SnapshotId string `json:"SnapshotId"`
	DryRun     bool   `json:"DryRun,omitempty"`
}

// UnlockSnapshotOutput names the snapshot unlocked.
type UnlockSnapshotOutput struct {
	SnapshotId string `json:"SnapshotId"`
}

// DescribeLockedSnapshotsInput is EC2's DescribeLockedSnapshots request.
type DescribeLockedSnapshotsInput struct {
	SnapshotIds []string `json:"SnapshotIds,omitempty"`
	Filters     []Filter `json:"Filters,omitempty"`
	MaxResults  int      `json:"MaxResults,omitempty"`
	NextToken   string   `json:"NextToken,omitempty"`
	DryRun      bool     `json:"DryRun,omitempty"`
}

// DescribeLockedSnapshotsOutput lists locks.
type DescribeLockedSnapshotsOutput struct {
	Snapshots []LockedSnapshot `json:"Snapshots"`
	NextToken string           `json:"NextToken,omitempty"`
}

// ModifySnapshotTierInput is EC2's ModifySnapshotTier request: archive.
type ModifySnapshotTierInput struct {
	SnapshotId  string `json:"SnapshotId"`
	StorageTier string `json:"StorageTier,omitempty"`
	DryRun      bool   `json:"DryRun,omitempty"`
}

// ModifySnapshotTierOutput says when tiering began.
type ModifySnapshotTierOutput struct {
	SnapshotId       string    `json:"SnapshotId"`
	TieringStartTime time.Time `json:"TieringStartTime"`
}

// RestoreSnapshotTierInput is EC2's RestoreSnapshotTier request.
type RestoreSnapshotTierInput struct {
	SnapshotId           string `json:"SnapshotId"`
	TemporaryRestoreDays int    `json:"TemporaryRestoreDays,omitempty"`
	PermanentRestore     bool   `json:"PermanentRestore,omitempty"`
	DryRun               bool   `json:"DryRun,omitempty"`
}

// RestoreSnapshotTierOutput is the restore begun.
type RestoreSnapshotTierOutput struct {
	SnapshotId         string    `json:"SnapshotId"`
	RestoreStartTime   time.Time `json:"RestoreStartTime"`
	RestoreDuration    int       `json:"RestoreDuration,omitempty"`
	IsPermanentRestore bool      `json:"IsPermanentRestore"`
}

// DescribeSnapshotTierStatusInput is EC2's DescribeSnapshotTierStatus request.
type DescribeSnapshotTierStatusInput struct {
	Filters    []Filter `json:"Filters,omitempty"`
	MaxResults int      `json:"MaxResults,omitempty"`
	NextToken  string   `json:"NextToken,omitempty"`
	DryRun     bool     `json:"DryRun,omitempty"`
}

// SnapshotTierStatus is a snapshot's tier and its last tiering operation.
type SnapshotTierStatus struct {
	SnapshotId                       string     `json:"SnapshotId"`
	VolumeId                         string     `json:"VolumeId"`
	Status                           string     `json:"Status"`
	OwnerId                          string     `json:"OwnerId"`
	Tags                             []Tag      `json:"Tags,omitempty"`
	StorageTier                      string     `json:"StorageTier"`
	LastTieringStartTime             *time.Time `json:"LastTieringStartTime,omitempty"`
	LastTieringProgress              int        `json:"LastTieringProgress,omitempty"`
	LastTieringOperationStatus       string     `json:"LastTieringOperationStatus,omitempty"`
	LastTieringOperationStatusDetail string     `json:"LastTieringOperationStatusDetail,omitempty"`
	ArchivalCompleteTime             *time.Time `json:"ArchivalCompleteTime,omitempty"`
	RestoreExpiryTime                *time.Time `json:"RestoreExpiryTime,omitempty"`
}

// DescribeSnapshotTierStatusOutput lists them.
type DescribeSnapshotTierStatusOutput struct {
	SnapshotTierStatuses []SnapshotTierStatus `json:"SnapshotTierStatuses"`
	NextToken            string               `json:"NextToken,omitempty"`
}

// FastSnapshotRestoresInput is Enable and DisableFastSnapshotRestores' request.
type FastSnapshotRestoresInput struct {
	SourceSnapshotIds   []string `json:"SourceSnapshotIds"`
	AvailabilityZones   []string `json:"AvailabilityZones,omitempty"`
	AvailabilityZoneIds []string `json:"AvailabilityZoneIds,omitempty"`
	DryRun              bool     `json:"DryRun,omitempty"`
}

// EnableFastSnapshotRestoresInput is EC2's EnableFastSnapshotRestores request.
type EnableFastSnapshotRestoresInput struct{ FastSnapshotRestoresInput }

// DisableFastSnapshotRestoresInput is EC2's DisableFastSnapshotRestores request.
type DisableFastSnapshotRestoresInput struct{ FastSnapshotRestoresInput }

// FastSnapshotRestore is fast snapshot restore of a snapshot in a zone.
type FastSnapshotRestore struct {
	SnapshotId         string     `json:"SnapshotId"`
	AvailabilityZone   string     `json:"AvailabilityZone"`
	AvailabilityZoneId string     `json:"AvailabilityZoneId,omitempty"`
	State              string     `json:"State"`
	OwnerId            string     `json:"OwnerId"`
	EnablingTime       *time.Time `json:"EnablingTime,omitempty"`
	OptimizingTime     *time.Time `json:"OptimizingTime,omitempty"`
	EnabledTime        *time.Time `json:"EnabledTime,omitempty"`
	DisablingTime      *time.Time `json:"DisablingTime,omitempty"`
	DisabledTime       *time.Time `json:"DisabledTime,omitempty"`
}

// FastSnapshotRestoreStateError is why a snapshot's restore in a zone failed.
type FastSnapshotRestoreStateError struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

// FastSnapshotRestoreStateErrorItem is one zone's failure.
type FastSnapshotRestoreStateErrorItem struct {
	AvailabilityZone string                        `json:"AvailabilityZone"`
	Error            FastSnapshotRestoreStateError `json:"Error"`
}

// FastSnapshotRestoreErrorItem is one snapshot's failures.
type FastSnapshotRestoreErrorItem struct {
	SnapshotId                     string                              `json:"SnapshotId"`
	FastSnapshotRestoreStateErrors []FastSnapshotRestoreStateErrorItem `json:"FastSnapshotRestoreStateErrors"`
}

// FastSnapshotRestoresOutput is what was enabled or disabled, and what not.
type FastSnapshotRestoresOutput struct {
	Successful   []FastSnapshotRestore          `json:"Successful"`
	Unsuccessful []FastSnapshotRestoreErrorItem `json:"Unsuccessful"`
}

// DescribeFastSnapshotRestoresInput is EC2's DescribeFastSnapshotRestores request.
type DescribeFastSnapshotRestoresInput struct {
	Filters    []Filter `json:"Filters,omitempty"`
	MaxResults int      `json:"MaxResults,omitempty"`
	NextToken  string   `json:"NextToken,omitempty"`
	DryRun     bool     `json:"DryRun,omitempty"`
}

// DescribeFastSnapshotRestoresOutput lists them.
type DescribeFastSnapshotRestoresOutput struct {
	FastSnapshotRestores []FastSnapshotRestore `json:"FastSnapshotRestores"`
	NextToken            string                `json:"NextToken,omitempty"`
}

// CopyVolumesInput is EC2's CopyVolumes request: a copy of a volume in
// its zone, at a moment.
type CopyVolumesInput struct {
	SourceVolumeId     string             `json:"SourceVolumeId"`
	Size               int                `json:"Size,omitempty"`
	VolumeType         string             `json:"VolumeType,omitempty"`
	Iops               int                `json:"Iops,omitempty"`
	Throughput         int                `json:"Throughput,omitempty"`
	Encrypted          *bool              `json:"Encrypted,omitempty"`
	KmsKeyId           string             `json:"KmsKeyId,omitempty"`
	MultiAttachEnabled bool               `json:"MultiAttachEnabled,omitempty"`
	TagSpecifications  []TagSpecification `json:"TagSpecifications,omitempty"`
	ClientToken        string             `json:"ClientToken,omitempty"`
	DryRun             bool               `json:"DryRun,omitempty"`
}

// CopyVolumesOutput lists the copy.
type CopyVolumesOutput struct {
	Volumes []Volume `json:"Volumes"`
}

// CreateReplaceRootVolumeTaskInput is EC2's CreateReplaceRootVolumeTask
// request: a new root volume for a running instance, of a snapshot, of
// an image, or as it was at launch.
type CreateReplaceRootVolumeTaskInput struct {
	InstanceId               string             `json:"InstanceId"`
	SnapshotId               string             `json:"SnapshotId,omitempty"`
	ImageId                  string             `json:"ImageId,omitempty"`
	VolumeId                 string             `json:"VolumeId,omitempty"`
	DeleteReplacedRootVolume bool               `json:"DeleteReplacedRootVolume,omitempty"`
	VolumeInitializationRate int                `json:"VolumeInitializationRate,omitempty"`
	TagSpecifications        []TagSpecification `json:"TagSpecifications,omitempty"`
	ClientToken              string             `json:"ClientToken,omitempty"`
	DryRun                   bool               `json:"DryRun,omitempty"`
}

// ReplaceRootVolumeTask is a root volume replacement and how far it is.
type ReplaceRootVolumeTask struct {
	ReplaceRootVolumeTaskId  string `json:"ReplaceRootVolumeTaskId"`
	InstanceId               string `json:"InstanceId"`
	TaskState                string `json:"TaskState"`
	StartTime                string `json:"StartTime"`
	CompleteTime             string `json:"CompleteTime,omitempty"`
	ImageId                  string `json:"ImageId,omitempty"`
	SnapshotId               string `json:"SnapshotId,omitempty"`
	DeleteReplacedRootVolume bool   `json:"DeleteReplacedRootVolume"`
	Tags                     []Tag  `json:"Tags,omitempty"`
}

// CreateReplaceRootVolumeTaskOutput is the task begun.
type CreateReplaceRootVolumeTaskOutput struct {
	ReplaceRootVolumeTask ReplaceRootVolumeTask `json:"ReplaceRootVolumeTask"`
}

// DescribeReplaceRootVolumeTasksInput is EC2's DescribeReplaceRootVolumeTasks request.
type DescribeReplaceRootVolumeTasksInput struct {
	ReplaceRootVolumeTaskIds []string `json:"ReplaceRootVolumeTaskIds,omitempty"`
	Filters                  []Filter `json:"Filters,omitempty"`
	MaxResults               int      `json:"MaxResults,omitempty"`
	NextToken                string   `json:"NextToken,omitempty"`
	DryRun                   bool     `json:"DryRun,omitempty"`
}

// DescribeReplaceRootVolumeTasksOutput lists tasks.
type DescribeReplaceRootVolumeTasksOutput struct {
	ReplaceRootVolumeTasks []ReplaceRootVolumeTask `json:"ReplaceRootVolumeTasks"`
	NextToken              string                  `json:"NextToken,omitempty"`
}
