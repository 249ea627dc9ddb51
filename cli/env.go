package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/api"
	"github.com/mattn/go-isatty"
	cli "github.com/urfave/cli/v2"
)

// env is what every command needs: resolved global options, the config
// and a client of the daemon.
type env struct {
	c       *cli.Context
	home    string
	region  string
	output  string
	query   string
	quiet   bool
	debug   bool
	noColor bool
	cfg     *configs.Config
	tty     bool // stdout is a terminal
	errTTY  bool // stderr is a terminal
	client  *api.Client
}

// globalString resolves a global flag given before or after the command:
// the innermost explicit value wins, then the root's (flag, env var).
func globalString(c *cli.Context, name string) string {
	lin := c.Lineage()
	for _, x := range lin[:len(lin)-1] {
		if x.Command != nil && hasFlag(x.Command, name) && x.IsSet(name) {
			return x.String(name)
		}
	}
	return lin[len(lin)-1].String(name)
}

func globalBool(c *cli.Context, name string) bool {
	lin := c.Lineage()
	for _, x := range lin[:len(lin)-1] {
		if x.Command != nil && hasFlag(x.Command, name) && x.IsSet(name) {
			return x.Bool(name)
		}
	}
	return lin[len(lin)-1].Bool(name)
}

func hasFlag(cmd *cli.Command, name string) bool {
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}

// homeDir returns EC2X_HOME as flag, env or ~/.ec2x.
func homeDir(c *cli.Context) (string, error) {
	h := globalString(c, "home")
	if h == "" {
		u, err := os.UserHomeDir()
		if err != nil {
			return "", usagef("cannot find the home directory (%v); set EC2X_HOME", err)
		}
		h = filepath.Join(u, ".ec2x")
	}
	return filepath.Abs(h)
}

// newEnv resolves the globals and loads the config. A bad config or flag
// value is a usage error (exit 2) before anything is sent.
func newEnv(c *cli.Context) (*env, error) {
	e := &env{c: c}
	var err error
	if e.home, err = homeDir(c); err != nil {
		return nil, err
	}
	if e.cfg, err = configs.LoadClient(e.home); err != nil {
		return nil, err
	}
	e.region = globalString(c, "region")
	if e.region == "" {
		e.region = e.cfg.Region
	}
	if _, ok := e.cfg.Regions[e.region]; !ok {
		return nil, usagef("unknown region %q (regions: %v)", e.region, e.cfg.RegionNames())
	}
	e.output = globalString(c, "output")
	if e.output == "" {
		e.output = e.cfg.Output
	}
	e.query = globalString(c, "query")
	switch e.output {
	case "table", "json", "text":
	default:
		return nil, usagef("unknown output format %q: use table, json or text", e.output)
	}
	if e.query != "" && e.output == "table" {
		e.output = "json"
	}
	e.quiet = globalBool(c, "quiet")
	e.debug = globalBool(c, "debug")
	e.noColor = globalBool(c, "no-color")
	e.tty = isTerminal(c.App.Writer)
	e.errTTY = isTerminal(c.App.ErrWriter)
	return e, nil
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

// stamp identifies this build and config: a daemon with another stamp is
// replaced. A stat of the binary and of config.toml is cheap, unlike hashing.
func stamp(home string) string {
	s := Version
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			s += fmt.Sprintf("/%s/%d/%d", exe, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	if fi, err := os.Stat(configs.Path(home)); err == nil {
		s += fmt.Sprintf("/config/%d/%d", fi.Size(), fi.ModTime().UnixNano())
	}
	return s
}

// starter describes how to start this home's daemon.
func (e *env) starter() *api.Starter {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	return &api.Starter{
		Home: e.home, Stamp: stamp(e.home),
		Command: []string{exe, "serve", "--background"},
		Env:     []string{"EC2X_DEBUG=" + strconv.FormatBool(e.debug)},
		Timeout: 30 * time.Second,
		Check:   func() error { _, err := configs.Load(e.home); return err },
	}
}

// call runs one action against the daemon, starting it if needed.
func (e *env) call(action string, in, out any) error {
	return e.callRegion(e.region, action, in, out)
}

func (e *env) callRegion(region, action string, in, out any) error {
	if e.client == nil {
		e.client = e.starter().Client()
	}
	return e.client.Call(e.ctx(), region, action, in, out)
}

func (e *env) ctx() context.Context { return e.c.Context }

// setup is newEnv followed by args: what most commands start with.
func setup(c *cli.Context, min, max int, what string) (*env, []string, error) {
	e, err := newEnv(c)
	if err != nil {
		return nil, nil, err
	}
	a, err := e.args(min, max, what)
	if err != nil {
		return nil, nil, err
	}
	return e, a, nil
}

// args returns the positional arguments, checking their count.
func (e *env) args(min, max int, what string) ([]string, error) {
	a := e.c.Args().Slice()
	name := commandPath(e.c)
	if len(a) < min {
		return nil, usagef("%s: missing %s (see ec2x %s --help)", name, what, name)
	}
	if max >= 0 && len(a) > max {
		return nil, usagef("%s: unexpected argument %q", name, a[max])
	}
	return a, nil
}

// commandPath names the running command as typed, with its parents:
// "eip associate", not "associate" (urfave/cli's FullName knows the
// parents only when it built the command's help).
func commandPath(c *cli.Context) string {
	var names []string
	for _, x := range c.Lineage() {
		// The app's own root command carries the app's name.
		if x.Command != nil && x.Command.Name != "" && x.Command.Name != c.App.Name {
			names = append([]string{x.Command.Name}, names...)
		}
	}
	return strings.Join(names, " ")
}
