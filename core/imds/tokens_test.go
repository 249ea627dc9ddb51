package imds

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/internal/clock"
	"github.com/rs/zerolog"
)

// fixedSource is the metadata of one instance at a time the test sets.
type fixedSource struct {
	clk *clock.Fake
	md  ec2.InstanceMetadata
}

func (s *fixedSource) DescribeInstanceMetadata(context.Context, string, *ec2.InstanceIdInput) (*ec2.InstanceMetadata, error) {
	md := s.md
	return &md, nil
}

func (s *fixedSource) Now() time.Time { return s.clk.Now() }

// newEndpoint opens a real metadata listener for one instance and returns
// its handler, for requests without the network in between.
func newEndpoint(tb testing.TB) (*endpoint, *clock.Fake) {
	tb.Helper()
	clk := clock.NewFake(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	s := New(&fixedSource{clk: clk, md: ec2.InstanceMetadata{InstanceId: "i-0123456789abcdef0", State: ec2.StateRunning,
		// tokens required, so that a GET without one is refused
		Options: &ec2.InstanceMetadataOptionsResponse{HttpTokens: "required", HttpEndpoint: "enabled", HttpPutResponseHopLimit: 1}}}, zerolog.Nop())
	tb.Cleanup(s.Close)
	if _, err := s.Open(context.Background(), "us-east-1", "i-0123456789abcdef0"); err != nil {
		tb.Fatal(err)
	}
	return s.eps["us-east-1/i-0123456789abcdef0"], clk
}

// putToken asks ep for a token with a TTL in seconds.
func putToken(tb testing.TB, ep *endpoint, ttl int) string {
	req := httptest.NewRequest(http.MethodPut, "/latest/api/token", nil)
	req.Header.Set(HeaderTTL, strconv.Itoa(ttl))
	w := httptest.NewRecorder()
	ep.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		tb.Fatalf("PUT token: %d %s", w.Code, w.Body)
	}
	return w.Body.String()
}

// getStatus is the status of a metadata GET with tok.
func getStatus(ep *endpoint, tok string) int {
	req := httptest.NewRequest(http.MethodGet, "/latest/meta-data/instance-id", nil)
	req.Header.Set(HeaderToken, tok)
	w := httptest.NewRecorder()
	ep.ServeHTTP(w, req)
	return w.Code
}

// TestTokens: an instance's tokens stay capped however many it asks for,
// the oldest go first, and expired ones are dropped from the front
// without a scan.
func TestTokens(t *testing.T) {
	cases := []struct {
		name string
		run  func(t *testing.T, ep *endpoint, clk *clock.Fake) (held int, ok, refused []string)
	}{
		{"a flood is capped, oldest out", func(t *testing.T, ep *endpoint, clk *clock.Fake) (int, []string, []string) {
			var toks []string
			for range 3 * MaxTokens {
				toks = append(toks, putToken(t, ep, 21600))
			}
			n := len(toks)
			return MaxTokens, []string{toks[n-1], toks[n-MaxTokens]}, []string{toks[0], toks[n-MaxTokens-1]}
		}},
		{"expired tokens leave at the next PUT", func(t *testing.T, ep *endpoint, clk *clock.Fake) (int, []string, []string) {
			var old []string
			for range 10 {
				old = append(old, putToken(t, ep, 1))
			}
			clk.Advance(2 * time.Second)
			return 1, []string{putToken(t, ep, 60)}, old
		}},
		{"a short token behind a long one expires on time", func(t *testing.T, ep *endpoint, clk *clock.Fake) (int, []string, []string) {
			long := putToken(t, ep, 3600)
			short := putToken(t, ep, 1)
			clk.Advance(2 * time.Second)
			return 2, []string{long}, []string{short}
		}},
		{"unknown tokens are refused", func(t *testing.T, ep *endpoint, clk *clock.Fake) (int, []string, []string) {
			return 1, []string{putToken(t, ep, 60)}, []string{"", "AAAA", strings.Repeat("x", 43)}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ep, clk := newEndpoint(t)
			held, ok, refused := tc.run(t, ep, clk)
			ep.mu.Lock()
			n, mapped := ep.tokens.len(), len(ep.tokens.expiry)
			ep.mu.Unlock()
			if n != held || mapped > held {
				t.Errorf("holds %d tokens (%d in the map), want %d", n, mapped, held)
			}
			for i, tok := range ok {
				if got := getStatus(ep, tok); got != http.StatusOK {
					t.Errorf("token %d of the kept: GET answered %d, want 200", i, got)
				}
			}
			for i, tok := range refused {
				if got := getStatus(ep, tok); got != http.StatusUnauthorized {
					t.Errorf("token %d of the refused: GET answered %d, want 401", i, got)
				}
			}
		})
	}
}

// BenchmarkTokenPUT is a token PUT after a guest already asked for many:
// the cost must not grow with them.
func BenchmarkTokenPUT(b *testing.B) {
	for _, before := range []int{0, 1000, 30000, 300000} {
		b.Run("after="+strconv.Itoa(before), func(b *testing.B) {
			ep, _ := newEndpoint(b)
			for range before {
				putToken(b, ep, 21600)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				putToken(b, ep, 21600)
			}
		})
	}
}
