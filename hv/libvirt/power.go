package libvirt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	golibvirt "github.com/digitalocean/go-libvirt"

	"github.com/ec2x/ec2x/hv"
)

// Power: stops, graceful or not, and reboots. A graceful stop is the
// guest's business (the ACPI power button), so it goes on in the
// background until the domain is off; the poll (watch.go) reports it.

// Stop implements hv.Lifecycle: the ACPI power button, pressed again every
// two seconds (a guest still booting hears none), then the plug pulled
// after a grace period; force pulls it at once.
func (d *Driver) Stop(ctx context.Context, id string, force bool) error {
	g, l, err := d.hold(id)
	if err != nil {
		return err
	}
	defer g.op.Unlock()
	d.mu.Lock()
	if !g.running {
		d.mu.Unlock()
		return fmt.Errorf("%w: %s is not running", hv.ErrInvalidState, id)
	}
	g.stopping = true
	run := g.runSeq
	d.mu.Unlock()
	if force {
		return d.pullPlug(l, g)
	}
	if err := l.DomainShutdownFlags(g.dom, golibvirt.DomainShutdownAcpiPowerBtn); err != nil {
		return fmt.Errorf("libvirt shutdown %s: %w", id, err)
	}
	d.wg.Add(1)
	go d.pressUntilOff(g, run)
	return nil
}

// pressUntilOff presses the power button of run every two seconds until
// it ends, and pulls the plug after powerdownGrace.
func (d *Driver) pressUntilOff(g *guest, run uint64) {
	defer d.wg.Done()
	deadline := time.After(powerdownGrace)
	press := time.NewTicker(2 * time.Second)
	defer press.Stop()
	same := func() bool {
		d.mu.Lock()
		defer d.mu.Unlock()
		return g.running && g.runSeq == run && !g.gone
	}
	for {
		select {
		case <-d.done:
			return
		case <-deadline:
			g.op.Lock()
			if same() {
				d.opts.Logger.Warn().Str("guest", g.m.Spec.ID).Msg("no shutdown after the power button; destroying the domain")
				if l, err := d.client(); err == nil {
					_ = d.pullPlug(l, g)
				}
			}
			g.op.Unlock()
			return
		case <-press.C:
			if !same() {
				return
			}
			if l, err := d.client(); err == nil {
				_ = l.DomainShutdownFlags(g.dom, golibvirt.DomainShutdownAcpiPowerBtn)
			}
		}
	}
}

// pullPlug ends a running domain at once and settles it; op is held.
func (d *Driver) pullPlug(l *golibvirt.Libvirt, g *guest) error {
	if err := l.DomainDestroyFlags(g.dom, 0); err != nil && !notRunning(err) {
		return fmt.Errorf("libvirt destroy %s: %w", g.m.Spec.ID, err)
	}
	d.mu.Lock()
	run := g.runSeq
	d.mu.Unlock()
	d.ended(l, g, run)
	return nil
}

// notRunning says a call failed because the domain is already off.
func notRunning(err error) bool {
	var e golibvirt.Error
	return errors.As(err, &e) && e.Code == uint32(golibvirt.ErrOperationInvalid)
}

// Reboot implements hv.Lifecycle: a reset once the kernel has started
// printing, as hv/qemu does (a reset while a TCG guest still loads its
// kernel can hang it), so the reset is sent in the background.
func (d *Driver) Reboot(ctx context.Context, id string) error {
	g, err := d.get(id)
	if err != nil {
		return err
	}
	defer g.op.Unlock()
	d.mu.Lock()
	running, run, from := g.running, g.runSeq, g.consoleAtStart
	d.mu.Unlock()
	if !running {
		return fmt.Errorf("%w: %s is not running", hv.ErrInvalidState, id)
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		deadline := time.Now().Add(time.Minute)
		for time.Now().Before(deadline) {
			if fi, err := os.Stat(g.path("console.log")); err == nil && fi.Size() > from {
				break
			}
			select {
			case <-d.done:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
		g.op.Lock()
		defer g.op.Unlock()
		d.mu.Lock()
		same := g.running && g.runSeq == run && !g.gone
		d.mu.Unlock()
		if !same {
			return
		}
		l, err := d.client()
		if err == nil {
			err = l.DomainReset(g.dom, 0)
		}
		if err != nil {
			d.opts.Logger.Warn().Err(err).Str("guest", id).Msg("reboot")
		}
	}()
	return nil
}
