package ec2

import "time"

// DescribeInstanceStatusInput is EC2's DescribeInstanceStatus request.
type DescribeInstanceStatusInput struct {
	InstanceIds []string `json:"InstanceIds,omitempty"`
	Filters     []Filter `json:"Filters,omitempty"`
	// IncludeAllInstances lists instances in every state, not only running ones.
	IncludeAllInstances bool `json:"IncludeAllInstances,omitempty"`
	// IncludeManagedResources has no effect: ec2x has no managed instances.
	IncludeManagedResources bool   `json:"IncludeManagedResources,omitempty" ec2x:"noeffect"`
	MaxResults              int    `json:"MaxResults,omitempty"`
	NextToken               string `json:"NextToken,omitempty"`
	DryRun                  bool   `json:"DryRun,omitempty"`
}

// DescribeInstanceStatusOutput is EC2's DescribeInstanceStatus answer.
type DescribeInstanceStatusOutput struct {
	InstanceStatuses []InstanceStatus `json:"InstanceStatuses"`
	NextToken        string           `json:"NextToken,omitempty"`
}

// InstanceStatus is one instance's status checks and scheduled events.
type InstanceStatus struct {
	InstanceId         string                 `json:"InstanceId"`
	AvailabilityZone   string                 `json:"AvailabilityZone"`
	AvailabilityZoneId string                 `json:"AvailabilityZoneId,omitempty"`
	InstanceState      InstanceState          `json:"InstanceState"`
	SystemStatus       InstanceStatusSummary  `json:"SystemStatus"`
	InstanceStatus     InstanceStatusSummary  `json:"InstanceStatus"`
	AttachedEbsStatus  *InstanceStatusSummary `json:"AttachedEbsStatus,omitempty"`
	Events             []InstanceStatusEvent  `json:"Events,omitempty"`
}

// InstanceStatusSummary is one status check: ok, impaired, initializing,
// insufficient-data or not-applicable, with its details.
type InstanceStatusSummary struct {
	Status  string                  `json:"Status"`
	Details []InstanceStatusDetails `json:"Details,omitempty"`
}

// InstanceStatusDetails is a check's detail (reachability: passed, failed
// or initializing).
type InstanceStatusDetails struct {
	Name          string     `json:"Name"`
	Status        string     `json:"Status"`
	ImpairedSince *time.Time `json:"ImpairedSince,omitempty"`
}

// InstanceStatusEvent is a scheduled event of an instance.
type InstanceStatusEvent struct {
	InstanceEventId   string     `json:"InstanceEventId"`
	Code              string     `json:"Code"`
	Description       string     `json:"Description"`
	NotBefore         *time.Time `json:"NotBefore,omitempty"`
	NotAfter          *time.Time `json:"NotAfter,omitempty"`
	NotBeforeDeadline *time.Time `json:"NotBeforeDeadline,omitempty"`
}

// Status summaries and details as EC2 words them.
const (
	StatusOK             = "ok"
	StatusImpaired       = "impaired"
	StatusInitializing   = "initializing"
	StatusNotApplicable  = "not-applicable"
	StatusInsufficient   = "insufficient-data"
	ReachabilityPassed   = "passed"
	ReachabilityFailed   = "failed"
	ReachabilityStarting = "initializing"
)

// CreditSpecificationRequest is RunInstances' CreditSpecification.
type CreditSpecificationRequest struct {
	CpuCredits string `json:"CpuCredits"`
}

// DescribeInstanceCreditSpecificationsInput is EC2's
// DescribeInstanceCreditSpecifications request.
type DescribeInstanceCreditSpecificationsInput struct {
	InstanceIds []string `json:"InstanceIds,omitempty"`
	Filters     []Filter `json:"Filters,omitempty"`
	MaxResults  int      `json:"MaxResults,omitempty"`
	NextToken   string   `json:"NextToken,omitempty"`
	DryRun      bool     `json:"DryRun,omitempty"`
}

// DescribeInstanceCreditSpecificationsOutput is its answer.
type DescribeInstanceCreditSpecificationsOutput struct {
	InstanceCreditSpecifications []InstanceCreditSpecification `json:"InstanceCreditSpecifications"`
	NextToken                    string                        `json:"NextToken,omitempty"`
}

