package hvtest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/hv"
)

// Run runs the conformance suite against the driver h opens. Each case
// gets a fresh driver.
func Run(t *testing.T, h Harness) {
	if h.Open == nil {
		t.Fatal("hvtest: Harness.Open is nil")
	}
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) { c.run(h.NewEnv(t)) })
	}
}

type testCase struct {
	name string
	run  func(e *Env)
}

// Cases returns the names of the conformance cases.
func Cases() []string {
	all := cases()
	names := make([]string, len(all))
	for i, c := range all {
		names[i] = c.name
	}
	return names
}

func cases() []testCase {
	return []testCase{
		{"capabilities", testCapabilities},
		{"start_reports_running", testStart},
		{"stop_reports_stopped", func(e *Env) { testStop(e, false) }},
		{"stop_force", func(e *Env) { testStop(e, true) }},
		{"stop_while_starting", testStopWhileStarting},
		{"reboot_keeps_running", testReboot},
		{"destroy_forgets_guest", testDestroy},
		{"destroy_while_starting", testDestroyWhileStarting},
		{"create_twice", testCreateTwice},
		{"unknown_id", testUnknownID},
		{"invalid_state", testInvalidState},
		{"resize_when_stopped", testResize},
		{"console_shows_spec", testConsoleSpec},
		{"console_while_stopped", testConsoleStopped},
		{"console_capped", testConsoleCap},
		{"stats_follow_running", testStats},
		{"hotplug_nic", testHotPlug},
		{"attach_disk", testDisks},
		{"diagnostic_interrupt", testNMI},
		{"hibernate_resumes", testHibernate},
		{"destroy_powered_off", testDestroyPoweredOff},
	}
}

func testCapabilities(e *Env) {
	if e.Driver.Name() == "" {
		e.T.Error("Name() is empty")
	}
	caps := e.Driver.Capabilities()
	if _, ok := e.Driver.(hv.NICHotPlugger); caps.HotPlugNIC != ok {
		e.T.Errorf("Capabilities().HotPlugNIC = %v but implements hv.NICHotPlugger = %v", caps.HotPlugNIC, ok)
	}
	if _, ok := e.Driver.(hv.DiagnosticInterrupter); caps.DiagnosticInterrupt != ok {
		e.T.Errorf("Capabilities().DiagnosticInterrupt = %v but implements hv.DiagnosticInterrupter = %v", caps.DiagnosticInterrupt, ok)
	}
	if _, ok := e.Driver.(hv.StatusChecker); caps.StatusChecks != ok {
		e.T.Errorf("Capabilities().StatusChecks = %v but implements hv.StatusChecker = %v", caps.StatusChecks, ok)
	}
	if _, ok := e.Driver.(hv.Hibernator); caps.Hibernate != ok {
		e.T.Errorf("Capabilities().Hibernate = %v but implements hv.Hibernator = %v", caps.Hibernate, ok)
	}
	if _, ok := e.Driver.(hv.Screenshotter); caps.Screenshot != ok {
		e.T.Errorf("Capabilities().Screenshot = %v but implements hv.Screenshotter = %v", caps.Screenshot, ok)
	}
	if _, ok := e.Driver.(hv.DiskAttacher); caps.HotPlugDisk != ok {
		e.T.Errorf("Capabilities().HotPlugDisk = %v but implements hv.DiskAttacher = %v", caps.HotPlugDisk, ok)
	}
	if _, ok := e.Driver.(hv.DiskSnapshotter); caps.SnapshotDisk != ok {
		e.T.Errorf("Capabilities().SnapshotDisk = %v but implements hv.DiskSnapshotter = %v", caps.SnapshotDisk, ok)
	}
}

