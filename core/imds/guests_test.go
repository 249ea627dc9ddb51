package imds

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/rs/zerolog"
)

// twoInstances is a Source of two running instances.
type twoInstances struct{ now time.Time }

func (s twoInstances) DescribeInstanceMetadata(_ context.Context, region string, in *ec2.InstanceIdInput) (*ec2.InstanceMetadata, error) {
	return &ec2.InstanceMetadata{InstanceId: in.InstanceId, Region: region, State: ec2.StateRunning,
		Options: &ec2.InstanceMetadataOptionsResponse{HttpTokens: "required", HttpPutResponseHopLimit: 1, HttpEndpoint: "enabled"}}, nil
}

func (s twoInstances) Now() time.Time { return s.now }

// TestServeGuests: one listener of a guest network answers each guest as
// itself, told apart by its source address; a token is its instance's
// only; a source that is no instance gets 404; Close stops the server.
func TestServeGuests(t *testing.T) {
	srv := New(twoInstances{now: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)}, zerolog.Nop())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	byIP := map[string]string{"127.0.0.1": "i-0000000000000000a", "127.0.0.2": "i-0000000000000000b"}
	done := make(chan error, 1)
	go func() {
		done <- srv.ServeGuests(l, func(r *http.Request) (string, string, bool) {
			host, _, _ := net.SplitHostPort(r.RemoteAddr)
			id, ok := byIP[host]
			return "us-east-1", id, ok
		})
	}()
	from := func(ip string) *http.Client {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
		return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
	}
	url := "http://" + l.Addr().String()
	do := func(c *http.Client, method, path, token string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, url+path, nil)
		if method == http.MethodPut {
			req.Header.Set(HeaderTTL, "60")
		}
		if token != "" {
			req.Header.Set(HeaderToken, token)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(b))
	}
	a, b := from("127.0.0.1"), from("127.0.0.2")
	code, tokA := do(a, http.MethodPut, "/latest/api/token", "")
	if code != http.StatusOK || tokA == "" {
		t.Fatalf("token for a: %d %q", code, tokA)
	}
	if code, id := do(a, http.MethodGet, "/latest/meta-data/instance-id", tokA); code != http.StatusOK || id != byIP["127.0.0.1"] {
		t.Errorf("a asks its instance ID: %d %q", code, id)
	}
	if code, _ := do(b, http.MethodGet, "/latest/meta-data/instance-id", tokA); code != http.StatusUnauthorized {
		t.Errorf("b with a's token: %d, want 401", code)
	}
	_, tokB := do(b, http.MethodPut, "/latest/api/token", "")
	if code, id := do(b, http.MethodGet, "/latest/meta-data/instance-id", tokB); code != http.StatusOK || id != byIP["127.0.0.2"] {
		t.Errorf("b asks its instance ID: %d %q", code, id)
	}
	if code, _ := do(from("127.0.0.3"), http.MethodGet, "/latest/meta-data/instance-id", ""); code != http.StatusNotFound {
		t.Errorf("a source that is no instance: %d, want 404", code)
	}
	srv.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("ServeGuests after Close: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ServeGuests still serving after Close")
	}
}
