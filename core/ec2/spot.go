package ec2

import "time"

// SpotPrice is one point of DescribeSpotPriceHistory.
type SpotPrice struct {
	InstanceType       string    `json:"InstanceType"`
	AvailabilityZone   string    `json:"AvailabilityZone"`
	SpotPrice          string    `json:"SpotPrice"`
	Timestamp          time.Time `json:"Timestamp"`
	ProductDescription string    `json:"ProductDescription"`
}

// DescribeSpotPriceHistoryInput is EC2's DescribeSpotPriceHistory request.
type DescribeSpotPriceHistoryInput struct {
	InstanceTypes    []string `json:"InstanceTypes,omitempty"`
	AvailabilityZone string   `json:"AvailabilityZone,omitempty"`
	// AvailabilityZoneId names the zone by its ID instead (use1-az6).
	AvailabilityZoneId string `json:"AvailabilityZoneId,omitempty"`
	// ProductDescriptions: ec2x prices Linux/UNIX only, so other products
	// have no history.
	ProductDescriptions []string  `json:"ProductDescriptions,omitempty"`
	StartTime           time.Time `json:"StartTime,omitzero"`
	EndTime             time.Time `json:"EndTime,omitzero"`
	Filters             []Filter  `json:"Filters,omitempty"`
	// MaxResults pages the answer; NextToken continues it.
	MaxResults int    `json:"MaxResults,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

// DescribeSpotPriceHistoryOutput lists price changes, newest first.
type DescribeSpotPriceHistoryOutput struct {
	SpotPriceHistory []SpotPrice `json:"SpotPriceHistory"`
	// NextToken is set when MaxResults cut the answer short.
	NextToken string `json:"NextToken,omitempty"`
}

// InstanceMarketOptions asks RunInstances for spot capacity.
type InstanceMarketOptions struct {
	MarketType  string       `json:"MarketType"`
	SpotOptions *SpotOptions `json:"SpotOptions,omitempty"`
}

// SpotOptions are a spot launch's terms.
type SpotOptions struct {
	MaxPrice                     string `json:"MaxPrice,omitempty"`
	SpotInstanceType             string `json:"SpotInstanceType,omitempty"`
	InstanceInterruptionBehavior string `json:"InstanceInterruptionBehavior,omitempty"`
	// BlockDurationMinutes asked for a spot block, which EC2 no longer
	// sells; ValidUntil ends a persistent request.
	BlockDurationMinutes *int      `json:"BlockDurationMinutes,omitempty"`
	ValidUntil           time.Time `json:"ValidUntil,omitzero"`
}

// SpotStatus is where a spot request stands.
type SpotStatus struct {
	Code       string    `json:"Code"`
	Message    string    `json:"Message"`
	UpdateTime time.Time `json:"UpdateTime"`
}

// SpotLaunchSpecification is what a spot request launches.
type SpotLaunchSpecification struct {
	ImageId          string     `json:"ImageId,omitempty"`
	InstanceType     string     `json:"InstanceType,omitempty"`
	KeyName          string     `json:"KeyName,omitempty"`
	Placement        *Placement `json:"Placement,omitempty"`
	SubnetId         string     `json:"SubnetId,omitempty"`
	SecurityGroupIds []string   `json:"SecurityGroupIds,omitempty"`
	UserData         string     `json:"UserData,omitempty"`
}

// SpotInstanceRequest is a spot request as EC2 shows it.
type SpotInstanceRequest struct {
	SpotInstanceRequestId        string                  `json:"SpotInstanceRequestId"`
	SpotPrice                    string                  `json:"SpotPrice"`
	Type                         string                  `json:"Type"`
	State                        string                  `json:"State"`
	Status                       SpotStatus              `json:"Status"`
	LaunchSpecification          SpotLaunchSpecification `json:"LaunchSpecification"`
	InstanceId                   string                  `json:"InstanceId,omitempty"`
	LaunchedAvailabilityZone     string                  `json:"LaunchedAvailabilityZone,omitempty"`
	InstanceInterruptionBehavior string                  `json:"InstanceInterruptionBehavior"`
	CreateTime                   time.Time               `json:"CreateTime"`
	ProductDescription           string                  `json:"ProductDescription"`
	Tags                         []Tag                   `json:"Tags,omitempty"`
}

// RequestSpotInstancesInput is EC2's RequestSpotInstances request.
type RequestSpotInstancesInput struct {
	SpotPrice                    string                  `json:"SpotPrice,omitempty"`
	InstanceCount                int                     `json:"InstanceCount,omitempty"`
	Type                         string                  `json:"Type,omitempty"`
	LaunchSpecification          SpotLaunchSpecification `json:"LaunchSpecification"`
	InstanceInterruptionBehavior string                  `json:"InstanceInterruptionBehavior,omitempty"`
	TagSpecifications            []TagSpecification      `json:"TagSpecifications,omitempty"`
	DryRun                       bool                    `json:"DryRun,omitempty"`
}

// RequestSpotInstancesOutput lists the requests made.
type RequestSpotInstancesOutput struct {
	SpotInstanceRequests []SpotInstanceRequest `json:"SpotInstanceRequests"`
}

// DescribeSpotInstanceRequestsInput is EC2's DescribeSpotInstanceRequests request.
type DescribeSpotInstanceRequestsInput struct {
	SpotInstanceRequestIds []string `json:"SpotInstanceRequestIds,omitempty"`
	Filters                []Filter `json:"Filters,omitempty"`
	// MaxResults pages the answer; NextToken continues it.
	MaxResults int    `json:"MaxResults,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

// DescribeSpotInstanceRequestsOutput lists spot requests.
type DescribeSpotInstanceRequestsOutput struct {
	SpotInstanceRequests []SpotInstanceRequest `json:"SpotInstanceRequests"`
	// NextToken is set when MaxResults cut the answer short.
	NextToken string `json:"NextToken,omitempty"`
}

// CancelSpotInstanceRequestsInput names requests to cancel.
type CancelSpotInstanceRequestsInput struct {
	SpotInstanceRequestIds []string `json:"SpotInstanceRequestIds"`
	DryRun                 bool     `json:"DryRun,omitempty"`
}

// CancelledSpotInstanceRequest is one cancelled request.
type CancelledSpotInstanceRequest struct {
	SpotInstanceRequestId string `json:"SpotInstanceRequestId"`
	State                 string `json:"State"`
}

// CancelSpotInstanceRequestsOutput lists what was cancelled.
type CancelSpotInstanceRequestsOutput struct {
	CancelledSpotInstanceRequests []CancelledSpotInstanceRequest `json:"CancelledSpotInstanceRequests"`
}
