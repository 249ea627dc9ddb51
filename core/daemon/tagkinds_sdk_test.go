package daemon

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// tagKind is one taggable kind of resource in TestSDKTagKinds: a resource
// of it, EC2's resource type, and its own Describe under filters (the IDs
// it answers).
type tagKind struct {
	name, id, typ string
	describe      func(filters []types.Filter) ([]string, error)
}

// tagKinds makes one resource of every kind ec2x has, untagged.
func tagKinds(t *testing.T, c *ec2.Client) []tagKind {
	t.Helper()
	ctx := context.Background()
	inst := runOne(t, c, &ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{
		{DeviceName: aws.String("/dev/sdf"), Ebs: &types.EbsBlockDevice{VolumeSize: aws.Int32(8)}}}})
	d := describeOne(t, c, inst)
	var root, disk string
	for _, m := range d.BlockDeviceMappings {
		if aws.ToString(m.DeviceName) == "/dev/sdf" {
			disk = aws.ToString(m.Ebs.VolumeId)
		} else {
			root = aws.ToString(m.Ebs.VolumeId)
		}
	}
	sir, err := c.RequestSpotInstances(ctx, &ec2.RequestSpotInstancesInput{LaunchSpecification: &types.RequestSpotLaunchSpecification{InstanceType: "t3.micro"}})
	must(t, err)
	key, err := c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("k")})
	must(t, err)
	eip, err := c.AllocateAddress(ctx, &ec2.AllocateAddressInput{})
	must(t, err)
	sg, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web")})
	must(t, err)
	eni, err := c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: d.SubnetId})
	must(t, err)
	lt, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("web"),
		LaunchTemplateData: &types.RequestLaunchTemplateData{InstanceType: "t3.micro"}})
	must(t, err)
	offs, err := c.DescribeReservedInstancesOfferings(ctx, &ec2.DescribeReservedInstancesOfferingsInput{InstanceType: "t3.micro"})
	must(t, err)
	if len(offs.ReservedInstancesOfferings) == 0 {
		t.Fatal("no t3.micro offering")
	}
	ri, err := c.PurchaseReservedInstancesOffering(ctx, &ec2.PurchaseReservedInstancesOfferingInput{
		ReservedInstancesOfferingId: offs.ReservedInstancesOfferings[0].ReservedInstancesOfferingId, InstanceCount: aws.Int32(1)})
	must(t, err)

	return []tagKind{
		{"instance", inst, "instance", func(fs []types.Filter) (ids []string, err error) {
			o, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: fs})
			for _, r := range o.Reservations {
				for _, i := range r.Instances {
					ids = append(ids, aws.ToString(i.InstanceId))
				}
			}
			return ids, err
		}},
		{"spot request", aws.ToString(sir.SpotInstanceRequests[0].SpotInstanceRequestId), "spot-instances-request", func(fs []types.Filter) (ids []string, err error) {
			o, err := c.DescribeSpotInstanceRequests(ctx, &ec2.DescribeSpotInstanceRequestsInput{Filters: fs})
			for _, x := range o.SpotInstanceRequests {
				ids = append(ids, aws.ToString(x.SpotInstanceRequestId))
			}
			return ids, err
		}},
		{"root volume", root, "volume", volumesBy(c)},
		{"other volume", disk, "volume", volumesBy(c)},
		{"network interface", aws.ToString(eni.NetworkInterface.NetworkInterfaceId), "network-interface", func(fs []types.Filter) (ids []string, err error) {
			o, err := c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: fs})
			for _, x := range o.NetworkInterfaces {
				ids = append(ids, aws.ToString(x.NetworkInterfaceId))
			}
			return ids, err
		}},
		{"elastic IP", aws.ToString(eip.AllocationId), "elastic-ip", func(fs []types.Filter) (ids []string, err error) {
			o, err := c.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{Filters: fs})
			for _, x := range o.Addresses {
				ids = append(ids, aws.ToString(x.AllocationId))
			}
			return ids, err
		}},
		{"security group", aws.ToString(sg.GroupId), "security-group", func(fs []types.Filter) (ids []string, err error) {
			o, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: fs})
			for _, x := range o.SecurityGroups {
				ids = append(ids, aws.ToString(x.GroupId))
			}
			return ids, err
		}},
		{"key pair", aws.ToString(key.KeyPairId), "key-pair", func(fs []types.Filter) (ids []string, err error) {
			o, err := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{Filters: fs})
			for _, x := range o.KeyPairs {
				ids = append(ids, aws.ToString(x.KeyPairId))
			}
			return ids, err
		}},
		{"launch template", aws.ToString(lt.LaunchTemplate.LaunchTemplateId), "launch-template", func(fs []types.Filter) (ids []string, err error) {
			o, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{Filters: fs})
			for _, x := range o.LaunchTemplates {
				ids = append(ids, aws.ToString(x.LaunchTemplateId))
			}
			return ids, err
		}},
		{"reservation", aws.ToString(ri.ReservedInstancesId), "reserved-instances", func(fs []types.Filter) (ids []string, err error) {
			o, err := c.DescribeReservedInstances(ctx, &ec2.DescribeReservedInstancesInput{Filters: fs})
			for _, x := range o.ReservedInstances {
				ids = append(ids, aws.ToString(x.ReservedInstancesId))
			}
			return ids, err
		}},
		{"vpc", aws.ToString(d.VpcId), "vpc", func(fs []types.Filter) (ids []string, err error) {
			o, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: fs})
			for _, x := range o.Vpcs {
				ids = append(ids, aws.ToString(x.VpcId))
			}
			return ids, err
		}},
		{"subnet", aws.ToString(d.SubnetId), "subnet", func(fs []types.Filter) (ids []string, err error) {
			o, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: fs})
			for _, x := range o.Subnets {
				ids = append(ids, aws.ToString(x.SubnetId))
			}
			return ids, err
		}},
		// an image ec2x ships (Amazon's): the account's tags on it are its own
		{"image", aws.ToString(d.ImageId), "image", func(fs []types.Filter) (ids []string, err error) {
			o, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Filters: fs})
			for _, x := range o.Images {
				ids = append(ids, aws.ToString(x.ImageId))
			}
			return ids, err
		}},
	}
}

