package catalog

import (
	"strconv"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// ImagesCommand is `ec2x images`: list the region's images (AMIs); import,
// build, create, register, copy, share and deregister them.
var ImagesCommand = &cli.Command{
	Name:  "images",
	Usage: "list the images (AMIs) of the region",
	Subcommands: []*cli.Command{imagesImportCommand, imagesBuildCommand, imagesCreateCommand, imagesRegisterCommand, imagesCopyCommand,
		imagesShareCommand, imagesRmCommand},
	Action: func(c *cli.Context) error {
		e, err := command.NewEnv(c)
		if err != nil {
			return err
		}
		var out ec2.DescribeImagesOutput
		if err := e.Call("DescribeImages", &ec2.DescribeImagesInput{}, &out); err != nil {
			return err
		}
		return e.Print(imagesView(&out))
	},
}

// imagesView lists images: the configured ones by their short names, the
// account's own by their names, with their state when not available.
func imagesView(out *ec2.DescribeImagesOutput) command.View {
	v := command.View{Data: out, Header: []string{"IMAGE ID", "NAME", "ARCH", "USER", "ROOT GIB", "DESCRIPTION"}}
	for _, im := range out.Images {
		name := im.Alias
		if name == "" {
			name = im.Name
		}
		if im.State != "available" {
			name += " (" + im.State + ")"
		}
		v.IDs = append(v.IDs, im.ImageId)
		v.Rows = append(v.Rows, []string{im.ImageId, name, im.Architecture, im.DefaultUser, strconv.Itoa(im.VolumeSizeGiB), im.Description})
	}
	return v
}
