// Command slowbody measures ec2x's EC2-compatible endpoint under a
// slow-body attack (issue 12): it starts the given binary's daemon in a
// fresh home ([api] listen on a free loopback port, one access key),
// launches a small fleet, times `ec2x ls` on the quiet daemon, then
// attacks the endpoint and times `ec2x ls` again while the attack holds:
//
//   - bodies: -bodies connections that each send a request declaring a
//     -body-mib MiB body, signed in the header with the daemon's access
//     key ID (public knowledge: it is not the secret) and a made-up
//     signature, and send all of the body but its last byte;
//   - slow: -slow connections that send the same header for a 1 KiB body
//     and then nothing; a connection the daemon closes is opened again,
//     so the count holds.
//
// It prints the daemon's resident memory (VmRSS sampled every 50 ms during
// the attack, and VmHWM), its open descriptors, how many bodies the daemon
// took in, and `ec2x ls` latency (p50, max) and failures before and during
// the attack; the last line is JSON with every figure. It imports nothing
// of the ec2x module, so it measures any build:
//
//	go run ./bench/slowbody -bin /path/to/ec2x [-bodies 60] [-body-mib 16] [-slow 19000] [-ls 10] [-nofile N]
//
// -nofile starts the daemon under `ulimit -n N` (0: this shell's limit).
// The slow connections need as many descriptors in this process.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ec2x/ec2x/bench/internal/benchkit"
)

// The key the daemon is given in [[api.credentials]]; the attack knows
// its ID only.
const (
	accessKey = "AKIDEC2XSLOWBODY0001"
	secretKey = "ec2xSlowBodySecretKeyNotSecretAtAll00000"
)

type options struct {
	bin                 string
	bodies, bodyMiB     int
	slow, lsRuns, fleet int
	nofile              int
	tmp                 string
}

// lsFigures is `ec2x ls` timed in one phase.
type lsFigures struct {
	Runs     int     `json:"runs"`
	Failures int     `json:"failures"`
	P50Ms    float64 `json:"p50_ms"`
	MaxMs    float64 `json:"max_ms"`
	Error    string  `json:"first_error,omitempty"`
}

func main() {
	o := parseFlags()
	abs, err := filepath.Abs(o.bin)
	benchkit.Check(err)
	benchkit.OnInterrupt()
	d := startDaemon(abs, o)
	d.cli("run", "--count", strconv.Itoa(o.fleet), "-q")
	fmt.Printf("slowbody bench: %s, %s, daemon pid %d, %d instances\n", abs, time.Now().UTC().Format(time.RFC3339), d.pid, o.fleet)
	quiet := d.timeLs(o.lsRuns)
	rssQuiet := status(d.pid, "VmRSS")
	printLs("ls, quiet daemon", quiet)
	fmt.Printf("daemon RSS quiet: %.0f MiB, %d descriptors\n", mib(rssQuiet), fds(d.pid))

	a := newAttack(d.addr, o)
	t0 := time.Now()
	a.start()
	a.placed.Wait()
	fmt.Printf("attack placed in %.1f s: %d of %d bodies taken in whole, %d refused; %d slow connections open, %d dials failed\n",
		time.Since(t0).Seconds(), a.held.Load(), o.bodies, a.refused.Load(), a.open.Load(), a.dialFailed.Load())
	peak := sampleRSS(d.pid)
	fdsAttack := fds(d.pid)
	under := d.timeLs(o.lsRuns)
	rssPeak := peak()
	hwm := status(d.pid, "VmHWM")
	printLs("ls, under attack", under)
	fmt.Printf("daemon RSS under attack: peak %.0f MiB (VmHWM %.0f MiB), %d descriptors\n", mib(rssPeak), mib(hwm), fdsAttack)
	slowOpen := a.open.Load() // before stop closes them
	a.stop()
	out, err := json.Marshal(map[string]any{
		"bin": abs, "bodies": o.bodies, "body_mib": o.bodyMiB, "slow": o.slow, "nofile": o.nofile,
		"bodies_held": a.held.Load(), "bodies_refused": a.refused.Load(), "slow_open": slowOpen,
		"ls_quiet": quiet, "ls_attack": under, "rss_quiet_mib": mib(rssQuiet), "rss_attack_peak_mib": mib(rssPeak),
		"vmhwm_mib": mib(hwm), "fds_attack": fdsAttack,
	})
	benchkit.Check(err)
	fmt.Println(string(out))
	benchkit.Cleanup()
}

