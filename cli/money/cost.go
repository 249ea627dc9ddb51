package money

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// CostCommand is `ec2x cost`: what the fleet would cost.
var CostCommand = &cli.Command{
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
				e, _, err := command.Setup(c, 0, 0, "")
				if err != nil {
					return err
				}
				if h := c.Float64("hours"); h <= 0 {
					return command.Usagef("cost compare: --hours must be more than 0")
				}
				if c.Duration("lookback") < 0 {
					return command.Usagef("cost compare: --lookback must not be negative")
				}
				var out ec2.Comparison
				in := &ec2.CostCompareInput{Hours: c.Float64("hours"), Lookback: c.Duration("lookback").String()}
				if err := e.Call("CostCompare", in, &out); err != nil {
					return err
				}
				v := command.View{Data: &out, Header: []string{"SCENARIO", "USD", "SAVES", "SAVES %", "NOTE"}}
				for _, s := range out.Scenarios {
					v.IDs = append(v.IDs, s.Name)
					v.Rows = append(v.Rows, []string{s.Name, dollars(s.Cost), dollars(s.Savings), strconv.FormatFloat(s.SavingsPercent, 'f', 1, 64), s.Note})
				}
				if e.Output == "table" {
					v.Plain = func(w io.Writer, color bool) { printComparison(w, &out, v, color) }
				}
				return e.Print(v)
			},
		},
	},
}

func printComparison(w io.Writer, out *ec2.Comparison, v command.View, color bool) {
	fmt.Fprintf(w, "%d running instances over %s hours (steady means running through the last %s)\n\n",
		out.Instances, strconv.FormatFloat(out.Hours, 'f', -1, 64), out.Lookback)
	_ = render.Table(w, v.Header, v.Rows, color)
	if len(out.Storage) > 0 {
		fmt.Fprintf(w, "\nStorage, the same under every option: %s USD\n", dollars(out.StorageCost))
		rows := make([][]string, 0, len(out.Storage))
		for _, c := range out.Storage {
			rows = append(rows, []string{c.Type, strconv.Itoa(c.Count), strconv.Itoa(c.GiB), dollars(c.Cost)})
		}
		_ = render.Table(w, []string{"TYPE", "COUNT", "GIB", "USD"}, rows, color)
	}
	if len(out.Recommendation) == 0 {
		return
	}
	fmt.Fprintln(w, "\nRecommended mix:")
	rows := make([][]string, 0, len(out.Recommendation))
	for _, a := range out.Recommendation {
		rows = append(rows, []string{a.InstanceType, strconv.Itoa(a.Count), a.Option, strconv.FormatFloat(a.Hourly, 'f', 4, 64), dollars(a.Cost), a.Why})
	}
	_ = render.Table(w, []string{"TYPE", "COUNT", "OPTION", "USD/HOUR", "USD", "WHY"}, rows, color)
}
