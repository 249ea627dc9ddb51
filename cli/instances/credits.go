package instances

import (
	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// CreditsCommand is `ec2x credits`: burstable instances' CPU credit
// options (DescribeInstanceCreditSpecifications), or a change of them
// with --set (ModifyInstanceCreditSpecification).
var CreditsCommand = &cli.Command{
	Name:      "credits",
	Usage:     "CPU credit options of burstable instances (--set standard|unlimited changes them)",
	ArgsUsage: "[ID...]",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "set", Usage: "change the named instances' option: standard or unlimited"},
	},
	Action: func(c *cli.Context) error {
		e, err := command.NewEnv(c)
		if err != nil {
			return err
		}
		ids := c.Args().Slice()
		if mode := c.String("set"); mode != "" {
			return setCredits(e, ids, mode)
		}
		var out ec2.DescribeInstanceCreditSpecificationsOutput
		if err := e.Call("DescribeInstanceCreditSpecifications", &ec2.DescribeInstanceCreditSpecificationsInput{InstanceIds: ids}, &out); err != nil {
			return err
		}
		v := command.View{Data: &out, Header: []string{"INSTANCE ID", "CPU CREDITS"}}
		for _, s := range out.InstanceCreditSpecifications {
			v.IDs = append(v.IDs, s.InstanceId)
			v.Rows = append(v.Rows, []string{s.InstanceId, s.CpuCredits})
		}
		return e.Print(v)
	},
}

// setCredits changes instances' credit options; any instance EC2 would
// not change makes it a service error (exit 1) after the table.
func setCredits(e *command.Env, ids []string, mode string) error {
	if len(ids) == 0 {
		return command.Usagef("credits --set needs at least one instance ID")
	}
	in := &ec2.ModifyInstanceCreditSpecificationInput{}
	for _, id := range ids {
		in.InstanceCreditSpecifications = append(in.InstanceCreditSpecifications, ec2.InstanceCreditSpecification{InstanceId: id, CpuCredits: mode})
	}
	var out ec2.ModifyInstanceCreditSpecificationOutput
	if err := e.Call("ModifyInstanceCreditSpecification", in, &out); err != nil {
		return err
	}
	v := command.View{Data: &out, Header: []string{"INSTANCE ID", "CPU CREDITS", "ERROR"}}
	for _, s := range out.SuccessfulInstanceCreditSpecifications {
		v.IDs = append(v.IDs, s.InstanceId)
		v.Rows = append(v.Rows, []string{s.InstanceId, mode, ""})
	}
	for _, u := range out.UnsuccessfulInstanceCreditSpecifications {
		v.Rows = append(v.Rows, []string{u.InstanceId, "", u.Error.Code + ": " + u.Error.Message})
	}
	if err := e.Print(v); err != nil {
		return err
	}
	if len(out.UnsuccessfulInstanceCreditSpecifications) > 0 {
		u := out.UnsuccessfulInstanceCreditSpecifications[0]
		return ec2.Errorf(u.Error.Code, "%s", u.Error.Message)
	}
	return nil
}
