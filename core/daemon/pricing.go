package daemon

import (
	"context"
	"os"
	"path/filepath"
	"time"

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
			}()
		}
	}
	return host, mgr, nil
}
