package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// maxPluginBytes bounds a module sent to the daemon.
const maxPluginBytes = 32 << 20

var pluginCommand = &cli.Command{
	Name:  "plugin",
	Usage: "pricing modules: WebAssembly that prices spot and reserved capacity",
	Subcommands: []*cli.Command{
		{
			Name:      "install",
			Usage:     "validate a module (ABI, exports, a dry run) and install it",
			ArgsUsage: "FILE.wasm",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "name", Usage: "the plugin's name (default: the file's name)"},
				&cli.BoolFlag{Name: "replace", Usage: "replace an installed plugin of the same name"},
			},
			Action: func(c *cli.Context) error {
				e, args, err := setup(c, 1, 1, "module file")
				if err != nil {
					return err
				}
				path := args[0]
				st, err := os.Stat(path)
				if err != nil {
					return usagef("plugin install: %v", err)
				}
				if st.Size() > maxPluginBytes {
					return serviceErr(ec2.CodeInvalidPlugin, "%s is %d bytes; a module may be %d at most", path, st.Size(), maxPluginBytes)
				}
				wasm, err := os.ReadFile(path)
				if err != nil {
					return usagef("plugin install: %v", err)
				}
				// No --name: the daemon names it after the file.
				name := c.String("name")
				abs, _ := filepath.Abs(path)
				var out ec2.InstallPluginOutput
				if err := e.call("InstallPlugin", &ec2.InstallPluginInput{Name: name, Wasm: wasm, Source: abs, Replace: c.Bool("replace")}, &out); err != nil {
					return err
				}
				p := out.Plugin
				return e.print(view{data: &out, ids: []string{p.Name}, header: []string{"NAME", "KIND", "SHA256", "ABI"},
					rows: [][]string{{p.Name, p.Kind, p.Sha256[:12], itoa(int(p.AbiVersion))}}})
			},
		},
		{
			Name:    "ls",
			Aliases: []string{"list"},
			Usage:   "list built-in and installed modules and where the config uses them",
			Action: func(c *cli.Context) error {
				e, _, err := setup(c, 0, 0, "")
				if err != nil {
					return err
				}
				var out ec2.DescribePluginsOutput
				if err := e.call("DescribePlugins", &ec2.Empty{}, &out); err != nil {
					return err
				}
				v := view{data: &out, header: []string{"NAME", "KIND", "SOURCE", "SHA256", "ABI", "USED FOR"}}
				for _, p := range out.Plugins {
					src := "installed"
					if p.Builtin {
						src = "built-in"
					}
					v.ids = append(v.ids, p.Name)
					v.rows = append(v.rows, []string{p.Name, p.Kind, src, p.Sha256[:min(12, len(p.Sha256))], itoa(int(p.AbiVersion)),
						render.Dash(strings.Join(p.UsedBy, ", "))})
				}
				return e.print(v)
			},
		},
		{
			Name:      "rm",
			Aliases:   []string{"remove"},
			Usage:     "uninstall a module the config does not use",
			ArgsUsage: "NAME",
			Action: func(c *cli.Context) error {
				e, args, err := setup(c, 1, 1, "plugin name")
				if err != nil {
					return err
				}
				var out ec2.Empty
				if err := e.call("RemovePlugin", &ec2.PluginNameInput{Name: args[0]}, &out); err != nil {
					return err
				}
				return e.print(doneView(&out, args[0], "removed"))
			},
		},
		{
			Name:      "test",
			Usage:     "run the conformance suite against a module",
			ArgsUsage: "NAME",
			Action: func(c *cli.Context) error {
				e, args, err := setup(c, 1, 1, "plugin name")
				if err != nil {
					return err
				}
				var out ec2.TestPluginOutput
				if err := e.call("TestPlugin", &ec2.PluginNameInput{Name: args[0]}, &out); err != nil {
					return err
				}
				v := view{data: &out, ids: []string{out.Name}, plain: func(w io.Writer, _ bool) { fmt.Fprint(w, out.Report) }}
				if err := e.print(v); err != nil {
					return err
				}
				if !out.OK {
					return serviceErr(ec2.CodePluginFailed, "%s failed the conformance suite", out.Name)
				}
				return nil
			},
		},
	},
}
