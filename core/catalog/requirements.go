package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
)

// GetInstanceTypesFromInstanceRequirements lists the region's instance
// types that have every attribute asked for (any of a list's values), by
// name, a page at a time. It reads the same types, as the region describes
// them, as DescribeInstanceTypes.
func (c *Catalog) GetInstanceTypesFromInstanceRequirements(ctx context.Context, region string, in *ec2.GetInstanceTypesFromInstanceRequirementsInput) (*ec2.GetInstanceTypesFromInstanceRequirementsOutput, error) {
	if _, err := c.regionOf(region); err != nil {
		return nil, err
	}
	r, err := compileRequirements(in)
	if err != nil {
		return nil, err
	}
	plan, err := reqSpec.Compile(describe.Query{MaxResults: in.MaxResults, NextToken: in.NextToken,
		Scope: "GetInstanceTypesFromInstanceRequirements " + region + " " + requestScope(in)})
	if err != nil {
		return nil, err
	}
	all := c.typeItems(region)
	r.reference(all)
	var items []typeItem
	for _, t := range all {
		if t.info.SupportedInRegion && r.matches(t.info) {
			items = append(items, t)
		}
	}
	items = r.priceProtect(items)
	page, next := plan.Page(items)
	out := &ec2.GetInstanceTypesFromInstanceRequirementsOutput{
		InstanceTypes: make([]ec2.InstanceTypeInfoFromInstanceRequirements, len(page)), NextToken: next}
	for i, t := range page {
		out.InstanceTypes[i].InstanceType = t.info.InstanceType
	}
	return out, nil
}

// reqSpec pages the matching types by name: EC2 lists them alphabetically
// (c5.large before c5a.large before c5.xlarge's neighbours by name). No
// filters: the requirements are the selection.
var reqSpec = &describe.Spec[typeItem]{
	Key:    func(k *describe.Key, t typeItem) { k.Str(t.info.InstanceType) },
	Paging: describe.Paging{Min: 1, Max: 1000},
}

// requestScope binds a token to the request's selection: everything but
// the paging parameters.
func requestScope(in *ec2.GetInstanceTypesFromInstanceRequirementsInput) string {
	sel := *in
	sel.MaxResults, sel.NextToken, sel.Context = 0, "", ""
	b, _ := json.Marshal(&sel) // plain data: cannot fail
	return string(b)
}

// The values of BareMetal, BurstablePerformance and LocalStorage.
const (
	tripleIncluded = "included"
	tripleRequired = "required"
	tripleExcluded = "excluded"
)

// requirements is a request checked and resolved: what matches reads.
type requirements struct {
	arch, virt                  []string
	vcpus, memMiB, perVCPU      rangeF
	cpuMakers                   []string // as the catalogue names them: Intel, AMD, AWS, Apple
	excluded, allowed           []string
	generations                 []string
	bareMetal, burstable, local string
	hibernate, encryption       bool
	enis, localGB, ebsMbps      rangeF
	localTypes                  []string
	accelTypes, accelMakers     []string
	accelNames                  []string
	accelCount, accelMemory     rangeF
	netGbps                     rangeF
	perfFamily                  string  // a reference family, "" when none
	perfClock                   float64 // its clock speed, from the catalogue
	onDemandPct, spotPct        *int    // over the lowest price
	spotOfOptimalPct            *int    // of the optimal on-demand price
}

// rangeF is an optional closed range; a nil bound is no limit.
type rangeF struct{ min, max *float64 }

func (r rangeF) has(v float64) bool {
	return (r.min == nil || v >= *r.min) && (r.max == nil || v <= *r.max)
}

// The enumerations of EC2's model for these parameters.
var (
	archValues        = []string{"i386", "x86_64", "arm64", "x86_64_mac", "arm64_mac"}
	virtValues        = []string{"hvm", "paravirtual"}
	cpuMakerValues    = []string{"intel", "amd", "amazon-web-services", "apple"}
	generationValues  = []string{"current", "previous"}
	tripleValues      = []string{tripleIncluded, tripleRequired, tripleExcluded}
	localTypeValues   = []string{"hdd", "ssd"}
	accelTypeValues   = []string{"gpu", "fpga", "inference", "media"}
	accelMakerValues  = []string{"amazon-web-services", "amd", "nvidia", "xilinx", "habana"}
	accelNameValues   = []string{"a100", "inferentia", "k520", "k80", "m60", "radeon-pro-v520", "t4", "vu9p", "v100", "a10g", "h100", "t4g", "l40s", "l4", "gaudi-hl-205", "inferentia2", "trainium", "trainium2", "u30"}
	cpuMakerCatalogue = map[string]string{"intel": "Intel", "amd": "AMD", "amazon-web-services": "AWS", "apple": "Apple"}
)

