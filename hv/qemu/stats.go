package qemu

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/qemuguest"
)

// Stats implements hv.Observer: CPU time from /proc, disk from QMP and
// network from the NICs' traffic dumps, all cumulative over the guest's
// runs; memory is what the guest's kernel reports through the balloon
// device (see guestMemUsedMiB).
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
		cpu, _ = d.procCPU(pid)
		failed = !d.healthy(ctx, sock, pid)
		var blocks []struct {
			Qdev  string `json:"qdev"`
			Stats struct {
				RdBytes uint64 `json:"rd_bytes"`
				WrBytes uint64 `json:"wr_bytes"`
			} `json:"stats"`
		}
		if err := qmp(ctx, sock, "query-blockstats", nil, &blocks); err == nil {
			for _, b := range blocks {
				// EBS volumes count apart, as in EC2, and a detached
				// one must not take its bytes off the guest's counters
				if strings.HasPrefix(b.Qdev, "/machine/peripheral/"+deviceID("")) {
					continue
				}
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
		st.MemoryUsedMiB = guestMemUsedMiB(ctx, sock, g.Spec.MemoryMiB)
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
func (d *Driver) healthy(ctx context.Context, sock string, pid int) bool {
	status, running, err := vmStatus(ctx, sock)
	switch {
	case err != nil, running:
		return true
	case status == "prelaunch":
		age, ok := d.procAge(pid)
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
func (d *Driver) procAge(pid int) (time.Duration, bool) {
	f, ok := procStat(pid, 20)
	up, err := os.ReadFile("/proc/uptime")
	if !ok || err != nil {
		return 0, false
	}
	start, _ := strconv.ParseInt(f[19], 10, 64) // clock ticks after boot
	now, _ := strconv.ParseFloat(strings.Fields(string(up))[0], 64)
	return time.Duration(now*float64(time.Second)) - ticks(start, d.hz), true
}

// procCPU is a process's user and system time.
func (d *Driver) procCPU(pid int) (time.Duration, bool) {
	f, ok := procStat(pid, 13)
	if !ok {
		return 0, false
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return ticks(ut+st, d.hz), true
}

// ticks converts n clock ticks at hz per second (USER_HZ, the unit of
// /proc's times) to a duration.
func ticks(n, hz int64) time.Duration {
	return time.Duration(n/hz)*time.Second + time.Duration(n%hz)*time.Second/time.Duration(hz)
}

// atClkTck is the auxiliary vector's entry for USER_HZ (<linux/auxvec.h>).
const atClkTck = 17

// clockTicks is sysconf(_SC_CLK_TCK), the unit of /proc/PID/stat's times.
// Go has no sysconf: like glibc, read AT_CLKTCK from the auxiliary vector
// the kernel gave this process.
func clockTicks() (int64, error) {
	b, err := os.ReadFile("/proc/self/auxv")
	if err != nil {
		return 0, err
	}
	return auxvValue(b, atClkTck)
}

// auxvValue finds key in an auxiliary vector: pairs of native words,
// ended by AT_NULL (0).
func auxvValue(b []byte, key uint64) (int64, error) {
	w := strconv.IntSize / 8
	word := func(p []byte) uint64 {
		if w == 4 {
			return uint64(binary.NativeEndian.Uint32(p))
		}
		return binary.NativeEndian.Uint64(p)
	}
	for ; len(b) >= 2*w; b = b[2*w:] {
		k, v := word(b), word(b[w:])
		if k == 0 {
			break
		}
		if k == key {
			if v == 0 || v > 1<<20 {
				return 0, fmt.Errorf("auxv: entry %d is %d", key, v)
			}
			return int64(v), nil
		}
	}
	return 0, fmt.Errorf("auxv: no entry %d", key)
}

// balloonID is the balloon device's id: QEMU reports the guest's memory
// statistics on it (guest-stats), polled every balloonPoll seconds.
const (
	balloonID   = "balloon0"
	balloonPoll = 2
)

// guestMemUsedMiB is the memory the guest's kernel says it uses
// (qemuguest.MemUsedMiB), from the virtio-balloon device's statistics. It is 0 while the guest has not
// reported: its balloon driver is not loaded yet, or the image has none.
func guestMemUsedMiB(ctx context.Context, sock string, limit int) int {
	var gs struct {
		Stats      map[string]int64 `json:"stats"`
		LastUpdate int64            `json:"last-update"`
	}
	args := map[string]string{"path": "/machine/peripheral/" + balloonID, "property": "guest-stats"}
	if err := qmp(ctx, sock, "qom-get", args, &gs); err != nil || gs.LastUpdate == 0 {
		return 0
	}
	// QEMU reports -1 for what the guest did not
	return qemuguest.MemUsedMiB(gs.Stats["stat-total-memory"], gs.Stats["stat-available-memory"],
		gs.Stats["stat-free-memory"], gs.Stats["stat-disk-caches"], limit)
}
