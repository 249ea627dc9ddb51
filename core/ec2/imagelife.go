package ec2

import "time"

// ImageIdInput names one image: EnableImage, DisableImage and the other
// actions on an image's life that take nothing else.
type ImageIdInput struct {
	ImageId string `json:"ImageId"`
	DryRun  bool   `json:"DryRun,omitempty"`
}

// EnableImageInput is EC2's EnableImage request.
type EnableImageInput struct{ ImageIdInput }

// DisableImageInput is EC2's DisableImage request.
type DisableImageInput struct{ ImageIdInput }

// DisableImageDeprecationInput is EC2's DisableImageDeprecation request.
type DisableImageDeprecationInput struct{ ImageIdInput }

// DisableImageDeregistrationProtectionInput is EC2's request of that name.
type DisableImageDeregistrationProtectionInput struct{ ImageIdInput }

// CancelImageLaunchPermissionInput is EC2's CancelImageLaunchPermission request.
type CancelImageLaunchPermissionInput struct{ ImageIdInput }

// GetImageAncestryInput is EC2's GetImageAncestry request.
type GetImageAncestryInput struct{ ImageIdInput }

// EnableImageDeprecationInput is EC2's EnableImageDeprecation request.
type EnableImageDeprecationInput struct {
	ImageId     string    `json:"ImageId"`
	DeprecateAt time.Time `json:"DeprecateAt"`
	DryRun      bool      `json:"DryRun,omitempty"`
}

// EnableImageDeregistrationProtectionInput is EC2's request of that name.
type EnableImageDeregistrationProtectionInput struct {
	ImageId      string `json:"ImageId"`
	WithCooldown bool   `json:"WithCooldown,omitempty"`
	DryRun       bool   `json:"DryRun,omitempty"`
}

// StringReturnOutput answers with a string: the deregistration
// protection actions' new state.
type StringReturnOutput struct {
	Return string `json:"Return"`
}

// ImageAncestryEntry is one image of an image's lineage.
type ImageAncestryEntry struct {
	ImageId           string     `json:"ImageId"`
	CreationDate      *time.Time `json:"CreationDate,omitempty"`
	SourceImageId     string     `json:"SourceImageId,omitempty"`
	SourceImageRegion string     `json:"SourceImageRegion,omitempty"`
	ImageOwnerAlias   string     `json:"ImageOwnerAlias,omitempty"`
}

// GetImageAncestryOutput is an image's lineage, the image first.
type GetImageAncestryOutput struct {
	ImageAncestryEntries []ImageAncestryEntry `json:"ImageAncestryEntries"`
}

// ImageWatermark is a mark on an image, carried to the images made of it.
type ImageWatermark struct {
	WatermarkKey            string     `json:"WatermarkKey"`
	WatermarkCreationTime   *time.Time `json:"WatermarkCreationTime,omitempty"`
	SourceImageId           string     `json:"SourceImageId,omitempty"`
	SourceImageRegion       string     `json:"SourceImageRegion,omitempty"`
	SourceImageCreationTime *time.Time `json:"SourceImageCreationTime,omitempty"`
}

// AttachImageWatermarkInput is EC2's AttachImageWatermark request.
type AttachImageWatermarkInput struct {
	ImageId       string `json:"ImageId"`
	WatermarkName string `json:"WatermarkName"`
	DryRun        bool   `json:"DryRun,omitempty"`
}

// AttachImageWatermarkOutput is the watermark's key.
type AttachImageWatermarkOutput struct {
	WatermarkKey string `json:"WatermarkKey"`
}

// DetachImageWatermarkInput is EC2's DetachImageWatermark request.
type DetachImageWatermarkInput struct {
	ImageId      string `json:"ImageId"`
	WatermarkKey string `json:"WatermarkKey"`
	DryRun       bool   `json:"DryRun,omitempty"`
}

