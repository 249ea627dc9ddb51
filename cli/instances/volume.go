package instances

import (
	"strconv"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// volumeWait bounds --wait: EC2's volume changes settle in seconds.
const volumeWait = time.Minute

var waitFlag = &cli.BoolFlag{Name: "wait", Usage: "wait until the change is done"}

// VolumeCommand is `ec2x volume`: EBS volumes.
var VolumeCommand = &cli.Command{
	Name:  "volume",
	Usage: "EBS volumes: create, list, attach, detach, modify, delete",
	Subcommands: []*cli.Command{
		{
			Name:  "create",
			Usage: "create a volume in a zone",
			Flags: []cli.Flag{
				&cli.IntFlag{Name: "size", Usage: "size in GiB (required without --snapshot)"},
				&cli.StringFlag{Name: "snapshot", Usage: "make it of a snapshot (its size at least)"},
				&cli.StringFlag{Name: "type", Value: "gp3", Usage: "gp2, gp3, io1, io2, st1, sc1 or standard"},
				&cli.StringFlag{Name: "az", Usage: "availability zone (required)"},
				&cli.IntFlag{Name: "iops", Usage: "provisioned IOPS (gp3, io1, io2)"},
				&cli.IntFlag{Name: "throughput", Usage: "throughput in MiB/s (gp3)"},
				&cli.BoolFlag{Name: "encrypted", Usage: "encrypt the volume"},
				&cli.StringFlag{Name: "kms-key", Usage: "KMS key of an encrypted volume"},
				&cli.BoolFlag{Name: "multi-attach", Usage: "let several instances attach it (io1, io2)"},
				&cli.StringSliceFlag{Name: "tag", Usage: "tag KEY=VALUE (repeatable)"},
				&cli.StringFlag{Name: "client-token", Usage: "idempotency token: a retry returns the first call's volume"},
				waitFlag,
			},
			Action: volumeCreate,
		},
		{
			Name:    "ls",
			Aliases: []string{"describe"},
			Usage:   "list volumes",
			Flags:   []cli.Flag{&cli.StringSliceFlag{Name: "filter", Usage: "NAME=VALUE[,VALUE...] (repeatable)"}},
			Action:  volumeList,
		},
		{
			Name:      "attach",
			Usage:     "attach an available volume to an instance in its zone",
			ArgsUsage: "VOLUME-ID",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "instance", Usage: "instance ID (required)"},
				&cli.StringFlag{Name: "device", Usage: "device name, as /dev/sdf (required)"},
				waitFlag,
			},
			Action: volumeAttach,
		},
		{
			Name:      "detach",
			Usage:     "detach a volume",
			ArgsUsage: "VOLUME-ID",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "instance", Usage: "the instance to detach from (a Multi-Attach volume on several)"},
				&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "detach even if the guest does not let go"},
				waitFlag,
			},
			Action: volumeDetach,
		},
		{
			Name:      "modify",
			Usage:     "grow a volume or change its type, IOPS or throughput (one change each six hours)",
			ArgsUsage: "VOLUME-ID",
			Flags: []cli.Flag{
				&cli.IntFlag{Name: "size", Usage: "new size in GiB (never smaller)"},
				&cli.StringFlag{Name: "type", Usage: "new volume type"},
				&cli.IntFlag{Name: "iops", Usage: "new provisioned IOPS"},
				&cli.IntFlag{Name: "throughput", Usage: "new throughput in MiB/s (gp3)"},
			},
			Action: volumeModify,
		},
		{
			Name:      "mods",
			Usage:     "list volume modifications",
			ArgsUsage: "[VOLUME-ID...]",
			Action:    volumeMods,
		},
		{
			Name:      "rm",
			Aliases:   []string{"delete"},
			Usage:     "delete an available volume",
			ArgsUsage: "VOLUME-ID",
			Flags:     []cli.Flag{waitFlag},
			Action:    volumeDelete,
		},
	},
}