// testNMI: a running guest's kernel reports the interrupt on its console
// and keeps running; a stopped or unknown guest cannot get one.
func testNMI(e *Env) {
	di, ok := e.Driver.(hv.DiagnosticInterrupter)
	if !ok {
		return
	}
	spec := e.Running(1)
	// Running is the machine's power, not the kernel: an NMI before the
	// kernel is up goes unseen, so wait for the end of the boot.
	e.Eventually("the guest finishes booting", func() bool { return strings.Contains(e.Console(spec.ID), "Cloud-init v.") })
	if err := di.SendNMI(e.Ctx, spec.ID); err != nil {
		e.T.Fatalf("SendNMI: %v", err)
	}
	e.Eventually("the console shows the NMI", func() bool { return strings.Contains(e.Console(spec.ID), "NMI received") })
	if s, _ := e.State(spec.ID); s != hv.StateRunning {
		e.T.Errorf("after an NMI List says %v, want running", s)
	}
	if err := di.SendNMI(e.Ctx, "i-0000000000000000f"); !errors.Is(err, hv.ErrNotFound) {
		e.T.Errorf("SendNMI of an unknown guest: %v, want ErrNotFound", err)
	}
	stopped := e.Create(2)
	if err := di.SendNMI(e.Ctx, stopped.ID); !errors.Is(err, hv.ErrInvalidState) {
		e.T.Errorf("SendNMI of a stopped guest: %v, want ErrInvalidState", err)
	}
}

func testStart(e *Env) {
	spec := e.Create(1)
	if s, ok := e.State(spec.ID); !ok || s != hv.StateStopped {
		e.T.Fatalf("new guest: List says %v (listed %v), want stopped", s, ok)
	}
	before := time.Now()
	if e.Clock != nil {
		before = e.Clock.Now()
	}
	if err := e.Driver.Start(e.Ctx, spec.ID); err != nil {
		e.T.Fatalf("Start: %v", err)
	}
	ev := e.WaitFor(spec.ID, hv.StateRunning)
	if ev.At.Before(before) {
		e.T.Errorf("running event At %v is before Start at %v", ev.At, before)
	}
	if s, _ := e.State(spec.ID); s != hv.StateRunning {
		e.T.Errorf("after running event List says %v", s)
	}
}

func testStop(e *Env, force bool) {
	spec := e.Running(1)
	if err := e.Driver.Stop(e.Ctx, spec.ID, force); err != nil {
		e.T.Fatalf("Stop(force=%v): %v", force, err)
	}
	e.WaitFor(spec.ID, hv.StateStopped)
	if s, _ := e.State(spec.ID); s != hv.StateStopped {
		e.T.Errorf("after stopped event List says %v", s)
	}
}

// settle lets any stray timers fire, so a case can check no late event came.
func settle(e *Env) {
	if e.Clock != nil {
		e.Sleep(10 * (e.h.Boot + e.h.Stop))
	} else {
		e.Sleep(2 * time.Second)
	}
}

func noEvent(e *Env, id string, state hv.State, after int) {
	e.T.Helper()
	for _, ev := range e.Events.Events(id)[after:] {
		if ev.State == state {
			e.T.Errorf("unexpected %s event after %d earlier: %v", state, after, e.Events.Events(id))
		}
	}
}

func testStopWhileStarting(e *Env) {
	spec := e.Create(1)
	if err := e.Driver.Start(e.Ctx, spec.ID); err != nil {
		e.T.Fatalf("Start: %v", err)
	}
	if err := e.Driver.Stop(e.Ctx, spec.ID, false); err != nil {
		e.T.Fatalf("Stop of a starting guest: %v", err)
	}
	e.WaitFor(spec.ID, hv.StateStopped)
	n := len(e.Events.Events(spec.ID))
	settle(e)
	noEvent(e, spec.ID, hv.StateRunning, n)
	if s, _ := e.State(spec.ID); s != hv.StateStopped {
		e.T.Errorf("List says %v, want stopped", s)
	}
}

func testReboot(e *Env) {
	spec := e.Running(1)
	boots := strings.Count(e.Console(spec.ID), "Linux version ")
	n := len(e.Events.Events(spec.ID))
	if err := e.Driver.Reboot(e.Ctx, spec.ID); err != nil {
		e.T.Fatalf("Reboot: %v", err)
	}
	e.Eventually("the console shows a new boot", func() bool {
		return strings.Count(e.Console(spec.ID), "Linux version ") > boots
	})
	settle(e)
	if evs := e.Events.Events(spec.ID)[n:]; len(evs) > 0 {
		e.T.Errorf("reboot sent events %v, want none", evs)
	}
	if s, _ := e.State(spec.ID); s != hv.StateRunning {
		e.T.Errorf("after reboot List says %v, want running", s)
	}
}

