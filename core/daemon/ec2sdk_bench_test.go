package daemon

import (
	"context"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// Figures for docs/PERFORMANCE.md, measured from the Go SDK through the
// EC2 endpoint (SigV4, XML):
//
//	go test -run '^$' -bench SDK -benchtime 200x ./core/api/

const benchEC2Config = "[sim]\nboot_seconds = 0\nstop_seconds = 0\n\n[api]\nlisten = \"127.0.0.1:0\"\n"

func benchSDK(b *testing.B) *ec2.Client {
	d := runDaemon(b, b.TempDir(), benchEC2Config)
	return newSDK("http://"+d.ec2, testKey, testSecret)
}

// latencies reports the 50th and 99th percentiles of the calls.
func latencies(b *testing.B, ds []time.Duration) {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds())/1000, "p99-ms")
}

func BenchmarkSDKDescribeInstances1000(b *testing.B) {
	c := benchSDK(b)
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		if _, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(100), MaxCount: aws.Int32(100)}); err != nil {
			b.Fatal(err)
		}
	}
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
		if err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t0))
		if n := len(out.Reservations); n != 10 {
			b.Fatalf("%d reservations", n)
		}
	}
	latencies(b, ds)
}

func BenchmarkSDKRunInstances(b *testing.B) {
	c := benchSDK(b)
	ctx := context.Background()
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1)}); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t0))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
	latencies(b, ds)
}

// The endpoint's own share: the same DescribeInstances, signed, read as
// bytes without the SDK's XML decoding.
func BenchmarkQueryDescribeInstances1000Raw(b *testing.B) {
	d := runDaemon(b, b.TempDir(), benchEC2Config)
	c := newSDK("http://"+d.ec2, testKey, testSecret)
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		if _, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(100), MaxCount: aws.Int32(100)}); err != nil {
			b.Fatal(err)
		}
	}
	const body = "Action=DescribeInstances&Version=2016-11-15"
	ds := make([]time.Duration, 0, b.N)
	size := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		req, _ := http.NewRequest("POST", "http://"+d.ec2+"/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		signRaw(b, req, body)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		ds = append(ds, time.Since(t0))
		size = int(n)
	}
	b.ReportMetric(float64(size)/1024, "KiB")
	latencies(b, ds)
}