func volumeCreate(c *cli.Context) error {
	e, _, err := command.Setup(c, 0, 0, "")
	if err != nil {
		return err
	}
	switch {
	case c.Int("size") <= 0 && c.String("snapshot") == "":
		return command.Usagef("volume create: give --size GiB or --snapshot ID")
	case c.String("az") == "":
		return command.Usagef("volume create: give --az ZONE")
	}
	tags, err := command.ParseTags(c.StringSlice("tag"))
	if err != nil {
		return err
	}
	in := &ec2.CreateVolumeInput{AvailabilityZone: c.String("az"), Size: c.Int("size"), SnapshotId: c.String("snapshot"), VolumeType: c.String("type"), Iops: c.Int("iops"),
		Throughput: c.Int("throughput"), KmsKeyId: c.String("kms-key"), MultiAttachEnabled: c.Bool("multi-attach"), ClientToken: c.String("client-token")}
	if c.Bool("encrypted") {
		in.Encrypted = &[]bool{true}[0]
	}
	if len(tags) > 0 {
		in.TagSpecifications = []ec2.TagSpecification{{ResourceType: "volume", Tags: tags}}
	}
	var out ec2.CreateVolumeOutput
	if err := e.Call("CreateVolume", in, &out); err != nil {
		return err
	}
	if c.Bool("wait") {
		if out.Volume, err = waitVolume(e, out.VolumeId, func(v ec2.Volume) bool { return v.State == "available" }); err != nil {
			return err
		}
	}
	return e.Print(volumesView(&out, []ec2.Volume{out.Volume}))
}

func volumeList(c *cli.Context) error {
	e, args, err := command.Setup(c, 0, -1, "")
	if err != nil {
		return err
	}
	in := &ec2.DescribeVolumesInput{VolumeIds: args}
	if in.Filters, err = command.ParseFilters(c.StringSlice("filter")); err != nil {
		return err
	}
	if e.Output == "json" && e.Query == "" && !e.Quiet {
		return e.CallJSON("DescribeVolumes", in)
	}
	var out ec2.DescribeVolumesOutput
	if err := e.Call("DescribeVolumes", in, &out); err != nil {
		return err
	}
	return e.Print(volumesView(&out, out.Volumes))
}

// volumesView lists volumes, one row per attachment.
func volumesView(data any, list []ec2.Volume) command.View {
	v := command.View{Data: data, Header: []string{"VOLUME", "ZONE", "SIZE", "TYPE", "IOPS", "THROUGHPUT", "STATE", "INSTANCE", "DEVICE", "NAME"}}
	for _, vol := range list {
		v.IDs = append(v.IDs, vol.VolumeId)
		name := ""
		for _, t := range vol.Tags {
			if t.Key == "Name" {
				name = t.Value
			}
		}
		row := []string{vol.VolumeId, vol.AvailabilityZone, strconv.Itoa(vol.Size) + " GiB", vol.VolumeType, render.Dash(itoa0(vol.Iops)),
			render.Dash(itoa0(vol.Throughput)), vol.State, "-", "-", render.Dash(name)}
		if len(vol.Attachments) == 0 {
			v.Rows = append(v.Rows, row)
		}
		for i, a := range vol.Attachments {
			if i > 0 {
				row = []string{"", "", "", "", "", "", "", "", "", ""}
			}
			row[7], row[8] = a.InstanceId, a.Device+" ("+a.State+")"
			v.Rows = append(v.Rows, row)
		}
	}
	return v
}

// itoa0 is n, or "" for 0.
func itoa0(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// attachmentView is AttachVolume's or DetachVolume's answer as a row.
func attachmentView(out *ec2.VolumeAttachmentOutput) command.View {
	return command.View{Data: out, IDs: []string{out.VolumeId}, Header: []string{"VOLUME", "INSTANCE", "DEVICE", "STATE"},
		Rows: [][]string{{out.VolumeId, out.InstanceId, out.Device, out.State}}}
}

func volumeAttach(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "volume ID")
	if err != nil {
		return err
	}
	if c.String("instance") == "" || c.String("device") == "" {
		return command.Usagef("volume attach: give --instance ID and --device NAME")
	}
	var out ec2.VolumeAttachmentOutput
	if err := e.Call("AttachVolume", &ec2.AttachVolumeInput{VolumeId: args[0], InstanceId: c.String("instance"), Device: c.String("device")}, &out); err != nil {
		return err
	}
	if c.Bool("wait") {
		if _, err := waitVolume(e, args[0], func(v ec2.Volume) bool { return attachState(v, out.InstanceId) == "attached" }); err != nil {
			return err
		}
		out.State = "attached"
	}
	return e.Print(attachmentView(&out))
}

