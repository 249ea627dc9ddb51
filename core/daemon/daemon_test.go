package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/api"
	"github.com/ec2x/ec2x/core/api/local"
	"github.com/ec2x/ec2x/core/ec2"
)

// rawClient speaks HTTP on home's socket without the Go client's help,
// so tests control every header.
func rawClient(home string) *http.Client {
	sock := api.Paths{Home: home}.Socket()
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return local.DialUnix(ctx, sock) },
	}}
}

// rawCall sends one request and returns the status and the decoded body.
func rawCall(t *testing.T, home, method, action, stamp, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, "http://ec2x/v1/"+action, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if stamp != "" {
		req.Header.Set(api.HeaderStamp, stamp)
	}
	resp, err := rawClient(home).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s answered %d with non-JSON %q", action, resp.StatusCode, data)
	}
	return resp.StatusCode, m
}

// errorOf returns the Code and Message of an error body.
func errorOf(m map[string]any) (code, msg string) {
	e, _ := m["Error"].(map[string]any)
	code, _ = e["Code"].(string)
	msg, _ = e["Message"].(string)
	return code, msg
}

func countInstances(t *testing.T, c *api.Client) int {
	t.Helper()
	var out ec2.DescribeInstancesOutput
	if err := c.Call(context.Background(), "", "DescribeInstances", &ec2.DescribeInstancesInput{}, &out); err != nil {
		t.Fatal(err)
	}
	return len(out.Instances)
}

func TestSocketAndFiles(t *testing.T) {
	_, home := startDaemon(t, instantBoot)
	tests := []struct {
		name string
		path string
		mode os.FileMode // permission bits
		sock bool
	}{
		{"socket only for its owner", api.Paths{Home: home}.Socket(), 0o600, true},
		{"pid file", api.Paths{Home: home}.Pid(), 0o600, false},
		{"data directory", filepath.Join(home, api.DataDir), 0o700, false},
		{"logs directory", filepath.Join(home, api.LogsDir), 0o700, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fi, err := os.Stat(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != tt.mode {
				t.Errorf("mode %v, want %v", fi.Mode().Perm(), tt.mode)
			}
			if (fi.Mode()&os.ModeSocket != 0) != tt.sock {
				t.Errorf("file type %v", fi.Mode().Type())
			}
		})
	}
	t.Run("pid file names this process", func(t *testing.T) {
		data, _ := os.ReadFile(api.Paths{Home: home}.Pid())
		if strings.TrimSpace(string(data)) != strconv.Itoa(os.Getpid()) {
			t.Errorf("pid file says %q, want %d", data, os.Getpid())
		}
	})
}

// TestStamp: a client of another build or config is refused before its
// request runs, so that it replaces the daemon.
func TestStamp(t *testing.T) {
	c, home := startDaemon(t, instantBoot)
	tests := []struct {
		name     string
		stamp    string
		status   int
		executed bool
	}{
		{"same stamp", "test", http.StatusOK, true},
		{"no stamp", "", http.StatusOK, true},
		{"another stamp", "other-build", http.StatusConflict, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := countInstances(t, c)
			status, body := rawCall(t, home, http.MethodPost, "RunInstances", tt.stamp, `{"MinCount":1,"MaxCount":1}`)
			if status != tt.status {
				t.Fatalf("status %d, want %d (%v)", status, tt.status, body)
			}
			if after := countInstances(t, c); (after > before) != tt.executed {
				t.Errorf("instances %d -> %d; executed should be %v", before, after, tt.executed)
			}
			if tt.status == http.StatusOK {
				return
			}
			code, msg := errorOf(body)
			if code != api.CodeStampMismatch || !strings.Contains(msg, "other-build") || !strings.Contains(msg, "test") {
				t.Errorf("error %s: %s; want %s naming both stamps", code, msg, api.CodeStampMismatch)
			}
		})
	}
	t.Run("Go client sees a mismatch, not a service error", func(t *testing.T) {
		other := api.NewClient(api.Paths{Home: home}.Socket(), "other-build")
		err := other.Call(context.Background(), "", "DescribeRegions", &ec2.DescribeRegionsInput{}, &ec2.DescribeRegionsOutput{})
		var ce *ec2.Error
		if !errors.As(err, &ce) || ce.Code != api.CodeStampMismatch {
			t.Fatalf("Call = %v, want %s", err, api.CodeStampMismatch)
		}
		if _, ok := api.IsServiceError(err); ok {
			t.Error("a stamp mismatch counts as a service error (exit 1) instead of leading to a restart")
		}
	})
	t.Run("Go client recovers once and retries", func(t *testing.T) {
		other := api.NewClient(api.Paths{Home: home}.Socket(), "other-build")
		recovered := 0
		other.Recover = func(ctx context.Context, reason error) error {
			recovered++
			other.Stamp = "test" // as if the daemon had been replaced
			return nil
		}
		var out ec2.DescribeRegionsOutput
		if err := other.Call(context.Background(), "", "DescribeRegions", &ec2.DescribeRegionsInput{}, &out); err != nil || recovered != 1 {
			t.Fatalf("Call = %v after %d recoveries", err, recovered)
		}
		if len(out.Regions) == 0 {
			t.Error("no regions after the retry")
		}
	})
}

