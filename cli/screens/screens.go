// Package screens is the CLI's interactive ends: ssh's session (an SSH
// client) and top's full-screen view (a terminal UI). Only ec2xd links
// it; the ec2x client execs ec2xd for these two commands, so that its own
// start-up links neither library.
package screens

import "github.com/ec2x/ec2x/cli/instances"

// Linked implements the CLI's Screens.
type Linked struct{}

var _ instances.Screens = Linked{}
