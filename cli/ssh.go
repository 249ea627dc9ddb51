package cli

import (
	"github.com/ec2x/ec2x/core"
	cli "github.com/urfave/cli/v2"
)

var sshCommand = &cli.Command{
	Name:      "ssh",
	Usage:     "log in to an instance as its image's default user with its key pair",
	ArgsUsage: "ID [-- COMMAND...]",
	Action: func(c *cli.Context) error {
		e, args, err := setup(c, 1, -1, "instance ID")
		if err != nil {
			return err
		}
		var t core.SSHTarget
		// Drivers without a guest OS answer Unsupported here, and say so.
		if err := e.call("DescribeSSHTarget", &core.SSHTargetInput{InstanceId: args[0]}, &t); err != nil {
			return err
		}
		return serviceErr(core.CodeUnsupported, "no driver with real guests is available in this build; %s would be reached at %s:%d as %s", t.InstanceId, t.Host, t.Port, t.User)
	},
}
