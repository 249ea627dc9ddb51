package qemu

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ec2x/ec2x/hv"
)

// The daemon supervises the QEMU processes: it watches each one until it
// ends, and after a restart finds the ones that kept running.

// reattach loads every guest on disk and watches those still running.
func (d *Driver) reattach() error {
	entries, err := os.ReadDir(d.dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(d.dir, e.Name(), "guest.json"))
		if err != nil {
			continue
		}
		g := &guest{dir: filepath.Join(d.dir, e.Name())}
		if err := json.Unmarshal(b, g); err != nil {
			d.opts.Logger.Warn().Err(err).Str("guest", e.Name()).Msg("unreadable guest")
			continue
		}
		d.g[g.Spec.ID] = g
		if pid := livePID(g); pid > 0 {
			g.pid = pid
			if g.Netdevs == nil { // started by a build that numbered NICs by position
				g.Netdevs = map[string]int{}
				for i, nic := range g.Spec.NICs {
					g.Netdevs[nic.ID] = i
				}
				g.NextNetdev = len(g.Spec.NICs)
			}
			d.resumeAll(context.Background(), g)
			if err := d.sshProxy(g); err != nil {
				d.opts.Logger.Warn().Err(err).Msg("qemu")
			}
			_ = g.save()
			d.opts.Logger.Info().Str("guest", g.Spec.ID).Int("pid", pid).Msg("re-attached to a running guest")
			d.watch(g, pid)
			continue
		}
		// it ended while no daemon watched: keep its run's traffic
		g.endNetRun(context.Background())
		g.Forwards = nil
		if err := g.save(); err != nil {
			d.opts.Logger.Warn().Err(err).Str("guest", g.Spec.ID).Msg("save")
		}
	}
	return nil
}

// livePID is the guest's QEMU process if it still runs.
func livePID(g *guest) int {
	b, err := os.ReadFile(g.path("qemu.pid"))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || !strings.Contains(string(cmd), g.Spec.ID) {
		return 0 // gone, or the PID now belongs to something else
	}
	return pid
}

// watch waits for the guest's process to end and reports why.
func (d *Driver) watch(g *guest, pid int) {
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-d.done:
				return
			case <-t.C:
			}
			if syscall.Kill(pid, 0) == nil {
				if cpu, ok := d.procCPU(pid); ok {
					d.mu.Lock()
					g.lastCPU = cpu
					d.mu.Unlock()
				}
				continue
			}
			d.mu.Lock()
			if g.pid != pid {
				d.mu.Unlock()
				return
			}
			g.pid = 0
			g.BaseCPU += g.lastCPU
			g.BaseDiskRead += g.lastDiskRead
			g.BaseDiskWrite += g.lastDiskW
			g.lastCPU, g.lastDiskRead, g.lastDiskW = 0, 0, 0
			g.endNetRun(context.Background())
			g.Forwards = nil
			d.unplugAll(g)
			_ = g.save()
			destroying := g.destroying
			reason := ""
			if !g.stopping && !destroying {
				reason = "the guest powered off"
			}
			g.stopping = false
			if destroying {
				os.RemoveAll(g.dir)
				delete(d.g, g.Spec.ID)
			}
			d.mu.Unlock()
			if destroying {
				d.notify(g.Spec.ID, hv.StateDestroyed, "")
			} else {
				d.notify(g.Spec.ID, hv.StateStopped, reason)
			}
			return
		}
	}()
}
