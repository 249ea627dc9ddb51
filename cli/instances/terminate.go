package instances

import (
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// TerminateCommand is `ec2x terminate`: terminate instances.
var TerminateCommand = &cli.Command{
	Name:      "terminate",
	Aliases:   []string{"rm"},
	Usage:     "terminate instances (they stay visible for an hour)",
	ArgsUsage: "ID...",
	Flags: lifecycleFlags(
		&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "power off an instance stuck shutting down; a running one shuts down gracefully first"},
		&cli.BoolFlag{Name: "skip-os-shutdown", Usage: "power off without the guest's OS shutdown"},
	),
	Action: func(c *cli.Context) error {
		return changeState(c, "TerminateInstances", func(ids []string) any {
			return &ec2.TerminateInstancesInput{InstanceIds: ids, Force: c.Bool("force"), SkipOsShutdown: c.Bool("skip-os-shutdown")}
		},
			func(o *stateChanges) []ec2.StateChange { return o.TerminatingInstances }, ec2.StateTerminated)
	},
}
