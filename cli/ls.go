package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"time"

	"github.com/ec2x/ec2x/cli/render"
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
			// Rows of text, not instances: decoding a fleet's full JSON
			// here would cost more than the rest of the call.
			var out ec2.DescribeInstanceRowsOutput
			if err := e.call("DescribeInstanceRows", &ec2.DescribeInstanceRowsInput{DescribeInstancesInput: *in, IdsOnly: e.quiet}, &out); err != nil {
				return err
			}
			if e.quiet {
				_, err := e.c.App.Writer.Write(out.Body)
				return err
			}
			return writeRows(e.c.App.Writer, out.Body, e.output, e.color(), time.Now())
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
	v := view{data: data, header: instanceHeader, ids: instanceIDs(list), rows: make([][]string, len(list))}
	now := time.Now()
	for i, in := range list {
		name, _ := in.Tag("Name")
		v.rows[i] = instanceRow([]string{in.InstanceId, name, in.InstanceType, in.State.Name, in.Placement.AvailabilityZone,
			in.PrivateIpAddress, in.PublicIpAddress, in.LaunchTime.UTC().Format(time.RFC3339)}, now)
	}
	return v
}

// instanceHeader is the header of instance tables.
var instanceHeader = []string{"INSTANCE ID", "NAME", "TYPE", "STATE", "ZONE", "PRIVATE IP", "PUBLIC IP", "AGE"}

// instanceRow is one instance of DescribeInstanceRows as a table row under
// instanceHeader: dashes for what it lacks, its age from its launch time.
func instanceRow(r []string, now time.Time) []string {
	for len(r) < 8 {
		r = append(r, "")
	}
	age := "-"
	if t, err := time.Parse(time.RFC3339, r[7]); err == nil {
		age = render.Age(now.Sub(t))
	}
	return []string{r[0], render.Dash(r[1]), r[2], r[3], r[4], render.Dash(r[5]), render.Dash(r[6]), age}
}

// writeRows prints DescribeInstanceRows' rows as a table or as
// tab-separated text (format table or text).
func writeRows(w io.Writer, body []byte, format string, color bool, now time.Time) error {
	lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
	if len(body) == 0 {
		lines = nil
	}
	rows := make([][]string, len(lines))
	for i, l := range lines {
		rows[i] = instanceRow(ec2.RowFields(l), now)
	}
	var b bytes.Buffer
	b.Grow(len(body) + len(rows)*16)
	if format == "text" {
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\t"))
			b.WriteByte('\n')
		}
	} else if err := render.Table(&b, instanceHeader, rows, color); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}
