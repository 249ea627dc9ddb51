package monitor

import (
	"context"
	"fmt"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// CloudWatchMaxDatapoints is GetMetricStatistics' limit per request; pass
// it as QueryInput.MaxDatapoints to be as strict as CloudWatch.
const CloudWatchMaxDatapoints = 1440

// maxPeriods bounds what one query allocates whatever MaxDatapoints says:
// 455 days of 5-minute periods is 131,040.
const maxPeriods = 1 << 20

// QueryInput is a GetMetricStatistics request for one metric of one
// instance (the InstanceId dimension of the AWS/EC2 namespace).
type QueryInput struct {
	Region     string
	InstanceID string
	Metric     Metric
	// StartTime is inclusive and rounded down as CloudWatch rounds it: to
	// the minute, to 5 minutes past 15 days ago, to the hour past 63 days.
	StartTime time.Time
	// EndTime is exclusive.
	EndTime time.Time
	// Period is the length of each datapoint in seconds: a multiple of 60,
	// of 300 when StartTime is over 15 days ago, of 3600 over 63 days ago.
	Period     int
	Statistics []Statistic
	// MaxDatapoints refuses requests for more periods than this; 0 means
	// no limit (CloudWatch's is CloudWatchMaxDatapoints).
	MaxDatapoints int
}

// QueryOutput is a GetMetricStatistics result: datapoints oldest first,
// periods without samples left out.
type QueryOutput struct {
	Label      string
	Datapoints []ec2.Datapoint
}

// resolutionFor is the coarsest tier a range starting age ago may touch,
// as an index into tiers.
func resolutionFor(age time.Duration) (int, error) {
	for ti := range tiers {
		if age <= tiers[ti].keep {
			return ti, nil
		}
	}
	return 0, invalidCombination("the parameter StartTime is %s ago; no data is kept past %s",
		days(age), days(tiers[len(tiers)-1].keep))
}

// days formats a duration in days, as retention is spoken of.
func days(d time.Duration) string {
	n := d.Hours() / 24
	if n == float64(int64(n)) {
		return fmt.Sprintf("%d days", int64(n))
	}
	return fmt.Sprintf("%.1f days", n)
}

// check validates in and returns the rounded start, the exclusive end and
// the number of periods, all in Unix seconds.
func (in *QueryInput) check(now time.Time) (start, end int64, n int, err error) {
	if err := validName("region", in.Region); err != nil {
		return 0, 0, 0, err
	}
	if err := validName("instance ID", in.InstanceID); err != nil {
		return 0, 0, 0, err
	}
	if in.Metric >= NumMetrics {
		return 0, 0, 0, invalidValue("unknown metric %d", in.Metric)
	}
	if len(in.Statistics) == 0 {
		return 0, 0, 0, missing("Statistics")
	}
	for _, st := range in.Statistics {
		if _, err := ParseStatistic(string(st)); err != nil {
			return 0, 0, 0, err
		}
	}
	if in.StartTime.IsZero() {
		return 0, 0, 0, missing("StartTime")
	}
	if in.EndTime.IsZero() {
		return 0, 0, 0, missing("EndTime")
	}
	if !in.EndTime.After(in.StartTime) {
		return 0, 0, 0, invalidValue("the parameter StartTime must be less than the parameter EndTime")
	}
	if in.Period <= 0 || in.Period%60 != 0 {
		return 0, 0, 0, invalidValue("the parameter Period must be a positive multiple of 60 seconds, not %d", in.Period)
	}
	age := now.Sub(in.StartTime)
	ti, err := resolutionFor(age)
	if err != nil {
		return 0, 0, 0, err
	}
	res := tiers[ti].res
	if int64(in.Period)%res != 0 {
		return 0, 0, 0, invalidCombination(
			"the parameter Period must be a multiple of %d when StartTime is more than %s ago (it is %s ago): "+
				"%s data is kept for %s only",
			res, days(tiers[ti-1].keep), days(age), tiers[ti-1].name, days(tiers[ti-1].keep))
	}
	start = floorTo(in.StartTime.Unix(), res)
	end = in.EndTime.Unix()
	if in.EndTime.Nanosecond() > 0 {
		end++ // a record at second t is in range when t < EndTime
	}
	p := int64(in.Period)
	n64 := (end - start + p - 1) / p
	limit := int64(maxPeriods)
	if in.MaxDatapoints > 0 {
		limit = min(limit, int64(in.MaxDatapoints))
	}
	if n64 > limit {
		return 0, 0, 0, invalidCombination(
			"you have requested up to %d datapoints, which exceeds the limit of %d; increase Period or shorten the time range",
			n64, limit)
	}
	return start, end, int(n64), nil
}

// Query answers a GetMetricStatistics request from whichever tiers hold
// the range: samples and buckets merge exactly, as each keeps Sum, Minimum,
// Maximum and SampleCount.
func (s *Store) Query(ctx context.Context, in QueryInput) (QueryOutput, error) {
	start, end, n, err := in.check(s.clk.Now())
	if err != nil {
		return QueryOutput{}, err
	}
	stats := make([]Statistic, len(in.Statistics))
	for i, st := range in.Statistics {
		stats[i], _ = ParseStatistic(string(st)) // check has vetted them
	}
	period := int64(in.Period)
	periods := make([]agg, n)

	s.moveMu.RLock()
	defer s.moveMu.RUnlock()
	for ti := range tiers {
		tr := &tiers[ti]
		oldest, ok, err := s.oldestPartition(ctx, ti)
		if err != nil {
			return QueryOutput{}, err
		}
		if !ok {
			continue
		}
		for part := max(floorTo(start, tr.part), oldest); part < end; part += tr.part {
			err := s.scan(ctx, partitionScope(in.Region, in.InstanceID, ti, part), func(key, val []byte) error {
				t, err := keyTime(key)
				if err != nil {
					return err
				}
				if t < start {
					return nil
				}
				if t >= end {
					return errStop
				}
				var a agg
				if ti == 0 {
					a, err = sampleAgg(val, in.Metric)
				} else {
					a, err = bucketAgg(val, in.Metric)
				}
				if err != nil {
					return fmt.Errorf("%s: %w", key, err)
				}
				periods[(t-start)/period].merge(a)
				return nil
			})
			if err != nil {
				return QueryOutput{}, err
			}
		}
	}
	return QueryOutput{Label: in.Metric.String(), Datapoints: datapoints(periods, start, period, stats, in.Metric.Unit())}, nil
}

// datapoints turns the periods that have samples into datapoints holding
// the requested statistics (canonical names).
func datapoints(periods []agg, start, period int64, stats []Statistic, unit Unit) []ec2.Datapoint {
	count := 0
	for i := range periods {
		if periods[i].n > 0 {
			count++
		}
	}
	out := make([]ec2.Datapoint, 0, count)
	// One backing array for every statistic of every datapoint.
	vals := make([]float64, count*len(stats))
	for i := range periods {
		a := &periods[i]
		if a.n == 0 {
			continue
		}
		dp := ec2.Datapoint{Timestamp: time.Unix(start+int64(i)*period, 0).UTC(), Unit: string(unit)}
		for _, st := range stats {
			v := &vals[0]
			vals = vals[1:]
			switch st {
			case Average:
				*v, dp.Average = a.sum/a.n, v
			case Minimum:
				*v, dp.Minimum = a.min, v
			case Maximum:
				*v, dp.Maximum = a.max, v
			case Sum:
				*v, dp.Sum = a.sum, v
			case SampleCount:
				*v, dp.SampleCount = a.n, v
			}
		}
		out = append(out, dp)
	}
	return out
}
