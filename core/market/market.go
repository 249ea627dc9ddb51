// Package market is EC2's prices beyond the catalogue: the spot market
// (a price per zone pool and type, moved by how full the pool is and
// computed by a WebAssembly pricing module, with 90 days of history),
// reserved-instance offerings and purchases, the price list, and the
// pricing modules themselves. It owns spot/<region> (current prices),
// sph/ (the history) and ri/ (reservations) in the store.
//
// The instance family reacts to the market through Hooks: priced-out spot
// instances get their notices in the same transaction as the new prices.
package market

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/sched"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/internal/clock"
	"github.com/ec2x/ec2x/plugins"
	pricingwasm "github.com/ec2x/ec2x/pricing-wasm"
)

// Store kinds of the market.
const (
	kindSpotPrices  = "spot" // spot/<region>: the current prices
	kindSpotHistory = "sph"  // sph/<region>/<zone>/<type>/<unix second>: a price change
	kindReserved    = "ri"   // ri/<region>/<reservation id>: a purchase (Reserved)
)

// Options configure the market.
type Options struct {
	Catalog *catalog.Catalog
	Sched   *sched.Scheduler
	// Pricer prices spot and reserved capacity; nil leaves them off.
	Pricer Pricer
	// Plugins and PricingHost, when set, serve the plugin actions.
	Plugins     *plugins.Manager
	PricingHost *pricingwasm.Host
}

// Hooks are how the instance family follows the market.
type Hooks struct {
	// PricedOut runs inside a region's repricing Tx with the new prices:
	// spot instances above their maximum get their notices there.
	PricedOut func(tx *state.Tx, price func(zone, typ string) float64)
	// Repriced runs once a region's new prices are durable: open spot
	// requests are tried again.
	Repriced func(ctx context.Context, region string)
}

// Service serves the market's actions and runs the spot market.
type Service struct {
	rt          *state.Runtime
	cfg         *configs.Config
	clk         clock.Clock
	cat         *catalog.Catalog
	sched       *sched.Scheduler
	pricer      Pricer
	plugins     *plugins.Manager
	pricingHost *pricingwasm.Host
	hooks       Hooks
	// spot is each region's current prices, used under its lock (the
	// map itself is fixed at Load: regions never touch each other's).
	spot map[string]*spotBook

	mu     sync.Mutex // guards timer and closed
	timer  clock.Timer
	closed bool
	wg     sync.WaitGroup
	// ready is closed once the market has run at start (or there is
	// none), so that nothing reads spot prices before there are any.
	ready chan struct{}
	stop  chan struct{}
	// life ends at Close, so that a run waiting on a pricing module
	// (compiling at start) lets the daemon stop.
	life    context.Context
	endLife context.CancelFunc
	// Runs counts finished market runs (tests wait on it).
	Runs atomic.Int64
}

// New returns the market; Load reads its prices, Start runs it.
func New(rt *state.Runtime, o Options) *Service {
	s := &Service{rt: rt, cfg: rt.Config(), clk: rt.Clock(), cat: o.Catalog, sched: o.Sched, pricer: o.Pricer,
		plugins: o.Plugins, pricingHost: o.PricingHost, spot: map[string]*spotBook{},
		ready: make(chan struct{}), stop: make(chan struct{})}
	s.life, s.endLife = context.WithCancel(context.Background())
	return s
}

// SetHooks tells the market how the instance family follows it.
func (s *Service) SetHooks(h Hooks) { s.hooks = h }

// Life is a context that ends when the market closes (for work the market
// schedules, such as interruptions).
func (s *Service) Life() context.Context { return s.life }

// Actions are the market's actions: EC2's, and ec2x's prices and plugins.
func (s *Service) Actions() []actions.Def {
	return []actions.Def{
		actions.New("DescribeSpotPriceHistory", actions.Public, s.DescribeSpotPriceHistory),
		actions.New("DescribeReservedInstancesOfferings", actions.Public, s.DescribeReservedInstancesOfferings),
		actions.New("PurchaseReservedInstancesOffering", actions.Public, s.PurchaseReservedInstancesOffering),
		actions.New("DescribeReservedInstances", actions.Public, s.DescribeReservedInstances),
		actions.New("DescribePrices", actions.Local, s.DescribePrices),
		actions.New("InstallPlugin", actions.Local, s.InstallPlugin),
		actions.New("DescribePlugins", actions.Local, s.DescribePlugins),
		actions.New("RemovePlugin", actions.Local, s.RemovePlugin),
		actions.New("TestPlugin", actions.Local, s.TestPlugin),
	}
}

// spotKey names a zone pool's price of a type.
func spotKey(zone, typ string) string { return zone + " " + typ }

// spotPrices is the current price of every zone and type of a region.
type spotPrices struct {
	At     time.Time          `json:"At"`
	Prices map[string]float64 `json:"Prices"` // spotKey -> USD per hour
	// Recorded is the last price written to the history, per pool: the
	// history keeps changes of 1 % or more, as EC2's moves occasionally.
	Recorded map[string]float64 `json:"Recorded"`
	// Kept is how far back the history reaches: the first run's time, then
	// the cut of the last expiry. Expiry scans only once the cut has moved
	// an hour past it.
	Kept time.Time `json:"Kept,omitzero"`
}

