package catalog

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
)

// matches reports whether a type has every attribute asked for. What the
// catalogue does not know of a type (accelerators' makers, names and
// memory) counts as EC2 counts it for a type without accelerators.
func (r *requirements) matches(i ec2.InstanceTypeInfo) bool {
	mem := float64(i.MemoryInfo.SizeInMiB)
	vcpus := float64(i.VCpuInfo.DefaultVCpus)
	switch {
	case !anyOf(r.arch, i.ProcessorInfo.SupportedArchitectures),
		!anyOf(r.virt, i.SupportedVirtualizationTypes),
		!r.vcpus.has(vcpus), !r.memMiB.has(mem),
		vcpus > 0 && !r.perVCPU.has(mem/1024/vcpus),
		len(r.cpuMakers) > 0 && !slices.Contains(r.cpuMakers, i.ProcessorInfo.Manufacturer),
		len(r.generations) > 0 && !slices.Contains(r.generations, generation(i)),
		!tripleHas(r.bareMetal, i.BareMetal),
		!tripleHas(r.burstable, i.BurstablePerformanceSupported),
		!tripleHas(r.local, i.InstanceStorageSupported),
		r.hibernate && !i.HibernationSupported,
		r.encryption && !i.NetworkInfo.EncryptionInTransitSupported,
		!r.enis.has(float64(i.NetworkInfo.MaximumNetworkInterfaces)),
		!r.localStorage(i),
		!r.ebsMbps.has(ebsBaseline(i)),
		!r.accelerators(i),
		!r.network(i.NetworkInfo.NetworkPerformance),
		len(r.excluded) > 0 && wildAny(r.excluded, i.InstanceType),
		len(r.allowed) > 0 && !wildAny(r.allowed, i.InstanceType):
		return false
	}
	return r.performance(i)
}

// localStorage checks the instance store's disk type and total size.
func (r *requirements) localStorage(i ec2.InstanceTypeInfo) bool {
	total := 0.0
	if s := i.InstanceStorageInfo; s != nil {
		total = float64(s.TotalSizeInGB)
		if len(r.localTypes) > 0 && (len(s.Disks) == 0 || !slices.Contains(r.localTypes, s.Disks[0].Type)) {
			return false
		}
	}
	return r.localGB.has(total)
}

// accelerators checks the accelerator requirements. The catalogue counts a
// type's GPUs and nothing else of its accelerators: GPUs are "gpu"
// accelerators; makers, names and memory are unknown, so a requirement of
// them is one no type meets (a minimum memory above 0, any maker or name).
func (r *requirements) accelerators(i ec2.InstanceTypeInfo) bool {
	count := 0.0
	if i.GpuInfo != nil {
		for _, g := range i.GpuInfo.Gpus {
			count += float64(g.Count)
		}
	}
	if len(r.accelTypes) > 0 && !(count > 0 && slices.Contains(r.accelTypes, "gpu")) {
		return false
	}
	return len(r.accelMakers) == 0 && len(r.accelNames) == 0 && r.accelCount.has(count) && r.accelMemory.has(0)
}

// network checks the baseline network bandwidth. The catalogue has EC2's
// network performance label: "25 Gigabit" is a baseline of 25 Gbps;
// "Up to 10 Gigabit" and the old "Moderate" or "High" state none, so such
// a type meets a maximum and no minimum above 0.
func (r *requirements) network(label string) bool {
	if r.netGbps.min == nil && r.netGbps.max == nil {
		return true
	}
	if gbps, ok := baselineGbps(label); ok {
		return r.netGbps.has(gbps)
	}
	return r.netGbps.min == nil || *r.netGbps.min <= 0
}

// baselineGbps reads a fixed bandwidth from a performance label: "25
// Gigabit", "4x 100 Gigabit".
func baselineGbps(label string) (float64, bool) {
	rest, ok := strings.CutSuffix(label, " Gigabit")
	if !ok || strings.HasPrefix(rest, "Up to ") {
		return 0, false
	}
	times := 1.0
	if n, r, ok := strings.Cut(rest, "x "); ok {
		k, err := strconv.ParseFloat(n, 64)
		if err != nil {
			return 0, false
		}
		times, rest = k, r
	}
	v, err := strconv.ParseFloat(rest, 64)
	return v * times, err == nil
}

// noPerformanceFactor is the families EC2 documents as unsupported for
// performance protection: refused as a reference (an empty answer), left
// out of the answer when a reference is given.
var noPerformanceFactor = []string{"c1", "g3", "g3s", "hpc7g", "m1", "m2", "mac1", "mac2", "mac2-m1ultra", "mac2-m2", "mac2-m2pro",
	"p3dn", "p4d", "p5", "t1", "u-12tb1", "u-18tb1", "u-24tb1", "u-3tb1", "u-6tb1", "u-9tb1", "u7i-12tb", "u7in-16tb", "u7in-24tb", "u7in-32tb"}

