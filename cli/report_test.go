package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/api"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// TestReport: every kind of failure gets CLI.md's exit code and message.
func TestReport(t *testing.T) {
	notFound := ec2.Errorf(ec2.CodeInvalidInstanceIDNotFound, "The instance ID 'i-0123456789abcdef0' does not exist")
	tests := []struct {
		name   string
		err    error
		code   int
		stderr string
	}{
		{"success", nil, ExitOK, ""},
		{"service error", notFound, ExitService,
			"ec2x: InvalidInstanceID.NotFound: The instance ID 'i-0123456789abcdef0' does not exist\n"},
		{"wrapped service error", fmt.Errorf("stop: %w", notFound), ExitService,
			"ec2x: InvalidInstanceID.NotFound: The instance ID 'i-0123456789abcdef0' does not exist\n"},
		{"capacity", ec2.Errorf(ec2.CodeInsufficientInstanceCapacity, "We currently do not have sufficient t3.micro capacity"), ExitService,
			"ec2x: InsufficientInstanceCapacity: We currently do not have sufficient t3.micro capacity\n"},
		{"disk full", ec2.Errorf(ec2.CodeInsufficientFreeSpace, "The change was not made: the disk holding /h/data has 1.00 MiB free."), ExitUnreachable,
			"ec2x: InsufficientFreeSpace: The change was not made: the disk holding /h/data has 1.00 MiB free.\n"},
		{"usage error", command.Usagef("run: --count must be at least 1"), ExitUsage, "ec2x: run: --count must be at least 1\n"},
		{"config error", &configs.Error{File: "/h/config.toml", Line: 2, Key: "sim.seed", Msg: "incompatible types"}, ExitUsage,
			"ec2x: config: /h/config.toml:2: key sim.seed: incompatible types\n"},
		{"daemon could not start", &api.StartError{Reason: "the daemon exited at start", Log: "boom"}, ExitUnreachable,
			"ec2x: could not start the ec2x daemon: the daemon exited at start\nboom\n"},
		{"daemon unreachable", fmt.Errorf("%w: dial unix /h/ec2x.sock: connect: refused", api.ErrUnreachable), ExitUnreachable,
			"ec2x: daemon unreachable: dial unix /h/ec2x.sock: connect: refused\n"},
		{"connection lost mid-request", &api.LostError{Err: io.ErrUnexpectedEOF}, ExitUnreachable,
			"ec2x: lost the connection to the daemon mid-request; the request may have been applied: unexpected EOF\n"},
		{"wait timed out", &command.TimeoutError{Msg: "timed out after 1s waiting for i-1 to be running"}, ExitTimeout,
			"ec2x: timed out after 1s waiting for i-1 to be running\n"},
		{"exit error keeps its code", cli.Exit("boom", 5), 5, "ec2x: boom\n"},
		{"silent exit error", cli.Exit("", ExitUsage), ExitUsage, ""},
		{"interrupted", context.Canceled, 130, "ec2x: interrupted\n"},
		{"anything else", errors.New("disk full"), ExitService, "ec2x: disk full\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if code := Report(&b, tt.err); code != tt.code {
				t.Errorf("exit code %d, want %d", code, tt.code)
			}
			if b.String() != tt.stderr {
				t.Errorf("stderr %q, want %q", b.String(), tt.stderr)
			}
		})
	}
}

// TestExitCodes runs real command lines that end in each exit code.
func TestExitCodes(t *testing.T) {
	home := sharedHome
	id := strings.TrimSpace(ok(t, home, "run", "--tag", "suite=exit", "-q"))

	// A home whose daemon cannot start: its data directory is a file.
	broken := newHome(t, fastSim)
	if err := os.WriteFile(filepath.Join(broken, api.DataDir), []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	badConfig := newHome(t, "[sim]\nboot_secs = 1\n")

	tests := []struct {
		name   string
		home   string
		args   []string
		code   int
		stderr string // a regexp the whole stderr must match
	}{
		{"success", home, []string{"regions", "-q"}, ExitOK, `^$`},
		{"service error", home, []string{"show", "i-0123456789abcdef0"}, ExitService,
			`^ec2x: InvalidInstanceID\.NotFound: The instance ID 'i-0123456789abcdef0' does not exist\n$`},
		{"malformed ID", home, []string{"stop", "i-nope"}, ExitService, `^ec2x: InvalidInstanceID\.Malformed: `},
		{"no such name", home, []string{"stop", "nope"}, ExitService, `^ec2x: InvalidInstanceID\.NotFound: `},
		{"wrong state", home, []string{"modify", id, "--type", "t3.small"}, ExitService, `^ec2x: IncorrectInstanceState: `},
		{"unknown flag", home, []string{"run", "--bogus"}, ExitUsage, `flag provided but not defined: -bogus`},
		{"unknown command", "", []string{"frobnicate"}, ExitUsage, `^ec2x: unknown command "frobnicate" \(see ec2x --help\)\n$`},
		{"missing argument", home, []string{"show"}, ExitUsage, `^ec2x: show: missing instance ID`},
		{"malformed filter", home, []string{"ls", "--filter", "nonsense"}, ExitUsage, `want NAME=VALUE`},
		{"malformed tag", home, []string{"run", "--tag", "novalue"}, ExitUsage, `^ec2x: tag "novalue": want KEY=VALUE\n$`},
		{"unknown output format", home, []string{"-o", "yaml", "regions"}, ExitUsage, `unknown output format "yaml"`},
		{"unknown region", home, []string{"--region", "mars-1", "regions"}, ExitUsage, `unknown region "mars-1"`},
		{"bad config names file, line and key", badConfig, []string{"regions"}, ExitUsage,
			`^ec2x: config: .*config\.toml:2: key sim\.boot_secs: unknown key\n$`},
		{"daemon cannot start", broken, []string{"regions"}, ExitUnreachable, `^ec2x: could not start the ec2x daemon: `},
		{"wait times out", home, []string{"wait", "stopped", id, "--timeout", "300ms"}, ExitTimeout,
			`^ec2x: timed out after 300ms waiting for ` + id + ` to be stopped\n$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ec2x(t, tt.home, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tt.code, r.stderr)
			}
			if !regexp.MustCompile(tt.stderr).MatchString(r.stderr) {
				t.Errorf("stderr %q does not match %s", r.stderr, tt.stderr)
			}
			if tt.code != ExitOK && r.stdout != "" {
				t.Errorf("a failing call printed %q on stdout", r.stdout)
			}
		})
	}
	t.Run("usage errors reach no daemon", func(t *testing.T) {
		fresh := newHome(t, fastSim)
		if r := ec2x(t, fresh, "run", "--bogus"); r.code != ExitUsage {
			t.Fatalf("exit %d", r.code)
		}
		if _, err := os.Stat(api.Paths{Home: fresh}.Socket()); err == nil {
			t.Error("a usage error started a daemon")
		}
	})
}
