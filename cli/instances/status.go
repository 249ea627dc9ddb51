package instances

import (
	"strings"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// StatusCommand is `ec2x status`: instances' status checks and scheduled
// events (DescribeInstanceStatus).
var StatusCommand = &cli.Command{
	Name:      "status",
	Usage:     "status checks and scheduled events of running instances",
	ArgsUsage: "[ID...]",
	Flags: []cli.Flag{
		&cli.StringSliceFlag{Name: "filter", Usage: "NAME=VALUE[,VALUE...] with DescribeInstanceStatus' filter names (repeatable)"},
		&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "include instances that are not running"},
	},
	Action: func(c *cli.Context) error {
		e, err := command.NewEnv(c)
		if err != nil {
			return err
		}
		in := &ec2.DescribeInstanceStatusInput{InstanceIds: c.Args().Slice(), IncludeAllInstances: c.Bool("all")}
		if in.Filters, err = command.ParseFilters(c.StringSlice("filter")); err != nil {
			return err
		}
		var out ec2.DescribeInstanceStatusOutput
		if err := e.Call("DescribeInstanceStatus", in, &out); err != nil {
			return err
		}
		v := command.View{Data: &out, Header: []string{"INSTANCE ID", "STATE", "SYSTEM STATUS", "INSTANCE STATUS", "EVENTS"}}
		for _, s := range out.InstanceStatuses {
			var events []string
			for _, ev := range s.Events {
				x := ev.Code
				if ev.NotBefore != nil {
					x += "@" + ev.NotBefore.UTC().Format("2006-01-02T15:04:05Z")
				}
				// An ended event says so in its description, as EC2's do.
				switch {
				case strings.HasPrefix(ev.Description, "[Completed]"):
					x += "(completed)"
				case strings.HasPrefix(ev.Description, "[Canceled]"):
					x += "(canceled)"
				}
				events = append(events, x)
			}
			v.IDs = append(v.IDs, s.InstanceId)
			v.Rows = append(v.Rows, []string{s.InstanceId, s.InstanceState.Name, s.SystemStatus.Status, s.InstanceStatus.Status, strings.Join(events, ",")})
		}
		return e.Print(v)
	},
}
