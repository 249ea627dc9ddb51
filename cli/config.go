package cli

import (
	"io"

	"github.com/BurntSushi/toml"
	"github.com/ec2x/ec2x/cli/command"
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
			e, err := command.NewEnv(c)
			if err != nil {
				return err
			}
			cfg, err := configs.Load(e.Home)
			if err != nil {
				return err
			}
			return e.Print(command.View{Data: cfg, IDs: []string{configs.Path(e.Home)}, Plain: func(w io.Writer, _ bool) {
				_ = toml.NewEncoder(w).Encode(cfg)
			}})
		},
	}},
}
