// Command cli1000 times whole ec2x CLI calls over a fleet of 1,000
// instances, as a user runs them (a new process per call, output to a pipe,
// NO_COLOR=1), against the given binary with instant boots:
//
//   - `run --count N -q`: each sample in a fresh home with a freshly started
//     daemon (`daemon start`, untimed, then a wait until the daemon is
//     idle), so every launch finds an empty fleet and leaves N instances;
//     the home is removed after each sample. Figure: median wall time and
//     launches per second.
//   - `ls`, `ls -q` and `ls -o json` with N instances present: one home,
//     N instances launched once, the three calls interleaved -ls-runs times
//     with `--version` (the CLI's start-up alone, for a baseline).
//
// For every figure it also prints the CLI process's CPU (user+system from
// rusage, median) and the daemon's CPU per call (from /proc, 10 ms ticks
// summed over the samples), which tells the CLI's share (decode, render)
// from the daemon's. The first call of each kind is a discarded warm-up.
// The last line of output is JSON with every figure. It imports nothing of
// the ec2x module, so it measures any build:
//
//	go run ./bench/cli1000 -bin /path/to/ec2x [-runs 11] [-ls-runs 21] [-count 1000] [-tmpdir /dev/shm]
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/bench/internal/benchkit"
)

const config = "[sim]\nboot_seconds = 0\nstop_seconds = 0\n"

// figure is one timed command over its samples.
type figure struct {
	N           int     `json:"n"`
	MedianMs    float64 `json:"median_ms"`
	MinMs       float64 `json:"min_ms"`
	MaxMs       float64 `json:"max_ms"`
	CLICPUMs    float64 `json:"cli_cpu_ms"`             // median of the CLI process's user+sys
	DaemonCPUMs float64 `json:"daemon_cpu_ms_per_call"` // mean over the samples
	OutBytes    int     `json:"out_bytes"`
	PerSec      float64 `json:"launches_per_sec,omitempty"`
	Background  float64 `json:"background_pct"` // the machine's load before the samples (median)
}

// sample is one call.
type sample struct {
	wall, cpu time.Duration
	out       int
	bg        float64
}

var (
	bin     string
	tmp     string
	maxBG   float64
	maxWait time.Duration
)

func main() {
	runs, lsRuns, count := parseFlags()
	abs, err := filepath.Abs(bin)
	benchkit.Check(err)
	bin = abs
	cache, err := os.MkdirTemp(tmp, "ec2x-cli1000-wasm-") // pricing modules compile once for all homes
	benchkit.Check(err)
	benchkit.Defer(func() { os.RemoveAll(cache) })
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	go func() { <-sig; benchkit.Check(errors.New("interrupted")) }()
	fmt.Printf("cli1000 bench: %s, %d instances, %d run samples, %d ls samples, %s\n", bin, count, runs, lsRuns, time.Now().UTC().Format(time.RFC3339))

	figs := map[string]*figure{}
	figs["run_count"] = benchRun(cache, runs, count)
	benchLs(cache, lsRuns, count, figs)
	out, err := json.Marshal(map[string]any{"bin": bin, "count": count, "figures": figs})
	benchkit.Check(err)
	fmt.Println(string(out))
	benchkit.Cleanup()
}

// parseFlags sets the package-level flags and returns the sample counts.
func parseFlags() (runs, lsRuns, count int) {
	flag.StringVar(&bin, "bin", "bin/ec2x", "the ec2x binary to measure")
	flag.IntVar(&runs, "runs", 11, "samples of run --count")
	flag.IntVar(&lsRuns, "ls-runs", 21, "samples of each ls")
	flag.IntVar(&count, "count", 1000, "instances per launch and in the listed fleet")
	flag.StringVar(&tmp, "tmpdir", os.TempDir(), "where the daemons' homes go")
	flag.Float64Var(&maxBG, "max-background", 25, "before each run sample and the ls block, wait (up to -max-wait) until the machine's load is under this percent of all cores")
	flag.DurationVar(&maxWait, "max-wait", 5*time.Second, "the longest wait for a quiet machine")
	flag.Parse()
	return runs, lsRuns, count
}

// benchRun times run --count N, each sample in a fresh home and daemon so
// every launch finds an empty fleet, and prints its line.
func benchRun(cache string, runs, count int) *figure {
	n := strconv.Itoa(count)
	var launches []sample
	var daemonTicks int64
	for i := 0; i <= runs; i++ {
		h := newHome(cache)
		bg := benchkit.WaitQuiet(maxBG, maxWait, 250*time.Millisecond, 250*time.Millisecond)
		d0 := benchkit.CPUTicks(h.pid)
		s := h.timed("run", "--count", n, "-q")
		d1 := benchkit.CPUTicks(h.pid)
		if got := bytes.Count(s.outData, []byte("\n")); got != count {
			benchkit.Check(fmt.Errorf("run --count %s printed %d lines", n, got))
		}
		h.stop()
		if i > 0 { // the first is a warm-up (page cache, CPU frequency)
			s.bg = bg
			launches = append(launches, s.sample)
			daemonTicks += d1 - d0
		}
	}
	f := sum(launches, daemonTicks)
	f.PerSec = float64(count) / (f.MedianMs / 1000)
	report("run --count "+n+" -q", f, fmt.Sprintf("  = %.0f launches/s", f.PerSec))
	return f
}

// lsKind is one listing call timed over the fleet.
type lsKind struct {
	key   string
	args  []string
	lines int // 0: not checked
}

