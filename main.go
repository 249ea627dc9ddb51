// Command ec2x is Amazon EC2 on your own machine: the CLI. It links none of
// the daemon (Badger, wazero, the drivers), so that each call starts fast;
// it starts the daemon binary, ec2xd, from its own directory.
package main

import (
	"os"

	"github.com/ec2x/ec2x/cli"
)

func main() { os.Exit(cli.Main(cli.Links{})) }