func testDestroy(e *Env) {
	spec := e.Running(1)
	if err := e.Driver.Destroy(e.Ctx, spec.ID); err != nil {
		e.T.Fatalf("Destroy: %v", err)
	}
	e.WaitFor(spec.ID, hv.StateDestroyed)
	if s, ok := e.State(spec.ID); ok {
		e.T.Errorf("destroyed guest still listed as %v", s)
	}
	if _, err := e.Driver.Console(e.Ctx, spec.ID); !errors.Is(err, hv.ErrNotFound) {
		e.T.Errorf("Console of destroyed guest: %v, want ErrNotFound", err)
	}
	// The ID is free again.
	if err := e.Driver.Create(e.Ctx, spec); err != nil {
		e.T.Errorf("Create after destroy: %v", err)
	}
}

func testDestroyWhileStarting(e *Env) {
	spec := e.Create(1)
	if err := e.Driver.Start(e.Ctx, spec.ID); err != nil {
		e.T.Fatalf("Start: %v", err)
	}
	if err := e.Driver.Destroy(e.Ctx, spec.ID); err != nil {
		e.T.Fatalf("Destroy of a starting guest: %v", err)
	}
	e.WaitFor(spec.ID, hv.StateDestroyed)
	n := len(e.Events.Events(spec.ID))
	settle(e)
	noEvent(e, spec.ID, hv.StateRunning, n)
	if _, ok := e.State(spec.ID); ok {
		e.T.Error("destroyed guest still listed")
	}
}

func testCreateTwice(e *Env) {
	spec := e.Create(1)
	if err := e.Driver.Create(e.Ctx, spec); !errors.Is(err, hv.ErrExists) {
		e.T.Errorf("second Create: %v, want ErrExists", err)
	}
}

func testUnknownID(e *Env) {
	const id = "i-0000000000000dead"
	nic := hv.NIC{ID: "eni-0000000000000dead", DeviceIndex: 1, MAC: "0a:00:00:00:de:ad", PrivateIP: "172.31.0.99", PrefixLen: 20}
	calls := map[string]func() error{
		"Start":   func() error { return e.Driver.Start(e.Ctx, id) },
		"Stop":    func() error { return e.Driver.Stop(e.Ctx, id, false) },
		"Stop!":   func() error { return e.Driver.Stop(e.Ctx, id, true) },
		"Reboot":  func() error { return e.Driver.Reboot(e.Ctx, id) },
		"Destroy": func() error { return e.Driver.Destroy(e.Ctx, id) },
		"Resize":  func() error { return e.Driver.Resize(e.Ctx, id, 2, 2048) },
		"Console": func() error { _, err := e.Driver.Console(e.Ctx, id); return err },
		"Stats":   func() error { _, err := e.Driver.Stats(e.Ctx, id); return err },
	}
	if hp, ok := e.Driver.(hv.NICHotPlugger); ok {
		calls["AttachNIC"] = func() error { return hp.AttachNIC(e.Ctx, id, nic) }
		calls["DetachNIC"] = func() error { return hp.DetachNIC(e.Ctx, id, nic.ID) }
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, hv.ErrNotFound) {
			e.T.Errorf("%s of an unknown guest: %v, want ErrNotFound", name, err)
		}
	}
}

func testInvalidState(e *Env) {
	stopped := e.Create(1)
	running := e.Running(1)
	for _, c := range []struct {
		name string
		call func() error
	}{
		{"Start running", func() error { return e.Driver.Start(e.Ctx, running.ID) }},
		{"Resize running", func() error { return e.Driver.Resize(e.Ctx, running.ID, 4, 4096) }},
		{"Stop stopped", func() error { return e.Driver.Stop(e.Ctx, stopped.ID, false) }},
		{"Reboot stopped", func() error { return e.Driver.Reboot(e.Ctx, stopped.ID) }},
	} {
		err := c.call()
		if !errors.Is(err, hv.ErrInvalidState) {
			e.T.Errorf("%s: %v, want ErrInvalidState", c.name, err)
		} else if err.Error() == hv.ErrInvalidState.Error() {
			e.T.Errorf("%s: error %q says no more than the sentinel; wrap it with what was wrong", c.name, err)
		}
	}
	if s, _ := e.State(running.ID); s != hv.StateRunning {
		e.T.Errorf("refused calls changed the running guest to %v", s)
	}
}

