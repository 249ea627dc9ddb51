package daemon

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	stdlog "log"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core"
	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/api"
	"github.com/ec2x/ec2x/core/api/console"
	"github.com/ec2x/ec2x/core/api/local"
	"github.com/rs/zerolog"
)

// newConsole makes the web console when [console] listen is set (nil
// otherwise), and the table the socket serves: the Cloud's actions and
// the console's login, which says the console is off when it is.
func newConsole(o Options, cloud *core.Cloud) (*console.Console, *actions.Table) {
	var con *console.Console
	table := cloud.Actions().With(console.Actions(nil))
	if o.Config.Console.Listen != "" {
		con = console.New(console.Options{Region: o.Config.Region, Now: cloud.Now, TLS: o.Config.Console.TLS()})
		table = cloud.Actions().With(console.Actions(con))
	}
	return con, table
}

// serveConsole starts the console on [console] listen and returns the
// function that stops it. The browser's calls go to a socket handler of
// the same table (without the daemon's shutdown, which the console never
// forwards).
func serveConsole(ctx context.Context, o Options, con *console.Console, table *actions.Table, cloud *core.Cloud, log zerolog.Logger) (func(), error) {
	cfg := o.Config.Console
	sock := local.NewServer(table, o.Config.Region, api.Ping{}, log, func() {})
	sock.Closed = cloud.RegionClosed
	con.Attach(table, sock)
	var tlsConf *tls.Config
	if cfg.TLS() {
		cert, err := tls.LoadX509KeyPair(homePath(o.Home, cfg.TLSCert), homePath(o.Home, cfg.TLSKey))
		if err != nil {
			return nil, &configs.Error{File: configs.Path(o.Home), Key: "console.tls_cert", Msg: err.Error()}
		}
		tlsConf = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	l, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("console: listen on %s: %w", cfg.Listen, err)
	}
	l = limitConns(l, maxEC2Conns())
	scheme := "http"
	if tlsConf != nil {
		l, scheme = tls.NewListener(l, tlsConf), "https"
	}
	url := scheme + "://" + l.Addr().String()
	con.SetURL(url)
	srv := &http.Server{
		Handler:           con,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return ctx },
		// TLS handshakes that fail (a plain request, a browser that does
		// not trust the certificate) go to the daemon's log, not stderr
		ErrorLog: stdlog.New(log, "console: ", 0),
	}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error().Err(err).Msg("console stopped")
		}
	}()
	log.Info().Str("url", url).Msg("console ready")
	if o.ConsoleReady != nil {
		o.ConsoleReady(url)
	}
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}, nil
}

// homePath resolves a configured file against EC2X_HOME.
func homePath(home, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(home, p)
}
