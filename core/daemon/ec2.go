package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core"
	"github.com/ec2x/ec2x/core/api/ec2query"
	"github.com/rs/zerolog"
)

// serveEC2 starts the EC2-compatible endpoint on a TCP address and
// returns the function that stops it.
func serveEC2(ctx context.Context, home, addr string, cloud *core.Cloud, cfg *configs.Config, log zerolog.Logger, ready func(string)) (func(), error) {
	if cfg.API.UsesExampleKey() {
		if !configs.Loopback(addr) {
			return nil, &configs.Error{File: configs.Path(home), Key: "api.credentials", Msg: configs.ExposedExampleKey(addr)}
		}
		log.Warn().Str("addr", addr).Msg("the EC2 endpoint accepts the example key " + configs.ExampleAccessKeyID +
			", whose secret is public: any local user can call it; ec2x serve --new-credentials makes a key of your own")
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("EC2 endpoint: listen on %s: %w", addr, err)
	}
	l = limitConns(l, maxEC2Conns())
	srv := &http.Server{
		Handler: ec2query.New(ec2query.Options{
			Actions: cloud.Actions(), Region: cfg.Region, Credentials: cfg.API.Credentials, AllowAnonymous: cfg.API.AllowAnonymous,
			Now: cloud.Now, Logger: log, Closed: cloud.RegionClosed,
		}),
		// A client has 10 s for its headers and a minute for the whole
		// request, so a slow sender holds a connection for a bounded time.
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		IdleTimeout:       time.Minute,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error().Err(err).Msg("EC2 endpoint stopped")
		}
	}()
	log.Info().Str("addr", l.Addr().String()).Msg("EC2 endpoint ready")
	if ready != nil {
		ready(l.Addr().String())
	}
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}, nil
}