// spotBook holds a region's current prices.
type spotBook struct{ cur *spotPrices }

// historyStep is the relative move that makes a new history point.
const historyStep = 0.01

// Load reads every region's current prices.
func (s *Service) Load(ctx context.Context) error {
	for _, r := range s.rt.Regions() {
		p := &spotPrices{}
		switch err := s.rt.Store().Get(ctx, store.Key(kindSpotPrices, r.Name), p); {
		case err == nil:
		case state.IsNotFound(err):
		default:
			return err
		}
		s.spot[r.Name] = &spotBook{cur: p}
		if err := state.Load(ctx, r, Reserved, nil); err != nil {
			return err
		}
	}
	return nil
}

// SpotPrice is the current price of a type in a zone (on-demand until the
// market has priced it); call under the region's lock.
func (s *Service) SpotPrice(rd state.Reader, zone, typ string) float64 {
	if p, ok := s.spot[rd.Region().Name].cur.Prices[spotKey(zone, typ)]; ok {
		return p
	}
	return s.cat.OnDemand(rd.Region().Name, typ)
}

// Reserved is the table of purchases: ri/<region>/<reservation id>.
var Reserved = state.Table[ec2.ReservedInstances]{Kind: kindReserved, ID: func(r *ec2.ReservedInstances) string { return r.ReservedInstancesId }}

// Priced reports whether spot and reserved prices can be computed.
func (s *Service) Priced() bool { return s.pricer != nil }

// poolUse is each zone's use of the hosts that serve a family, 0..1; call
// under the region's lock (host usage changes under it).
func (s *Service) poolUse(region string) map[string]float64 {
	used, capacity := map[string]float64{}, map[string]float64{}
	for _, h := range s.sched.Hosts(region) {
		for _, f := range h.Families {
			k := h.Zone + " " + f
			used[k] += float64(h.UsedVCPUs)
			capacity[k] += float64(h.CapVCPUs())
		}
	}
	out := map[string]float64{}
	for k, cp := range capacity {
		if cp > 0 {
			out[k] = min(used[k]/cp, 1)
		}
	}
	return out
}

// reprice runs the market once: every zone pool of every region gets a new
// price from the pricing module, moved by how full the pool is; then spot
// guests priced out get their notices and open requests are tried.
func (s *Service) reprice(ctx context.Context) {
	if s.pricer == nil {
		return
	}
	for _, r := range s.rt.Regions() {
		if err := s.repriceRegion(ctx, r); err != nil {
			s.rt.Logger().Error().Err(err).Str("region", r.Name).Msg("spot market")
			continue
		}
		if s.hooks.Repriced != nil {
			s.hooks.Repriced(ctx, r.Name)
		}
	}
}

func (s *Service) repriceRegion(ctx context.Context, r *state.Region) error {
	now := s.clk.Now()
	region := r.Name
	types := s.cat.Offered(region)
	var keys []string
	var in []SpotQuoteInput
	r.RLock()
	cur := s.spot[region].cur
	use := s.poolUse(region)
	for zi, zone := range r.Cfg.Zones {
		for ti, typ := range types {
			keys = append(keys, spotKey(zone, typ))
			in = append(in, SpotQuoteInput{OnDemand: s.cat.OnDemand(region, typ), Utilization: use[zone+" "+configs.Family(typ)],
				Seed: uint64(s.cfg.Sim.Seed), UnixMinute: now.Unix() / 60, Zone: int32(zi), Type: int32(ti),
				Previous: cur.Prices[spotKey(zone, typ)]}) // 0 before the first run: start at the target
		}
	}
	r.RUnlock()
	prices, err := s.pricer.SpotPrices(ctx, region, in)
	if err != nil {
		return err
	}
	if len(prices) != len(in) {
		return fmt.Errorf("the spot module priced %d of %d items", len(prices), len(in))
	}
	var next spotPrices
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		cur := s.spot[region].cur
		next = spotPrices{At: now, Prices: make(map[string]float64, len(keys)), Recorded: make(map[string]float64, len(keys)), Kept: cur.Kept}
		if next.Kept.IsZero() {
			next.Kept = now
		}
		for i, k := range keys {
			p := catalog.RoundPrice(prices[i])
			next.Prices[k] = p
			old, ok := cur.Recorded[k]
			if ok && old > 0 && abs(p-old)/old < historyStep {
				next.Recorded[k] = old
				continue
			}
			next.Recorded[k] = p
			zone, typ, _ := strings.Cut(k, " ")
			// A JSON number: the stored bytes read back as the decimal itself.
			tx.PutKey(historyKey(region, zone, typ, now), p, nil)
		}
		tx.PutKey(store.Key(kindSpotPrices, region), &next, func() { s.spot[region].cur = &next })
		if s.hooks.PricedOut != nil {
			s.hooks.PricedOut(tx, func(zone, typ string) float64 { return next.Prices[spotKey(zone, typ)] })
		}
		return nil
	})
	if err != nil {
		return err
	}
	cut := now.Add(-time.Duration(s.cfg.Spot.HistoryDays * 24 * float64(time.Hour)))
	if cut.Sub(next.Kept) < time.Hour {
		return nil
	}
	if err := s.expireHistory(ctx, region, cut); err != nil {
		return err
	}
	// Memory only: written with the next run's prices.
	return s.rt.Update(ctx, region, func(tx *state.Tx) error {
		tx.OnPublish(func() {
			kept := *s.spot[region].cur
			kept.Kept = cut
			s.spot[region].cur = &kept
		})
		return nil
	})
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func historyKey(region, zone, typ string, at time.Time) []byte {
	return store.Key(kindSpotHistory, region, zone, typ, fmt.Sprintf("%010d", at.Unix()))
}

