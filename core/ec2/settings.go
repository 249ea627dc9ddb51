package ec2

import "time"

// InstanceTagAttribute is which instance tags EC2 includes in scheduled
// event notifications: all of them, or these keys.
type InstanceTagAttribute struct {
	IncludeAllTagsOfInstance bool     `json:"IncludeAllTagsOfInstance"`
	InstanceTagKeys          []string `json:"InstanceTagKeys"`
}

// InstanceTagAttributeRequest is Register/DeregisterInstanceEventNotificationAttributes'
// request part: IncludeAllTagsOfInstance is a pointer because false and
// absent differ (absent leaves the setting as it is).
type InstanceTagAttributeRequest struct {
	IncludeAllTagsOfInstance *bool    `json:"IncludeAllTagsOfInstance,omitempty"`
	InstanceTagKeys          []string `json:"InstanceTagKeys,omitempty"`
}

// RegisterInstanceEventNotificationAttributesInput adds tags to event notifications.
type RegisterInstanceEventNotificationAttributesInput struct {
	InstanceTagAttribute *InstanceTagAttributeRequest `json:"InstanceTagAttribute,omitempty"`
	DryRun               bool                         `json:"DryRun,omitempty"`
}

// DeregisterInstanceEventNotificationAttributesInput removes tags from event notifications.
type DeregisterInstanceEventNotificationAttributesInput struct {
	InstanceTagAttribute *InstanceTagAttributeRequest `json:"InstanceTagAttribute,omitempty"`
	DryRun               bool                         `json:"DryRun,omitempty"`
}

// DescribeInstanceEventNotificationAttributesInput asks for the setting.
type DescribeInstanceEventNotificationAttributesInput struct {
	DryRun bool `json:"DryRun,omitempty"`
}

// InstanceEventNotificationAttributesOutput is the setting after a change, or as it is.
type InstanceEventNotificationAttributesOutput struct {
	InstanceTagAttribute InstanceTagAttribute `json:"InstanceTagAttribute"`
}

// GetInstanceMetadataDefaultsInput asks for the region's IMDS defaults.
type GetInstanceMetadataDefaultsInput struct {
	DryRun bool `json:"DryRun,omitempty"`
}

// InstanceMetadataDefaults is the account's IMDS defaults in a region, for
// launches that do not set MetadataOptions; "" is no preference.
type InstanceMetadataDefaults struct {
	HttpTokens              string `json:"HttpTokens,omitempty"`
	HttpPutResponseHopLimit int    `json:"HttpPutResponseHopLimit,omitempty"`
	HttpEndpoint            string `json:"HttpEndpoint,omitempty"`
	InstanceMetadataTags    string `json:"InstanceMetadataTags,omitempty"`
	HttpTokensEnforced      string `json:"HttpTokensEnforced,omitempty"`
	ManagedBy               string `json:"ManagedBy,omitempty"`
}

// GetInstanceMetadataDefaultsOutput is the region's IMDS defaults.
type GetInstanceMetadataDefaultsOutput struct {
	AccountLevel InstanceMetadataDefaults `json:"AccountLevel"`
}

// ModifyInstanceMetadataDefaultsInput changes the region's IMDS defaults;
// "no-preference" (-1 for the hop limit) clears one.
type ModifyInstanceMetadataDefaultsInput struct {
	HttpTokens              string `json:"HttpTokens,omitempty"`
	HttpPutResponseHopLimit *int   `json:"HttpPutResponseHopLimit,omitempty"`
	HttpEndpoint            string `json:"HttpEndpoint,omitempty"`
	InstanceMetadataTags    string `json:"InstanceMetadataTags,omitempty"`
	HttpTokensEnforced      string `json:"HttpTokensEnforced,omitempty"`
	DryRun                  bool   `json:"DryRun,omitempty"`
}

// ReportInstanceStatusInput is feedback on instances that seem impaired.
type ReportInstanceStatusInput struct {
	Instances   []string   `json:"Instances"`
	Status      string     `json:"Status"`
	ReasonCodes []string   `json:"ReasonCodes"`
	Description string     `json:"Description,omitempty"`
	StartTime   *time.Time `json:"StartTime,omitempty"`
	EndTime     *time.Time `json:"EndTime,omitempty"`
	DryRun      bool       `json:"DryRun,omitempty"`
}

// GetInstanceTpmEkPubInput asks for an instance's NitroTPM endorsement key.
type GetInstanceTpmEkPubInput struct {
	InstanceId string `json:"InstanceId"`
	KeyType    string `json:"KeyType"`
	KeyFormat  string `json:"KeyFormat"`
	DryRun     bool   `json:"DryRun,omitempty"`
}

// SendDiagnosticInterruptInput names the instance to interrupt.
type SendDiagnosticInterruptInput struct {
	InstanceId string `json:"InstanceId"`
	DryRun     bool   `json:"DryRun,omitempty"`
}
