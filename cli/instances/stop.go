package instances

import (
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// StopCommand is `ec2x stop`: stop running instances.
var StopCommand = &cli.Command{
	Name:      "stop",
	Usage:     "stop running instances",
	ArgsUsage: "ID...",
	Flags:     lifecycleFlags(&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "stop at once, without a graceful shutdown"}),
	Action: func(c *cli.Context) error {
		return changeState(c, "StopInstances", func(ids []string) any { return &ec2.StopInstancesInput{InstanceIds: ids, Force: c.Bool("force")} },
			func(o *stateChanges) []ec2.StateChange { return o.StoppingInstances }, ec2.StateStopped)
	},
}
