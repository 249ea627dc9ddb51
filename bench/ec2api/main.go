// Command ec2api measures DescribeInstances over a fleet through ec2x's
// EC2-compatible endpoint (Query protocol, SigV4), as a separate process
// would see it. It starts the given binary's daemon in a fresh home
// (`BINARY daemon start`, instant boots, [api] listen on a free loopback
// port, one [[api.credentials]] key), launches -instances instances with
// `BINARY run --count`, waits until the daemon is idle, and then times:
//
//   - sdk: -n DescribeInstances calls through the AWS SDK for Go v2
//     (github.com/aws/aws-sdk-go-v2/service/ec2), full XML decode;
//   - raw: -n POSTs of Action=DescribeInstances signed with the SDK's v4
//     signer and read as bytes (the endpoint's own share);
//   - filtered: -n SDK DescribeInstances calls with three filters (state
//     running, type t3.micro, tag team=blue), which 1% of the fleet
//     matches: the fleet is 90% t3.micro of team red, 9% t3.small of team
//     blue, 1% t3.micro of team blue;
//   - types: -n walks of DescribeInstanceTypes over the whole catalogue,
//     100 types a page, through the SDK's paginator (one walk is a call).
//
// Each phase prints p50, p99 and mean latency, plus the daemon's and this
// command's CPU per call (from /proc, 10 ms ticks summed over the phase);
// the last line of output is JSON with every figure. It imports nothing of
// the ec2x module, so it measures any build:
//
//	go run ./bench/ec2api -bin /path/to/ec2x [-n 200] [-instances 1000] [-tmpdir /dev/shm]
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/bench/internal/benchkit"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// The key the daemon is given in [[api.credentials]]; the signer uses it.
const (
	accessKey = "AKIDEC2XBENCH0000001"
	secretKey = "ec2xBenchSecretKeyNotSecretAtAll0000000000"
	region    = "us-east-1"
	rawBody   = "Action=DescribeInstances&Version=2016-11-15"
)

func config(port int) string {
	return fmt.Sprintf(`[sim]
boot_seconds = 0
stop_seconds = 0

[api]
listen = "127.0.0.1:%d"

[[api.credentials]]
access_key_id = %q
secret_access_key = %q

# Room for fleets of 10,000 and more: these hosts are the whole fleet.
[fleet]
builtin_hosts = false

[[hosts]]
zone = "us-east-1a"
count = 70
vcpus = 96
memory_gib = 768
cpu_overcommit = 16.0
mem_overcommit = 1.5
families = ["t3"]

[[hosts]]
zone = "us-east-1b"
count = 70
vcpus = 96
memory_gib = 768
cpu_overcommit = 16.0
mem_overcommit = 1.5
families = ["t3"]

[[hosts]]
zone = "us-east-1c"
count = 70
vcpus = 96
memory_gib = 768
cpu_overcommit = 16.0
mem_overcommit = 1.5
families = ["t3"]
`, port, accessKey, secretKey)
}

// phase is the figures of one kind of call.
type phase struct {
	N           int     `json:"n"`
	P50Ms       float64 `json:"p50_ms"`
	P99Ms       float64 `json:"p99_ms"`
	MeanMs      float64 `json:"mean_ms"`
	DaemonCPUMs float64 `json:"daemon_cpu_ms_per_call"`
	ClientCPUMs float64 `json:"client_cpu_ms_per_call"`
	Bytes       int64   `json:"bytes,omitempty"`
}

// options is the command line.
type options struct {
	bin            string
	n, count, warm int
	tmp            string
	maxBG          float64
	maxWait        time.Duration
}

