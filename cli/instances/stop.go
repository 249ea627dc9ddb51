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
	Flags: lifecycleFlags(
		&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "power off an instance stuck stopping; a running one shuts down gracefully first, powered off if that hangs"},
		&cli.BoolFlag{Name: "hibernate", Usage: "save the instance's memory; the next start resumes it (instances launched with hibernation only)"},
		&cli.BoolFlag{Name: "skip-os-shutdown", Usage: "power off without the guest's OS shutdown (unflushed data may be lost)"},
	),
	Action: func(c *cli.Context) error {
		return changeState(c, "StopInstances", func(ids []string) any {
			return &ec2.StopInstancesInput{InstanceIds: ids, Force: c.Bool("force"), Hibernate: c.Bool("hibernate"), SkipOsShutdown: c.Bool("skip-os-shutdown")}
		},
			func(o *stateChanges) []ec2.StateChange { return o.StoppingInstances }, ec2.StateStopped)
	},
}
