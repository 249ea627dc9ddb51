package catalog

import (
	"fmt"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// hostsDrainCommand is `ec2x hosts drain`: the host takes no new guests
// and its running guests move live to other hosts of its zone, each
// announced by a system-maintenance event while it waits.
var hostsDrainCommand = &cli.Command{
	Name:      "drain",
	Usage:     "move a host's running instances live to other hosts, and place nothing more on it",
	ArgsUsage: "HOST-ID",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "undo", Usage: "end the drain: the host takes guests again"},
		&cli.BoolFlag{Name: "no-wait", Usage: "return once the moves are scheduled"},
		&cli.DurationFlag{Name: "timeout", Value: 15 * time.Minute, Usage: "how long to wait for the moves"},
	},
	Action: func(c *cli.Context) error {
		e, args, err := command.Setup(c, 1, 1, "HOST-ID")
		if err != nil {
			return err
		}
		var out ec2.DrainHostOutput
		if err := e.Call("DrainHost", &ec2.DrainHostInput{HostId: args[0], Undo: c.Bool("undo")}, &out); err != nil {
			return err
		}
		if !c.Bool("undo") && !c.Bool("no-wait") && len(out.Events) > 0 {
			err := command.Poll(e, c.Duration("timeout"), "the host's running instances to move", func() (bool, error) {
				h, err := describeHost(e, args[0])
				if err != nil {
					return false, err
				}
				for _, g := range h.Instances {
					if g.State == ec2.StateRunning || g.State == ec2.StatePending {
						return false, nil
					}
				}
				return true, nil
			})
			if err != nil {
				return err
			}
		}
		v := command.View{Data: &out, Header: []string{"INSTANCE ID", "EVENT ID", "CODE", "NOT BEFORE"}}
		for _, x := range out.Events {
			v.IDs = append(v.IDs, x.InstanceId)
			v.Rows = append(v.Rows, []string{x.InstanceId, x.Event.InstanceEventId, x.Event.Code, stamp(x.Event.NotBefore)})
		}
		return e.Print(v)
	},
}

// hostsEvacuateCommand is `ec2x hosts evacuate`: the instances of a host
// that does not answer start again on other hosts from their disks.
var hostsEvacuateCommand = &cli.Command{
	Name:      "evacuate",
	Usage:     "restart the instances of a host that does not answer on other hosts, from their disks",
	ArgsUsage: "HOST-ID",
	Action: func(c *cli.Context) error {
		e, args, err := command.Setup(c, 1, 1, "HOST-ID")
		if err != nil {
			return err
		}
		var out ec2.EvacuateHostOutput
		if err := e.Call("EvacuateHost", &ec2.EvacuateHostInput{HostId: args[0]}, &out); err != nil {
			return err
		}
		v := command.View{Data: &out, Header: []string{"INSTANCE ID", "TO HOST", "STATE", "ERROR"}}
		failed := 0
		for _, m := range out.Instances {
			v.IDs = append(v.IDs, m.InstanceId)
			v.Rows = append(v.Rows, []string{m.InstanceId, orDash(m.ToHostId), orDash(m.State), orDash(m.Error)})
			if m.Error != "" {
				failed++
			}
		}
		if err := e.Print(v); err != nil {
			return err
		}
		if failed > 0 {
			return ec2.Errorf(ec2.CodeInsufficientInstanceCapacity, "%d of %d instances could not move off %s (see ERROR)", failed, len(out.Instances), args[0])
		}
		return nil
	},
}

// describeHost is one host of DescribeHosts.
func describeHost(e *command.Env, id string) (ec2.HostInfo, error) {
	var out ec2.DescribeHostsOutput
	if err := e.Call("DescribeHosts", &ec2.Empty{}, &out); err != nil {
		return ec2.HostInfo{}, err
	}
	for _, h := range out.Hosts {
		if h.ID == id {
			return h, nil
		}
	}
	return ec2.HostInfo{}, fmt.Errorf("hosts: no host %s", id)
}