func main() {
	o := parseFlags()
	abs, err := filepath.Abs(o.bin)
	benchkit.Check(err)
	benchkit.OnInterrupt()
	c, url, pid := startDaemon(abs, o.tmp)
	launch(c, o.count, o.n)
	sdk := newSDK(url)
	res := runPhases(pid, o, []namedCall{
		{"sdk", "DescribeInstances", sdkCaller(sdk, o.count)},
		{"raw", "DescribeInstances", rawCaller(url, o.count)},
		{"filtered", "DescribeInstances, 3 filters", filteredCaller(sdk, o.count/100)},
		{"types", "DescribeInstanceTypes, all pages", typesCaller(sdk)},
	})
	out, err := json.Marshal(map[string]any{"bin": abs, "instances": o.count, "n": o.n, "sdk": res["sdk"], "raw": res["raw"],
		"filtered": res["filtered"], "types": res["types"]})
	benchkit.Check(err)
	fmt.Println(string(out))
	benchkit.Cleanup()
}

func parseFlags() options {
	var o options
	flag.StringVar(&o.bin, "bin", "bin/ec2x", "the ec2x binary to measure")
	flag.IntVar(&o.n, "n", 200, "timed calls per phase")
	flag.IntVar(&o.count, "instances", 1000, "instances to launch before timing")
	flag.IntVar(&o.warm, "warmup", 10, "untimed calls before each phase")
	flag.StringVar(&o.tmp, "tmpdir", os.TempDir(), "where the daemon's home goes")
	flag.Float64Var(&o.maxBG, "max-background", 25, "before each phase, wait (up to -max-wait) until the machine's load is under this percent of all cores")
	flag.DurationVar(&o.maxWait, "max-wait", 30*time.Second, "the longest wait for a quiet machine")
	flag.Parse()
	return o
}

// cli runs the binary under test in one home.
type cli struct{ bin, home string }

// run runs one CLI call; a failed call ends the bench. The caller's EC2X_
// variables are dropped so they cannot point the call at another home.
func (c cli) run(args ...string) string {
	cmd := exec.Command(c.bin, args...)
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "EC2X_") {
			cmd.Env = append(cmd.Env, e)
		}
	}
	cmd.Env = append(cmd.Env, "EC2X_HOME="+c.home, "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		benchkit.Check(fmt.Errorf("%s %s: %v: %s", c.bin, strings.Join(args, " "), err, out))
	}
	return string(out)
}

// startDaemon starts a daemon in a fresh home under tmp and waits until its
// EC2 endpoint answers. Cleanup stops it, then removes the home.
func startDaemon(abs, tmp string) (c cli, url string, pid int) {
	port := benchkit.FreePort()
	home, err := os.MkdirTemp(tmp, "ec2x-ec2api-")
	benchkit.Check(err)
	benchkit.Defer(func() { os.RemoveAll(home) })
	benchkit.Check(os.WriteFile(filepath.Join(home, "config.toml"), []byte(config(port)), 0o600))
	c = cli{bin: abs, home: home}
	c.run("daemon", "start")
	benchkit.Defer(func() { c.run("daemon", "stop") })
	pid = daemonPid(home)
	url = "http://127.0.0.1:" + strconv.Itoa(port)
	waitListening(url)
	return c, url, pid
}

// launch starts the fleet (see the filtered phase for its mix) and prints
// the header line (which reports the launch time, so it comes after).
func launch(c cli, count, n int) {
	t0 := time.Now()
	blue, calls := count/100, 0
	for _, part := range []struct {
		n         int
		typ, team string
	}{{count - 10*blue, "t3.micro", "red"}, {9 * blue, "t3.small", "blue"}, {blue, "t3.micro", "blue"}} {
		// At most 1,000 a call, EC2's limit per RunInstances, the calls
		// spread over three zones (a default subnet holds 4,091).
		for left := part.n; left > 0; left -= 1000 {
			n := min(left, 1000)
			zone := "us-east-1" + string(rune('a'+calls%3))
			calls++
			ids := strings.Fields(c.run("run", "--count", strconv.Itoa(n), "--type", part.typ, "--tag", "team="+part.team, "--az", zone, "-q"))
			if len(ids) != n {
				benchkit.Check(fmt.Errorf("run --count %d printed %d IDs", n, len(ids)))
			}
		}
	}
	fmt.Printf("ec2api bench: %s, %d instances (launched in %.2f s), %d calls per phase, %s\n",
		c.bin, count, time.Since(t0).Seconds(), n, time.Now().UTC().Format(time.RFC3339))
}

