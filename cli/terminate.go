package cli

import (
	"github.com/ec2x/ec2x/core"
	cli "github.com/urfave/cli/v2"
)

var terminateCommand = &cli.Command{
	Name:      "terminate",
	Aliases:   []string{"rm"},
	Usage:     "terminate instances (they stay visible for an hour)",
	ArgsUsage: "ID...",
	Flags:     lifecycleFlags(),
	Action: func(c *cli.Context) error {
		return changeState(c, "TerminateInstances", &core.InstanceIdsInput{InstanceIds: c.Args().Slice()},
			func(o *stateChanges) []core.StateChange { return o.TerminatingInstances }, core.StateTerminated)
	},
}
