package catalog

import (
	"context"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
)

// typeItem is an instance type with its place in the catalogue.
type typeItem struct {
	index int
	info  ec2.InstanceTypeInfo
}

// DescribeInstanceTypes lists the types the region offers (all of them
// with IncludeUnsupportedInRegion), with the region's prices, a page at a
// time.
func (c *Catalog) DescribeInstanceTypes(ctx context.Context, region string, in *ec2.DescribeInstanceTypesInput) (*ec2.DescribeInstanceTypesOutput, error) {
	if _, err := c.regionOf(region); err != nil {
		return nil, err
	}
	var missing []string
	for _, n := range in.InstanceTypes {
		if c.cfg.Types[n] == nil || (!in.IncludeUnsupportedInRegion && !c.cfg.Offered(region, "", n)) {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return nil, ec2.Errorf(ec2.CodeInvalidInstanceType, "The following supplied instance types do not exist: [%s]", strings.Join(missing, ", "))
	}
	plan, err := typeSpec.Compile(describe.Query{Filters: in.Filters, MaxResults: in.MaxResults, NextToken: in.NextToken,
		Scope: "DescribeInstanceTypes " + region + " " + strings.Join(in.InstanceTypes, ",") + " " + strconv.FormatBool(in.IncludeUnsupportedInRegion)})
	if err != nil {
		return nil, err
	}
	all := c.typeItems(region)
	items := make([]typeItem, 0, len(all))
	for _, t := range all {
		if len(in.InstanceTypes) > 0 && !contains(in.InstanceTypes, t.info.InstanceType) {
			continue
		}
		if t.info.SupportedInRegion || in.IncludeUnsupportedInRegion {
			items = append(items, t)
		}
	}
	page, next := plan.Page(plan.Filter(items))
	out := &ec2.DescribeInstanceTypesOutput{InstanceTypes: make([]ec2.InstanceTypeInfo, len(page)), NextToken: next}
	for i, t := range page {
		out.InstanceTypes[i] = t.info
	}
	return out, nil
}

// typeItems is every type as the region describes it, made once per region:
// 1,300 types are too many to describe again on every call.
func (c *Catalog) typeItems(region string) []typeItem {
	c.mu.Lock()
	defer c.mu.Unlock()
	if items, ok := c.items[region]; ok {
		return items
	}
	items := make([]typeItem, len(c.names))
	for i, n := range c.names {
		items[i] = typeItem{i, TypeInfo(n, c.cfg.Types[n], region)}
		items[i].info.SupportedInRegion = c.cfg.Offered(region, "", n)
	}
	c.items[region] = items
	return items
}

// TypeInfo is a type as DescribeInstanceTypes shows it in a region. A
// type of the user's own that leaves EC2's details out gets the usual
// ones of a current Nitro type.
func TypeInfo(n string, t *configs.InstType, region string) ec2.InstanceTypeInfo {
	threads := max(t.ThreadsPerCore, 1)
	cores := t.Cores
	if cores == 0 {
		cores = t.VCPUs / threads
	}
	info := ec2.InstanceTypeInfo{
		InstanceType: n, CurrentGeneration: !t.PreviousGeneration, FreeTierEligible: t.FreeTier,
		SupportedUsageClasses:        orDefault(t.UsageClasses, "on-demand", "spot"),
		SupportedRootDeviceTypes:     orDefault(t.RootDeviceTypes, "ebs"),
		SupportedVirtualizationTypes: orDefault(t.VirtualizationTypes, "hvm"),
		SupportedBootModes:           orDefault(t.BootModes, "legacy-bios", "uefi"),
		BareMetal:                    t.BareMetal, Hypervisor: t.Hypervisor,
		ProcessorInfo: ec2.ProcessorInfo{SupportedArchitectures: t.Arch, SustainedClockSpeedInGhz: t.ClockGHz,
			Manufacturer: t.Manufacturer, SupportedFeatures: t.Features},
		VCpuInfo: ec2.VCpuInfo{DefaultVCpus: t.VCPUs, DefaultCores: cores, DefaultThreadsPerCore: threads,
			ValidCores: t.ValidCores, ValidThreadsPerCore: t.ValidThreads},
		MemoryInfo:               ec2.MemoryInfo{SizeInMiB: t.MemoryMiB},
		InstanceStorageSupported: t.InstanceStorageGB > 0,
		EbsInfo: ec2.EbsInfo{EbsOptimizedSupport: orString(t.EBSOptimized, "default"), EncryptionSupport: orString(t.EBSEncryption, "supported"),
			NvmeSupport: t.EBSNVMe, AttachmentLimitType: t.EBSAttachmentLimit, MaximumEbsAttachments: t.MaxEBSAttachments},
		NetworkInfo: ec2.NetworkInfo{NetworkPerformance: t.Network, MaximumNetworkInterfaces: t.MaxENIs,
			MaximumNetworkCards: max(t.NetworkCards, 1), Ipv4AddressesPerInterface: t.IPv4PerENI,
			Ipv6AddressesPerInterface: t.IPv6PerENI, Ipv6Supported: t.IPv6, EnaSupport: orString(t.ENASupport, "required"),
			EfaSupported: t.EFAInterfaces > 0, EncryptionInTransitSupported: t.EncryptionInTransit,
			BandwidthWeightings: t.BandwidthWeightings, FlexibleEnaQueuesSupport: t.FlexibleENAQueues},
		PlacementGroupInfo:            ec2.PlacementGroupInfo{SupportedStrategies: orDefault(t.PlacementStrategies, "cluster", "partition", "spread")},
		HibernationSupported:          t.Hibernation,
		BurstablePerformanceSupported: t.Burstable,
		DedicatedHostsSupported:       t.DedicatedHosts,
		AutoRecoverySupported:         t.AutoRecovery,
		NitroEnclavesSupport:          t.NitroEnclaves,
		NitroTpmSupport:               t.NitroTPM,
		RebootMigrationSupport:        t.RebootMigration,
		SupportedInRegion:             true,
		OnDemandPricePerHour:          t.Price[region],
	}
	if info.Hypervisor == "" && !t.BareMetal {
		info.Hypervisor = "nitro"
	}
	if t.EFAInterfaces > 0 {
		info.NetworkInfo.EfaInfo = &ec2.EfaInfo{MaximumEfaInterfaces: t.EFAInterfaces}
	}
	if t.EBSMaxMbps > 0 {
		info.EbsInfo.EbsOptimizedInfo = &ec2.EbsOptimizedInfo{BaselineBandwidthInMbps: t.EBSBaselineMbps, BaselineThroughputInMBps: t.EBSBaselineMBps,
			BaselineIops: t.EBSBaselineIOPS, MaximumBandwidthInMbps: t.EBSMaxMbps, MaximumThroughputInMBps: t.EBSMaxMBps, MaximumIops: t.EBSMaxIOPS}
	}
	if t.InstanceStorageGB > 0 {
		info.InstanceStorageInfo = &ec2.InstanceStorageInfo{TotalSizeInGB: t.InstanceStorageGB, NvmeSupport: t.StorageNVMe,
			EncryptionSupport: t.StorageEncryption, Disks: []ec2.DiskInfo{{SizeInGB: t.DiskSizeGB, Count: t.DiskCount, Type: t.DiskType}}}
	}
	if t.GPUs > 0 {
		info.GpuInfo = &ec2.GpuInfo{Gpus: []ec2.GpuDeviceInfo{{Count: t.GPUs}}}
	}
	if len(t.NitroTPMVersions) > 0 {
		info.NitroTpmInfo = &ec2.NitroTpmInfo{SupportedVersions: t.NitroTPMVersions}
	}
	if t.Burstable {
		info.BaselineCPUPercent = t.BaselinePercent
		info.CPUCreditsPerHour = t.CreditsPerHour
		info.DefaultCreditSpecification = t.CreditMode
	}
	return info
}

func orDefault(l []string, def ...string) []string {
	if len(l) == 0 {
		return def
	}
	return l
}

func orString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
