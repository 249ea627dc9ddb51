package money

import (
	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// SpotCommand is `ec2x spot`: spot instance requests.
var SpotCommand = &cli.Command{
	Name:  "spot",
	Usage: "spot instance requests",
	Subcommands: []*cli.Command{
		{
			Name:  "request",
			Usage: "open spot requests: fulfilled when price and capacity allow, else they wait",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "image", Usage: "image ID or name (default: the region's default image)"},
				&cli.StringFlag{Name: "type", Value: "t2.micro", Usage: "instance type"},
				&cli.IntFlag{Name: "count", Value: 1, Usage: "number of instances"},
				&cli.StringFlag{Name: "az", Usage: "availability zone"},
				&cli.StringFlag{Name: "key", Usage: "key pair name"},
				&cli.StringFlag{Name: "max-price", Usage: "the most to pay, USD per hour (default: the on-demand price)"},
				&cli.BoolFlag{Name: "persistent", Usage: "reopen the request after an interruption"},
				&cli.StringFlag{Name: "interruption", Usage: "stop, terminate (default) or hibernate"},
				&cli.StringSliceFlag{Name: "tag", Usage: "tag the request KEY=VALUE (repeatable; not its instances)"},
			},
			Action: func(c *cli.Context) error {
				e, _, err := command.Setup(c, 0, 0, "")
				if err != nil {
					return err
				}
				if c.Int("count") < 1 {
					return command.Usagef("spot request: --count must be at least 1")
				}
				in := &ec2.RequestSpotInstancesInput{SpotPrice: c.String("max-price"), InstanceCount: c.Int("count"),
					InstanceInterruptionBehavior: c.String("interruption"),
					LaunchSpecification:          ec2.SpotLaunchSpecification{ImageId: c.String("image"), InstanceType: c.String("type"), KeyName: c.String("key")}}
				if c.Bool("persistent") {
					in.Type = "persistent"
				}
				tags, err := command.ParseTags(c.StringSlice("tag"))
				if err != nil {
					return err
				}
				if len(tags) > 0 {
					in.TagSpecifications = []ec2.TagSpecification{{ResourceType: "spot-instances-request", Tags: tags}}
				}
				if az := c.String("az"); az != "" {
					in.LaunchSpecification.Placement = &ec2.Placement{AvailabilityZone: az}
				}
				var out ec2.RequestSpotInstancesOutput
				if err := e.Call("RequestSpotInstances", in, &out); err != nil {
					return err
				}
				return e.Print(spotRequestsView(&out, out.SpotInstanceRequests))
			},
		},
		{
			Name:    "ls",
			Aliases: []string{"describe"},
			Usage:   "list spot requests with their status",
			Flags:   []cli.Flag{&cli.StringSliceFlag{Name: "filter", Usage: "NAME=VALUE[,VALUE...] (repeatable)"}},
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 0, -1, "")
				if err != nil {
					return err
				}
				in := &ec2.DescribeSpotInstanceRequestsInput{SpotInstanceRequestIds: args}
				if in.Filters, err = command.ParseFilters(c.StringSlice("filter")); err != nil {
					return err
				}
				var out ec2.DescribeSpotInstanceRequestsOutput
				if err := e.Call("DescribeSpotInstanceRequests", in, &out); err != nil {
					return err
				}
				return e.Print(spotRequestsView(&out, out.SpotInstanceRequests))
			},
		},
		{
			Name:      "cancel",
			Usage:     "cancel spot requests (their instances keep running)",
			ArgsUsage: "SIR-ID...",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, -1, "spot request ID")
				if err != nil {
					return err
				}
				var out ec2.CancelSpotInstanceRequestsOutput
				if err := e.Call("CancelSpotInstanceRequests", &ec2.CancelSpotInstanceRequestsInput{SpotInstanceRequestIds: args}, &out); err != nil {
					return err
				}
				v := command.View{Data: &out, Header: []string{"REQUEST", "STATE"}}
				for _, r := range out.CancelledSpotInstanceRequests {
					v.IDs = append(v.IDs, r.SpotInstanceRequestId)
					v.Rows = append(v.Rows, []string{r.SpotInstanceRequestId, r.State})
				}
				return e.Print(v)
			},
		},
	},
}

func spotRequestsView(data any, reqs []ec2.SpotInstanceRequest) command.View {
	v := command.View{Data: data, Header: []string{"REQUEST", "TYPE", "STATE", "STATUS", "MAX PRICE", "INSTANCE TYPE", "INSTANCE", "ZONE"}}
	for _, r := range reqs {
		v.IDs = append(v.IDs, r.SpotInstanceRequestId)
		v.Rows = append(v.Rows, []string{r.SpotInstanceRequestId, r.Type, r.State, r.Status.Code, r.SpotPrice,
			r.LaunchSpecification.InstanceType, render.Dash(r.InstanceId), render.Dash(r.LaunchedAvailabilityZone)})
	}
	return v
}
