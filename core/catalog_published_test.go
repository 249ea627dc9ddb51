package core

import (
	"slices"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

// TestTypesMatchPublishedFigures compares types of every kind with the
// figures AWS publishes for them (the EC2 instance type specifications:
// vCPUs, memory, network interfaces, IPv4 addresses per interface, network
// performance), written out here by hand, not read from the catalogue.
func TestTypesMatchPublishedFigures(t *testing.T) {
	e := newEnv(t, "")
	published := []struct {
		typ       string
		vcpus     int
		memoryMiB int
		enis      int
		ipv4      int
		network   string
	}{
		{"t2.micro", 1, 1024, 2, 2, "Low to Moderate"},
		{"t3.micro", 2, 1024, 2, 2, "Up to 5 Gigabit"},
		{"t3.xlarge", 4, 16384, 4, 15, "Up to 5 Gigabit"},
		{"t4g.medium", 2, 4096, 3, 6, "Up to 5 Gigabit"},
		{"m4.large", 2, 8192, 2, 10, "Moderate"},
		{"m5.large", 2, 8192, 3, 10, "Up to 10 Gigabit"},
		{"m5.24xlarge", 96, 393216, 15, 50, "25 Gigabit"},
		{"m7i.large", 2, 8192, 3, 10, "Up to 12.5 Gigabit"},
		{"m7i.48xlarge", 192, 786432, 15, 50, "50 Gigabit"},
		{"c5.large", 2, 4096, 3, 10, "Up to 10 Gigabit"},
		{"c5n.18xlarge", 72, 196608, 15, 50, "100 Gigabit"},
		{"c6g.xlarge", 4, 8192, 4, 15, "Up to 10 Gigabit"},
		{"c6g.16xlarge", 64, 131072, 15, 50, "25 Gigabit"},
		{"r5.large", 2, 16384, 3, 10, "Up to 10 Gigabit"},
		{"r6i.large", 2, 16384, 3, 10, "Up to 12.5 Gigabit"},
		{"r6i.32xlarge", 128, 1048576, 15, 50, "50 Gigabit"},
		{"i3.large", 2, 15616, 3, 10, "Up to 10 Gigabit"},
		{"g5.xlarge", 4, 16384, 4, 15, "Up to 10 Gigabit"},
		{"p4d.24xlarge", 96, 1179648, 60, 50, "4x 100 Gigabit"},
		{"x2iedn.32xlarge", 128, 4194304, 15, 50, "100 Gigabit"},
	}
	names := make([]string, len(published))
	for i, p := range published {
		names[i] = p.typ
	}
	out, err := e.c.DescribeInstanceTypes(e.ctx, use1, &ec2.DescribeInstanceTypesInput{InstanceTypes: names})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]ec2.InstanceTypeInfo{}
	for _, ti := range out.InstanceTypes {
		got[ti.InstanceType] = ti
	}
	for _, p := range published {
		t.Run(p.typ, func(t *testing.T) {
			ti, ok := got[p.typ]
			if !ok {
				t.Fatalf("%s is not described in %s", p.typ, use1)
			}
			n := ti.NetworkInfo
			if ti.VCpuInfo.DefaultVCpus != p.vcpus || ti.MemoryInfo.SizeInMiB != p.memoryMiB || n.MaximumNetworkInterfaces != p.enis ||
				n.Ipv4AddressesPerInterface != p.ipv4 || n.NetworkPerformance != p.network {
				t.Errorf("%s: %d vCPUs, %d MiB, %d ENIs, %d IPv4/ENI, %q; AWS publishes %d, %d, %d, %d, %q", p.typ,
					ti.VCpuInfo.DefaultVCpus, ti.MemoryInfo.SizeInMiB, n.MaximumNetworkInterfaces, n.Ipv4AddressesPerInterface, n.NetworkPerformance,
					p.vcpus, p.memoryMiB, p.enis, p.ipv4, p.network)
			}
		})
	}
}

