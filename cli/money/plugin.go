package money

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// maxPluginBytes bounds a module sent to the daemon.
const maxPluginBytes = 32 << 20

// PluginCommand is `ec2x plugin`: WebAssembly pricing modules.
var PluginCommand = &cli.Command{
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
				e, args, err := command.Setup(c, 1, 1, "module file")
				if err != nil {
					return err
				}
				path := args[0]
				st, err := os.Stat(path)
				if err != nil {
					return command.Usagef("plugin install: %v", err)
				}
				if st.Size() > maxPluginBytes {
					return ec2.Errorf(ec2.CodeInvalidPlugin, "%s is %d bytes; a module may be %d at most", path, st.Size(), maxPluginBytes)
				}
				wasm, err := os.ReadFile(path)
				if err != nil {
					return command.Usagef("plugin install: %v", err)
				}
				// No --name: the daemon names it after the file.
				name := c.String("name")
				abs, _ := filepath.Abs(path)
				var out ec2.InstallPluginOutput
				if err := e.Call("InstallPlugin", &ec2.InstallPluginInput{Name: name, Wasm: wasm, Source: abs, Replace: c.Bool("replace")}, &out); err != nil {
					return err
				}
				p := out.Plugin
				return e.Print(command.View{Data: &out, IDs: []string{p.Name}, Header: []string{"NAME", "KIND", "SHA256", "ABI"},
					Rows: [][]string{{p.Name, p.Kind, p.Sha256[:12], strconv.Itoa(int(p.AbiVersion))}}})
			},
		},
		{
			Name:    "ls",
			Aliases: []string{"list"},
			Usage:   "list built-in and installed modules and where the config uses them",
			Action: func(c *cli.Context) error {
				e, _, err := command.Setup(c, 0, 0, "")
				if err != nil {
					return err
				}
				var out ec2.DescribePluginsOutput
				if err := e.Call("DescribePlugins", &ec2.Empty{}, &out); err != nil {
					return err
				}
				v := command.View{Data: &out, Header: []string{"NAME", "KIND", "SOURCE", "SHA256", "ABI", "USED FOR"}}
				for _, p := range out.Plugins {
					src := "installed"
					if p.Builtin {
						src = "built-in"
					}
					v.IDs = append(v.IDs, p.Name)
					v.Rows = append(v.Rows, []string{p.Name, p.Kind, src, p.Sha256[:min(12, len(p.Sha256))], strconv.Itoa(int(p.AbiVersion)),
						render.Dash(strings.Join(p.UsedBy, ", "))})
				}
				return e.Print(v)
			},
		},
		{
			Name:      "rm",
			Aliases:   []string{"remove"},
			Usage:     "uninstall a module the config does not use",
			ArgsUsage: "NAME",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "plugin name")
				if err != nil {
					return err
				}
				var out ec2.Empty
				if err := e.Call("RemovePlugin", &ec2.PluginNameInput{Name: args[0]}, &out); err != nil {
					return err
				}
				return e.Print(command.DoneView(&out, args[0], "removed"))
			},
		},
		{
			Name:      "test",
			Usage:     "run the conformance suite against a module",
			ArgsUsage: "NAME",
			Action: func(c *cli.Context) error {
				e, args, err := command.Setup(c, 1, 1, "plugin name")
				if err != nil {
					return err
				}
				var out ec2.TestPluginOutput
				if err := e.Call("TestPlugin", &ec2.PluginNameInput{Name: args[0]}, &out); err != nil {
					return err
				}
				v := command.View{Data: &out, IDs: []string{out.Name}, Plain: func(w io.Writer, _ bool) { fmt.Fprint(w, out.Report) }}
				if err := e.Print(v); err != nil {
					return err
				}
				if !out.OK {
					return ec2.Errorf(ec2.CodePluginFailed, "%s failed the conformance suite", out.Name)
				}
				return nil
			},
		},
	},
}
