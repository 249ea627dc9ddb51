package monitor

import (
	"time"

	"github.com/ec2x/ec2x/hv"
)

// FromStats turns two readings of a guest's cumulative counters into the
// sample values of the interval between them: CPU demand (CPUUtilization
// as the workload wanted it, before the credit model), MemoryUtilization,
// and the bytes moved in the interval. StatusCheckFailed is 0 and the credit
// metrics are unreported; Credits.Fill and the caller set them.
// MemoryUtilization is unreported while the driver knows no figure. A counter
// that went backwards (the guest was recreated) counts from zero.
func FromStats(prev, cur hv.Stats, vcpus, memoryMiB int) (demandPct float64, v Values) {
	v = NoValues()
	elapsed := cur.At.Sub(prev.At)
	if elapsed > 0 && vcpus > 0 {
		cpu := cur.CPUTime - prev.CPUTime
		if cpu < 0 {
			cpu = cur.CPUTime
		}
		demandPct = float64(cpu) / (float64(elapsed) * float64(vcpus)) * 100
		demandPct = min(max(demandPct, 0), 100)
	}
	v[CPUUtilization] = demandPct
	if memoryMiB > 0 && cur.MemoryUsedMiB > 0 {
		v[MemoryUtilization] = min(float64(cur.MemoryUsedMiB)/float64(memoryMiB)*100, 100)
	} // else the guest has not said (hv.Stats): no datapoint rather than 0
	v[NetworkIn] = delta(prev.NetRxBytes, cur.NetRxBytes)
	v[NetworkOut] = delta(prev.NetTxBytes, cur.NetTxBytes)
	v[DiskReadBytes] = delta(prev.DiskReadBytes, cur.DiskReadBytes)
	v[DiskWriteBytes] = delta(prev.DiskWriteBytes, cur.DiskWriteBytes)
	v[StatusCheckFailed], v[StatusCheckFailed_Instance], v[StatusCheckFailed_System] = 0, 0, 0
	if cur.StatusCheckFailed {
		v[StatusCheckFailed], v[StatusCheckFailed_Instance] = 1, 1
	}
	return demandPct, v
}

func delta(prev, cur uint64) float64 {
	if cur < prev {
		return float64(cur)
	}
	return float64(cur - prev)
}

// Interval is the time between two readings, for Credits.Step; it is 0 when
// the readings are out of order.
func Interval(prev, cur hv.Stats) time.Duration { return max(cur.At.Sub(prev.At), 0) }
