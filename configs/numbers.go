package configs

import (
	"fmt"
	"math"
	"strconv"
)

// number is one numeric setting and the range it must lie in. Every
// numeric setting is listed by numbers, so that NaN, infinities and values
// no clock or counter can hold are refused in one place: a NaN passes every
// comparison, and 1e308 seconds is no time.Duration.
type number struct {
	key      []string
	idx      int     // the [[hosts]] entry key is in, -1 elsewhere
	label    string  // names the setting in the message where the key does not ("hosts[2]: count ")
	v        float64 // the value (ints converted)
	text     *string // a price written as a decimal string, instead of v
	min, max float64
	above    bool   // v must be greater than min, not equal to it
	note     string // why the range, in the message
}

// Ranges shared by several settings.
const (
	day         = 86400
	maxUSD      = 100000 // per hour: far above the dearest instance
	maxHosts    = 10000  // hosts in one [[hosts]] entry
	maxOvercomm = 1000
)

// decimalRe is a price: digits with an optional fraction, as EC2 writes
// them ("0.0104"); no exponent, NaN or Inf.
var decimalRe = LazyRegexpOf(`^[0-9]{1,9}(\.[0-9]{1,12})?$`)

func num(v float64, min, max float64, key ...string) number {
	return number{key: key, idx: -1, v: v, min: min, max: max}
}

func positive(v float64, max float64, key ...string) number {
	n := num(v, 0, max, key...)
	n.above = true
	return n
}

func price(s *string, key ...string) number {
	n := num(0, 0, maxUSD, key...)
	n.text = s
	return n
}

func (n number) because(note string) number { n.note = note; return n }

// topNumbers lists the numeric settings outside regions, types, images
// and hosts (what the command line checks too).
func (c *Config) topNumbers() []number {
	ns := []number{
		num(c.Sim.BootSeconds, 0, day, "sim", "boot_seconds").because("a simulated boot of a day at most"),
		num(c.Sim.StopSeconds, 0, day, "sim", "stop_seconds").because("a simulated stop of a day at most"),
		positive(c.Monitor.IntervalSeconds, day, "monitor", "interval_seconds"),
		num(float64(c.Limits.ElasticIPsPerRegion), 0, 1<<20, "limits", "elastic_ips_per_region"),
		num(float64(c.Limits.MaxCountPerRun), 1, 2000, "limits", "max_count_per_run").
			because("one launch is one transaction, and the store bounds it"),
		num(c.Lifecycle.TerminatedVisibleSeconds, 0, 30*day, "lifecycle", "terminated_visible_seconds"),
		positive(c.Spot.RepriceMinutes, 7*24*60, "spot", "reprice_minutes"),
		positive(c.Spot.HistoryDays, 3650, "spot", "history_days"),
		price(&c.Pricing.PublicIPv4Hourly, "pricing", "public_ipv4_hourly"),
		num(float64(c.Pricing.WasmMemoryMiB), 4, 4096, "pricing", "wasm_memory_mib").because("MiB: a module needs 4 at least"),
		num(float64(c.Pricing.WasmTimeoutMs), 1, 10000, "pricing", "wasm_timeout_ms"),
	}
	for _, name := range sortedKeys(c.Workloads) {
		w := c.Workloads[name]
		if w == nil {
			continue
		}
		for _, f := range []struct {
			key string
			v   float64
		}{{"mean", w.Mean}, {"diurnal_amplitude", w.DiurnalAmplitude}, {"noise", w.Noise}} {
			ns = append(ns, num(f.v, 0, 100, "workloads", name, f.key).because("a percentage of the vCPUs"))
		}
	}
	return ns
}

