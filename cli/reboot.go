package cli

import (
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

var rebootCommand = &cli.Command{
	Name:      "reboot",
	Usage:     "reboot running instances",
	ArgsUsage: "ID...",
	Flags:     lifecycleFlags(),
	Action: func(c *cli.Context) error {
		e, ids, err := setup(c, 1, -1, "instance ID")
		if err != nil {
			return err
		}
		var out ec2.Empty
		if err := e.call("RebootInstances", &ec2.InstanceIdsInput{InstanceIds: ids}, &out); err != nil {
			return err
		}
		// A reboot keeps the instance running: --wait checks it still is.
		v := view{data: &out, ids: ids, header: []string{"INSTANCE ID", "REBOOTING"}}
		if c.Bool("wait") {
			if _, err := waitFor(e, ids, ec2.StateRunning, c.Duration("timeout")); err != nil {
				return err
			}
		}
		for _, id := range ids {
			v.rows = append(v.rows, []string{id, "yes"})
		}
		return e.print(v)
	},
}
