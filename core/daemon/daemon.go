// Package daemon assembles and runs the ec2x daemon: it opens the store
// (the one process that does), the pricing modules, the EC2 service
// (core.Open), and serves its action table on the unix socket, on the
// EC2-compatible endpoint when configured, and per instance as IMDS; it
// forwards the public addresses of real guests. core/api is the protocol
// and the client; this package is everything that listens.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core"
	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/api"
	"github.com/ec2x/ec2x/core/api/local"
	"github.com/ec2x/ec2x/core/imds"
	"github.com/ec2x/ec2x/core/instance"
	"github.com/ec2x/ec2x/core/market"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/vpcnet"
	"github.com/ec2x/ec2x/internal/clock"
	"github.com/ec2x/ec2x/plugins"
	pricingwasm "github.com/ec2x/ec2x/pricing-wasm"
	"github.com/rs/zerolog"

	// The hypervisor drivers register themselves.
	_ "github.com/ec2x/ec2x/hv/libvirt"
	_ "github.com/ec2x/ec2x/hv/qemu"
	_ "github.com/ec2x/ec2x/hv/sim"
)

// ErrDaemonRunning says another daemon already serves this home.
var ErrDaemonRunning = errors.New("a daemon is already running for this EC2X_HOME")

// Options configure Run.
type Options struct {
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
	// ConsoleReady, when set, is told the console's URL once it listens.
	ConsoleReady func(url string)
}

// MemoryLimit is the daemon process's soft memory limit (Go's), unless
// GOMEMLIMIT sets one. With GOGC at 50 the collector would let the heap
// of 100,000 instances (about 200 MB live) grow to 300 MB; this keeps the
// daemon's RSS, with its binary and Badger's memtable mapped, within the
// 300 MiB of issue 12. Past it the collector works harder (at most half
// the CPU, Go's own cap), never fails an allocation.
const MemoryLimit = 224 << 20

// CloseTimeout is how long the daemon waits at exit for Badger to write
// its memtable to a table, which Badger retries without end when it
// cannot (its directory removed, its disk full).
const CloseTimeout = 10 * time.Second

// Run serves the API until ctx ends, a signal arrives or a client asks
// it to stop. It owns the store: nothing else opens it.
func Run(ctx context.Context, o Options) (err error) {
	for _, d := range []string{o.Home, filepath.Join(o.Home, api.DataDir), filepath.Join(o.Home, api.LogsDir)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
	}
	lock, err := api.LockFile(filepath.Join(o.Home, api.DaemonLockName), false)
	if err != nil {
		return ErrDaemonRunning
	}
	defer lock.Unlock()

	log := o.Logger
	st, err := store.Open(ctx, filepath.Join(o.Home, api.DataDir), store.Options{Logger: log})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := closeStore(st, CloseTimeout, log); cerr != nil && err == nil {
			err = cerr
		}
	}()

	host, mgr, err := startPricing(ctx, o.Home, o.Config, log)
	if err != nil {
		return err
	}
	defer closePricing(host, log)
	fctx, stopForwarding := context.WithCancel(ctx)
	defer stopForwarding()
	guestMD := &guestMetadata{ctx: fctx, ready: make(chan struct{}), log: log}
	fabric, whyNoFabric, err := openFabric(o.Home, o.Config, log, guestMD)
	if err != nil {
		return err
	}
	if fabric != nil {
		defer fabric.Close()
	}
	cloud, err := openCloud(ctx, o, st, host, mgr, fabric, whyNoFabric)
	if err != nil {
		return err
	}
	defer cloud.Close(context.Background())
	metadata := imds.New(cloud, log)
	var _ instance.MetadataEndpoints = metadata
	cloud.SetMetadataEndpoints(metadata)
	defer metadata.Close()
	guestMD.srv, guestMD.cloud = metadata, cloud
	close(guestMD.ready)
	go runForwarder(fctx, cloud, log, time.Second)
	if fabric != nil {
		go runPolicies(fctx, cloud, fabric, log, time.Second)
	}

	listen := o.Listen
	if listen == "" {
		listen = o.Config.API.Listen
	}
	if listen != "" {
		stopEC2, err := serveEC2(ctx, o.Home, listen, cloud, o.Config, log, o.EC2Ready)
		if err != nil {
			return err
		}
		defer stopEC2()
	}

	con, table := newConsole(o, cloud)
	if con != nil {
		stopConsole, err := serveConsole(ctx, o, con, table, cloud, log)
		if err != nil {
			return err
		}
		defer stopConsole()
	}
	return serveSocket(ctx, o, cloud, table)
}

