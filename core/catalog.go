package core

import (
	"context"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/configs"
)

// DescribeRegionsOutput lists regions.
type DescribeRegionsOutput struct {
	Regions []Region `json:"Regions"`
}

// DescribeRegions lists the configured regions.
func (c *Cloud) DescribeRegions(ctx context.Context, _ string, _ *Empty) (*DescribeRegionsOutput, error) {
	out := &DescribeRegionsOutput{}
	for _, n := range c.cfg.RegionNames() {
		out.Regions = append(out.Regions, Region{RegionName: n, Endpoint: "ec2." + n + ".amazonaws.com",
			OptInStatus: "opt-in-not-required", Description: c.cfg.Regions[n].Description})
	}
	return out, nil
}

// DescribeAvailabilityZonesOutput lists zones.
type DescribeAvailabilityZonesOutput struct {
	AvailabilityZones []AvailabilityZone `json:"AvailabilityZones"`
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
func (c *Cloud) DescribeAvailabilityZones(ctx context.Context, region string, _ *Empty) (*DescribeAvailabilityZonesOutput, error) {
	r, ok := c.cfg.Regions[region]
	if !ok {
		return nil, Errorf(CodeInvalidRegion, "the region '%s' does not exist", region)
	}
	out := &DescribeAvailabilityZonesOutput{}
	for i, z := range r.Zones {
		out.AvailabilityZones = append(out.AvailabilityZones, AvailabilityZone{
			ZoneName: z, ZoneId: regionAbbrev(region) + "-az" + string(rune('1'+i)), RegionName: region,
			State: "available", ZoneType: "availability-zone"})
	}
	return out, nil
}

// DescribeInstanceTypesInput selects types by name and filters.
type DescribeInstanceTypesInput struct {
	InstanceTypes []string `json:"InstanceTypes,omitempty"`
	Filters       []Filter `json:"Filters,omitempty"`
}

// DescribeInstanceTypesOutput lists instance types.
type DescribeInstanceTypesOutput struct {
	InstanceTypes []InstanceTypeInfo `json:"InstanceTypes"`
}

// DescribeInstanceTypes lists the catalogue with the region's prices.
// Filters: instance-type, family (ec2x), vcpu-info.default-vcpus,
// memory-info.size-in-mib, burstable-performance-supported; the last three
// also take ">=N" (ec2x).
func (c *Cloud) DescribeInstanceTypes(ctx context.Context, region string, in *DescribeInstanceTypesInput) (*DescribeInstanceTypesOutput, error) {
	if _, ok := c.cfg.Regions[region]; !ok {
		return nil, Errorf(CodeInvalidRegion, "the region '%s' does not exist", region)
	}
	want := map[string]bool{}
	for _, n := range in.InstanceTypes {
		if c.cfg.Types[n] == nil {
			return nil, Errorf(CodeInvalidInstanceType, "The following supplied instance types do not exist: [%s]", n)
		}
		want[n] = true
	}
	for _, f := range in.Filters {
		switch f.Name {
		case "instance-type", "family", "vcpu-info.default-vcpus", "memory-info.size-in-mib", "burstable-performance-supported":
		default:
			return nil, Errorf(CodeInvalidParameterValue, "The filter '%s' is invalid", f.Name)
		}
	}
	out := &DescribeInstanceTypesOutput{InstanceTypes: []InstanceTypeInfo{}}
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

func typeInfo(n string, t *configs.InstType, region string) InstanceTypeInfo {
	threads := t.ThreadsPerCore
	if threads < 1 {
		threads = 1
	}
	info := InstanceTypeInfo{
		InstanceType: n, CurrentGeneration: true, BurstablePerformance: t.Burstable, Hypervisor: "nitro",
		ProcessorInfo:         ProcessorInfo{SupportedArchitectures: t.Arch},
		VCpuInfo:              VCpuInfo{DefaultVCpus: t.VCPUs, DefaultCores: t.VCPUs / threads, DefaultThreadsPerCore: threads},
		MemoryInfo:            MemoryInfo{SizeInMiB: t.MemoryMiB},
		NetworkInfo:           NetworkInfo{NetworkPerformance: t.Network, MaximumNetworkInterfaces: t.MaxENIs, Ipv4AddressesPerInterface: t.IPv4PerENI},
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

func typeMatches(fs []Filter, n string, info InstanceTypeInfo) bool {
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

// DescribeImagesInput selects images by ID or name.
type DescribeImagesInput struct {
	ImageIds []string `json:"ImageIds,omitempty"`
	Filters  []Filter `json:"Filters,omitempty"`
}

// DescribeImagesOutput lists images.
type DescribeImagesOutput struct {
	Images []Image `json:"Images"`
}

// DescribeImages lists the images of a region.
func (c *Cloud) DescribeImages(ctx context.Context, region string, in *DescribeImagesInput) (*DescribeImagesOutput, error) {
	c.mu.RLock()
	rs, err := c.region(region)
	c.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	for _, f := range in.Filters {
		if f.Name != "name" && f.Name != "architecture" && f.Name != "image-id" {
			return nil, Errorf(CodeInvalidParameterValue, "The filter '%s' is invalid", f.Name)
		}
	}
	out := &DescribeImagesOutput{Images: []Image{}}
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
		im := Image{ImageId: id, Name: img.AmiName, Description: img.Description, Architecture: img.Arch,
			PlatformDetails: img.Platform, VirtualizationType: "hvm", RootDeviceType: "ebs", RootDeviceName: "/dev/xvda",
			State: "available", Public: true, OwnerId: "amazon", DefaultUser: img.User, Alias: name, VolumeSizeGiB: img.RootDeviceGiB}
		if imageMatches(in.Filters, im) {
			out.Images = append(out.Images, im)
		}
	}
	sort.Slice(out.Images, func(i, j int) bool { return out.Images[i].Alias < out.Images[j].Alias })
	return out, nil
}

func imageMatches(fs []Filter, im Image) bool {
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
