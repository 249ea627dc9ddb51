package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/ec2x/ec2x/bench/internal/benchkit"
)

// daemon is one ec2x daemon in a home of its own.
type daemon struct {
	bin, home, cache string
	pid              int
	hc               *http.Client
}

func startDaemon(bin, cache, tmp string) *daemon {
	home, err := os.MkdirTemp(tmp, "ec2x-regions-")
	benchkit.Check(err)
	d := &daemon{bin: bin, home: home, cache: cache}
	benchkit.Defer(d.stop)
	benchkit.Check(os.WriteFile(filepath.Join(home, "config.toml"), []byte(config()), 0o600))
	if out, err := d.ec2x("daemon", "start"); err != nil {
		benchkit.Check(fmt.Errorf("daemon start: %v: %s", err, out))
	}
	sock := filepath.Join(home, "ec2x.sock")
	d.hc = &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var dl net.Dialer
			return dl.DialContext(ctx, "unix", sock)
		},
		MaxIdleConns: 64, MaxIdleConnsPerHost: 64,
	}}
	var ping struct {
		Pid int `json:"Pid"`
	}
	benchkit.Check(d.call("", "Ping", nil, &ping))
	d.pid = ping.Pid
	return d
}

func (d *daemon) ec2x(args ...string) ([]byte, error) {
	cmd := exec.Command(d.bin, args...)
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "EC2X_") {
			cmd.Env = append(cmd.Env, e)
		}
	}
	cmd.Env = append(cmd.Env, "EC2X_HOME="+d.home, "EC2X_WASM_CACHE="+d.cache, "NO_COLOR=1")
	return cmd.CombinedOutput()
}

// stop stops the daemon and removes its home; a second call does nothing.
func (d *daemon) stop() {
	if d.home == "" {
		return
	}
	if out, err := d.ec2x("daemon", "stop"); err != nil {
		fmt.Fprintf(os.Stderr, "regions: daemon stop: %v: %s\n", err, out)
	}
	os.RemoveAll(d.home)
	d.home = ""
}

// call runs one action: POST /v1/<action> with the input as JSON.
func (d *daemon) call(region, action string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, "http://ec2x/v1/"+action, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if region != "" {
		req.Header.Set("X-Ec2x-Region", region)
	}
	resp, err := d.hc.Do(req)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var eb struct {
			Error struct{ Code, Message string }
		}
		if json.Unmarshal(data, &eb) == nil && eb.Error.Code != "" {
			return fmt.Errorf("%s: %s", eb.Error.Code, eb.Error.Message)
		}
		return fmt.Errorf("%s: %s", resp.Status, bytes.TrimSpace(data))
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// startMachineCPU returns a func that says how busy the whole machine was
// since, in percent of all its cores (from /proc/stat).
func startMachineCPU() func() float64 {
	read := benchkit.MachineTicks
	b0, t0 := read()
	return func() float64 {
		b1, t1 := read()
		return 100 * float64(b1-b0) / float64(max(1, t1-t0))
	}
}

// settle waits (up to 20 s) until the daemon uses under 10% of a core.
func (d *daemon) settle() { benchkit.Settle(d.pid) }