func testResize(e *Env) {
	spec := e.Running(1)
	if err := e.Driver.Resize(e.Ctx, spec.ID, spec.VCPUs*2, spec.MemoryMiB*2); !errors.Is(err, hv.ErrInvalidState) {
		e.T.Errorf("Resize of a running guest: %v, want ErrInvalidState", err)
	}
	if err := e.Driver.Stop(e.Ctx, spec.ID, false); err != nil {
		e.T.Fatalf("Stop: %v", err)
	}
	e.WaitFor(spec.ID, hv.StateStopped)
	vcpus, mem := spec.VCPUs*2, spec.MemoryMiB*2
	if err := e.Driver.Resize(e.Ctx, spec.ID, vcpus, mem); err != nil {
		e.T.Fatalf("Resize of a stopped guest: %v", err)
	}
	boots := strings.Count(e.Console(spec.ID), "Linux version ")
	if err := e.Driver.Start(e.Ctx, spec.ID); err != nil {
		e.T.Fatalf("Start: %v", err)
	}
	e.WaitFor(spec.ID, hv.StateRunning)
	var boot string
	// A real guest prints its boot after it is running: wait for a new one.
	e.Eventually("the new boot reports its memory", func() bool {
		out := e.Console(spec.ID)
		boot = LatestBoot(out)
		return strings.Count(out, "Linux version ") > boots && BootMemoryKiB(boot) > 0 && BootCPUs(boot) > 0
	})
	if got := BootCPUs(boot); got != vcpus {
		e.T.Errorf("latest boot brought up %d CPUs, want %d after resize", got, vcpus)
	}
	if kib := BootMemoryKiB(boot); !memoryMatches(kib, mem) {
		e.T.Errorf("latest boot has %dK memory, want about %d MiB after resize", kib, mem)
	}
}

func testConsoleSpec(e *Env) {
	spec := e.Running(2)
	var out string
	e.Eventually("the console shows every NIC", func() bool {
		out = e.Console(spec.ID)
		for _, n := range spec.NICs {
			if !strings.Contains(out, n.PrivateIP) {
				return false
			}
		}
		return true
	})
	boot := LatestBoot(out)
	if got := BootCPUs(boot); got != spec.VCPUs {
		e.T.Errorf("boot brought up %d CPUs, want %d", got, spec.VCPUs)
	}
	if kib := BootMemoryKiB(boot); !memoryMatches(kib, spec.MemoryMiB) {
		e.T.Errorf("boot has %dK memory, want about %d MiB", kib, spec.MemoryMiB)
	}
}

func testConsoleStopped(e *Env) {
	spec := e.Create(1)
	if _, err := e.Driver.Console(e.Ctx, spec.ID); err != nil {
		e.T.Fatalf("Console of a never-started guest: %v", err)
	}
	if err := e.Driver.Start(e.Ctx, spec.ID); err != nil {
		e.T.Fatalf("Start: %v", err)
	}
	e.WaitFor(spec.ID, hv.StateRunning)
	if err := e.Driver.Stop(e.Ctx, spec.ID, false); err != nil {
		e.T.Fatalf("Stop: %v", err)
	}
	e.WaitFor(spec.ID, hv.StateStopped)
	if out := e.Console(spec.ID); !strings.Contains(out, "Linux version ") {
		e.T.Errorf("console of a stopped guest lost its boot (%d bytes)", len(out))
	}
}

func testConsoleCap(e *Env) {
	const limit = 64 << 10
	spec := e.Running(1)
	// up to 40 reboots, or until three have printed over a full console
	// (a guest with a long boot log gets there in a few)
	full, i := 0, 0
	for ; i < 40 && full < 3; i++ {
		if err := e.Driver.Reboot(e.Ctx, spec.ID); err != nil {
			e.T.Fatalf("Reboot %d: %v", i, err)
		}
		e.Sleep(e.h.Boot)
		n := len(e.Console(spec.ID))
		if n > limit {
			e.T.Fatalf("after %d reboots the console is %d bytes, over %d", i+1, n, limit)
		}
		if n == limit {
			full++
		}
	}
	out := e.Console(spec.ID)
	if len(out) < limit/2 {
		e.T.Errorf("after %d reboots the console is only %d bytes; is old output dropped too early?", i, len(out))
	}
}

