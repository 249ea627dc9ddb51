// Command regions measures whether the ec2x daemon's regions serialise on
// each other. Each run of each scenario gets a fresh daemon of the given
// binary (instant boots), driven over its unix socket with the JSON protocol
// by clients that loop for a fixed duration. one-region: 4 clients in
// us-east-1 loop a small mix (RunInstances of 1, CreateTags,
// DescribeInstances by ID, Stop, Start, TerminateInstances, AllocateAddress,
// ReleaseAddress; the WaitInstances between them are timed apart, not as
// ops). two-regions: 4 such clients in us-east-1 and 4 in eu-west-1.
// interference: eu-alone (4 small clients in eu-west-1) next to eu+us-heavy
// (the same while 4 us-east-1 clients loop RunInstances of 500 and their
// TerminateInstances). With one global lock eu-west-1 slows down under
// us-east-1's load; with per-region locks only shared CPU and storage should
// slow it. Figures are medians over -runs; CPU times come from /proc. It
// imports nothing of the module, so it builds whatever state the tree is in:
//
//	go run ./bench/regions -bin /path/to/ec2x [-duration 5s] [-runs 3] [-tmpdir /dev/shm] [-scenarios one-region,two-regions,interference]
//
// The last line of output is JSON with every figure, to compare binaries.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ec2x/ec2x/bench/internal/benchkit"
)

// config gives both regions instant boots, 20 big hosts per zone and room
// for Elastic IPs. These [[hosts]] are the whole fleet (builtin_hosts = false).
func config() string {
	var b strings.Builder
	b.WriteString("[sim]\nboot_seconds = 0\nstop_seconds = 0\n\n[limits]\nelastic_ips_per_region = 100\n\n[fleet]\nbuiltin_hosts = false\n")
	for _, z := range []string{"us-east-1a", "us-east-1b", "us-east-1c", "eu-west-1a", "eu-west-1b", "eu-west-1c"} {
		fmt.Fprintf(&b, "\n[[hosts]]\nzone = %q\ncount = 20\nvcpus = 96\nmemory_gib = 768\ncpu_overcommit = 16.0\nmem_overcommit = 1.5\nfamilies = [\"t2\", \"t3\", \"m5\", \"c5\", \"r5\"]\n", z)
	}
	return b.String()
}

// group is n clients of one kind in one region.
type group struct {
	region string
	n      int
	heavy  bool
}

var scenarios = map[string][]group{
	"one-region":  {{"us-east-1", 4, false}},
	"two-regions": {{"us-east-1", 4, false}, {"eu-west-1", 4, false}},
	"eu-alone":    {{"eu-west-1", 4, false}},
	"eu+us-heavy": {{"eu-west-1", 4, false}, {"us-east-1", 4, true}},
}

// heavyCount is the size of a heavy client's launches, heavyRun the label
// of those calls.
const (
	heavyCount = 500
	heavyRun   = "heavy RunInstances x500"
)

// stat sums up a set of calls: count, rate (small mix only), latency.
type stat struct {
	N         float64 `json:"n"`
	OpsPerSec float64 `json:"ops_per_sec,omitempty"`
	P50Ms     float64 `json:"p50_ms"`
	P99Ms     float64 `json:"p99_ms"`
}

// result is one run of one scenario (or the medians over runs). CPU
// percentages are over the window: the daemon's and the clients' of one
// core, the machine's of all cores, and the background's (the machine's
// just before the window: others' load).
type result struct {
	Scenario          string           `json:"scenario"`
	All               stat             `json:"all"`     // small mix, every region
	Regions           map[string]*stat `json:"regions"` // small mix, by region
	HeavyLaunches     float64          `json:"heavy_launches_per_sec,omitempty"`
	CPUSeconds        float64          `json:"daemon_cpu_s"`
	CPUPercent        float64          `json:"daemon_cpu_pct"`
	ClientPercent     float64          `json:"client_cpu_pct"` // this command, of one core
	MachinePercent    float64          `json:"machine_cpu_pct"`
	BackgroundPercent float64          `json:"background_cpu_pct"`
	WindowSeconds     float64          `json:"window_s"`
	Errors            float64          `json:"errors"`
	Actions           map[string]*stat `json:"actions"` // every call, waits and heavy ones too
}

