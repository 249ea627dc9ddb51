package core

import (
	"slices"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/sched"
)

func TestDescribeRegionsAndZones(t *testing.T) {
	e := newEnv(t, "")
	regions := func(in *ec2.DescribeRegionsInput) map[string]ec2.Region {
		t.Helper()
		out, err := e.c.DescribeRegions(e.ctx, use1, in)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]ec2.Region{}
		for _, r := range out.Regions {
			m[r.RegionName] = r
			if r.Endpoint != "ec2."+r.RegionName+".amazonaws.com" || r.Description == "" {
				t.Errorf("region %+v", r)
			}
		}
		return m
	}
	t.Run("the account's regions, then all with AllRegions", func(t *testing.T) {
		mine, all := regions(&ec2.DescribeRegionsInput{}), regions(&ec2.DescribeRegionsInput{AllRegions: true})
		if len(mine) != 17 || len(all) < 29 {
			t.Errorf("%d regions without AllRegions (want the 17 that need no opt-in), %d with it", len(mine), len(all))
		}
		if r := all["af-south-1"]; r.OptInStatus != "not-opted-in" || r.Description != "Africa (Cape Town)" {
			t.Errorf("af-south-1 %+v", r)
		}
		if _, ok := mine["af-south-1"]; ok {
			t.Errorf("af-south-1 listed without AllRegions")
		}
		if r := mine["us-east-2"]; r.OptInStatus != "opt-in-not-required" {
			t.Errorf("us-east-2 %+v", r)
		}
	})
	t.Run("filters", func(t *testing.T) {
		got := regions(&ec2.DescribeRegionsInput{AllRegions: true, Filters: []ec2.Filter{newFilter("opt-in-status", "not-opted-in"), newFilter("region-name", "eu-*")}})
		if len(got) != 3 || got["eu-south-1"].RegionName == "" || got["eu-central-2"].RegionName == "" {
			t.Errorf("opted-out European regions: %v", got)
		}
		if got := regions(&ec2.DescribeRegionsInput{Filters: []ec2.Filter{newFilter("endpoint", "ec2.us-west-1.amazonaws.com")}}); len(got) != 1 {
			t.Errorf("by endpoint: %v", got)
		}
	})
	cases := []struct {
		region string
		zones  []string
		ids    []string
	}{
		{"us-east-1", []string{"us-east-1a", "us-east-1b", "us-east-1c"}, []string{"use1-az6", "use1-az1", "use1-az2"}},
		{"ap-northeast-1", []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}, []string{"apne1-az4", "apne1-az1", "apne1-az2"}},
		{"us-east-2", []string{"us-east-2a", "us-east-2b", "us-east-2c"}, []string{"use2-az1", "use2-az2", "use2-az3"}},
	}
	for _, tc := range cases {
		t.Run(tc.region, func(t *testing.T) {
			out, err := e.c.DescribeAvailabilityZones(e.ctx, tc.region, &ec2.DescribeAvailabilityZonesInput{})
			if err != nil {
				t.Fatal(err)
			}
			var zones, ids []string
			for _, z := range out.AvailabilityZones {
				zones, ids = append(zones, z.ZoneName), append(ids, z.ZoneId)
				if z.RegionName != tc.region || z.State != "available" || z.ZoneType != "availability-zone" ||
					z.OptInStatus != "opt-in-not-required" || z.GroupName != tc.region {
					t.Errorf("zone %+v", z)
				}
			}
			if !slices.Equal(zones, tc.zones) || !slices.Equal(ids, tc.ids) {
				t.Errorf("zones %v %v, want %v %v", zones, ids, tc.zones, tc.ids)
			}
		})
	}
	t.Run("by zone ID and filters", func(t *testing.T) {
		out, err := e.c.DescribeAvailabilityZones(e.ctx, use1, &ec2.DescribeAvailabilityZonesInput{ZoneIds: []string{"use1-az1"}})
		if err != nil || len(out.AvailabilityZones) != 1 || out.AvailabilityZones[0].ZoneName != "us-east-1b" {
			t.Errorf("use1-az1: %+v %v", out, err)
		}
		out, err = e.c.DescribeAvailabilityZones(e.ctx, use1, &ec2.DescribeAvailabilityZonesInput{Filters: []ec2.Filter{newFilter("zone-id", "use1-az2", "use1-az6")}})
		if err != nil || len(out.AvailabilityZones) != 2 {
			t.Errorf("zone-id filter: %+v %v", out, err)
		}
		_, err = e.c.DescribeAvailabilityZones(e.ctx, use1, &ec2.DescribeAvailabilityZonesInput{ZoneIds: []string{"use1-az9"}})
		wantCode(t, err, ec2.CodeInvalidParameterValue, "use1-az9")
		_, err = e.c.DescribeAvailabilityZones(e.ctx, use1, &ec2.DescribeAvailabilityZonesInput{Filters: []ec2.Filter{newFilter("zone-colour", "red")}})
		wantCode(t, err, ec2.CodeInvalidParameterValue, "zone-colour")
	})
	_, err := e.c.DescribeAvailabilityZones(e.ctx, "mars-1", &ec2.DescribeAvailabilityZonesInput{})
	wantCode(t, err, ec2.CodeInvalidRegion, "mars-1")
}

