package instances

import (
	"strings"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// TagCommand is `ec2x tag`: add or change tags of resources.
var TagCommand = &cli.Command{
	Name:      "tag",
	Usage:     "add or change tags of resources",
	ArgsUsage: "ID... KEY=VALUE...",
	Action: func(c *cli.Context) error {
		e, args, err := command.Setup(c, 2, -1, "resource ID and KEY=VALUE")
		if err != nil {
			return err
		}
		ids, rest := splitIDs(args)
		tags, err := command.ParseTags(rest)
		if err != nil {
			return err
		}
		if len(ids) == 0 || len(tags) == 0 {
			return command.Usagef("tag: want ID... KEY=VALUE...")
		}
		var out ec2.Empty
		if err := e.Call("CreateTags", &ec2.CreateTagsInput{Resources: ids, Tags: tags}, &out); err != nil {
			return err
		}
		return e.Print(tagView(&out, ids))
	},
}

// UntagCommand is `ec2x untag`: remove tags.
var UntagCommand = &cli.Command{
	Name:      "untag",
	Usage:     "remove tags (KEY, or KEY=VALUE to remove only that value)",
	ArgsUsage: "ID... KEY[=VALUE]...",
	Action: func(c *cli.Context) error {
		e, args, err := command.Setup(c, 2, -1, "resource ID and KEY")
		if err != nil {
			return err
		}
		ids, rest := splitIDs(args)
		if len(ids) == 0 || len(rest) == 0 {
			return command.Usagef("untag: want ID... KEY[=VALUE]...")
		}
		var del []ec2.TagMatch
		for _, a := range rest {
			if k, v, ok := strings.Cut(a, "="); ok {
				del = append(del, ec2.TagMatch{Key: k, Value: &v})
			} else {
				del = append(del, ec2.TagMatch{Key: a})
			}
		}
		var out ec2.Empty
		if err := e.Call("DeleteTags", &ec2.DeleteTagsInput{Resources: ids, Tags: del}, &out); err != nil {
			return err
		}
		return e.Print(tagView(&out, ids))
	},
}

// splitIDs takes the leading resource IDs (they contain a '-' and no '=').
func splitIDs(args []string) (ids, rest []string) {
	i := 0
	for ; i < len(args); i++ {
		if !looksLikeID(args[i]) {
			break
		}
	}
	return args[:i], args[i:]
}

func looksLikeID(s string) bool {
	for _, p := range []string{"i-", "key-", "eipalloc-", "eni-", "sg-", "subnet-", "vpc-"} {
		if len(s) > len(p) && strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func tagView(out *ec2.Empty, ids []string) command.View {
	v := command.View{Data: out, IDs: ids, Header: []string{"RESOURCE", "TAGGED"}}
	for _, id := range ids {
		v.Rows = append(v.Rows, []string{id, "yes"})
	}
	return v
}
