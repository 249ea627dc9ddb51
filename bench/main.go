// Command bench measures ec2x's figures for docs/PERFORMANCE.md: CLI wall
// times against `aws --version`, launch throughput, daemon memory with a
// large fleet, the time to a first answer when the daemon must start, and
// the networking figures (Elastic IP cycles, listings of 5,000 addresses
// and interfaces) and the pricing figures (start to first price). It prints one line per figure (medians). Run it through
// bench/run.sh.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ec2x/ec2x/core/api"
	"github.com/ec2x/ec2x/core/ec2"
)

// benchConfig gives the daemon room for 100,000 guests: one big VPC and
// public pool per region and a large host fleet; boots are instant.
const benchConfig = `[sim]
boot_seconds = 0
stop_seconds = 0

[regions.us-east-1]
description = "US East (N. Virginia)"
zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
public_pool = "100.64.0.0/12"
vpc_cidr = "10.0.0.0/8"
subnet_prefix = 12
default_image = "amazon-linux-2023"

[fleet]
builtin_hosts = false  # these hosts are the whole fleet

[[hosts]]
zone = "us-east-1a"
count = 200
vcpus = 96
memory_gib = 768
cpu_overcommit = 16.0
mem_overcommit = 1.5
families = ["t2", "t3", "m5", "c5", "r5"]

[[hosts]]
zone = "us-east-1b"
count = 200
vcpus = 96
memory_gib = 768
cpu_overcommit = 16.0
mem_overcommit = 1.5
families = ["t2", "t3", "m5", "c5", "r5"]
`

// netConfig gives the networking figures their own daemon: room for 5,000
// Elastic IPs and 5,000 interfaces in one region, instant boots.
const netConfig = `[sim]
boot_seconds = 0
stop_seconds = 0

[limits]
elastic_ips_per_region = 6000

[regions.us-east-1]
description = "US East (N. Virginia)"
zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
public_pool = "100.64.0.0/16"
vpc_cidr = "10.0.0.0/8"
subnet_prefix = 12
default_image = "amazon-linux-2023"
`

type bench struct {
	bin  string
	home string
	aws  string
	runs int
}

func main() {
	bin := flag.String("bin", "bin/ec2x", "the ec2x binary")
	aws := flag.String("aws", "/usr/bin/aws", "the AWS CLI to compare with")
	runs := flag.Int("runs", 30, "repetitions per timed command")
	fleet := flag.Int("fleet", 100000, "instances for the memory figure")
	netN := flag.Int("net", 5000, "Elastic IPs and interfaces for the networking listings (0: skip networking)")
	netOnly := flag.Bool("net-only", false, "print only the networking figures")
	pricingOnly := flag.Bool("pricing-only", false, "print only the pricing figures")
	qemuImg := flag.String("qemu", "", "print only the qemu figures, booting the test image in this directory (hv/qemu/testimage/build.sh)")
	vpcImg := flag.String("vpc", "", "print only the VPC network figures (root), booting two guests of the test image in this directory")
	debian := flag.Bool("debian", false, "print only the Debian figures (root): images build cold and cached, boot to SSH, apt-get install")
	flag.Parse()
	os.Unsetenv("EC2X_WASM_CACHE") // each home compiles into its own cache
	abs, err := filepath.Abs(*bin)
	check(err)
	home, err := os.MkdirTemp("", "ec2x-bench-")
	check(err)
	defer os.RemoveAll(home)
	b := &bench{bin: abs, home: home, aws: *aws, runs: *runs}
	check(os.WriteFile(filepath.Join(home, "config.toml"), []byte(benchConfig), 0o600))
	defer b.ec2x("daemon", "stop")

	fmt.Printf("ec2x bench — %s, %s, %d runs per figure, medians\n", time.Now().UTC().Format(time.RFC3339), cpuName(), *runs)
	if *debian {
		b.debianFigures()
		return
	}
	if *vpcImg != "" {
		img, err := filepath.Abs(*vpcImg)
		check(err)
		b.vpcFigures(img)
		return
	}
	if *qemuImg != "" {
		img, err := filepath.Abs(*qemuImg)
		check(err)
		b.qemuFigures(img, min(*runs, 5))
		return
	}
	if !*netOnly {
		b.pricing()
		b.ec2x("daemon", "stop")
	}
	if *pricingOnly {
		return
	}
	if !*netOnly {
		b.foundation(*fleet)
	}

	if *netN <= 0 {
		return
	}

	// Networking, in a home and daemon of its own.
	netHome, err := os.MkdirTemp("", "ec2x-bench-net-")
	check(err)
	defer os.RemoveAll(netHome)
	nb := &bench{bin: abs, home: netHome, runs: *runs}
	check(os.WriteFile(filepath.Join(netHome, "config.toml"), []byte(netConfig), 0o600))
	defer nb.ec2x("daemon", "stop")
	nb.networking(*netN)
}