func TestDescribeInstanceTypes(t *testing.T) {
	e := newEnv(t, "")
	types := func(region string, in *ec2.DescribeInstanceTypesInput) []ec2.InstanceTypeInfo {
		t.Helper()
		out, err := e.c.DescribeInstanceTypes(e.ctx, region, in)
		if err != nil {
			t.Fatal(err)
		}
		return out.InstanceTypes
	}
	names := func(ts []ec2.InstanceTypeInfo) []string {
		var ns []string
		for _, ti := range ts {
			ns = append(ns, ti.InstanceType)
		}
		return ns
	}
	t.Run("each region describes what it offers", func(t *testing.T) {
		for _, region := range []string{use1, "eu-west-1", "af-south-1"} {
			offered := 0
			for n := range e.cfg.Types {
				if e.cfg.Offered(region, "", n) {
					offered++
				}
			}
			got := types(region, &ec2.DescribeInstanceTypesInput{})
			if len(got) != offered || offered < 200 {
				t.Errorf("%s: %d types, want the %d it offers", region, len(got), offered)
			}
			all := types(region, &ec2.DescribeInstanceTypesInput{IncludeUnsupportedInRegion: true})
			if len(all) != len(e.cfg.Types) {
				t.Errorf("%s with IncludeUnsupportedInRegion: %d types, want all %d", region, len(all), len(e.cfg.Types))
			}
		}
		_, err := e.c.DescribeInstanceTypes(e.ctx, "af-south-1", &ec2.DescribeInstanceTypesInput{InstanceTypes: []string{"p4d.24xlarge"}})
		wantCode(t, err, ec2.CodeInvalidInstanceType, "p4d.24xlarge")
		got := types("af-south-1", &ec2.DescribeInstanceTypesInput{InstanceTypes: []string{"p4d.24xlarge"}, IncludeUnsupportedInRegion: true})
		if len(got) != 1 || got[0].SupportedInRegion {
			t.Errorf("p4d.24xlarge in af-south-1: %+v", got)
		}
	})
	t.Run("prices are per region", func(t *testing.T) {
		for region, want := range map[string]string{use1: "0.0116", "eu-west-1": "0.0126", "ap-northeast-1": "0.0152"} {
			got := types(region, &ec2.DescribeInstanceTypesInput{InstanceTypes: []string{"t2.micro"}})
			if len(got) != 1 || got[0].OnDemandPricePerHour != want {
				t.Errorf("t2.micro in %s: %+v, want %s", region, got, want)
			}
		}
	})
	t.Run("shape", func(t *testing.T) {
		m := types(use1, &ec2.DescribeInstanceTypesInput{InstanceTypes: []string{"m5.large"}})[0]
		v := m.VCpuInfo
		if v.DefaultVCpus != 2 || v.DefaultCores != 1 || v.DefaultThreadsPerCore != 2 || !slices.Equal(v.ValidThreadsPerCore, []int{1, 2}) ||
			m.MemoryInfo.SizeInMiB != 8192 || m.Hypervisor != "nitro" || m.BurstablePerformanceSupported || m.NetworkInfo.MaximumNetworkInterfaces != 3 ||
			m.EbsInfo.EbsOptimizedSupport != "default" || !slices.Equal(m.SupportedBootModes, []string{"legacy-bios", "uefi"}) {
			t.Errorf("m5.large %+v", m)
		}
		tm := types(use1, &ec2.DescribeInstanceTypesInput{InstanceTypes: []string{"t2.micro"}})[0]
		if tm.Hypervisor != "xen" || !tm.BurstablePerformanceSupported || tm.DefaultCreditSpecification != "standard" || tm.CPUCreditsPerHour != 6 {
			t.Errorf("t2.micro %+v", tm)
		}
		t4 := types(use1, &ec2.DescribeInstanceTypesInput{InstanceTypes: []string{"t4g.micro"}})[0]
		if t4.DefaultCreditSpecification != "unlimited" || t4.CPUCreditsPerHour != 12 || t4.BaselineCPUPercent != 10 {
			t.Errorf("t4g.micro credits %+v", t4)
		}
	})
	cases := []struct {
		name    string
		filters []ec2.Filter
		want    []string
	}{
		{"instance-type pattern", []ec2.Filter{newFilter("instance-type", "c5.*large")}, []string{"c5.large", "c5.xlarge", "c5.2xlarge", "c5.4xlarge", "c5.9xlarge", "c5.12xlarge", "c5.18xlarge", "c5.24xlarge"}},
		{"family", []ec2.Filter{newFilter("family", "r5")}, []string{"r5.large", "r5.xlarge", "r5.2xlarge", "r5.4xlarge", "r5.8xlarge", "r5.12xlarge", "r5.16xlarge", "r5.24xlarge", "r5.metal"}},
		{"exact vCPUs", []ec2.Filter{newFilter("family", "t2"), newFilter("vcpu-info.default-vcpus", "2")}, []string{"t2.medium", "t2.large"}},
		{"at least vCPUs and memory", []ec2.Filter{newFilter("family", "r5"), newFilter("vcpu-info.default-vcpus", ">=64"), newFilter("memory-info.size-in-mib", ">=524288")}, []string{"r5.16xlarge", "r5.24xlarge", "r5.metal"}},
		{"burstable", []ec2.Filter{newFilter("burstable-performance-supported", "true"), newFilter("memory-info.size-in-mib", "512")}, []string{"t2.nano", "t3.nano", "t3a.nano", "t4g.nano"}},
		{"graviton bare metal", []ec2.Filter{newFilter("bare-metal", "true"), newFilter("processor-info.supported-architecture", "arm64"), newFilter("instance-type", "c6g*")}, []string{"c6g.metal", "c6gd.metal"}},
		{"instance store and EFA", []ec2.Filter{newFilter("instance-storage-supported", "true"), newFilter("network-info.efa-supported", "true"), newFilter("family", "p4d")}, []string{"p4d.24xlarge"}},
		{"free tier", []ec2.Filter{newFilter("free-tier-eligible", "true"), newFilter("instance-type", "t2.*", "t3.*")}, []string{"t3.micro", "t3.small"}},
		{"network performance", []ec2.Filter{newFilter("network-info.network-performance", "4x 100 Gigabit")}, []string{"p4d.24xlarge", "p4de.24xlarge"}},
		{"valid cores", []ec2.Filter{newFilter("family", "m5"), newFilter("vcpu-info.valid-cores", "24")}, []string{"m5.12xlarge", "m5.16xlarge", "m5.24xlarge"}},
		{"paravirtual", []ec2.Filter{newFilter("supported-virtualization-type", "paravirtual"), newFilter("instance-type", "m1.small")}, []string{"m1.small"}},
		{"nothing", []ec2.Filter{newFilter("family", "p1")}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := names(types(use1, &ec2.DescribeInstanceTypesInput{Filters: tc.filters})); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	_, err := e.c.DescribeInstanceTypes(e.ctx, use1, &ec2.DescribeInstanceTypesInput{InstanceTypes: []string{"t2.micro", "z9.mega"}})
	wantCode(t, err, ec2.CodeInvalidInstanceType, "[z9.mega]")
	_, err = e.c.DescribeInstanceTypes(e.ctx, use1, &ec2.DescribeInstanceTypesInput{Filters: []ec2.Filter{newFilter("gpu", "1")}})
	wantCode(t, err, ec2.CodeInvalidParameterValue, "'gpu'")
	_, err = e.c.DescribeInstanceTypes(e.ctx, use1, &ec2.DescribeInstanceTypesInput{MaxResults: 101})
	wantCode(t, err, ec2.CodeInvalidParameterValue, "maxResults")
	_, err = e.c.DescribeInstanceTypes(e.ctx, "mars-1", &ec2.DescribeInstanceTypesInput{})
	wantCode(t, err, ec2.CodeInvalidRegion)
}

func TestDescribeImages(t *testing.T) {
	// One image of the user's own, as `ec2x images import` writes it.
	e := newEnv(t, "[images.mine]\ndescription = \"mine\"\nami_name = \"my-image\"\narch = \"x86_64\"\nuser = \"me\"\nroot_device_gib = 20\n"+
		"platform = \"Linux/UNIX (custom)\"\nids = { us-east-1 = \"ami-0000000000000000a\" }\n")
	images := func(region string, in *ec2.DescribeImagesInput) []ec2.Image {
		t.Helper()
		out, err := e.c.DescribeImages(e.ctx, region, in)
		if err != nil {
			t.Fatal(err)
		}
		return out.Images
	}
	aliases := func(ims []ec2.Image) []string {
		var out []string
		for _, im := range ims {
			out = append(out, im.Alias)
		}
		return out
	}
	all := images(use1, &ec2.DescribeImagesInput{Owners: []string{"amazon"}})
	if !slices.Equal(aliases(all), []string{"amazon-linux-2023", "debian-12", "ubuntu-24.04"}) {
		t.Fatalf("images %v", aliases(all))
	}
	for _, im := range all {
		if im.ImageId != e.cfg.Images[im.Alias].IDs[use1] || im.State != "available" || im.DefaultUser == "" || im.VolumeSizeGiB != 8 ||
			im.OwnerId != ec2.AmazonOwnerID || im.ImageOwnerAlias != "amazon" || !im.Public || im.CreationDate == "" {
			t.Errorf("image %+v", im)
		}
	}
	if west := images(usw2, &ec2.DescribeImagesInput{})[0]; west.ImageId == all[0].ImageId {
		t.Errorf("us-west-2 shows us-east-1's AMI ID %s", west.ImageId)
	}
	cases := []struct {
		name string
		in   ec2.DescribeImagesInput
		want []string
	}{
		{"by ID", ec2.DescribeImagesInput{ImageIds: []string{e.cfg.Images["debian-12"].IDs[use1]}}, []string{"debian-12"}},
		{"by alias", ec2.DescribeImagesInput{ImageIds: []string{"ubuntu-24.04"}}, []string{"ubuntu-24.04"}},
		{"name pattern", ec2.DescribeImagesInput{Filters: []ec2.Filter{newFilter("name", "ubuntu*", "al2023-*")}}, []string{"amazon-linux-2023", "ubuntu-24.04"}},
		// AMI names are paths; * spans their slashes, as in EC2.
		{"name pattern across slashes", ec2.DescribeImagesInput{Filters: []ec2.Filter{newFilter("name", "ubuntu/images/*")}}, []string{"ubuntu-24.04"}},
		{"architecture", ec2.DescribeImagesInput{Filters: []ec2.Filter{newFilter("architecture", "arm64")}}, nil},
		{"IDs answered in the order asked", ec2.DescribeImagesInput{ImageIds: []string{"ubuntu-24.04", "mine", "debian-12"}}, []string{"ubuntu-24.04", "mine", "debian-12"}},
		{"owned by amazon", ec2.DescribeImagesInput{Owners: []string{"amazon"}}, []string{"amazon-linux-2023", "debian-12", "ubuntu-24.04"}},
		{"owned by Amazon's account", ec2.DescribeImagesInput{Owners: []string{ec2.AmazonOwnerID}}, []string{"amazon-linux-2023", "debian-12", "ubuntu-24.04"}},
		{"owned by self: the imported one", ec2.DescribeImagesInput{Owners: []string{"self"}}, []string{"mine"}},
		{"owned by self or amazon", ec2.DescribeImagesInput{Owners: []string{"self", "amazon"}}, []string{"amazon-linux-2023", "debian-12", "mine", "ubuntu-24.04"}},
		{"owned by the marketplace", ec2.DescribeImagesInput{Owners: []string{"aws-marketplace"}}, nil},
		{"executable by all: the public ones", ec2.DescribeImagesInput{ExecutableUsers: []string{"all"}}, []string{"amazon-linux-2023", "debian-12", "ubuntu-24.04"}},
		{"executable by self: nothing is shared", ec2.DescribeImagesInput{ExecutableUsers: []string{"self"}}, nil},
		{"is-public false", ec2.DescribeImagesInput{Filters: []ec2.Filter{newFilter("is-public", "false")}}, []string{"mine"}},
		{"owner-alias", ec2.DescribeImagesInput{Filters: []ec2.Filter{newFilter("owner-alias", "amazon")}}, []string{"amazon-linux-2023", "debian-12", "ubuntu-24.04"}},
		{"owner-id", ec2.DescribeImagesInput{Filters: []ec2.Filter{newFilter("owner-id", ec2.OwnerID)}}, []string{"mine"}},
		{"creation-date by month", ec2.DescribeImagesInput{Filters: []ec2.Filter{newFilter("creation-date", "2026-11-0*")}}, []string{"debian-12", "ubuntu-24.04"}},
		{"block-device-mapping.volume-size", ec2.DescribeImagesInput{Filters: []ec2.Filter{newFilter("block-device-mapping.volume-size", "20")}}, []string{"mine"}},
		{"block-device-mapping.volume-type", ec2.DescribeImagesInput{Filters: []ec2.Filter{newFilter("block-device-mapping.volume-type", "gp3")}}, []string{"amazon-linux-2023", "debian-12", "mine", "ubuntu-24.04"}},
		{"root-device-name", ec2.DescribeImagesInput{Filters: []ec2.Filter{newFilter("root-device-name", "/dev/xvda")}}, []string{"amazon-linux-2023", "debian-12", "mine", "ubuntu-24.04"}},
		{"manifest-location", ec2.DescribeImagesInput{Filters: []ec2.Filter{newFilter("manifest-location", "amazon/debian-*")}}, []string{"debian-12"}},
		{"kernel-id: none has one", ec2.DescribeImagesInput{Filters: []ec2.Filter{newFilter("kernel-id", "*")}}, nil},
		{"platform: only Windows has one", ec2.DescribeImagesInput{Filters: []ec2.Filter{newFilter("platform", "windows")}}, nil},
		{"platform-details", ec2.DescribeImagesInput{Filters: []ec2.Filter{newFilter("platform-details", "Linux/UNIX")}}, []string{"amazon-linux-2023", "debian-12", "ubuntu-24.04"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if got := aliases(images(use1, &in)); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	_, err := e.c.DescribeImages(e.ctx, use1, &ec2.DescribeImagesInput{ImageIds: []string{"ami-0123456789abcdef0"}})
	wantCode(t, err, ec2.CodeInvalidAMIIDNotFound)
	_, err = e.c.DescribeImages(e.ctx, use1, &ec2.DescribeImagesInput{ImageIds: []string{"ami-x"}})
	wantCode(t, err, ec2.CodeInvalidAMIIDMalformed)
	_, err = e.c.DescribeImages(e.ctx, use1, &ec2.DescribeImagesInput{Filters: []ec2.Filter{newFilter("owner", "me")}})
	wantCode(t, err, ec2.CodeInvalidParameterValue, "'owner'")
	_, err = e.c.DescribeImages(e.ctx, use1, &ec2.DescribeImagesInput{ImageIds: []string{"debian-12"}, MaxResults: 5})
	wantCode(t, err, ec2.CodeInvalidParameterCombination)

	// Pages of one, then two, cover all four images once, in order.
	var paged []string
	token := ""
	for _, max := range []int{1, 2, 2} {
		out, err := e.c.DescribeImages(e.ctx, use1, &ec2.DescribeImagesInput{MaxResults: max, NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, aliases(out.Images)...)
		token = out.NextToken
	}
	if token != "" || !slices.Equal(paged, []string{"amazon-linux-2023", "debian-12", "mine", "ubuntu-24.04"}) {
		t.Errorf("paged %v (token %q), want the four images in order", paged, token)
	}
}

func TestDescribeHosts(t *testing.T) {
	e := newEnv(t, "")
	hosts := e.hosts(use1)
	if len(hosts) != 12 {
		t.Fatalf("%d hosts in us-east-1, want 4 in each of 3 zones", len(hosts))
	}
	for _, h := range hosts {
		if h.Region != use1 || !strings.HasPrefix(h.Zone, use1) || h.CapacityVCpus != 384 || h.CapacityMemoryMiB != 768*1024 || h.Driver != "sim" {
			t.Errorf("host %+v", h)
		}
	}
	for _, h := range e.hosts(usw2) {
		if !strings.HasPrefix(h.Zone, usw2) {
			t.Errorf("us-west-2 lists host %s of %s", h.ID, h.Zone)
		}
	}
	in := e.run(use1, &ec2.RunInstancesInput{InstanceType: "m5.xlarge"}).Instances[0]
	h := e.hosts(use1)[in.Placement.HostId]
	if h.UsedVCPUs != 4 || h.UsedMemoryMiB != 16384 || h.Guests != 1 ||
		len(h.Instances) != 1 || h.Instances[0] != (ec2.HostInstance{InstanceId: in.InstanceId, InstanceType: "m5.xlarge", State: ec2.StatePending}) {
		t.Errorf("host after one launch %+v", h)
	}
	_, err := e.c.DescribeHosts(e.ctx, "mars-1", &ec2.Empty{})
	wantCode(t, err, ec2.CodeInvalidRegion)
}

// explainFleet has one host per reason to refuse a t2.medium (2 vCPUs,
// 4 GiB): "fit" (us-east-1a) fits, "m5-only" (us-east-1a) serves another
// family, "1cpu" (us-east-1b) has too few vCPUs and "2gib" (us-east-1b) too
// little memory; asking for a zone rejects the other zone's hosts.
const explainFleet = `
[fleet]
builtin_hosts = false  # these hosts are the whole fleet

[[hosts]]
zone = "us-east-1a"
count = 1
vcpus = 2
memory_gib = 4
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["t2"]

[[hosts]]
zone = "us-east-1a"
count = 1
vcpus = 64
memory_gib = 256
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["m5"]

[[hosts]]
zone = "us-east-1b"
count = 1
vcpus = 1
memory_gib = 64
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["t2", "m5"]

[[hosts]]
zone = "us-east-1b"
count = 1
vcpus = 16
memory_gib = 2
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["t2", "m5"]
`

func TestExplainPlacement(t *testing.T) {
	e := newEnv(t, explainFleet)
	// Name the hosts by what makes each one different.
	names := map[string]string{}
	for id, h := range e.hosts(use1) {
		switch {
		case h.VCPUs == 2:
			names[id] = "fit"
		case h.VCPUs == 64:
			names[id] = "m5-only"
		case h.VCPUs == 1:
			names[id] = "1cpu"
		default:
			names[id] = "2gib"
		}
	}
	cases := []struct {
		name, zone string
		want       map[string]string // host -> rejection ("" feasible)
		chosen     string
	}{
		{"anywhere", "", map[string]string{"fit": "", "m5-only": sched.RejectFamily, "1cpu": sched.RejectCPU, "2gib": sched.RejectMemory}, "fit"},
		{"in us-east-1b", "us-east-1b", map[string]string{"fit": sched.RejectZone, "m5-only": sched.RejectZone, "1cpu": sched.RejectCPU, "2gib": sched.RejectMemory}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.c.ExplainPlacement(e.ctx, use1, &ec2.ExplainPlacementInput{InstanceType: "t2.medium", AvailabilityZone: tc.zone})
			if err != nil {
				t.Fatal(err)
			}
			got, chosen := map[string]string{}, ""
			for _, r := range out.Hosts {
				got[names[r.HostID]] = r.Rejected
				if r.Chosen {
					chosen = names[r.HostID]
				}
				if r.Rejected != "" && r.Detail == "" {
					t.Errorf("host %s rejected without a detail", names[r.HostID])
				}
			}
			if len(got) != 4 || chosen != tc.chosen {
				t.Errorf("chose %q from %d verdicts, want %q", chosen, len(got), tc.chosen)
			}
			for h, want := range tc.want {
				if got[h] != want {
					t.Errorf("host %s: rejected %q, want %q", h, got[h], want)
				}
			}
			// Feasible hosts come first, the chosen one at the top.
			if tc.chosen != "" && (!out.Hosts[0].Chosen || out.Hosts[0].Score <= 0) {
				t.Errorf("first verdict %+v", out.Hosts[0])
			}
		})
	}
	t.Run("details name the shortfall", func(t *testing.T) {
		out, err := e.c.ExplainPlacement(e.ctx, use1, &ec2.ExplainPlacementInput{InstanceType: "t2.medium"})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			"1cpu":    "1 of 1 vCPUs free, need 2",
			"2gib":    "2048 of 2048 MiB free, need 4096",
			"m5-only": "host serves [m5]",
		}
		for _, r := range out.Hosts {
			if w, ok := want[names[r.HostID]]; ok && r.Detail != w {
				t.Errorf("%s: detail %q, want %q", names[r.HostID], r.Detail, w)
			}
		}
	})
	t.Run("explaining claims nothing", func(t *testing.T) {
		for _, h := range e.hosts(use1) {
			if h.UsedVCPUs != 0 {
				t.Errorf("host %s uses %d vCPUs after explains", h.ID, h.UsedVCPUs)
			}
		}
	})
	t.Run("t2.micro by default", func(t *testing.T) {
		out, err := e.c.ExplainPlacement(e.ctx, use1, &ec2.ExplainPlacementInput{})
		if err != nil {
			t.Fatal(err)
		}
		// t2.micro (1 vCPU, 1 GiB) fits the 1-vCPU host too.
		for _, r := range out.Hosts {
			if names[r.HostID] == "1cpu" && r.Rejected != "" {
				t.Errorf("t2.micro refused by the 1-vCPU host: %s", r.Detail)
			}
		}
	})
	_, err := e.c.ExplainPlacement(e.ctx, use1, &ec2.ExplainPlacementInput{InstanceType: "t9.giant"})
	wantCode(t, err, ec2.CodeInvalidParameterValue, "'t9.giant'")
	_, err = e.c.ExplainPlacement(e.ctx, use1, &ec2.ExplainPlacementInput{AvailabilityZone: "us-east-1q"})
	wantCode(t, err, ec2.CodeInvalidParameterValue, "[us-east-1q]")
}

func TestRegionsAreIndependent(t *testing.T) {
	e := newEnv(t, "[sim]\nboot_seconds = 0\nstop_seconds = 0\n")
	east := e.run(use1, &ec2.RunInstancesInput{MinCount: 3}).Instances
	west := e.run(usw2, &ec2.RunInstancesInput{MinCount: 3}).Instances
	for _, in := range west {
		if !strings.HasPrefix(in.Placement.AvailabilityZone, usw2) || !strings.HasPrefix(in.PublicIpAddress, "198.18.") ||
			in.ImageId != e.cfg.Images["amazon-linux-2023"].IDs[usw2] {
			t.Errorf("us-west-2 instance %s in %s with %s, %s", in.InstanceId, in.Placement.AvailabilityZone, in.PublicIpAddress, in.ImageId)
		}
		if in.VpcId == east[0].VpcId || in.SubnetId == east[0].SubnetId {
			t.Errorf("regions share a VPC or subnet: %s %s", in.VpcId, in.SubnetId)
		}
	}
	if got := e.list(use1); !slices.Equal(got, idsOf(east)) {
		t.Errorf("us-east-1 lists %v", got)
	}
	_, err := e.c.StopInstances(e.ctx, use1, &ec2.StopInstancesInput{InstanceIds: []string{west[0].InstanceId}})
	wantCode(t, err, ec2.CodeInvalidInstanceIDNotFound, west[0].InstanceId)
	// The same key name may exist in both regions, as two key pairs.
	for _, r := range []string{use1, usw2} {
		if _, err := e.c.CreateKeyPair(e.ctx, r, &ec2.CreateKeyPairInput{KeyName: "shared", KeyType: "ed25519"}); err != nil {
			t.Fatalf("%s: %v", r, err)
		}
	}
	if _, err := e.c.DeleteKeyPair(e.ctx, usw2, &ec2.DeleteKeyPairInput{KeyName: "shared"}); err != nil {
		t.Fatal(err)
	}
	if out, err := e.c.DescribeKeyPairs(e.ctx, use1, &ec2.DescribeKeyPairsInput{KeyNames: []string{"shared"}}); err != nil || len(out.KeyPairs) != 1 {
		t.Errorf("deleting in us-west-2 touched us-east-1: %+v %v", out, err)
	}
	// Pools of the two regions are disjoint by configuration.
	for _, in := range east {
		for _, w := range west {
			if in.PublicIpAddress == w.PublicIpAddress {
				t.Errorf("both regions hold %s", in.PublicIpAddress)
			}
		}
	}
	checkInvariants(t, e, use1)
	checkInvariants(t, e, usw2)
}
