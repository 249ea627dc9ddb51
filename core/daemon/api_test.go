package daemon

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/api"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/internal/clock"
	"github.com/rs/zerolog"

	_ "github.com/ec2x/ec2x/hv/sim"
)

// testDaemon is a real daemon run in this process by RunDaemon.
type testDaemon struct {
	home   string
	ec2    string // the EC2 endpoint's address, when [api] listen is set
	cancel context.CancelFunc
	exited chan struct{} // closed when RunDaemon has returned
	err    error         // what it returned, once exited is closed
}

// runDaemon starts a daemon on home (created with cfgText as its config
// when not empty) and stops it when the test ends.
func runDaemon(tb testing.TB, home, cfgText string) *testDaemon {
	tb.Helper()
	return runDaemonOn(tb, home, cfgText, nil)
}

// runDaemonOn is runDaemon with the daemon's clock (nil: the real one).
func runDaemonOn(tb testing.TB, home, cfgText string, clk clock.Clock) *testDaemon {
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
		d.err = Run(ctx, Options{Home: home, Stamp: "test", Config: cfg, Logger: zerolog.Nop(), Clock: clk, Ready: func() { close(ready) },
			EC2Ready: func(addr string) { d.ec2 = addr }})
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
func startDaemon(tb testing.TB, cfgText string) (*api.Client, string) {
	tb.Helper()
	d := runDaemon(tb, tb.TempDir(), cfgText)
	return api.NewClient(api.Paths{Home: d.home}.Socket(), "test"), d.home
}

const instantBoot = "[sim]\nboot_seconds = 0\nstop_seconds = 0\n"

func BenchmarkDescribeInstances1000(b *testing.B) {
	c, _ := startDaemon(b, instantBoot)
	ctx := context.Background()
	var run ec2.RunInstancesOutput
	if err := c.Call(ctx, "", "RunInstances", &ec2.RunInstancesInput{MinCount: 1000, MaxCount: 1000}, &run); err != nil {
		b.Fatal(err)
	}
	b.Run("DescribeInstances", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var out ec2.DescribeInstancesOutput
			if err := c.Call(ctx, "", "DescribeInstances", &ec2.DescribeInstancesInput{}, &out); err != nil {
				b.Fatal(err)
			}
			if len(out.Instances) != 1000 {
				b.Fatalf("got %d instances", len(out.Instances))
			}
		}
	})
	b.Run("DescribeInstanceRows", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var out ec2.DescribeInstanceRowsOutput
			if err := c.Call(ctx, "", "DescribeInstanceRows", &ec2.DescribeInstanceRowsInput{}, &out); err != nil {
				b.Fatal(err)
			}
			if n := bytes.Count(out.Body, []byte("\n")); n != 1000 {
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

[fleet]
builtin_hosts = false  # these hosts are the whole fleet

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
		var run ec2.RunInstancesOutput
		if err := c.Call(ctx, "", "RunInstances", &ec2.RunInstancesInput{MinCount: 1000, MaxCount: 1000}, &run); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "launches/s")
}

// netBench has room for 5,000 Elastic IPs and 5,000 interfaces in a region.
const netBench = instantBoot + `
[limits]
elastic_ips_per_region = 6000

[regions.us-east-1]
zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
public_pool = "100.64.0.0/16"
vpc_cidr = "10.0.0.0/8"
subnet_prefix = 12
default_image = "amazon-linux-2023"
`

// BenchmarkAddressCycle is one Elastic IP's whole life with an instance:
// AllocateAddress, AssociateAddress, DisassociateAddress, ReleaseAddress,
// four requests through the socket per op.
func BenchmarkAddressCycle(b *testing.B) {
	c, _ := startDaemon(b, netBench)
	ctx := context.Background()
	var run ec2.RunInstancesOutput
	if err := c.Call(ctx, "", "RunInstances", &ec2.RunInstancesInput{MinCount: 1, MaxCount: 1}, &run); err != nil {
		b.Fatal(err)
	}
	id := run.Instances[0].InstanceId
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var alloc ec2.AllocateAddressOutput
		if err := c.Call(ctx, "", "AllocateAddress", &ec2.AllocateAddressInput{Domain: "vpc"}, &alloc); err != nil {
			b.Fatal(err)
		}
		var assoc ec2.AssociateAddressOutput
		if err := c.Call(ctx, "", "AssociateAddress", &ec2.AssociateAddressInput{AllocationId: alloc.AllocationId, InstanceId: id}, &assoc); err != nil {
			b.Fatal(err)
		}
		if err := c.Call(ctx, "", "DisassociateAddress", &ec2.DisassociateAddressInput{AssociationId: assoc.AssociationId}, nil); err != nil {
			b.Fatal(err)
		}
		if err := c.Call(ctx, "", "ReleaseAddress", &ec2.ReleaseAddressInput{AllocationId: alloc.AllocationId}, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cycles/s")
}

// BenchmarkDescribeNetworking5000 lists 5,000 Elastic IPs (half of them
// associated) and 5,000 interfaces, full JSON through the socket.
func BenchmarkDescribeNetworking5000(b *testing.B) {
	const n = 5000
	c, _ := startDaemon(b, netBench)
	ctx := context.Background()
	enis := make([]string, n)
	inParallel(b, n, func(i int) error {
		var out ec2.CreateNetworkInterfaceOutput
		in := &ec2.CreateNetworkInterfaceInput{AvailabilityZone: []string{"us-east-1a", "us-east-1b"}[i%2]}
		err := c.Call(ctx, "", "CreateNetworkInterface", in, &out)
		enis[i] = out.NetworkInterface.NetworkInterfaceId
		return err
	})
	inParallel(b, n, func(i int) error {
		var out ec2.AllocateAddressOutput
		if err := c.Call(ctx, "", "AllocateAddress", &ec2.AllocateAddressInput{Domain: "vpc"}, &out); err != nil || i%2 == 1 {
			return err
		}
		in := &ec2.AssociateAddressInput{AllocationId: out.AllocationId, NetworkInterfaceId: enis[i]}
		return c.Call(ctx, "", "AssociateAddress", in, &ec2.AssociateAddressOutput{})
	})
	b.Run("DescribeAddresses", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var out ec2.DescribeAddressesOutput
			if err := c.Call(ctx, "", "DescribeAddresses", &ec2.DescribeAddressesInput{}, &out); err != nil {
				b.Fatal(err)
			}
			if len(out.Addresses) != n {
				b.Fatalf("got %d addresses", len(out.Addresses))
			}
		}
	})
	b.Run("DescribeNetworkInterfaces", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var out ec2.DescribeNetworkInterfacesOutput
			if err := c.Call(ctx, "", "DescribeNetworkInterfaces", &ec2.DescribeNetworkInterfacesInput{}, &out); err != nil {
				b.Fatal(err)
			}
			if len(out.NetworkInterfaces) != n {
				b.Fatalf("got %d interfaces", len(out.NetworkInterfaces))
			}
		}
	})
}

// inParallel runs f(0) ... f(n-1) on a few goroutines, failing tb on the
// first error.
func inParallel(tb testing.TB, n int, f func(i int) error) {
	tb.Helper()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	next := make(chan int)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	if len(errs) > 0 {
		tb.Fatalf("%d of %d calls failed, the first: %v", len(errs), n, errs[0])
	}
}