// TestProtocolErrors: malformed requests and service failures come back
// with EC2's codes and messages.
func TestProtocolErrors(t *testing.T) {
	_, home := startDaemon(t, instantBoot)
	tests := []struct {
		name   string
		method string
		action string
		body   string
		status int
		code   string
		msg    string
	}{
		{"unknown action", http.MethodPost, "Frobnicate", `{}`, 400, ec2.CodeInvalidAction,
			"The action Frobnicate is not valid for this web service."},
		{"unknown JSON field", http.MethodPost, "DescribeInstances", `{"InstanceIdz":["i-1"]}`, 400, ec2.CodeUnknownParameter, "InstanceIdz"},
		{"malformed JSON", http.MethodPost, "DescribeInstances", `{"InstanceIds":`, 400, ec2.CodeInvalidParameterValue, "malformed request"},
		{"field of the wrong type", http.MethodPost, "RunInstances", `{"MinCount":"one"}`, 400, ec2.CodeInvalidParameterValue, "MinCount"},
		{"GET is refused", http.MethodGet, "DescribeInstances", ``, 400, ec2.CodeInvalidAction, "use POST"},
		{"instance not found", http.MethodPost, "StopInstances", `{"InstanceIds":["i-0123456789abcdef0"]}`, 400,
			ec2.CodeInvalidInstanceIDNotFound, "The instance ID 'i-0123456789abcdef0' does not exist"},
		{"malformed instance ID", http.MethodPost, "StartInstances", `{"InstanceIds":["i-xyz"]}`, 400,
			ec2.CodeInvalidInstanceIDMalformed, `"i-xyz"`},
		{"unknown instance type", http.MethodPost, "RunInstances", `{"MinCount":1,"MaxCount":1,"InstanceType":"t9.huge"}`, 400,
			ec2.CodeInvalidParameterValue, "t9.huge"},
		{"no capacity is 503", http.MethodPost, "RunInstances", `{"MinCount":100,"MaxCount":100,"InstanceType":"m5.24xlarge"}`, 503,
			ec2.CodeInsufficientInstanceCapacity, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := rawCall(t, home, tt.method, tt.action, "test", tt.body)
			code, msg := errorOf(body)
			if status != tt.status || code != tt.code {
				t.Fatalf("answer %d %s (%s), want %d %s", status, code, msg, tt.status, tt.code)
			}
			if !strings.Contains(msg, tt.msg) {
				t.Errorf("message %q does not say %q", msg, tt.msg)
			}
			if rid, _ := body["RequestId"].(string); rid == "" {
				t.Error("error without a RequestId")
			}
		})
	}
}

func TestClientErrors(t *testing.T) {
	c, _ := startDaemon(t, instantBoot)
	tests := []struct {
		name   string
		region string
		action string
		in     any
		code   string
		msg    string
	}{
		{"service error keeps code and message", "", "TerminateInstances", &ec2.TerminateInstancesInput{InstanceIds: []string{"i-0123456789abcdef0"}},
			ec2.CodeInvalidInstanceIDNotFound, "The instance ID 'i-0123456789abcdef0' does not exist"},
		{"unknown region", "mars-1", "DescribeInstances", &ec2.DescribeInstancesInput{}, ec2.CodeInvalidRegion, "mars-1"},
		{"unknown action", "", "Frobnicate", &ec2.Empty{}, ec2.CodeInvalidAction, "Frobnicate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Call(context.Background(), tt.region, tt.action, tt.in, &json.RawMessage{})
			e, ok := api.IsServiceError(err)
			if !ok || e.Code != tt.code || !strings.Contains(e.Message, tt.msg) {
				t.Fatalf("Call = %v, want %s with %q", err, tt.code, tt.msg)
			}
			if !errors.Is(err, &ec2.Error{Code: tt.code}) {
				t.Error("errors.Is does not match the code")
			}
		})
	}
	t.Run("no daemon is unreachable", func(t *testing.T) {
		nobody := api.NewClient(api.Paths{Home: t.TempDir()}.Socket(), "test")
		err := nobody.Call(context.Background(), "", "DescribeRegions", &ec2.DescribeRegionsInput{}, nil)
		if !errors.Is(err, api.ErrUnreachable) {
			t.Fatalf("Call = %v, want api.ErrUnreachable", err)
		}
	})
}

