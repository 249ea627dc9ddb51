package instances

import (
	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// TagsCommand is `ec2x tags`: list the tags of every resource (EC2's
// DescribeTags), or of the resources named.
var TagsCommand = &cli.Command{
	Name:      "tags",
	Usage:     "list tags of every kind of resource",
	ArgsUsage: "[RESOURCE-ID...]",
	Flags: []cli.Flag{
		&cli.StringSliceFlag{Name: "filter", Usage: "NAME=VALUE[,VALUE...]: key, value, resource-id, resource-type (repeatable)"},
	},
	Action: func(c *cli.Context) error {
		e, args, err := command.Setup(c, 0, -1, "")
		if err != nil {
			return err
		}
		in := &ec2.DescribeTagsInput{}
		if in.Filters, err = command.ParseFilters(c.StringSlice("filter")); err != nil {
			return err
		}
		if len(args) > 0 {
			in.Filters = append(in.Filters, ec2.Filter{Name: "resource-id", Values: args})
		}
		var out ec2.DescribeTagsOutput
		if err := e.Call("DescribeTags", in, &out); err != nil {
			return err
		}
		v := command.View{Data: &out, Header: []string{"RESOURCE", "TYPE", "KEY", "VALUE"}, Rows: make([][]string, len(out.Tags))}
		for i, t := range out.Tags {
			v.Rows[i] = []string{t.ResourceId, t.ResourceType, t.Key, t.Value}
			v.IDs = append(v.IDs, t.ResourceId)
		}
		return e.Print(v)
	},
}
