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

func one(s string) []string { return []string{s} }

func itoa(n int) string { return strconv.Itoa(n) }

// typeSpec is DescribeInstanceTypes' filters: EC2's, plus ec2x's family
// and ">=N" on the numeric ones.
var typeSpec = &describe.Spec[typeItem]{
	Fields: []describe.Field[typeItem]{
		{Name: "instance-type", Value: func(t typeItem) string { return t.info.InstanceType }},
		{Name: "family", Value: func(t typeItem) string { return configs.Family(t.info.InstanceType) }},
		{Name: "vcpu-info.default-vcpus", Values: func(t typeItem) []string { return one(itoa(t.info.VCpuInfo.DefaultVCpus)) }, Match: numMatch},
		{Name: "memory-info.size-in-mib", Values: func(t typeItem) []string { return one(itoa(t.info.MemoryInfo.SizeInMiB)) }, Match: numMatch},
		{Name: "burstable-performance-supported", Value: func(t typeItem) string { return strconv.FormatBool(t.info.BurstablePerformance) }},
		{Name: "current-generation", Value: func(t typeItem) string { return strconv.FormatBool(t.info.CurrentGeneration) }},
		{Name: "processor-info.supported-architecture", Values: func(t typeItem) []string { return t.info.ProcessorInfo.SupportedArchitectures }},
		{Name: "hypervisor", Value: func(t typeItem) string { return t.info.Hypervisor }},
		{Name: "network-info.maximum-network-interfaces", Values: func(t typeItem) []string { return one(itoa(t.info.NetworkInfo.MaximumNetworkInterfaces)) }, Match: numMatch},
		{Name: "supported-usage-class", Values: func(t typeItem) []string { return t.info.SupportedUsageClasses }},
	},
	Key: func(k *describe.Key, t typeItem) { k.Num(int64(t.index)) },
}

// DescribeInstanceTypes lists the catalogue with the region's prices.
func (c *Catalog) DescribeInstanceTypes(ctx context.Context, region string, in *ec2.DescribeInstanceTypesInput) (*ec2.DescribeInstanceTypesOutput, error) {
	if _, err := c.regionOf(region); err != nil {
		return nil, err
	}
	for _, n := range in.InstanceTypes {
		if c.cfg.Types[n] == nil {
			return nil, ec2.Errorf(ec2.CodeInvalidInstanceType, "The following supplied instance types do not exist: [%s]", n)
		}
	}
	plan, err := typeSpec.Compile(describe.Query{Filters: in.Filters})
	if err != nil {
		return nil, err
	}
	var items []typeItem
	for i, n := range c.cfg.TypeNames() {
		if len(in.InstanceTypes) > 0 && !contains(in.InstanceTypes, n) {
			continue
		}
		items = append(items, typeItem{i, TypeInfo(n, c.cfg.Types[n], region)})
	}
	page, _ := plan.Page(plan.Filter(items))
	out := &ec2.DescribeInstanceTypesOutput{InstanceTypes: make([]ec2.InstanceTypeInfo, len(page))}
	for i, t := range page {
		out.InstanceTypes[i] = t.info
	}
	return out, nil
}

// TypeInfo is a type as DescribeInstanceTypes shows it in a region.
func TypeInfo(n string, t *configs.InstType, region string) ec2.InstanceTypeInfo {
	threads := max(t.ThreadsPerCore, 1)
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

// numMatch matches "N" exactly or ">=N" (ec2x's addition).
func numMatch(pattern, value string) bool {
	have, err := strconv.ParseFloat(value, 64)
	if err != nil {
		return false
	}
	rest, atLeast := strings.CutPrefix(pattern, ">=")
	n, err := strconv.ParseFloat(rest, 64)
	if err != nil {
		return false
	}
	if atLeast {
		return have >= n
	}
	return have == n
}
