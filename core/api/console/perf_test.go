package console_test

import (
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ec2x/ec2x/core/ec2"
)

// thousandCfg has room for 1,000 instances in one zone, booted at once.
const thousandCfg = `
[sim]
boot_seconds = 0
stop_seconds = 0

[pricing]
wasm_timeout_ms = 1000

[console]
listen = "127.0.0.1:0"

[regions.us-east-1]
zones = ["us-east-1a"]
public_pool = "100.64.0.0/12"
vpc_cidr = "10.0.0.0/8"
subnet_prefix = 12
default_image = "amazon-linux-2023"

[fleet]
builtin_hosts = false

[[hosts]]
zone = "us-east-1a"
count = 64
vcpus = 96
memory_gib = 768
cpu_overcommit = 16.0
mem_overcommit = 1.5
`

// TestBrowserThousandInstances measures the time from the request of the
// instance list to its 1,000 rows on screen, in the browser (the page's
// own clock from navigation start, and the test's around it), and logs
// it: docs/PERFORMANCE.md quotes it.
func TestBrowserThousandInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("launches 1,000 instances")
	}
	tc := startConsole(t, thousandCfg, nil)
	ctx := newBrowser(t)
	var run ec2.RunInstancesOutput
	tc.call(t, "RunInstances", &ec2.RunInstancesInput{MinCount: 1000, MaxCount: 1000, InstanceType: "t3.micro"}, &run)
	do(t, ctx, "log in", chromedp.Navigate(tc.login(t, "")))
	waitJS(t, ctx, "the first list", `document.body.dataset.rows === "1000"`, time.Minute)
	var page, wall []time.Duration
	for range 5 {
		start := time.Now()
		do(t, ctx, "request the list", chromedp.Navigate(tc.url+"/instances"))
		waitJS(t, ctx, "1,000 rows", `document.body.dataset.rows === "1000" && document.body.dataset.renderedMs`, time.Minute)
		wall = append(wall, time.Since(start))
		page = append(page, time.Duration(eval[float64](t, ctx, `Number(document.body.dataset.renderedMs)`))*time.Millisecond)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#instances tbody tr").length`); n != 1000 {
		t.Fatalf("%d rows in the table", n)
	}
	slices.Sort(page)
	slices.Sort(wall)
	t.Logf("instance list of 1,000 rendered: median %s from the page's request (browser clock; runs %v), %s as the test saw it (runs %v)",
		page[len(page)/2], page, wall[len(wall)/2].Round(time.Millisecond), roundAll(wall))
}

func roundAll(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Millisecond)
	}
	return out
}