// compileRequirements checks a request as EC2 does (missing, combined and
// out-of-range parameters) and resolves it.
func compileRequirements(in *ec2.GetInstanceTypesFromInstanceRequirementsInput) (*requirements, error) {
	ir := in.InstanceRequirements
	switch {
	case len(in.ArchitectureTypes) == 0:
		return nil, missing("ArchitectureTypes")
	case len(in.VirtualizationTypes) == 0:
		return nil, missing("VirtualizationTypes")
	case ir == nil:
		return nil, missing("InstanceRequirements")
	case ir.VCpuCount == nil || ir.VCpuCount.Min == nil:
		return nil, missing("InstanceRequirements.VCpuCount.Min")
	case ir.MemoryMiB == nil || ir.MemoryMiB.Min == nil:
		return nil, missing("InstanceRequirements.MemoryMiB.Min")
	case len(ir.AllowedInstanceTypes) > 0 && len(ir.ExcludedInstanceTypes) > 0:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "You cannot specify AllowedInstanceTypes and ExcludedInstanceTypes in the same request.")
	case ir.SpotMaxPricePercentageOverLowestPrice != nil && ir.MaxSpotPriceAsPercentageOfOptimalOnDemandPrice != nil:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "You cannot specify SpotMaxPricePercentageOverLowestPrice and MaxSpotPriceAsPercentageOfOptimalOnDemandPrice in the same request.")
	}
	for _, l := range []struct {
		param  string
		n, max int
	}{{"ArchitectureType", len(in.ArchitectureTypes), 3}, {"VirtualizationType", len(in.VirtualizationTypes), 2},
		{"InstanceRequirements.AllowedInstanceType", len(ir.AllowedInstanceTypes), 400},
		{"InstanceRequirements.ExcludedInstanceType", len(ir.ExcludedInstanceTypes), 400}} {
		if l.n > l.max {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The parameter %s can have at most %d values; %d were given.", l.param, l.max, l.n)
		}
	}
	r := &requirements{arch: in.ArchitectureTypes, virt: in.VirtualizationTypes,
		cpuMakers: []string{}, generations: ir.InstanceGenerations, localTypes: ir.LocalStorageTypes,
		accelTypes: ir.AcceleratorTypes, accelMakers: ir.AcceleratorManufacturers, accelNames: ir.AcceleratorNames,
		excluded: ir.ExcludedInstanceTypes, allowed: ir.AllowedInstanceTypes,
		onDemandPct: ir.OnDemandMaxPricePercentageOverLowestPrice, spotPct: ir.SpotMaxPricePercentageOverLowestPrice,
		spotOfOptimalPct: ir.MaxSpotPriceAsPercentageOfOptimalOnDemandPrice,
		hibernate:        ir.RequireHibernateSupport != nil && *ir.RequireHibernateSupport,
		encryption:       ir.RequireEncryptionInTransit != nil && *ir.RequireEncryptionInTransit}
	for _, e := range []struct {
		param  string
		values []string
		valid  []string
	}{
		{"ArchitectureType", in.ArchitectureTypes, archValues},
		{"VirtualizationType", in.VirtualizationTypes, virtValues},
		{"InstanceRequirements.CpuManufacturer", ir.CpuManufacturers, cpuMakerValues},
		{"InstanceRequirements.InstanceGeneration", ir.InstanceGenerations, generationValues},
		{"InstanceRequirements.LocalStorageType", ir.LocalStorageTypes, localTypeValues},
		{"InstanceRequirements.AcceleratorType", ir.AcceleratorTypes, accelTypeValues},
		{"InstanceRequirements.AcceleratorManufacturer", ir.AcceleratorManufacturers, accelMakerValues},
		{"InstanceRequirements.AcceleratorName", ir.AcceleratorNames, accelNameValues},
	} {
		for _, v := range e.values {
			if !slices.Contains(e.valid, v) {
				return nil, invalidValue(v, e.param, e.valid)
			}
		}
	}
	for _, m := range ir.CpuManufacturers {
		r.cpuMakers = append(r.cpuMakers, cpuMakerCatalogue[m])
	}
	var err error
	if r.bareMetal, err = triple("BareMetal", ir.BareMetal, tripleExcluded); err != nil {
		return nil, err
	}
	if r.burstable, err = triple("BurstablePerformance", ir.BurstablePerformance, tripleExcluded); err != nil {
		return nil, err
	}
	if r.local, err = triple("LocalStorage", ir.LocalStorage, tripleIncluded); err != nil {
		return nil, err
	}
	if err := r.ranges(ir); err != nil {
		return nil, err
	}
	for _, list := range [][]string{ir.ExcludedInstanceTypes, ir.AllowedInstanceTypes} {
		for _, p := range list {
			if err := checkTypePattern(p); err != nil {
				return nil, err
			}
		}
	}
	for name, p := range map[string]*int{"OnDemandMaxPricePercentageOverLowestPrice": r.onDemandPct,
		"SpotMaxPricePercentageOverLowestPrice": r.spotPct, "MaxSpotPriceAsPercentageOfOptimalOnDemandPrice": r.spotOfOptimalPct} {
		if p != nil && *p < 0 {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%d) for parameter InstanceRequirements.%s is invalid. The value must be 0 or greater.", *p, name)
		}
	}
	if f := ir.BaselinePerformanceFactors; f != nil && f.Cpu != nil {
		if len(f.Cpu.References) > 1 {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Only one instance family can be specified for InstanceRequirements.BaselinePerformanceFactors.Cpu.Reference.")
		}
		if len(f.Cpu.References) == 1 {
			r.perfFamily = f.Cpu.References[0].InstanceFamily
			if r.perfFamily == "" {
				return nil, missing("InstanceRequirements.BaselinePerformanceFactors.Cpu.Reference.1.InstanceFamily")
			}
		}
	}
	return r, nil
}

