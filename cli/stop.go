package cli

import (
	"github.com/ec2x/ec2x/core"
	cli "github.com/urfave/cli/v2"
)

var stopCommand = &cli.Command{
	Name:      "stop",
	Usage:     "stop running instances",
	ArgsUsage: "ID...",
	Flags:     lifecycleFlags(&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "stop at once, without a graceful shutdown"}),
	Action: func(c *cli.Context) error {
		return changeState(c, "StopInstances", &core.StopInstancesInput{InstanceIds: c.Args().Slice(), Force: c.Bool("force")},
			func(o *stateChanges) []core.StateChange { return o.StoppingInstances }, core.StateStopped)
	},
}
