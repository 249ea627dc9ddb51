package cli

import (
	"fmt"

	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

var hostsCommand = &cli.Command{
	Name:  "hosts",
	Usage: "host servers and what the scheduler placed on them",
	Subcommands: []*cli.Command{{
		Name:  "ls",
		Usage: "list hosts with capacity, use and guests",
		Action: func(c *cli.Context) error {
			e, err := newEnv(c)
			if err != nil {
				return err
			}
			var out ec2.DescribeHostsOutput
			if err := e.call("DescribeHosts", &ec2.Empty{}, &out); err != nil {
				return err
			}
			v := view{data: &out, header: []string{"HOST ID", "ZONE", "DRIVER", "VCPUS USED", "MEMORY USED", "GUESTS", "FAMILIES"}}
			for _, h := range out.Hosts {
				v.ids = append(v.ids, h.ID)
				driver := h.Driver
				if h.Acceleration != "" {
					driver += " (" + h.Acceleration + ")"
				}
				v.rows = append(v.rows, []string{h.ID, h.Zone, driver,
					fmt.Sprintf("%d/%d", h.UsedVCPUs, h.CapacityVCpus),
					fmt.Sprintf("%s/%s", gib(h.UsedMemoryMiB), gib(h.CapacityMemoryMiB)),
					itoa(len(h.Instances)), fmt.Sprint(h.Families)})
			}
			return e.print(v)
		},
	}},
}