func volumesBy(c *ec2.Client) func([]types.Filter) ([]string, error) {
	return func(fs []types.Filter) (ids []string, err error) {
		o, err := c.DescribeVolumes(context.Background(), &ec2.DescribeVolumesInput{Filters: fs})
		for _, x := range o.Volumes {
			ids = append(ids, aws.ToString(x.VolumeId))
		}
		return ids, err
	}
}

// tagsOf is what DescribeTags says resource id has: key=value by key.
func tagsOf(t *testing.T, c *ec2.Client, fs ...types.Filter) []string {
	t.Helper()
	o, err := c.DescribeTags(context.Background(), &ec2.DescribeTagsInput{Filters: fs})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range o.Tags {
		out = append(out, fmt.Sprintf("%s %s %s=%s", aws.ToString(d.ResourceId), d.ResourceType, aws.ToString(d.Key), aws.ToString(d.Value)))
	}
	return out
}

// Every kind of resource ec2x has takes tags as EC2's do: CreateTags,
// DescribeTags by resource ID and type, its own Describe's tag filters,
// DeleteTags.
func TestSDKTagKinds(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	for _, k := range tagKinds(t, c) {
		t.Run(k.name, func(t *testing.T) {
			val := strings.ReplaceAll(k.name, " ", "-")
			if _, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{k.id},
				Tags: []types.Tag{{Key: aws.String("probe"), Value: aws.String(val)}}}); err != nil {
				t.Fatalf("CreateTags: %v", err)
			}
			want := []string{k.id + " " + k.typ + " probe=" + val}
			if got := tagsOf(t, c, filter("resource-id", k.id)); !slices.Equal(got, want) {
				t.Errorf("DescribeTags by resource-id: %q, want %q", got, want)
			}
			if got := tagsOf(t, c, filter("resource-type", k.typ), filter("value", val)); !slices.Equal(got, want) {
				t.Errorf("DescribeTags by resource-type: %q, want %q", got, want)
			}
			for _, fs := range [][]types.Filter{
				{filter("tag:probe", val)},
				{filter("tag-key", "probe"), filter("tag-value", val)},
			} {
				got, err := k.describe(fs)
				if err != nil {
					t.Fatalf("Describe by %s: %v", aws.ToString(fs[0].Name), err)
				}
				if !slices.Equal(got, []string{k.id}) {
					t.Errorf("Describe by %s: %q, want %s", aws.ToString(fs[0].Name), got, k.id)
				}
			}
			if _, err := c.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{k.id}, Tags: []types.Tag{{Key: aws.String("probe")}}}); err != nil {
				t.Fatalf("DeleteTags: %v", err)
			}
			if got := tagsOf(t, c, filter("resource-id", k.id)); len(got) != 0 {
				t.Errorf("after DeleteTags: %q", got)
			}
			if got, err := k.describe([]types.Filter{filter("tag-key", "probe")}); err != nil || len(got) != 0 {
				t.Errorf("Describe by tag-key after DeleteTags: %q, %v", got, err)
			}
		})
	}
}