func TestPing(t *testing.T) {
	_, home := startDaemon(t, instantBoot)
	for _, stamp := range []string{"test", "other-build", ""} {
		t.Run("client stamp "+stamp, func(t *testing.T) {
			c := api.NewClient(api.Paths{Home: home}.Socket(), stamp)
			p, err := c.Ping(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if p.Stamp != "test" || p.Pid != os.Getpid() || p.Home != home {
				t.Errorf("ping = %+v", p)
			}
			if _, err := time.Parse(time.RFC3339, p.Started); err != nil {
				t.Errorf("Started %q: %v", p.Started, err)
			}
			if !slices.Contains(p.Drivers, "sim") {
				t.Errorf("drivers %v lack sim", p.Drivers)
			}
		})
	}
}

func TestShutdown(t *testing.T) {
	tests := []struct {
		name  string
		stamp string
	}{
		{"by its own client", "test"},
		{"by a client of another build, which replaces it", "other-build"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := runDaemon(t, t.TempDir(), instantBoot)
			c := api.NewClient(api.Paths{Home: d.home}.Socket(), tt.stamp)
			if err := c.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			select {
			case <-d.exited:
			case <-time.After(10 * time.Second):
				t.Fatal("daemon still running 10s after Shutdown")
			}
			if d.err != nil {
				t.Errorf("RunDaemon = %v, want a clean stop", d.err)
			}
			for _, f := range []string{api.Paths{Home: d.home}.Socket(), api.Paths{Home: d.home}.Pid()} {
				if _, err := os.Stat(f); !os.IsNotExist(err) {
					t.Errorf("%s left behind", filepath.Base(f))
				}
			}
			if api.DaemonLocked(d.home) {
				t.Error("home still locked")
			}
			if _, err := c.Ping(context.Background()); !errors.Is(err, api.ErrUnreachable) {
				t.Errorf("Ping after shutdown = %v, want api.ErrUnreachable", err)
			}
		})
	}
}

func TestOneDaemonPerHome(t *testing.T) {
	c, home := startDaemon(t, instantBoot)
	cfg, err := configs.Load(home)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = Run(ctx, Options{Home: home, Stamp: "second", Config: cfg})
	if !errors.Is(err, ErrDaemonRunning) {
		t.Fatalf("second RunDaemon = %v, want ErrDaemonRunning", err)
	}
	if !api.DaemonLocked(home) {
		t.Error("DaemonLocked is false while a daemon runs")
	}
	if p, err := c.Ping(ctx); err != nil || p.Stamp != "test" {
		t.Errorf("the first daemon no longer answers: %v, %v", p, err)
	}
}

// TestLongHome: a home deeper than a unix socket path can be (108 bytes)
// still works, through a /proc/self/fd alias.
func TestLongHome(t *testing.T) {
	home := t.TempDir()
	for len(api.Paths{Home: home}.Socket()) <= 200 {
		home = filepath.Join(home, "a-rather-long-directory-name")
	}
	d := runDaemon(t, home, instantBoot)
	sock := api.Paths{Home: d.home}.Socket()
	c := api.NewClient(sock, "test")
	tests := []struct {
		name  string
		check func(t *testing.T)
	}{
		{"ping", func(t *testing.T) {
			if p, err := c.Ping(context.Background()); err != nil || p.Home != home {
				t.Fatalf("Ping = %+v, %v", p, err)
			}
		}},
		{"an action", func(t *testing.T) {
			var out ec2.RunInstancesOutput
			if err := c.Call(context.Background(), "", "RunInstances", &ec2.RunInstancesInput{MinCount: 1, MaxCount: 1}, &out); err != nil || len(out.Instances) != 1 {
				t.Fatalf("RunInstances = %v", err)
			}
		}},
		{"socket at its real path, mode 0600", func(t *testing.T) {
			fi, err := os.Stat(sock)
			if err != nil || fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
				t.Fatalf("stat %s: %v %v", sock, fi.Mode(), err)
			}
		}},
		{"shutdown removes it", func(t *testing.T) {
			if err := c.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			<-d.exited
			if _, err := os.Stat(sock); !os.IsNotExist(err) {
				t.Errorf("socket left behind: %v", err)
			}
		}},
	}
	if len(sock) <= api.MaxSunPath {
		t.Fatalf("socket path of %d bytes is not long enough for this test", len(sock))
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.check)
	}
}
