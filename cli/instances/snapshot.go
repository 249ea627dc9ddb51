package instances

import (
	"strconv"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// snapshotWait bounds --wait: a snapshot completes in seconds here.
const snapshotWait = 10 * time.Minute

// SnapshotCommand is `ec2x snapshot`: EBS snapshots.
var SnapshotCommand = &cli.Command{
	Name:  "snapshot",
	Usage: "EBS snapshots: create, list, copy, share, delete",
	Subcommands: []*cli.Command{
		{
			Name:      "create",
			Usage:     "snapshot a volume, or every volume of an instance (--instance)",
			ArgsUsage: "[VOLUME-ID]",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "instance", Usage: "snapshot this instance's volumes at one moment"},
				&cli.BoolFlag{Name: "no-root", Usage: "with --instance: leave the root volume out"},
				&cli.StringFlag{Name: "description", Usage: "the snapshot's description"},
				&cli.StringSliceFlag{Name: "tag", Usage: "tag KEY=VALUE (repeatable)"},
				waitFlag,
			},
			Action: snapshotCreate,
		},
		{
			Name:      "ls",
			Aliases:   []string{"describe"},
			Usage:     "list the account's snapshots",
			ArgsUsage: "[SNAPSHOT-ID...]",
			Flags:     []cli.Flag{&cli.StringSliceFlag{Name: "filter", Usage: "NAME=VALUE[,VALUE...] (repeatable)"}},
			Action:    snapshotList,
		},
		{
			Name:      "copy",
			Usage:     "copy a snapshot of another region (or this one) into this region",
			ArgsUsage: "SNAPSHOT-ID",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "from", Usage: "the source region (required)"},
				&cli.StringFlag{Name: "description", Usage: "the copy's description"},
				&cli.BoolFlag{Name: "encrypted", Usage: "encrypt the copy"},
				waitFlag,
			},
			Action: snapshotCopy,
		},
		{
			Name:      "share",
			Usage:     "let accounts (or everyone) create volumes of a snapshot",
			ArgsUsage: "SNAPSHOT-ID",
			Flags:     command.ShareFlags(),
			Action:    snapshotShare,
		},
		{
			Name:      "rm",
			Aliases:   []string{"delete"},
			Usage:     "delete a snapshot no image uses",
			ArgsUsage: "SNAPSHOT-ID",
			Action:    snapshotDelete,
		},
	},
}

func snapshotCreate(c *cli.Context) error {
	e, args, err := command.Setup(c, 0, 1, "volume ID")
	if err != nil {
		return err
	}
	tags, err := command.ParseTags(c.StringSlice("tag"))
	if err != nil {
		return err
	}
	var specs []ec2.TagSpecification
	if len(tags) > 0 {
		specs = []ec2.TagSpecification{{ResourceType: "snapshot", Tags: tags}}
	}
	var ids []string
	var data any
	switch {
	case len(args) == 1 && c.String("instance") == "":
		var out ec2.CreateSnapshotOutput
		if err := e.Call("CreateSnapshot", &ec2.CreateSnapshotInput{VolumeId: args[0], Description: c.String("description"), TagSpecifications: specs}, &out); err != nil {
			return err
		}
		ids, data = []string{out.SnapshotId}, &out
	case len(args) == 0 && c.String("instance") != "":
		var out ec2.CreateSnapshotsOutput
		in := &ec2.CreateSnapshotsInput{InstanceSpecification: ec2.InstanceSpecification{InstanceId: c.String("instance"), ExcludeBootVolume: c.Bool("no-root")},
			Description: c.String("description"), TagSpecifications: specs}
		if err := e.Call("CreateSnapshots", in, &out); err != nil {
			return err
		}
		for _, s := range out.Snapshots {
			ids = append(ids, s.SnapshotId)
		}
		data = &out
	default:
		return command.Usagef("snapshot create: give a VOLUME-ID or --instance ID")
	}
	return showSnapshots(c, e, ids, data)
}

