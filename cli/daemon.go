package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/ec2x/ec2x/core/api"
	cli "github.com/urfave/cli/v2"
)

var daemonCommand = &cli.Command{
	Name:  "daemon",
	Usage: "start, stop or inspect the background daemon",
	Subcommands: []*cli.Command{
		{Name: "start", Usage: "start the daemon if it is not running", Action: daemonStart},
		{Name: "stop", Usage: "stop the daemon gracefully", Action: daemonStop},
		{Name: "status", Usage: "say whether the daemon runs, and which", Action: daemonStatus},
	},
}

func daemonStart(c *cli.Context) error {
	e, err := newEnv(c)
	if err != nil {
		return err
	}
	s := e.starter()
	cl := s.Client()
	if err := s.Ensure(e.ctx(), cl); err != nil {
		return err
	}
	return daemonStatus(c)
}

func daemonStop(c *cli.Context) error {
	e, err := newEnv(c)
	if err != nil {
		return err
	}
	cl := api.NewClient(api.Paths{Home: e.home}.Socket(), "")
	p, err := cl.Ping(e.ctx())
	if err != nil {
		return e.print(view{data: map[string]any{"Running": false}, rows: [][]string{{"not running"}}, header: []string{"DAEMON"}})
	}
	if err := cl.Shutdown(e.ctx()); err != nil {
		return err
	}
	deadline := time.Now().Add(15 * time.Second)
	for api.DaemonLocked(e.home) {
		if time.Now().After(deadline) {
			return &timeoutError{fmt.Sprintf("daemon (pid %d) did not stop within 15s", p.Pid)}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return e.print(view{data: map[string]any{"Running": false, "StoppedPid": p.Pid}, ids: []string{itoa(p.Pid)},
		header: []string{"DAEMON", "PID"}, rows: [][]string{{"stopped", itoa(p.Pid)}}})
}

func daemonStatus(c *cli.Context) error {
	e, err := newEnv(c)
	if err != nil {
		return err
	}
	cl := api.NewClient(api.Paths{Home: e.home}.Socket(), "")
	p, err := cl.Ping(e.ctx())
	if err != nil {
		if api.DaemonLocked(e.home) {
			return errors.New("a daemon holds the lock but does not answer on the socket")
		}
		return e.print(view{data: map[string]any{"Running": false}, header: []string{"DAEMON"}, rows: [][]string{{"not running"}}})
	}
	current := p.Stamp == stamp(e.home)
	data := map[string]any{"Running": true, "Pid": p.Pid, "Version": p.Version, "Started": p.Started,
		"Socket": api.Paths{Home: e.home}.Socket(), "Current": current, "Drivers": p.Drivers}
	state := "running"
	if !current {
		state = "running (another build or config: the next command replaces it)"
	}
	return e.print(view{data: data, ids: []string{itoa(p.Pid)}, header: []string{"DAEMON", "PID", "VERSION", "STARTED", "SOCKET"},
		rows: [][]string{{state, itoa(p.Pid), p.Version, p.Started, api.Paths{Home: e.home}.Socket()}}})
}
