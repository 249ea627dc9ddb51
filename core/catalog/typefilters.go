package catalog

import (
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
)

// Readers of one item value, to keep the filter table short.
func str(f func(ec2.InstanceTypeInfo) string) func(typeItem) string {
	return func(t typeItem) string { return f(t.info) }
}

func boolean(f func(ec2.InstanceTypeInfo) bool) func(typeItem) string {
	return func(t typeItem) string { return strconv.FormatBool(f(t.info)) }
}

func list(f func(ec2.InstanceTypeInfo) []string) func(typeItem) []string {
	return func(t typeItem) []string { return f(t.info) }
}

// number is a numeric filter: exact, or ec2x's ">=N" and "<=N".
func number(name string, f func(ec2.InstanceTypeInfo) float64) describe.Field[typeItem] {
	return describe.Field[typeItem]{Name: name, Match: numMatch,
		Value: func(t typeItem) string { return strconv.FormatFloat(f(t.info), 'f', -1, 64) }}
}

// numbers is a numeric filter over a list (valid cores, say).
func numbers(name string, f func(ec2.InstanceTypeInfo) []int) describe.Field[typeItem] {
	return describe.Field[typeItem]{Name: name, Match: numMatch, Values: func(t typeItem) []string {
		var out []string
		for _, n := range f(t.info) {
			out = append(out, strconv.Itoa(n))
		}
		return out
	}}
}

// ebsOpt reads an EBS-optimized figure, 0 when the type has none.
func ebsOpt(f func(*ec2.EbsOptimizedInfo) float64) func(ec2.InstanceTypeInfo) float64 {
	return func(i ec2.InstanceTypeInfo) float64 {
		if i.EbsInfo.EbsOptimizedInfo == nil {
			return 0
		}
		return f(i.EbsInfo.EbsOptimizedInfo)
	}
}

// disk reads an instance store figure; types without one have no value.
func disk(f func(*ec2.InstanceStorageInfo) string) func(typeItem) []string {
	return func(t typeItem) []string {
		if t.info.InstanceStorageInfo == nil {
			return nil
		}
		return []string{f(t.info.InstanceStorageInfo)}
	}
}