func parseFlags() options {
	var o options
	flag.StringVar(&o.bin, "bin", "bin/ec2x", "the ec2x binary to measure")
	flag.IntVar(&o.bodies, "bodies", 60, "connections that send a large body and hold back its last byte")
	flag.IntVar(&o.bodyMiB, "body-mib", 16, "the body each of them declares, MiB")
	flag.IntVar(&o.slow, "slow", 19000, "connections that send half a request line and wait")
	flag.IntVar(&o.lsRuns, "ls", 10, "`ec2x ls` calls timed before and during the attack")
	flag.IntVar(&o.fleet, "instances", 100, "instances launched before timing")
	flag.IntVar(&o.nofile, "nofile", 0, "start the daemon under ulimit -n N (0: this process's limit)")
	flag.StringVar(&o.tmp, "tmpdir", os.TempDir(), "where the daemon's home goes")
	flag.Parse()
	return o
}

// daemon is the binary under test in one home, its pid and its endpoint.
type daemon struct {
	bin, home, addr string
	pid             int
}

// command builds one CLI call; the caller's EC2X_ variables are dropped
// so they cannot point it at another home.
func (d *daemon) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, d.bin, args...)
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "EC2X_") {
			cmd.Env = append(cmd.Env, e)
		}
	}
	cmd.Env = append(cmd.Env, "EC2X_HOME="+d.home, "NO_COLOR=1")
	return cmd
}

// cli runs one CLI call that must succeed.
func (d *daemon) cli(args ...string) string {
	out, err := d.command(context.Background(), args...).CombinedOutput()
	if err != nil {
		benchkit.Check(fmt.Errorf("%s %s: %v: %s", d.bin, strings.Join(args, " "), err, out))
	}
	return string(out)
}

// timeLs runs `ec2x ls` n times, one after the other; a call that fails
// or takes over a minute counts as a failure and as its time.
func (d *daemon) timeLs(n int) lsFigures {
	f := lsFigures{Runs: n}
	var ms []float64
	for range n {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		t0 := time.Now()
		out, err := d.command(ctx, "ls").CombinedOutput()
		ms = append(ms, float64(time.Since(t0).Microseconds())/1000)
		cancel()
		if err != nil {
			f.Failures++
			if f.Error == "" {
				f.Error = fmt.Sprintf("%v: %s", err, strings.TrimSpace(string(out)))
			}
		}
	}
	sort.Float64s(ms)
	f.P50Ms, f.MaxMs = ms[len(ms)/2], ms[len(ms)-1]
	return f
}

func printLs(name string, f lsFigures) {
	fmt.Printf("%s: p50 %.1f ms, max %.1f ms, %d of %d failed", name, f.P50Ms, f.MaxMs, f.Failures, f.Runs)
	if f.Error != "" {
		fmt.Printf(" (first: %s)", f.Error)
	}
	fmt.Println()
}

// startDaemon starts a daemon in a fresh home, under -nofile if set, and
// waits until its endpoint accepts connections. Cleanup stops it (kills
// it if it does not answer) and removes the home.
func startDaemon(bin string, o options) *daemon {
	port := benchkit.FreePort()
	home, err := os.MkdirTemp(o.tmp, "ec2x-slowbody-")
	benchkit.Check(err)
	benchkit.Defer(func() { os.RemoveAll(home) })
	cfg := fmt.Sprintf("[sim]\nboot_seconds = 0\nstop_seconds = 0\n\n[api]\nlisten = \"127.0.0.1:%d\"\n\n[[api.credentials]]\naccess_key_id = %q\nsecret_access_key = %q\n",
		port, accessKey, secretKey)
	benchkit.Check(os.WriteFile(filepath.Join(home, "config.toml"), []byte(cfg), 0o600))
	d := &daemon{bin: bin, home: home, addr: "127.0.0.1:" + strconv.Itoa(port)}
	start := d.command(context.Background(), "daemon", "start")
	if o.nofile > 0 {
		start = d.command(context.Background())
		start.Path, start.Args = "/bin/sh", []string{"sh", "-c", `ulimit -n "$1" && exec "$0" daemon start`, bin, strconv.Itoa(o.nofile)}
	}
	if out, err := start.CombinedOutput(); err != nil {
		benchkit.Check(fmt.Errorf("daemon start: %v: %s", err, out))
	}
	data, err := os.ReadFile(filepath.Join(home, "daemon.pid"))
	benchkit.Check(err)
	d.pid, err = strconv.Atoi(strings.TrimSpace(string(data)))
	benchkit.Check(err)
	benchkit.Defer(d.stop)
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := net.Dial("tcp", d.addr)
		if err == nil {
			c.Close()
			return d
		}
		if time.Now().After(end) {
			benchkit.Check(fmt.Errorf("the EC2 endpoint at %s does not answer: %v", d.addr, err))
		}
	}
}