// InstanceTypeSpecificationRequest lists the types an image may or may
// not run on.
type InstanceTypeSpecificationRequest struct {
	SupportedInstanceTypes   []string `json:"SupportedInstanceTypes,omitempty"`
	UnsupportedInstanceTypes []string `json:"UnsupportedInstanceTypes,omitempty"`
}

// InstanceTypeItem is one instance type of an image's specification.
type InstanceTypeItem struct {
	InstanceType string `json:"InstanceType"`
}

// InstanceTypeSpecification is an image's instance types as shown.
type InstanceTypeSpecification struct {
	SupportedInstanceTypes   []InstanceTypeItem `json:"SupportedInstanceTypes,omitempty"`
	UnsupportedInstanceTypes []InstanceTypeItem `json:"UnsupportedInstanceTypes,omitempty"`
}

// ReplaceImageInstanceTypeSpecificationInput is EC2's request of that name.
type ReplaceImageInstanceTypeSpecificationInput struct {
	ImageId                   string                            `json:"ImageId"`
	InstanceTypeSpecification *InstanceTypeSpecificationRequest `json:"InstanceTypeSpecification,omitempty"`
	DryRun                    bool                              `json:"DryRun,omitempty"`
}

// ResourceTypeOption is an option of an image reference search.
type ResourceTypeOption struct {
	OptionName   string   `json:"OptionName"`
	OptionValues []string `json:"OptionValues"`
}

// ResourceTypeRequest is a kind of resource to find references in.
type ResourceTypeRequest struct {
	ResourceType        string               `json:"ResourceType"`
	ResourceTypeOptions []ResourceTypeOption `json:"ResourceTypeOptions,omitempty"`
}

// DescribeImageReferencesInput is EC2's DescribeImageReferences request.
type DescribeImageReferencesInput struct {
	ImageIds                []string              `json:"ImageIds"`
	IncludeAllResourceTypes bool                  `json:"IncludeAllResourceTypes,omitempty"`
	ResourceTypes           []ResourceTypeRequest `json:"ResourceTypes,omitempty"`
	MaxResults              int                   `json:"MaxResults,omitempty"`
	NextToken               string                `json:"NextToken,omitempty"`
	DryRun                  bool                  `json:"DryRun,omitempty"`
}

// ImageReference is a resource that uses an image.
type ImageReference struct {
	ImageId      string `json:"ImageId"`
	ResourceType string `json:"ResourceType"`
	Arn          string `json:"Arn"`
}

// DescribeImageReferencesOutput lists the references.
type DescribeImageReferencesOutput struct {
	ImageReferences []ImageReference `json:"ImageReferences"`
	NextToken       string           `json:"NextToken,omitempty"`
}

// DescribeInstanceImageMetadataInput is EC2's request of that name.
type DescribeInstanceImageMetadataInput struct {
	InstanceIds []string `json:"InstanceIds,omitempty"`
	Filters     []Filter `json:"Filters,omitempty"`
	MaxResults  int      `json:"MaxResults,omitempty"`
	NextToken   string   `json:"NextToken,omitempty"`
	DryRun      bool     `json:"DryRun,omitempty"`
}

// ImageMetadata is what an instance's image is (or was) as the instance sees it.
type ImageMetadata struct {
	ImageId         string `json:"ImageId"`
	Name            string `json:"Name,omitempty"`
	OwnerId         string `json:"OwnerId,omitempty"`
	State           string `json:"State,omitempty"`
	ImageOwnerAlias string `json:"ImageOwnerAlias,omitempty"`
	CreationDate    string `json:"CreationDate,omitempty"`
	DeprecationTime string `json:"DeprecationTime,omitempty"`
	IsPublic        bool   `json:"IsPublic"`
}

