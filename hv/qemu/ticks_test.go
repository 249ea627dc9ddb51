package qemu

import (
	"encoding/binary"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// auxv builds an auxiliary vector of native words from key, value pairs,
// ended by AT_NULL.
func auxv(pairs ...uint64) []byte {
	var b []byte
	for _, w := range append(pairs, 0, 0) {
		b = binary.NativeEndian.AppendUint64(b, w)
	}
	return b
}

// The tick rate is the system's (what getconf CLK_TCK, i.e. sysconf,
// says), read from the auxiliary vector wherever AT_CLKTCK sits in it.
func TestClockTicks(t *testing.T) {
	if strconv.IntSize != 64 {
		t.Fatalf("auxv() builds 64-bit vectors; this is a %d-bit build", strconv.IntSize)
	}
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err != nil {
		t.Fatalf("getconf CLK_TCK: %v", err)
	}
	want, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := clockTicks(); err != nil || got != want {
		t.Fatalf("clockTicks() = %d, %v; getconf CLK_TCK says %d", got, err, want)
	}
	for _, tc := range []struct {
		name string
		vec  []byte
		want int64
		err  bool
	}{
		{name: "first", vec: auxv(atClkTck, 250, 6, 4096), want: 250},
		{name: "after others", vec: auxv(33, 0x7fff0000, 6, 4096, atClkTck, 1000, 23, 0), want: 1000},
		{name: "missing", vec: auxv(6, 4096, 23, 0), err: true},
		{name: "after AT_NULL", vec: append(auxv(6, 4096), auxv(atClkTck, 300)...), err: true},
		{name: "zero", vec: auxv(atClkTck, 0), err: true},
		{name: "truncated", vec: auxv(6, 4096, atClkTck, 100)[:8*3+4], err: true},
		{name: "empty", err: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := auxvValue(tc.vec, atClkTck)
			if (err != nil) != tc.err || got != tc.want {
				t.Fatalf("auxvValue = %d, %v; want %d (error %v)", got, err, tc.want, tc.err)
			}
		})
	}
}

// Clock ticks become durations at the driver's rate, not at 100 Hz.
func TestTicks(t *testing.T) {
	for _, tc := range []struct {
		n, hz int64
		want  time.Duration
	}{
		{n: 250, hz: 100, want: 2500 * time.Millisecond},
		{n: 250, hz: 250, want: time.Second},
		{n: 1, hz: 1000, want: time.Millisecond},
		{n: 1234567, hz: 300, want: 4115*time.Second + 223333333*time.Nanosecond},
	} {
		t.Run(strconv.FormatInt(tc.n, 10)+"@"+strconv.FormatInt(tc.hz, 10), func(t *testing.T) {
			if got := ticks(tc.n, tc.hz); got != tc.want {
				t.Fatalf("ticks(%d, %d) = %v, want %v", tc.n, tc.hz, got, tc.want)
			}
		})
	}
}

// A process's CPU time in /proc is counted in the driver's ticks: this
// test's own, read at 100 Hz and at 1000 Hz, differ tenfold.
func TestProcCPUUsesTheTickRate(t *testing.T) {
	deadline := time.Now().Add(time.Minute)
	for { // reading /proc burns CPU until /proc shows some
		d100, ok := (&Driver{hz: 100}).procCPU(os.Getpid())
		if !ok {
			t.Fatal("procCPU of this process failed")
		}
		if d100 >= 50*time.Millisecond {
			d1000, _ := (&Driver{hz: 1000}).procCPU(os.Getpid())
			// the second reading may be a few ticks later
			if d1000 < d100/10 || d1000 > d100/10+50*time.Millisecond {
				t.Fatalf("CPU time %v at 100 Hz but %v at 1000 Hz", d100, d1000)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no CPU time after a minute of work: %v", d100)
		}
	}
}
