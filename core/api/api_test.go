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

// startDaemon runs a real daemon in this process on a temp home.
func startDaemon(tb testing.TB, cfgText string) (*Client, string) {
	tb.Helper()
	home := tb.TempDir()
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
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- RunDaemon(ctx, DaemonOptions{Home: home, Stamp: "test", Config: cfg, Logger: zerolog.Nop(), Ready: func() { close(ready) }})
	}()
	select {
	case <-ready:
	case err := <-done:
		tb.Fatalf("daemon: %v", err)
	case <-time.After(10 * time.Second):
		tb.Fatal("daemon did not start")
	}
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("daemon exit: %v", err)
		}
	})
	return NewClient(Paths{home}.Socket(), "test"), home
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
	c, _ := startDaemon(b, instantBoot+"[[hosts]]\nzone = \"us-east-1a\"\ncount = 64\nvcpus = 96\nmemory_gib = 768\ncpu_overcommit = 16.0\nmem_overcommit = 1.5\n")
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
