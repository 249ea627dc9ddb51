package ec2

import "time"

// Instance attributes: protections, shutdown behaviour, metadata options,
// monitoring, and the attribute actions (Modify/Describe/Reset
// InstanceAttribute, ModifyInstanceMetadataOptions, Monitor/Unmonitor).

// InstanceMetadataOptionsRequest is RunInstances' MetadataOptions and the
// settings ModifyInstanceMetadataOptions takes.
type InstanceMetadataOptionsRequest struct {
	HttpTokens              string `json:"HttpTokens,omitempty"`
	HttpPutResponseHopLimit int    `json:"HttpPutResponseHopLimit,omitempty"`
	HttpEndpoint            string `json:"HttpEndpoint,omitempty"`
	HttpProtocolIpv6        string `json:"HttpProtocolIpv6,omitempty"`
	InstanceMetadataTags    string `json:"InstanceMetadataTags,omitempty"`
}

// InstanceMetadataOptionsResponse is an instance's metadata options as
// EC2 shows them; State is pending until the change is applied.
type InstanceMetadataOptionsResponse struct {
	State                   string `json:"State"`
	HttpTokens              string `json:"HttpTokens"`
	HttpPutResponseHopLimit int    `json:"HttpPutResponseHopLimit"`
	HttpEndpoint            string `json:"HttpEndpoint"`
	HttpProtocolIpv6        string `json:"HttpProtocolIpv6"`
	InstanceMetadataTags    string `json:"InstanceMetadataTags"`
}

// RunInstancesMonitoringEnabled turns detailed monitoring on at launch.
type RunInstancesMonitoringEnabled struct {
	Enabled bool `json:"Enabled"`
}

// Monitoring is an instance's detailed monitoring state: disabled,
// disabling, enabled or pending.
type Monitoring struct {
	State string `json:"State"`
}

// ModifyInstanceMetadataOptionsInput is EC2's ModifyInstanceMetadataOptions
// request; what is left out keeps its value.
type ModifyInstanceMetadataOptionsInput struct {
	InstanceId              string `json:"InstanceId"`
	HttpTokens              string `json:"HttpTokens,omitempty"`
	HttpPutResponseHopLimit int    `json:"HttpPutResponseHopLimit,omitempty"`
	HttpEndpoint            string `json:"HttpEndpoint,omitempty"`
	HttpProtocolIpv6        string `json:"HttpProtocolIpv6,omitempty"`
	InstanceMetadataTags    string `json:"InstanceMetadataTags,omitempty"`
	DryRun                  bool   `json:"DryRun,omitempty"`
}

// ModifyInstanceMetadataOptionsOutput answers it with the new options.
type ModifyInstanceMetadataOptionsOutput struct {
	InstanceId              string                           `json:"InstanceId"`
	InstanceMetadataOptions *InstanceMetadataOptionsResponse `json:"InstanceMetadataOptions"`
}

// MonitorInstancesInput is EC2's MonitorInstances (and
// UnmonitorInstances) request.
type MonitorInstancesInput struct {
	InstanceIds []string `json:"InstanceIds"`
	DryRun      bool     `json:"DryRun,omitempty"`
}

// UnmonitorInstancesInput is EC2's UnmonitorInstances request.
type UnmonitorInstancesInput MonitorInstancesInput

// InstanceMonitoring is one instance's monitoring state in an answer.
type InstanceMonitoring struct {
	InstanceId string     `json:"InstanceId"`
	Monitoring Monitoring `json:"Monitoring"`
}

// MonitorInstancesOutput answers MonitorInstances.
type MonitorInstancesOutput struct {
	InstanceMonitorings []InstanceMonitoring `json:"InstanceMonitorings"`
}

// UnmonitorInstancesOutput answers UnmonitorInstances.
type UnmonitorInstancesOutput struct {
	InstanceMonitorings []InstanceMonitoring `json:"InstanceMonitorings"`
}

// EbsInstanceBlockDeviceSpecification changes an attached volume.
type EbsInstanceBlockDeviceSpecification struct {
	DeleteOnTermination *bool  `json:"DeleteOnTermination,omitempty"`
	VolumeId            string `json:"VolumeId,omitempty"`
}

// InstanceBlockDeviceMappingSpecification is ModifyInstanceAttribute's
// change to a device of an instance.
type InstanceBlockDeviceMappingSpecification struct {
	DeviceName  string                               `json:"DeviceName,omitempty"`
	Ebs         *EbsInstanceBlockDeviceSpecification `json:"Ebs,omitempty"`
	NoDevice    string                               `json:"NoDevice,omitempty"`
	VirtualName string                               `json:"VirtualName,omitempty"`
}

// EbsInstanceBlockDevice is a volume attached to an instance.
type EbsInstanceBlockDevice struct {
	AttachTime          time.Time `json:"AttachTime"`
	DeleteOnTermination bool      `json:"DeleteOnTermination"`
	Status              string    `json:"Status"`
	VolumeId            string    `json:"VolumeId"`
}

// InstanceBlockDeviceMapping is a device of an instance.
type InstanceBlockDeviceMapping struct {
	DeviceName string                  `json:"DeviceName"`
	Ebs        *EbsInstanceBlockDevice `json:"Ebs,omitempty"`
}

