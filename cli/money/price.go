package money

import (
	"sort"
	"strconv"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// PriceCommand is `ec2x price`: on-demand, current spot and reserved prices in the region.
var PriceCommand = &cli.Command{
	Name:  "price",
	Usage: "on-demand, current spot and reserved prices in the region",
	Flags: []cli.Flag{&cli.StringSliceFlag{Name: "type", Usage: "instance type (repeatable; default: every type)"}},
	Action: func(c *cli.Context) error {
		e, _, err := command.Setup(c, 0, 0, "")
		if err != nil {
			return err
		}
		var out ec2.DescribePricesOutput
		if err := e.Call("DescribePrices", &ec2.DescribePricesInput{InstanceTypes: c.StringSlice("type")}, &out); err != nil {
			return err
		}
		v := command.View{Data: &out, Header: []string{"TYPE", "ON-DEMAND", "SPOT LOW", "SPOT HIGH", "1YR NO UPFRONT", "3YR ALL UPFRONT", "CONVERTIBLE 3YR"}}
		for _, p := range out.Prices {
			lo, hi := spotRange(p.Spot)
			v.IDs = append(v.IDs, p.InstanceType)
			v.Rows = append(v.Rows, []string{p.InstanceType, p.OnDemand, lo, hi,
				reservedRate(p, "1yr", "No Upfront", "standard"), reservedRate(p, "3yr", "All Upfront", "standard"),
				reservedRate(p, "3yr", "All Upfront", "convertible")})
		}
		return e.Print(v)
	},
	Subcommands: []*cli.Command{priceHistoryCommand},
}

var priceHistoryCommand = &cli.Command{
	Name:  "history",
	Usage: "spot price history (newest first)",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "type", Usage: "instance type (required)"},
		&cli.StringFlag{Name: "az", Usage: "availability zone"},
		&cli.StringFlag{Name: "since", Value: "1d", Usage: "from when: 90m, 36h, 7d, a date or an RFC 3339 time"},
		&cli.StringFlag{Name: "until", Usage: "until when (default: now)"},
	},
	Action: func(c *cli.Context) error {
		e, _, err := command.Setup(c, 0, 0, "")
		if err != nil {
			return err
		}
		if c.String("type") == "" {
			return command.Usagef("price history: --type is required")
		}
		now := time.Now()
		in := &ec2.DescribeSpotPriceHistoryInput{InstanceTypes: []string{c.String("type")}, AvailabilityZone: c.String("az")}
		if in.StartTime, err = command.ParseWhen("since", c.String("since"), now); err != nil {
			return err
		}
		if in.EndTime, err = command.ParseWhen("until", c.String("until"), now); err != nil {
			return err
		}
		var out ec2.DescribeSpotPriceHistoryOutput
		if err := e.Call("DescribeSpotPriceHistory", in, &out); err != nil {
			return err
		}
		v := command.View{Data: &out, Header: []string{"TIME", "ZONE", "TYPE", "USD/HOUR"}}
		for _, p := range out.SpotPriceHistory {
			v.Rows = append(v.Rows, []string{p.Timestamp.Local().Format(time.DateTime), p.AvailabilityZone, p.InstanceType, p.SpotPrice})
		}
		return e.Print(v)
	},
}

// spotRange is the lowest and highest of a type's zone prices.
func spotRange(zones map[string]string) (string, string) {
	var ps []string
	for _, p := range zones {
		ps = append(ps, p)
	}
	if len(ps) == 0 {
		return "-", "-"
	}
	sort.Slice(ps, func(i, j int) bool { return num(ps[i]) < num(ps[j]) })
	return ps[0], ps[len(ps)-1]
}

func num(s string) float64 {
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

func reservedRate(p ec2.TypePrice, term, payment, class string) string {
	for _, r := range p.Reserved {
		if r.Term == term && r.PaymentOption == payment && r.OfferingClass == class {
			return r.EffectiveHourly
		}
	}
	return "-"
}
