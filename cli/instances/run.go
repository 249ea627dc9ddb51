package instances

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// RunCommand is `ec2x run`: launch instances.
var RunCommand = &cli.Command{
	Name:      "run",
	Usage:     "launch instances",
	ArgsUsage: " ",
	Flags: append([]cli.Flag{
		&cli.StringFlag{Name: "image", Usage: "image ID or name (default: the region's default image)"},
		&cli.StringFlag{Name: "type", Value: "t2.micro", Usage: "instance type"},
		&cli.IntFlag{Name: "count", Value: 1, Usage: "number of instances"},
		&cli.StringFlag{Name: "name", Usage: "the Name tag"},
		&cli.StringSliceFlag{Name: "tag", Usage: "tag KEY=VALUE (repeatable)"},
		&cli.StringFlag{Name: "key", Usage: "key pair name"},
		&cli.StringFlag{Name: "az", Usage: "availability zone"},
		&cli.StringFlag{Name: "driver", Usage: "only hosts of this hypervisor driver (sim, qemu, libvirt)"},
		&cli.StringFlag{Name: "strategy", Usage: "weigh hosts for this launch: spread (emptiest first) or binpack (fullest that fits); default: the config's [scheduler] strategy"},
		&cli.StringFlag{Name: "subnet", Usage: "subnet ID"},
		&cli.StringSliceFlag{Name: "sg", Usage: "security group ID or name (repeatable)"},
		&cli.StringFlag{Name: "user-data", Usage: "file with user data"},
		&cli.IntFlag{Name: "volume-size", Usage: "root volume size in GiB"},
		&cli.StringFlag{Name: "client-token", Usage: "idempotency token: a retry with the same token returns the same instances"},
		&cli.BoolFlag{Name: "spot", Usage: "launch on spot capacity"},
		&cli.StringFlag{Name: "max-price", Usage: "with --spot: the most to pay, USD per hour (default: the on-demand price)"},
		&cli.StringFlag{Name: "interruption", Usage: "with --spot: stop, terminate (default) or hibernate; stop and hibernate make the request persistent"},
		&cli.BoolFlag{Name: "wait", Usage: "wait until the instances are running"},
		&cli.DurationFlag{Name: "timeout", Value: defaultWait, Usage: "how long --wait waits"},
		&cli.BoolFlag{Name: "explain", Usage: "show how the scheduler chose a host"},
		&cli.StringFlag{Name: "template", Usage: "launch template NAME|ID[:VERSION] ($Latest, $Default or N): its data are the defaults, the flags override them"},
	}, append(runAttrFlags, runDeviceFlags...)...),
	Action: runAction,
}

func runAction(c *cli.Context) error {
	e, _, err := command.Setup(c, 0, 0, "")
	if err != nil {
		return err
	}
	in := &ec2.RunInstancesInput{
		ImageId: c.String("image"), InstanceType: c.String("type"),
		MinCount: c.Int("count"), MaxCount: c.Int("count"),
		KeyName: c.String("key"), SubnetId: c.String("subnet"), ClientToken: c.String("client-token"),
	}
	if in.MinCount < 1 {
		return command.Usagef("run: --count must be at least 1")
	}
	if az := c.String("az"); az != "" {
		in.Placement = &ec2.Placement{AvailabilityZone: az}
	}
	in.Driver = c.String("driver")
	in.Strategy = c.String("strategy")
	if in.Strategy != "" && in.Strategy != "spread" && in.Strategy != "binpack" {
		return command.Usagef("run: --strategy %q: want spread or binpack", in.Strategy)
	}
	for _, g := range c.StringSlice("sg") {
		if strings.HasPrefix(g, "sg-") {
			in.SecurityGroupIds = append(in.SecurityGroupIds, g)
		} else {
			in.SecurityGroups = append(in.SecurityGroups, g)
		}
	}
	tags, err := command.ParseTags(c.StringSlice("tag"))
	if err != nil {
		return err
	}
	if n := c.String("name"); n != "" {
		tags = append(tags, ec2.Tag{Key: "Name", Value: n})
	}
	if len(tags) > 0 {
		in.TagSpecifications = []ec2.TagSpecification{{ResourceType: "instance", Tags: tags}}
	}
	if f := c.String("user-data"); f != "" {
		data, err := command.ReadUserData("run", f)
		if err != nil {
			return err
		}
		in.UserData = base64.StdEncoding.EncodeToString(data)
	}
	if v := c.Int("volume-size"); v != 0 {
		in.BlockDeviceMappings = []ec2.BlockDeviceMapping{{DeviceName: "/dev/xvda", Ebs: &ec2.EbsBlockDevice{VolumeSize: v}}}
	}
	if err := runAttrs(c, in); err != nil {
		return err
	}
	if err := runDevices(c, in); err != nil {
		return err
	}
	if in.InstanceMarketOptions, err = spotOptions(c); err != nil {
		return err
	}
	if t := c.String("template"); t != "" {
		in.LaunchTemplate = templateSpec(t)
		if !c.IsSet("type") {
			in.InstanceType = "" // the template's, not the flag's default
		}
	}
	var explain *ec2.ExplainPlacementOutput
	if c.Bool("explain") {
		explain = &ec2.ExplainPlacementOutput{}
		zone := ""
		if in.Placement != nil {
			zone = in.Placement.AvailabilityZone
		}
		if err := e.Call("ExplainPlacement", &ec2.ExplainPlacementInput{InstanceType: in.InstanceType, AvailabilityZone: zone, Driver: in.Driver, Strategy: in.Strategy}, explain); err != nil {
			return e.SuggestType(err, in.InstanceType)
		}
		if e.Output == "table" && !e.Quiet {
			printExplain(e, explain)
		}
	}
	var out ec2.RunInstancesOutput
	if err := e.Call("RunInstances", in, &out); err != nil {
		return e.SuggestType(err, in.InstanceType)
	}
	instances := out.Instances
	if c.Bool("wait") {
		if instances, err = waitFor(e, instanceIDs(out.Instances), ec2.StateRunning, c.Duration("timeout")); err != nil {
			return err
		}
		out.Instances = instances
	}
	var data any = &out
	if explain != nil {
		data = struct {
			*ec2.RunInstancesOutput
			Placement *ec2.ExplainPlacementOutput `json:"Placement"`
		}{&out, explain}
	}
	return e.Print(instancesView(data, instances))
}

