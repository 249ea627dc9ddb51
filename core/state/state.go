// Package state is the control plane's memory: every region's records,
// each region behind a lock of its own, and the transaction through which
// a request changes them.
//
// A family (instances, networking, the market, ...) declares each kind of
// record it keeps as a Table and reads and writes it only through a Tx
// (for a change) or a locked Region (for a read). A request's changes in
// one region are one Tx: they become visible together when it is
// published, and durable together as one Badger transaction. Regions are
// independent, as in EC2: a change in one never waits on another's lock.
//
// Records in memory are never changed in place once published; a change
// puts a new record (copy on write), so a reader holding a record may keep
// using it after the lock is released.
package state

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sync"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/internal/clock"
	"github.com/rs/zerolog"
)

// Options configure a Runtime.
type Options struct {
	Config *configs.Config
	Store  *store.Store
	Clock  clock.Clock
	Logger zerolog.Logger
	// Seed fixes ID and address randomness (tests); every region derives
	// its own generator from it.
	Seed uint64
	// Fatal is called when a commit fails after memory changed: memory and
	// disk disagree, and only a restart from the store reconciles them.
	Fatal func(error)
}

// Runtime holds the regions of one store.
type Runtime struct {
	cfg     *configs.Config
	st      *store.Store
	clk     clock.Clock
	log     zerolog.Logger
	fatal   func(error)
	regions map[string]*Region // fixed at New: read without a lock
	order   []*Region

	obsMu     sync.RWMutex
	observers []Observer
}

// Observer sees what a Tx emits, inside the Tx: it may add writes to it
// (the billing meter records usage this way, atomically with the change).
type Observer func(tx *Tx, event any)

// New makes the regions the configuration names, empty.
func New(o Options) *Runtime {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Fatal == nil {
		o.Fatal = func(err error) { panic(err) }
	}
	rt := &Runtime{cfg: o.Config, st: o.Store, clk: o.Clock, log: o.Logger, fatal: o.Fatal, regions: map[string]*Region{}}
	for _, name := range o.Config.RegionNames() {
		h := fnv.New64a()
		_, _ = h.Write([]byte(name))
		s := o.Seed ^ h.Sum64()
		r := &Region{Name: name, Cfg: o.Config.Regions[name], rt: rt, tables: map[string]any{},
			changed: make(chan struct{}), rng: rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))}
		rt.regions[name] = r
		rt.order = append(rt.order, r)
	}
	return rt
}

// Config is the configuration the runtime was made with.
func (rt *Runtime) Config() *configs.Config { return rt.cfg }

// Store is the Badger store the runtime writes to.
func (rt *Runtime) Store() *store.Store { return rt.st }

// Clock is the runtime's clock.
func (rt *Runtime) Clock() clock.Clock { return rt.clk }

// Logger is the runtime's logger.
func (rt *Runtime) Logger() *zerolog.Logger { return &rt.log }

// Region returns a region, or EC2's InvalidRegion.
func (rt *Runtime) Region(name string) (*Region, error) {
	if r := rt.regions[name]; r != nil {
		return r, nil
	}
	return nil, ec2.Errorf(ec2.CodeInvalidRegion, "the region '%s' does not exist (have %v)", name, rt.cfg.RegionNames())
}

// Regions lists every region in the configuration's order.
func (rt *Runtime) Regions() []*Region { return rt.order }

// Observe adds an observer of every Tx's events. Register observers
// before the first Update.
func (rt *Runtime) Observe(o Observer) {
	rt.obsMu.Lock()
	defer rt.obsMu.Unlock()
	rt.observers = append(rt.observers, o)
}

// Region is one region's records and the lock that guards them.
type Region struct {
	Name string
	Cfg  *configs.Region

	rt *Runtime
	mu sync.RWMutex
	// tables holds each kind's records: map[string]*T by kind.
	tables map[string]any
	// changed is closed and replaced on every committed change.
	changed chan struct{}
	// rng makes the region's IDs and address choices; used under mu.
	rng *rand.Rand
}

// Runtime is the runtime the region belongs to.
func (r *Region) Runtime() *Runtime { return r.rt }

// RLock takes the region's read lock, for reads that span several calls.
func (r *Region) RLock() { r.mu.RLock() }

// RUnlock releases the read lock.
func (r *Region) RUnlock() { r.mu.RUnlock() }