// stop asks the daemon to stop and kills it if it is still there after
// 15 s (a daemon out of descriptors may not hear the request).
func (d *daemon) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_ = d.command(ctx, "daemon", "stop").Run()
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if syscall.Kill(d.pid, 0) != nil {
			return
		}
	}
	_ = syscall.Kill(d.pid, syscall.SIGKILL)
}

// attack is the two kinds of hostile connections.
type attack struct {
	addr                  string
	o                     options
	placed                sync.WaitGroup // every body sent or refused, every slow connection dialled once
	held, refused         atomic.Int64
	open, dialFailed      atomic.Int64
	mu                    sync.Mutex
	conns                 []net.Conn
	stopped               atomic.Bool
	headerBytes, body1MiB []byte
	slowHeader            []byte
}

func newAttack(addr string, o options) *attack {
	a := &attack{addr: addr, o: o, body1MiB: make([]byte, 1<<20)}
	for i := range a.body1MiB {
		a.body1MiB[i] = 'a'
	}
	a.headerBytes = header(addr, o.bodyMiB<<20)
	a.slowHeader = header(addr, 1<<10)
	return a
}

// header is a request header for a body of size bytes, signed (in form
// only) with the daemon's access key ID.
func header(addr string, size int) []byte {
	now := time.Now().UTC()
	return []byte(fmt.Sprintf("POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"X-Amz-Date: %s\r\nAuthorization: AWS4-HMAC-SHA256 Credential=%s/%s/us-east-1/ec2/aws4_request, "+
		"SignedHeaders=host;x-amz-date, Signature=%064d\r\nContent-Length: %d\r\n\r\n",
		addr, now.Format("20060102T150405Z"), accessKey, now.Format("20060102"), 0, size))
}

// keep records a connection for stop to close.
func (a *attack) keep(c net.Conn) {
	a.mu.Lock()
	a.conns = append(a.conns, c)
	a.mu.Unlock()
}

func (a *attack) start() {
	a.placed.Add(a.o.bodies + a.o.slow)
	for range a.o.bodies {
		go a.body()
	}
	dials := make(chan struct{}, 256) // dial at most this many at once
	for range a.o.slow {
		go a.slowConn(dials)
	}
}

// body sends one large body but its last byte and leaves the connection
// open. A body the daemon stops reading (a refusal) fails the write.
func (a *attack) body() {
	defer a.placed.Done()
	c, err := net.DialTimeout("tcp", a.addr, 10*time.Second)
	if err != nil {
		a.refused.Add(1)
		return
	}
	a.keep(c)
	if _, err := c.Write(a.headerBytes); err != nil {
		a.refused.Add(1)
		return
	}
	left := a.o.bodyMiB<<20 - 1
	for left > 0 {
		n := min(left, len(a.body1MiB))
		if _, err := c.Write(a.body1MiB[:n]); err != nil {
			a.refused.Add(1)
			return
		}
		left -= n
	}
	a.held.Add(1)
}

// slowConn keeps one connection open with a header sent and its body
// held back, dialling again whenever the daemon closes it.
func (a *attack) slowConn(dials chan struct{}) {
	first := true
	done := func() {
		if first {
			first = false
			a.placed.Done()
		}
	}
	for !a.stopped.Load() {
		dials <- struct{}{}
		c, err := net.DialTimeout("tcp", a.addr, 2*time.Second)
		<-dials
		if err != nil {
			a.dialFailed.Add(1)
			done()
			time.Sleep(100 * time.Millisecond)
			continue
		}
		a.keep(c)
		_, _ = c.Write(a.slowHeader)
		a.open.Add(1)
		done()
		var b [1]byte
		_, _ = c.Read(b[:]) // until the daemon (or stop) closes it
		a.open.Add(-1)
		c.Close()
	}
	done()
}

func (a *attack) stop() {
	a.stopped.Store(true)
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, c := range a.conns {
		c.Close()
	}
}

// sampleRSS samples the daemon's VmRSS every 50 ms until the returned
// function is called, which gives the peak.
func sampleRSS(pid int) func() int64 {
	var peak atomic.Int64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if v := status(pid, "VmRSS"); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 { close(done); <-stopped; return peak.Load() }
}

// status reads one kB figure of /proc/PID/status, in bytes.
func status(pid int, key string) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, key+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// fds counts the daemon's open descriptors.
func fds(pid int) int {
	ents, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	return len(ents)
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