// performance checks the CPU baseline. The catalogue has no CPU benchmark:
// the sustained clock speed stands for it, the type's against the highest
// of the reference family's types.
func (r *requirements) performance(i ec2.InstanceTypeInfo) bool {
	if r.perfFamily == "" {
		return true
	}
	if r.perfClock <= 0 || slices.Contains(noPerformanceFactor, configs.Family(i.InstanceType)) {
		return false
	}
	return i.ProcessorInfo.SustainedClockSpeedInGhz >= r.perfClock
}

// reference sets the reference family's clock speed from the catalogue:
// 0 (nothing matches) for a family unsupported or unknown.
func (r *requirements) reference(items []typeItem) {
	if r.perfFamily == "" || slices.Contains(noPerformanceFactor, r.perfFamily) {
		return
	}
	for _, t := range items {
		if configs.Family(t.info.InstanceType) == r.perfFamily {
			r.perfClock = max(r.perfClock, t.info.ProcessorInfo.SustainedClockSpeedInGhz)
		}
	}
}

// priceProtect applies the price thresholds given, against the lowest
// on-demand price among the matching types as EC2 picks it: a current C,
// M or R type's, failing that a current type's, failing that a previous
// one's. The catalogue has on-demand prices only, so the spot thresholds
// compare on-demand prices too. Types without a price in the region cannot
// be shown to be under a threshold and are left out when one applies.
// EC2 applies no default threshold to this preview.
func (r *requirements) priceProtect(items []typeItem) []typeItem {
	if r.onDemandPct == nil && r.spotPct == nil && r.spotOfOptimalPct == nil {
		return items
	}
	ref := lowestPrice(items)
	limit := -1.0
	tighten := func(l float64) {
		if limit < 0 || l < limit {
			limit = l
		}
	}
	if r.onDemandPct != nil {
		tighten(ref * (1 + float64(*r.onDemandPct)/100))
	}
	if r.spotPct != nil {
		tighten(ref * (1 + float64(*r.spotPct)/100))
	}
	if r.spotOfOptimalPct != nil {
		tighten(ref * float64(*r.spotOfOptimalPct) / 100)
	}
	out := items[:0:0]
	for _, t := range items {
		// A thousandth of a cent of slack: prices are decimals.
		if p := price(t.info); p > 0 && p <= limit+1e-9 {
			out = append(out, t)
		}
	}
	return out
}

// lowestPrice is the identified on-demand price of a set of types.
func lowestPrice(items []typeItem) float64 {
	best := [3]float64{} // current C/M/R, current, previous
	for _, t := range items {
		p := price(t.info)
		if p <= 0 {
			continue
		}
		tiers := []int{2}
		if t.info.CurrentGeneration {
			tiers = []int{1}
			if cmr(t.info.InstanceType) {
				tiers = []int{0, 1}
			}
		}
		for _, k := range tiers {
			if best[k] == 0 || p < best[k] {
				best[k] = p
			}
		}
	}
	for _, p := range best {
		if p > 0 {
			return p
		}
	}
	return 0
}

// cmr reports a C, M or R family: its letters before the generation are
// exactly one of those (m5, c6gn, r7iz; not mac2).
func cmr(typ string) bool {
	f := configs.Family(typ)
	n := 0
	for n < len(f) && f[n] >= 'a' && f[n] <= 'z' {
		n++
	}
	return n == 1 && strings.ContainsRune("cmr", rune(f[0]))
}

func price(i ec2.InstanceTypeInfo) float64 {
	p, _ := strconv.ParseFloat(i.OnDemandPricePerHour, 64)
	return p
}

func generation(i ec2.InstanceTypeInfo) string {
	if i.CurrentGeneration {
		return "current"
	}
	return "previous"
}

// tripleHas applies an included|required|excluded requirement to a fact.
func tripleHas(req string, has bool) bool {
	switch req {
	case tripleRequired:
		return has
	case tripleExcluded:
		return !has
	}
	return true
}

func ebsBaseline(i ec2.InstanceTypeInfo) float64 {
	if i.EbsInfo.EbsOptimizedInfo == nil {
		return 0
	}
	return float64(i.EbsInfo.EbsOptimizedInfo.BaselineBandwidthInMbps)
}

func anyOf(want, have []string) bool {
	for _, h := range have {
		if slices.Contains(want, h) {
			return true
		}
	}
	return false
}

// wildAny matches a type name against EC2's type patterns ('*' any run).
func wildAny(patterns []string, typ string) bool {
	for _, p := range patterns {
		if describe.WildMatch(p, typ) {
			return true
		}
	}
	return false
}
