package instances

import (
	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// lifecycleFlags are the flags every state-changing command takes.
func lifecycleFlags(extra ...cli.Flag) []cli.Flag {
	return append([]cli.Flag{
		&cli.BoolFlag{Name: "wait", Usage: "wait until the change is complete"},
		&cli.DurationFlag{Name: "timeout", Value: defaultWait, Usage: "how long --wait waits"},
	}, extra...)
}

// changeState runs a Start/Stop/TerminateInstances-style action and prints
// each instance's previous and current state; with --wait it waits for target.
func changeState(c *cli.Context, action string, input func(ids []string) any, pick func(out *stateChanges) []ec2.StateChange, target string) error {
	e, ids, err := command.SetupInstances(c, 1, -1, -1, "instance ID")
	if err != nil {
		return err
	}
	in := input(ids)
	var out stateChanges
	if err := e.Call(action, in, &out); err != nil {
		return err
	}
	changes := pick(&out)
	if c.Bool("wait") && target != "" {
		ids := make([]string, len(changes))
		for i, ch := range changes {
			ids[i] = ch.InstanceId
		}
		final, err := waitFor(e, ids, target, c.Duration("timeout"))
		if err != nil {
			return err
		}
		for i := range changes {
			changes[i].CurrentState = final[i].State
		}
	}
	v := command.View{Data: &out, Header: []string{"INSTANCE ID", "PREVIOUS", "CURRENT"}}
	for _, ch := range changes {
		v.IDs = append(v.IDs, ch.InstanceId)
		v.Rows = append(v.Rows, []string{ch.InstanceId, ch.PreviousState.Name, ch.CurrentState.Name})
	}
	return e.Print(v)
}

// stateChanges decodes any of the three EC2 answers.
type stateChanges struct {
	StartingInstances    []ec2.StateChange `json:"StartingInstances,omitempty"`
	StoppingInstances    []ec2.StateChange `json:"StoppingInstances,omitempty"`
	TerminatingInstances []ec2.StateChange `json:"TerminatingInstances,omitempty"`
}
