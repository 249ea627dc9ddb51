package core

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/market"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/internal/clock"
	"github.com/rs/zerolog"

	_ "github.com/ec2x/ec2x/hv/sim"
)

// Regions most tests use: the default one and a second for isolation.
const (
	use1 = "us-east-1"
	usw2 = "us-west-2"
)

// epoch is where every fake clock starts: a fixed instant, so times in
// messages and LaunchTime are repeatable.
var epoch = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// env is a Cloud on a real Badger store, the real sim driver and a fake
// clock: the only fake is time.
//
// The store lives in t.TempDir(), not in memory: store.Options{InMemory}
// refuses (and Badger then panics on) any value over the store's 256-byte
// value threshold, and an instance record is larger than that.
type env struct {
	t      testing.TB
	ctx    context.Context
	cfg    *configs.Config
	clk    *clock.Fake
	dir    string
	noSync bool
	seed   uint64
	st     *store.Store
	c      *Cloud
	// pricer, when set, prices spot and reserved capacity (newMarketEnv).
	pricer market.Pricer
}

// envOptions tune the store.
type envOptions struct {
	// sync makes every commit durable with fsync, as the daemon runs; the
	// default skips fsync, which changes nothing a test can observe short of
	// a power cut and keeps the package fast.
	sync bool
}

// newEnv opens a Cloud with the built-in config plus toml (which may be "").
func newEnv(t testing.TB, toml string) *env { return newEnvWith(t, toml, envOptions{}) }

func newEnvWith(t testing.TB, toml string, o envOptions) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), cfg: loadConfig(t, toml), clk: clock.NewFake(epoch),
		dir: t.TempDir(), noSync: !o.sync, seed: 1}
	e.open()
	t.Cleanup(e.close)
	return e
}

func loadConfig(t testing.TB, toml string) *configs.Config {
	t.Helper()
	var (
		cfg *configs.Config
		err error
	)
	if toml == "" {
		cfg, err = configs.Default()
	} else {
		cfg, err = configs.LoadBytes([]byte(toml), "test.toml")
	}
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return cfg
}

func (e *env) open() {
	e.t.Helper()
	st, err := store.Open(e.ctx, e.dir, store.Options{NoSync: e.noSync, Logger: zerolog.Nop()})
	if err != nil {
		e.t.Fatalf("open store: %v", err)
	}
	c, err := Open(e.ctx, Options{Config: e.cfg, Store: st, Clock: e.clk, Logger: zerolog.Nop(), Seed: e.seed, Pricer: e.pricer,
		Fatal: func(err error) { e.t.Errorf("fatal: %v", err) }})
	if err != nil {
		_ = st.Close(e.ctx)
		e.t.Fatalf("open cloud: %v", err)
	}
	e.st, e.c = st, c
}

func (e *env) close() {
	if e.c != nil {
		if err := e.c.Close(e.ctx); err != nil {
			e.t.Errorf("close cloud: %v", err)
		}
		if err := e.st.Close(e.ctx); err != nil {
			e.t.Errorf("close store: %v", err)
		}
		e.c, e.st = nil, nil
	}
}

// reopen closes the Cloud and the store and opens both again on the same
// directory and clock, as a daemon restart does. A restarted daemon seeds
// its IDs afresh, so the seed changes too.
func (e *env) reopen() {
	e.t.Helper()
	e.close()
	e.seed += 1000
	e.open()
}

// advance moves the fake clock; due boots and stops fire inside the call.
func (e *env) advance(d time.Duration) { e.clk.Advance(d) }

func (e *env) bootTime() time.Duration { return seconds(e.cfg.Sim.BootSeconds) }
func (e *env) stopTime() time.Duration { return seconds(e.cfg.Sim.StopSeconds) }

// run launches and returns the reservation, failing the test on error.
func (e *env) run(region string, in *ec2.RunInstancesInput) *ec2.RunInstancesOutput {
	e.t.Helper()
	out, err := e.c.RunInstances(e.ctx, region, in)
	if err != nil {
		e.t.Fatalf("RunInstances: %v", err)
	}
	return out
}

// launch runs n default instances and returns their IDs.
func (e *env) launch(region string, n int) []string {
	e.t.Helper()
	return idsOf(e.run(region, &ec2.RunInstancesInput{MinCount: n, MaxCount: n}).Instances)
}

// launchRunning launches n instances and waits until they run.
func (e *env) launchRunning(region string, n int) []string {
	e.t.Helper()
	ids := e.launch(region, n)
	e.advance(e.bootTime())
	e.wait(region, ec2.StateRunning, ids...)
	return ids
}

