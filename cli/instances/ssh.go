package instances

import (
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// Screens are the interactive ends of ssh and top: an SSH session and a
// full-screen view. They link an SSH client and a terminal UI, which the
// ec2x client leaves to ec2xd so that every other command starts fast:
// cli/screens implements them, ec2xd links it, and ec2x execs ec2xd for
// these two commands.
type Screens interface {
	SSH(c *cli.Context, e *command.Env, t ec2.SSHTarget, keyFile string, remote []string) error
	Top(e *command.Env, in *ec2.DescribeFleetInput, m *TopModel) error
}

// ScreensKey is where an app keeps its Screens (App.Metadata).
const ScreensKey = "screens"

// linkedScreens are the app's Screens, when this binary links them.
func linkedScreens(c *cli.Context) (Screens, bool) {
	sc, ok := c.App.Metadata[ScreensKey].(Screens)
	return sc, ok && sc != nil
}

// SSHCommand is `ec2x ssh`: log in to an instance.
var SSHCommand = &cli.Command{
	Name:      "ssh",
	Usage:     "log in to an instance as its image's default user with its key pair",
	ArgsUsage: "ID [-- COMMAND...]",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "identity", Aliases: []string{"i"}, Usage: "private key `FILE` (default $EC2X_HOME/keys/REGION/KEY.pem)"},
		&cli.StringFlag{Name: "user", Aliases: []string{"l"}, Usage: "log in as this user (default: the image's)"},
		&cli.DurationFlag{Name: "timeout", Value: 2 * time.Minute, Usage: "how long to wait for the guest's SSH server"},
	},
	Action: func(c *cli.Context) error {
		sc, ok := linkedScreens(c)
		if !ok {
			return command.ExecFull("ssh")
		}
		e, args, err := command.SetupInstances(c, 1, -1, 1, "instance ID")
		if err != nil {
			return err
		}
		var t ec2.SSHTarget
		// Drivers without a guest OS answer Unsupported here, and say so.
		if err := e.Call("DescribeSSHTarget", &ec2.SSHTargetInput{InstanceId: args[0]}, &t); err != nil {
			return err
		}
		if u := c.String("user"); u != "" {
			t.User = u
		}
		keyFile := c.String("identity")
		if keyFile == "" {
			if t.KeyName == "" {
				return ec2.Errorf(ec2.CodeInvalidKeyPairNotFound, "The instance '%s' was launched without a key pair; give one with --identity", t.InstanceId)
			}
			keyFile = command.KeyPath(e.Home, e.Region, t.KeyName)
		}
		return sc.SSH(c, e, t, keyFile, args[1:])
	},
}
