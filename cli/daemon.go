package cli

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ec2x/ec2x/cli/command"
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
	e, err := command.NewEnv(c)
	if err != nil {
		return err
	}
	s := e.Starter()
	cl := s.Client()
	if err := s.Ensure(e.Context(), cl); err != nil {
		return err
	}
	return daemonStatus(c)
}

// stopWait outlasts the daemon's own bounded stop (server shutdown about 5 s,
// pricing 1 s, store close 10 s), so a slow stop is reported as the daemon's
// own error in its log rather than as a timeout here.
const stopWait = 30 * time.Second

func daemonStop(c *cli.Context) error {
	e, err := command.NewEnv(c)
	if err != nil {
		return err
	}
	cl := api.NewClient(api.Paths{Home: e.Home}.Socket(), "")
	p, err := cl.Ping(e.Context())
	if err != nil {
		return e.Print(command.View{Data: map[string]any{"Running": false}, Rows: [][]string{{"not running"}}, Header: []string{"DAEMON"}})
	}
	if err := cl.Shutdown(e.Context()); err != nil {
		return err
	}
	deadline := time.Now().Add(stopWait)
	for api.DaemonLocked(e.Home) {
		if time.Now().After(deadline) {
			return &command.TimeoutError{Msg: fmt.Sprintf("daemon (pid %d) did not stop within %s", p.Pid, stopWait)}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return e.Print(command.View{Data: map[string]any{"Running": false, "StoppedPid": p.Pid}, IDs: []string{itoa(p.Pid)},
		Header: []string{"DAEMON", "PID"}, Rows: [][]string{{"stopped", itoa(p.Pid)}}})
}

func daemonStatus(c *cli.Context) error {
	e, err := command.NewEnv(c)
	if err != nil {
		return err
	}
	cl := api.NewClient(api.Paths{Home: e.Home}.Socket(), "")
	p, err := cl.Ping(e.Context())
	if err != nil {
		if api.DaemonLocked(e.Home) {
			return errors.New("a daemon holds the lock but does not answer on the socket")
		}
		return e.Print(command.View{Data: map[string]any{"Running": false}, Header: []string{"DAEMON"}, Rows: [][]string{{"not running"}}})
	}
	current := p.Stamp == command.Stamp(e.Home)
	data := map[string]any{"Running": true, "Pid": p.Pid, "Version": p.Version, "Started": p.Started,
		"Socket": api.Paths{Home: e.Home}.Socket(), "Current": current, "Drivers": p.Drivers}
	state := "running"
	if !current {
		state = "running (another build or config: the next command replaces it)"
	}
	return e.Print(command.View{Data: data, IDs: []string{itoa(p.Pid)}, Header: []string{"DAEMON", "PID", "VERSION", "STARTED", "SOCKET"},
		Rows: [][]string{{state, itoa(p.Pid), p.Version, p.Started, api.Paths{Home: e.Home}.Socket()}}})
}

func itoa(n int) string { return strconv.Itoa(n) }
