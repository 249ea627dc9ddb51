// Package cli is ec2x's command line: a git-style app on urfave/cli. It
// assembles the commands of the noun packages (instances, network, money,
// catalog) with its own (daemon, serve, config, completion, version), and
// maps errors to exit codes. It is a thin client of the daemon.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/ec2x/ec2x/cli/catalog"
	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/instances"
	"github.com/ec2x/ec2x/cli/money"
	"github.com/ec2x/ec2x/cli/network"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/api"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// Version is ec2x's version.
const Version = command.Version

// Exit codes of CLI.md.
const (
	ExitOK          = 0
	ExitService     = 1
	ExitUsage       = 2
	ExitUnreachable = 3
	ExitTimeout     = 4
)

// globalFlags are accepted before or after the command name.
func globalFlags(root bool) []cli.Flag {
	env := func(names ...string) []string {
		if root {
			return names
		}
		return nil
	}
	return []cli.Flag{
		&cli.StringFlag{Name: "home", Usage: "state directory (default ~/.ec2x)", EnvVars: env("EC2X_HOME")},
		&cli.StringFlag{Name: "region", Aliases: []string{"r"}, Usage: "region (default from config, else us-east-1)", EnvVars: env("EC2X_REGION")},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "output format: table, json or text", EnvVars: env("EC2X_OUTPUT")},
		&cli.StringFlag{Name: "query", Usage: "JMESPath expression applied to the JSON result"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only the IDs of the resources acted on"},
		&cli.BoolFlag{Name: "debug", Usage: "debug logs to stderr", EnvVars: env("EC2X_DEBUG")},
		&cli.BoolFlag{Name: "no-color", Usage: "plain output", EnvVars: env("NO_COLOR")},
	}
}

// commands lists every top-level command, in help order.
func commands() []*cli.Command {
	return []*cli.Command{
		instances.RunCommand, instances.LsCommand, instances.ShowCommand, instances.StartCommand, instances.StopCommand,
		instances.RebootCommand, instances.TerminateCommand, instances.StatusCommand, instances.CreditsCommand, instances.ModifyCommand, instances.WaitCommand, instances.SSHCommand,
		instances.LogsCommand, instances.MetadataCommand, instances.MetricsCommand, instances.TopCommand,
		instances.TagCommand, instances.UntagCommand, instances.TagsCommand, instances.VolumeCommand, instances.SnapshotCommand,
		network.EIPCommand, network.ENICommand, network.SGCommand, network.SubnetsCommand, network.VPCCommand, network.SubnetCommand, network.IGWCommand, network.RouteCommand, network.ACLCommand,
		money.SpotCommand, money.PriceCommand, money.ReservedCommand, money.BillCommand, money.CostCommand, money.PluginCommand,
		catalog.RegionsCommand, catalog.AZsCommand, catalog.TypesCommand, catalog.ImagesCommand, catalog.KeypairCommand,
		catalog.HostsCommand, catalog.TemplateCommand,
		daemonCommand, serveCommand, consoleCommand, configCommand, completionCommand, versionCommand,
	}
}

// NewApp builds the command-line app writing to stdout and stderr.
func NewApp(stdout, stderr io.Writer) *cli.App {
	app := bareApp(stdout, stderr)
	prepareAll(app)
	return app
}

// bareApp is the app with its commands as defined: prepare gives a command
// tree the global flags and usage handling before it runs.
func bareApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:                 "ec2x",
		Usage:                "Amazon EC2 on your own machine",
		Version:              Version,
		Writer:               stdout,
		ErrWriter:            stderr,
		Flags:                globalFlags(true),
		Commands:             commands(),
		EnableBashCompletion: true,
		HideHelpCommand:      true,
		Suggest:              true,
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			return command.FlagUsageError(err, c.App.Flags)
		},
		CommandNotFound: func(c *cli.Context, name string) {},
		ExitErrHandler:  func(*cli.Context, error) {},
	}
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Aliases: []string{"v"}, Usage: "print the version"}
	return app
}

func prepareAll(app *cli.App) {
	for i, c := range app.Commands {
		app.Commands[i] = prepare(c)
	}
}

// prepareFor prepares what args will run: the named command's tree only,
// none when there is no command (--version, --help list the commands by
// name), every one for help and completion. Preparing every tree was a
// tenth of a short call's work.
func prepareFor(app *cli.App, args []string) {
	i := commandAt(app, args)
	if i >= len(args) {
		if args[len(args)-1] == completionFlag {
			prepareAll(app) // completing the command's name
		}
		return
	}
	for j, c := range app.Commands {
		if c.HasName(args[i]) {
			app.Commands[j] = prepare(c)
			return
		}
	}
	prepareAll(app) // help, or a name to suggest against
}

