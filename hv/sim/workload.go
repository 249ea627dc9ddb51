package sim

import (
	"fmt"
	"math"
	"time"

	"github.com/ec2x/ec2x/hv"
)

// A workload model says how busy a simulated guest is over time. Load is
// piecewise constant over fixed buckets of wall time, so counters are a sum
// over buckets that gives the same result however often Stats is called.
type workload struct {
	kind             wkind
	mean, amp, noise float32 // a custom profile's, as fractions
}

type wkind uint8

const (
	wlIdle wkind = iota
	wlWeb
	wlBatch
	wlBurn
	wlCustom
)

const numWorkloads = 4

// Workloads returns the names GuestSpec.Workload and SetWorkload accept;
// the empty string also means "idle".
func Workloads() []string {
	names := make([]string, numWorkloads)
	for k := range wkind(numWorkloads) {
		names[k] = workload{kind: k}.String()
	}
	return names
}

// customWorkload is a user's profile, from percentages.
func customWorkload(p *hv.LoadProfile) (workload, error) {
	if p.MeanPct < 0 || p.MeanPct > 100 || p.DiurnalPct < 0 || p.NoisePct < 0 || p.DiurnalPct+p.NoisePct > 100 {
		return workload{}, fmt.Errorf("sim: invalid load profile %+v", *p)
	}
	return workload{kind: wlCustom, mean: float32(p.MeanPct / 100), amp: float32(p.DiurnalPct / 100), noise: float32(p.NoisePct / 100)}, nil
}

func parseWorkload(name string, load *hv.LoadProfile) (workload, error) {
	if load != nil {
		return customWorkload(load)
	}
	if name == "" {
		return workload{kind: wlIdle}, nil
	}
	for k := range wkind(numWorkloads) {
		if w := (workload{kind: k}); w.String() == name {
			return w, nil
		}
	}
	return workload{}, fmt.Errorf("sim: unknown workload %q (have %v)", name, Workloads())
}

func (w workload) String() string {
	switch w.kind {
	case wlCustom:
		return "custom"
	case wlWeb:
		return "web"
	case wlBatch:
		return "batch"
	case wlBurn:
		return "cpu-burn"
	}
	return "idle"
}

const bucket = int64(time.Minute)

// profile is a model's I/O per CPU-second and memory footprint.
type profile struct {
	rx, tx, rd, wr float64 // bytes per CPU-second
	memLo, memHi   float64 // fraction of memory in use
}

func (w workload) profile() profile {
	switch w.kind {
	case wlCustom: // like a web server: I/O follows the CPU
		return profile{rx: 300e3, tx: 1.5e6, rd: 40e3, wr: 120e3, memLo: 0.30, memHi: 0.50}
	case wlWeb: // serves pages: more out than in, little disk
		return profile{rx: 300e3, tx: 1.5e6, rd: 40e3, wr: 120e3, memLo: 0.40, memHi: 0.60}
	case wlBatch: // reads and writes data sets
		return profile{rx: 150e3, tx: 60e3, rd: 4e6, wr: 2e6, memLo: 0.60, memHi: 0.85}
	case wlBurn: // spins in registers
		return profile{rx: 2e3, tx: 2e3, rd: 1e3, wr: 1e3, memLo: 0.05, memHi: 0.10}
	default: // agents, NTP, logs
		return profile{rx: 60e3, tx: 30e3, rd: 20e3, wr: 80e3, memLo: 0.15, memHi: 0.25}
	}
}

// util is the CPU utilisation (0..1 of all vCPUs) during bucket k, whose
// middle is at unix nanosecond mid; n is the bucket's noise in [0, 1).
func (w workload) util(n float64, mid int64) float64 {
	switch w.kind {
	case wlCustom:
		day := float64(mid%int64(24*time.Hour)) / float64(24*time.Hour)
		u := float64(w.mean) + float64(w.amp)*math.Sin(2*math.Pi*(day-0.375)) + float64(w.noise)*(2*n-1)
		return min(max(u, 0), 1)
	case wlWeb:
		// A daily wave peaking mid-afternoon UTC, plus noise: 20..40%.
		day := float64(mid%int64(24*time.Hour)) / float64(24*time.Hour)
		return 0.30 + 0.08*math.Sin(2*math.Pi*(day-0.375)) + 0.02*(2*n-1)
	case wlBatch:
		return 0.70 + 0.10*(2*n-1)
	case wlBurn:
		return 0.995 + 0.005*n
	default:
		return 0.01 + 0.02*n
	}
}

// counters are cumulative resource use.
type counters struct {
	cpu            int64 // nanoseconds summed over vCPUs
	rx, tx, rd, wr uint64
}

func (c *counters) add(o counters) {
	c.cpu += o.cpu
	c.rx += o.rx
	c.tx += o.tx
	c.rd += o.rd
	c.wr += o.wr
}

// floorBucket returns the start of the bucket holding t (unix nanoseconds).
func floorBucket(t int64) int64 {
	k := t / bucket
	if t%bucket < 0 {
		k--
	}
	return k * bucket
}

// integrate sums the counters of a guest with vcpus running workload w over
// [from, to), cut at bucket boundaries. key is the guest's noise key.
func integrate(w workload, key uint64, vcpus int, from, to int64) counters {
	var c counters
	p := w.profile()
	for a := from; a < to; {
		start := floorBucket(a)
		b := min(start+bucket, to)
		k := uint64(start / bucket)
		u := w.util(unit(mix(key, k)), start+bucket/2)
		cpu := u * float64(b-a) * float64(vcpus)
		sec := cpu / 1e9
		j := 0.75 + 0.5*unit(mix(key^0x5bd1e995, k))
		c.cpu += int64(cpu)
		c.rx += uint64(sec * p.rx * j)
		c.tx += uint64(sec * p.tx * j)
		c.rd += uint64(sec * p.rd * (1.5 - j))
		c.wr += uint64(sec * p.wr * (1.5 - j))
		a = b
	}
	return c
}

// memUsed is the memory in use at t by a running guest.
func memUsed(w workload, key uint64, memMiB int, t int64) int {
	p := w.profile()
	n := unit(mix(key^0x2545f491, uint64(floorBucket(t)/bucket)))
	return int(float64(memMiB) * (p.memLo + (p.memHi-p.memLo)*n))
}