func main() {
	bin := flag.String("bin", "bin/ec2x", "the ec2x binary to measure")
	dur := flag.Duration("duration", 5*time.Second, "how long the clients loop in each run")
	runs := flag.Int("runs", 3, "runs of each scenario (figures are medians)")
	tmp := flag.String("tmpdir", os.TempDir(), "where the daemons' homes go (on a tmpfs such as /dev/shm, fsync costs nothing)")
	maxBG := flag.Float64("max-background", 25, "before each run, wait (up to 5 min) until the machine's other load is under this percent of all cores")
	list := flag.String("scenarios", "one-region,two-regions,interference", "comma list: one-region, two-regions, interference (= eu-alone,eu+us-heavy)")
	flag.Parse()
	abs, err := filepath.Abs(*bin)
	benchkit.Check(err)
	var names []string
	for _, s := range strings.Split(*list, ",") {
		switch s = strings.TrimSpace(s); {
		case s == "interference":
			names = append(names, "eu-alone", "eu+us-heavy")
		case scenarios[s] != nil:
			names = append(names, s)
		default:
			benchkit.Check(fmt.Errorf("unknown scenario %q", s))
		}
	}
	cache, err := os.MkdirTemp("", "ec2x-regions-wasm-") // modules compile once for all daemons
	benchkit.Check(err)
	benchkit.Defer(func() { os.RemoveAll(cache) })
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	go func() { <-sig; benchkit.Check(errors.New("interrupted")) }()

	fmt.Printf("ec2x regions bench: %s, %s per run, %d runs, homes in %s, %s\n", abs, *dur, *runs, *tmp, time.Now().UTC().Format(time.RFC3339))
	fmt.Println(header())
	all := map[string][]*result{}
	for r := 1; r <= *runs; r++ { // runs interleave scenarios, so drift hits all alike
		for _, name := range names {
			res := runOnce(abs, cache, *tmp, name, *dur, *maxBG)
			all[name] = append(all[name], res)
			fmt.Printf("%s   (run %d)\n", row(res), r)
		}
	}
	fmt.Printf("\nmedians over %d runs (ops: small-mix calls that succeeded; ms: latency of one call)\n%s\n", *runs, header())
	meds := map[string]*result{}
	for _, name := range names {
		meds[name] = medians(all[name])
		fmt.Println(row(meds[name]))
	}
	if a, b := meds["eu-alone"], meds["eu+us-heavy"]; a != nil && b != nil {
		ea, eb := a.Regions["eu-west-1"], b.Regions["eu-west-1"]
		fmt.Printf("interference: eu-west-1 under us-east-1 load: ops/s x%.2f, p50 x%.2f, p99 x%.2f (1.00 = no effect)\n",
			eb.OpsPerSec/ea.OpsPerSec, eb.P50Ms/ea.P50Ms, eb.P99Ms/ea.P99Ms)
	}
	out, err := json.Marshal(map[string]any{"bin": abs, "duration_s": dur.Seconds(), "runs": *runs, "tmpdir": *tmp, "medians": meds, "all": all})
	benchkit.Check(err)
	fmt.Println(string(out))
	benchkit.Cleanup()
}

func header() string {
	return fmt.Sprintf("%-12s %7s | %-24s | %-24s | %8s | %-36s | %s\n%-12s %7s | %24s | %24s | %8s | %-36s |",
		"", "all", "us-east-1 (small mix)", "eu-west-1 (small mix)", "heavy", "CPU over the window", "errors",
		"scenario", "ops/s", "ops/s  p50 ms   p99 ms", "ops/s  p50 ms   p99 ms", "launch/s", "daemon s (core) client machine (bg)")
}

