package core

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/netw"
	"github.com/ec2x/ec2x/core/sched"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/internal/clock"
	"github.com/ec2x/ec2x/plugins"
	pricingwasm "github.com/ec2x/ec2x/pricing-wasm"
	"github.com/rs/zerolog"
)

// Options configure a Cloud.
type Options struct {
	Config *configs.Config
	Store  *store.Store
	Clock  clock.Clock
	Logger zerolog.Logger
	// DriverDir is where drivers may keep files (qemu disks, sockets).
	DriverDir string
	// Fatal is called when a commit fails after memory changed; the daemon
	// exits and restarts from the store. Defaults to panic.
	Fatal func(error)
	// Seed fixes ID and address randomness (tests); 0 means random.
	Seed uint64
	// Pricer prices spot and reserved capacity; nil leaves them off.
	Pricer Pricer
	// Plugins and PricingHost, when set, serve the plugin actions (install,
	// list, remove, test) and reload modules the configuration uses.
	Plugins     *plugins.Manager
	PricingHost *pricingwasm.Host
}

// Cloud is the EC2 service: it validates requests, runs the state machine,
// keeps every resource in memory and writes each change to the store in one
// transaction.
type Cloud struct {
	cfg   *configs.Config
	st    *store.Store
	clk   clock.Clock
	log   zerolog.Logger
	fatal func(error)

	mu      sync.RWMutex
	regions map[string]*regionState
	where   map[string]*regionState // instance ID -> its region
	sched   *sched.Scheduler
	rng     *rand.Rand
	changed chan struct{} // closed and replaced on every state change

	drivers     map[string]hv.Driver
	events      *eventQueue
	stop        chan struct{}
	wg          sync.WaitGroup
	janitor     clock.Timer
	sampler     *sampler
	pricer      Pricer
	market      clock.Timer
	plugins     *plugins.Manager
	pricingHost *pricingwasm.Host
	// marketReady is closed once the market has run at start (or there is
	// no market), so that nothing reads spot prices before there are any.
	marketReady chan struct{}
	// life is cancelled by Close, so that background work waiting on a
	// pricing module (compiling at start) lets the daemon stop.
	life     context.Context
	endLife  context.CancelFunc
	metadata metadataHook
	// marketRuns counts finished market runs (tests wait on it).
	marketRuns atomic.Int64
	closed     bool
}

type regionState struct {
	name      string
	cfg       *configs.Region
	net       *netw.Region
	instances map[string]*instRecord
	enis      map[string]*eniRecord
	eips      map[string]*eipRecord
	sgs       map[string]*sgRecord
	keys      map[string]*keyRecord
	tokens    map[string]*tokenRecord
	// defaultIDs is the default group's ID list, shared by interfaces.
	defaultIDs []string
	spot       spotPrices
	spotReqs   map[string]*ec2.SpotInstanceRequest
	// openUse are the metered stretches still running, by key.
	openUse map[string]int64 // unix ns
}

// Open loads every record from the store, reconciles with the drivers and
// starts the background loops.
func Open(ctx context.Context, o Options) (*Cloud, error) {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Fatal == nil {
		o.Fatal = func(err error) { panic(err) }
	}
	seed := o.Seed
	if seed == 0 {
		var b [8]byte
		_, _ = crand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:])
	}
	c := &Cloud{
		cfg: o.Config, st: o.Store, clk: o.Clock, log: o.Logger, fatal: o.Fatal,
		regions: map[string]*regionState{}, where: map[string]*regionState{},
		sched: sched.New(o.Config), rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		changed: make(chan struct{}), drivers: map[string]hv.Driver{}, events: newEventQueue(),
		stop: make(chan struct{}), marketReady: make(chan struct{}),
		pricer: o.Pricer, plugins: o.Plugins, pricingHost: o.PricingHost,
	}
	c.life, c.endLife = context.WithCancel(context.Background())
	if err := c.load(ctx); err != nil {
		return nil, err
	}
	if err := c.openDrivers(ctx, o); err != nil {
		return nil, err
	}
	c.wg.Add(1)
	go c.eventLoop()
	if err := c.reconcile(ctx); err != nil {
		_ = c.Close(ctx)
		return nil, err
	}
	c.scheduleJanitor()
	c.startSampler(ctx)
	c.rearmNotices()
	c.scheduleMarket(true)
	return c, nil
}

