package pricingwasm

import (
	"runtime"
	"time"
)

// Defaults for Config's zero fields.
const (
	// DefaultMemoryLimitPages is 64 MiB; a Go guest needs at least 64 pages (4 MiB).
	DefaultMemoryLimitPages = 1024
	// DefaultCallTimeout bounds one ec2x_price call: a batch of 1,000 takes
	// well under a millisecond, so 50 ms only stops runaways.
	DefaultCallTimeout = 50 * time.Millisecond
	// DefaultInitTimeout bounds instantiation (a Go guest's _initialize runs
	// its runtime and package init) plus the ABI checks at load.
	DefaultInitTimeout = 2 * time.Second
	// DefaultMaxBatch is the most items sent in one guest call; longer
	// batches are split, so the I/O buffer stays small (4,096 spot items are
	// 192 KiB in and 32 KiB out).
	DefaultMaxBatch = 4096
)

// Config tunes a Host. The zero value is usable: in-memory compilation cache,
// 64 MiB per instance, 50 ms per call.
type Config struct {
	// CacheDir persists compiled modules between runs ($EC2X_HOME/cache);
	// empty keeps them in memory only.
	CacheDir string
	// MemoryLimitPages caps each instance's linear memory, in 64 KiB pages.
	MemoryLimitPages uint32
	// CallTimeout is the deadline of each guest call.
	CallTimeout time.Duration
	// InitTimeout is the deadline of instantiating one instance.
	InitTimeout time.Duration
	// MaxInstances is how many instances of one module may run at once;
	// callers beyond it wait for a free one. Default GOMAXPROCS.
	MaxInstances int
	// MaxBatch is the most items per guest call.
	MaxBatch int
}

func (c Config) withDefaults() Config {
	if c.MemoryLimitPages == 0 {
		c.MemoryLimitPages = DefaultMemoryLimitPages
	}
	if c.CallTimeout <= 0 {
		c.CallTimeout = DefaultCallTimeout
	}
	if c.InitTimeout <= 0 {
		c.InitTimeout = DefaultInitTimeout
	}
	if c.MaxInstances <= 0 {
		c.MaxInstances = runtime.GOMAXPROCS(0)
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = DefaultMaxBatch
	}
	return c
}
