package monitor

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// Metric is one of the instance metrics, named as CloudWatch's AWS/EC2
// namespace names them.
type Metric uint8

// The metrics a sample holds. The order is the order of values in a stored
// record: append new metrics at the end only.
const (
	CPUUtilization Metric = iota
	MemoryUtilization
	NetworkIn
	NetworkOut
	DiskReadBytes
	DiskWriteBytes
	StatusCheckFailed
	CPUCreditUsage
	CPUCreditBalance
	CPUSurplusCreditBalance
	CPUSurplusCreditsCharged
	// StatusCheckFailed_Instance and StatusCheckFailed_System are
	// StatusCheckFailed's two halves: the guest's own check, and its
	// host's (1 while the host's engine does not answer).
	StatusCheckFailed_Instance //nolint:revive // CloudWatch's name
	StatusCheckFailed_System   //nolint:revive // CloudWatch's name
	// NumMetrics is the number of metrics.
	NumMetrics
)

// Unit is a CloudWatch unit.
type Unit string

// The units of the instance metrics.
const (
	Percent Unit = "Percent"
	Bytes   Unit = "Bytes"
	Count   Unit = "Count"
)

var metricInfo = [NumMetrics]struct {
	name string
	unit Unit
}{
	CPUUtilization:             {"CPUUtilization", Percent},
	MemoryUtilization:          {"MemoryUtilization", Percent},
	NetworkIn:                  {"NetworkIn", Bytes},
	NetworkOut:                 {"NetworkOut", Bytes},
	DiskReadBytes:              {"DiskReadBytes", Bytes},
	DiskWriteBytes:             {"DiskWriteBytes", Bytes},
	StatusCheckFailed:          {"StatusCheckFailed", Count},
	CPUCreditUsage:             {"CPUCreditUsage", Count},
	CPUCreditBalance:           {"CPUCreditBalance", Count},
	CPUSurplusCreditBalance:    {"CPUSurplusCreditBalance", Count},
	CPUSurplusCreditsCharged:   {"CPUSurplusCreditsCharged", Count},
	StatusCheckFailed_Instance: {"StatusCheckFailed_Instance", Count},
	StatusCheckFailed_System:   {"StatusCheckFailed_System", Count},
}

// String is the metric's CloudWatch name.
func (m Metric) String() string {
	if m < NumMetrics {
		return metricInfo[m].name
	}
	return fmt.Sprintf("Metric(%d)", uint8(m))
}

// Unit is the unit CloudWatch reports the metric in.
func (m Metric) Unit() Unit {
	if m < NumMetrics {
		return metricInfo[m].unit
	}
	return ""
}

// Credit reports whether only burstable instance types have the metric.
func (m Metric) Credit() bool { return m >= CPUCreditUsage && m <= CPUSurplusCreditsCharged }

// Metrics lists every metric in order.
func Metrics() []Metric {
	out := make([]Metric, NumMetrics)
	for i := range out {
		out[i] = Metric(i)
	}
	return out
}

// ParseMetric returns the metric of a CloudWatch name (case-insensitive).
func ParseMetric(name string) (Metric, error) {
	for i, mi := range metricInfo {
		if strings.EqualFold(mi.name, name) {
			return Metric(i), nil
		}
	}
	return 0, invalidValue("the metric %q does not exist for EC2 instances; valid metrics: %s",
		name, strings.Join(metricNames(), ", "))
}

func metricNames() []string {
	out := make([]string, NumMetrics)
	for i, mi := range metricInfo {
		out[i] = mi.name
	}
	return out
}

// Values holds one value per metric; NaN marks a metric not reported (the
// credit metrics of a type that does not burst).
type Values [NumMetrics]float64

// NoValues returns Values with every metric unreported.
func NoValues() Values {
	var v Values
	for i := range v {
		v[i] = math.NaN()
	}
	return v
}

// Has reports whether metric m has a value.
func (v *Values) Has(m Metric) bool { return !math.IsNaN(v[m]) }

// Sample is every metric of one instance at one moment.
type Sample struct {
	InstanceID string
	At         time.Time
	Values     Values
	// LaunchCredits is the part of CPUCreditBalance that is launch credits,
	// kept so that a restarted daemon restores the credit state exactly.
	LaunchCredits float64
}

// NewSample returns a sample of instance id at t with no values yet.
func NewSample(id string, t time.Time) Sample {
	return Sample{InstanceID: id, At: t, Values: NoValues()}
}

// CreditState returns the credit state the sample recorded (zero for a type
// that does not burst).
func (s *Sample) CreditState() CreditState {
	var c CreditState
	if s.Values.Has(CPUCreditBalance) {
		c.Launch = s.LaunchCredits
		c.Balance = math.Max(0, s.Values[CPUCreditBalance]-s.LaunchCredits)
	}
	if s.Values.Has(CPUSurplusCreditBalance) {
		c.Surplus = s.Values[CPUSurplusCreditBalance]
	}
	return c
}

// Statistic is a GetMetricStatistics statistic, as the wire names it.
type Statistic = ec2.Statistic

// The statistics of GetMetricStatistics.
const (
	Average     = ec2.Average
	Minimum     = ec2.Minimum
	Maximum     = ec2.Maximum
	Sum         = ec2.Sum
	SampleCount = ec2.SampleCount
)

// ParseStatistic accepts a CloudWatch statistic name or the CLI's short
// form (avg, min, max, sum, count), in any case.
func ParseStatistic(s string) (Statistic, error) {
	if st, ok := ec2.ParseStatistic(s); ok {
		return st, nil
	}
	return "", invalidValue("the statistic %q is not one of Average, Minimum, Maximum, Sum, SampleCount", s)
}