// typeSpec is DescribeInstanceTypes' filters: every one EC2 documents,
// plus ec2x's family and ">=N" and "<=N" on the numeric ones.
var typeSpec = &describe.Spec[typeItem]{
	Fields: []describe.Field[typeItem]{
		{Name: "instance-type", Value: str(func(i ec2.InstanceTypeInfo) string { return i.InstanceType })},
		{Name: "family", Value: str(func(i ec2.InstanceTypeInfo) string { return configs.Family(i.InstanceType) })},
		{Name: "auto-recovery-supported", Value: boolean(func(i ec2.InstanceTypeInfo) bool { return i.AutoRecoverySupported })},
		{Name: "bare-metal", Value: boolean(func(i ec2.InstanceTypeInfo) bool { return i.BareMetal })},
		{Name: "burstable-performance-supported", Value: boolean(func(i ec2.InstanceTypeInfo) bool { return i.BurstablePerformanceSupported })},
		{Name: "current-generation", Value: boolean(func(i ec2.InstanceTypeInfo) bool { return i.CurrentGeneration })},
		{Name: "dedicated-hosts-supported", Value: boolean(func(i ec2.InstanceTypeInfo) bool { return i.DedicatedHostsSupported })},
		{Name: "free-tier-eligible", Value: boolean(func(i ec2.InstanceTypeInfo) bool { return i.FreeTierEligible })},
		{Name: "hibernation-supported", Value: boolean(func(i ec2.InstanceTypeInfo) bool { return i.HibernationSupported })},
		{Name: "hypervisor", Values: list(func(i ec2.InstanceTypeInfo) []string { return describe.Optional(i.Hypervisor) })},
		{Name: "ebs-info.attachment-limit-type", Values: list(func(i ec2.InstanceTypeInfo) []string { return describe.Optional(i.EbsInfo.AttachmentLimitType) })},
		number("ebs-info.maximum-ebs-attachments", func(i ec2.InstanceTypeInfo) float64 { return float64(i.EbsInfo.MaximumEbsAttachments) }),
		number("ebs-info.ebs-optimized-info.baseline-bandwidth-in-mbps", ebsOpt(func(e *ec2.EbsOptimizedInfo) float64 { return float64(e.BaselineBandwidthInMbps) })),
		number("ebs-info.ebs-optimized-info.baseline-iops", ebsOpt(func(e *ec2.EbsOptimizedInfo) float64 { return float64(e.BaselineIops) })),
		number("ebs-info.ebs-optimized-info.baseline-throughput-in-mbps", ebsOpt(func(e *ec2.EbsOptimizedInfo) float64 { return e.BaselineThroughputInMBps })),
		number("ebs-info.ebs-optimized-info.maximum-bandwidth-in-mbps", ebsOpt(func(e *ec2.EbsOptimizedInfo) float64 { return float64(e.MaximumBandwidthInMbps) })),
		number("ebs-info.ebs-optimized-info.maximum-iops", ebsOpt(func(e *ec2.EbsOptimizedInfo) float64 { return float64(e.MaximumIops) })),
		number("ebs-info.ebs-optimized-info.maximum-throughput-in-mbps", ebsOpt(func(e *ec2.EbsOptimizedInfo) float64 { return e.MaximumThroughputInMBps })),
		{Name: "ebs-info.ebs-optimized-support", Value: str(func(i ec2.InstanceTypeInfo) string { return i.EbsInfo.EbsOptimizedSupport })},
		{Name: "ebs-info.encryption-support", Value: str(func(i ec2.InstanceTypeInfo) string { return i.EbsInfo.EncryptionSupport })},
		{Name: "ebs-info.nvme-support", Values: list(func(i ec2.InstanceTypeInfo) []string { return describe.Optional(i.EbsInfo.NvmeSupport) })},
		{Name: "instance-storage-info.disk.count", Match: numMatch, Values: disk(func(s *ec2.InstanceStorageInfo) string { return strconv.Itoa(s.Disks[0].Count) })},
		{Name: "instance-storage-info.disk.size-in-gb", Match: numMatch, Values: disk(func(s *ec2.InstanceStorageInfo) string { return strconv.Itoa(s.Disks[0].SizeInGB) })},
		{Name: "instance-storage-info.disk.type", Values: disk(func(s *ec2.InstanceStorageInfo) string { return s.Disks[0].Type })},
		{Name: "instance-storage-info.encryption-support", Values: disk(func(s *ec2.InstanceStorageInfo) string { return s.EncryptionSupport })},
		{Name: "instance-storage-info.nvme-support", Values: disk(func(s *ec2.InstanceStorageInfo) string { return s.NvmeSupport })},
		{Name: "instance-storage-info.total-size-in-gb", Match: numMatch, Values: disk(func(s *ec2.InstanceStorageInfo) string { return strconv.Itoa(s.TotalSizeInGB) })},
		{Name: "instance-storage-supported", Value: boolean(func(i ec2.InstanceTypeInfo) bool { return i.InstanceStorageSupported })},
		number("memory-info.size-in-mib", func(i ec2.InstanceTypeInfo) float64 { return float64(i.MemoryInfo.SizeInMiB) }),
		{Name: "network-info.bandwidth-weightings", Values: list(func(i ec2.InstanceTypeInfo) []string { return i.NetworkInfo.BandwidthWeightings })},
		number("network-info.efa-info.maximum-efa-interfaces", func(i ec2.InstanceTypeInfo) float64 {
			if i.NetworkInfo.EfaInfo == nil {
				return 0
			}
			return float64(i.NetworkInfo.EfaInfo.MaximumEfaInterfaces)
		}),
		{Name: "network-info.efa-supported", Value: boolean(func(i ec2.InstanceTypeInfo) bool { return i.NetworkInfo.EfaSupported })},
		{Name: "network-info.ena-support", Value: str(func(i ec2.InstanceTypeInfo) string { return i.NetworkInfo.EnaSupport })},
		{Name: "network-info.flexible-ena-queues-support", Values: list(func(i ec2.InstanceTypeInfo) []string {
			return describe.Optional(i.NetworkInfo.FlexibleEnaQueuesSupport)
		})},
		{Name: "network-info.encryption-in-transit-supported", Value: boolean(func(i ec2.InstanceTypeInfo) bool { return i.NetworkInfo.EncryptionInTransitSupported })},
		number("network-info.ipv4-addresses-per-interface", func(i ec2.InstanceTypeInfo) float64 { return float64(i.NetworkInfo.Ipv4AddressesPerInterface) }),
		number("network-info.ipv6-addresses-per-interface", func(i ec2.InstanceTypeInfo) float64 { return float64(i.NetworkInfo.Ipv6AddressesPerInterface) }),
		{Name: "network-info.ipv6-supported", Value: boolean(func(i ec2.InstanceTypeInfo) bool { return i.NetworkInfo.Ipv6Supported })},
		number("network-info.maximum-network-cards", func(i ec2.InstanceTypeInfo) float64 { return float64(i.NetworkInfo.MaximumNetworkCards) }),
		number("network-info.maximum-network-interfaces", func(i ec2.InstanceTypeInfo) float64 { return float64(i.NetworkInfo.MaximumNetworkInterfaces) }),
		{Name: "network-info.network-performance", Value: str(func(i ec2.InstanceTypeInfo) string { return i.NetworkInfo.NetworkPerformance })},
		{Name: "nitro-enclaves-support", Values: list(func(i ec2.InstanceTypeInfo) []string { return describe.Optional(i.NitroEnclavesSupport) })},
		{Name: "nitro-tpm-support", Values: list(func(i ec2.InstanceTypeInfo) []string { return describe.Optional(i.NitroTpmSupport) })},
		{Name: "nitro-tpm-info.supported-versions", Values: list(func(i ec2.InstanceTypeInfo) []string {
			if i.NitroTpmInfo == nil {
				return nil
			}
			return i.NitroTpmInfo.SupportedVersions
		})},
		{Name: "processor-info.supported-architecture", Values: list(func(i ec2.InstanceTypeInfo) []string { return i.ProcessorInfo.SupportedArchitectures })},
		number("processor-info.sustained-clock-speed-in-ghz", func(i ec2.InstanceTypeInfo) float64 { return i.ProcessorInfo.SustainedClockSpeedInGhz }),
		{Name: "processor-info.supported-features", Values: list(func(i ec2.InstanceTypeInfo) []string { return i.ProcessorInfo.SupportedFeatures })},
		{Name: "reboot-migration-support", Values: list(func(i ec2.InstanceTypeInfo) []string { return describe.Optional(i.RebootMigrationSupport) })},
		{Name: "supported-boot-mode", Values: list(func(i ec2.InstanceTypeInfo) []string { return i.SupportedBootModes })},
		{Name: "supported-root-device-type", Values: list(func(i ec2.InstanceTypeInfo) []string { return i.SupportedRootDeviceTypes })},
		{Name: "supported-usage-class", Values: list(func(i ec2.InstanceTypeInfo) []string { return i.SupportedUsageClasses })},
		{Name: "supported-virtualization-type", Values: list(func(i ec2.InstanceTypeInfo) []string { return i.SupportedVirtualizationTypes })},
		number("vcpu-info.default-cores", func(i ec2.InstanceTypeInfo) float64 { return float64(i.VCpuInfo.DefaultCores) }),
		number("vcpu-info.default-threads-per-core", func(i ec2.InstanceTypeInfo) float64 { return float64(i.VCpuInfo.DefaultThreadsPerCore) }),
		number("vcpu-info.default-vcpus", func(i ec2.InstanceTypeInfo) float64 { return float64(i.VCpuInfo.DefaultVCpus) }),
		numbers("vcpu-info.valid-cores", func(i ec2.InstanceTypeInfo) []int { return i.VCpuInfo.ValidCores }),
		numbers("vcpu-info.valid-threads-per-core", func(i ec2.InstanceTypeInfo) []int { return i.VCpuInfo.ValidThreadsPerCore }),
	},
	Key:    func(k *describe.Key, t typeItem) { k.Num(int64(t.index)) },
	Paging: describe.Paging{Min: 5, Max: 100},
}

// numMatch matches "N" exactly, or ">=N" and "<=N" (ec2x's additions: a
// range is two filters, which AND); a pattern that is not a number matches
// as EC2's wildcards do ("1*").
func numMatch(pattern, value string) bool {
	have, err := strconv.ParseFloat(value, 64)
	if err != nil {
		return false
	}
	rest, atLeast := strings.CutPrefix(pattern, ">=")
	rest, atMost := strings.CutPrefix(rest, "<=")
	n, err := strconv.ParseFloat(rest, 64)
	switch {
	case err != nil:
		return !atLeast && !atMost && describe.WildMatch(pattern, value)
	case atLeast:
		return have >= n
	case atMost:
		return have <= n
	}
	return have == n
}
