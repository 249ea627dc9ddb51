package instances

import (
	"fmt"
	"strings"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// LogsCommand is `ec2x logs`: print an instance's system log.
var LogsCommand = &cli.Command{
	Name:      "logs",
	Usage:     "print an instance's system log (console output)",
	ArgsUsage: "ID",
	Flags: []cli.Flag{
		&cli.IntFlag{Name: "tail", Value: -1, Usage: "only the last N lines"},
		&cli.BoolFlag{Name: "follow", Aliases: []string{"f"}, Usage: "keep printing new lines until interrupted"},
	},
	Action: func(c *cli.Context) error {
		e, args, err := command.SetupInstances(c, 1, 1, 1, "instance ID")
		if err != nil {
			return err
		}
		var out ec2.ConsoleOutput
		if err := e.Call("GetConsoleOutput", &ec2.GetConsoleOutputInput{InstanceId: args[0], Latest: true}, &out); err != nil {
			return err
		}
		text := tailLines(out.Output, c.Int("tail"))
		if !c.Bool("follow") {
			if e.Output == "json" || e.Query != "" {
				out.Output = text
				return e.Print(command.View{Data: &out})
			}
			_, err := fmt.Fprint(c.App.Writer, text)
			return err
		}
		if _, err := fmt.Fprint(c.App.Writer, text); err != nil {
			return err
		}
		return followConsole(e, args[0], out.Output)
	},
}

// followConsole polls the log and prints what was added, until interrupted.
// The log keeps its last 64 KiB: when the old text has scrolled out, the
// longest overlap between the end of what we printed and the new text tells
// where the new lines begin.
func followConsole(e *command.Env, id, seen string) error {
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-e.Context().Done():
			return nil
		case <-t.C:
		}
		var out ec2.ConsoleOutput
		if err := e.Call("GetConsoleOutput", &ec2.GetConsoleOutputInput{InstanceId: id, Latest: true}, &out); err != nil {
			if e.Context().Err() != nil {
				// Interrupted during a poll rather than between two: the
				// same clean end the user asked for.
				return nil
			}
			return err
		}
		add := newSuffix(seen, out.Output)
		if add != "" {
			if _, err := fmt.Fprint(e.Stdout(), add); err != nil {
				return err
			}
		}
		seen = out.Output
	}
}

// newSuffix returns the part of now that follows what was already seen.
func newSuffix(seen, now string) string {
	if strings.HasPrefix(now, seen) {
		return now[len(seen):]
	}
	// The start scrolled away: find the longest end of seen that starts now.
	for k := min(len(seen), len(now)); k > 0; k-- {
		if strings.HasPrefix(now, seen[len(seen)-k:]) {
			return now[k:]
		}
	}
	return now
}

// tailLines keeps the last n lines (n < 0: all).
func tailLines(s string, n int) string {
	if n < 0 {
		return s
	}
	if n == 0 {
		return ""
	}
	trimmed := strings.TrimSuffix(s, "\n")
	i := len(trimmed)
	for k := 0; k < n; k++ {
		j := strings.LastIndexByte(trimmed[:i], '\n')
		if j < 0 {
			return s
		}
		i = j
	}
	return s[i+1:]
}