// serveSocket serves the action table on the home's unix socket until ctx
// ends, a signal comes or a client asks the daemon to stop.
func serveSocket(ctx context.Context, o Options, cloud *core.Cloud, table *actions.Table) error {
	p, log := api.Paths{Home: o.Home}, o.Logger
	l, err := local.ListenUnix(p.Socket())
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
	ping := api.Ping{Stamp: o.Stamp, Version: o.Version, Pid: os.Getpid(), Home: o.Home,
		Started: time.Now().UTC().Format(time.RFC3339), Drivers: hv.Drivers()}
	sock := local.NewServer(table, o.Config.Region, ping, log, cancel)
	sock.Closed = cloud.RegionClosed
	srv := &http.Server{
		Handler:           sock,
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

// openCloud opens the EC2 service on the store with the pricing modules.
// A commit that fails after memory changed ends the process: memory and
// disk disagree, and the next call starts a daemon that loads the truth
// from the store.
func openCloud(ctx context.Context, o Options, st *store.Store, host *pricingwasm.Host, mgr *plugins.Manager, fabric *vpcnet.Fabric, whyNoFabric string) (*core.Cloud, error) {
	var fatalOnce sync.Once
	return core.Open(ctx, core.Options{
		Config: o.Config, Store: st, Clock: o.Clock, Logger: o.Logger,
		DriverDir: filepath.Join(o.Home, "guests"),
		Pricer:    market.NewModulePricer(host, o.Config), Plugins: mgr, PricingHost: host,
		Fabric: fabric, GuestNetwork: whyNoFabric,
		Fatal: func(err error) {
			fatalOnce.Do(func() {
				o.Logger.Error().Err(err).Msg("fatal: exiting so that a restart reloads the store")
				os.Exit(70)
			})
		},
	})
}

// closeStore closes the store within timeout. Each commit was synced to
// Badger's logs, so one that cannot finish loses nothing acknowledged;
// the error says what was not written.
func closeStore(st *store.Store, timeout time.Duration, log zerolog.Logger) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := st.Close(ctx); err != nil {
		log.Error().Err(err).Msg("store not closed")
		return fmt.Errorf("stopping: gave up after %s: %w", timeout, err)
	}
	return nil
}

// closePricing closes the pricing host; a module still compiling would
// hold the exit up, so calls in flight get a moment and the process end
// takes the rest.
func closePricing(host *pricingwasm.Host, log zerolog.Logger) {
	done := make(chan struct{})
	go func() { _ = host.Close(context.Background()); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
		log.Warn().Msg("pricing host still busy at exit")
	}
}

// Serve runs the daemon for `ec2x serve`: api.ServeFunc.
func Serve(ctx context.Context, o api.ServeOptions) error {
	// The daemon lives long: collect garbage as usual (cli.Main turns
	// it off for short CLI calls). GOGC 50: the heap is mostly
	// long-lived records, so a tighter target costs little CPU and keeps
	// RSS near the live set; the soft limit makes the collector work
	// harder instead of letting bursts grow the heap.
	debug.SetGCPercent(50)
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(MemoryLimit)
	}
	log, closeLog, err := openLog(o)
	if err != nil {
		return err
	}
	defer closeLog()
	err = Run(ctx, Options{Home: o.Home, Stamp: o.Stamp, Version: o.Version, Config: o.Config, Logger: log, Listen: o.Listen})
	if err != nil {
		log.Error().Err(err).Msg("daemon failed")
	}
	return err
}

var _ api.ServeFunc = Serve
