package cli

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

var costCommand = &cli.Command{
	Name:  "cost",
	Usage: "what the fleet would cost",
	Subcommands: []*cli.Command{
		{
			Name:  "compare",
			Usage: "the running fleet on-demand, on spot and reserved, and the cheapest mix",
			Flags: []cli.Flag{
				&cli.Float64Flag{Name: "hours", Value: 730, Usage: "over how many hours (730 is a month)"},
				&cli.DurationFlag{Name: "lookback", Value: 168 * time.Hour, Usage: "load that ran through this long counts as steady"},
			},
			Action: func(c *cli.Context) error {
				e, _, err := setup(c, 0, 0, "")
				if err != nil {
					return err
				}
				if h := c.Float64("hours"); h <= 0 {
					return usagef("cost compare: --hours must be more than 0")
				}
				if c.Duration("lookback") < 0 {
					return usagef("cost compare: --lookback must not be negative")
				}
				var out ec2.Comparison
				in := &ec2.CostCompareInput{Hours: c.Float64("hours"), Lookback: c.Duration("lookback").String()}
				if err := e.call("CostCompare", in, &out); err != nil {
					return err
				}
				v := view{data: &out, header: []string{"SCENARIO", "USD", "SAVES", "SAVES %", "NOTE"}}
				for _, s := range out.Scenarios {
					v.ids = append(v.ids, s.Name)
					v.rows = append(v.rows, []string{s.Name, dollars(s.Cost), dollars(s.Savings), strconv.FormatFloat(s.SavingsPercent, 'f', 1, 64), s.Note})
				}
				if e.output == "table" {
					v.plain = func(w io.Writer, color bool) { printComparison(w, &out, v, color) }
				}
				return e.print(v)
			},
		},
	},
}

func printComparison(w io.Writer, out *ec2.Comparison, v view, color bool) {
	fmt.Fprintf(w, "%d running instances over %s hours (steady means running through the last %s)\n\n",
		out.Instances, strconv.FormatFloat(out.Hours, 'f', -1, 64), out.Lookback)
	_ = render.Table(w, v.header, v.rows, color)
	if len(out.Recommendation) == 0 {
		return
	}
	fmt.Fprintln(w, "\nRecommended mix:")
	rows := make([][]string, 0, len(out.Recommendation))
	for _, a := range out.Recommendation {
		rows = append(rows, []string{a.InstanceType, itoa(a.Count), a.Option, strconv.FormatFloat(a.Hourly, 'f', 4, 64), dollars(a.Cost), a.Why})
	}
	_ = render.Table(w, []string{"TYPE", "COUNT", "OPTION", "USD/HOUR", "USD", "WHY"}, rows, color)
}