// foundation prints the issue-2 figures.
func (b *bench) foundation(fleet int) {
	b.startup()
	awsT := time.Duration(0)
	if _, err := os.Stat(b.aws); err == nil {
		awsT = b.median(func() { run(b.aws, nil, "--version") })
		fmt.Printf("aws --version                         %8.1f ms\n", ms(awsT))
	} else {
		fmt.Printf("aws --version                         (not installed: %s)\n", b.aws)
	}

	// Time to the first answer when the daemon must be started.
	first := b.median(func() {
		b.ec2x("daemon", "stop")
		b.ec2x("ls", "-q")
	})
	fmt.Printf("first answer, daemon not running      %8.1f ms\n", ms(first))

	// ec2x run with instant boot, one instance.
	runT := b.median(func() { b.ec2x("run", "-q") })
	fmt.Printf("ec2x run (instant boot)               %8.1f ms%s\n", ms(runT), ratio(runT, awsT))

	// A fleet of 1,000 for ls.
	if ids := splitIDs(b.ec2x("ls", "-q")); len(ids) > 0 {
		b.ec2x(append([]string{"terminate"}, ids...)...)
	}
	b.ec2x("run", "--count", "1000", "-q")
	// The listings' output goes through a pipe to a reader that discards
	// it: the figure is ec2x's, not this process's growing a 3 MB string.
	lsT := b.median(func() { b.discard("ls") })
	fmt.Printf("ec2x ls, 1,000 instances              %8.1f ms%s  (target under 1/50)\n", ms(lsT), ratio(lsT, awsT))
	lsJ := b.median(func() { b.discard("ls", "-o", "json") })
	fmt.Printf("ec2x ls -o json, 1,000 instances      %8.1f ms%s  (%s ls; target at most 2x)\n", ms(lsJ), ratio(lsJ, awsT), times(lsJ, lsT))

	// Launch throughput: run --count 1000, the whole CLI call.
	launch := b.median(func() { b.ec2x("run", "--count", "1000", "-q") })
	fmt.Printf("run --count 1000                      %8.1f ms = %.0f launches/s\n", ms(launch), 1000/launch.Seconds())

	// Memory with a large fleet.
	have := len(splitIDs(b.ec2x("ls", "-q")))
	t0 := time.Now()
	for have < fleet {
		n := min(1000, fleet-have)
		b.ec2x("run", "--count", strconv.Itoa(n), "--az", []string{"us-east-1a", "us-east-1b"}[have/1000%2], "-q")
		have += n
	}
	fill := time.Since(t0)
	pid := b.pid()
	fmt.Printf("daemon RSS with %d instances      %8.1f MiB right after filling (%.1f s) %s\n", have, rssMiB(pid), fill.Seconds(), rssSplit(pid))
	time.Sleep(20 * time.Second)
	fmt.Printf("daemon RSS with %d instances      %8.1f MiB after 20 s idle %s (target: both at most 300 MiB)\n", have, rssMiB(pid), rssSplit(pid))
	bigLs := b.median(func() { b.ec2x("ls", "-q") })
	fmt.Printf("ec2x ls -q, %d instances          %8.1f ms\n", have, ms(bigLs))
	restart := b.medianN(5, func() {
		b.ec2x("daemon", "stop")
		b.ec2x("ls", "-q", "--filter", "instance-id=i-00000000")
	})
	fmt.Printf("first answer, %d instances stored %8.1f ms\n", have, ms(restart))
	b.ec2x("daemon", "stop")
}

