package hvtest

import (
	"testing"
	"time"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/internal/clock"
)

func TestWaitForAdvancesFakeClock(t *testing.T) {
	clk := clock.NewFake(Start())
	r := NewRecorder()
	clk.AfterFunc(3*time.Second, func() { r.Notify(hv.Event{ID: "i-1", State: hv.StateRunning, At: clk.Now()}) })
	clk.AfterFunc(5*time.Second, func() { r.Notify(hv.Event{ID: "i-1", State: hv.StateStopped, At: clk.Now()}) })
	e := WaitFor(t, r, clk, "i-1", hv.StateStopped, time.Second)
	if !e.At.Equal(Start().Add(5 * time.Second)) {
		t.Errorf("event at %v", e.At)
	}
	// The running event came before the stopped one, so it was consumed too.
	if _, ok := r.take("i-1", hv.StateRunning); ok {
		t.Error("an event before the one waited for was left to take")
	}
}

func TestWaitForOtherGoroutine(t *testing.T) {
	r := NewRecorder()
	go func() {
		time.Sleep(20 * time.Millisecond)
		r.Notify(hv.Event{ID: "i-2", State: hv.StateDestroyed})
	}()
	WaitFor(t, r, nil, "i-2", hv.StateDestroyed, 5*time.Second)
}

func TestBootParsing(t *testing.T) {
	console := "[    0.000000] Linux version 6.1.0 (x)\n[    0.0] smp: Brought up 1 node, 2 CPUs\n" +
		"reboot: Restarting system\n[    0.000000] Linux version 6.1.0 (x)\n" +
		"[    0.000000] Memory: 900000K/1048120K available (16384K kernel code)\n" +
		"[    0.100000] smp: Brought up 1 node, 1 CPU\n"
	boot := LatestBoot(console)
	if BootCPUs(boot) != 1 || BootCPUs(console) != 2 {
		t.Errorf("BootCPUs: latest %d, first %d", BootCPUs(boot), BootCPUs(console))
	}
	if kib := BootMemoryKiB(boot); kib != 1048120 || !memoryMatches(kib, 1024) || memoryMatches(kib, 2048) {
		t.Errorf("BootMemoryKiB = %d", kib)
	}
	if LatestBoot("no kernel here") != "" || BootCPUs("") != -1 || BootMemoryKiB("") != -1 {
		t.Error("parsers found something in nothing")
	}
}

func TestDefaultSpec(t *testing.T) {
	a, b := DefaultSpec("i-00000000000000001", 2), DefaultSpec("i-00000000000000002", 2)
	if len(a.NICs) != 2 || a.NICs[0].PrivateIP == a.NICs[1].PrivateIP || a.NICs[1].DeviceIndex != 1 {
		t.Errorf("NICs %+v", a.NICs)
	}
	if a.NICs[0].PrivateIP == b.NICs[0].PrivateIP && a.NICs[0].MAC == b.NICs[0].MAC {
		t.Error("two guests got the same address and MAC")
	}
	if len(Cases()) < 15 {
		t.Errorf("Cases() = %v", Cases())
	}
}