// A kind's unknown ID of the right shape is the kind's NotFound; EC2's
// limits hold for every kind.
func TestSDKTagKindRefusals(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	kinds := tagKinds(t, c)
	for _, tc := range []struct{ id, code string }{
		{"sir-0123456789abcdef0", "InvalidSpotInstanceRequestID.NotFound"},
		{"vol-0123456789abcdef0", "InvalidVolume.NotFound"},
		{"01234567-89ab-cdef-0123-456789abcdef", "InvalidReservedInstancesId"},
		{"vpc-0123456789abcdef0", "InvalidVpcID.NotFound"},
		{"subnet-0123456789abcdef0", "InvalidSubnetID.NotFound"},
		{"ami-0123456789abcdef0", "InvalidAMIID.NotFound"},
		{"ami-nonsense", "InvalidAMIID.Malformed"},
		{"01234567-89AB-CDEF", "InvalidID"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			_, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{tc.id}, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
			if code := apiCode(t, err); code != tc.code {
				t.Errorf("CreateTags: %s, want %s", code, tc.code)
			}
			_, err = c.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{tc.id}})
			if code := apiCode(t, err); code != tc.code {
				t.Errorf("DeleteTags: %s, want %s", code, tc.code)
			}
		})
	}
	many := make([]types.Tag, 51)
	for i := range many {
		many[i] = types.Tag{Key: aws.String(fmt.Sprintf("k%02d", i)), Value: aws.String("v")}
	}
	for _, k := range kinds {
		t.Run("limits on "+k.name, func(t *testing.T) {
			for _, tc := range []struct {
				name string
				tags []types.Tag
				code string
			}{
				{"51 tags", many, "TagLimitExceeded"},
				{"an aws: key", []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}, "InvalidParameterValue"},
				{"a 129-character key", []types.Tag{{Key: aws.String(strings.Repeat("k", 129)), Value: aws.String("v")}}, "InvalidParameterValue"},
				{"a 257-character value", []types.Tag{{Key: aws.String("k"), Value: aws.String(strings.Repeat("v", 257))}}, "InvalidParameterValue"},
			} {
				_, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{k.id}, Tags: tc.tags})
				if code := apiCode(t, err); code != tc.code {
					t.Errorf("%s: %s, want %s", tc.name, code, tc.code)
				}
			}
			if got := tagsOf(t, c, filter("resource-id", k.id)); len(got) != 0 {
				t.Errorf("tags after refused calls: %q", got)
			}
		})
	}
}

