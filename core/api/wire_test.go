package api

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// serveUnix serves h with net/http (the daemon's server) on a unix socket
// in a directory of the test's; deep makes the path longer than
// sockaddr_un holds.
func serveUnix(t *testing.T, deep bool, h http.Handler) string {
	t.Helper()
	dir := t.TempDir()
	if deep {
		dir = filepath.Join(dir, strings.Repeat("d", 60), strings.Repeat("e", 60))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	sock := filepath.Join(dir, "ec2x.sock")
	p, done, err := ShortPath(sock)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", p)
	done()
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return sock
}

// The client against net/http's server: every shape of answer the daemon
// gives arrives whole, and every failure is told apart.
func TestClientCall(t *testing.T) {
	big := strings.Repeat("x", 3<<20)
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/Echo", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"Region":%q,"Stamp":%q,"Body":%s,"Method":%q}`, r.Header.Get(HeaderRegion), r.Header.Get(HeaderStamp), body, r.Method)
	})
	mux.HandleFunc("/v1/Big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"Big": big}) // longer than net/http buffers: chunked
	})
	mux.HandleFunc("/v1/Raw", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "i-1\ti-2\n")
	})
	mux.HandleFunc("/v1/Fail", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		io.WriteString(w, `{"Error":{"Code":"InvalidInstanceID.Malformed","Message":"bad id"},"RequestId":"1-1"}`)
	})
	mux.HandleFunc("/v1/Garbage", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(502)
		io.WriteString(w, "not json\n")
	})
	mux.HandleFunc("/v1/Cut", func(w http.ResponseWriter, r *http.Request) {
		// Promises more than it sends, then hangs up.
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(200)
		io.WriteString(w, `{"Half":`)
		w.(http.Flusher).Flush()
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	})
	for _, deep := range []bool{false, true} {
		sock := serveUnix(t, deep, mux)
		c := NewClient(sock, "stamp-1")
		ctx := context.Background()
		t.Run(fmt.Sprintf("deep=%v", deep), func(t *testing.T) {
			t.Run("echo", func(t *testing.T) {
				var out struct {
					Region, Stamp, Method string
					Body                  map[string]int
				}
				if err := c.Call(ctx, "eu-west-1", "Echo", map[string]int{"MaxCount": 3}, &out); err != nil {
					t.Fatal(err)
				}
				if out.Region != "eu-west-1" || out.Stamp != "stamp-1" || out.Method != "POST" || out.Body["MaxCount"] != 3 {
					t.Errorf("the server saw %+v", out)
				}
			})
			t.Run("a chunked answer of 3 MiB", func(t *testing.T) {
				var out struct{ Big string }
				if err := c.Call(ctx, "", "Big", struct{}{}, &out); err != nil {
					t.Fatal(err)
				}
				if out.Big != big {
					t.Errorf("got %d bytes, want %d", len(out.Big), len(big))
				}
			})
			t.Run("raw text", func(t *testing.T) {
				var out ec2.DescribeInstanceRowsOutput
				if err := c.Call(ctx, "", "Raw", struct{}{}, &out); err != nil {
					t.Fatal(err)
				}
				if string(out.Body) != "i-1\ti-2\n" {
					t.Errorf("body %q", out.Body)
				}
			})
			t.Run("a service error", func(t *testing.T) {
				err := c.Call(ctx, "", "Fail", struct{}{}, nil)
				var e *ec2.Error
				if !errors.As(err, &e) || e.Code != "InvalidInstanceID.Malformed" || e.Message != "bad id" {
					t.Errorf("err = %v", err)
				}
			})
			t.Run("an answer that is not EC2's", func(t *testing.T) {
				err := c.Call(ctx, "", "Garbage", struct{}{}, nil)
				if err == nil || !strings.Contains(err.Error(), "daemon answered 502 Bad Gateway: not json") {
					t.Errorf("err = %v", err)
				}
			})
			t.Run("a cut answer is lost, not empty", func(t *testing.T) {
				var out map[string]any
				err := c.Call(ctx, "", "Cut", struct{}{}, &out)
				var le *LostError
				if !errors.As(err, &le) {
					t.Errorf("err = %v, want a LostError", err)
				}
			})
		})
	}
	t.Run("CallTo streams", func(t *testing.T) {
		c := NewClient(serveUnix(t, false, mux), "")
		var b strings.Builder
		if err := c.CallTo(context.Background(), "", "Big", struct{}{}, &b); err != nil {
			t.Fatal(err)
		}
		if want := `{"Big":"` + big + "\"}\n"; b.String() != want {
			t.Errorf("copied %d bytes, want %d", b.Len(), len(want))
		}
		err := c.CallTo(context.Background(), "", "Cut", struct{}{}, io.Discard)
		var le *LostError
		if !errors.As(err, &le) {
			t.Errorf("a cut answer: %v, want a LostError", err)
		}
		full := errors.New("no room on stdout")
		if err := c.CallTo(context.Background(), "", "Big", struct{}{}, failWriter{full}); !errors.Is(err, full) || errors.As(err, &le) {
			t.Errorf("a failing writer: %v, want its own error", err)
		}
		err = c.CallTo(context.Background(), "", "Fail", struct{}{}, io.Discard)
		var e *ec2.Error
		if !errors.As(err, &e) || e.Code != "InvalidInstanceID.Malformed" {
			t.Errorf("a service error: %v", err)
		}
	})
	t.Run("no daemon", func(t *testing.T) {
		c := NewClient(filepath.Join(t.TempDir(), "ec2x.sock"), "")
		if err := c.Call(context.Background(), "", "Echo", struct{}{}, nil); !errors.Is(err, ErrUnreachable) {
			t.Errorf("err = %v, want ErrUnreachable", err)
		}
	})
}

