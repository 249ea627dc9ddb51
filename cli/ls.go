package cli

import (
	"strings"
	"time"

	"github.com/ec2x/ec2x/core"
	cli "github.com/urfave/cli/v2"
)

var lsCommand = &cli.Command{
	Name:      "ls",
	Aliases:   []string{"describe"},
	Usage:     "list instances",
	ArgsUsage: "[ID...]",
	Flags: []cli.Flag{
		&cli.StringSliceFlag{Name: "filter", Usage: "NAME=VALUE[,VALUE...] with EC2's filter names (repeatable)"},
		&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "include terminated instances"},
	},
	Action: func(c *cli.Context) error {
		e, err := newEnv(c)
		if err != nil {
			return err
		}
		in := &core.DescribeInstancesInput{InstanceIds: c.Args().Slice()}
		if in.Filters, err = parseFilters(c.StringSlice("filter")); err != nil {
			return err
		}
		if !c.Bool("all") && len(in.InstanceIds) == 0 && !hasFilter(in.Filters, "instance-state-name", "instance-state-code") {
			in.Filters = append(in.Filters, core.Filter{Name: "instance-state-name",
				Values: []string{core.StatePending, core.StateRunning, core.StateShuttingDown, core.StateStopping, core.StateStopped}})
		}
		var out core.DescribeInstancesOutput
		if err := e.call("DescribeInstances", in, &out); err != nil {
			return err
		}
		return e.print(instancesView(&out, out.Instances))
	},
}

// parseFilters parses NAME=VALUE[,VALUE...] arguments.
func parseFilters(args []string) ([]core.Filter, error) {
	var fs []core.Filter
	for _, a := range args {
		n, v, ok := strings.Cut(a, "=")
		if !ok || n == "" || v == "" {
			return nil, usagef("filter %q: want NAME=VALUE[,VALUE...]", a)
		}
		fs = append(fs, core.Filter{Name: n, Values: strings.Split(v, ",")})
	}
	return fs, nil
}

func hasFilter(fs []core.Filter, names ...string) bool {
	for _, f := range fs {
		for _, n := range names {
			if f.Name == n {
				return true
			}
		}
	}
	return false
}

var instanceHeader = []string{"INSTANCE ID", "NAME", "TYPE", "STATE", "ZONE", "PRIVATE IP", "PUBLIC IP", "AGE"}

// instancesView shows instances as a table, IDs or data.
func instancesView(data any, list []*core.Instance) view {
	v := view{data: data, header: instanceHeader, ids: instanceIDs(list), rows: make([][]string, len(list))}
	now := time.Now()
	for i, in := range list {
		name, _ := in.Tag("Name")
		v.rows[i] = []string{in.InstanceId, dash(name), in.InstanceType, in.State.Name, in.Placement.AvailabilityZone,
			dash(in.PrivateIpAddress), dash(in.PublicIpAddress), age(now.Sub(in.LaunchTime))}
	}
	return v
}

// age prints a duration the way docker ps does: coarse and short.
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return itoa(int(d.Seconds())) + "s"
	case d < time.Hour:
		return itoa(int(d.Minutes())) + "m"
	case d < 48*time.Hour:
		return itoa(int(d.Hours())) + "h"
	}
	return itoa(int(d.Hours()/24)) + "d"
}
