package api

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core"
	"github.com/ec2x/ec2x/core/imds"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/internal/clock"
	"github.com/rs/zerolog"
)

// Files of an EC2X_HOME.
const (
	SocketName    = "ec2x.sock"
	PidName       = "daemon.pid"
	daemonLock    = "daemon.lock"
	startLockName = "start.lock"
	DataDir       = "data"
	LogsDir       = "logs"
	LogName       = "daemon.log"
)

// Paths of one EC2X_HOME.
type Paths struct{ Home string }

// Socket is the daemon's unix socket.
func (p Paths) Socket() string { return filepath.Join(p.Home, SocketName) }

// Pid is the file holding the daemon's process ID.
func (p Paths) Pid() string { return filepath.Join(p.Home, PidName) }

// Log is the daemon's log file.
func (p Paths) Log() string { return filepath.Join(p.Home, LogsDir, LogName) }

// ErrDaemonRunning says another daemon already serves this home.
var ErrDaemonRunning = errors.New("a daemon is already running for this EC2X_HOME")

// DaemonOptions configure RunDaemon.
type DaemonOptions struct {
	Home    string
	Stamp   string
	Version string
	Config  *configs.Config
	Logger  zerolog.Logger
	Clock   clock.Clock
	// Ready is called once the socket accepts connections.
	Ready func()
	// Listen is the EC2-compatible endpoint's TCP address (serve --listen);
	// empty: [api] listen, and none when that is empty too.
	Listen string
	// EC2Ready, when set, is told the endpoint's address once it listens.
	EC2Ready func(addr string)
}

// RunDaemon serves the API until ctx ends, a signal arrives or a client asks
// it to stop. It owns the store: nothing else opens it.
func RunDaemon(ctx context.Context, o DaemonOptions) error {
	p := Paths{o.Home}
	for _, d := range []string{o.Home, filepath.Join(o.Home, DataDir), filepath.Join(o.Home, LogsDir)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
	}
	lock, err := lockFile(filepath.Join(o.Home, daemonLock), false)
	if err != nil {
		return ErrDaemonRunning
	}
	defer lock.unlock()

	log := o.Logger
	st, err := store.Open(ctx, filepath.Join(o.Home, DataDir), store.Options{Logger: log})
	if err != nil {
		return err
	}
	defer st.Close(context.Background())

	host, mgr, err := startPricing(ctx, o.Home, o.Config, log)
	if err != nil {
		return err
	}
	defer func() {
		// A module still compiling would hold the exit up: give calls in
		// flight a moment, then let the process end take the rest.
		done := make(chan struct{})
		go func() { _ = host.Close(context.Background()); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Second):
			log.Warn().Msg("pricing host still busy at exit")
		}
	}()

	var fatalOnce sync.Once
	cloud, err := core.Open(ctx, core.Options{
		Config: o.Config, Store: st, Clock: o.Clock, Logger: log,
		DriverDir: filepath.Join(o.Home, "guests"),
		Pricer:    core.NewModulePricer(host, o.Config), Plugins: mgr, PricingHost: host,
		Fatal: func(err error) {
			fatalOnce.Do(func() {
				// Memory and disk disagree: die, and let the next call
				// start a daemon that loads the truth from the store.
				log.Error().Err(err).Msg("fatal: exiting so that a restart reloads the store")
				os.Exit(70)
			})
		},
	})
	if err != nil {
		return err
	}
	defer cloud.Close(context.Background())
	metadata := imds.New(cloud, log)
	cloud.SetMetadataEndpoints(metadata)
	defer metadata.Close()
	fctx, stopForwarding := context.WithCancel(ctx)
	defer stopForwarding()
	go runForwarder(fctx, cloud, log, time.Second)

	listen := o.Listen
	if listen == "" {
		listen = o.Config.API.Listen
	}
	if listen != "" {
		stopEC2, err := serveEC2(ctx, listen, cloud, o.Config, log, o.EC2Ready)
		if err != nil {
			return err
		}
		defer stopEC2()
	}

	l, err := listenUnix(p.Socket())
	if err != nil {
		return fmt.Errorf("listen on %s: %w", p.Socket(), err)
	}
	defer os.Remove(p.Socket())
	if err := os.WriteFile(p.Pid(), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600); err != nil {
		return err
	}
	defer os.Remove(p.Pid())

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ping := Ping{Stamp: o.Stamp, Version: o.Version, Pid: os.Getpid(), Home: o.Home,
		Started: time.Now().UTC().Format(time.RFC3339), Drivers: hv.Drivers()}
	srv := &http.Server{
		Handler:           NewServer(cloud, ping, log, cancel),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	log.Info().Int("pid", os.Getpid()).Str("socket", p.Socket()).Str("stamp", o.Stamp).Msg("daemon ready")
	if o.Ready != nil {
		o.Ready()
	}
	select {
	case <-ctx.Done():
	case err := <-errc:
		return err
	}
	log.Info().Msg("daemon stopping")
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	_ = srv.Shutdown(sctx)
	return nil
}

// fileLock is an flock(2) on a file.
type fileLock struct{ f *os.File }

// lockFile takes an exclusive lock; wait says whether to block for it.
func lockFile(path string, wait bool) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_EX
	if !wait {
		how |= syscall.LOCK_NB
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &fileLock{f: f}, nil
}

func (l *fileLock) unlock() {
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	_ = l.f.Close()
}

// DaemonLocked reports whether a daemon holds this home's lock.
func DaemonLocked(home string) bool {
	l, err := lockFile(filepath.Join(home, daemonLock), false)
	if err != nil {
		return !os.IsNotExist(err)
	}
	l.unlock()
	return false
}
