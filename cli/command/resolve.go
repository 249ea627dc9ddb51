package command

import (
	"regexp"
	"strings"

	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// instanceIDRe is EC2's instance ID: "i-" and 8 (old) or 17 hex digits.
var instanceIDRe = regexp.MustCompile(`^i-([0-9a-f]{8}|[0-9a-f]{17})$`)

// liveStates are the states in which an instance holds its Name: a
// terminated instance's name may be reused.
var liveStates = []string{ec2.StatePending, ec2.StateRunning, ec2.StateStopping, ec2.StateStopped, ec2.StateShuttingDown}

// InstanceIDs maps each argument to an instance ID, as docker maps names:
// an ID is kept, any other word must be the Name tag of exactly one
// instance that is not terminated. Several matches are refused with the
// candidates (InvalidInstanceID.NotUnique), none with NotFound, or with
// Malformed and what an ID looks like when the word starts with "i-".
func (e *Env) InstanceIDs(args []string) ([]string, error) {
	var names []string
	for _, a := range args {
		if !instanceIDRe.MatchString(a) {
			names = append(names, a)
		}
	}
	if len(names) == 0 {
		return args, nil
	}
	var out ec2.DescribeInstancesOutput
	in := &ec2.DescribeInstancesInput{Filters: []ec2.Filter{
		{Name: "tag:Name", Values: names},
		{Name: "instance-state-name", Values: liveStates},
	}}
	if err := e.Call("DescribeInstances", in, &out); err != nil {
		return nil, err
	}
	byName := map[string][]string{}
	for _, inst := range out.Instances {
		if n, ok := inst.Tag("Name"); ok {
			byName[n] = append(byName[n], inst.InstanceId)
		}
	}
	ids := make([]string, len(args))
	for i, a := range args {
		if instanceIDRe.MatchString(a) {
			ids[i] = a
			continue
		}
		switch m := byName[a]; {
		case len(m) == 1:
			ids[i] = m[0]
		case len(m) > 1:
			return nil, ec2.Errorf(ec2.CodeInvalidInstanceIDNotUnique,
				"The Name tag '%s' is on %d instances: %s; give one of their IDs", a, len(m), strings.Join(m, ", "))
		case strings.HasPrefix(a, "i-"):
			return nil, ec2.Errorf(ec2.CodeInvalidInstanceIDMalformed,
				"Invalid id: \"%s\" (expecting \"i-\" followed by 8 or 17 hexadecimal digits), and no instance has it as its Name tag", a)
		default:
			return nil, ec2.Errorf(ec2.CodeInvalidInstanceIDNotFound,
				"No instance has the ID or Name tag '%s' (an ID is \"i-\" followed by 8 or 17 hexadecimal digits)", a)
		}
	}
	return ids, nil
}

// SetupInstances is Setup for commands whose first n arguments (n < 0:
// all) are instances, given by ID or Name tag (see InstanceIDs).
func SetupInstances(c *cli.Context, min, max, n int, what string) (*Env, []string, error) {
	e, args, err := Setup(c, min, max, what)
	if err != nil {
		return nil, nil, err
	}
	if n < 0 || n > len(args) {
		n = len(args)
	}
	ids, err := e.InstanceIDs(args[:n])
	if err != nil {
		return nil, nil, err
	}
	return e, append(ids, args[n:]...), nil
}
