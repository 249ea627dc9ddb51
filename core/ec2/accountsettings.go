package ec2

// The account's EBS and image settings in a region: encryption by
// default and its key, block public access for snapshots and images, and
// Allowed AMIs. The Get/Disable/Reset actions take a DryRunInput.

// EbsEncryptionByDefaultOutput is Enable/DisableEbsEncryptionByDefault's answer.
type EbsEncryptionByDefaultOutput struct {
	EbsEncryptionByDefault bool `json:"EbsEncryptionByDefault"`
}

// GetEbsEncryptionByDefaultOutput is whether new volumes are encrypted.
type GetEbsEncryptionByDefaultOutput struct {
	EbsEncryptionByDefault bool   `json:"EbsEncryptionByDefault"`
	SseType                string `json:"SseType,omitempty"`
}

// ModifyEbsDefaultKmsKeyIdInput names the default key: a key ID, alias/…,
// or a key or alias ARN.
type ModifyEbsDefaultKmsKeyIdInput struct {
	KmsKeyId string `json:"KmsKeyId"`
	DryRun   bool   `json:"DryRun,omitempty"`
}

// EbsDefaultKmsKeyIdOutput is the default key's ARN (Get, Modify, Reset).
type EbsDefaultKmsKeyIdOutput struct {
	KmsKeyId string `json:"KmsKeyId"`
}

// EnableSnapshotBlockPublicAccessInput blocks public sharing of snapshots:
// block-all-sharing or block-new-sharing.
type EnableSnapshotBlockPublicAccessInput struct {
	State  string `json:"State"`
	DryRun bool   `json:"DryRun,omitempty"`
}

// SnapshotBlockPublicAccessOutput is the state after Enable or Disable.
type SnapshotBlockPublicAccessOutput struct {
	State string `json:"State"`
}

// GetSnapshotBlockPublicAccessStateOutput is the state and who manages it.
type GetSnapshotBlockPublicAccessStateOutput struct {
	State     string `json:"State"`
	ManagedBy string `json:"ManagedBy,omitempty"`
}

// EnableImageBlockPublicAccessInput blocks public sharing of images
// (block-new-sharing, the only state).
type EnableImageBlockPublicAccessInput struct {
	ImageBlockPublicAccessState string `json:"ImageBlockPublicAccessState"`
	DryRun                      bool   `json:"DryRun,omitempty"`
}

// ImageBlockPublicAccessOutput is the state after Enable or Disable.
type ImageBlockPublicAccessOutput struct {
	ImageBlockPublicAccessState string `json:"ImageBlockPublicAccessState"`
}

// GetImageBlockPublicAccessStateOutput is the state and who manages it.
type GetImageBlockPublicAccessStateOutput struct {
	ImageBlockPublicAccessState string `json:"ImageBlockPublicAccessState"`
	ManagedBy                   string `json:"ManagedBy,omitempty"`
}

// EnableAllowedImagesSettingsInput turns Allowed AMIs on: enabled or audit-mode.
type EnableAllowedImagesSettingsInput struct {
	AllowedImagesSettingsState string `json:"AllowedImagesSettingsState"`
	DryRun                     bool   `json:"DryRun,omitempty"`
}

// AllowedImagesSettingsOutput is the state after Enable or Disable.
type AllowedImagesSettingsOutput struct {
	AllowedImagesSettingsState string `json:"AllowedImagesSettingsState"`
}

// GetAllowedImagesSettingsOutput is the state, the criteria and who manages them.
type GetAllowedImagesSettingsOutput struct {
	State         string           `json:"State"`
	ImageCriteria []ImageCriterion `json:"ImageCriteria,omitempty"`
	ManagedBy     string           `json:"ManagedBy,omitempty"`
}

// ReplaceImageCriteriaInAllowedImagesSettingsInput is the new criteria
// (none: no image but the account's own is allowed while enabled).
type ReplaceImageCriteriaInAllowedImagesSettingsInput struct {
	ImageCriteria []ImageCriterionRequest `json:"ImageCriteria,omitempty"`
	DryRun        bool                    `json:"DryRun,omitempty"`
}

// ReplaceImageCriteriaInAllowedImagesSettingsOutput says it succeeded.
type ReplaceImageCriteriaInAllowedImagesSettingsOutput struct {
	ReturnValue bool `json:"ReturnValue"`
}

