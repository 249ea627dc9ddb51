package daemon

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/ec2x/ec2x/core/api"
	"github.com/ec2x/ec2x/core/api/ec2query"
	"github.com/ec2x/ec2x/core/ec2"
)

// The EC2 endpoint under the attack issue 12 found: connections that send
// a large body slowly, or never finish it, while the local CLI goes on.

// rawRequest opens a connection to the endpoint and sends a POST header
// declaring a body of size bytes, signed (with a made-up signature) by key
// when key is not empty.
func rawRequest(t *testing.T, addr, key string, size int) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	now := time.Now().UTC()
	h := fmt.Sprintf("POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nX-Amz-Date: %s\r\n",
		addr, size, now.Format("20060102T150405Z"))
	if key != "" {
		h += fmt.Sprintf("Authorization: AWS4-HMAC-SHA256 Credential=%s/%s/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=%s\r\n",
			key, now.Format("20060102"), strings.Repeat("0", 64))
	}
	if _, err := c.Write([]byte(h + "\r\n")); err != nil {
		t.Fatal(err)
	}
	return c
}

// answer reads the response of a connection, or fails the test at the
// guard: an endpoint that waits for the body never answers.
func answer(t *testing.T, c net.Conn) (int, string) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	r, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	defer r.Body.Close()
	var b strings.Builder
	_, _ = bufio.NewReader(r.Body).WriteTo(&b)
	return r.StatusCode, b.String()
}

func TestStrangersAreTurnedAwayBeforeTheirBody(t *testing.T) {
	d := runDaemon(t, t.TempDir(), ec2Config)
	for _, tc := range []struct{ name, key, code string }{
		{"unsigned", "", ec2.CodeMissingAuthenticationToken},
		{"an unknown key", "AKIDNOTAKEYOFTHISONE", ec2.CodeAuthFailure},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := rawRequest(t, d.ec2, tc.key, 8<<20) // and not a byte of it
			status, body := answer(t, c)
			if status != ec2.HTTPStatus(tc.code) || !strings.Contains(body, "<Code>"+tc.code+"</Code>") {
				t.Fatalf("got %d %s, want %s", status, body, tc.code)
			}
		})
	}
	t.Run("a body larger than the limit", func(t *testing.T) {
		c := rawRequest(t, d.ec2, testKey, 64<<20)
		if status, body := answer(t, c); !strings.Contains(body, "larger than") {
			t.Fatalf("got %d %s, want the limit", status, body)
		}
	})
}

func TestHeldBodiesAreBounded(t *testing.T) {
	d := runDaemon(t, t.TempDir(), ec2Config)
	cl := api.NewClient(api.Paths{Home: d.home}.Socket(), "test")
	ctx := context.Background()
	if err := cl.Call(ctx, "", "RunInstances", &ec2.RunInstancesInput{MinCount: 3, MaxCount: 3}, nil); err != nil {
		t.Fatal(err)
	}
	const (
		conns = 16
		size  = 4 << 20
	)
	held := ec2query.DefaultBodyBudget / size
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	before := heap()

	// Each attacker signs with the endpoint's key ID (which is no secret)
	// and sends all of a 4 MiB body but its last byte.
	body := make([]byte, size-1)
	refused := make(chan string, conns)
	var wg sync.WaitGroup
	var attackers []net.Conn
	for range conns {
		c := rawRequest(t, d.ec2, testKey, size)
		attackers = append(attackers, c)
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = c.Write(body)
		}()
		go func() {
			_ = c.SetReadDeadline(time.Now().Add(time.Minute))
			r, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				return // held until the test ends
			}
			var b strings.Builder
			_, _ = bufio.NewReader(r.Body).WriteTo(&b)
			refused <- fmt.Sprintf("%d %s", r.StatusCode, b.String())
		}()
	}
	for i := 0; i < conns-held; i++ {
		select {
		case got := <-refused:
			if !strings.HasPrefix(got, "503 ") || !strings.Contains(got, ec2.CodeRequestLimitExceeded) {
				t.Fatalf("an attacker past the budget got %s, want 503 %s", got, ec2.CodeRequestLimitExceeded)
			}
		case <-time.After(time.Minute):
			t.Fatalf("%d of %d held bodies were refused; want all past the %d the budget holds", i, conns, held)
		}
	}

	// The local CLI's socket answers all along.
	var out ec2.DescribeInstancesOutput
	if err := cl.Call(ctx, "", "DescribeInstances", &ec2.DescribeInstancesInput{}, &out); err != nil || len(out.Instances) != 3 {
		t.Fatalf("ls during the attack: %d instances, %v", len(out.Instances), err)
	}
	// The bodies the daemon holds are the budget's, not every attacker's.
	if grown := heap() - before; grown > 2*ec2query.DefaultBodyBudget {
		t.Fatalf("the heap grew by %d MiB during the attack, more than twice the body budget (%d MiB)", grown>>20, ec2query.DefaultBodyBudget>>20)
	}
	// Once the attackers are gone, their budget is back: a well-signed
	// request with a large body (ids of 90 KiB) goes through.
	wg.Wait()
	for _, c := range attackers {
		c.Close()
	}
	ids := make([]string, 3000)
	for i := range ids {
		ids[i] = fmt.Sprintf("i-%017x", i)
	}
	sdk := newSDK("http://"+d.ec2, testKey, testSecret)
	for attempt := 0; ; attempt++ {
		_, err := sdk.DescribeInstances(ctx, &ec2sdk.DescribeInstancesInput{InstanceIds: ids})
		code := apiCode(t, err)
		if code == "InvalidInstanceID.NotFound" {
			break
		}
		if code != ec2.CodeRequestLimitExceeded || attempt == 100 {
			t.Fatalf("a large signed request after the attack: %v", err)
		}
	}
}
