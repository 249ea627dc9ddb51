package qemu

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/hv"
)

// Stats implements hv.Observer: CPU time from /proc, disk from QMP and
// network from the NICs' traffic dumps, all cumulative over the guest's runs.
func (d *Driver) Stats(ctx context.Context, id string) (hv.Stats, error) {
	d.mu.Lock()
	g, err := d.get(id)
	if err != nil {
		d.mu.Unlock()
		return hv.Stats{}, err
	}
	pid, sock := g.pid, g.path("qmp.sock")
	d.mu.Unlock()
	var cpu time.Duration
	var rd, wr uint64
	failed := false
	if pid > 0 {
		cpu, _ = procCPU(pid)
		failed = !healthy(ctx, sock, pid)
		var blocks []struct {
			Stats struct {
				RdBytes uint64 `json:"rd_bytes"`
				WrBytes uint64 `json:"wr_bytes"`
			} `json:"stats"`
		}
		if err := qmp(ctx, sock, "query-blockstats", nil, &blocks); err == nil {
			for _, b := range blocks {
				rd += b.Stats.RdBytes
				wr += b.Stats.WrBytes
			}
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if g.pid == pid && pid > 0 {
		g.lastCPU = max(g.lastCPU, cpu)
		g.lastDiskRead, g.lastDiskW = max(g.lastDiskRead, rd), max(g.lastDiskW, wr)
	}
	st := hv.Stats{At: d.now(), CPUTime: g.BaseCPU + g.lastCPU,
		DiskReadBytes: g.BaseDiskRead + g.lastDiskRead, DiskWriteBytes: g.BaseDiskWrite + g.lastDiskW,
		NetRxBytes: g.BaseNetIn, NetTxBytes: g.BaseNetOut, StatusCheckFailed: failed && g.pid == pid}
	if g.pid > 0 {
		st.MemoryUsedMiB = procRSSMiB(g.pid, g.Spec.MemoryMiB)
		in, out := g.netCounts(ctx, d.rotateAt)
		st.NetRxBytes += in
		st.NetTxBytes += out
	}
	return st, nil
}

// vmStatus is QEMU's run state of the guest (query-status).
func vmStatus(ctx context.Context, sock string) (status string, running bool, err error) {
	var st struct {
		Status  string `json:"status"`
		Running bool   `json:"running"`
	}
	err = qmp(ctx, sock, "query-status", nil, &st)
	return st.Status, st.Running, err
}

// healthy asks QEMU whether the guest runs. A guest that panicked (the
// pvpanic device tells QEMU, which then pauses it), that QEMU stopped on
// an error, or that is stopped in any other way fails its status check;
// only a process's first seconds, before its guest starts (prelaunch),
// do not count. An unanswered QMP does not count either: the process may
// be busy, and its death is seen by the watcher.
func healthy(ctx context.Context, sock string, pid int) bool {
	status, running, err := vmStatus(ctx, sock)
	switch {
	case err != nil, running:
		return true
	case status == "prelaunch":
		age, ok := procAge(pid)
		return !ok || age < 10*time.Second
	}
	return false
}

// procStat is a process's /proc/PID/stat fields after its name, the
// first being field 3 (state), with at least n of them.
func procStat(pid, n int) ([]string, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, false
	}
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return nil, false
	}
	f := strings.Fields(string(b)[i+1:])
	return f, len(f) >= n
}

// procAge is how long a process has run.
func procAge(pid int) (time.Duration, bool) {
	f, ok := procStat(pid, 20)
	up, err := os.ReadFile("/proc/uptime")
	if !ok || err != nil {
		return 0, false
	}
	start, _ := strconv.ParseUint(f[19], 10, 64) // clock ticks (USER_HZ 100) after boot
	now, _ := strconv.ParseFloat(strings.Fields(string(up))[0], 64)
	return time.Duration(now*float64(time.Second)) - time.Duration(start)*10*time.Millisecond, true
}

// procCPU is a process's user and system time (USER_HZ 100).
func procCPU(pid int) (time.Duration, bool) {
	f, ok := procStat(pid, 13)
	if !ok {
		return 0, false
	}
	ut, _ := strconv.ParseUint(f[11], 10, 64)
	st, _ := strconv.ParseUint(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond, true
}

// procRSSMiB is the memory the guest has touched: QEMU's resident set,
// capped at the guest's size.
func procRSSMiB(pid, limit int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return max(1, min(kb/1024, limit))
		}
	}
	return 0
}
