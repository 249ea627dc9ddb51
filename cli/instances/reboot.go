package instances

import (
	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// RebootCommand is `ec2x reboot`: reboot running instances.
var RebootCommand = &cli.Command{
	Name:      "reboot",
	Usage:     "reboot running instances",
	ArgsUsage: "ID...",
	Flags:     lifecycleFlags(),
	Action: func(c *cli.Context) error {
		e, ids, err := command.SetupInstances(c, 1, -1, -1, "instance ID")
		if err != nil {
			return err
		}
		var out ec2.Empty
		if err := e.Call("RebootInstances", &ec2.InstanceIdsInput{InstanceIds: ids}, &out); err != nil {
			return err
		}
		// A reboot keeps the instance running: --wait checks it still is.
		v := command.View{Data: &out, IDs: ids, Header: []string{"INSTANCE ID", "REBOOTING"}}
		if c.Bool("wait") {
			if _, err := waitFor(e, ids, ec2.StateRunning, c.Duration("timeout")); err != nil {
				return err
			}
		}
		for _, id := range ids {
			v.Rows = append(v.Rows, []string{id, "yes"})
		}
		return e.Print(v)
	},
}
