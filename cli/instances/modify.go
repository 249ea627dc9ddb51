package instances

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// ModifyCommand is `ec2x modify`: change one attribute of an instance.
var ModifyCommand = &cli.Command{
	Name:      "modify",
	Usage:     "change an instance's type or user data (stopped only), protections, shutdown behaviour, monitoring or metadata options",
	ArgsUsage: "ID",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "type", Usage: "new instance type (stopped only)"},
		&cli.StringFlag{Name: "user-data", Usage: "file with new user data (stopped only)"},
		&cli.BoolFlag{Name: "protect", Usage: "refuse termination (DisableApiTermination)"},
		&cli.BoolFlag{Name: "no-protect", Usage: "allow termination again"},
		&cli.BoolFlag{Name: "stop-protect", Usage: "refuse stopping (DisableApiStop)"},
		&cli.BoolFlag{Name: "no-stop-protect", Usage: "allow stopping again"},
		&cli.StringFlag{Name: "shutdown-behavior", Usage: "stop or terminate when the guest shuts itself down"},
		&cli.BoolFlag{Name: "monitoring", Usage: "turn detailed monitoring on"},
		&cli.BoolFlag{Name: "no-monitoring", Usage: "turn detailed monitoring off"},
		&cli.BoolFlag{Name: "imds-v2-only", Usage: "the metadata service requires session tokens"},
		&cli.BoolFlag{Name: "imds-v1", Usage: "the metadata service answers requests without a token too"},
		&cli.IntFlag{Name: "metadata-hop-limit", Usage: "hops the metadata token response may travel (1 to 64)"},
	},
	Action: modifyAction,
}

// change is one modification: the action that makes it and its row.
type change struct {
	action      string
	in          any
	attr, value string
}

// modifyChange turns the one flag given into its change.
func modifyChange(c *cli.Context, id string) (*change, error) {
	var given []string
	for _, f := range c.Command.Flags {
		if n := f.Names()[0]; c.IsSet(n) {
			given = append(given, "--"+n)
		}
	}
	if len(given) == 0 {
		return nil, command.Usagef("modify: nothing to change (give one of --type, --user-data, --protect, --stop-protect, --shutdown-behavior, --monitoring, --imds-v2-only, --metadata-hop-limit, or their --no- forms)")
	}
	if len(given) > 1 {
		return nil, command.Usagef("modify: one change at a time (got %s)", strings.Join(given, ", "))
	}
	attr := func(in *ec2.ModifyInstanceAttributeInput, name, value string) *change {
		in.InstanceId = id
		return &change{"ModifyInstanceAttribute", in, name, value}
	}
	flag := func(on bool) *ec2.AttributeBooleanValue { return ec2.BoolValue(on) }
	metadata := func(in *ec2.ModifyInstanceMetadataOptionsInput, name, value string) *change {
		in.InstanceId = id
		return &change{"ModifyInstanceMetadataOptions", in, name, value}
	}
	switch given[0] {
	case "--type":
		return attr(&ec2.ModifyInstanceAttributeInput{InstanceType: &ec2.AttributeValue{Value: c.String("type")}}, "instanceType", c.String("type")), nil
	case "--user-data":
		data, err := command.ReadUserData("modify", c.String("user-data"))
		if err != nil {
			return nil, err
		}
		return attr(&ec2.ModifyInstanceAttributeInput{UserData: &ec2.AttributeValue{Value: base64.StdEncoding.EncodeToString(data)}}, "userData", strconv.Itoa(len(data))+" bytes"), nil
	case "--protect", "--no-protect":
		on := given[0] == "--protect"
		return attr(&ec2.ModifyInstanceAttributeInput{DisableApiTermination: flag(on)}, "disableApiTermination", strconv.FormatBool(on)), nil
	case "--stop-protect", "--no-stop-protect":
		on := given[0] == "--stop-protect"
		return attr(&ec2.ModifyInstanceAttributeInput{DisableApiStop: flag(on)}, "disableApiStop", strconv.FormatBool(on)), nil
	case "--shutdown-behavior":
		b := c.String("shutdown-behavior")
		if b != "stop" && b != "terminate" {
			return nil, command.Usagef("modify: --shutdown-behavior must be stop or terminate, not %q", b)
		}
		return attr(&ec2.ModifyInstanceAttributeInput{InstanceInitiatedShutdownBehavior: &ec2.AttributeValue{Value: b}}, "instanceInitiatedShutdownBehavior", b), nil
	case "--monitoring":
		return &change{"MonitorInstances", &ec2.MonitorInstancesInput{InstanceIds: []string{id}}, "monitoring", "enabled"}, nil
	case "--no-monitoring":
		return &change{"UnmonitorInstances", &ec2.UnmonitorInstancesInput{InstanceIds: []string{id}}, "monitoring", "disabled"}, nil
	case "--imds-v2-only", "--imds-v1":
		tokens := map[bool]string{true: "required", false: "optional"}[given[0] == "--imds-v2-only"]
		return metadata(&ec2.ModifyInstanceMetadataOptionsInput{HttpTokens: tokens}, "httpTokens", tokens), nil
	default: // --metadata-hop-limit
		h := c.Int("metadata-hop-limit")
		if h < 1 || h > 64 {
			return nil, command.Usagef("modify: --metadata-hop-limit must be 1 to 64")
		}
		return metadata(&ec2.ModifyInstanceMetadataOptionsInput{HttpPutResponseHopLimit: h}, "httpPutResponseHopLimit", strconv.Itoa(h)), nil
	}
}

func modifyAction(c *cli.Context) error {
	e, args, err := command.SetupInstances(c, 1, 1, 1, "instance ID")
	if err != nil {
		return err
	}
	ch, err := modifyChange(c, args[0])
	if err != nil {
		return err
	}
	var out any
	switch ch.action {
	case "ModifyInstanceAttribute":
		out = &ec2.Empty{}
	case "ModifyInstanceMetadataOptions":
		out = &ec2.ModifyInstanceMetadataOptionsOutput{}
	default:
		out = &ec2.MonitorInstancesOutput{}
	}
	if err := e.Call(ch.action, ch.in, out); err != nil {
		return e.SuggestType(err, c.String("type"))
	}
	return e.Print(command.View{Data: out, IDs: args, Header: []string{"INSTANCE ID", "ATTRIBUTE", "VALUE"},
		Rows: [][]string{{args[0], ch.attr, ch.value}}})
}
