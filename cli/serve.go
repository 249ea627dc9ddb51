package cli

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/api"
	"github.com/rs/zerolog"
	cli "github.com/urfave/cli/v2"
)

// serveKey is where the app keeps the daemon's ServeFunc (App.Metadata).
const serveKey = "serve"

// daemonMemoryLimit is the daemon's soft memory limit unless GOMEMLIMIT is set.
const daemonMemoryLimit = 256 << 20

var serveCommand = &cli.Command{
	Name:  "serve",
	Usage: "run the daemon in the foreground",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "background", Hidden: true, Usage: "started by a CLI call: log to the file only"},
		&cli.BoolFlag{Name: "new-credentials", Usage: "make a random access key for the EC2 API, save it in config.toml (0600) in place of the public example key, and print it once"},
		&cli.StringFlag{Name: "listen", Usage: "also serve the EC2 API (Query protocol, SigV4) on this TCP `ADDR`, e.g. 127.0.0.1:8787 (default: [api] listen)"},
	},
	Action: func(c *cli.Context) error {
		// The daemon lives long: collect garbage as usual (Main turns it off
		// for short CLI calls).
		// GOGC 50: the daemon's heap is mostly long-lived records, so a
		// tighter target costs little CPU and keeps RSS near the live set.
		debug.SetGCPercent(50)
		debug.SetMemoryLimit(math.MaxInt64)
		if os.Getenv("GOMEMLIMIT") == "" {
			// A soft ceiling: past it the collector works harder instead
			// of letting Badger's table-building bursts grow the heap.
			debug.SetMemoryLimit(daemonMemoryLimit)
		}
		serve, _ := c.App.Metadata[serveKey].(api.ServeFunc)
		if serve == nil {
			return execDaemon()
		}
		home, err := command.HomeDir(c)
		if err != nil {
			return err
		}
		if c.Bool("new-credentials") {
			cr := configs.NewCredential()
			if err := configs.AddCredential(home, cr, time.Now()); err != nil {
				return err
			}
			// Printed once, like aws iam create-access-key; never logged.
			fmt.Fprintf(c.App.Writer, "A new key for the EC2 API, saved in %s:\nexport AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s\n",
				configs.Path(home), cr.AccessKeyID, cr.SecretAccessKey)
		}
		cfg, err := configs.Load(home)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(home, api.LogsDir), 0o700); err != nil {
			return err
		}
		logf, err := os.OpenFile(api.Paths{Home: home}.Log(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return err
		}
		defer logf.Close()
		background := c.Bool("background")
		var w io.Writer = &logFile{f: logf, stderr: c.App.ErrWriter, echo: background}
		if !background {
			w = zerolog.MultiLevelWriter(w, zerolog.ConsoleWriter{Out: c.App.ErrWriter, NoColor: command.GlobalBool(c, "no-color")})
		}
		level := zerolog.InfoLevel
		if command.GlobalBool(c, "debug") {
			level = zerolog.DebugLevel
		}
		log := zerolog.New(w).Level(level).With().Timestamp().Logger()
		err = serve(c.Context, api.ServeOptions{Home: home, Stamp: command.Stamp(home), Version: Version, Config: cfg, Logger: log, Listen: c.String("listen")})
		if err != nil {
			log.Error().Err(err).Msg("daemon failed")
		}
		return err
	},
}

// logFile is the daemon's log file. A write it refuses (a full disk, an
// I/O error) is said on stderr once until writes work again, and the
// lines it lost go there too unless stderr already has them (foreground).
type logFile struct {
	f       *os.File
	stderr  io.Writer
	echo    bool
	mu      sync.Mutex
	failing bool
}

func (l *logFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.f.Write(p); err != nil {
		if !l.failing {
			fmt.Fprintf(l.stderr, "ec2x: the daemon cannot write its log %s (%v); its lines come here until it can\n", l.f.Name(), err)
			l.failing = true
		}
		if l.echo {
			_, _ = l.stderr.Write(p)
		}
		// Said: zerolog need not print its own message for each line.
		return len(p), nil
	}
	if l.failing {
		fmt.Fprintf(l.stderr, "ec2x: the daemon writes its log %s again\n", l.f.Name())
		l.failing = false
	}
	return len(p), nil
}

// execDaemon replaces this client process by the daemon binary with the
// same arguments: `ec2x serve` keeps its pid, terminal and signals, and the
// client never links the daemon.
func execDaemon() error {
	exe, separate := command.DaemonExe()
	if !separate {
		return command.Usagef("serve: this ec2x links no daemon and %s is not next to it (build both: go build -o bin/ . ./cmd/ec2xd)", command.DaemonName)
	}
	return syscall.Exec(exe, append([]string{exe}, os.Args[1:]...), os.Environ())
}
