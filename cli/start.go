package cli

import (
	"github.com/ec2x/ec2x/core"
	cli "github.com/urfave/cli/v2"
)

var startCommand = &cli.Command{
	Name:      "start",
	Usage:     "start stopped instances",
	ArgsUsage: "ID...",
	Flags:     lifecycleFlags(),
	Action: func(c *cli.Context) error {
		return changeState(c, "StartInstances", &core.InstanceIdsInput{InstanceIds: c.Args().Slice()},
			func(o *stateChanges) []core.StateChange { return o.StartingInstances }, core.StateRunning)
	},
}
