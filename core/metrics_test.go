package core

import (
	"math"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// instantSim boots at once so that runs start on the tick they launch.
const instantSim = "[sim]\nboot_seconds = 0\nstop_seconds = 0\n"

// average asks GetMetricStatistics for one statistic over [from, to) in one
// period and returns it (NaN when there is no datapoint).
func average(t *testing.T, e *env, id, metric string, from, to time.Time, stat string) float64 {
	t.Helper()
	period := int(to.Sub(from) / time.Second)
	out, err := e.c.GetMetricStatistics(e.ctx, use1, &ec2.GetMetricStatisticsInput{
		MetricName: metric, Dimensions: []ec2.Dimension{{Name: "InstanceId", Value: id}},
		StartTime: from, EndTime: to, Period: period, Statistics: []string{stat}})
	if err != nil {
		t.Fatalf("GetMetricStatistics %s: %v", metric, err)
	}
	if len(out.Datapoints) == 0 {
		return math.NaN()
	}
	d := out.Datapoints[0]
	for _, p := range []*float64{d.Average, d.Minimum, d.Maximum, d.Sum, d.SampleCount} {
		if p != nil {
			return *p
		}
	}
	return math.NaN()
}

// runWorkload launches one instance of typ with a workload tag and waits
// until it runs.
func runWorkload(t *testing.T, e *env, typ, workload string) string {
	t.Helper()
	out := e.run(use1, &ec2.RunInstancesInput{InstanceType: typ, TagSpecifications: instanceTags("ec2x:workload", workload)})
	id := out.Instances[0].InstanceId
	e.wait(use1, ec2.StateRunning, id)
	return id
}

// advanceMinutes moves the fake clock a minute at a time so every sampler
// tick runs.
func advanceMinutes(e *env, n int) {
	for i := 0; i < n; i++ {
		e.advance(time.Minute)
	}
}

func TestSamplerWorkloads(t *testing.T) {
	e := newEnv(t, instantSim)
	start := e.clk.Now()
	burn := runWorkload(t, e, "m5.large", "cpu-burn")
	idle := runWorkload(t, e, "m5.large", "idle")
	advanceMinutes(e, 62)
	from, to := start.Add(2*time.Minute), start.Add(62*time.Minute)
	tests := []struct {
		name     string
		id       string
		metric   string
		stat     string
		min, max float64
	}{
		{"cpu-burn reaches 100%", burn, "CPUUtilization", "Average", 98, 100},
		{"idle stays near 0", idle, "CPUUtilization", "Maximum", 0, 5},
		{"memory is reported", burn, "MemoryUtilization", "Average", 1, 100},
		{"a busy guest moves bytes", burn, "NetworkOut", "Sum", 1, math.Inf(1)},
		{"status checks pass", burn, "StatusCheckFailed", "Maximum", 0, 0},
		{"one sample a minute", burn, "CPUUtilization", "SampleCount", 60, 60},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := average(t, e, tc.id, tc.metric, from, to, tc.stat)
			if !(got >= tc.min && got <= tc.max) {
				t.Errorf("%s %s = %v, want in [%v, %v]", tc.metric, tc.stat, got, tc.min, tc.max)
			}
		})
	}
	t.Run("non-burstable types report no credits", func(t *testing.T) {
		if got := average(t, e, burn, "CPUCreditBalance", from, to, "Average"); !math.IsNaN(got) {
			t.Errorf("m5.large CPUCreditBalance = %v, want no datapoints", got)
		}
	})
}

func TestT2StandardSpendsCreditsThenHoldsBaseline(t *testing.T) {
	e := newEnv(t, instantSim)
	start := e.clk.Now()
	id := runWorkload(t, e, "t2.micro", "cpu-burn")
	// 30 launch credits plus earnings at 6/h, spent at 1/minute: gone in
	// about 32 minutes. Two hours is well past it.
	advanceMinutes(e, 120)
	early := average(t, e, id, "CPUUtilization", start.Add(2*time.Minute), start.Add(12*time.Minute), "Average")
	late := average(t, e, id, "CPUUtilization", start.Add(60*time.Minute), start.Add(120*time.Minute), "Average")
	balance := average(t, e, id, "CPUCreditBalance", start.Add(110*time.Minute), start.Add(120*time.Minute), "Maximum")
	first := average(t, e, id, "CPUCreditBalance", start.Add(2*time.Minute), start.Add(3*time.Minute), "Maximum")
	if early < 98 {
		t.Errorf("with credits, CPUUtilization = %.1f, want ~100", early)
	}
	if math.Abs(late-10) > 0.5 {
		t.Errorf("out of credits, CPUUtilization = %.2f, want held at the 10%% baseline", late)
	}
	if balance > 0.5 {
		t.Errorf("CPUCreditBalance = %.2f after two hours of cpu-burn, want ~0", balance)
	}
	if first < 25 || first > 31 {
		t.Errorf("first CPUCreditBalance = %.2f, want about the 30 launch credits", first)
	}
	t.Run("the latest sample shows the instance held", func(t *testing.T) {
		cpu, held, ok := e.c.LastSample(id)
		if !ok || !held || math.Abs(cpu-10) > 0.5 {
			t.Errorf("sampler state = cpu %.2f held %v (have %v), want held at 10%%", cpu, held, ok)
		}
	})
}

