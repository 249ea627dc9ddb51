package cli

import (
	"fmt"
	"os/exec"
	"runtime"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// consoleCommand is `ec2x console`: a one-time login link to the web
// console, printed (and opened with --open).
var consoleCommand = &cli.Command{
	Name:      "console",
	Usage:     "print a one-time login link to the web console ([console] listen must be set)",
	ArgsUsage: "[PAGE]",
	Description: "The link logs one browser in once, within 5 minutes; run the command again for another.\n" +
		"PAGE is where it lands: instances (default), launch, addresses, interfaces, security-groups, costs, or an instance ID.",
	Flags: []cli.Flag{&cli.BoolFlag{Name: "open", Usage: "open the link in the desktop's browser (xdg-open, or open on macOS)"}},
	Action: func(c *cli.Context) error {
		e, args, err := command.Setup(c, 0, 1, "page")
		if err != nil {
			return err
		}
		if e.Config.Console.Listen == "" {
			return ec2.Errorf(ec2.CodeUnsupported, "the console is off: set [console] listen = \"127.0.0.1:8788\" in %s", configs.Path(e.Home))
		}
		in := &ec2.CreateConsoleLoginInput{}
		if len(args) == 1 {
			in.Path = consolePage(args[0])
		}
		var out ec2.CreateConsoleLoginOutput
		if err := e.Call(ec2.ActionCreateConsoleLogin, in, &out); err != nil {
			return err
		}
		if err := e.Print(command.View{Data: &out, IDs: []string{out.Url}, Header: []string{"URL", "EXPIRES"},
			Rows: [][]string{{out.Url, out.ExpiresAt.Local().Format(time.TimeOnly)}}}); err != nil {
			return err
		}
		if c.Bool("open") {
			return openBrowser(out.Url)
		}
		return nil
	},
}

// consolePage is the path of a page named on the command line.
func consolePage(name string) string {
	if len(name) > 2 && name[:2] == "i-" {
		return "/instances/" + name
	}
	return "/" + name
}

// openBrowser hands url to the desktop's opener.
func openBrowser(url string) error {
	opener := "xdg-open"
	if runtime.GOOS == "darwin" {
		opener = "open"
	}
	path, err := exec.LookPath(opener)
	if err != nil {
		return fmt.Errorf("cannot open a browser (%v): open the link printed above yourself", err)
	}
	cmd := exec.Command(path, url)
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}