// Changed is closed at the next committed change of the region; call with
// the region locked (read or write) and wait after releasing it.
func (r *Region) Changed() <-chan struct{} { return r.changed }

// View runs f with the region's read lock held.
func (r *Region) View(f func(r *Region) error) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return f(r)
}

// Rand is the region's random source; use it only within a Tx or while
// loading, when the region is not shared.
func (r *Region) Rand() *rand.Rand { return r.rng }

// NewID returns prefix-<17 hex digits>, EC2's ID shape. Call within a Tx
// (or while loading).
func (r *Region) NewID(prefix string) string {
	var b [9]byte
	binary.LittleEndian.PutUint64(b[:8], r.rng.Uint64())
	b[8] = byte(r.rng.Uint32())
	const hexdigits = "0123456789abcdef"
	out := make([]byte, 0, len(prefix)+18)
	out = append(out, prefix...)
	out = append(out, '-')
	for i := 0; i < 17; i++ {
		v := b[i/2]
		if i%2 == 0 {
			v >>= 4
		}
		out = append(out, hexdigits[v&0xf])
	}
	return string(out)
}

// Update runs f in a new Tx under the region's write lock and commits what
// it changed as one transaction: published to memory at once, durable when
// Update returns. f's error rolls everything back. Calls registered with
// Tx.After run once the change is durable, outside the lock.
func (rt *Runtime) Update(ctx context.Context, region string, f func(tx *Tx) error) error {
	return rt.update(ctx, region, false, f)
}

// UpdateSplit is Update for changes that need not be atomic together
// (independent driver events, expiry): the writes are cut into
// transactions that each fit.
func (rt *Runtime) UpdateSplit(ctx context.Context, region string, f func(tx *Tx) error) error {
	return rt.update(ctx, region, true, f)
}

func (rt *Runtime) update(ctx context.Context, region string, split bool, f func(tx *Tx) error) error {
	r, err := rt.Region(region)
	if err != nil {
		return err
	}
	// Begun before the lock: see store.Begin.
	st := rt.st.Begin(ctx)
	r.mu.Lock()
	tx := newTx(r)
	if err := f(tx); err != nil {
		tx.rollback()
		r.mu.Unlock()
		st.Discard()
		return err
	}
	wait, err := tx.commitLocked(ctx, split, st)
	r.mu.Unlock()
	if tx.woken != nil {
		close(tx.woken)
	}
	if err != nil {
		return err
	}
	if err := wait(); err != nil {
		return err
	}
	tx.runAfter(ctx)
	return nil
}

// TooBig is the answer to a request that changes more than one
// transaction holds.
func TooBig(b *store.Batch) error {
	return ec2.Errorf(ec2.CodeInvalidParameterValue, "The request changes too much at once (%d records, %d KiB; at most %d KiB): split it into smaller requests.",
		b.Len(), b.Size()>>10, store.MaxBatchBytes>>10)
}

// NoSpace is the answer to a change the store's disk has no room for
// (a *store.SpaceError).
func NoSpace(err error) error {
	return ec2.Errorf(ec2.CodeInsufficientFreeSpace, "The change was not made: %v.", err)
}

// queue hands a batch to the store in st (a new transaction if nil)
// while the region's lock is held, so batches reach the store in the
// order memory changed, and returns the function that waits until it is
// durable. Concurrent batches share a sync.
func (rt *Runtime) queue(ctx context.Context, st *store.Txn, b *store.Batch) func() error {
	if st == nil {
		st = rt.st.Begin(ctx)
	}
	done := make(chan error, 1)
	st.CommitAsync(ctx, b, func(err error) { done <- err })
	return func() error {
		if err := <-done; err != nil {
			rt.fatal(fmt.Errorf("commit failed after memory changed: %w", err))
			return ec2.Errorf(ec2.CodeInternalError, "the change could not be saved: %v", err)
		}
		return nil
	}
}

// DryRun is EC2's answer to a request that would have succeeded.
func DryRun() error {
	return ec2.Errorf(ec2.CodeDryRunOperation, "Request would have succeeded, but DryRun flag is set.")
}

// ErrNotFound is what a family's store reader returns for an absent key.
var ErrNotFound = store.ErrNotFound

// IsNotFound reports whether err says a key is absent.
func IsNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