func (c *Cloud) openDrivers(ctx context.Context, o Options) error {
	names := map[string]bool{}
	for _, h := range c.cfg.Hosts {
		names[h.Driver] = true
	}
	for name := range names {
		d, err := hv.Open(ctx, name, hv.Options{
			Clock: c.clk, Seed: c.cfg.Sim.Seed,
			Boot:   seconds(c.cfg.Sim.BootSeconds),
			Stop:   seconds(c.cfg.Sim.StopSeconds),
			Dir:    o.DriverDir,
			Logger: c.log.With().Str("driver", name).Logger(),
			Notify: c.events.push,
		})
		if err != nil {
			return fmt.Errorf("open driver %s: %w", name, err)
		}
		c.drivers[name] = d
	}
	return nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// load reads the store into memory and rebuilds every index.
func (c *Cloud) load(ctx context.Context) error {
	fresh := store.NewBatch()
	for _, name := range c.cfg.RegionNames() {
		rc := c.cfg.Regions[name]
		rs := &regionState{name: name, cfg: rc, instances: map[string]*instRecord{},
			enis: map[string]*eniRecord{}, eips: map[string]*eipRecord{}, sgs: map[string]*sgRecord{},
			keys: map[string]*keyRecord{}, tokens: map[string]*tokenRecord{}, spotReqs: map[string]*ec2.SpotInstanceRequest{},
			openUse: map[string]int64{}}
		pool := netip.MustParsePrefix(c.cfg.PoolOf(name))
		var nr netw.Region
		err := c.st.Get(ctx, store.NetworkKey(name), &nr)
		switch {
		case errors.Is(err, store.ErrNotFound):
			r, err := netw.NewRegion(name, netip.MustParsePrefix(rc.VpcCidr), rc.SubnetPrefix, rc.Zones, pool, c.newID)
			if err != nil {
				return err
			}
			rs.net = r
			fresh.Put(store.NetworkKey(name), r)
		case err != nil:
			return fmt.Errorf("load network of %s: %w", name, err)
		default:
			if err := nr.Init(pool); err != nil {
				return err
			}
			rs.net = &nr
		}
		c.regions[name] = rs
	}
	if err := c.loadRecords(ctx); err != nil {
		return err
	}
	for _, rs := range c.regions {
		if rs.sgs[rs.net.DefaultGroupId] == nil {
			g := defaultGroup(rs.net.DefaultGroupId, rs.net.VpcId)
			rs.sgs[g.GroupId] = g
			fresh.Put(store.GroupKey(rs.name, g.GroupId), g)
		}
	}
	if err := c.st.Commit(ctx, fresh); err != nil {
		return fmt.Errorf("save networks: %w", err)
	}
	return nil
}

// commitLocked queues b while c.mu is held, so batches reach the store in
// the order memory changed, and returns a function to call after unlocking
// that waits until the batch is durable. Concurrent requests share a sync.
func (c *Cloud) commitLocked(ctx context.Context, b *store.Batch) func() error {
	done := make(chan error, 1)
	c.st.CommitAsync(ctx, b, func(err error) { done <- err })
	return func() error {
		if err := <-done; err != nil {
			// Memory already holds the change; only a restart from the
			// store makes the two agree again.
			c.fatal(fmt.Errorf("commit failed after memory changed: %w", err))
			return ec2.Errorf(ec2.CodeInternalError, "the change could not be saved: %v", err)
		}
		return nil
	}
}

// commitSplitLocked is commitLocked for writes that need not be atomic
// together (independent driver events, expiry): the batch is cut into
// transactions that each fit.
func (c *Cloud) commitSplitLocked(ctx context.Context, b *store.Batch) func() error {
	var waits []func() error
	for _, part := range b.Split() {
		waits = append(waits, c.commitLocked(ctx, part))
	}
	return func() error {
		var first error
		for _, w := range waits {
			if err := w(); err != nil && first == nil {
				first = err
			}
		}
		return first
	}
}

// tooBig is the answer to a request that changes more than one transaction holds.
func tooBig(b *store.Batch) error {
	return ec2.Errorf(ec2.CodeInvalidParameterValue, "The request changes too much at once (%d records, %d KiB; at most %d KiB): split it into smaller requests.",
		b.Len(), b.Size()>>10, store.MaxBatchBytes>>10)
}

// notifyLocked wakes every waiter; call with c.mu held for writing.
func (c *Cloud) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// newID returns prefix-<17 hex digits>; call with c.mu held (or before the
// Cloud is shared).
func (c *Cloud) newID(prefix string) string {
	var b [9]byte
	binary.LittleEndian.PutUint64(b[:8], c.rng.Uint64())
	b[8] = byte(c.rng.Uint32())
	return prefix + "-" + hex.EncodeToString(b[:])[:17]
}

// newInstanceID returns an instance ID not used in this store.
func (c *Cloud) newInstanceID() string {
	for {
		id := c.newID("i")
		if _, dup := c.where[id]; !dup {
			return id
		}
	}
}

func (c *Cloud) region(name string) (*regionState, error) {
	rs, ok := c.regions[name]
	if !ok {
		return nil, ec2.Errorf(ec2.CodeInvalidRegion, "the region '%s' does not exist (have %v)", name, c.cfg.RegionNames())
	}
	return rs, nil
}

// Config returns the configuration the Cloud runs with.
func (c *Cloud) Config() *configs.Config { return c.cfg }

// Now is the time on the Cloud's clock.
func (c *Cloud) Now() time.Time { return c.clk.Now() }

// Close stops the background loops and the drivers. It does not close the store.
func (c *Cloud) Close(ctx context.Context) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	if c.janitor != nil {
		c.janitor.Stop()
	}
	if c.sampler != nil && c.sampler.timer != nil {
		c.sampler.timer.Stop()
	}
	if c.market != nil {
		c.market.Stop()
	}
	c.mu.Unlock()
	close(c.stop)
	c.endLife()
	c.events.close()
	c.wg.Wait()
	var errs []error
	for _, d := range c.drivers {
		errs = append(errs, d.Close(ctx))
	}
	return errors.Join(errs...)
}