// ranges reads the Min/Max pairs: none below 0, no Min above its Max.
func (r *requirements) ranges(ir *ec2.InstanceRequirementsRequest) error {
	var err error
	set := func(name string, min, max *float64) rangeF {
		if err != nil {
			return rangeF{}
		}
		switch {
		case min != nil && *min < 0, max != nil && *max < 0:
			err = ec2.Errorf(ec2.CodeInvalidParameterValue, "The value for InstanceRequirements.%s must be 0 or greater.", name)
		case min != nil && max != nil && *min > *max:
			err = ec2.Errorf(ec2.CodeInvalidParameterValue, "The minimum value for InstanceRequirements.%s (%s) cannot be greater than its maximum value (%s).", name, num(*min), num(*max))
		}
		return rangeF{min, max}
	}
	r.vcpus = set("VCpuCount", intPtr(ir.VCpuCount.Min), intPtr(ir.VCpuCount.Max))
	r.memMiB = set("MemoryMiB", intPtr(ir.MemoryMiB.Min), intPtr(ir.MemoryMiB.Max))
	if v := ir.MemoryGiBPerVCpu; v != nil {
		r.perVCPU = set("MemoryGiBPerVCpu", v.Min, v.Max)
	}
	if v := ir.NetworkInterfaceCount; v != nil {
		r.enis = set("NetworkInterfaceCount", intPtr(v.Min), intPtr(v.Max))
	}
	if v := ir.TotalLocalStorageGB; v != nil {
		r.localGB = set("TotalLocalStorageGB", v.Min, v.Max)
	}
	if v := ir.BaselineEbsBandwidthMbps; v != nil {
		r.ebsMbps = set("BaselineEbsBandwidthMbps", intPtr(v.Min), intPtr(v.Max))
	}
	if v := ir.AcceleratorCount; v != nil {
		r.accelCount = set("AcceleratorCount", intPtr(v.Min), intPtr(v.Max))
	}
	if v := ir.AcceleratorTotalMemoryMiB; v != nil {
		r.accelMemory = set("AcceleratorTotalMemoryMiB", intPtr(v.Min), intPtr(v.Max))
	}
	if v := ir.NetworkBandwidthGbps; v != nil {
		r.netGbps = set("NetworkBandwidthGbps", v.Min, v.Max)
	}
	return err
}

// checkTypePattern accepts what EC2 does in Allowed and ExcludedInstanceTypes:
// up to 30 characters of a type name's letters, digits, '.', '-' and the
// wildcard '*'.
func checkTypePattern(p string) error {
	ok := p != "" && len(p) <= 30
	for i := 0; ok && i < len(p); i++ {
		c := p[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '*'
	}
	if !ok {
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "The instance type '%s' is invalid. An instance type can contain letters, numbers, '.', '-' and the wildcard '*', up to 30 characters.", p)
	}
	return nil
}

// triple checks an included|required|excluded value, def when absent.
func triple(name, v, def string) (string, error) {
	if v == "" {
		return def, nil
	}
	if !slices.Contains(tripleValues, v) {
		return "", invalidValue(v, "InstanceRequirements."+name, tripleValues)
	}
	return v, nil
}

func missing(param string) error {
	return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter %s", param)
}

func invalidValue(v, param string, valid []string) error {
	return ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter %s is invalid. Valid values: %s.", v, param, strings.Join(valid, ", "))
}

func intPtr(p *int) *float64 {
	if p == nil {
		return nil
	}
	v := float64(*p)
	return &v
}

func num(v float64) string { return fmt.Sprint(v) }
