package instances

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/guptarohit/asciigraph"
	cli "github.com/urfave/cli/v2"
)

// MetricsCommand is `ec2x metrics`: an instance's metric over time, with a chart.
var MetricsCommand = &cli.Command{
	Name:      "metrics",
	Usage:     "an instance's metric over time, with a chart",
	ArgsUsage: "ID",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "metric", Aliases: []string{"m"}, Value: "CPUUtilization", Usage: "CPUUtilization, MemoryUtilization, NetworkIn, NetworkOut, DiskReadBytes, DiskWriteBytes, CPUCreditBalance, ..."},
		&cli.DurationFlag{Name: "since", Value: time.Hour, Usage: "how far back"},
		&cli.DurationFlag{Name: "period", Usage: "length of each datapoint (default: about 60 points)"},
		&cli.StringFlag{Name: "stat", Value: "avg", Usage: "avg, min, max, sum or count"},
	},
	Action: func(c *cli.Context) error {
		e, args, err := command.SetupInstances(c, 1, 1, 1, "instance ID")
		if err != nil {
			return err
		}
		since := c.Duration("since")
		if since <= 0 {
			return command.Usagef("metrics: --since must be positive")
		}
		period := c.Duration("period")
		if period == 0 {
			period = max(time.Minute, (since / 60).Truncate(time.Minute))
		}
		if period < time.Minute || period%time.Minute != 0 {
			return command.Usagef("metrics: --period must be a whole number of minutes")
		}
		stat, ok := ec2.ParseStatistic(c.String("stat"))
		if !ok {
			return command.Usagef("metrics: --stat %q: use avg, min, max, sum or count", c.String("stat"))
		}
		end := time.Now().UTC().Truncate(time.Minute).Add(time.Minute)
		in := &ec2.GetMetricStatisticsInput{Namespace: "AWS/EC2", MetricName: c.String("metric"),
			Dimensions: []ec2.Dimension{{Name: "InstanceId", Value: args[0]}},
			StartTime:  end.Add(-since).Truncate(period), EndTime: end, Period: int(period / time.Second), Statistics: []string{string(stat)}}
		var out ec2.GetMetricStatisticsOutput
		if err := e.Call("GetMetricStatistics", in, &out); err != nil {
			return err
		}
		v := command.View{Data: &out, IDs: []string{args[0]}, Header: []string{"TIMESTAMP", strings.ToUpper(string(stat)), "UNIT"}}
		values := make([]float64, 0, len(out.Datapoints))
		for _, d := range out.Datapoints {
			x := pick(d, stat)
			values = append(values, x)
			v.Rows = append(v.Rows, []string{d.Timestamp.UTC().Format(time.RFC3339), strconv.FormatFloat(x, 'f', 2, 64), string(d.Unit)})
		}
		if e.Output == "table" && !e.Quiet && e.Query == "" {
			v.Plain = func(w io.Writer, color bool) {
				chart(w, out.Label, string(stat), values)
				fmt.Fprintln(w)
				_ = render.Table(w, v.Header, v.Rows, color)
			}
		}
		return e.Print(v)
	},
}

// pick returns the datapoint's value of one statistic.
func pick(d ec2.Datapoint, s ec2.Statistic) float64 {
	var p *float64
	switch s {
	case ec2.Average:
		p = d.Average
	case ec2.Minimum:
		p = d.Minimum
	case ec2.Maximum:
		p = d.Maximum
	case ec2.Sum:
		p = d.Sum
	case ec2.SampleCount:
		p = d.SampleCount
	}
	if p == nil {
		return 0
	}
	return *p
}

// chart draws the series with asciigraph, or says there is nothing yet.
func chart(w io.Writer, label, stat string, values []float64) {
	if len(values) == 0 {
		fmt.Fprintf(w, "%s: no datapoints yet (the daemon samples every [monitor] interval_seconds)\n", label)
		return
	}
	if len(values) == 1 {
		values = append(values, values[0])
	}
	fmt.Fprintln(w, asciigraph.Plot(values, asciigraph.Height(10), asciigraph.Width(min(max(len(values), 20), 70)),
		asciigraph.Caption(label+" ("+stat+")")))
}
