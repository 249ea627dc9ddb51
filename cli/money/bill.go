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

// BillCommand is `ec2x bill`: what was spent.
var BillCommand = &cli.Command{
	Name:  "bill",
	Usage: "what was spent: instances, spot, reservations, public IPv4, idle Elastic IPs and EBS volumes",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "since", Value: "30d", Usage: "from when: 90m, 36h, 7d, a date or an RFC 3339 time"},
		&cli.StringFlag{Name: "until", Usage: "until when (default: now)"},
		&cli.StringFlag{Name: "by", Value: ec2.ByInstance, Usage: "group lines by instance, type or option"},
	},
	Action: func(c *cli.Context) error {
		e, _, err := command.Setup(c, 0, 0, "")
		if err != nil {
			return err
		}
		by := c.String("by")
		switch by {
		case ec2.ByInstance, ec2.ByType, ec2.ByOption:
		default:
			return command.Usagef("bill: --by %q: instance, type or option", by)
		}
		now := time.Now()
		in := &ec2.BillInput{By: by}
		if in.Since, err = command.ParseWhen("since", c.String("since"), now); err != nil {
			return err
		}
		if in.Until, err = command.ParseWhen("until", c.String("until"), now); err != nil {
			return err
		}
		var out ec2.Bill
		if err := e.Call("Bill", in, &out); err != nil {
			return err
		}
		v := command.View{Data: &out, Header: []string{upper(by), "OPTION", "QUANTITY", "UNIT", "USD"}}
		if by == ec2.ByOption {
			v.Header = []string{"OPTION", "QUANTITY", "UNIT", "USD"}
		}
		for _, l := range out.Lines {
			row := []string{l.Key, l.Kind, strconv.FormatFloat(l.Quantity, 'f', 4, 64), l.Unit, dollars(l.Amount)}
			if by == ec2.ByOption {
				row = append(row[:1], row[2:]...)
			}
			v.IDs = append(v.IDs, l.Key)
			v.Rows = append(v.Rows, row)
		}
		if e.Output == "table" {
			v.Plain = func(w io.Writer, color bool) {
				fmt.Fprintf(w, "%s to %s\n\n", out.Since.Local().Format(time.DateTime), out.Until.Local().Format(time.DateTime))
				_ = render.Table(w, v.Header, v.Rows, color)
				fmt.Fprintf(w, "\nTotal  %s USD\n", dollars(out.Total))
			}
		}
		return e.Print(v)
	},
}

func dollars(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}
