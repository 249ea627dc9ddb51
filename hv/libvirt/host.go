package libvirt

import (
	"context"
	"fmt"
	"time"

	"github.com/ec2x/ec2x/hv"
)

// unansweredAfter is how long the host may go without answering a poll
// before Reachable says it is away: a host whose daemon died refuses the
// next poll's connection at once, one that hangs never answers it.
const unansweredAfter = 5 * time.Second

// answered records the outcome of a poll (nil: the host answered).
func (d *Driver) answered(err error) {
	d.healthMu.Lock()
	defer d.healthMu.Unlock()
	d.lastErr = err
	if err == nil {
		d.lastOK = time.Now()
	}
}

// Reachable implements hv.HealthReporter from the watch loop's last poll,
// without a call to the host: nil when it answered, else why not. A poll
// that has not come back for unansweredAfter (a host that hangs) counts
// as no answer.
func (d *Driver) Reachable(ctx context.Context) error {
	d.healthMu.Lock()
	defer d.healthMu.Unlock()
	if d.lastErr != nil {
		return d.lastErr
	}
	if since := time.Since(d.lastOK); since > unansweredAfter {
		return fmt.Errorf("%w: libvirt host %s has not answered for %s", hv.ErrUnavailable, d.opts.URI, since.Round(time.Second))
	}
	return nil
}

// HostCapacity implements hv.HostInspector: the host's CPUs and memory as
// libvirt's node info counts them (its online CPUs, its MemTotal).
func (d *Driver) HostCapacity(ctx context.Context) (vcpus, memoryMiB int, err error) {
	l, err := d.client()
	if err != nil {
		return 0, 0, err
	}
	_, kib, cpus, _, _, _, _, _, err := l.NodeGetInfo()
	if err != nil {
		return 0, 0, fmt.Errorf("%w: libvirt host %s: node info: %v", hv.ErrUnavailable, d.opts.URI, err)
	}
	return int(cpus), int(kib >> 10), nil
}
