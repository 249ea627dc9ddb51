package command

import cli "github.com/urfave/cli/v2"

// WriteText is writeText, for the external tests.
var WriteText = writeText

// EnvOf is an Env printing through c with the given output options, for
// the external tests.
func EnvOf(c *cli.Context, output, query string, quiet bool) *Env {
	return &Env{c: c, Output: output, Query: query, Quiet: quiet}
}

// ColorPolicy is colorPolicy, for the external tests.
var ColorPolicy = colorPolicy