// benchLs times the listing calls over count instances in one home, adds
// their figures to figs and prints their lines.
func benchLs(cache string, lsRuns, count int, figs map[string]*figure) {
	n := strconv.Itoa(count)
	h := newHome(cache)
	if got := len(strings.Fields(string(h.timed("run", "--count", n, "-q").outData))); got != count {
		benchkit.Check(fmt.Errorf("run --count %s printed %d IDs", n, got))
	}
	kinds := []lsKind{
		{"ls", []string{"ls"}, count + 1},
		{"ls_q", []string{"ls", "-q"}, count},
		{"ls_json", []string{"ls", "-o", "json"}, 0},
		{"version", []string{"--version"}, 1}, // the CLI's start-up alone, no daemon call
	}
	for _, k := range kinds { // warm-up and output check
		s := h.timed(k.args...)
		if got := bytes.Count(s.outData, []byte("\n")); k.lines > 0 && got != k.lines {
			benchkit.Check(fmt.Errorf("%s printed %d lines, want %d", strings.Join(k.args, " "), got, k.lines))
		}
	}
	samples, ticks := sampleLs(h, kinds, lsRuns)
	h.stop()
	for j, k := range kinds {
		figs[k.key] = sum(samples[j], ticks[j])
		label := strings.Join(k.args, " ")
		if k.key != "version" {
			label += ", " + n + " instances"
		}
		report(label, figs[k.key], "")
	}
}

// sampleLs waits for a quiet daemon and machine once, then runs the kinds
// interleaved lsRuns times, so drift hits them all alike. It returns each
// kind's samples and the daemon's CPU ticks over them.
func sampleLs(h *home, kinds []lsKind, lsRuns int) ([][]sample, []int64) {
	benchkit.Settle(h.pid)
	bg := benchkit.WaitQuiet(maxBG, maxWait, 250*time.Millisecond, 250*time.Millisecond)
	samples := make([][]sample, len(kinds))
	ticks := make([]int64, len(kinds))
	for i := 0; i < lsRuns; i++ {
		for j, k := range kinds {
			d0 := benchkit.CPUTicks(h.pid)
			s := h.timed(k.args...)
			ticks[j] += benchkit.CPUTicks(h.pid) - d0
			s.bg = bg
			samples[j] = append(samples[j], s.sample)
		}
	}
	return samples, ticks
}

func report(label string, f *figure, extra string) {
	fmt.Printf("%-32s median %7.1f ms (min %6.1f, max %6.1f)  CLI CPU %6.1f ms  daemon CPU %6.1f ms/call  out %7d B  (background %.0f%%)%s\n",
		label, f.MedianMs, f.MinMs, f.MaxMs, f.CLICPUMs, f.DaemonCPUMs, f.OutBytes, f.Background, extra)
}

// sum takes the medians of samples; ticks is the daemon's CPU over them.
func sum(ss []sample, ticks int64) *figure {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	walls := make([]time.Duration, len(ss))
	cpus := make([]time.Duration, len(ss))
	bgs := make([]float64, len(ss))
	for i, s := range ss {
		walls[i], cpus[i], bgs[i] = s.wall, s.cpu, s.bg
	}
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	sort.Slice(cpus, func(i, j int) bool { return cpus[i] < cpus[j] })
	sort.Float64s(bgs)
	n := len(ss)
	return &figure{N: n, MedianMs: ms(walls[n/2]), MinMs: ms(walls[0]), MaxMs: ms(walls[n-1]), CLICPUMs: ms(cpus[n/2]),
		DaemonCPUMs: float64(ticks) * 10 / float64(n), OutBytes: ss[n-1].out, Background: bgs[n/2]}
}

// home is one EC2X_HOME with a running daemon.
type home struct {
	dir, cache string
	pid        int
}

type result struct {
	sample
	outData []byte
}

func newHome(cache string) *home {
	dir, err := os.MkdirTemp(tmp, "ec2x-cli1000-")
	benchkit.Check(err)
	h := &home{dir: dir, cache: cache}
	benchkit.Defer(h.stop)
	benchkit.Check(os.WriteFile(filepath.Join(dir, "config.toml"), []byte(config), 0o600))
	h.timed("daemon", "start")
	data, err := os.ReadFile(filepath.Join(dir, "daemon.pid"))
	benchkit.Check(err)
	h.pid, err = strconv.Atoi(strings.TrimSpace(string(data)))
	benchkit.Check(err)
	benchkit.Settle(h.pid)
	return h
}

// timed runs one CLI call and measures it; a failed call ends the bench.
func (h *home) timed(args ...string) result {
	cmd := exec.Command(bin, args...)
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "EC2X_") && !strings.HasPrefix(e, "NO_COLOR=") {
			cmd.Env = append(cmd.Env, e)
		}
	}
	cmd.Env = append(cmd.Env, "EC2X_HOME="+h.dir, "EC2X_WASM_CACHE="+h.cache, "NO_COLOR=1")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	t := time.Now()
	err := cmd.Run()
	wall := time.Since(t)
	if err != nil {
		benchkit.Check(fmt.Errorf("%s %s: %v: %s", bin, strings.Join(args, " "), err, errOut.Bytes()))
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return result{sample{wall: wall, cpu: cpu, out: out.Len()}, out.Bytes()}
}

// stop stops the daemon and removes the home; a second call does nothing.
func (h *home) stop() {
	if h.dir == "" {
		return
	}
	dir := h.dir
	cmd := exec.Command(bin, "daemon", "stop")
	cmd.Env = append(os.Environ(), "EC2X_HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "cli1000: daemon stop: %v: %s\n", err, out)
	}
	h.dir = ""
	os.RemoveAll(dir)
}
