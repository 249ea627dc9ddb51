package instances

import (
	"bytes"
	"io"
	"strings"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// LsCommand is `ec2x ls`: list instances.
var LsCommand = &cli.Command{
	Name:      "ls",
	Aliases:   []string{"describe"},
	Usage:     "list instances",
	ArgsUsage: "[ID...]",
	Flags: []cli.Flag{
		&cli.StringSliceFlag{Name: "filter", Usage: "NAME=VALUE[,VALUE...] with EC2's filter names (repeatable)"},
		&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "include terminated instances"},
	},
	Action: func(c *cli.Context) error {
		e, err := command.NewEnv(c)
		if err != nil {
			return err
		}
		in := &ec2.DescribeInstancesInput{InstanceIds: c.Args().Slice()}
		if in.Filters, err = command.ParseFilters(c.StringSlice("filter")); err != nil {
			return err
		}
		if !c.Bool("all") && len(in.InstanceIds) == 0 && !hasFilter(in.Filters, "instance-state-name", "instance-state-code") {
			in.Filters = append(in.Filters, ec2.Filter{Name: "instance-state-name",
				Values: []string{ec2.StatePending, ec2.StateRunning, ec2.StateShuttingDown, ec2.StateStopping, ec2.StateStopped}})
		}
		if e.Query == "" && (e.Output != "json" || e.Quiet) {
			// Rows of text, not instances: decoding a fleet's full JSON
			// here would cost more than the rest of the call.
			var out ec2.DescribeInstanceRowsOutput
			if err := e.Call("DescribeInstanceRows", &ec2.DescribeInstanceRowsInput{DescribeInstancesInput: *in, IdsOnly: e.Quiet}, &out); err != nil {
				return err
			}
			if e.Quiet {
				_, err := e.Stdout().Write(out.Body)
				return err
			}
			return writeRows(e.Stdout(), out.Body, e.Output, e.Color(), time.Now())
		}
		if e.Query == "" {
			return e.CallJSON("DescribeInstances", in)
		}
		var out ec2.DescribeInstancesOutput
		if err := e.Call("DescribeInstances", in, &out); err != nil {
			return err
		}
		return e.Print(instancesView(&out, out.Instances))
	},
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
func instancesView(data any, list []*ec2.Instance) command.View {
	v := command.View{Data: data, Header: instanceHeader, IDs: instanceIDs(list), Rows: make([][]string, len(list))}
	now := time.Now()
	for i, in := range list {
		name, _ := in.Tag("Name")
		v.Rows[i] = instanceRow([]string{in.InstanceId, name, in.InstanceType, in.State.Name, in.Placement.AvailabilityZone,
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
		render.EscapeAll(rows)
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
