package hvtest

import (
	"errors"
	"strings"

	"github.com/ec2x/ec2x/hv"
)

// testHibernate: a hibernated guest stops, and its next start resumes the
// same boot: its console shows no second kernel start. A stopped guest
// cannot hibernate.
func testHibernate(e *Env) {
	h, ok := e.Driver.(hv.Hibernator)
	if !ok {
		return
	}
	spec := e.Running(1)
	e.Eventually("the guest finishes booting", func() bool { return strings.Contains(e.Console(spec.ID), "Cloud-init v.") })
	boots := strings.Count(e.Console(spec.ID), "Linux version")
	if err := h.Hibernate(e.Ctx, spec.ID); err != nil {
		e.T.Fatalf("Hibernate: %v", err)
	}
	e.WaitFor(spec.ID, hv.StateStopped)
	if err := h.Hibernate(e.Ctx, spec.ID); !errors.Is(err, hv.ErrInvalidState) {
		e.T.Errorf("Hibernate of a stopped guest: %v, want ErrInvalidState", err)
	}
	if err := e.Driver.Start(e.Ctx, spec.ID); err != nil {
		e.T.Fatalf("Start after Hibernate: %v", err)
	}
	e.WaitFor(spec.ID, hv.StateRunning)
	// Prove the kernel is up before counting its starts: a fresh boot
	// would print its banner before it could answer an interrupt.
	if di, ok := e.Driver.(hv.DiagnosticInterrupter); ok {
		nmis := strings.Count(e.Console(spec.ID), "NMI received")
		e.Eventually("the resumed guest answers an NMI", func() bool {
			_ = di.SendNMI(e.Ctx, spec.ID)
			e.Sleep(step)
			return strings.Count(e.Console(spec.ID), "NMI received") > nmis
		})
	}
	if n := strings.Count(e.Console(spec.ID), "Linux version"); n != boots {
		e.T.Errorf("after a resume the console shows %d kernel starts, want %d (no new boot)", n, boots)
	}
	if err := h.Hibernate(e.Ctx, "i-0000000000000000f"); !errors.Is(err, hv.ErrNotFound) {
		e.T.Errorf("Hibernate of an unknown guest: %v, want ErrNotFound", err)
	}
}

// testDestroyPoweredOff: a guest destroyed without its OS shutdown is
// gone, with its destroyed event.
func testDestroyPoweredOff(e *Env) {
	p, ok := e.Driver.(hv.PowerOffDestroyer)
	if !ok {
		return
	}
	spec := e.Running(1)
	if err := p.DestroyPoweredOff(e.Ctx, spec.ID); err != nil {
		e.T.Fatalf("DestroyPoweredOff: %v", err)
	}
	e.WaitFor(spec.ID, hv.StateDestroyed)
	if _, listed := e.State(spec.ID); listed {
		e.T.Error("a guest destroyed powered off is still listed")
	}
}
