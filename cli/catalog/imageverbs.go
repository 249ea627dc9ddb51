package catalog

import (
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// imageWait bounds --wait: an image is available once its snapshots are.
const imageWait = 10 * time.Minute

var imageWaitFlag = &cli.BoolFlag{Name: "wait", Usage: "wait until the image is available"}

// The verbs of `ec2x images` that make, copy, share and delete the
// account's own images.
var (
	imagesCreateCommand = &cli.Command{
		Name:      "create",
		Usage:     "make an image of an instance (its volumes become snapshots)",
		ArgsUsage: "INSTANCE-ID",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "name", Usage: "the image's name (required; unique in the region)"},
			&cli.StringFlag{Name: "description", Usage: "the image's description"},
			&cli.BoolFlag{Name: "no-reboot", Usage: "do not reboot a running instance first"},
			&cli.StringSliceFlag{Name: "tag", Usage: "tag KEY=VALUE (repeatable)"},
			imageWaitFlag,
		},
		Action: imagesCreate,
	}
	imagesRegisterCommand = &cli.Command{
		Name:      "register",
		Usage:     "make an image of a snapshot, as its root device",
		ArgsUsage: "SNAPSHOT-ID",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "name", Usage: "the image's name (required)"},
			&cli.StringFlag{Name: "description", Usage: "the image's description"},
			&cli.StringFlag{Name: "arch", Value: "x86_64", Usage: "x86_64 or arm64"},
			&cli.StringFlag{Name: "root-device", Value: "/dev/xvda", Usage: "the root device's name"},
		},
		Action: imagesRegister,
	}
	imagesCopyCommand = &cli.Command{
		Name:      "copy",
		Usage:     "copy an image of another region (or this one) into this region",
		ArgsUsage: "IMAGE-ID",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "from", Usage: "the source region (required)"},
			&cli.StringFlag{Name: "name", Usage: "the copy's name (required)"},
			&cli.StringFlag{Name: "description", Usage: "the copy's description"},
			&cli.BoolFlag{Name: "copy-tags", Usage: "give the copy the image's tags"},
			imageWaitFlag,
		},
		Action: imagesCopy,
	}
	imagesShareCommand = &cli.Command{
		Name:      "share",
		Usage:     "let accounts (or everyone) launch an image",
		ArgsUsage: "IMAGE-ID",
		Flags:     command.ShareFlags(),
		Action:    imagesShare,
	}
	imagesRmCommand = &cli.Command{
		Name:      "rm",
		Aliases:   []string{"deregister"},
		Usage:     "deregister one of the account's images",
		ArgsUsage: "IMAGE-ID",
		Flags:     []cli.Flag{&cli.BoolFlag{Name: "delete-snapshots", Usage: "delete its snapshots too"}},
		Action:    imagesRm,
	}
)

func imagesCreate(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "instance ID")
	if err != nil {
		return err
	}
	if c.String("name") == "" {
		return command.Usagef("images create: give --name NAME")
	}
	tags, err := command.ParseTags(c.StringSlice("tag"))
	if err != nil {
		return err
	}
	in := &ec2.CreateImageInput{InstanceId: args[0], Name: c.String("name"), Description: c.String("description"), NoReboot: c.Bool("no-reboot")}
	if len(tags) > 0 {
		in.TagSpecifications = []ec2.TagSpecification{{ResourceType: "image", Tags: tags}}
	}
	var out ec2.ImageIdOutput
	if err := e.Call("CreateImage", in, &out); err != nil {
		return err
	}
	return showImage(c, e, out.ImageId)
}

func imagesRegister(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "snapshot ID")
	if err != nil {
		return err
	}
	if c.String("name") == "" {
		return command.Usagef("images register: give --name NAME")
	}
	root := c.String("root-device")
	in := &ec2.RegisterImageInput{Name: c.String("name"), Description: c.String("description"), Architecture: c.String("arch"), RootDeviceName: root,
		BlockDeviceMappings: []ec2.BlockDeviceMapping{{DeviceName: root, Ebs: &ec2.EbsBlockDevice{SnapshotId: args[0]}}}}
	var out ec2.ImageIdOutput
	if err := e.Call("RegisterImage", in, &out); err != nil {
		return err
	}
	return showImage(c, e, out.ImageId)
}

func imagesCopy(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "image ID")
	if err != nil {
		return err
	}
	if c.String("from") == "" || c.String("name") == "" {
		return command.Usagef("images copy: give --from REGION and --name NAME")
	}
	in := &ec2.CopyImageInput{SourceImageId: args[0], SourceRegion: c.String("from"), Name: c.String("name"), Description: c.String("description"), CopyImageTags: c.Bool("copy-tags")}
	var out ec2.ImageIdOutput
	if err := e.Call("CopyImage", in, &out); err != nil {
		return err
	}
	return showImage(c, e, out.ImageId)
}

// showImage prints an image just made, once available with --wait.
func showImage(c *cli.Context, e *command.Env, id string) error {
	var out ec2.DescribeImagesOutput
	check := func() (bool, error) {
		if err := e.Call("DescribeImages", &ec2.DescribeImagesInput{ImageIds: []string{id}}, &out); err != nil {
			return false, err
		}
		return len(out.Images) == 1 && out.Images[0].State == "available", nil
	}
	if c.Bool("wait") {
		if err := command.Poll(e, imageWait, id, check); err != nil {
			return err
		}
	} else if _, err := check(); err != nil {
		return err
	}
	return e.Print(imagesView(&out))
}

func imagesShare(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "image ID")
	if err != nil {
		return err
	}
	accounts, groups, op, err := command.Share(c, "images share")
	if err != nil {
		return err
	}
	in := &ec2.ModifyImageAttributeInput{ImageId: args[0], Attribute: "launchPermission", OperationType: op, UserIds: accounts, UserGroups: groups}
	var out ec2.Empty
	if err := e.Call("ModifyImageAttribute", in, &out); err != nil {
		return err
	}
	var attr ec2.ImageAttributeOutput
	if err := e.Call("DescribeImageAttribute", &ec2.DescribeImageAttributeInput{ImageAttributeInput: ec2.ImageAttributeInput{ImageId: args[0], Attribute: "launchPermission"}}, &attr); err != nil {
		return err
	}
	v := command.View{Data: &attr, Header: []string{"IMAGE ID", "LAUNCHABLE BY"}}
	for _, p := range attr.LaunchPermissions {
		v.IDs = append(v.IDs, args[0])
		v.Rows = append(v.Rows, []string{args[0], p.UserId + p.Group + p.OrganizationArn + p.OrganizationalUnitArn})
	}
	return e.Print(v)
}

func imagesRm(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "image ID")
	if err != nil {
		return err
	}
	var out ec2.DeregisterImageOutput
	if err := e.Call("DeregisterImage", &ec2.DeregisterImageInput{ImageId: args[0], DeleteAssociatedSnapshots: c.Bool("delete-snapshots")}, &out); err != nil {
		return err
	}
	return e.Print(command.DoneView(&out, args[0], "deregistered"))
}
