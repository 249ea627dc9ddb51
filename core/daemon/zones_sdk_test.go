package daemon

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// zonesByName describes zones and keys them by name.
func zonesByName(t *testing.T, c *ec2.Client, in *ec2.DescribeAvailabilityZonesInput) map[string]types.AvailabilityZone {
	t.Helper()
	out, err := c.DescribeAvailabilityZones(context.Background(), in)
	if err != nil {
		t.Fatalf("DescribeAvailabilityZones: %v", err)
	}
	m := map[string]types.AvailabilityZone{}
	for _, z := range out.AvailabilityZones {
		m[aws.ToString(z.ZoneName)] = z
	}
	return m
}

// TestSDKLocalZones: Local Zones and Wavelength Zones are listed with
// AllAvailabilityZones as EC2 lists them, the filters select them,
// ModifyAvailabilityZoneGroup opts a group in (and refuses what EC2
// refuses), after which the group's zones are listed without
// AllAvailabilityZones.
func TestSDKLocalZones(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()

	all := zonesByName(t, c, &ec2.DescribeAvailabilityZonesInput{AllAvailabilityZones: aws.Bool(true)})
	azs := 0
	for _, z := range all {
		if aws.ToString(z.ZoneType) == "availability-zone" {
			azs++
		}
	}
	mine := zonesByName(t, c, &ec2.DescribeAvailabilityZonesInput{})
	if len(mine) != azs || len(all) < azs+20 {
		t.Errorf("us-east-1 lists %d zones before any opt-in, want its %d AZs (of %d zones)", len(mine), azs, len(all))
	}
	bos, wl := all["us-east-1-bos-1a"], all["us-east-1-wl1-bos-wlz-1"]
	for _, tc := range []struct {
		name string
		z    types.AvailabilityZone
		want types.AvailabilityZone
	}{
		{"local zone", bos, types.AvailabilityZone{ZoneId: aws.String("use1-bos1-az1"), ZoneType: aws.String("local-zone"),
			GroupName: aws.String("us-east-1-bos-1"), NetworkBorderGroup: aws.String("us-east-1-bos-1"), OptInStatus: types.AvailabilityZoneOptInStatusNotOptedIn}},
		{"wavelength zone", wl, types.AvailabilityZone{ZoneId: aws.String("use1-wl1-bos-wlz1"), ZoneType: aws.String("wavelength-zone"),
			GroupName: aws.String("us-east-1-wl1"), NetworkBorderGroup: aws.String("us-east-1-wl1-bos-wlz-1"), OptInStatus: types.AvailabilityZoneOptInStatusNotOptedIn}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z, w := tc.z, tc.want
			if aws.ToString(z.ZoneId) != aws.ToString(w.ZoneId) || aws.ToString(z.ZoneType) != aws.ToString(w.ZoneType) ||
				aws.ToString(z.GroupName) != aws.ToString(w.GroupName) || aws.ToString(z.NetworkBorderGroup) != aws.ToString(w.NetworkBorderGroup) ||
				z.OptInStatus != w.OptInStatus || aws.ToString(z.RegionName) != "us-east-1" || z.State != types.AvailabilityZoneStateAvailable {
				t.Errorf("got %+v", z)
			}
			parent, ok := all[aws.ToString(z.ParentZoneName)]
			if !ok || aws.ToString(parent.ZoneId) != aws.ToString(z.ParentZoneId) || aws.ToString(parent.ZoneType) != "availability-zone" {
				t.Errorf("parent %s (%s) is not a zone of the region", aws.ToString(z.ParentZoneName), aws.ToString(z.ParentZoneId))
			}
		})
	}

	for _, tc := range []struct {
		name   string
		filter types.Filter
		field  func(types.AvailabilityZone) string
		want   string
	}{
		{"zone-type", filter("zone-type", "wavelength-zone"), func(z types.AvailabilityZone) string { return aws.ToString(z.ZoneType) }, "wavelength-zone"},
		{"group-name", filter("group-name", "us-east-1-wl1"), func(z types.AvailabilityZone) string { return aws.ToString(z.GroupName) }, "us-east-1-wl1"},
		{"opt-in-status", filter("opt-in-status", "not-opted-in"), func(z types.AvailabilityZone) string { return string(z.OptInStatus) }, "not-opted-in"},
		{"parent-zone-name", filter("parent-zone-name", aws.ToString(bos.ParentZoneName)), func(z types.AvailabilityZone) string { return aws.ToString(z.ParentZoneName) }, aws.ToString(bos.ParentZoneName)},
		{"parent-zone-id", filter("parent-zone-id", aws.ToString(bos.ParentZoneId)), func(z types.AvailabilityZone) string { return aws.ToString(z.ParentZoneId) }, aws.ToString(bos.ParentZoneId)},
		{"zone-name", filter("zone-name", "us-east-1-bos-1a"), func(z types.AvailabilityZone) string { return aws.ToString(z.NetworkBorderGroup) }, "us-east-1-bos-1"},
	} {
		t.Run("filter "+tc.name, func(t *testing.T) {
			got := zonesByName(t, c, &ec2.DescribeAvailabilityZonesInput{AllAvailabilityZones: aws.Bool(true), Filters: []types.Filter{tc.filter}})
			if len(got) == 0 {
				t.Fatal("no zone")
			}
			for n, z := range got {
				if tc.field(z) != tc.want {
					t.Errorf("%s: %s, want %s", n, tc.field(z), tc.want)
				}
			}
		})
	}

	for _, tc := range []struct {
		name, group, status string
		dry                 bool
		code                string
	}{
		{"availability zone group", "us-east-1", "opted-in", false, "InvalidParameterValue"},
		{"unknown group", "us-east-1-xyz-1", "opted-in", false, "InvalidParameterValue"},
		{"another region's group", "us-west-2-lax-1", "opted-in", false, "InvalidParameterValue"},
		{"opting out", "us-east-1-bos-1", "not-opted-in", false, "InvalidOptInStatus"},
		{"unknown status", "us-east-1-bos-1", "maybe", false, "InvalidParameterValue"},
		{"dry run", "us-east-1-bos-1", "opted-in", true, "DryRunOperation"},
	} {
		t.Run("modify "+tc.name, func(t *testing.T) {
			_, err := c.ModifyAvailabilityZoneGroup(ctx, &ec2.ModifyAvailabilityZoneGroupInput{GroupName: aws.String(tc.group),
				OptInStatus: types.ModifyAvailabilityZoneOptInStatus(tc.status), DryRun: aws.Bool(tc.dry)})
			if code := apiCode(t, err); code != tc.code {
				t.Errorf("got %s, want %s", code, tc.code)
			}
		})
	}
	if got := zonesByName(t, c, &ec2.DescribeAvailabilityZonesInput{}); len(got) != azs {
		t.Fatalf("refused calls opted in: %d zones", len(got))
	}

	out, err := c.ModifyAvailabilityZoneGroup(ctx, &ec2.ModifyAvailabilityZoneGroupInput{GroupName: aws.String("us-east-1-bos-1"),
		OptInStatus: types.ModifyAvailabilityZoneOptInStatusOptedIn})
	if err != nil || !aws.ToBool(out.Return) {
		t.Fatalf("opt in: %v %+v", err, out)
	}
	mine = zonesByName(t, c, &ec2.DescribeAvailabilityZonesInput{})
	if z, ok := mine["us-east-1-bos-1a"]; len(mine) != azs+1 || !ok || z.OptInStatus != types.AvailabilityZoneOptInStatusOptedIn {
		t.Errorf("after opting in: %d zones, us-east-1-bos-1a %+v", len(mine), z)
	}
	opted := zonesByName(t, c, &ec2.DescribeAvailabilityZonesInput{AllAvailabilityZones: aws.Bool(true), Filters: []types.Filter{filter("opt-in-status", "opted-in")}})
	if len(opted) != 1 {
		t.Errorf("opted-in zones: %v", opted)
	}
	west := zonesByName(t, newSDKRegion(c, "us-west-2"), &ec2.DescribeAvailabilityZonesInput{AllAvailabilityZones: aws.Bool(true), Filters: []types.Filter{filter("opt-in-status", "opted-in")}})
	if len(west) != 0 {
		t.Errorf("us-east-1's opt-in reached us-west-2: %v", west)
	}
}

// TestSDKOptInRegion: every call made in a region the account has not
// opted into is refused as EC2 refuses it, AuthFailure; a region that
// needs no opting into answers (testdata/zones.txtar enables one).
func TestSDKOptInRegion(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	for _, tc := range []struct {
		region, code string
	}{{"af-south-1", "AuthFailure"}, {"ap-east-1", "AuthFailure"}, {"me-south-1", "AuthFailure"}, {"eu-west-1", ""}} {
		t.Run(tc.region, func(t *testing.T) {
			rc := newSDKRegion(c, tc.region)
			_, err := rc.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})
			_, err2 := rc.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
			if tc.code == "" {
				if err != nil || err2 != nil {
					t.Fatalf("%v; %v", err, err2)
				}
				return
			}
			if code := apiCode(t, err); code != tc.code {
				t.Errorf("DescribeAvailabilityZones: %s, want %s", code, tc.code)
			}
			if code := apiCode(t, err2); code != tc.code {
				t.Errorf("DescribeInstances: %s, want %s", code, tc.code)
			}
		})
	}
}