// ProductCode is an AMI's product code (none in ec2x).
type ProductCode struct {
	ProductCodeId   string `json:"ProductCodeId"`
	ProductCodeType string `json:"ProductCodeType"`
}

// EnclaveOptions says whether Nitro Enclaves are enabled.
type EnclaveOptions struct {
	Enabled bool `json:"Enabled"`
}

// BoolValue is an AttributeBooleanValue holding v.
func BoolValue(v bool) *AttributeBooleanValue { return &AttributeBooleanValue{Value: &v} }

// ModifyInstanceAttributeInput is EC2's ModifyInstanceAttribute request:
// one attribute a call, either typed (InstanceType.Value, ...) or as
// Attribute and Value. UserData.Value is base64, as in EC2's API.
type ModifyInstanceAttributeInput struct {
	InstanceId                        string                                    `json:"InstanceId"`
	Attribute                         string                                    `json:"Attribute,omitempty"`
	Value                             string                                    `json:"Value,omitempty"`
	InstanceType                      *AttributeValue                           `json:"InstanceType,omitempty"`
	UserData                          *AttributeValue                           `json:"UserData,omitempty"`
	Kernel                            *AttributeValue                           `json:"Kernel,omitempty" ec2x:"noeffect"`
	Ramdisk                           *AttributeValue                           `json:"Ramdisk,omitempty" ec2x:"noeffect"`
	DisableApiTermination             *AttributeBooleanValue                    `json:"DisableApiTermination,omitempty"`
	DisableApiStop                    *AttributeBooleanValue                    `json:"DisableApiStop,omitempty"`
	InstanceInitiatedShutdownBehavior *AttributeValue                           `json:"InstanceInitiatedShutdownBehavior,omitempty"`
	BlockDeviceMappings               []InstanceBlockDeviceMappingSpecification `json:"BlockDeviceMappings,omitempty"`
	SourceDestCheck                   *AttributeBooleanValue                    `json:"SourceDestCheck,omitempty"`
	Groups                            []string                                  `json:"Groups,omitempty"`
	EbsOptimized                      *AttributeBooleanValue                    `json:"EbsOptimized,omitempty" ec2x:"noeffect"`
	SriovNetSupport                   *AttributeValue                           `json:"SriovNetSupport,omitempty" ec2x:"noeffect"`
	EnaSupport                        *AttributeBooleanValue                    `json:"EnaSupport,omitempty" ec2x:"noeffect"`
	EnclaveOptions                    *EnclaveOptionsRequest                    `json:"EnclaveOptions,omitempty" ec2x:"noeffect"`
	DryRun                            bool                                      `json:"DryRun,omitempty"`
}

// DescribeInstanceAttributeInput asks for one attribute of an instance.
type DescribeInstanceAttributeInput struct {
	InstanceId string `json:"InstanceId"`
	Attribute  string `json:"Attribute"`
	DryRun     bool   `json:"DryRun,omitempty"`
}

// DescribeInstanceAttributeOutput carries the attribute asked for.
type DescribeInstanceAttributeOutput struct {
	InstanceId                        string                       `json:"InstanceId"`
	InstanceType                      *AttributeValue              `json:"InstanceType,omitempty"`
	UserData                          *AttributeValue              `json:"UserData,omitempty"`
	KernelId                          *AttributeValue              `json:"KernelId,omitempty"`
	RamdiskId                         *AttributeValue              `json:"RamdiskId,omitempty"`
	DisableApiTermination             *AttributeBooleanValue       `json:"DisableApiTermination,omitempty"`
	DisableApiStop                    *AttributeBooleanValue       `json:"DisableApiStop,omitempty"`
	InstanceInitiatedShutdownBehavior *AttributeValue              `json:"InstanceInitiatedShutdownBehavior,omitempty"`
	RootDeviceName                    *AttributeValue              `json:"RootDeviceName,omitempty"`
	BlockDeviceMappings               []InstanceBlockDeviceMapping `json:"BlockDeviceMappings,omitempty"`
	ProductCodes                      []ProductCode                `json:"ProductCodes,omitempty"`
	SourceDestCheck                   *AttributeBooleanValue       `json:"SourceDestCheck,omitempty"`
	Groups                            []GroupIdentifier            `json:"Groups,omitempty"`
	EbsOptimized                      *AttributeBooleanValue       `json:"EbsOptimized,omitempty"`
	SriovNetSupport                   *AttributeValue              `json:"SriovNetSupport,omitempty"`
	EnaSupport                        *AttributeBooleanValue       `json:"EnaSupport,omitempty"`
	EnclaveOptions                    *EnclaveOptions              `json:"EnclaveOptions,omitempty"`
}

// ResetInstanceAttributeInput is EC2's ResetInstanceAttribute request
// (kernel, ramdisk, sourceDestCheck).
type ResetInstanceAttributeInput struct {
	InstanceId string `json:"InstanceId"`
	Attribute  string `json:"Attribute"`
	DryRun     bool   `json:"DryRun,omitempty"`
}