// TestDescribeInstanceTypesPages: MaxResults and NextToken walk every
// type once, in catalogue order.
func TestDescribeInstanceTypesPages(t *testing.T) {
	e := newEnv(t, "")
	whole, err := e.c.DescribeInstanceTypes(e.ctx, use1, &ec2.DescribeInstanceTypesInput{})
	if err != nil {
		t.Fatal(err)
	}
	var paged []string
	in := &ec2.DescribeInstanceTypesInput{MaxResults: 100}
	for pages := 0; ; pages++ {
		out, err := e.c.DescribeInstanceTypes(e.ctx, use1, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.InstanceTypes) > 100 || pages > 100 {
			t.Fatalf("page %d has %d types", pages, len(out.InstanceTypes))
		}
		for _, ti := range out.InstanceTypes {
			paged = append(paged, ti.InstanceType)
		}
		if out.NextToken == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	var want []string
	for _, ti := range whole.InstanceTypes {
		want = append(want, ti.InstanceType)
	}
	if !slices.Equal(paged, want) || len(want) < 1000 {
		t.Errorf("paged %d types, the whole listing has %d", len(paged), len(want))
	}
	_, err = e.c.DescribeInstanceTypes(e.ctx, "us-west-2", &ec2.DescribeInstanceTypesInput{MaxResults: 100, NextToken: in.NextToken})
	wantCode(t, err, ec2.CodeInvalidPaginationToken, "another query")
}

func TestDescribeInstanceTypeOfferings(t *testing.T) {
	e := newEnv(t, "")
	offers := func(in *ec2.DescribeInstanceTypeOfferingsInput) map[string][]string {
		t.Helper()
		out, err := e.c.DescribeInstanceTypeOfferings(e.ctx, use1, in)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string][]string{}
		for _, o := range out.InstanceTypeOfferings {
			want := in.LocationType
			if want == "" {
				want = "region"
			}
			if o.LocationType != want {
				t.Errorf("offering %+v, want location type %s", o, want)
			}
			m[o.InstanceType] = append(m[o.InstanceType], o.Location)
		}
		return m
	}
	types := []ec2.Filter{newFilter("instance-type", "t2.micro", "p4d.24xlarge", "m7i.large")}
	cases := []struct {
		name string
		in   *ec2.DescribeInstanceTypeOfferingsInput
		want map[string][]string
	}{
		{"region", &ec2.DescribeInstanceTypeOfferingsInput{Filters: types},
			map[string][]string{"t2.micro": {use1}, "p4d.24xlarge": {use1}, "m7i.large": {use1}}},
		{"zones", &ec2.DescribeInstanceTypeOfferingsInput{LocationType: "availability-zone", Filters: append(types, newFilter("location", "us-east-1a", "us-east-1c"))},
			map[string][]string{"t2.micro": {"us-east-1a", "us-east-1c"}, "p4d.24xlarge": {"us-east-1a", "us-east-1c"}, "m7i.large": {"us-east-1a", "us-east-1c"}}},
		{"zone IDs", &ec2.DescribeInstanceTypeOfferingsInput{LocationType: "availability-zone-id", Filters: append(types, newFilter("location", "use1-az6"))},
			map[string][]string{"t2.micro": {"use1-az6"}, "p4d.24xlarge": {"use1-az6"}, "m7i.large": {"use1-az6"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := offers(tc.in)
			if len(got) != len(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			for typ, locs := range tc.want {
				if !slices.Equal(got[typ], locs) {
					t.Errorf("%s offered in %v, want %v", typ, got[typ], locs)
				}
			}
		})
	}
	t.Run("a zone offers what EC2 says it does", func(t *testing.T) {
		region := offers(&ec2.DescribeInstanceTypeOfferingsInput{})
		zones := offers(&ec2.DescribeInstanceTypeOfferingsInput{LocationType: "availability-zone"})
		if len(region) < 1000 || len(zones) != len(region) {
			t.Errorf("%d types offered in the region, %d in its zones", len(region), len(zones))
		}
	})
	t.Run("pages", func(t *testing.T) {
		in := &ec2.DescribeInstanceTypeOfferingsInput{LocationType: "availability-zone", MaxResults: 1000}
		n := 0
		for {
			out, err := e.c.DescribeInstanceTypeOfferings(e.ctx, use1, in)
			if err != nil {
				t.Fatal(err)
			}
			n += len(out.InstanceTypeOfferings)
			if out.NextToken == "" {
				break
			}
			in.NextToken = out.NextToken
		}
		all := 0
		for _, locs := range offers(&ec2.DescribeInstanceTypeOfferingsInput{LocationType: "availability-zone"}) {
			all += len(locs)
		}
		if n != all {
			t.Errorf("pages held %d offerings, the whole answer %d", n, all)
		}
	})
	_, err := e.c.DescribeInstanceTypeOfferings(e.ctx, use1, &ec2.DescribeInstanceTypeOfferingsInput{LocationType: "planet"})
	wantCode(t, err, ec2.CodeInvalidParameterValue, "planet")
	_, err = e.c.DescribeInstanceTypeOfferings(e.ctx, use1, &ec2.DescribeInstanceTypeOfferingsInput{Filters: []ec2.Filter{newFilter("vcpus", "2")}})
	wantCode(t, err, ec2.CodeInvalidParameterValue, "vcpus")
}
