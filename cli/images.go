package cli

import (
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

var imagesCommand = &cli.Command{
	Name:        "images",
	Usage:       "list the images (AMIs) of the region",
	Subcommands: []*cli.Command{imagesImportCommand},
	Action: func(c *cli.Context) error {
		e, err := newEnv(c)
		if err != nil {
			return err
		}
		var out ec2.DescribeImagesOutput
		if err := e.call("DescribeImages", &ec2.DescribeImagesInput{}, &out); err != nil {
			return err
		}
		v := view{data: &out, header: []string{"IMAGE ID", "NAME", "ARCH", "USER", "ROOT GIB", "DESCRIPTION"}}
		for _, im := range out.Images {
			v.ids = append(v.ids, im.ImageId)
			v.rows = append(v.rows, []string{im.ImageId, im.Alias, im.Architecture, im.DefaultUser, itoa(im.VolumeSizeGiB), im.Description})
		}
		return e.print(v)
	},
}