// InstanceImageMetadata is one instance and its image.
type InstanceImageMetadata struct {
	InstanceId       string        `json:"InstanceId"`
	InstanceType     string        `json:"InstanceType"`
	LaunchTime       time.Time     `json:"LaunchTime"`
	AvailabilityZone string        `json:"AvailabilityZone"`
	ZoneId           string        `json:"ZoneId,omitempty"`
	State            InstanceState `json:"State"`
	OwnerId          string        `json:"OwnerId"`
	Tags             []Tag         `json:"Tags,omitempty"`
	ImageMetadata    ImageMetadata `json:"ImageMetadata"`
}

// DescribeInstanceImageMetadataOutput lists instances with their images.
type DescribeInstanceImageMetadataOutput struct {
	InstanceImageMetadata []InstanceImageMetadata `json:"InstanceImageMetadata"`
	NextToken             string                  `json:"NextToken,omitempty"`
}

// FastLaunchImage is a Windows image's fast launch settings.
type FastLaunchImage struct {
	ImageId             string `json:"ImageId"`
	ResourceType        string `json:"ResourceType,omitempty"`
	MaxParallelLaunches int    `json:"MaxParallelLaunches,omitempty"`
	OwnerId             string `json:"OwnerId,omitempty"`
	State               string `json:"State,omitempty"`
}

// DescribeFastLaunchImagesInput is EC2's DescribeFastLaunchImages request.
type DescribeFastLaunchImagesInput struct {
	ImageIds   []string `json:"ImageIds,omitempty"`
	Filters    []Filter `json:"Filters,omitempty"`
	MaxResults int      `json:"MaxResults,omitempty"`
	NextToken  string   `json:"NextToken,omitempty"`
	DryRun     bool     `json:"DryRun,omitempty"`
}

// DescribeFastLaunchImagesOutput lists them.
type DescribeFastLaunchImagesOutput struct {
	FastLaunchImages []FastLaunchImage `json:"FastLaunchImages"`
	NextToken        string            `json:"NextToken,omitempty"`
}

// FastLaunchLaunchTemplate names the launch template of fast launch.
type FastLaunchLaunchTemplate struct {
	LaunchTemplateId   string `json:"LaunchTemplateId,omitempty"`
	LaunchTemplateName string `json:"LaunchTemplateName,omitempty"`
	Version            string `json:"Version"`
}

// FastLaunchSnapshotConfiguration is how many snapshots fast launch keeps.
type FastLaunchSnapshotConfiguration struct {
	TargetResourceCount int `json:"TargetResourceCount,omitempty"`
}

// EnableFastLaunchInput is EC2's EnableFastLaunch request.
type EnableFastLaunchInput struct {
	ImageId               string                           `json:"ImageId"`
	ResourceType          string                           `json:"ResourceType,omitempty"`
	LaunchTemplate        *FastLaunchLaunchTemplate        `json:"LaunchTemplate,omitempty"`
	MaxParallelLaunches   int                              `json:"MaxParallelLaunches,omitempty"`
	SnapshotConfiguration *FastLaunchSnapshotConfiguration `json:"SnapshotConfiguration,omitempty"`
	DryRun                bool                             `json:"DryRun,omitempty"`
}

// DisableFastLaunchInput is EC2's DisableFastLaunch request.
type DisableFastLaunchInput struct {
	ImageId string `json:"ImageId"`
	Force   bool   `json:"Force,omitempty"`
	DryRun  bool   `json:"DryRun,omitempty"`
}

// GetImageFindingsInput is EC2's GetImageFindings request.
type GetImageFindingsInput struct {
	ImageId    string `json:"ImageId"`
	MaxResults int    `json:"MaxResults,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
	DryRun     bool   `json:"DryRun,omitempty"`
}

// ImageFinding is an Amazon Inspector finding in an image.
type ImageFinding struct {
	Title         string `json:"Title"`
	SeverityLabel string `json:"SeverityLabel"`
	SnapshotId    string `json:"SnapshotId,omitempty"`
}

// GetImageFindingsOutput lists an image's findings.
type GetImageFindingsOutput struct {
	ImageFindings []ImageFinding `json:"ImageFindings"`
	NextToken     string         `json:"NextToken,omitempty"`
}
