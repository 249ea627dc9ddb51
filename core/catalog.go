package core

import (
	"context"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
)

// DescribeRegions lists the configured regions.
func (c *Cloud) DescribeRegions(ctx context.Context, _ string, _ *ec2.Empty) (*ec2.DescribeRegionsOutput, error) {
	out := &ec2.DescribeRegionsOutput{}
	for _, n := range c.cfg.RegionNames() {
		out.Regions = append(out.Regions, ec2.Region{RegionName: n, Endpoint: "ec2." + n + ".amazonaws.com",
			OptInStatus: "opt-in-not-required", Description: c.cfg.Regions[n].Description})
	}
	return out, nil
}

// regionAbbrev is the zone-ID prefix AWS uses (use1 for us-east-1).
func regionAbbrev(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) != 3 {
		return region
	}
	dir := parts[1]
	short := map[string]string{"east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
		"northeast": "ne", "southeast": "se", "northwest": "nw", "southwest": "sw"}
	if s, ok := short[dir]; ok {
		dir = s
	}
	return parts[0] + dir + parts[2]
}

// DescribeAvailabilityZones lists the zones of a region.
func (c *Cloud) DescribeAvailabilityZones(ctx context.Context, region string, _ *ec2.Empty) (*ec2.DescribeAvailabilityZonesOutput, error) {
	r, ok := c.cfg.Regions[region]
	if !ok {
		return nil, ec2.Errorf(ec2.CodeInvalidRegion, "the region '%s' does not exist", region)
	}
	out := &ec2.DescribeAvailabilityZonesOutput{}
	for i, z := range r.Zones {
		out.AvailabilityZones = append(out.AvailabilityZones, ec2.AvailabilityZone{
			ZoneName: z, ZoneId: regionAbbrev(region) + "-az" + string(rune('1'+i)), RegionName: region,
			State: "available", ZoneType: "availability-zone"})
	}
	return out, nil
}

// DescribeInstanceTypes lists the catalogue with the region's prices.
// Filters: instance-type, family (ec2x), vcpu-info.default-vcpus,
// memory-info.size-in-mib, burstable-performance-supported; the last three
// also take ">=N" (ec2x).
func (c *Cloud) DescribeInstanceTypes(ctx context.Context, region string, in *ec2.DescribeInstanceTypesInput) (*ec2.DescribeInstanceTypesOutput, error) {
	if _, ok := c.cfg.Regions[region]; !ok {
		return nil, ec2.Errorf(ec2.CodeInvalidRegion, "the region '%s' does not exist", region)
	}
	want := map[string]bool{}
	for _, n := range in.InstanceTypes {
		if c.cfg.Types[n] == nil {
			return nil, ec2.Errorf(ec2.CodeInvalidInstanceType, "The following supplied instance types do not exist: [%s]", n)
		}
		want[n] = true
	}
	for _, f := range in.Filters {
		switch f.Name {
		case "instance-type", "family", "vcpu-info.default-vcpus", "memory-info.size-in-mib", "burstable-performance-supported":
		default:
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The filter '%s' is invalid", f.Name)
		}
	}
	out := &ec2.DescribeInstanceTypesOutput{InstanceTypes: []ec2.InstanceTypeInfo{}}
	for _, n := range c.cfg.TypeNames() {
		t := c.cfg.Types[n]
		if len(want) > 0 && !want[n] {
			continue
		}
		info := typeInfo(n, t, region)
		if !typeMatches(in.Filters, n, info) {
			continue
		}
		out.InstanceTypes = append(out.InstanceTypes, info)
	}
	return out, nil
}

