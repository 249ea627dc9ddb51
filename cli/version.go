package cli

import (
	"runtime"

	"github.com/ec2x/ec2x/cli/command"
	cli "github.com/urfave/cli/v2"
)

var versionCommand = &cli.Command{
	Name:  "version",
	Usage: "print the version",
	Action: func(c *cli.Context) error {
		e, err := command.NewEnv(c)
		if err != nil {
			return err
		}
		data := map[string]string{"Version": Version, "Go": runtime.Version(), "Platform": runtime.GOOS + "/" + runtime.GOARCH}
		return e.Print(command.View{Data: data, IDs: []string{Version}, Header: []string{"VERSION", "GO", "PLATFORM"},
			Rows: [][]string{{Version, runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH}}})
	},
}
