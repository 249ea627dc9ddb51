package daemon

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/ec2x/ec2x/internal/pageout"
	"github.com/ec2x/ec2x/pricing-wasm/modules"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/plugins"
	pricingwasm "github.com/ec2x/ec2x/pricing-wasm"
	"github.com/rs/zerolog"
)

// Where pricing modules live under the home directory.
const (
	CacheDir   = "cache"   // wazero's compilation cache
	PluginsDir = "plugins" // installed modules
)

// checkModules refuses to start with a configuration that names a pricing
// module that is neither built in nor installed, or one that does not
// price what it is named for: it would fail every call it is asked. The
// error is a configs.Error naming the file, line and key.
func checkModules(cfg *configs.Config, mgr *plugins.Manager) error {
	var other error
	err := cfg.CheckModules(func(name string) ([]string, bool) {
		kinds, err := mgr.Kinds(name)
		if err != nil && !errors.Is(err, plugins.ErrNotFound) && other == nil {
			other = err
		}
		return kinds, err == nil
	})
	if other != nil {
		return other
	}
	return err
}

// startPricing opens the daemon's one WebAssembly runtime, with the
// compilation cache on disk, and loads every module the configuration
// names. Loading returns at once: modules compile in the background, so a
// request never waits on a compiler unless it comes in the first second
// after a cold start. A module that is missing or broken is logged and
// fails only the calls that need it.
func startPricing(ctx context.Context, home string, cfg *configs.Config, log zerolog.Logger) (*pricingwasm.Host, *plugins.Manager, error) {
	cache := os.Getenv("EC2X_WASM_CACHE") // shared by many homes (tests)
	if cache == "" {
		cache = filepath.Join(home, CacheDir)
	}
	host, err := pricingwasm.New(ctx, pricingwasm.Config{
		CacheDir:         cache,
		MemoryLimitPages: uint32(cfg.Pricing.WasmMemoryMiB) * 16, // 64 KiB pages
		CallTimeout:      time.Duration(cfg.Pricing.WasmTimeoutMs) * time.Millisecond,
	})
	if err != nil {
		return nil, nil, err
	}
	mgr := plugins.New(filepath.Join(home, PluginsDir), host)
	if err := checkModules(cfg, mgr); err != nil {
		_ = host.Close(ctx)
		return nil, nil, err
	}
	seen := map[string]bool{}
	for _, region := range cfg.RegionNames() {
		spot, reserved := cfg.Modules(region)
		for _, name := range []string{spot, reserved} {
			if seen[name] {
				continue
			}
			seen[name] = true
			m, err := mgr.Load(ctx, name)
			if err != nil {
				log.Error().Err(err).Str("module", name).Msg("pricing module not loaded")
				continue
			}
			go func() {
				start := time.Now()
				if err := m.Ready(ctx); err != nil {
					log.Error().Err(err).Str("module", name).Msg("pricing module failed to load")
					return
				}
				log.Info().Str("module", name).Dur("took", time.Since(start)).Msg("pricing module ready")
				// Compiled, the embedded modules (2 MB each) are not read
				// again; their pages would stay resident.
				for _, b := range modules.All() {
					pageout.Bytes(b.Wasm)
				}
			}()
		}
	}
	return host, mgr, nil
}
