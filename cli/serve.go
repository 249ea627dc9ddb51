package cli

import (
	"fmt"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/api"
	cli "github.com/urfave/cli/v2"
)

// serveKey is where the app keeps the daemon's ServeFunc (App.Metadata).
const serveKey = "serve"

var serveCommand = &cli.Command{
	Name:  "serve",
	Usage: "run the daemon in the foreground",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "background", Hidden: true, Usage: "started by a CLI call: log to the file only"},
		&cli.BoolFlag{Name: "new-credentials", Usage: "make a random access key for the EC2 API, save it in config.toml (0600) in place of the public example key, and print it once"},
		&cli.StringFlag{Name: "listen", Usage: "also serve the EC2 API (Query protocol, SigV4) on this TCP `ADDR`, e.g. 127.0.0.1:8787 (default: [api] listen)"},
	},
	Action: func(c *cli.Context) error {
		serve, _ := c.App.Metadata[serveKey].(api.ServeFunc)
		if serve == nil {
			return command.ExecFull("serve")
		}
		home, err := command.HomeDir(c)
		if err != nil {
			return err
		}
		if c.Bool("new-credentials") {
			cr := configs.NewCredential()
			if err := configs.AddCredential(home, cr, time.Now()); err != nil {
				return err
			}
			// Printed once, like aws iam create-access-key; never logged.
			fmt.Fprintf(c.App.Writer, "A new key for the EC2 API, saved in %s:\nexport AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s\n",
				configs.Path(home), cr.AccessKeyID, cr.SecretAccessKey)
		}
		cfg, err := configs.Load(home)
		if err != nil {
			return err
		}
		return serve(c.Context, api.ServeOptions{Home: home, Stamp: command.Stamp(home), Version: Version, Config: cfg,
			Listen: c.String("listen"), Stderr: c.App.ErrWriter, Background: c.Bool("background"),
			Debug: command.GlobalBool(c, "debug"), NoColor: command.GlobalBool(c, "no-color")})
	},
}