func row(r *result) string {
	reg := func(name string) string {
		if g := r.Regions[name]; g != nil {
			return fmt.Sprintf("%7.0f %7.2f %8.2f", g.OpsPerSec, g.P50Ms, g.P99Ms)
		}
		return fmt.Sprintf("%24s", "-")
	}
	heavy := "-"
	if r.HeavyLaunches > 0 {
		heavy = fmt.Sprintf("%.0f", r.HeavyLaunches)
	}
	return fmt.Sprintf("%-12s %7.0f | %s | %s | %8s | %5.2f s (%3.0f%%)  %4.0f%%   %3.0f%% (%3.0f%%) | %.0f", r.Scenario, r.All.OpsPerSec,
		reg("us-east-1"), reg("eu-west-1"), heavy, r.CPUSeconds, r.CPUPercent, r.ClientPercent, r.MachinePercent, r.BackgroundPercent, r.Errors)
}

// medians takes each figure's median over the runs on its own: the results
// go through JSON and every number becomes the median of its values.
func medians(rs []*result) *result {
	vs := make([]any, len(rs))
	for i, r := range rs {
		data, err := json.Marshal(r)
		benchkit.Check(err)
		benchkit.Check(json.Unmarshal(data, &vs[i]))
	}
	data, err := json.Marshal(medianOf(vs))
	benchkit.Check(err)
	m := &result{}
	benchkit.Check(json.Unmarshal(data, m))
	return m
}

// medianOf merges decoded JSON values: numbers by median, objects key by key
// (the first one's keys), anything else as the first has it.
func medianOf(vs []any) any {
	switch v0 := vs[0].(type) {
	case float64:
		var fs []float64
		for _, v := range vs {
			if f, ok := v.(float64); ok {
				fs = append(fs, f)
			}
		}
		sort.Float64s(fs)
		return (fs[(len(fs)-1)/2] + fs[len(fs)/2]) / 2
	case map[string]any:
		out := map[string]any{}
		for k := range v0 {
			var sub []any
			for _, v := range vs {
				if m, ok := v.(map[string]any); ok && m[k] != nil {
					sub = append(sub, m[k])
				}
			}
			out[k] = medianOf(sub)
		}
		return out
	}
	return vs[0]
}

// runOnce runs one scenario against a fresh daemon.
func runOnce(bin, cache, tmp, name string, dur time.Duration, maxBG float64) *result {
	d := startDaemon(bin, cache, tmp)
	defer d.stop()
	groups := scenarios[name]
	// Start-up work and others' load must not land in the window.
	warmUp(d, groups)
	d.settle()
	res := &result{Scenario: name, Regions: map[string]*stat{}, Actions: map[string]*stat{}}
	res.BackgroundPercent = waitQuiet(maxBG)
	workers, t0 := drive(d, groups, dur, res)
	tally(res, groups, workers, t0)
	return res
}

// warmUp runs one round of the small mix in each region (first launch,
// first address), so start-up work does not land in the window.
func warmUp(d *daemon, groups []group) {
	for _, g := range groups {
		w := &worker{d: d, region: g.region, name: "warmup", lat: map[string][]time.Duration{}}
		if err := w.small(); err != nil || w.errs > 0 {
			benchkit.Check(fmt.Errorf("warm-up in %s failed: %v", g.region, err))
		}
	}
}

// waitQuiet waits (up to 5 min) until the machine's other load is at most
// maxBG percent of all cores, and returns the last reading. Others' load (a
// test suite, a build) ruins the figures, so runs wait for a quiet machine
// and report how busy it was.
func waitQuiet(maxBG float64) float64 {
	for t := time.Now(); ; time.Sleep(2 * time.Second) {
		bg := startMachineCPU()
		time.Sleep(500 * time.Millisecond)
		if pct := bg(); pct <= maxBG || time.Since(t) > 5*time.Minute {
			return pct
		}
	}
}