// wait blocks (in real time, bounded) until every instance is in state.
func (e *env) wait(region, state string, ids ...string) []*ec2.Instance {
	e.t.Helper()
	out, err := e.c.WaitInstances(e.ctx, region, &ec2.WaitInstancesInput{InstanceIds: ids, State: state, TimeoutSeconds: 10})
	if err != nil {
		e.t.Fatalf("wait %s %v: %v", state, ids, err)
	}
	if !out.Done {
		var behind []string
		for _, in := range out.Instances {
			if in.State.Name != state {
				behind = append(behind, in.InstanceId+"="+in.State.Name)
			}
		}
		e.t.Fatalf("wait %s for %d instances: timed out; still %v", state, len(ids), behind)
	}
	return out.Instances
}

// get describes one instance.
func (e *env) get(region, id string) *ec2.Instance {
	e.t.Helper()
	out, err := e.c.DescribeInstances(e.ctx, region, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		e.t.Fatalf("describe %s: %v", id, err)
	}
	if len(out.Instances) != 1 {
		e.t.Fatalf("describe %s: %d instances", id, len(out.Instances))
	}
	return out.Instances[0]
}

// list describes with filters and returns the IDs in answer order.
func (e *env) list(region string, fs ...ec2.Filter) []string {
	e.t.Helper()
	out, err := e.c.DescribeInstances(e.ctx, region, &ec2.DescribeInstancesInput{Filters: fs})
	if err != nil {
		e.t.Fatalf("describe %v: %v", fs, err)
	}
	return idsOf(out.Instances)
}

func (e *env) stop(region string, force bool, ids ...string) []ec2.StateChange {
	e.t.Helper()
	out, err := e.c.StopInstances(e.ctx, region, &ec2.StopInstancesInput{InstanceIds: ids, Force: force})
	if err != nil {
		e.t.Fatalf("stop %v: %v", ids, err)
	}
	return out.StoppingInstances
}

func (e *env) start(region string, ids ...string) []ec2.StateChange {
	e.t.Helper()
	out, err := e.c.StartInstances(e.ctx, region, &ec2.StartInstancesInput{InstanceIds: ids})
	if err != nil {
		e.t.Fatalf("start %v: %v", ids, err)
	}
	return out.StartingInstances
}

func (e *env) terminate(region string, ids ...string) []ec2.StateChange {
	e.t.Helper()
	out, err := e.c.TerminateInstances(e.ctx, region, &ec2.TerminateInstancesInput{InstanceIds: ids})
	if err != nil {
		e.t.Fatalf("terminate %v: %v", ids, err)
	}
	return out.TerminatingInstances
}

// hosts returns the region's hosts by ID.
func (e *env) hosts(region string) map[string]ec2.HostInfo {
	e.t.Helper()
	out, err := e.c.DescribeHosts(e.ctx, region, &ec2.Empty{})
	if err != nil {
		e.t.Fatalf("hosts: %v", err)
	}
	m := map[string]ec2.HostInfo{}
	for _, h := range out.Hosts {
		m[h.ID] = h
	}
	return m
}

func idsOf(ins []*ec2.Instance) []string {
	ids := make([]string, len(ins))
	for i, in := range ins {
		ids[i] = in.InstanceId
	}
	return ids
}

// wantCode fails unless err is an EC2 error with code and, when given, a
// message containing every fragment.
func wantCode(t testing.TB, err error, code string, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got success, want %s", code)
	}
	var ec2 *ec2.Error
	if !errors.As(err, &ec2) {
		t.Fatalf("got %v (%T), want EC2 error %s", err, err, code)
	}
	if ec2.Code != code {
		t.Fatalf("got %s: %s, want code %s", ec2.Code, ec2.Message, code)
	}
	for _, f := range fragments {
		if !strings.Contains(ec2.Message, f) {
			t.Fatalf("message %q lacks %q", ec2.Message, f)
		}
	}
}

// instanceTags is a TagSpecification for the instance from key, value pairs.
func instanceTags(kv ...string) []ec2.TagSpecification {
	var ts []ec2.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		ts = append(ts, ec2.Tag{Key: kv[i], Value: kv[i+1]})
	}
	return []ec2.TagSpecification{{ResourceType: "instance", Tags: ts}}
}

// newFilter is an EC2 filter: any of the values may match.
func newFilter(name string, values ...string) ec2.Filter {
	return ec2.Filter{Name: name, Values: values}
}

func ptr[T any](v T) *T { return &v }