// attachState is the state of a volume's attachment to an instance, or "".
func attachState(v ec2.Volume, instance string) string {
	for _, a := range v.Attachments {
		if a.InstanceId == instance {
			return a.State
		}
	}
	return ""
}

func volumeDetach(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "volume ID")
	if err != nil {
		return err
	}
	var out ec2.VolumeAttachmentOutput
	if err := e.Call("DetachVolume", &ec2.DetachVolumeInput{VolumeId: args[0], InstanceId: c.String("instance"), Force: c.Bool("force")}, &out); err != nil {
		return err
	}
	if c.Bool("wait") {
		if _, err := waitVolume(e, args[0], func(v ec2.Volume) bool { return attachState(v, out.InstanceId) == "" }); err != nil {
			return err
		}
		out.State = "detached"
	}
	return e.Print(attachmentView(&out))
}

func volumeModify(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "volume ID")
	if err != nil {
		return err
	}
	if !c.IsSet("size") && !c.IsSet("type") && !c.IsSet("iops") && !c.IsSet("throughput") {
		return command.Usagef("volume modify: nothing to change (give --size, --type, --iops or --throughput)")
	}
	in := &ec2.ModifyVolumeInput{VolumeId: args[0], Size: c.Int("size"), VolumeType: c.String("type"), Iops: c.Int("iops"), Throughput: c.Int("throughput")}
	var out ec2.ModifyVolumeOutput
	if err := e.Call("ModifyVolume", in, &out); err != nil {
		return err
	}
	return e.Print(modsView(&out, []ec2.VolumeModification{out.VolumeModification}))
}

func volumeMods(c *cli.Context) error {
	e, args, err := command.Setup(c, 0, -1, "")
	if err != nil {
		return err
	}
	var out ec2.DescribeVolumesModificationsOutput
	if err := e.Call("DescribeVolumesModifications", &ec2.DescribeVolumesModificationsInput{VolumeIds: args}, &out); err != nil {
		return err
	}
	return e.Print(modsView(&out, out.VolumesModifications))
}

// modsView lists modifications: what each changes, and how far it is.
func modsView(data any, list []ec2.VolumeModification) command.View {
	v := command.View{Data: data, Header: []string{"VOLUME", "STATE", "SIZE", "TYPE", "IOPS", "THROUGHPUT", "STARTED"}}
	change := func(a, b string) string {
		if a == b {
			return render.Dash(a)
		}
		return a + " -> " + b
	}
	for _, m := range list {
		v.IDs = append(v.IDs, m.VolumeId)
		v.Rows = append(v.Rows, []string{m.VolumeId, m.ModificationState, change(strconv.Itoa(m.OriginalSize), strconv.Itoa(m.TargetSize)),
			change(m.OriginalVolumeType, m.TargetVolumeType), change(itoa0(m.OriginalIops), itoa0(m.TargetIops)),
			change(itoa0(m.OriginalThroughput), itoa0(m.TargetThroughput)), m.StartTime.UTC().Format(time.RFC3339)})
	}
	return v
}

func volumeDelete(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "volume ID")
	if err != nil {
		return err
	}
	var out ec2.Empty
	if err := e.Call("DeleteVolume", &ec2.DeleteVolumeInput{VolumeIdInput: ec2.VolumeIdInput{VolumeId: args[0]}}, &out); err != nil {
		return err
	}
	if c.Bool("wait") {
		if _, err := waitVolume(e, args[0], nil); err != nil {
			return err
		}
	}
	return e.Print(command.DoneView(&out, args[0], "deleted"))
}

// waitVolume polls a volume until done says so (nil: until it is gone),
// for at most volumeWait.
func waitVolume(e *command.Env, id string, done func(ec2.Volume) bool) (ec2.Volume, error) {
	var got ec2.Volume
	err := command.Poll(e, volumeWait, id, func() (bool, error) {
		var out ec2.DescribeVolumesOutput
		err := e.Call("DescribeVolumes", &ec2.DescribeVolumesInput{VolumeIds: []string{id}}, &out)
		switch {
		case done == nil && err != nil && ec2.CodeOf(err) == ec2.CodeInvalidVolumeNotFound:
			return true, nil
		case err != nil:
			return false, err
		case done != nil && len(out.Volumes) == 1 && done(out.Volumes[0]):
			got = out.Volumes[0]
			return true, nil
		}
		return false, nil
	})
	return got, err
}
