// Package command is what every ec2x command shares: the call environment
// (resolved global options, the config, a client of the daemon), output in
// every format, argument helpers and the errors the app maps to exit codes.
package command

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/api"
	"github.com/mattn/go-isatty"
	cli "github.com/urfave/cli/v2"
)

// Version is ec2x's version.
const Version = "0.1.0"

// Env is what every command needs: resolved global options, the config
// and a client of the daemon.
type Env struct {
	c       *cli.Context
	Home    string          // EC2X_HOME
	Region  string          // the region the command acts in
	Output  string          // table, json or text
	Query   string          // the --query JMESPath expression
	Quiet   bool            // -q: print only IDs
	debug   bool            // --debug
	noColor bool            // --no-color
	Config  *configs.Config // as configs.LoadClient reads it
	TTY     bool            // stdout is a terminal
	ErrTTY  bool            // stderr is a terminal
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

// GlobalBool resolves a global bool flag as globalString does a string.
func GlobalBool(c *cli.Context, name string) bool {
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

// HomeDir returns EC2X_HOME as flag, env or ~/.ec2x.
func HomeDir(c *cli.Context) (string, error) {
	h := globalString(c, "home")
	if h == "" {
		u, err := os.UserHomeDir()
		if err != nil {
			return "", Usagef("cannot find the home directory (%v); set EC2X_HOME", err)
		}
		h = filepath.Join(u, ".ec2x")
	}
	return filepath.Abs(h)
}

// NewEnv resolves the globals and loads the config. A bad config or flag
// value is a usage error (exit 2) before anything is sent.
func NewEnv(c *cli.Context) (*Env, error) {
	e := &Env{c: c}
	var err error
	if e.Home, err = HomeDir(c); err != nil {
		return nil, err
	}
	if e.Config, err = configs.LoadClient(e.Home); err != nil {
		return nil, err
	}
	e.Region = globalString(c, "region")
	if e.Region == "" {
		e.Region = e.Config.Region
	}
	if _, ok := e.Config.Regions[e.Region]; !ok {
		return nil, Usagef("unknown region %q (regions: %v)", e.Region, e.Config.RegionNames())
	}
	e.Output = globalString(c, "output")
	if e.Output == "" {
		e.Output = e.Config.Output
	}
	e.Query = globalString(c, "query")
	switch e.Output {
	case "table", "json", "text":
	default:
		return nil, Usagef("unknown output format %q: use table, json or text", e.Output)
	}
	if e.Query != "" && e.Output == "table" {
		e.Output = "json"
	}
	e.Quiet = GlobalBool(c, "quiet")
	e.debug = GlobalBool(c, "debug")
	e.noColor = GlobalBool(c, "no-color")
	e.TTY = isTerminal(c.App.Writer)
	e.ErrTTY = isTerminal(c.App.ErrWriter)
	return e, nil
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

// DaemonName is the daemon binary's file name, next to the ec2x client.
const DaemonName = "ec2xd"

// DaemonExe is the binary that runs the daemon: ec2xd next to this
// executable when there is one (the client links none of the daemon, so
// that its start-up stays cheap), else this executable itself (a build
// that links the daemon, as ec2xd and the tests' binary do). separate says
// which; both the client and the daemon resolve the same file, so their
// stamps agree.
func DaemonExe() (path string, separate bool) {
	exe, err := os.Executable()
	if err != nil {
		return os.Args[0], false
	}
	d := filepath.Join(filepath.Dir(exe), DaemonName)
	if fi, err := os.Stat(d); err == nil && fi.Mode().IsRegular() {
		return d, d != exe
	}
	return exe, false
}

// ExecFull replaces this process by ec2xd with the same arguments, for
// what this binary does not link (the daemon, ssh's and top's screens):
// ec2xd answers every command, and the exec keeps the pid, the terminal
// and the signals, so the caller sees one program.
func ExecFull(what string) error {
	exe, separate := DaemonExe()
	if !separate {
		return Usagef("%s: this ec2x does not link it and %s is not next to it (build both: go build -o bin/ . ./cmd/ec2xd)", what, DaemonName)
	}
	return syscall.Exec(exe, append([]string{exe}, os.Args[1:]...), os.Environ())
}

// Stamp identifies the daemon's build and the config: a daemon with
// another stamp is replaced. A stat of the binary and of config.toml is
// cheap, unlike hashing.
func Stamp(home string) string {
	s := Version
	exe, _ := DaemonExe()
	if fi, err := os.Stat(exe); err == nil {
		s += fmt.Sprintf("/%s/%d/%d", exe, fi.Size(), fi.ModTime().UnixNano())
	}
	if fi, err := os.Stat(configs.Path(home)); err == nil {
		s += fmt.Sprintf("/config/%d/%d", fi.Size(), fi.ModTime().UnixNano())
	}
	return s
}

// Starter describes how to start this home's daemon.
func (e *Env) Starter() *api.Starter {
	exe, _ := DaemonExe()
	return &api.Starter{
		Home: e.Home, Stamp: Stamp(e.Home),
		Command: []string{exe, "serve", "--background"},
		Env:     []string{"EC2X_DEBUG=" + strconv.FormatBool(e.debug)},
		Timeout: 30 * time.Second,
		Check:   func() error { _, err := configs.Load(e.Home); return err },
	}
}

// Call runs one action against the daemon, starting it if needed.
func (e *Env) Call(action string, in, out any) error {
	return e.callRegion(e.Region, action, in, out)
}

func (e *Env) callRegion(region, action string, in, out any) error {
	return e.connect().Call(e.Context(), region, action, in, out)
}

// Stream runs a streaming action against the daemon, handing fn each frame.
func (e *Env) Stream(action string, in any, fn func(json.RawMessage) error) error {
	return e.connect().Stream(e.Context(), e.Region, action, in, fn)
}

// connect returns the client of the daemon, made on first use.
func (e *Env) connect() *api.Client {
	if e.client == nil {
		e.client = e.Starter().Client()
	}
	return e.client
}

// Context is the command's context: cancelled on an interrupt.
func (e *Env) Context() context.Context { return e.c.Context }

// Stdout is where the command prints its result.
func (e *Env) Stdout() io.Writer { return e.c.App.Writer }

// Stderr is where the command prints progress.
func (e *Env) Stderr() io.Writer { return e.c.App.ErrWriter }

// Setup is NewEnv followed by a check of the positional arguments' count
// (max < 0: no limit): what most commands start with.
func Setup(c *cli.Context, min, max int, what string) (*Env, []string, error) {
	e, err := NewEnv(c)
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
func (e *Env) args(min, max int, what string) ([]string, error) {
	a := e.c.Args().Slice()
	name := commandPath(e.c)
	if len(a) < min {
		return nil, Usagef("%s: missing %s (see ec2x %s --help)", name, what, name)
	}
	if max >= 0 && len(a) > max {
		return nil, Usagef("%s: unexpected argument %q", name, a[max])
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