// InstanceCreditSpecification is an instance's credit option.
type InstanceCreditSpecification struct {
	InstanceId string `json:"InstanceId"`
	CpuCredits string `json:"CpuCredits"`
}

// ModifyInstanceCreditSpecificationInput is EC2's
// ModifyInstanceCreditSpecification request.
type ModifyInstanceCreditSpecificationInput struct {
	InstanceCreditSpecifications []InstanceCreditSpecification `json:"InstanceCreditSpecifications"`
	ClientToken                  string                        `json:"ClientToken,omitempty" ec2x:"noeffect"`
	DryRun                       bool                          `json:"DryRun,omitempty"`
}

// ModifyInstanceCreditSpecificationOutput lists what changed and what did
// not, with why.
type ModifyInstanceCreditSpecificationOutput struct {
	SuccessfulInstanceCreditSpecifications   []SuccessfulInstanceCreditSpecificationItem   `json:"SuccessfulInstanceCreditSpecifications"`
	UnsuccessfulInstanceCreditSpecifications []UnsuccessfulInstanceCreditSpecificationItem `json:"UnsuccessfulInstanceCreditSpecifications"`
}

// SuccessfulInstanceCreditSpecificationItem is an instance whose option changed.
type SuccessfulInstanceCreditSpecificationItem struct {
	InstanceId string `json:"InstanceId"`
}

// UnsuccessfulInstanceCreditSpecificationItem is an instance whose option
// did not change.
type UnsuccessfulInstanceCreditSpecificationItem struct {
	InstanceId string                                           `json:"InstanceId"`
	Error      UnsuccessfulInstanceCreditSpecificationItemError `json:"Error"`
}

// UnsuccessfulInstanceCreditSpecificationItemError is why.
type UnsuccessfulInstanceCreditSpecificationItemError struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

// GetDefaultCreditSpecificationInput is EC2's GetDefaultCreditSpecification request.
type GetDefaultCreditSpecificationInput struct {
	InstanceFamily string `json:"InstanceFamily"`
	DryRun         bool   `json:"DryRun,omitempty"`
}

// GetDefaultCreditSpecificationOutput is its answer.
type GetDefaultCreditSpecificationOutput struct {
	InstanceFamilyCreditSpecification InstanceFamilyCreditSpecification `json:"InstanceFamilyCreditSpecification"`
}

// ModifyDefaultCreditSpecificationInput is EC2's ModifyDefaultCreditSpecification request.
type ModifyDefaultCreditSpecificationInput struct {
	InstanceFamily string `json:"InstanceFamily"`
	CpuCredits     string `json:"CpuCredits"`
	DryRun         bool   `json:"DryRun,omitempty"`
}

// ModifyDefaultCreditSpecificationOutput is its answer.
type ModifyDefaultCreditSpecificationOutput struct {
	InstanceFamilyCreditSpecification InstanceFamilyCreditSpecification `json:"InstanceFamilyCreditSpecification"`
}

// InstanceFamilyCreditSpecification is a family's default credit option.
type InstanceFamilyCreditSpecification struct {
	InstanceFamily string `json:"InstanceFamily"`
	CpuCredits     string `json:"CpuCredits"`
}

// GetConsoleScreenshotInput is EC2's GetConsoleScreenshot request.
type GetConsoleScreenshotInput struct {
	InstanceId string `json:"InstanceId"`
	WakeUp     bool   `json:"WakeUp,omitempty" ec2x:"noeffect"`
	DryRun     bool   `json:"DryRun,omitempty"`
}

// GetConsoleScreenshotOutput is the screen as a base64 JPEG.
type GetConsoleScreenshotOutput struct {
	InstanceId string `json:"InstanceId"`
	ImageData  string `json:"ImageData"`
}

// GetPasswordDataInput is EC2's GetPasswordData request.
type GetPasswordDataInput struct {
	InstanceId string `json:"InstanceId"`
	DryRun     bool   `json:"DryRun,omitempty"`
}

// GetPasswordDataOutput is a Windows instance's encrypted password; empty
// for Linux, which every ec2x image is.
type GetPasswordDataOutput struct {
	InstanceId   string    `json:"InstanceId"`
	PasswordData string    `json:"PasswordData"`
	Timestamp    time.Time `json:"Timestamp"`
}
