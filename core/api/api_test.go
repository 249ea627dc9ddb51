package api

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core"
	"github.com/rs/zerolog"

	_ "github.com/ec2x/ec2x/hv/sim"
)

// testDaemon is a real daemon run in this process by RunDaemon.
type testDaemon struct {
	home   string
	cancel context.CancelFunc
	exited chan struct{} // closed when RunDaemon has returned
	err    error         // what it returned, once exited is closed
}

// runDaemon starts a daemon on home (created with cfgText as its config
// when not empty) and stops it when the test ends.
func runDaemon(tb testing.TB, home, cfgText string) *testDaemon {
	tb.Helper()
	if err := os.MkdirAll(home, 0o700); err != nil {
		tb.Fatal(err)
	}
	if cfgText != "" {
		if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte(cfgText), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	cfg, err := configs.Load(home)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &testDaemon{home: home, cancel: cancel, exited: make(chan struct{})}
	ready := make(chan struct{})
	go func() {
		defer close(d.exited)
		d.err = RunDaemon(ctx, DaemonOptions{Home: home, Stamp: "test", Config: cfg, Logger: zerolog.Nop(), Ready: func() { close(ready) }})
	}()
	select {
	case <-ready:
	case <-d.exited:
		tb.Fatalf("daemon: %v", d.err)
	case <-time.After(10 * time.Second):
		tb.Fatal("daemon did not start")
	}
	tb.Cleanup(func() {
		cancel()
		<-d.exited
		if d.err != nil {
			tb.Errorf("daemon exit: %v", d.err)
		}
	})
	return d
}

// startDaemon runs a real daemon in this process on a temp home.
func startDaemon(tb testing.TB, cfgText string) (*Client, string) {
	tb.Helper()
	d := runDaemon(tb, tb.TempDir(), cfgText)
	return NewClient(Paths{d.home}.Socket(), "test"), d.home
}

const instantBoot = "[sim]\nboot_seconds = 0\nstop_seconds = 0\n"

func BenchmarkDescribeInstances1000(b *testing.B) {
	c, _ := startDaemon(b, instantBoot)
	ctx := context.Background()
	var run core.RunInstancesOutput
	if err := c.Call(ctx, "", "RunInstances", &core.RunInstancesInput{MinCount: 1000, MaxCount: 1000}, &run); err != nil {
		b.Fatal(err)
	}
	b.Run("DescribeInstances", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var out core.DescribeInstancesOutput
			if err := c.Call(ctx, "", "DescribeInstances", &core.DescribeInstancesInput{}, &out); err != nil {
				b.Fatal(err)
			}
			if len(out.Instances) != 1000 {
				b.Fatalf("got %d instances", len(out.Instances))
			}
		}
	})
	b.Run("DescribeInstanceTable", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var out core.Text
			in := &core.DescribeInstanceTableInput{Format: "table", Now: time.Now()}
			if err := c.Call(ctx, "", "DescribeInstanceTable", in, &out); err != nil {
				b.Fatal(err)
			}
			if n := strings.Count(string(out.Body), "\n"); n != 1001 {
				b.Fatalf("got %d rows", n)
			}
		}
	})
}

func BenchmarkRunInstances1000(b *testing.B) {
	// Room for many launches: a big VPC, pool and fleet in one zone.
	c, _ := startDaemon(b, instantBoot+`
[regions.us-east-1]
zones = ["us-east-1a"]
public_pool = "100.64.0.0/12"
vpc_cidr = "10.0.0.0/8"
subnet_prefix = 12
default_image = "amazon-linux-2023"

[[hosts]]
zone = "us-east-1a"
count = 64
vcpus = 96
memory_gib = 768
cpu_overcommit = 16.0
mem_overcommit = 1.5
`)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var run core.RunInstancesOutput
		if err := c.Call(ctx, "", "RunInstances", &core.RunInstancesInput{MinCount: 1000, MaxCount: 1000}, &run); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "launches/s")
}
