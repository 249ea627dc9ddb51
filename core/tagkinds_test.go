package core

import (
	"slices"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

// The kinds whose tags live outside their own record, or in records
// loaded apart (a root volume's on its instance, the VPC's and subnets'
// beside the network, images', reservations, spot requests), keep them across a
// restart, and DescribeTags lists them with their types.
func TestTagKindsSurviveRestart(t *testing.T) {
	e := newMarketEnv(t, "")
	inst := e.run(use1, &ec2.RunInstancesInput{}).Instances[0].InstanceId
	sir, err := e.c.RequestSpotInstances(e.ctx, use1, &ec2.RequestSpotInstancesInput{LaunchSpecification: ec2.SpotLaunchSpecification{InstanceType: "t3.micro"}})
	if err != nil {
		t.Fatal(err)
	}
	offs, err := e.c.DescribeReservedInstancesOfferings(e.ctx, use1, &ec2.DescribeReservedInstancesOfferingsInput{InstanceType: "t3.micro"})
	if err != nil || len(offs.ReservedInstancesOfferings) == 0 {
		t.Fatalf("offerings: %v", err)
	}
	ri := e.buy(offs.ReservedInstancesOfferings[0], 1)
	n := e.net(use1)
	img, err := e.c.DescribeImages(e.ctx, use1, &ec2.DescribeImagesInput{})
	if err != nil || len(img.Images) == 0 {
		t.Fatalf("images: %v", err)
	}
	want := map[string]string{
		img.Images[0].ImageId: "image",
		"vol-" + inst[2:]:     "volume",
		sir.SpotInstanceRequests[0].SpotInstanceRequestId: "spot-instances-request",
		ri:                                    "reserved-instances",
		n.VpcId:                               "vpc",
		n.SubnetByZone("us-east-1a").SubnetId: "subnet",
	}
	var ids []string
	for id := range want {
		ids = append(ids, id)
	}
	if err := e.createTags(ids, "team", "blue"); err != nil {
		t.Fatal(err)
	}
	e.reopen()
	out, err := e.c.DescribeTags(e.ctx, use1, &ec2.DescribeTagsInput{Filters: []ec2.Filter{{Name: "key", Values: []string{"team"}}}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, d := range out.Tags {
		got[d.ResourceId] = d.ResourceType
	}
	for id, typ := range want {
		if got[id] != typ {
			t.Errorf("%s after a restart: %q, want a %s tagged", id, got[id], typ)
		}
	}
	if len(got) != len(want) {
		t.Errorf("tagged after a restart: %v, want %v", got, want)
	}
	// Untagging the VPC drops its record: nothing is left to list.
	if _, err := e.c.DeleteTags(e.ctx, use1, &ec2.DeleteTagsInput{Resources: []string{n.VpcId}}); err != nil {
		t.Fatal(err)
	}
	e.reopen()
	v, err := e.c.DescribeVpcs(e.ctx, use1, &ec2.DescribeVpcsInput{})
	if err != nil || len(v.Vpcs) != 1 || len(v.Vpcs[0].Tags) != 0 {
		t.Errorf("the VPC after DeleteTags and a restart: %v %+v", err, v)
	}
	if s, err := e.c.DescribeSubnets(e.ctx, use1, &ec2.DescribeSubnetsInput{Filters: []ec2.Filter{{Name: "tag:team", Values: []string{"blue"}}}}); err != nil ||
		!slices.EqualFunc(s.Subnets, []string{n.SubnetByZone("us-east-1a").SubnetId}, func(s ec2.Subnet, id string) bool { return s.SubnetId == id }) {
		t.Errorf("subnets tagged team=blue: %v %+v", err, s)
	}
}