func printExplain(e *command.Env, ex *ec2.ExplainPlacementOutput) {
	rows := make([][]string, 0, len(ex.Hosts))
	for _, h := range ex.Hosts {
		verdict := "score " + strconv.FormatFloat(h.Score, 'f', 3, 64)
		if h.Rejected != "" {
			verdict = "rejected: " + h.Rejected + " (" + h.Detail + ")"
		} else if h.Chosen {
			verdict += "  <- chosen"
		}
		rows = append(rows, []string{h.HostID, h.Zone, strconv.Itoa(h.FreeVCPUs), strconv.Itoa(h.FreeMiB), verdict})
	}
	render.Table(e.Stdout(), []string{"HOST", "ZONE", "FREE VCPUS", "FREE MIB", "VERDICT"}, rows, false)
	fmt.Fprintln(e.Stdout())
}

func instanceIDs(list []*ec2.Instance) []string {
	ids := make([]string, len(list))
	for i, in := range list {
		ids[i] = in.InstanceId
	}
	return ids
}

// spotOptions turns --spot, --max-price and --interruption into EC2's
// InstanceMarketOptions. Stop and hibernate need a persistent request.
func spotOptions(c *cli.Context) (*ec2.InstanceMarketOptions, error) {
	if !c.Bool("spot") {
		for _, f := range []string{"max-price", "interruption"} {
			if c.IsSet(f) {
				return nil, command.Usagef("run: --%s needs --spot", f)
			}
		}
		return nil, nil
	}
	so := &ec2.SpotOptions{MaxPrice: c.String("max-price"), InstanceInterruptionBehavior: c.String("interruption")}
	if p := so.MaxPrice; p != "" {
		if v, err := strconv.ParseFloat(p, 64); err != nil || v <= 0 {
			return nil, command.Usagef("run: --max-price %q: a positive USD amount per hour, like 0.05", p)
		}
	}
	switch so.InstanceInterruptionBehavior {
	case "", "terminate":
	case "stop", "hibernate":
		so.SpotInstanceType = "persistent"
	default:
		return nil, command.Usagef("run: --interruption %q: stop, terminate or hibernate", so.InstanceInterruptionBehavior)
	}
	return &ec2.InstanceMarketOptions{MarketType: "spot", SpotOptions: so}, nil
}

// templateSpec parses --template NAME|ID[:VERSION].
func templateSpec(ref string) *ec2.LaunchTemplateSpecification {
	spec := &ec2.LaunchTemplateSpecification{}
	if i := strings.LastIndexByte(ref, ':'); i >= 0 {
		ref, spec.Version = ref[:i], ref[i+1:]
	}
	if strings.HasPrefix(ref, "lt-") {
		spec.LaunchTemplateId = ref
	} else {
		spec.LaunchTemplateName = ref
	}
	return spec
}