// A stream's frames arrive as the server flushes them, and cancelling the
// context ends a stream that the server would keep open.
func TestClientStream(t *testing.T) {
	next := make(chan string)
	sock := serveUnix(t, false, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.WriteHeader(200)
		for {
			select {
			case f := <-next:
				io.WriteString(w, f+"\n")
				w.(http.Flusher).Flush()
			case <-r.Context().Done():
				return
			}
		}
	}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan string)
	done := make(chan error, 1)
	go func() {
		done <- NewClient(sock, "").Stream(ctx, "", "StreamFleet", struct{}{}, func(raw json.RawMessage) error {
			got <- string(raw)
			return nil
		})
	}()
	for _, f := range []string{`{"n":1}`, `{"n":2}`} {
		next <- f
		if g := <-got; g != f {
			t.Errorf("frame %q, want %q", g, f)
		}
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Stream after cancel: %v", err)
		}
	case <-time.After(30 * time.Second): // a failure guard, not a timing
		t.Fatal("Stream did not end when its context was cancelled")
	}
}

// Fetch reaches a loopback HTTP service (the metadata endpoint) by URL.
func TestFetch(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.RequestURI(), r.Header.Get("X-Token"))
	})}
	go srv.Serve(l)
	defer srv.Close()
	base := "http://" + l.Addr().String()
	ctx := context.Background()

	status, line, body, err := Fetch(ctx, "PUT", base+"/latest/api/token?x=1", map[string]string{"X-Token": "t1"})
	if err != nil || status != 200 || line != "200 OK" || string(body) != "PUT /latest/api/token?x=1 t1" {
		t.Errorf("Fetch = %d %q %q %v", status, line, body, err)
	}
	status, line, _, err = Fetch(ctx, "GET", base+"/missing", nil)
	if err != nil || status != 404 || line != "404 Not Found" {
		t.Errorf("Fetch of a missing path = %d %q %v", status, line, err)
	}
	// A port where nothing listens: refused, not hung.
	l2, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := "http://" + l2.Addr().String()
	l2.Close()
	if _, _, _, err := Fetch(ctx, "GET", closed+"/", nil); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("Fetch of a closed port: %v", err)
	}
	for _, bad := range []string{"https://127.0.0.1:1/", "http://localhost:80/", "::"} {
		if _, _, _, err := Fetch(ctx, "GET", bad, nil); err == nil {
			t.Errorf("Fetch(%q) did not fail", bad)
		}
	}
}

// Malformed answers are errors, never a silently short body.
func TestChunked(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"two chunks", "3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n", "abcde", true},
		{"trailers", "1\r\nx\r\n0\r\nX-T: 1\r\n\r\n", "x", true},
		{"bad size", "zz\r\nabc\r\n0\r\n\r\n", "", false},
		{"cut inside a chunk", "5\r\nab", "ab", false},
		{"no end", "1\r\nx\r\n", "x", false},
		{"no CRLF after data", "1\r\nxy\r\n0\r\n\r\n", "x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := io.ReadAll(&chunked{r: bufioReader(tt.in)})
			if string(got) != tt.want || (err == nil) != tt.ok {
				t.Errorf("read %q, %v; want %q, ok=%v", got, err, tt.want, tt.ok)
			}
		})
	}
}

func bufioReader(s string) *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) }

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }
