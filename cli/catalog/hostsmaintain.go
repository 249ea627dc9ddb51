package catalog

import (
	"strings"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// eventCodes are the codes `hosts maintain --code` takes, as EC2 names them.
const eventCodes = "instance-reboot, system-reboot, system-maintenance, instance-retirement or instance-stop"

// hostsMaintainCommand is `ec2x hosts maintain`: the operator schedules
// maintenance on a host, and every instance on it gets a scheduled event
// (DescribeInstanceStatus, `ec2x status`) carried out at its time.
var hostsMaintainCommand = &cli.Command{
	Name:      "maintain",
	Usage:     "schedule maintenance on a host: each of its instances gets a scheduled event",
	ArgsUsage: "HOST-ID",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "code", Value: ec2.EventSystemReboot, Usage: "the event: " + eventCodes},
		&cli.StringFlag{Name: "at", Usage: "(required) when it starts (NotBefore): a duration from now (90m, 2h, 0s) or an RFC 3339 time"},
		&cli.DurationFlag{Name: "window", Value: 2 * time.Hour, Usage: "how long the window lasts (NotAfter - NotBefore)"},
		&cli.StringFlag{Name: "deadline", Usage: "reboot events: how late the user may move it (NotBeforeDeadline), as --at (default a week after --at)"},
		&cli.StringFlag{Name: "description", Usage: "the event's description (default: the code's own)"},
	},
	Action: func(c *cli.Context) error {
		e, args, err := command.Setup(c, 1, 1, "HOST-ID")
		if err != nil {
			return err
		}
		if !c.IsSet("at") {
			return command.Usagef("hosts maintain: missing --at (see ec2x hosts maintain --help)")
		}
		now := time.Now()
		in := &ec2.MaintainHostInput{HostId: args[0], Code: c.String("code"), Description: c.String("description")}
		if in.NotBefore, err = parseAt("at", c.String("at"), now); err != nil {
			return err
		}
		if c.Duration("window") <= 0 {
			return command.Usagef("hosts maintain: --window %s: want a positive duration", c.Duration("window"))
		}
		end := in.NotBefore.Add(c.Duration("window"))
		in.NotAfter = &end
		if c.IsSet("deadline") {
			d, err := parseAt("deadline", c.String("deadline"), now)
			if err != nil {
				return err
			}
			in.NotBeforeDeadline = &d
		}
		var out ec2.MaintainHostOutput
		if err := e.Call("MaintainHost", in, &out); err != nil {
			return err
		}
		v := command.View{Data: &out, Header: []string{"INSTANCE ID", "EVENT ID", "CODE", "NOT BEFORE", "NOT AFTER", "DEADLINE"}}
		for _, x := range out.Events {
			v.IDs = append(v.IDs, x.Event.InstanceEventId)
			v.Rows = append(v.Rows, []string{x.InstanceId, x.Event.InstanceEventId, x.Event.Code,
				stamp(x.Event.NotBefore), stamp(x.Event.NotAfter), stamp(x.Event.NotBeforeDeadline)})
		}
		return e.Print(v)
	},
}

// parseAt reads a moment ahead: a duration from now or an RFC 3339 time.
func parseAt(flag, s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(strings.TrimPrefix(s, "+")); err == nil && d >= 0 {
		return now.Add(d).UTC().Truncate(time.Second), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, command.Usagef("--%s %q: want a duration from now (90m, 2h, 0s) or an RFC 3339 time", flag, s)
}

// stamp is an event time as the tables print it ("-" for none).
func stamp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}
