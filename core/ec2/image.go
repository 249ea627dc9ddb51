package ec2

// CreateImageInput is EC2's CreateImage request: an image of an instance.
type CreateImageInput struct {
	InstanceId          string               `json:"InstanceId"`
	Name                string               `json:"Name"`
	Description         string               `json:"Description,omitempty"`
	NoReboot            bool                 `json:"NoReboot,omitempty"`
	BlockDeviceMappings []BlockDeviceMapping `json:"BlockDeviceMappings,omitempty"`
	TagSpecifications   []TagSpecification   `json:"TagSpecifications,omitempty"`
	// SnapshotLocation is for Local Zones and Outposts: regional only here.
	SnapshotLocation string `json:"SnapshotLocation,omitempty"`
	// BootModeOverride sets the image's boot mode (legacy-bios or uefi).
	BootModeOverride string `json:"BootModeOverride,omitempty"`
	DryRun           bool   `json:"DryRun,omitempty"`
}

// ImageIdOutput is the answer of the actions that make an image.
type ImageIdOutput struct {
	ImageId string `json:"ImageId"`
}

// RegisterImageInput is EC2's RegisterImage request: an image of a
// snapshot (its root device's mapping names it).
type RegisterImageInput struct {
	Name                string               `json:"Name"`
	Description         string               `json:"Description,omitempty"`
	Architecture        string               `json:"Architecture,omitempty"`
	RootDeviceName      string               `json:"RootDeviceName,omitempty"`
	BlockDeviceMappings []BlockDeviceMapping `json:"BlockDeviceMappings,omitempty"`
	VirtualizationType  string               `json:"VirtualizationType,omitempty"`
	KernelId            string               `json:"KernelId,omitempty"`
	RamdiskId           string               `json:"RamdiskId,omitempty"`
	ImageLocation       string               `json:"ImageLocation,omitempty"`
	SriovNetSupport     string               `json:"SriovNetSupport,omitempty"`
	EnaSupport          *bool                `json:"EnaSupport,omitempty"`
	BootMode            string               `json:"BootMode,omitempty"`
	TpmSupport          string               `json:"TpmSupport,omitempty"`
	UefiData            string               `json:"UefiData,omitempty"`
	ImdsSupport         string               `json:"ImdsSupport,omitempty"`
	BillingProducts     []string             `json:"BillingProducts,omitempty"`
	TagSpecifications   []TagSpecification   `json:"TagSpecifications,omitempty"`
	DryRun              bool                 `json:"DryRun,omitempty"`
}

// CopyImageInput is EC2's CopyImage request, sent to the destination
// region.
type CopyImageInput struct {
	SourceImageId     string             `json:"SourceImageId"`
	SourceRegion      string             `json:"SourceRegion"`
	Name              string             `json:"Name"`
	Description       string             `json:"Description,omitempty"`
	ClientToken       string             `json:"ClientToken,omitempty"`
	Encrypted         *bool              `json:"Encrypted,omitempty"`
	KmsKeyId          string             `json:"KmsKeyId,omitempty"`
	CopyImageTags     bool               `json:"CopyImageTags,omitempty"`
	TagSpecifications []TagSpecification `json:"TagSpecifications,omitempty"`
	// SnapshotCopyCompletionDurationMinutes asks for a time-based copy.
	SnapshotCopyCompletionDurationMinutes int    `json:"SnapshotCopyCompletionDurationMinutes,omitempty"`
	DestinationOutpostArn                 string `json:"DestinationOutpostArn,omitempty"`
	DestinationAvailabilityZone           string `json:"DestinationAvailabilityZone,omitempty"`
	DestinationAvailabilityZoneId         string `json:"DestinationAvailabilityZoneId,omitempty"`
	DryRun                                bool   `json:"DryRun,omitempty"`
}

// DeregisterImageInput is EC2's DeregisterImage request.
type DeregisterImageInput struct {
	ImageId                   string `json:"ImageId"`
	DeleteAssociatedSnapshots bool   `json:"DeleteAssociatedSnapshots,omitempty"`
	DryRun                    bool   `json:"DryRun,omitempty"`
}