// catalogNumbers lists the numeric settings of regions, types, images and
// hosts, after their defaults are filled in.
func (c *Config) catalogNumbers() []number {
	var ns []number
	for _, name := range c.RegionNames() {
		if r := c.Regions[name]; r != nil {
			ns = append(ns, num(float64(r.SubnetPrefix), 8, 28, "regions", name, "subnet_prefix"))
		}
	}
	for _, name := range c.TypeNames() {
		t := c.Types[name]
		if t == nil || !c.checksType(name) {
			continue
		}
		k := func(f string) []string { return []string{"types", name, f} }
		ns = append(ns,
			num(float64(t.VCPUs), 1, 4096, k("vcpus")...),
			num(float64(t.MemoryMiB), 128, 32<<20, k("memory_mib")...),
			num(float64(t.ThreadsPerCore), 1, 8, k("threads_per_core")...),
			num(float64(t.MaxENIs), 1, 128, k("max_enis")...),
			num(float64(t.IPv4PerENI), 1, 256, k("ipv4_per_eni")...),
			num(t.BaselinePercent, 0, 100, k("baseline_percent")...),
			num(t.CreditsPerHour, 0, 10000, k("credits_per_hour")...),
		)
		ns = append(ns, describedNumbers(t, k)...)
		for _, region := range sortedKeys(t.Price) {
			p := t.Price[region]
			n := price(&p, k("price")...)
			n.label = "price in " + region + " "
			ns = append(ns, n)
		}
	}
	for _, name := range sortedKeys(c.Images) {
		if img := c.Images[name]; img != nil {
			ns = append(ns, num(float64(img.RootDeviceGiB), 1, 16384, "images", name, "root_device_gib").because("GiB, as EBS allows"))
		}
	}
	for i := range c.Hosts {
		h := &c.Hosts[i]
		e := c.hostEntry(i)
		// a libvirt host's capacity is read from the host when it is not
		// set (0): its engine knows it
		least := 1.0
		if h.Driver == "libvirt" {
			least = 0
		}
		for _, n := range []number{
			num(float64(h.Count), 1, maxHosts, "hosts", "count"),
			num(float64(h.VCPUs), least, 1<<16, "hosts", "vcpus"),
			num(float64(h.MemoryGiB), least, 1<<20, "hosts", "memory_gib"),
			num(h.CPUOvercommit, 0, maxOvercomm, "hosts", "cpu_overcommit").because("0 or absent means 1"),
			num(h.MemOvercommit, 0, maxOvercomm, "hosts", "mem_overcommit").because("0 or absent means 1"),
		} {
			n.idx = i
			n.label = fmt.Sprintf("hosts[%d]: %s ", e.idx, n.key[1])
			ns = append(ns, n)
		}
	}
	return ns
}

// checkNumbers returns the first setting of ns out of its range.
func checkNumbers(ns []number) *problem {
	for _, n := range ns {
		if msg := n.check(); msg != "" {
			return &problem{key: n.key, idx: n.idx, msg: n.label + msg}
		}
	}
	return nil
}

// check says what is wrong with n, or "".
func (n number) check() string {
	v := n.v
	if n.text != nil {
		if !decimalRe.MatchString(*n.text) {
			return fmt.Sprintf("%q is not a decimal USD amount", *n.text)
		}
		v, _ = strconv.ParseFloat(*n.text, 64)
	}
	var msg string
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		msg = "must be a finite number, not " + strconv.FormatFloat(v, 'g', -1, 64)
		if math.IsInf(v, 1) {
			msg = "must be a finite number, not +Inf"
		}
	case v < n.min && n.min == 0:
		msg = "must not be negative"
	case v <= n.min && n.above && n.min == 0:
		msg = "must be positive"
	case v < n.min || (n.above && v <= n.min):
		msg = "must be at least " + fmtNum(n.min)
	case v > n.max:
		msg = "must be at most " + fmtNum(n.max)
	default:
		return ""
	}
	if n.note != "" {
		msg += " (" + n.note + ")"
	}
	return msg
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// describedNumbers are a type's figures that only DescribeInstanceTypes
// shows; the ranges hold EC2's largest types with room to spare.
func describedNumbers(t *InstType, k func(string) []string) []number {
	ns := []number{
		num(float64(t.Cores), 0, 4096, k("cores")...),
		num(t.ClockGHz, 0, 100, k("clock_ghz")...),
		num(float64(t.IPv6PerENI), 0, 256, k("ipv6_per_eni")...),
		num(float64(t.NetworkCards), 0, 64, k("network_cards")...),
		num(float64(t.EFAInterfaces), 0, 64, k("efa_interfaces")...),
		num(float64(t.EBSBaselineMbps), 0, 1e7, k("ebs_baseline_mbps")...),
		num(float64(t.EBSBaselineIOPS), 0, 1e8, k("ebs_baseline_iops")...),
		num(t.EBSBaselineMBps, 0, 1e7, k("ebs_baseline_mbytes")...),
		num(float64(t.EBSMaxMbps), 0, 1e7, k("ebs_max_mbps")...),
		num(float64(t.EBSMaxIOPS), 0, 1e8, k("ebs_max_iops")...),
		num(t.EBSMaxMBps, 0, 1e7, k("ebs_max_mbytes")...),
		num(float64(t.InstanceStorageGB), 0, 1e7, k("instance_storage_gb")...),
		num(float64(t.DiskCount), 0, 64, k("disk_count")...),
		num(float64(t.DiskSizeGB), 0, 1e6, k("disk_size_gb")...),
		num(float64(t.GPUs), 0, 256, k("gpus")...),
		num(float64(t.MaxEBSAttachments), 0, 1024, k("max_ebs_attachments")...),
	}
	for _, c := range t.ValidCores {
		ns = append(ns, num(float64(c), 1, 4096, k("valid_cores")...))
	}
	for _, th := range t.ValidThreads {
		ns = append(ns, num(float64(th), 1, 8, k("valid_threads")...))
	}
	return ns
}
