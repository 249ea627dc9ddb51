package ec2

import "time"

// LaunchTemplate is a launch template as EC2 describes it.
type LaunchTemplate struct {
	CreateTime           time.Time         `json:"CreateTime"`
	CreatedBy            string            `json:"CreatedBy,omitempty"`
	DefaultVersionNumber int64             `json:"DefaultVersionNumber"`
	LatestVersionNumber  int64             `json:"LatestVersionNumber"`
	LaunchTemplateId     string            `json:"LaunchTemplateId"`
	LaunchTemplateName   string            `json:"LaunchTemplateName"`
	Operator             *OperatorResponse `json:"Operator,omitempty"`
	Tags                 []Tag             `json:"Tags,omitempty"`
}

// LaunchTemplateVersion is one version of a launch template.
type LaunchTemplateVersion struct {
	CreateTime         time.Time                   `json:"CreateTime"`
	CreatedBy          string                      `json:"CreatedBy,omitempty"`
	DefaultVersion     bool                        `json:"DefaultVersion"`
	LaunchTemplateData *ResponseLaunchTemplateData `json:"LaunchTemplateData,omitempty"`
	LaunchTemplateId   string                      `json:"LaunchTemplateId"`
	LaunchTemplateName string                      `json:"LaunchTemplateName"`
	Operator           *OperatorResponse           `json:"Operator,omitempty"`
	VersionDescription string                      `json:"VersionDescription,omitempty"`
	VersionNumber      int64                       `json:"VersionNumber"`
}

// LaunchTemplateSpecification names the template RunInstances launches
// from: its ID or its name, and a version ($Latest, $Default or a number;
// the default version when empty).
type LaunchTemplateSpecification struct {
	LaunchTemplateId   string `json:"LaunchTemplateId,omitempty"`
	LaunchTemplateName string `json:"LaunchTemplateName,omitempty"`
	Version            string `json:"Version,omitempty"`
}

// CreateLaunchTemplateInput is EC2's CreateLaunchTemplate request.
type CreateLaunchTemplateInput struct {
	LaunchTemplateData *RequestLaunchTemplateData `json:"LaunchTemplateData,omitempty"`
	LaunchTemplateName string                     `json:"LaunchTemplateName,omitempty"`
	ClientToken        string                     `json:"ClientToken,omitempty"`
	DryRun             bool                       `json:"DryRun,omitempty"`
	Operator           *OperatorRequest           `json:"Operator,omitempty" ec2x:"noeffect"`
	TagSpecifications  []TagSpecification         `json:"TagSpecifications,omitempty"`
	VersionDescription string                     `json:"VersionDescription,omitempty"`
}

// CreateLaunchTemplateOutput answers CreateLaunchTemplate.
type CreateLaunchTemplateOutput struct {
	LaunchTemplate *LaunchTemplate    `json:"LaunchTemplate"`
	Warning        *ValidationWarning `json:"Warning,omitempty"`
}

// CreateLaunchTemplateVersionInput is EC2's CreateLaunchTemplateVersion
// request: the new version's data is merged over SourceVersion's.
type CreateLaunchTemplateVersionInput struct {
	LaunchTemplateData *RequestLaunchTemplateData `json:"LaunchTemplateData,omitempty"`
	ClientToken        string                     `json:"ClientToken,omitempty"`
	DryRun             bool                       `json:"DryRun,omitempty"`
	LaunchTemplateId   string                     `json:"LaunchTemplateId,omitempty"`
	LaunchTemplateName string                     `json:"LaunchTemplateName,omitempty"`
	ResolveAlias       bool                       `json:"ResolveAlias,omitempty" ec2x:"noeffect"`
	SourceVersion      string                     `json:"SourceVersion,omitempty"`
	VersionDescription string                     `json:"VersionDescription,omitempty"`
}

// CreateLaunchTemplateVersionOutput answers CreateLaunchTemplateVersion.
type CreateLaunchTemplateVersionOutput struct {
	LaunchTemplateVersion *LaunchTemplateVersion `json:"LaunchTemplateVersion"`
	Warning               *ValidationWarning     `json:"Warning,omitempty"`
}

// ModifyLaunchTemplateInput is EC2's ModifyLaunchTemplate request
// (DefaultVersion is SetDefaultVersion on the wire).
type ModifyLaunchTemplateInput struct {
	ClientToken        string `json:"ClientToken,omitempty"`
	DefaultVersion     string `json:"DefaultVersion,omitempty"`
	DryRun             bool   `json:"DryRun,omitempty"`
	LaunchTemplateId   string `json:"LaunchTemplateId,omitempty"`
	LaunchTemplateName string `json:"LaunchTemplateName,omitempty"`
}

// ModifyLaunchTemplateOutput answers ModifyLaunchTemplate.
type ModifyLaunchTemplateOutput struct {
	LaunchTemplate *LaunchTemplate `json:"LaunchTemplate"`
}

// DeleteLaunchTemplateInput is EC2's DeleteLaunchTemplate request.
type DeleteLaunchTemplateInput struct {
	DryRun             bool   `json:"DryRun,omitempty"`
	LaunchTemplateId   string `json:"LaunchTemplateId,omitempty"`
	LaunchTemplateName string `json:"LaunchTemplateName,omitempty"`
}