// showSnapshots prints snapshots just made, once completed with --wait.
func showSnapshots(c *cli.Context, e *command.Env, ids []string, data any) error {
	var out ec2.DescribeSnapshotsOutput
	check := func() (bool, error) {
		if err := e.Call("DescribeSnapshots", &ec2.DescribeSnapshotsInput{SnapshotIds: ids}, &out); err != nil {
			return false, err
		}
		for _, s := range out.Snapshots {
			if s.State != "completed" {
				return false, nil
			}
		}
		return true, nil
	}
	if c.Bool("wait") {
		if err := command.Poll(e, snapshotWait, "the snapshots to complete", check); err != nil {
			return err
		}
		data = &out
	} else if _, err := check(); err != nil {
		return err
	}
	return e.Print(snapshotsView(data, out.Snapshots))
}

func snapshotList(c *cli.Context) error {
	e, args, err := command.Setup(c, 0, -1, "")
	if err != nil {
		return err
	}
	in := &ec2.DescribeSnapshotsInput{SnapshotIds: args, OwnerIds: []string{"self"}}
	if in.Filters, err = command.ParseFilters(c.StringSlice("filter")); err != nil {
		return err
	}
	var out ec2.DescribeSnapshotsOutput
	if err := e.Call("DescribeSnapshots", in, &out); err != nil {
		return err
	}
	return e.Print(snapshotsView(&out, out.Snapshots))
}

// snapshotsView lists snapshots.
func snapshotsView(data any, list []ec2.Snapshot) command.View {
	v := command.View{Data: data, Header: []string{"SNAPSHOT", "VOLUME", "SIZE", "STATE", "PROGRESS", "STARTED", "DESCRIPTION"}}
	for _, s := range list {
		v.IDs = append(v.IDs, s.SnapshotId)
		v.Rows = append(v.Rows, []string{s.SnapshotId, s.VolumeId, strconv.Itoa(s.VolumeSize) + " GiB", s.State, s.Progress,
			s.StartTime.UTC().Format(time.RFC3339), render.Dash(s.Description)})
	}
	return v
}

func snapshotCopy(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "snapshot ID")
	if err != nil {
		return err
	}
	if c.String("from") == "" {
		return command.Usagef("snapshot copy: give --from REGION (the snapshot's region)")
	}
	in := &ec2.CopySnapshotInput{SourceRegion: c.String("from"), SourceSnapshotId: args[0], Description: c.String("description")}
	if c.Bool("encrypted") {
		in.Encrypted = &[]bool{true}[0]
	}
	var out ec2.CopySnapshotOutput
	if err := e.Call("CopySnapshot", in, &out); err != nil {
		return err
	}
	return showSnapshots(c, e, []string{out.SnapshotId}, &out)
}

func snapshotShare(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "snapshot ID")
	if err != nil {
		return err
	}
	accounts, groups, op, err := command.Share(c, "snapshot share")
	if err != nil {
		return err
	}
	in := &ec2.ModifySnapshotAttributeInput{SnapshotId: args[0], Attribute: "createVolumePermission", OperationType: op, UserIds: accounts, GroupNames: groups}
	var out ec2.Empty
	if err := e.Call("ModifySnapshotAttribute", in, &out); err != nil {
		return err
	}
	var attr ec2.DescribeSnapshotAttributeOutput
	if err := e.Call("DescribeSnapshotAttribute", &ec2.DescribeSnapshotAttributeInput{SnapshotAttributeInput: ec2.SnapshotAttributeInput{SnapshotId: args[0], Attribute: "createVolumePermission"}}, &attr); err != nil {
		return err
	}
	v := command.View{Data: &attr, Header: []string{"SNAPSHOT", "SHARED WITH"}}
	for _, p := range attr.CreateVolumePermissions {
		v.IDs = append(v.IDs, args[0])
		v.Rows = append(v.Rows, []string{args[0], p.UserId + p.Group})
	}
	return e.Print(v)
}

func snapshotDelete(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "snapshot ID")
	if err != nil {
		return err
	}
	var out ec2.Empty
	if err := e.Call("DeleteSnapshot", &ec2.DeleteSnapshotInput{SnapshotId: args[0]}, &out); err != nil {
		return err
	}
	return e.Print(command.DoneView(&out, args[0], "deleted"))
}