// newSDK is an SDK client of the endpoint.
func newSDK(url string) *ec2.Client {
	return ec2.New(ec2.Options{
		BaseEndpoint:     aws.String(url),
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider(accessKey, secretKey, ""),
		RetryMaxAttempts: 1, // a failed call is a failed bench, not a slow one
		HTTPClient:       bodyCopier{awshttp.NewBuildableClient()},
	})
}

// filteredCaller returns one SDK DescribeInstances call with three filters
// that checks it finds the want instances.
func filteredCaller(sdk *ec2.Client, want int) func() int64 {
	in := &ec2.DescribeInstancesInput{Filters: []types.Filter{
		{Name: aws.String("instance-state-name"), Values: []string{"running"}},
		{Name: aws.String("instance-type"), Values: []string{"t3.micro"}},
		{Name: aws.String("tag:team"), Values: []string{"blue"}},
	}}
	return func() int64 {
		out, err := sdk.DescribeInstances(context.Background(), in)
		benchkit.Check(err)
		got := 0
		for _, r := range out.Reservations {
			got += len(r.Instances)
		}
		if got != want {
			benchkit.Check(fmt.Errorf("filtered DescribeInstances: %d instances, want %d", got, want))
		}
		return 0
	}
}

// typesCaller returns one walk of the whole catalogue through
// DescribeInstanceTypes' paginator, 100 types a page; it checks every walk
// sees as many types as the first.
func typesCaller(sdk *ec2.Client) func() int64 {
	first := -1
	return func() int64 {
		pages := ec2.NewDescribeInstanceTypesPaginator(sdk, &ec2.DescribeInstanceTypesInput{MaxResults: aws.Int32(100)})
		n := 0
		for pages.HasMorePages() {
			p, err := pages.NextPage(context.Background())
			benchkit.Check(err)
			n += len(p.InstanceTypes)
		}
		if first < 0 {
			first = n
			fmt.Printf("DescribeInstanceTypes: %d types in %d-type pages\n", n, 100)
		}
		if n != first || n == 0 {
			benchkit.Check(fmt.Errorf("DescribeInstanceTypes walked %d types, then %d", first, n))
		}
		return 0
	}
}

// sdkCaller returns one SDK DescribeInstances call that checks it sees the
// whole fleet in one page.
func sdkCaller(sdk *ec2.Client, count int) func() int64 {
	return func() int64 {
		out, err := sdk.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{})
		benchkit.Check(err)
		got := 0
		for _, r := range out.Reservations {
			got += len(r.Instances)
		}
		if got != count || out.NextToken != nil {
			benchkit.Check(fmt.Errorf("SDK DescribeInstances: %d instances (next token %v), want %d", got, out.NextToken != nil, count))
		}
		return 0
	}
}

// rawCaller returns one signed POST of DescribeInstances that returns the
// answer's size. Only the first answer (or a failed one) is read whole and
// checked; the rest are just drained, so the timing is the endpoint's.
func rawCaller(url string, count int) func() int64 {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	signer := v4.NewSigner()
	sum := sha256.Sum256([]byte(rawBody))
	payloadHash := hex.EncodeToString(sum[:])
	creds := aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey}
	var rawCheck bool
	return func() int64 {
		req, err := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(rawBody))
		benchkit.Check(err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		benchkit.Check(signer.SignHTTP(context.Background(), creds, req, payloadHash, "ec2", region, time.Now()))
		resp, err := hc.Do(req)
		benchkit.Check(err)
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !rawCheck {
			body, err := io.ReadAll(resp.Body)
			benchkit.Check(err)
			if resp.StatusCode != http.StatusOK {
				benchkit.Check(fmt.Errorf("raw DescribeInstances: %s: %.300s", resp.Status, body))
			}
			if got := strings.Count(string(body), "<instanceId>"); got != count {
				benchkit.Check(fmt.Errorf("raw DescribeInstances: %d <instanceId> elements, want %d", got, count))
			}
			rawCheck = true
			return int64(len(body))
		}
		n, err := io.Copy(io.Discard, resp.Body)
		benchkit.Check(err)
		return n
	}
}

