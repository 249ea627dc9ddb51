// Package benchkit is what ec2x's bench programs share: cleanups that run
// when a program ends, fails or is interrupted, a free loopback port, and
// CPU readings from /proc for settling before a timed phase.
package benchkit

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// cleanups is the registry of what Cleanup undoes, newest first.
var (
	mu       sync.Mutex
	cleanups []func()
)

// Defer registers f to run at Cleanup (or when Check ends the program).
func Defer(f func()) {
	mu.Lock()
	defer mu.Unlock()
	cleanups = append(cleanups, f)
}

// Cleanup runs the registered functions, newest first, each once.
func Cleanup() {
	for {
		mu.Lock()
		if len(cleanups) == 0 {
			mu.Unlock()
			return
		}
		f := cleanups[len(cleanups)-1]
		cleanups = cleanups[:len(cleanups)-1]
		mu.Unlock()
		f()
	}
}

// Check ends the program on an error, after Cleanup, naming the program.
func Check(err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", filepath.Base(os.Args[0]), err)
		Cleanup()
		os.Exit(1)
	}
}

// OnInterrupt makes ^C go through Check, so daemons are stopped and homes
// removed.
func OnInterrupt() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	go func() { <-sig; Check(errors.New("interrupted")) }()
}

// FreePort is a TCP port free on 127.0.0.1 now.
func FreePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	Check(err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// CPUTicks is a process's user+system CPU time, in clock ticks (10 ms).
func CPUTicks(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	Check(err)
	f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	Check(errors.Join(err1, err2))
	return utime + stime
}

// Settle waits (up to 20 s) until the daemon uses under 10% of a core.
func Settle(pid int) {
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); {
		t := CPUTicks(pid)
		time.Sleep(300 * time.Millisecond)
		if CPUTicks(pid)-t <= 3 {
			return
		}
	}
	fmt.Fprintf(os.Stderr, "%s: the daemon did not settle within 20 s\n", filepath.Base(os.Args[0]))
}

// WaitQuiet waits (up to maxWait) until the whole machine is under maxBG
// percent busy over one sample, pausing between samples, and returns the
// last reading.
func WaitQuiet(maxBG float64, maxWait, sample, pause time.Duration) float64 {
	for t := time.Now(); ; time.Sleep(pause) {
		b0, t0 := MachineTicks()
		time.Sleep(sample)
		b1, t1 := MachineTicks()
		bg := 100 * float64(b1-b0) / float64(max(1, t1-t0))
		if bg <= maxBG || time.Since(t) > maxWait {
			return bg
		}
	}
}

// MachineTicks is the machine's busy and total CPU ticks (/proc/stat).
func MachineTicks() (busy, total int64) {
	data, err := os.ReadFile("/proc/stat")
	Check(err)
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)[1:]
	for i, v := range f[:min(8, len(f))] {
		n, err := strconv.ParseInt(v, 10, 64)
		Check(err)
		total += n
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return busy, total
}