// DeleteLaunchTemplateOutput answers DeleteLaunchTemplate.
type DeleteLaunchTemplateOutput struct {
	LaunchTemplate *LaunchTemplate `json:"LaunchTemplate"`
}

// DescribeLaunchTemplatesInput is EC2's DescribeLaunchTemplates request.
type DescribeLaunchTemplatesInput struct {
	DryRun                  bool     `json:"DryRun,omitempty"`
	Filters                 []Filter `json:"Filters,omitempty"`
	IncludeManagedResources bool     `json:"IncludeManagedResources,omitempty" ec2x:"noeffect"`
	LaunchTemplateIds       []string `json:"LaunchTemplateIds,omitempty"`
	LaunchTemplateNames     []string `json:"LaunchTemplateNames,omitempty"`
	MaxResults              int      `json:"MaxResults,omitempty"`
	NextToken               string   `json:"NextToken,omitempty"`
}

// DescribeLaunchTemplatesOutput lists launch templates.
type DescribeLaunchTemplatesOutput struct {
	LaunchTemplates []LaunchTemplate `json:"LaunchTemplates"`
	NextToken       string           `json:"NextToken,omitempty"`
}

// DescribeLaunchTemplateVersionsInput is EC2's
// DescribeLaunchTemplateVersions request.
type DescribeLaunchTemplateVersionsInput struct {
	DryRun                  bool     `json:"DryRun,omitempty"`
	Filters                 []Filter `json:"Filters,omitempty"`
	IncludeManagedResources bool     `json:"IncludeManagedResources,omitempty" ec2x:"noeffect"`
	LaunchTemplateId        string   `json:"LaunchTemplateId,omitempty"`
	LaunchTemplateName      string   `json:"LaunchTemplateName,omitempty"`
	MaxResults              int      `json:"MaxResults,omitempty"`
	MaxVersion              string   `json:"MaxVersion,omitempty"`
	MinVersion              string   `json:"MinVersion,omitempty"`
	NextToken               string   `json:"NextToken,omitempty"`
	ResolveAlias            bool     `json:"ResolveAlias,omitempty" ec2x:"noeffect"`
	Versions                []string `json:"Versions,omitempty"`
}

// DescribeLaunchTemplateVersionsOutput lists launch template versions.
type DescribeLaunchTemplateVersionsOutput struct {
	LaunchTemplateVersions []LaunchTemplateVersion `json:"LaunchTemplateVersions"`
	NextToken              string                  `json:"NextToken,omitempty"`
}

// DeleteLaunchTemplateVersionsInput is EC2's DeleteLaunchTemplateVersions request.
type DeleteLaunchTemplateVersionsInput struct {
	Versions           []string `json:"Versions"`
	DryRun             bool     `json:"DryRun,omitempty"`
	LaunchTemplateId   string   `json:"LaunchTemplateId,omitempty"`
	LaunchTemplateName string   `json:"LaunchTemplateName,omitempty"`
}

// DeleteLaunchTemplateVersionsOutput says, version by version, what was
// deleted and what was not (and why), as EC2 does.
type DeleteLaunchTemplateVersionsOutput struct {
	SuccessfullyDeletedLaunchTemplateVersions   []DeleteLaunchTemplateVersionsResponseSuccessItem `json:"SuccessfullyDeletedLaunchTemplateVersions,omitempty"`
	UnsuccessfullyDeletedLaunchTemplateVersions []DeleteLaunchTemplateVersionsResponseErrorItem   `json:"UnsuccessfullyDeletedLaunchTemplateVersions,omitempty"`
}

// DeleteLaunchTemplateVersionsResponseSuccessItem is a version deleted.
type DeleteLaunchTemplateVersionsResponseSuccessItem struct {
	LaunchTemplateId   string `json:"LaunchTemplateId,omitempty"`
	LaunchTemplateName string `json:"LaunchTemplateName,omitempty"`
	VersionNumber      int64  `json:"VersionNumber"`
}

// DeleteLaunchTemplateVersionsResponseErrorItem is a version not deleted.
type DeleteLaunchTemplateVersionsResponseErrorItem struct {
	LaunchTemplateId   string         `json:"LaunchTemplateId,omitempty"`
	LaunchTemplateName string         `json:"LaunchTemplateName,omitempty"`
	ResponseError      *ResponseError `json:"ResponseError,omitempty"`
	VersionNumber      int64          `json:"VersionNumber"`
}

// GetLaunchTemplateDataInput is EC2's GetLaunchTemplateData request.
type GetLaunchTemplateDataInput struct {
	InstanceId string `json:"InstanceId"`
	DryRun     bool   `json:"DryRun,omitempty"`
}

// GetLaunchTemplateDataOutput is an instance's parameters as template data.
type GetLaunchTemplateDataOutput struct {
	LaunchTemplateData *ResponseLaunchTemplateData `json:"LaunchTemplateData"`
}

// The tags EC2 puts on an instance launched from a template.
const (
	TagLaunchTemplateID      = "aws:ec2launchtemplate:id"
	TagLaunchTemplateVersion = "aws:ec2launchtemplate:version"
)