func typeInfo(n string, t *configs.InstType, region string) ec2.InstanceTypeInfo {
	threads := t.ThreadsPerCore
	if threads < 1 {
		threads = 1
	}
	info := ec2.InstanceTypeInfo{
		InstanceType: n, CurrentGeneration: true, BurstablePerformance: t.Burstable, Hypervisor: "nitro",
		ProcessorInfo:         ec2.ProcessorInfo{SupportedArchitectures: t.Arch},
		VCpuInfo:              ec2.VCpuInfo{DefaultVCpus: t.VCPUs, DefaultCores: t.VCPUs / threads, DefaultThreadsPerCore: threads},
		MemoryInfo:            ec2.MemoryInfo{SizeInMiB: t.MemoryMiB},
		NetworkInfo:           ec2.NetworkInfo{NetworkPerformance: t.Network, MaximumNetworkInterfaces: t.MaxENIs, Ipv4AddressesPerInterface: t.IPv4PerENI},
		SupportedUsageClasses: []string{"on-demand", "spot"},
		OnDemandPricePerHour:  t.Price[region],
	}
	if strings.HasPrefix(n, "t2.") {
		info.Hypervisor = "xen"
	}
	if t.Burstable {
		info.BaselineCPUPercent = t.BaselinePercent
		info.CPUCreditsPerHour = t.CreditsPerHour
		info.DefaultCreditSpecification = t.CreditMode
	}
	return info
}

func typeMatches(fs []ec2.Filter, n string, info ec2.InstanceTypeInfo) bool {
	for _, f := range fs {
		ok := false
		for _, v := range f.Values {
			switch f.Name {
			case "instance-type":
				ok, _ = path.Match(v, n)
			case "family":
				ok = configs.Family(n) == v
			case "vcpu-info.default-vcpus":
				ok = numMatch(v, float64(info.VCpuInfo.DefaultVCpus))
			case "memory-info.size-in-mib":
				ok = numMatch(v, float64(info.MemoryInfo.SizeInMiB))
			case "burstable-performance-supported":
				ok = (v == "true") == info.BurstablePerformance
			}
			if ok {
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// numMatch matches "N" exactly or ">=N".
func numMatch(v string, have float64) bool {
	rest, atLeast := strings.CutPrefix(v, ">=")
	n, err := strconv.ParseFloat(rest, 64)
	if err != nil {
		return false
	}
	if atLeast {
		return have >= n
	}
	return have == n
}

// DescribeImages lists the images of a region.
func (c *Cloud) DescribeImages(ctx context.Context, region string, in *ec2.DescribeImagesInput) (*ec2.DescribeImagesOutput, error) {
	c.mu.RLock()
	rs, err := c.region(region)
	c.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	for _, f := range in.Filters {
		if f.Name != "name" && f.Name != "architecture" && f.Name != "image-id" {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The filter '%s' is invalid", f.Name)
		}
	}
	out := &ec2.DescribeImagesOutput{Images: []ec2.Image{}}
	for _, id := range in.ImageIds {
		if _, _, _, err := c.resolveImage(rs, id); err != nil {
			return nil, err
		}
	}
	for name, img := range c.cfg.Images {
		id := img.IDs[region]
		if id == "" {
			continue
		}
		if len(in.ImageIds) > 0 && !contains(in.ImageIds, id) && !contains(in.ImageIds, name) {
			continue
		}
		im := ec2.Image{ImageId: id, Name: img.AmiName, Description: img.Description, Architecture: img.Arch,
			PlatformDetails: img.Platform, VirtualizationType: "hvm", RootDeviceType: "ebs", RootDeviceName: "/dev/xvda",
			State: "available", Public: true, OwnerId: "amazon", DefaultUser: img.User, Alias: name, VolumeSizeGiB: img.RootDeviceGiB}
		if imageMatches(in.Filters, im) {
			out.Images = append(out.Images, im)
		}
	}
	sort.Slice(out.Images, func(i, j int) bool { return out.Images[i].Alias < out.Images[j].Alias })
	return out, nil
}

func imageMatches(fs []ec2.Filter, im ec2.Image) bool {
	for _, f := range fs {
		ok := false
		for _, v := range f.Values {
			switch f.Name {
			case "name":
				// AMI names are paths: * must span '/' (path.Match's does not).
				ok = wildMatch(v, im.Name) || wildMatch(v, im.Alias)
			case "architecture":
				ok = v == im.Architecture
			case "image-id":
				ok = v == im.ImageId
			}
			if ok {
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
