// Command ec2xd is the ec2x daemon: the ec2x client starts it (or execs it
// for `ec2x serve`) from the same directory. It also answers every CLI
// command, as a build of ec2x that links the daemon.
package main

import (
	"os"

	"github.com/ec2x/ec2x/cli"
	"github.com/ec2x/ec2x/cli/screens"
	"github.com/ec2x/ec2x/core/daemon"
)

func main() { os.Exit(cli.Main(cli.Links{Serve: daemon.Serve, Screens: screens.Linked{}})) }
