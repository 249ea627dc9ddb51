package catalog

import (
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// imageTags are the account's tags on images, which live in the
// configuration: itag/<region>/<ami id>. As in EC2, tags on an image the
// account does not own are its own and seen by it alone.
var imageTags = tagging.BesideTable("itag")

// Tags is the catalogue's taggable kind: images (ami-).
func (c *Catalog) Tags() []tagging.Kind {
	return []tagging.Kind{tagging.BesideKind(imageTags, "ami-", "image", func(rd state.Reader, id string) error {
		if !ec2.ValidID("ami", id) {
			return ec2.MalformedID(ec2.CodeInvalidAMIIDMalformed, "ami", id)
		}
		if _, img := c.ImageByID(rd, id); img == nil {
			return ec2.Errorf(ec2.CodeInvalidAMIIDNotFound, "The image id '[%s]' does not exist", id)
		}
		return nil
	})}
}

// withTags sets each image's tags from the region's state.
func (c *Catalog) withTags(region string, items []ec2.Image) error {
	r, err := c.rt.Region(region)
	if err != nil {
		return err
	}
	return r.View(func(r *state.Region) error {
		for i := range items {
			items[i].Tags = tagging.BesideOf(r, imageTags, items[i].ImageId)
		}
		return nil
	})
}