func TestMetricsErrors(t *testing.T) {
	e := newEnv(t, instantSim)
	id := runWorkload(t, e, "t3.micro", "web")
	now := e.clk.Now()
	tests := []struct {
		name string
		in   ec2.GetMetricStatisticsInput
		code string
	}{
		{"unknown metric", ec2.GetMetricStatisticsInput{MetricName: "Happiness", Dimensions: []ec2.Dimension{{Name: "InstanceId", Value: id}}, StartTime: now, EndTime: now.Add(time.Hour), Period: 60, Statistics: []string{"Average"}}, ec2.CodeInvalidParameterValue},
		{"no instance", ec2.GetMetricStatisticsInput{MetricName: "CPUUtilization", StartTime: now, EndTime: now.Add(time.Hour), Period: 60, Statistics: []string{"Average"}}, ec2.CodeMissingParameter},
		{"unknown instance", ec2.GetMetricStatisticsInput{MetricName: "CPUUtilization", Dimensions: []ec2.Dimension{{Name: "InstanceId", Value: "i-0123456789abcdef0"}}, StartTime: now, EndTime: now.Add(time.Hour), Period: 60, Statistics: []string{"Average"}}, ec2.CodeInvalidInstanceIDNotFound},
		{"bad period", ec2.GetMetricStatisticsInput{MetricName: "CPUUtilization", Dimensions: []ec2.Dimension{{Name: "InstanceId", Value: id}}, StartTime: now, EndTime: now.Add(time.Hour), Period: 61, Statistics: []string{"Average"}}, ec2.CodeInvalidParameterValue},
		{"bad statistic", ec2.GetMetricStatisticsInput{MetricName: "CPUUtilization", Dimensions: []ec2.Dimension{{Name: "InstanceId", Value: id}}, StartTime: now, EndTime: now.Add(time.Hour), Period: 60, Statistics: []string{"Median"}}, ec2.CodeInvalidParameterValue},
		{"other namespace", ec2.GetMetricStatisticsInput{Namespace: "AWS/S3", MetricName: "CPUUtilization", Dimensions: []ec2.Dimension{{Name: "InstanceId", Value: id}}, StartTime: now, EndTime: now.Add(time.Hour), Period: 60, Statistics: []string{"Average"}}, ec2.CodeInvalidParameterValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.GetMetricStatistics(e.ctx, use1, &tc.in)
			wantCode(t, err, tc.code)
		})
	}
}

func TestWorkloadProfilesAndRetagging(t *testing.T) {
	e := newEnv(t, instantSim+"[workloads.half]\nmean = 50.0\n")
	start := e.clk.Now()
	half := runWorkload(t, e, "m5.large", "half")
	changing := runWorkload(t, e, "m5.large", "idle")
	advanceMinutes(e, 11)
	if _, err := e.c.CreateTags(e.ctx, use1, &ec2.CreateTagsInput{Resources: []string{changing}, Tags: []ec2.Tag{{Key: ec2.WorkloadTag, Value: "cpu-burn"}}}); err != nil {
		t.Fatal(err)
	}
	advanceMinutes(e, 11)
	tests := []struct {
		name     string
		id       string
		from, to time.Duration
		min, max float64
	}{
		{"a [workloads] profile sets the mean", half, 2 * time.Minute, 20 * time.Minute, 49, 51},
		{"idle before the tag changed", changing, 2 * time.Minute, 10 * time.Minute, 0, 5},
		{"cpu-burn after it changed, without a restart", changing, 13 * time.Minute, 21 * time.Minute, 98, 100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := average(t, e, tc.id, "CPUUtilization", start.Add(tc.from), start.Add(tc.to), "Average")
			if !(got >= tc.min && got <= tc.max) {
				t.Errorf("CPUUtilization = %.2f, want in [%v, %v]", got, tc.min, tc.max)
			}
		})
	}
	t.Run("an unknown workload is refused at launch and when tagging", func(t *testing.T) {
		_, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{TagSpecifications: instanceTags(ec2.WorkloadTag, "doom")})
		wantCode(t, err, ec2.CodeInvalidParameterValue, "Unknown workload 'doom'", "half")
		_, err = e.c.CreateTags(e.ctx, use1, &ec2.CreateTagsInput{Resources: []string{half}, Tags: []ec2.Tag{{Key: ec2.WorkloadTag, Value: "doom"}}})
		wantCode(t, err, ec2.CodeInvalidParameterValue, "Unknown workload")
	})
}
