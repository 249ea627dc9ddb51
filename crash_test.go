package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// crashHarness drives the real binary against one EC2X_HOME.
type crashHarness struct {
	t    *testing.T
	home string
	bin  string
}

// run executes ec2x and returns stdout and the exit code.
func (h *crashHarness) run(args ...string) (string, int) {
	cmd := exec.Command(h.bin, args...)
	cmd.Env = append(os.Environ(), "EC2X_HOME="+h.home, "NO_COLOR=1", "EC2X_REGION=", "GORACE=atexit_sleep_ms=0")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		h.t.Fatalf("run %v: %v", args, err)
	}
	if code != 0 && code != 3 {
		h.t.Logf("ec2x %v: exit %d: %s", args, code, strings.TrimSpace(errb.String()))
	}
	return out.String(), code
}

func (h *crashHarness) mustRun(args ...string) string {
	out, code := h.run(args...)
	if code != 0 {
		h.t.Fatalf("ec2x %v: exit %d", args, code)
	}
	return out
}

func (h *crashHarness) pid() int {
	data, err := os.ReadFile(filepath.Join(h.home, "daemon.pid"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	return pid
}

// expectation is what an acknowledged operation promises about an instance.
type expectation struct {
	state   string // settled state: running, stopped or terminated; "" unknown
	typ     string
	tags    map[string]string
	unknown bool // an unacknowledged op touched it: anything consistent goes
}

// TestKill9MidLoop kills the daemon with SIGKILL in the middle of a loop of
// 200 mixed operations, several times, and proves that every acknowledged
// operation survived and nothing is half done.
func TestKill9MidLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real daemons")
	}
	bin, err := exec.LookPath("ec2x")
	if err != nil { // TestMain (testscript.Main) puts it there
		t.Fatalf("the ec2x test binary is not on PATH: %v", err)
	}
	home := t.TempDir()
	h := &crashHarness{t: t, home: home, bin: bin}
	t.Cleanup(func() { killDaemon(home) })
	if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte("[sim]\nboot_seconds = 0.05\nstop_seconds = 0.05\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("EC2X_CRASH_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	kills := map[int]bool{}
	for len(kills) < crashKills() {
		kills[10+rng.IntN(185)] = true
	}

	want := map[string]*expectation{}
	batches := map[string]int{} // batch tag -> count launched (acknowledged)
	unackedBatches := map[string]int{}
	var ids []string
	keys := map[string]bool{}
	pick := func() string { return ids[rng.IntN(len(ids))] }
	lastOp := 5 * time.Millisecond

	for i := 0; i < 200; i++ {
		var args []string
		var onAck func(out string)
		var touched []string
		batch, reqCount := "", 0
		switch op := rng.IntN(10); {
		case op < 3 || len(ids) == 0:
			n := 1 + rng.IntN(3)
			batch, reqCount = fmt.Sprintf("b%d", i), n
			args = []string{"run", "--count", strconv.Itoa(n), "--tag", "batch=" + batch, "-q"}
			onAck = func(out string) {
				batches[batch] = n
				for _, id := range strings.Fields(out) {
					ids = append(ids, id)
					want[id] = &expectation{state: ec2.StateRunning, typ: "t2.micro", tags: map[string]string{"batch": batch}}
				}
			}
		case op < 5:
			id := pick()
			touched = []string{id}
			args = []string{"stop", id}
			onAck = func(string) { setState(want[id], ec2.StateStopped) }
		case op < 6:
			id := pick()
			touched = []string{id}
			args = []string{"start", id}
			onAck = func(string) { setState(want[id], ec2.StateRunning) }
		case op < 7:
			id := pick()
			touched = []string{id}
			args = []string{"terminate", id}
			onAck = func(string) { want[id].state = ec2.StateTerminated }
		case op < 8:
			id := pick()
			touched = []string{id}
			val := fmt.Sprintf("v%d", i)
			args = []string{"tag", id, "step=" + val}
			onAck = func(string) { want[id].tags["step"] = val }
		case op < 9:
			id := pick()
			touched = []string{id}
			typ := []string{"t3.micro", "t3.small", "t2.small"}[rng.IntN(3)]
			args = []string{"modify", id, "--type", typ}
			onAck = func(string) { want[id].typ = typ }
		default:
			name := fmt.Sprintf("key%d", i)
			args = []string{"keypair", "create", name, "--out", filepath.Join(home, name+".pem")}
			onAck = func(string) { keys[name] = true }
		}

		var out string
		var code int
		if kills[i] {
			// Kill the daemon while this operation is in flight.
			pid := h.pid()
			if pid == 0 {
				t.Fatalf("step %d: no daemon pid", i)
			}
			done := make(chan struct{})
			go func() {
				defer close(done)
				out, code = h.run(args...)
			}()
			// Aim inside the request: somewhere in the back half of the
			// time the last operation took (most of the front half is the
			// client process starting up).
			time.Sleep(lastOp/2 + time.Duration(rng.Int64N(int64(lastOp/2)+1)))
			if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
				t.Fatalf("kill: %v", err)
			}
			<-done
			t.Logf("step %d: killed daemon %d during %v (exit %d)", i, pid, args, code)
		} else {
			t0 := time.Now()
			out, code = h.run(args...)
			lastOp = time.Since(t0)
		}
		switch code {
		case 0:
			onAck(out)
		case 1:
			// A service error: EC2 refused (say, stopping a terminated
			// instance). Nothing changed; nothing to expect.
		case 3:
			// Unacknowledged: it may or may not have happened.
			for _, id := range touched {
				want[id].unknown = true
			}
			if batch != "" {
				unackedBatches[batch] = reqCount
			}
		default:
			t.Fatalf("step %d %v: exit %d", i, args, code)
		}
	}

	// Any call brings the daemon back; let transitions settle.
	h.mustRun("ls", "-q")
	var got ec2.DescribeInstancesOutput
	deadline := time.Now().Add(20 * time.Second)
	for {
		// A fresh value each time: json.Unmarshal into old pointers would
		// keep fields that the new document omits.
		got = ec2.DescribeInstancesOutput{}
		if err := json.Unmarshal([]byte(h.mustRun("ls", "--all", "-o", "json")), &got); err != nil {
			t.Fatal(err)
		}
		if settled(got.Instances) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !settled(got.Instances) {
		t.Fatalf("instances did not settle after restart")
	}
	byID := map[string]*ec2.Instance{}
	for _, in := range got.Instances {
		byID[in.InstanceId] = in
	}

	for id, w := range want {
		in := byID[id]
		if in == nil {
			t.Errorf("acknowledged instance %s is gone", id)
			continue
		}
		if w.unknown {
			continue
		}
		if w.state != "" && in.State.Name != w.state {
			t.Errorf("%s: state %s, want %s", id, in.State.Name, w.state)
		}
		if w.state != ec2.StateTerminated && in.InstanceType != w.typ {
			t.Errorf("%s: type %s, want %s", id, in.InstanceType, w.typ)
		}
		for k, v := range w.tags {
			if got, _ := in.Tag(k); got != v {
				t.Errorf("%s: tag %s=%q, want %q", id, k, got, v)
			}
		}
	}
	// Nothing half done: each launch is there whole or not at all.
	perBatch := map[string]int{}
	for _, in := range got.Instances {
		b, _ := in.Tag("batch")
		perBatch[b]++
	}
	for b, n := range batches {
		if perBatch[b] != n {
			t.Errorf("batch %s: %d instances, acknowledged %d", b, perBatch[b], n)
		}
	}
	for b, n := range unackedBatches {
		if perBatch[b] != 0 && perBatch[b] != n {
			t.Errorf("unacknowledged batch %s: %d of %d instances (half done)", b, perBatch[b], n)
		}
	}
	checkInvariants(t, got.Instances)
	var hosts ec2.DescribeHostsOutput
	if err := json.Unmarshal([]byte(h.mustRun("hosts", "ls", "-o", "json")), &hosts); err != nil {
		t.Fatal(err)
	}
	checkHosts(t, hosts.Hosts, got.Instances)

	var kp ec2.DescribeKeyPairsOutput
	if err := json.Unmarshal([]byte(h.mustRun("keypair", "ls", "-o", "json")), &kp); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, k := range kp.KeyPairs {
		have[k.KeyName] = true
	}
	for k := range keys {
		if !have[k] {
			t.Errorf("acknowledged key pair %s is gone", k)
		}
	}
}

func setState(w *expectation, s string) {
	if w.state != ec2.StateTerminated {
		w.state = s
	}
}

func settled(list []*ec2.Instance) bool {
	for _, in := range list {
		switch in.State.Name {
		case ec2.StateRunning, ec2.StateStopped, ec2.StateTerminated:
		default:
			return false
		}
	}
	return true
}

// checkInvariants: no address twice, addresses only where the state allows.
func checkInvariants(t *testing.T, list []*ec2.Instance) {
	t.Helper()
	priv, pub := map[string]string{}, map[string]string{}
	for _, in := range list {
		switch in.State.Name {
		case ec2.StateTerminated:
			if in.PrivateIpAddress != "" || in.PublicIpAddress != "" {
				t.Errorf("%s is terminated but holds %q/%q: %s", in.InstanceId, in.PrivateIpAddress, in.PublicIpAddress, dump(in))
			}
			continue
		case ec2.StateStopped:
			if in.PublicIpAddress != "" || in.Placement.HostId != "" {
				t.Errorf("%s is stopped but holds public IP %q / host %q: %s", in.InstanceId, in.PublicIpAddress, in.Placement.HostId, dump(in))
			}
		case ec2.StateRunning:
			if in.PublicIpAddress == "" || in.Placement.HostId == "" {
				t.Errorf("%s is running without a public IP or host", in.InstanceId)
			}
		}
		if in.PrivateIpAddress == "" {
			t.Errorf("%s has no private IP", in.InstanceId)
		}
		if o, dup := priv[in.PrivateIpAddress]; dup {
			t.Errorf("private IP %s held by %s and %s", in.PrivateIpAddress, o, in.InstanceId)
		}
		priv[in.PrivateIpAddress] = in.InstanceId
		if in.PublicIpAddress != "" {
			if o, dup := pub[in.PublicIpAddress]; dup {
				t.Errorf("public IP %s held by %s and %s", in.PublicIpAddress, o, in.InstanceId)
			}
			pub[in.PublicIpAddress] = in.InstanceId
		}
	}
}

func dump(in *ec2.Instance) string {
	b, _ := json.Marshal(in)
	return string(b)
}

// crashKills is how many times the loop kills the daemon (EC2X_CRASH_KILLS).
func crashKills() int {
	if n, err := strconv.Atoi(os.Getenv("EC2X_CRASH_KILLS")); err == nil {
		return n
	}
	return 10
}

// checkHosts: every host's use is exactly what its guests need.
func checkHosts(t *testing.T, hosts []ec2.HostInfo, list []*ec2.Instance) {
	t.Helper()
	vcpus := map[string]int{"t2.micro": 1, "t2.small": 1, "t3.micro": 2, "t3.small": 2}
	want := map[string]int{}
	for _, in := range list {
		if in.Placement.HostId != "" {
			want[in.Placement.HostId] += vcpus[in.InstanceType]
		}
	}
	for _, h := range hosts {
		if h.UsedVCPUs != want[h.ID] {
			t.Errorf("host %s uses %d vCPUs, its guests need %d", h.ID, h.UsedVCPUs, want[h.ID])
		}
		if h.UsedVCPUs > h.CapacityVCpus {
			t.Errorf("host %s over capacity: %d > %d", h.ID, h.UsedVCPUs, h.CapacityVCpus)
		}
	}
}
