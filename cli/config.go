package cli

import (
	"io"

	"github.com/BurntSushi/toml"
	"github.com/ec2x/ec2x/configs"
	cli "github.com/urfave/cli/v2"
)

var configCommand = &cli.Command{
	Name:  "config",
	Usage: "inspect the configuration",
	Subcommands: []*cli.Command{{
		Name:  "show",
		Usage: "print the effective configuration (built-in defaults with config.toml over them)",
		Action: func(c *cli.Context) error {
			e, err := newEnv(c)
			if err != nil {
				return err
			}
			cfg, err := configs.Load(e.home)
			if err != nil {
				return err
			}
			return e.print(view{data: cfg, ids: []string{configs.Path(e.home)}, plain: func(w io.Writer, _ bool) {
				_ = toml.NewEncoder(w).Encode(cfg)
			}})
		},
	}},
}