// networking prints the issue-3 figures: Elastic IP cycles through the
// CLI, and the listings over n addresses and n interfaces.
func (b *bench) networking(n int) {
	id := strings.TrimSpace(b.ec2x("run", "--az", "us-east-1a", "-q"))
	cycle := b.median(func() {
		alloc := strings.TrimSpace(b.ec2x("eip", "allocate", "-q"))
		assoc := strings.TrimSpace(b.ec2x("eip", "associate", alloc, "--instance", id, "-q"))
		b.ec2x("eip", "disassociate", assoc, "-q")
		b.ec2x("eip", "release", alloc, "-q")
	})
	fmt.Printf("eip allocate+associate+disassociate+release (4 CLI calls) %8.1f ms = %.0f cycles/s\n", ms(cycle), 1/cycle.Seconds())

	// Setup through the daemon's API (the CLI call above started it): n
	// interfaces (the instance's own among them) and n addresses, half of
	// them associated with an interface.
	c := api.NewClient(api.Paths{Home: b.home}.Socket(), "")
	t0 := time.Now()
	enis := make([]string, n-1)
	parallel(len(enis), func(i int) {
		var out ec2.CreateNetworkInterfaceOutput
		in := &ec2.CreateNetworkInterfaceInput{AvailabilityZone: []string{"us-east-1a", "us-east-1b"}[i%2], Description: "bench"}
		check(c.Call(context.Background(), "", "CreateNetworkInterface", in, &out))
		enis[i] = out.NetworkInterface.NetworkInterfaceId
	})
	parallel(n, func(i int) {
		var out ec2.AllocateAddressOutput
		check(c.Call(context.Background(), "", "AllocateAddress", &ec2.AllocateAddressInput{Domain: "vpc"}, &out))
		if i%2 == 0 {
			in := &ec2.AssociateAddressInput{AllocationId: out.AllocationId, NetworkInterfaceId: enis[i%len(enis)]}
			check(c.Call(context.Background(), "", "AssociateAddress", in, &ec2.AssociateAddressOutput{}))
		}
	})
	fmt.Printf("(set up %d interfaces and %d Elastic IPs through the API in %.1f s)\n", n-1, n, time.Since(t0).Seconds())
	if got := len(splitIDs(b.ec2x("eip", "ls", "-q"))); got != n {
		check(fmt.Errorf("eip ls lists %d addresses, want %d", got, n))
	}
	if got := len(splitIDs(b.ec2x("eni", "ls", "-q"))); got != n {
		check(fmt.Errorf("eni ls lists %d interfaces, want %d", got, n))
	}
	for _, f := range []struct{ label, what string }{
		{"ec2x eip ls, %d Elastic IPs           ", "eip"},
		{"ec2x eni ls, %d interfaces            ", "eni"},
	} {
		label := fmt.Sprintf(f.label, n)
		t := b.median(func() { b.ec2x(f.what, "ls") })
		fmt.Printf("%s%8.1f ms\n", label, ms(t))
		t = b.median(func() { b.ec2x(f.what, "ls", "-o", "json") })
		fmt.Printf("%s%8.1f ms  (-o json)\n", label, ms(t))
	}
	fmt.Printf("daemon RSS, %d EIPs + %d interfaces %8.1f MiB\n", n, n, rssMiB(b.pid()))
}

// parallel runs f(0) ... f(n-1) on a few goroutines.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

func (b *bench) ec2x(args ...string) string {
	return run(b.bin, []string{"EC2X_HOME=" + b.home, "NO_COLOR=1"}, args...)
}

// discard runs ec2x with its output read through a pipe and dropped.
func (b *bench) discard(args ...string) {
	cmd := exec.Command(b.bin, args...)
	cmd.Env = append(os.Environ(), "EC2X_HOME="+b.home, "NO_COLOR=1")
	cmd.Stdout = io.Discard // a pipe, drained by io.Discard's ReadFrom
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		check(fmt.Errorf("%s %v: %v", b.bin, args, err))
	}
}

func (b *bench) pid() int {
	data, err := os.ReadFile(filepath.Join(b.home, "daemon.pid"))
	check(err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	check(err)
	return pid
}

func (b *bench) median(f func()) time.Duration { return b.medianN(b.runs, f) }

func (b *bench) medianN(n int, f func()) time.Duration {
	f() // warm up
	ds := make([]time.Duration, n)
	for i := range ds {
		t0 := time.Now()
		f()
		ds[i] = time.Since(t0)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[n/2]
}

func run(bin string, env []string, args ...string) string {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out strings.Builder
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %s %v: %v\n", bin, args, err)
		os.Exit(1)
	}
	return out.String()
}

func splitIDs(s string) []string { return strings.Fields(s) }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func ratio(d, aws time.Duration) string {
	if aws == 0 {
		return ""
	}
	return fmt.Sprintf("  (1/%.0f of aws --version)", float64(aws)/float64(d))
}

func rssMiB(pid int) float64 { return statusMiB(pid, "VmRSS") }

// statusMiB reads one kB field of /proc/PID/status, in MiB.
func statusMiB(pid int, field string) float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	check(err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// rssSplit says how much of a process's RSS is its own memory and how much
// mapped files (Badger's tables, the binary): the kernel can drop the latter.
func rssSplit(pid int) string {
	return fmt.Sprintf("(anon %.0f, file %.0f MiB)", statusMiB(pid, "RssAnon"), statusMiB(pid, "RssFile"))
}

func cpuName() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":")) + fmt.Sprintf(" x%d", countCPUs(string(data)))
		}
	}
	return "unknown CPU"
}

func countCPUs(info string) int { return strings.Count(info, "processor\t") }

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