// DeleteSnapshotReturnCode is one snapshot DeregisterImage deleted, or why not.
type DeleteSnapshotReturnCode struct {
	SnapshotId string `json:"SnapshotId"`
	ReturnCode string `json:"ReturnCode"`
}

// DeregisterImageOutput is its answer.
type DeregisterImageOutput struct {
	Return                bool                       `json:"Return"`
	DeleteSnapshotResults []DeleteSnapshotReturnCode `json:"DeleteSnapshotResults,omitempty"`
}

// LaunchPermission is one account or group an image is shared with.
type LaunchPermission struct {
	UserId                string `json:"UserId,omitempty"`
	Group                 string `json:"Group,omitempty"`
	OrganizationArn       string `json:"OrganizationArn,omitempty"`
	OrganizationalUnitArn string `json:"OrganizationalUnitArn,omitempty"`
}

// LaunchPermissionModifications adds and removes launch permissions.
type LaunchPermissionModifications struct {
	Add    []LaunchPermission `json:"Add,omitempty"`
	Remove []LaunchPermission `json:"Remove,omitempty"`
}

// ImageAttributeInput names an image's attribute: Describe and
// ResetImageAttribute.
type ImageAttributeInput struct {
	ImageId   string `json:"ImageId"`
	Attribute string `json:"Attribute"`
	DryRun    bool   `json:"DryRun,omitempty"`
}

// DescribeImageAttributeInput is EC2's DescribeImageAttribute request.
type DescribeImageAttributeInput struct{ ImageAttributeInput }

// ResetImageAttributeInput is EC2's ResetImageAttribute request.
type ResetImageAttributeInput struct{ ImageAttributeInput }

// ImageAttributeOutput is one attribute of an image.
type ImageAttributeOutput struct {
	ImageId                  string               `json:"ImageId"`
	Description              *AttributeValue      `json:"Description,omitempty"`
	KernelId                 *AttributeValue      `json:"KernelId,omitempty"`
	RamdiskId                *AttributeValue      `json:"RamdiskId,omitempty"`
	SriovNetSupport          *AttributeValue      `json:"SriovNetSupport,omitempty"`
	BootMode                 *AttributeValue      `json:"BootMode,omitempty"`
	TpmSupport               *AttributeValue      `json:"TpmSupport,omitempty"`
	UefiData                 *AttributeValue      `json:"UefiData,omitempty"`
	LastLaunchedTime         *AttributeValue      `json:"LastLaunchedTime,omitempty"`
	ImdsSupport              *AttributeValue      `json:"ImdsSupport,omitempty"`
	DeregistrationProtection *AttributeValue      `json:"DeregistrationProtection,omitempty"`
	LaunchPermissions        []LaunchPermission   `json:"LaunchPermissions,omitempty"`
	ProductCodes             []ProductCode        `json:"ProductCodes,omitempty"`
	BlockDeviceMappings      []BlockDeviceMapping `json:"BlockDeviceMappings,omitempty"`
}

// ModifyImageAttributeInput is EC2's ModifyImageAttribute request.
type ModifyImageAttributeInput struct {
	ImageId                string                         `json:"ImageId"`
	Attribute              string                         `json:"Attribute,omitempty"`
	Description            *AttributeValue                `json:"Description,omitempty"`
	LaunchPermission       *LaunchPermissionModifications `json:"LaunchPermission,omitempty"`
	OperationType          string                         `json:"OperationType,omitempty"`
	UserIds                []string                       `json:"UserIds,omitempty"`
	UserGroups             []string                       `json:"UserGroups,omitempty"`
	ProductCodes           []string                       `json:"ProductCodes,omitempty"`
	OrganizationArns       []string                       `json:"OrganizationArns,omitempty"`
	OrganizationalUnitArns []string                       `json:"OrganizationalUnitArns,omitempty"`
	ImdsSupport            *AttributeValue                `json:"ImdsSupport,omitempty"`
	Value                  string                         `json:"Value,omitempty"`
	DryRun                 bool                           `json:"DryRun,omitempty"`
}
