package ec2

import (
	"strings"
	"time"
)

// GetMetricStatisticsInput is CloudWatch's GetMetricStatistics request for
// the AWS/EC2 namespace and the InstanceId dimension.
type GetMetricStatisticsInput struct {
	Namespace  string      `json:"Namespace,omitempty"`
	MetricName string      `json:"MetricName"`
	Dimensions []Dimension `json:"Dimensions"`
	StartTime  time.Time   `json:"StartTime"`
	EndTime    time.Time   `json:"EndTime"`
	Period     int         `json:"Period"`
	Statistics []string    `json:"Statistics"`
}

// Dimension names the series: InstanceId.
type Dimension struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// GetMetricStatisticsOutput is a label and its datapoints, oldest first.
type GetMetricStatisticsOutput struct {
	Label      string      `json:"Label"`
	Datapoints []Datapoint `json:"Datapoints"`
}

// Datapoint is the statistics of one period, shaped as CloudWatch's: only
// the requested statistics are set.
type Datapoint struct {
	Timestamp   time.Time
	Average     *float64 `json:",omitempty"`
	Minimum     *float64 `json:",omitempty"`
	Maximum     *float64 `json:",omitempty"`
	Sum         *float64 `json:",omitempty"`
	SampleCount *float64 `json:",omitempty"`
	Unit        string
}

// FleetInstance is one row of `ec2x top`: what an instance does right now.
type FleetInstance struct {
	InstanceId        string   `json:"InstanceId"`
	Name              string   `json:"Name,omitempty"`
	InstanceType      string   `json:"InstanceType"`
	AvailabilityZone  string   `json:"AvailabilityZone"`
	HostId            string   `json:"HostId,omitempty"`
	State             string   `json:"State"`
	CPUUtilization    float64  `json:"CPUUtilization"`
	MemoryUtilization float64  `json:"MemoryUtilization"`
	NetworkIn         float64  `json:"NetworkIn"`  // bytes per second
	NetworkOut        float64  `json:"NetworkOut"` // bytes per second
	CPUCreditBalance  *float64 `json:"CPUCreditBalance,omitempty"`
	// StatusCheckFailed is 1 while the guest fails its status check (a
	// kernel panic, say), as the metric of that name.
	StatusCheckFailed int `json:"StatusCheckFailed"`
	// CPUHistory is the CPU % of the last samples, oldest first.
	CPUHistory []uint8 `json:"CPUHistory,omitempty"`
	// Held says a standard-mode burstable instance ran out of credits and
	// is held at its baseline.
	Held bool `json:"Held,omitempty"`
}

// FleetFrame is one refresh of `ec2x top`.
type FleetFrame struct {
	At        time.Time       `json:"At"`
	Instances []FleetInstance `json:"Instances"`
	Hosts     []HostInfo      `json:"Hosts,omitempty"`
}

// DescribeFleetInput selects what a frame shows (an ec2x action).
type DescribeFleetInput struct {
	Filters []Filter `json:"Filters,omitempty"`
	// Hosts adds the host view.
	Hosts bool `json:"Hosts,omitempty"`
	// All includes stopped and terminated instances.
	All bool `json:"All,omitempty"`
}

// Statistic is a GetMetricStatistics statistic.
type Statistic string

// The statistics of GetMetricStatistics.
const (
	Average     Statistic = "Average"
	Minimum     Statistic = "Minimum"
	Maximum     Statistic = "Maximum"
	Sum         Statistic = "Sum"
	SampleCount Statistic = "SampleCount"
)

// ParseStatistic accepts a CloudWatch statistic name or the CLI's short
// form (avg, min, max, sum, count), in any case.
func ParseStatistic(s string) (Statistic, bool) {
	switch strings.ToLower(s) {
	case "average", "avg":
		return Average, true
	case "minimum", "min":
		return Minimum, true
	case "maximum", "max":
		return Maximum, true
	case "sum":
		return Sum, true
	case "samplecount", "count":
		return SampleCount, true
	}
	return "", false
}

// Header names of IMDSv2: the token's TTL on PUT, the token on GET.
const (
	HeaderIMDSTokenTTL = "X-Aws-Ec2-Metadata-Token-Ttl-Seconds"
	HeaderIMDSToken    = "X-Aws-Ec2-Metadata-Token"
)
