// Command ec2x is Amazon EC2 on your own machine.
package main

import (
	"os"

	"github.com/ec2x/ec2x/cli"
	"github.com/ec2x/ec2x/core/daemon"
)

func main() { os.Exit(cli.Main(daemon.Serve)) }