// drive runs the groups' clients for one window: the small ones loop for
// dur, the heavy ones until the small ones are done. It fills in res's CPU
// figures and window, and returns the workers by group and the window's
// start.
func drive(d *daemon, groups []group, dur time.Duration, res *result) ([][]*worker, time.Time) {
	workers := make([][]*worker, len(groups))
	var small, all sync.WaitGroup
	var heavyStop atomic.Bool
	t0, cpu0, self0, machine := time.Now(), benchkit.CPUTicks(d.pid), benchkit.CPUTicks(os.Getpid()), startMachineCPU()
	for gi, g := range groups {
		for i := 0; i < g.n; i++ {
			w := &worker{d: d, region: g.region, name: fmt.Sprintf("%s-%d", g.region, i), lat: map[string][]time.Duration{}}
			workers[gi] = append(workers[gi], w)
			all.Add(1)
			if !g.heavy {
				small.Add(1)
			}
			go func() {
				defer all.Done()
				for g.heavy && !heavyStop.Load() { // loads the daemon until the small clients are done
					_ = w.heavy()
				}
				for !g.heavy && time.Since(t0) < dur {
					_ = w.small()
				}
				w.end = time.Now()
				if !g.heavy {
					small.Done()
				}
			}()
		}
	}
	small.Wait()
	heavyStop.Store(true)
	all.Wait()
	window := time.Since(t0).Seconds()
	res.MachinePercent = machine()
	res.CPUSeconds = float64(benchkit.CPUTicks(d.pid)-cpu0) / 100 // USER_HZ is 100 on Linux
	res.CPUPercent, res.WindowSeconds = 100*res.CPUSeconds/window, window
	res.ClientPercent = float64(benchkit.CPUTicks(os.Getpid())-self0) / window
	return workers, t0
}

// tally sums the workers' figures up into res: errors, the small mix's rate
// and latency by region and over all regions (waits left out), the heavy
// clients' launch rate, and every action's latency.
func tally(res *result, groups []group, workers [][]*worker, t0 time.Time) {
	actions := map[string][]time.Duration{}
	var smallAll []time.Duration
	for gi, g := range groups {
		var lat []time.Duration
		var end time.Time
		for _, w := range workers[gi] {
			if w.end.After(end) {
				end = w.end
			}
			res.Errors += float64(w.errs)
			for a, ds := range w.lat {
				actions[a] = append(actions[a], ds...)
				if !g.heavy && !strings.HasPrefix(a, "Wait") {
					lat = append(lat, ds...)
				}
			}
		}
		if g.heavy {
			res.HeavyLaunches = float64(len(actions[heavyRun])*heavyCount) / end.Sub(t0).Seconds()
			continue
		}
		res.Regions[g.region] = stats(lat, end.Sub(t0).Seconds())
		res.All.OpsPerSec += res.Regions[g.region].OpsPerSec
		smallAll = append(smallAll, lat...)
	}
	ops := res.All.OpsPerSec
	res.All = *stats(smallAll, 0)
	res.All.OpsPerSec = ops
	for a, ds := range actions {
		res.Actions[a] = stats(ds, 0)
	}
}

// stats sorts ds and sums them up; the rate is over elapsed seconds, if any.
func stats(ds []time.Duration, elapsed float64) *stat {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	q := func(p int) float64 {
		if len(ds) == 0 {
			return 0
		}
		return float64(ds[min(len(ds)-1, len(ds)*p/100)].Microseconds()) / 1000
	}
	s := &stat{N: float64(len(ds)), P50Ms: q(50), P99Ms: q(99)}
	if elapsed > 0 {
		s.OpsPerSec = s.N / elapsed
	}
	return s
}

// worker is one client; its figures are its own until the run ends.
type worker struct {
	d      *daemon
	region string
	name   string
	lat    map[string][]time.Duration // successful calls, by label
	errs   int
	end    time.Time // when it stopped looping
}

var errCount atomic.Int64

