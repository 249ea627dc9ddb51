package cli

import (
	"strings"

	cli "github.com/urfave/cli/v2"
)

// interspersed moves a command's flags in front of its positional arguments
// so that `ec2x stop i-1 --wait` works as `ec2x stop --wait i-1` does (Go's
// flag package, and so urfave/cli v2, stops at the first positional). Args
// after "--" are left alone, and that "--" is consumed as a flag parser
// would: `ec2x ssh ID -- ls -l` gives ssh the arguments ID, ls and -l.
//
// A shell's completion request (a last argument of
// --generate-bash-completion) is left as it is: urfave/cli answers it only
// when it comes last and no "--" precedes it.
func interspersed(app *cli.App, args []string) []string {
	if len(args) < 2 || args[len(args)-1] == completionFlag {
		return args
	}
	// Global flags before the command stay where they are.
	i := commandAt(app, args)
	out := append([]string(nil), args[:i]...)
	if i >= len(args) {
		return out
	}
	cmd := findCommand(app.Commands, args[i])
	out = append(out, args[i])
	i++
	for cmd != nil && len(cmd.Subcommands) > 0 && i < len(args) {
		sub := findCommand(cmd.Subcommands, args[i])
		if sub == nil {
			break
		}
		out = append(out, args[i])
		cmd = sub
		i++
	}
	if cmd == nil || cmd.SkipFlagParsing {
		return append(out, args[i:]...)
	}
	var flags, pos []string
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			// The "--" added below ends the flags for every positional:
			// the user's own is consumed here, as a flag parser would.
			pos = append(pos, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			flags = append(flags, a)
			if takesValue(cmd.Flags, a) && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	out = append(out, flags...)
	if len(pos) > 0 {
		// A positional that looks like a flag must not be parsed as one.
		out = append(out, "--")
	}
	return append(out, pos...)
}

// completionFlag is how the completion scripts ask for candidates.
const completionFlag = "--generate-bash-completion"

// commandAt is the index in args of the command's name: the first
// argument after the global flags (and their values) given before it;
// len(args) when there is none.
func commandAt(app *cli.App, args []string) int {
	i := 1
	for i < len(args) && strings.HasPrefix(args[i], "-") && args[i] != "--" {
		if takesValue(app.Flags, args[i]) && i+1 < len(args) {
			i++
		}
		i++
	}
	return i
}

// findCommand is the command of that name (or alias), or nil.
func findCommand(cmds []*cli.Command, name string) *cli.Command {
	var found *cli.Command
	for _, c := range cmds {
		if c.HasName(name) {
			found = c
		}
	}
	return found
}

// takesValue reports whether arg names a flag that needs a separate value.
func takesValue(flags []cli.Flag, arg string) bool {
	name := strings.TrimLeft(arg, "-")
	if strings.Contains(name, "=") {
		return false
	}
	for _, f := range flags {
		for _, n := range f.Names() {
			if n != name {
				continue
			}
			if _, isBool := f.(*cli.BoolFlag); isBool {
				return false
			}
			return true
		}
	}
	return false
}
