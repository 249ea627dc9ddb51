package cli

import (
	"runtime"

	cli "github.com/urfave/cli/v2"
)

var versionCommand = &cli.Command{
	Name:  "version",
	Usage: "print the version",
	Action: func(c *cli.Context) error {
		e, err := newEnv(c)
		if err != nil {
			return err
		}
		data := map[string]string{"Version": Version, "Go": runtime.Version(), "Platform": runtime.GOOS + "/" + runtime.GOARCH}
		return e.print(view{data: data, ids: []string{Version}, header: []string{"VERSION", "GO", "PLATFORM"},
			rows: [][]string{{Version, runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH}}})
	},
}