// op times one call; a failed call counts as an error, not a latency.
func (w *worker) op(label, action string, in, out any) error {
	t := time.Now()
	if err := w.d.call(w.region, action, in, out); err != nil {
		w.errs++
		if errCount.Add(1) <= 5 {
			fmt.Fprintf(os.Stderr, "regions: %s %s: %v\n", w.name, action, err)
		}
		return err
	}
	w.lat[label] = append(w.lat[label], time.Since(t))
	return nil
}

type instances struct {
	Instances []struct {
		InstanceId string `json:"InstanceId"`
	} `json:"Instances"`
}

// small is one round of the small mix, on an instance of its own.
func (w *worker) small() error {
	var run, desc instances
	if err := w.op("RunInstances", "RunInstances", map[string]any{"MinCount": 1, "MaxCount": 1, "InstanceType": "t3.micro"}, &run); err != nil {
		return err
	}
	if len(run.Instances) != 1 {
		w.errs++
		return fmt.Errorf("RunInstances gave %d instances", len(run.Instances))
	}
	id := run.Instances[0].InstanceId
	ids := map[string]any{"InstanceIds": []string{id}}
	var eip struct {
		AllocationId string `json:"AllocationId"`
	}
	for i, step := range []func() error{
		func() error {
			tags := []map[string]string{{"Key": "bench", "Value": w.name}}
			return w.op("CreateTags", "CreateTags", map[string]any{"Resources": []string{id}, "Tags": tags}, nil)
		},
		func() error { return w.op("DescribeInstances", "DescribeInstances", ids, &desc) },
		func() error {
			if len(desc.Instances) != 1 || desc.Instances[0].InstanceId != id {
				w.errs++
				return fmt.Errorf("DescribeInstances %s gave %d instances", id, len(desc.Instances))
			}
			return w.wait(id, "running")
		},
		func() error { return w.op("StopInstances", "StopInstances", ids, nil) },
		func() error { return w.wait(id, "stopped") },
		func() error { return w.op("StartInstances", "StartInstances", ids, nil) },
		func() error { return w.op("TerminateInstances", "TerminateInstances", ids, nil) },
		func() error { return w.op("AllocateAddress", "AllocateAddress", map[string]any{"Domain": "vpc"}, &eip) },
		func() error {
			return w.op("ReleaseAddress", "ReleaseAddress", map[string]any{"AllocationId": eip.AllocationId}, nil)
		},
	} {
		if err := step(); err != nil {
			if i < 6 {
				_ = w.d.call(w.region, "TerminateInstances", ids, nil) // leave nothing behind, untimed
			}
			return err
		}
	}
	return nil
}

// wait blocks until the instance is in state; its time is reported apart.
func (w *worker) wait(id, state string) error {
	t := time.Now()
	for time.Since(t) < time.Minute {
		var out struct {
			Done bool `json:"Done"`
		}
		in := map[string]any{"InstanceIds": []string{id}, "State": state, "TimeoutSeconds": 10}
		if err := w.d.call(w.region, "WaitInstances", in, &out); err != nil {
			w.errs++
			return err
		}
		if out.Done {
			w.lat["WaitInstances:"+state] = append(w.lat["WaitInstances:"+state], time.Since(t))
			return nil
		}
	}
	w.errs++
	return fmt.Errorf("%s not %s after a minute", id, state)
}

// heavy launches heavyCount instances and terminates them.
func (w *worker) heavy() error {
	var run instances
	in := map[string]any{"MinCount": heavyCount, "MaxCount": heavyCount, "InstanceType": "t3.micro"}
	if err := w.op(heavyRun, "RunInstances", in, &run); err != nil {
		return err
	}
	ids := make([]string, len(run.Instances))
	for i, r := range run.Instances {
		ids[i] = r.InstanceId
	}
	return w.op("heavy TerminateInstances x500", "TerminateInstances", map[string]any{"InstanceIds": ids}, nil)
}
