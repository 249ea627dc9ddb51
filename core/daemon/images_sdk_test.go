package daemon

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// The AMI lookup every Terraform configuration and boto3 script starts
// with: the newest image of an owner whose name matches, through the SDK.
func TestSDKDescribeImagesLookup(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	out, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{
		Owners: []string{"amazon"},
		Filters: []types.Filter{
			{Name: aws.String("name"), Values: []string{"al2023-ami-2023.*-x86_64"}},
			{Name: aws.String("architecture"), Values: []string{"x86_64"}},
			{Name: aws.String("root-device-type"), Values: []string{"ebs"}},
			{Name: aws.String("virtualization-type"), Values: []string{"hvm"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Images) != 1 {
		t.Fatalf("%d images, want Amazon Linux 2023", len(out.Images))
	}
	im := out.Images[0]
	if aws.ToString(im.ImageOwnerAlias) != "amazon" || aws.ToString(im.OwnerId) != "137112412989" || !aws.ToBool(im.Public) ||
		aws.ToString(im.CreationDate) == "" || im.State != types.ImageStateAvailable || im.Hypervisor != types.HypervisorTypeXen ||
		im.ImageType != types.ImageTypeValuesMachine || aws.ToString(im.RootDeviceName) != "/dev/xvda" || !aws.ToBool(im.EnaSupport) {
		t.Errorf("image %+v", im)
	}
	if len(im.BlockDeviceMappings) != 1 || im.BlockDeviceMappings[0].Ebs == nil || aws.ToInt32(im.BlockDeviceMappings[0].Ebs.VolumeSize) != 8 ||
		im.BlockDeviceMappings[0].Ebs.VolumeType != types.VolumeTypeGp3 {
		t.Errorf("block device mappings %+v", im.BlockDeviceMappings)
	}

	// The SDK's paginator walks every image, one per page.
	pages := ec2.NewDescribeImagesPaginator(c, &ec2.DescribeImagesInput{MaxResults: aws.Int32(1)})
	n := 0
	for pages.HasMorePages() {
		p, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(p.Images)
	}
	if n != 3 {
		t.Errorf("paged over %d images, want the 3 that ship", n)
	}
}