// Start runs the market every [spot] reprice_minutes. The first run comes
// as soon as the last one is a period old (at once for a new store), so
// that prices exist before the first period ends.
func (s *Service) Start() { s.schedule(true) }

func (s *Service) schedule(first bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.pricer == nil {
		if first {
			close(s.ready)
		}
		return
	}
	every := time.Duration(s.cfg.Spot.RepriceMinutes * float64(time.Minute))
	wait := every
	if first {
		for _, r := range s.rt.Regions() {
			r.RLock()
			at := s.spot[r.Name].cur.At
			r.RUnlock()
			if at.IsZero() {
				wait = 0
				break
			}
			wait = min(wait, every-s.clk.Now().Sub(at))
		}
		if wait > 0 { // every region has prices from before the restart
			close(s.ready)
			first = false
		}
	}
	s.timer = s.clk.AfterFunc(wait, func() {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return
		}
		s.wg.Add(1)
		s.mu.Unlock()
		defer s.wg.Done()
		s.reprice(s.life)
		s.Runs.Add(1)
		if first {
			close(s.ready)
		}
		s.schedule(false)
	})
}

// Close stops the market and waits for a run in progress.
func (s *Service) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	if s.timer != nil {
		s.timer.Stop()
	}
	s.mu.Unlock()
	close(s.stop)
	s.endLife()
	s.wg.Wait()
}

// AwaitPrices waits, in a new store, until the market has priced every
// region once; requests that read spot prices call it first. Modules
// compile in the background, so only a request in a cold daemon's first
// second can wait here.
func (s *Service) AwaitPrices(ctx context.Context) error {
	select {
	case <-s.ready:
		return nil
	case <-s.stop:
		return ec2.Errorf(ec2.CodeServiceUnavailable, "The service is shutting down")
	case <-ctx.Done():
		return ec2.Errorf(ec2.CodeServiceUnavailable, "The spot market is still starting: %v", ctx.Err())
	}
}

// expireHistory forgets price changes past [spot] history_days; the last
// change before the cut stays, so a lookup still finds the price.
func (s *Service) expireHistory(ctx context.Context, region string, before time.Time) error {
	cut := before.Unix()
	var old [][]byte
	last := map[string][]byte{}
	st := s.rt.Store()
	err := st.Scan(ctx, kindSpotHistory, region, func(k, _ []byte) error {
		zone, typ, at, ok := parseHistoryKey(k)
		if !ok || at >= cut {
			return nil
		}
		pool := zone + " " + typ
		if prev := last[pool]; prev != nil {
			old = append(old, prev)
		}
		last[pool] = append([]byte(nil), k...)
		return nil
	})
	if err != nil || len(old) == 0 {
		return err
	}
	b := store.NewBatch()
	for _, k := range old {
		b.Delete(k)
	}
	for _, part := range b.Split() {
		if err := st.Commit(ctx, part); err != nil {
			return err
		}
	}
	return nil
}

// parseHistoryKey reads sph/<region>/<zone>/<type>/<unix second>.
func parseHistoryKey(k []byte) (zone, typ string, at int64, ok bool) {
	parts := strings.Split(string(k), "/")
	if len(parts) != 5 {
		return "", "", 0, false
	}
	at, err := strconv.ParseInt(parts[4], 10, 64)
	return parts[2], parts[3], at, err == nil
}

// PricePoint is one change of a pool's spot price.
type PricePoint struct {
	At    int64 // unix second
	Price float64
}

// History is every recorded spot price change of a region, by pool
// (zone, type), oldest first: the billing meter prices spot hours with it.
func (s *Service) History(ctx context.Context, region string) (map[[2]string][]PricePoint, error) {
	out := map[[2]string][]PricePoint{}
	err := s.rt.Store().Scan(ctx, kindSpotHistory, region, func(k, v []byte) error {
		zone, typ, at, ok := parseHistoryKey(k)
		if !ok {
			return nil
		}
		price, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return nil
		}
		key := [2]string{zone, typ}
		out[key] = append(out[key], PricePoint{At: at, Price: price})
		return nil
	})
	return out, err
}