// ImageCriterionRequest is one criterion of Allowed AMIs: an image is
// allowed when it meets every part a criterion sets, for any criterion.
type ImageCriterionRequest struct {
	ImageProviders           []string                         `json:"ImageProviders,omitempty"`
	ImageNames               []string                         `json:"ImageNames,omitempty"`
	MarketplaceProductCodes  []string                         `json:"MarketplaceProductCodes,omitempty"`
	CreationDateCondition    *CreationDateConditionRequest    `json:"CreationDateCondition,omitempty"`
	DeprecationTimeCondition *DeprecationTimeConditionRequest `json:"DeprecationTimeCondition,omitempty"`
	ImageWatermarks          []ImageWatermarkFilterRequest    `json:"ImageWatermarks,omitempty"`
	ScanResultCondition      *ScanResultConditionRequest      `json:"ScanResultCondition,omitempty"`
}

// CreationDateConditionRequest is the most days since an image was made.
type CreationDateConditionRequest struct {
	MaximumDaysSinceCreated *int `json:"MaximumDaysSinceCreated,omitempty"`
}

// DeprecationTimeConditionRequest is the most days since an image was
// deprecated (0: no deprecated image).
type DeprecationTimeConditionRequest struct {
	MaximumDaysSinceDeprecated *int `json:"MaximumDaysSinceDeprecated,omitempty"`
}

// ImageWatermarkFilterRequest is a watermark an image must carry.
type ImageWatermarkFilterRequest struct {
	WatermarkKey                       string `json:"WatermarkKey,omitempty"`
	SourceImageRegion                  string `json:"SourceImageRegion,omitempty"`
	MaximumDaysSinceSourceImageCreated *int   `json:"MaximumDaysSinceSourceImageCreated,omitempty"`
	MaximumDaysSinceWatermarkCreated   *int   `json:"MaximumDaysSinceWatermarkCreated,omitempty"`
}

// ScanResultConditionRequest is what an image's Amazon Inspector scan must show.
type ScanResultConditionRequest struct {
	MaximumSeverityLabel                  string `json:"MaximumSeverityLabel,omitempty"`
	MaxDaysSinceLastFindingScan           *int   `json:"MaxDaysSinceLastFindingScan,omitempty"`
	MaxDaysSinceCriticalFixAvailable      *int   `json:"MaxDaysSinceCriticalFixAvailable,omitempty"`
	MaxDaysSinceHighFixAvailable          *int   `json:"MaxDaysSinceHighFixAvailable,omitempty"`
	MaxDaysSinceMediumFixAvailable        *int   `json:"MaxDaysSinceMediumFixAvailable,omitempty"`
	MaxDaysSinceLowFixAvailable           *int   `json:"MaxDaysSinceLowFixAvailable,omitempty"`
	MaxDaysSinceInformationalFixAvailable *int   `json:"MaxDaysSinceInformationalFixAvailable,omitempty"`
}

// ImageCriterion is a criterion as GetAllowedImagesSettings shows it.
type ImageCriterion struct {
	ImageProviders           []string                       `json:"ImageProviders,omitempty"`
	ImageNames               []string                       `json:"ImageNames,omitempty"`
	MarketplaceProductCodes  []string                       `json:"MarketplaceProductCodes,omitempty"`
	CreationDateCondition    *CreationDateCondition         `json:"CreationDateCondition,omitempty"`
	DeprecationTimeCondition *DeprecationTimeCondition      `json:"DeprecationTimeCondition,omitempty"`
	ImageWatermarks          []ImageWatermarkFilterResponse `json:"ImageWatermarks,omitempty"`
	ScanResultCondition      *ScanResultCondition           `json:"ScanResultCondition,omitempty"`
}

// CreationDateCondition is CreationDateConditionRequest as shown.
type CreationDateCondition CreationDateConditionRequest

// DeprecationTimeCondition is DeprecationTimeConditionRequest as shown.
type DeprecationTimeCondition DeprecationTimeConditionRequest

// ImageWatermarkFilterResponse is ImageWatermarkFilterRequest as shown.
type ImageWatermarkFilterResponse ImageWatermarkFilterRequest

// ScanResultCondition is ScanResultConditionRequest as shown.
type ScanResultCondition ScanResultConditionRequest