// eventQueue is an unbounded queue of driver events: drivers must never
// block on us.
type eventQueue struct {
	mu     sync.Mutex
	items  []hv.Event
	signal chan struct{}
	done   bool
}

func newEventQueue() *eventQueue { return &eventQueue{signal: make(chan struct{}, 1)} }

func (q *eventQueue) push(e hv.Event) {
	q.mu.Lock()
	if !q.done {
		q.items = append(q.items, e)
	}
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

func (q *eventQueue) close() {
	q.mu.Lock()
	q.done = true
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

// take returns every queued event, waiting for at least one; nil when closed.
func (q *eventQueue) take() []hv.Event {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			items := q.items
			q.items = nil
			q.mu.Unlock()
			return items
		}
		done := q.done
		q.mu.Unlock()
		if done {
			return nil
		}
		<-q.signal
	}
}

// eventLoop applies driver events in batches: one transaction per batch.
func (c *Cloud) eventLoop() {
	defer c.wg.Done()
	for {
		evs := c.events.take()
		if evs == nil {
			return
		}
		c.applyEvents(context.Background(), evs)
	}
}

func (c *Cloud) scheduleJanitor() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.janitor = c.clk.AfterFunc(time.Minute, func() {
		c.purgeTerminated(context.Background())
		c.scheduleJanitor()
	})
}
