package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/ec2x/ec2x/core"
	"github.com/ec2x/ec2x/core/ec2"
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
		in := &ec2.DescribeInstancesInput{InstanceIds: c.Args().Slice()}
		if in.Filters, err = parseFilters(c.StringSlice("filter")); err != nil {
			return err
		}
		if !c.Bool("all") && len(in.InstanceIds) == 0 && !hasFilter(in.Filters, "instance-state-name", "instance-state-code") {
			in.Filters = append(in.Filters, ec2.Filter{Name: "instance-state-name",
				Values: []string{ec2.StatePending, ec2.StateRunning, ec2.StateShuttingDown, ec2.StateStopping, ec2.StateStopped}})
		}
		if e.query == "" && (e.output != "json" || e.quiet) {
			// The daemon renders tables, text and IDs itself: decoding a
			// fleet here would cost more than the rest of the call.
			format := e.output
			if e.quiet {
				format = "ids"
			}
			var t ec2.Text
			if err := e.call("DescribeInstanceTable", &ec2.DescribeInstanceTableInput{DescribeInstancesInput: *in,
				Format: format, Color: e.color(), Now: time.Now()}, &t); err != nil {
				return err
			}
			_, err := e.c.App.Writer.Write(t.Body)
			return err
		}
		if e.query == "" {
			return e.callJSON("DescribeInstances", in)
		}
		var out ec2.DescribeInstancesOutput
		if err := e.call("DescribeInstances", in, &out); err != nil {
			return err
		}
		return e.print(instancesView(&out, out.Instances))
	},
}

// callJSON runs an action and prints its JSON answer as the daemon sent
// it, only indented: for `-o json` listings, where decoding and encoding a
// few thousand records again would triple the cost.
func (e *env) callJSON(action string, in any) error {
	var raw json.RawMessage
	if err := e.call(action, in, &raw); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := json.Indent(&b, bytes.TrimRight(raw, " \r\n"), "", "    "); err != nil {
		return err
	}
	b.WriteByte('\n')
	_, err := e.c.App.Writer.Write(b.Bytes())
	return err
}

// parseFilters parses NAME=VALUE[,VALUE...] arguments.
func parseFilters(args []string) ([]ec2.Filter, error) {
	var fs []ec2.Filter
	for _, a := range args {
		n, v, ok := strings.Cut(a, "=")
		if !ok || n == "" || v == "" {
			return nil, usagef("filter %q: want NAME=VALUE[,VALUE...]", a)
		}
		fs = append(fs, ec2.Filter{Name: n, Values: strings.Split(v, ",")})
	}
	return fs, nil
}

func hasFilter(fs []ec2.Filter, names ...string) bool {
	for _, f := range fs {
		for _, n := range names {
			if f.Name == n {
				return true
			}
		}
	}
	return false
}

// instancesView shows instances as a table, IDs or data.
func instancesView(data any, list []*ec2.Instance) view {
	v := view{data: data, header: core.InstanceHeader, ids: instanceIDs(list), rows: make([][]string, len(list))}
	now := time.Now()
	for i, in := range list {
		v.rows[i] = core.InstanceRow(in, now)
	}
	return v
}