func testStats(e *Env) {
	spec := e.Running(1)
	wait := 10 * time.Minute
	if e.Clock == nil {
		wait = 3 * time.Second
	}
	s1 := stats(e, spec.ID)
	e.Sleep(wait)
	s2 := stats(e, spec.ID)
	if s2.CPUTime <= s1.CPUTime {
		e.T.Errorf("CPU time did not grow while running: %v then %v", s1.CPUTime, s2.CPUTime)
	}
	// a real guest says what it uses once its kernel has the means (0 until then)
	mem := 0
	e.Eventually("the guest reports its memory use", func() bool { mem = stats(e, spec.ID).MemoryUsedMiB; return mem != 0 })
	if mem < 0 || mem > spec.MemoryMiB {
		e.T.Errorf("memory used %d MiB of %d", mem, spec.MemoryMiB)
	}
	if !s2.At.After(s1.At) {
		e.T.Errorf("Stats.At did not move: %v then %v", s1.At, s2.At)
	}
	if s2.StatusCheckFailed {
		e.T.Errorf("a guest running normally failed its status check")
	}
	if err := e.Driver.Stop(e.Ctx, spec.ID, false); err != nil {
		e.T.Fatalf("Stop: %v", err)
	}
	e.WaitFor(spec.ID, hv.StateStopped)
	s3 := stats(e, spec.ID)
	e.Sleep(wait)
	s4 := stats(e, spec.ID)
	if s4.CPUTime != s3.CPUTime || s4.NetRxBytes != s3.NetRxBytes || s4.NetTxBytes != s3.NetTxBytes || s4.DiskWriteBytes != s3.DiskWriteBytes {
		e.T.Errorf("counters moved while stopped: %+v then %+v", s3, s4)
	}
	if s3.CPUTime < s2.CPUTime {
		e.T.Errorf("CPU time went backwards: %v then %v", s2.CPUTime, s3.CPUTime)
	}
	// a run's traffic stays counted once its process has ended
	if s3.NetRxBytes < s2.NetRxBytes || s3.NetTxBytes < s2.NetTxBytes {
		e.T.Errorf("network counters went backwards at stop: %d/%d bytes in/out, then %d/%d", s2.NetRxBytes, s2.NetTxBytes, s3.NetRxBytes, s3.NetTxBytes)
	}
}

func stats(e *Env, id string) hv.Stats {
	e.T.Helper()
	s, err := e.Driver.Stats(e.Ctx, id)
	if err != nil {
		e.T.Fatalf("Stats(%s): %v", id, err)
	}
	return s
}

func testHotPlug(e *Env) {
	hp, ok := e.Driver.(hv.NICHotPlugger)
	if caps := e.Driver.Capabilities().HotPlugNIC; ok != caps {
		e.T.Fatalf("implements hv.NICHotPlugger: %v, but Capabilities().HotPlugNIC is %v", ok, caps)
	} else if !ok {
		return // the daemon changes its NICs only while stopped, which the other cases check
	}
	spec := e.Running(1)
	nic := e.Spec(spec.ID, 2).NICs[1]
	if err := hp.AttachNIC(e.Ctx, spec.ID, nic); err != nil {
		e.T.Fatalf("AttachNIC: %v", err)
	}
	if err := e.Driver.Reboot(e.Ctx, spec.ID); err != nil {
		e.T.Fatalf("Reboot: %v", err)
	}
	e.Eventually("the next boot shows the attached NIC", func() bool {
		boot := LatestBoot(e.Console(spec.ID))
		return strings.Contains(boot, nic.PrivateIP) && strings.Contains(boot, nic.MAC)
	})
	if err := hp.DetachNIC(e.Ctx, spec.ID, nic.ID); err != nil {
		e.T.Errorf("DetachNIC: %v", err)
	}
	if err := hp.DetachNIC(e.Ctx, spec.ID, nic.ID); err == nil {
		e.T.Error("second DetachNIC of the same NIC succeeded")
	}
}