// namedCall is one kind of call to time, under its key in the JSON.
type namedCall struct {
	name, what string
	call       func() int64
}

// runPhases times each call in turn, after a warm-up and a wait for a
// quiet daemon and machine, and prints a line per phase.
func runPhases(pid int, o options, calls []namedCall) map[string]*phase {
	res := map[string]*phase{}
	for _, p := range calls {
		for i := 0; i < o.warm; i++ {
			p.call()
		}
		benchkit.Settle(pid)
		bg := benchkit.WaitQuiet(o.maxBG, o.maxWait, 500*time.Millisecond, time.Second)
		res[p.name] = timePhase(pid, o.n, p.call)
		printPhase(p.what+" "+p.name, res[p.name], bg)
	}
	return res
}

func printPhase(name string, f *phase, bg float64) {
	size := ""
	if f.Bytes > 0 {
		size = fmt.Sprintf("  %.0f KiB per answer", float64(f.Bytes)/1024)
	}
	fmt.Printf("%-45s  p50 %7.2f ms  p99 %7.2f ms  mean %7.2f ms  daemon CPU %6.2f ms/call  client CPU %6.2f ms/call%s  (background %.0f%%)\n",
		name, f.P50Ms, f.P99Ms, f.MeanMs, f.DaemonCPUMs, f.ClientCPUMs, size, bg)
}

// bodyCopier hands net/http a copy of the request body. The SDK closes
// the body it built as soon as Do returns (smithy-go's ClientHandler),
// which can be before net/http's write loop has finished with it; on a
// busy machine the loop then fails, closes the connection and the SDK's
// read of the answer fails with "use of closed network connection"
// (aws/aws-sdk-go-v2#2737; the SDK retries it by default). A copy of the
// 43-byte body keeps calls from failing or being retried.
type bodyCopier struct{ c *awshttp.BuildableClient }

func (b bodyCopier) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(data))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	}
	return b.c.Do(r)
}

// timePhase makes n calls and sums them up.
func timePhase(pid, n int, call func() int64) *phase {
	ds := make([]time.Duration, n)
	var size int64
	d0, c0 := benchkit.CPUTicks(pid), benchkit.CPUTicks(os.Getpid())
	var total time.Duration
	for i := range ds {
		t := time.Now()
		size = call()
		ds[i] = time.Since(t)
		total += ds[i]
	}
	d1, c1 := benchkit.CPUTicks(pid), benchkit.CPUTicks(os.Getpid())
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	msOf := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return &phase{
		N: n, P50Ms: msOf(ds[n/2]), P99Ms: msOf(ds[min(n-1, n*99/100)]), MeanMs: msOf(total / time.Duration(n)),
		DaemonCPUMs: float64(d1-d0) * 10 / float64(n), ClientCPUMs: float64(c1-c0) * 10 / float64(n), Bytes: size,
	}
}

// waitListening waits (up to 10 s) until the endpoint answers at all.
func waitListening(url string) {
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(url + "/")
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(end) {
			benchkit.Check(fmt.Errorf("the EC2 endpoint at %s does not answer: %v", url, err))
		}
	}
}

func daemonPid(home string) int {
	data, err := os.ReadFile(filepath.Join(home, "daemon.pid"))
	benchkit.Check(err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	benchkit.Check(err)
	return pid
}
