package instances

import (
	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// runAttrFlags are `ec2x run`'s instance attributes: protections,
// shutdown behaviour, monitoring and the metadata service's options.
var runAttrFlags = []cli.Flag{
	&cli.BoolFlag{Name: "protect", Usage: "refuse to terminate the instances until unprotected (DisableApiTermination)"},
	&cli.BoolFlag{Name: "stop-protect", Usage: "refuse to stop the instances until unprotected (DisableApiStop)"},
	&cli.StringFlag{Name: "shutdown-behavior", Usage: "what a shutdown from inside the guest does: stop (default) or terminate"},
	&cli.BoolFlag{Name: "monitoring", Usage: "turn detailed monitoring on"},
	&cli.BoolFlag{Name: "imds-v2-only", Usage: "the metadata service answers only requests with a session token (HttpTokens required)"},
	&cli.IntFlag{Name: "metadata-hop-limit", Usage: "hops the metadata token response may travel, 1 to 64 (default 1)"},
}

// runAttrs sets the attribute flags on a launch.
func runAttrs(c *cli.Context, in *ec2.RunInstancesInput) error {
	in.DisableApiTermination = c.Bool("protect")
	in.DisableApiStop = c.Bool("stop-protect")
	switch b := c.String("shutdown-behavior"); b {
	case "", "stop", "terminate":
		in.InstanceInitiatedShutdownBehavior = b
	default:
		return command.Usagef("run: --shutdown-behavior must be stop or terminate, not %q", b)
	}
	if c.Bool("monitoring") {
		in.Monitoring = &ec2.RunInstancesMonitoringEnabled{Enabled: true}
	}
	if c.Bool("imds-v2-only") || c.IsSet("metadata-hop-limit") {
		in.MetadataOptions = &ec2.InstanceMetadataOptionsRequest{HttpPutResponseHopLimit: c.Int("metadata-hop-limit")}
		if h := c.Int("metadata-hop-limit"); c.IsSet("metadata-hop-limit") && (h < 1 || h > 64) {
			return command.Usagef("run: --metadata-hop-limit must be 1 to 64")
		}
		if c.Bool("imds-v2-only") {
			in.MetadataOptions.HttpTokens = "required"
		}
	}
	return nil
}
