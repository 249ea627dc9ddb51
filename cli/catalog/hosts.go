package catalog

import (
	"fmt"
	"strconv"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// HostsCommand is `ec2x hosts`: host servers and what the scheduler placed on them.
var HostsCommand = &cli.Command{
	Name:  "hosts",
	Usage: "host servers and what the scheduler placed on them",
	Subcommands: []*cli.Command{{
		Name:  "ls",
		Usage: "list hosts with capacity, use and guests",
		Action: func(c *cli.Context) error {
			e, err := command.NewEnv(c)
			if err != nil {
				return err
			}
			var out ec2.DescribeHostsOutput
			if err := e.Call("DescribeHosts", &ec2.Empty{}, &out); err != nil {
				return err
			}
			v := command.View{Data: &out, Header: []string{"HOST ID", "ZONE", "STATE", "DRIVER", "VCPUS USED", "MEMORY USED", "GUESTS", "FAMILIES"}}
			uris := false
			for _, h := range out.Hosts {
				uris = uris || h.URI != ""
			}
			if uris {
				v.Header = append(v.Header, "URI")
			}
			for _, h := range out.Hosts {
				v.IDs = append(v.IDs, h.ID)
				driver := h.Driver
				switch {
				case h.Acceleration != "" && h.GuestNetwork != "":
					driver += " (" + h.Acceleration + "; network: " + h.GuestNetwork + ")"
				case h.Acceleration != "":
					driver += " (" + h.Acceleration + ")"
				}
				row := []string{h.ID, h.Zone, hostState(h), driver,
					fmt.Sprintf("%d/%d", h.UsedVCPUs, h.CapacityVCpus),
					fmt.Sprintf("%s/%s", command.GiB(h.UsedMemoryMiB), command.GiB(h.CapacityMemoryMiB)),
					strconv.Itoa(len(h.Instances)), fmt.Sprint(h.Families)}
				if uris {
					row = append(row, orDash(h.URI))
				}
				v.Rows = append(v.Rows, row)
			}
			return e.Print(v)
		},
	}, hostsMaintainCommand, hostsDrainCommand, hostsEvacuateCommand},
}

// hostState is a host's state as `hosts ls` shows it: whether its engine
// answers, and whether it is drained.
func hostState(h ec2.HostInfo) string {
	st := h.State
	if st == "" {
		st = "connected"
	}
	if h.Draining {
		st += ", draining"
	}
	return st
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
