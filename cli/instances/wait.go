package instances

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// defaultWait is how long --wait and `ec2x wait` wait by default.
const defaultWait = 10 * time.Minute

// WaitCommand is `ec2x wait`: block until every instance is in a state.
var WaitCommand = &cli.Command{
	Name:      "wait",
	Usage:     "block until every instance is in a state (running, stopped, terminated, ...)",
	ArgsUsage: "STATE ID...",
	Flags: []cli.Flag{
		&cli.DurationFlag{Name: "timeout", Value: defaultWait, Usage: "give up after this long (exit 4)"},
	},
	Action: func(c *cli.Context) error {
		e, args, err := command.Setup(c, 2, -1, "state and instance ID")
		if err != nil {
			return err
		}
		state := args[0]
		if !ec2.ValidStateName(state) {
			return command.Usagef("wait: unknown state %q (pending, running, stopping, stopped, shutting-down, terminated)", state)
		}
		ids, err := e.InstanceIDs(args[1:])
		if err != nil {
			return err
		}
		list, err := waitFor(e, ids, state, c.Duration("timeout"))
		if err != nil {
			return err
		}
		return e.Print(instancesView(&ec2.DescribeInstancesOutput{Instances: list}, list))
	},
}

// waitFor long-polls the daemon until every instance is in state. On a
// terminal it shows progress on stderr; piped, it prints nothing extra.
func waitFor(e *command.Env, ids []string, state string, timeout time.Duration) ([]*ec2.Instance, error) {
	if timeout <= 0 {
		return nil, command.Usagef("--timeout must be positive")
	}
	deadline := time.Now().Add(timeout)
	progress := e.ErrTTY && !e.Quiet
	defer func() {
		if progress {
			fmt.Fprint(e.Stderr(), "\r\x1b[K")
		}
	}()
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return nil, &command.TimeoutError{Msg: fmt.Sprintf("timed out after %s waiting for %s to be %s", timeout, strings.Join(ids, ", "), state)}
		}
		var out ec2.WaitInstancesOutput
		in := &ec2.WaitInstancesInput{InstanceIds: ids, State: state, TimeoutSeconds: min(left, time.Second).Seconds()}
		if err := e.Call("WaitInstances", in, &out); err != nil {
			return nil, withStateReasons(e, err, ids, state)
		}
		if out.Done {
			// Answer in the order the user named the instances.
			byID := map[string]*ec2.Instance{}
			for _, in := range out.Instances {
				byID[in.InstanceId] = in
			}
			list := make([]*ec2.Instance, 0, len(ids))
			for _, id := range ids {
				if in := byID[id]; in != nil {
					list = append(list, in)
				}
			}
			return list, nil
		}
		if progress {
			fmt.Fprintf(e.Stderr(), "\r\x1b[Kwaiting for %s: %s", state, summarize(out.Instances))
		}
	}
}

// summarize counts instances per state: "3 running, 2 pending".
func summarize(list []*ec2.Instance) string {
	n := map[string]int{}
	for _, in := range list {
		n[in.State.Name]++
	}
	keys := make([]string, 0, len(n))
	for k := range n {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = strconv.Itoa(n[k]) + " " + k
	}
	return strings.Join(parts, ", ")
}

// withStateReasons adds to a wait that cannot succeed (an instance ended
// terminated, say) why each instance not in state is where it is: its
// StateReason as DescribeInstances has it ("Server.InternalError: create
// failed: image X has no disk or kernel for qemu").
func withStateReasons(e *command.Env, err error, ids []string, state string) error {
	var se *ec2.Error
	if !errors.As(err, &se) || se.Code != ec2.CodeIncorrectInstanceState {
		return err
	}
	var out ec2.DescribeInstancesOutput
	if e.Call("DescribeInstances", &ec2.DescribeInstancesInput{InstanceIds: ids}, &out) != nil {
		return err
	}
	msg := se.Message
	for _, in := range out.Instances {
		if in.State.Name == state || in.StateReason == nil || in.StateReason.Message == "" {
			continue
		}
		if len(ids) > 1 {
			msg += fmt.Sprintf(" State reason of %s: %s", in.InstanceId, in.StateReason.Message)
		} else {
			msg += " State reason: " + in.StateReason.Message
		}
	}
	return ec2.Errorf(se.Code, "%s", msg)
}
