package money

import (
	"strconv"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// ReservedCommand is `ec2x reserved`: reserved instances.
var ReservedCommand = &cli.Command{
	Name:  "reserved",
	Usage: "reserved instances: a discount for a one- or three-year term",
	Subcommands: []*cli.Command{
		{
			Name:  "offerings",
			Usage: "what can be reserved, with the effective hourly rate",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "type", Usage: "instance type"},
				&cli.StringFlag{Name: "az", Usage: "only zonal offerings in this zone"},
				&cli.StringFlag{Name: "class", Usage: "standard or convertible"},
				&cli.StringFlag{Name: "payment", Usage: "all, partial or no (upfront)"},
				&cli.IntFlag{Name: "term", Usage: "1 or 3 (years)"},
			},
			Action: func(c *cli.Context) error {
				e, _, err := command.Setup(c, 0, 0, "")
				if err != nil {
					return err
				}
				in := &ec2.DescribeReservedInstancesOfferingsInput{InstanceType: c.String("type"), AvailabilityZone: c.String("az"),
					OfferingClass: c.String("class")}
				switch c.String("class") {
				case "", "standard", "convertible":
				default:
					return command.Usagef("reserved offerings: --class %q: standard or convertible", c.String("class"))
				}
				switch p := c.String("payment"); p {
				case "":
				case "all", "partial", "no":
					in.OfferingType = map[string]string{"all": "All Upfront", "partial": "Partial Upfront", "no": "No Upfront"}[p]
				default:
					return command.Usagef("reserved offerings: --payment %q: all, partial or no", p)
				}
				switch c.Int("term") {
				case 0:
				case 1:
					in.Duration = 31536000
				case 3:
					in.Duration = 94608000
				default:
					return command.Usagef("reserved offerings: --term %d: 1 or 3", c.Int("term"))
				}
				var out ec2.DescribeReservedInstancesOfferingsOutput
				if err := e.Call("DescribeReservedInstancesOfferings", in, &out); err != nil {
					return err
				}
				v := command.View{Data: &out, Header: []string{"OFFERING ID", "TYPE", "SCOPE", "TERM", "CLASS", "PAYMENT", "UPFRONT", "HOURLY", "EFFECTIVE"}}
				for _, o := range out.ReservedInstancesOfferings {
					hourly := 0.0
					for _, rc := range o.RecurringCharges {
						hourly += rc.Amount
					}
					scope := "region"
					if o.AvailabilityZone != "" {
						scope = o.AvailabilityZone
					}
					v.IDs = append(v.IDs, o.ReservedInstancesOfferingId)
					v.Rows = append(v.Rows, []string{o.ReservedInstancesOfferingId, o.InstanceType, scope, term(o.Duration), o.OfferingClass,
						o.OfferingType, money(o.FixedPrice), strconv.FormatFloat(hourly, 'f', 4, 64), o.EffectiveHourly})
				}
				return e.Print(v)
			},
		},
		{
			Name:      "buy",
			Usage:     "buy a reservation (its upfront fee is billed now)",
			ArgsUsage: "OFFERING-ID",
			Flags: []cli.Flag{
				&cli.IntFlag{Name: "count", Value: 1, Usage: "how many instances it covers"},
			},
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "offering ID")
				if err != nil {
					return err
				}
				if c.Int("count") < 1 {
					return command.Usagef("reserved buy: --count must be at least 1")
				}
				var out ec2.PurchaseReservedInstancesOfferingOutput
				if err := e.Call("PurchaseReservedInstancesOffering", &ec2.PurchaseReservedInstancesOfferingInput{
					ReservedInstancesOfferingId: args[0], InstanceCount: c.Int("count")}, &out); err != nil {
					return err
				}
				return e.Print(command.DoneView(&out, out.ReservedInstancesId, "reserved"))
			},
		},
		{
			Name:    "ls",
			Aliases: []string{"describe"},
			Usage:   "reservations bought",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 0, -1, "")
				if err != nil {
					return err
				}
				var out ec2.DescribeReservedInstancesOutput
				if err := e.Call("DescribeReservedInstances", &ec2.DescribeReservedInstancesInput{ReservedInstancesIds: args}, &out); err != nil {
					return err
				}
				v := command.View{Data: &out, Header: []string{"RESERVATION ID", "TYPE", "SCOPE", "COUNT", "TERM", "CLASS", "PAYMENT", "EFFECTIVE", "STATE", "ENDS"}}
				for _, r := range out.ReservedInstances {
					scope := "region"
					if r.AvailabilityZone != "" {
						scope = r.AvailabilityZone
					}
					v.IDs = append(v.IDs, r.ReservedInstancesId)
					v.Rows = append(v.Rows, []string{r.ReservedInstancesId, r.InstanceType, scope, strconv.Itoa(r.InstanceCount), term(r.Duration),
						r.OfferingClass, r.OfferingType, r.EffectiveHourly, r.State, r.End.Local().Format(time.DateOnly)})
				}
				return e.Print(v)
			},
		},
	},
}

func term(seconds int64) string {
	if seconds >= 94608000 {
		return "3yr"
	}
	return "1yr"
}

func money(v float64) string { return render.Dash(strconv.FormatFloat(v, 'f', 2, 64)) }