// prepare returns a copy of a command tree with the global flags and
// usage-error handling added; the package-level definitions stay untouched,
// so apps can be built more than once in a process.
func prepare(orig *cli.Command) *cli.Command {
	cp := *orig
	c := &cp
	c.Flags = append([]cli.Flag(nil), orig.Flags...)
	c.Subcommands = append([]*cli.Command(nil), orig.Subcommands...)
	c.OnUsageError = func(_ *cli.Context, err error, _ bool) error { return command.FlagUsageError(err, c.Flags) }
	if len(c.Subcommands) > 0 {
		for i, s := range c.Subcommands {
			c.Subcommands[i] = prepare(s)
		}
		if c.Action == nil {
			c.Action = func(ctx *cli.Context) error {
				if ctx.NArg() > 0 {
					return command.UnknownCommand(c.Name+": ", ctx.Args().First(), "ec2x "+c.Name, c.Subcommands)
				}
				return command.Usagef("%s: missing command (see ec2x %s --help)", c.Name, c.Name)
			}
			return c
		}
		// A noun that is also a command (price, price history) takes the
		// global flags itself too.
	}
	c.Flags = append(c.Flags, globalFlags(false)...)
	return c
}

// Links are what a binary links beyond the client: the daemon (serve runs
// it in this process for ec2x serve and the daemon a CLI call starts) and
// the interactive screens of ssh and top. The ec2x client links neither
// and execs ec2xd, which links both, for those commands.
type Links struct {
	Serve   api.ServeFunc
	Screens instances.Screens
}

// Main runs ec2x with os.Args and returns the exit code.
func Main(l Links) int {
	// A CLI call lives for milliseconds: collecting garbage would cost more
	// than the memory it frees. The limit keeps a huge answer safe; serve
	// turns collection back on.
	debug.SetGCPercent(-1)
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(512 << 20)
	}
	return Run(os.Args, os.Stdout, os.Stderr, l)
}

// Run runs ec2x with args and returns the exit code.
func Run(args []string, stdout, stderr io.Writer, l Links) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	app := bareApp(stdout, stderr)
	prepareFor(app, args)
	app.Metadata = map[string]any{serveKey: l.Serve}
	if l.Screens != nil {
		app.Metadata[instances.ScreensKey] = l.Screens
	}
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") && !knownCommand(app, args[1]) {
		return Report(stderr, command.UnknownCommand("", args[1], "ec2x", app.Commands))
	}
	err := app.RunContext(ctx, interspersed(app, args))
	return Report(stderr, err)
}

func knownCommand(app *cli.App, name string) bool {
	for _, c := range app.Commands {
		if c.HasName(name) {
			return true
		}
	}
	return name == "help" || name == "h"
}

// Report prints err as CLI.md says and returns its exit code.
func Report(w io.Writer, err error) int {
	if err == nil {
		return ExitOK
	}
	var (
		ue   *command.UsageError
		te   *command.TimeoutError
		ce   *configs.Error
		se   *api.StartError
		le   *api.LostError
		exit cli.ExitCoder
	)
	var se1 *ec2.Error
	if errors.As(err, &se1) && se1.Code == api.CodeStampMismatch {
		// The daemon could not be replaced by one of this build.
		fmt.Fprintf(w, "ec2x: the daemon is of another build or config and could not be replaced: %s\n", se1.Message)
		return ExitUnreachable
	}
	if e, ok := api.IsServiceError(err); ok {
		// The message may quote what a user or a guest sent: escaped.
		fmt.Fprintf(w, "ec2x: %s: %s\n", render.Escape(e.Code), render.Escape(e.Message))
		if e.Code == ec2.CodeInsufficientFreeSpace {
			// The daemon cannot do its work until its disk has room: as
			// a daemon that cannot be reached, not a refused request.
			return ExitUnreachable
		}
		return ExitService
	}
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(w, "ec2x: %s\n", ue.Msg)
		return ExitUsage
	case errors.As(err, &ce):
		fmt.Fprintf(w, "ec2x: config: %v\n", ce)
		return ExitUsage
	case errors.As(err, &se) && se.Exit == ExitUsage:
		// The daemon refused the config for what only it knows (installed
		// plugins); its log, in the message, says where.
		fmt.Fprintf(w, "ec2x: %v\n", err)
		return ExitUsage
	case errors.As(err, &te):
		fmt.Fprintf(w, "ec2x: %s\n", te.Msg)
		return ExitTimeout
	case errors.As(err, &se), errors.As(err, &le), errors.Is(err, api.ErrUnreachable):
		fmt.Fprintf(w, "ec2x: %v\n", err)
		return ExitUnreachable
	case errors.As(err, &exit):
		if msg := err.Error(); msg != "" {
			fmt.Fprintf(w, "ec2x: %s\n", msg)
		}
		return exit.ExitCode()
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(w, "ec2x: interrupted")
		return 130
	}
	fmt.Fprintf(w, "ec2x: %v\n", err)
	return ExitService
}
