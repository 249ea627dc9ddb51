package daemon

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestSDKCatalog: the SDK's paginator walks every instance type through
// the endpoint and decodes EC2's shape; offerings by region, zone and zone
// ID; all regions with their opt-in status; a zone by its ID.
func TestSDKCatalog(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	seen := map[string]types.InstanceTypeInfo{}
	p := ec2.NewDescribeInstanceTypesPaginator(c, &ec2.DescribeInstanceTypesInput{MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, ti := range page.InstanceTypes {
			if _, dup := seen[string(ti.InstanceType)]; dup {
				t.Fatalf("%s on two pages", ti.InstanceType)
			}
			seen[string(ti.InstanceType)] = ti
		}
	}
	if len(seen) < 1000 {
		t.Errorf("%d types paged, want every type us-east-1 offers", len(seen))
	}
	m := seen["m7i.large"]
	if aws.ToInt32(m.VCpuInfo.DefaultVCpus) != 2 || aws.ToInt64(m.MemoryInfo.SizeInMiB) != 8192 ||
		aws.ToString(m.NetworkInfo.NetworkPerformance) != "Up to 12.5 Gigabit" || len(m.VCpuInfo.ValidThreadsPerCore) != 2 ||
		m.EbsInfo == nil || m.EbsInfo.EbsOptimizedSupport != types.EbsOptimizedSupportDefault {
		t.Errorf("m7i.large as the SDK reads it: %+v", m)
	}

	for _, tc := range []struct {
		kind types.LocationType
		loc  string
	}{{types.LocationTypeRegion, "us-east-1"}, {types.LocationTypeAvailabilityZone, "us-east-1b"}, {types.LocationTypeAvailabilityZoneId, "use1-az1"}} {
		out, err := c.DescribeInstanceTypeOfferings(ctx, &ec2.DescribeInstanceTypeOfferingsInput{LocationType: tc.kind,
			Filters: []types.Filter{{Name: aws.String("location"), Values: []string{tc.loc}}, {Name: aws.String("instance-type"), Values: []string{"t3.micro"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.InstanceTypeOfferings) != 1 || aws.ToString(out.InstanceTypeOfferings[0].Location) != tc.loc ||
			out.InstanceTypeOfferings[0].LocationType != tc.kind {
			t.Errorf("t3.micro in %s %s: %+v", tc.kind, tc.loc, out.InstanceTypeOfferings)
		}
	}

	regions, err := c.DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, r := range regions.Regions {
		status[aws.ToString(r.RegionName)] = aws.ToString(r.OptInStatus)
	}
	if len(status) < 29 || status["me-south-1"] != "not-opted-in" || status["eu-north-1"] != "opt-in-not-required" {
		t.Errorf("regions %v", status)
	}

	zones, err := c.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{ZoneIds: []string{"use1-az6"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(zones.AvailabilityZones) != 1 || aws.ToString(zones.AvailabilityZones[0].ZoneName) != "us-east-1a" {
		t.Errorf("use1-az6: %+v", zones.AvailabilityZones)
	}
}
