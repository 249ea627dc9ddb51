package instances

import (
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// StartCommand is `ec2x start`: start stopped instances.
var StartCommand = &cli.Command{
	Name:      "start",
	Usage:     "start stopped instances",
	ArgsUsage: "ID...",
	Flags:     lifecycleFlags(),
	Action: func(c *cli.Context) error {
		return changeState(c, "StartInstances", func(ids []string) any { return &ec2.StartInstancesInput{InstanceIds: ids} },
			func(o *stateChanges) []ec2.StateChange { return o.StartingInstances }, ec2.StateRunning)
	},
}
