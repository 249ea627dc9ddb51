package qemu

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ec2x/ec2x/hv"
)

var _ hv.Hibernator = (*Driver)(nil)

// memoryImage is the file a hibernated guest's state (memory and devices)
// is saved to, in its directory.
const memoryImage = "memory.state"

// hibernateLimit bounds how long saving a guest's state may take before
// the hibernation counts as failed.
const hibernateLimit = 10 * time.Minute

// Hibernate implements hv.Hibernator: QEMU migrates the running guest's
// state into a file and quits; the next Start loads it with -incoming, so
// the guest carries on where it was, with no new boot. A save that fails
// becomes a graceful stop, as EC2 shuts down an instance that cannot
// hibernate.
func (d *Driver) Hibernate(ctx context.Context, id string) error {
	defer d.lockDisks(id)() // no disk is being copied or changed as its state is saved
	d.mu.Lock()
	g, err := d.get(id)
	if err == nil && (g.pid == 0 || g.stopping || g.destroying) {
		err = fmt.Errorf("%w: %s is not running", hv.ErrInvalidState, id)
	}
	if err != nil {
		d.mu.Unlock()
		return err
	}
	g.stopping = true
	sock, img := g.path("qmp.sock"), g.path(memoryImage)
	d.mu.Unlock()
	_ = os.Remove(img)
	// QEMU 7 has no file: migration URI; exec: runs the command with sh.
	if err := qmp(ctx, sock, "migrate", map[string]any{"uri": "exec:cat > " + shellQuote(img)}, nil); err != nil {
		d.mu.Lock()
		g.stopping = false
		d.mu.Unlock()
		return err
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		if !d.awaitMigration(sock) {
			d.opts.Logger.Warn().Str("guest", id).Msg("saving the guest's memory failed; stopping it instead")
			_ = os.Remove(img)
			_ = d.Stop(context.Background(), id, false)
			return
		}
		d.mu.Lock()
		g.Hibernated = true
		_ = g.save()
		d.mu.Unlock()
		_ = qmp(context.Background(), sock, "quit", nil, nil)
	}()
	return nil
}

// awaitMigration polls the migration to its end; it reports whether the
// state was saved whole.
func (d *Driver) awaitMigration(sock string) bool {
	deadline := time.After(hibernateLimit)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-d.done:
			return false
		case <-deadline:
			return false
		case <-tick.C:
		}
		var st struct {
			Status string `json:"status"`
		}
		if err := qmp(context.Background(), sock, "query-migrate", nil, &st); err != nil {
			return false
		}
		switch st.Status {
		case "completed":
			return true
		case "failed", "cancelled":
			return false
		}
	}
}

// incomingArgs are the arguments that resume a hibernated guest from its
// saved state; none when it has none. d.mu must be held.
func incomingArgs(g *guest) []string {
	if !g.Hibernated {
		return nil
	}
	img := g.path(memoryImage)
	if _, err := os.Stat(img); err != nil {
		return nil
	}
	return []string{"-incoming", "exec:cat " + shellQuote(img)}
}

// forgetImage removes a resumed guest's saved state once QEMU has loaded
// it (the guest runs), so that a later start boots afresh.
func (d *Driver) forgetImage(g *guest, pid int) {
	sock, img := g.path("qmp.sock"), g.path(memoryImage)
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-d.done:
				return
			case <-tick.C:
			}
			d.mu.Lock()
			gone := g.pid != pid
			d.mu.Unlock()
			var st struct {
				Running bool `json:"running"`
			}
			if gone || (qmp(context.Background(), sock, "query-status", nil, &st) == nil && st.Running) {
				_ = os.Remove(img)
				return
			}
		}
	}()
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
