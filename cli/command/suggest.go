package command

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// Nearest is the candidate closest to word by edit distance (a swap of
// two neighbours counts one), or "" when none is close enough to be a
// typo: at most one edit per four characters, at least one.
func Nearest(word string, candidates []string) string {
	best, bestD := "", 1+len(word)/4
	for _, c := range candidates {
		if c == word {
			return ""
		}
		if d := editDistance(word, c); d <= bestD {
			best, bestD = c, d-1
		}
	}
	return best
}

// editDistance is the optimal string alignment distance of a and b.
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// CommandNames lists commands' names and aliases, for suggestions.
func CommandNames(cmds []*cli.Command) []string {
	var names []string
	for _, c := range cmds {
		if !c.Hidden {
			names = append(names, c.Names()...)
		}
	}
	return names
}

// UnknownCommand is the usage error for a command name that does not
// exist, with the nearest one when there is one.
func UnknownCommand(prefix, name, help string, cmds []*cli.Command) error {
	msg := fmt.Sprintf("%sunknown command %q (see %s --help)", prefix, name, help)
	if n := Nearest(name, CommandNames(cmds)); n != "" {
		msg += fmt.Sprintf("; did you mean %q?", n)
	}
	return &UsageError{Msg: msg}
}

// FlagUsageError turns urfave/cli's usage error into a UsageError, with
// the nearest of flags' names for an unknown flag.
func FlagUsageError(err error, flags []cli.Flag) error {
	msg := err.Error()
	if bad, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		bad = strings.TrimLeft(bad, "-")
		var names []string
		for _, f := range flags {
			names = append(names, f.Names()...)
		}
		if n := Nearest(bad, names); n != "" {
			dash := "--"
			if len(n) == 1 {
				dash = "-"
			}
			msg += fmt.Sprintf("; did you mean %s%s?", dash, n)
		}
	}
	return &UsageError{Msg: msg}
}

// SuggestType adds the region's nearest instance type to an error about
// typ ("did you mean t3.large?"): EC2 says InvalidInstanceType, or
// InvalidParameterValue "for InstanceType" in RunInstances, or
// InvalidInstanceAttributeValue "The instanceType" in ModifyInstanceAttribute.
func (e *Env) SuggestType(err error, typ string) error {
	var se *ec2.Error
	if !errors.As(err, &se) || typ == "" || !strings.Contains(se.Message, typ) {
		return err
	}
	switch se.Code {
	case ec2.CodeInvalidInstanceType, ec2.CodeInvalidParameterValue, ec2.CodeInvalidInstanceAttributeValue:
		if !strings.Contains(strings.ToLower(se.Message), "instancetype") {
			return err
		}
	default:
		return err
	}
	var out ec2.DescribeInstanceTypesOutput
	if e.Call("DescribeInstanceTypes", &ec2.DescribeInstanceTypesInput{}, &out) != nil {
		return err
	}
	names := make([]string, len(out.InstanceTypes))
	for i, t := range out.InstanceTypes {
		names[i] = t.InstanceType
	}
	if n := Nearest(typ, names); n != "" {
		return ec2.Errorf(se.Code, "%s; did you mean %s?", se.Message, n)
	}
	return err
}
