package instances

import (
	"encoding/base64"
	"strconv"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// ModifyCommand is `ec2x modify`: change a stopped instance's type or user data.
var ModifyCommand = &cli.Command{
	Name:      "modify",
	Usage:     "change a stopped instance's type or user data",
	ArgsUsage: "ID",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "type", Usage: "new instance type"},
		&cli.StringFlag{Name: "user-data", Usage: "file with new user data"},
	},
	Action: func(c *cli.Context) error {
		e, args, err := command.SetupInstances(c, 1, 1, 1, "instance ID")
		if err != nil {
			return err
		}
		in := &ec2.ModifyInstanceAttributeInput{InstanceId: args[0]}
		var attr, value string
		switch {
		case c.IsSet("type") && c.IsSet("user-data"):
			return command.Usagef("modify: give --type or --user-data, not both")
		case c.IsSet("type"):
			in.InstanceType = &ec2.AttributeValue{Value: c.String("type")}
			attr, value = "instanceType", c.String("type")
		case c.IsSet("user-data"):
			data, err := command.ReadUserData("modify", c.String("user-data"))
			if err != nil {
				return err
			}
			in.UserData = &ec2.AttributeValue{Value: base64.StdEncoding.EncodeToString(data)}
			attr, value = "userData", strconv.Itoa(len(data))+" bytes"
		default:
			return command.Usagef("modify: nothing to change (give --type or --user-data)")
		}
		var out ec2.Empty
		if err := e.Call("ModifyInstanceAttribute", in, &out); err != nil {
			return e.SuggestType(err, c.String("type"))
		}
		return e.Print(command.View{Data: &out, IDs: args, Header: []string{"INSTANCE ID", "ATTRIBUTE", "VALUE"},
			Rows: [][]string{{args[0], attr, value}}})
	},
}