// Tags given at creation reach what the action makes, each resource type
// its own; a resource type the action does not make is refused; a spot
// request's tags stay its own.
func TestSDKTagSpecificationsByKind(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	spec := func(typ types.ResourceType) types.TagSpecification {
		return types.TagSpecification{ResourceType: typ, Tags: []types.Tag{{Key: aws.String("made-as"), Value: aws.String(string(typ))}}}
	}
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		InstanceMarketOptions: &types.InstanceMarketOptionsRequest{MarketType: types.MarketTypeSpot},
		BlockDeviceMappings:   []types.BlockDeviceMapping{{DeviceName: aws.String("/dev/sdf"), Ebs: &types.EbsBlockDevice{VolumeSize: aws.Int32(8)}}},
		TagSpecifications: []types.TagSpecification{spec(types.ResourceTypeInstance), spec(types.ResourceTypeVolume),
			spec(types.ResourceTypeNetworkInterface), spec(types.ResourceTypeSpotInstancesRequest)}})
	if err != nil {
		t.Fatal(err)
	}
	in := run.Instances[0]
	inst, sir := aws.ToString(in.InstanceId), aws.ToString(in.SpotInstanceRequestId)
	got := tagsOf(t, c, filter("key", "made-as"))
	vols := tagsOf(t, c, filter("resource-type", "volume"))
	if len(vols) != 2 {
		t.Errorf("the launch's volumes' tags: %q, want the root volume's and the other's", vols)
	}
	for _, want := range []string{
		inst + " instance made-as=instance",
		aws.ToString(in.NetworkInterfaces[0].NetworkInterfaceId) + " network-interface made-as=network-interface",
		sir + " spot-instances-request made-as=spot-instances-request",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("no %q in %q", want, got)
		}
	}
	if len(got) != 5 {
		t.Errorf("%d tags made, want 5: %q", len(got), got)
	}

	// A spot request's tags do not reach its instance.
	if _, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{sir}, Tags: []types.Tag{{Key: aws.String("cost"), Value: aws.String("spot")}}}); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(t, c, filter("resource-id", inst), filter("key", "cost")); len(got) != 0 {
		t.Errorf("the request's tag reached the instance: %q", got)
	}
	d := describeOne(t, c, inst)
	if len(d.Tags) != 1 || aws.ToString(d.Tags[0].Key) != "made-as" {
		t.Errorf("the instance's tags: %+v", d.Tags)
	}

	req, err := c.RequestSpotInstances(ctx, &ec2.RequestSpotInstancesInput{LaunchSpecification: &types.RequestSpotLaunchSpecification{InstanceType: "t3.micro"},
		TagSpecifications: []types.TagSpecification{spec(types.ResourceTypeSpotInstancesRequest)}})
	if err != nil {
		t.Fatal(err)
	}
	rid := aws.ToString(req.SpotInstanceRequests[0].SpotInstanceRequestId)
	if got := tagsOf(t, c, filter("resource-id", rid)); !slices.Equal(got, []string{rid + " spot-instances-request made-as=spot-instances-request"}) {
		t.Errorf("RequestSpotInstances' tags: %q", got)
	}

	// Each action refuses a resource type it does not make, and EC2's
	// limits; nothing is made.
	bad := []types.TagSpecification{spec(types.ResourceTypeKeyPair)}
	aws4 := []types.TagSpecification{{ResourceType: types.ResourceTypeSpotInstancesRequest, Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}}}
	for _, tc := range []struct {
		name string
		call func() error
		code string
	}{
		{"RequestSpotInstances with instance", func() error {
			_, err := c.RequestSpotInstances(ctx, &ec2.RequestSpotInstancesInput{LaunchSpecification: &types.RequestSpotLaunchSpecification{InstanceType: "t3.micro"},
				TagSpecifications: []types.TagSpecification{spec(types.ResourceTypeInstance)}})
			return err
		}, "InvalidParameter"},
		{"RequestSpotInstances with an aws: key", func() error {
			_, err := c.RequestSpotInstances(ctx, &ec2.RequestSpotInstancesInput{LaunchSpecification: &types.RequestSpotLaunchSpecification{InstanceType: "t3.micro"},
				TagSpecifications: aws4})
			return err
		}, "InvalidParameterValue"},
		{"RunInstances with key-pair", func() error {
			_, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), TagSpecifications: bad})
			return err
		}, "InvalidParameter"},
		{"RunInstances with an aws: key on its spot request", func() error {
			_, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), TagSpecifications: aws4,
				InstanceMarketOptions: &types.InstanceMarketOptionsRequest{MarketType: types.MarketTypeSpot}})
			return err
		}, "InvalidParameterValue"},
		{"CreateSecurityGroup with key-pair", func() error {
			_, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("g"), Description: aws.String("g"), TagSpecifications: bad})
			return err
		}, "InvalidParameter"},
		{"AllocateAddress with key-pair", func() error {
			_, err := c.AllocateAddress(ctx, &ec2.AllocateAddressInput{TagSpecifications: bad})
			return err
		}, "InvalidParameter"},
		{"CreateNetworkInterface with key-pair", func() error {
			_, err := c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: d.SubnetId, TagSpecifications: bad})
			return err
		}, "InvalidParameter"},
		{"CreateKeyPair with instance", func() error {
			_, err := c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("k"), TagSpecifications: []types.TagSpecification{spec(types.ResourceTypeInstance)}})
			return err
		}, "InvalidParameter"},
		{"CreateLaunchTemplate with key-pair", func() error {
			_, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("web"), TagSpecifications: bad,
				LaunchTemplateData: &types.RequestLaunchTemplateData{InstanceType: "t3.micro"}})
			return err
		}, "InvalidParameter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code := apiCode(t, tc.call()); code != tc.code {
				t.Errorf("%s, want %s", code, tc.code)
			}
		})
	}
	reqs, err := c.DescribeSpotInstanceRequests(ctx, &ec2.DescribeSpotInstanceRequestsInput{})
	if err != nil || len(reqs.SpotInstanceRequests) != 2 {
		t.Errorf("refused calls made spot requests: %v, %d", err, len(reqs.SpotInstanceRequests))
	}
}
