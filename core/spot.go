package core

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/hv"
)

// noticeLead is how long before an interruption its notice is given.
const noticeLead = 2 * time.Minute

// Spot market records.
const (
	kindSpotPrices  = "spot" // spot/<region>: the current prices
	kindSpotHistory = "sph"  // sph/<region>/<zone>/<type>/<unix second>: a price change
	kindSpotRequest = "sir"  // sir/<region>/<sir-id>: a spot request
)

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

// historyStep is the relative move that makes a new history point.
const historyStep = 0.01

// spotPrice is the current price of a type in a zone (on-demand until the
// market has priced it).
func (c *Cloud) spotPrice(rs *regionState, zone, typ string) float64 {
	if p, ok := rs.spot.Prices[spotKey(zone, typ)]; ok {
		return p
	}
	return c.onDemand(rs.name, typ)
}

// poolUse is each zone's use of the hosts that serve a family, 0..1.
func (c *Cloud) poolUse(region string) map[string]float64 {
	used, capacity := map[string]float64{}, map[string]float64{}
	for _, h := range c.sched.Hosts(region) {
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

// offeredTypes are the types with a price in the region, sorted.
func (c *Cloud) offeredTypes(region string) []string {
	var out []string
	for _, n := range c.cfg.TypeNames() {
		if _, ok := c.cfg.Types[n].Price[region]; ok {
			out = append(out, n)
		}
	}
	return out
}

// repriceSpot runs the market once: every zone pool of every region gets a
// new price from the pricing module, moved by how full the pool is; then
// spot guests priced out get their notice and open requests are tried.
func (c *Cloud) repriceSpot(ctx context.Context) {
	if c.pricer == nil {
		return
	}
	for _, region := range c.cfg.RegionNames() {
		if err := c.repriceRegion(ctx, region); err != nil {
			c.log.Error().Err(err).Str("region", region).Msg("spot market")
			continue
		}
		c.fulfilSpot(ctx, region)
	}
}

func (c *Cloud) repriceRegion(ctx context.Context, region string) error {
	now := c.clk.Now()
	types := c.offeredTypes(region)
	c.mu.RLock()
	rs := c.regions[region]
	use := c.poolUse(region)
	var keys []string
	var in []SpotQuoteInput
	for zi, zone := range rs.cfg.Zones {
		for ti, typ := range types {
			keys = append(keys, spotKey(zone, typ))
			in = append(in, SpotQuoteInput{OnDemand: c.onDemand(region, typ), Utilization: use[zone+" "+configs.Family(typ)],
				Seed: uint64(c.cfg.Sim.Seed), UnixMinute: now.Unix() / 60, Zone: int32(zi), Type: int32(ti),
				Previous: rs.spot.Prices[spotKey(zone, typ)]}) // 0 before the first run: start at the target
		}
	}
	c.mu.RUnlock()
	prices, err := c.pricer.SpotPrices(ctx, region, in)
	if err != nil {
		return err
	}
	if len(prices) != len(in) {
		return fmt.Errorf("the spot module priced %d of %d items", len(prices), len(in))
	}
	c.mu.Lock()
	t := c.newTx(rs)
	next := spotPrices{At: now, Prices: make(map[string]float64, len(keys)), Recorded: make(map[string]float64, len(keys)), Kept: rs.spot.Kept}
	if next.Kept.IsZero() {
		next.Kept = now
	}
	for i, k := range keys {
		p := roundPrice(prices[i])
		next.Prices[k] = p
		old, ok := rs.spot.Recorded[k]
		if ok && old > 0 && abs(p-old)/old < historyStep {
			next.Recorded[k] = old
			continue
		}
		next.Recorded[k] = p
		zone, typ := splitSpotKey(k)
		// A JSON number: the stored bytes read back as the decimal itself.
		t.putOther(spotHistoryKey(region, zone, typ, now), p, nil)
	}
	t.putOther(store.Key(kindSpotPrices, region), &next, func() { rs.spot = next })
	var calls []driverCall
	for _, r := range rs.instances {
		if r.spot() && r.Notice == nil && r.State.Name == ec2.StateRunning && next.Prices[spotKey(r.Placement.AvailabilityZone, r.InstanceType)] > r.SpotMaxPrice {
			calls = append(calls, c.noticeTx(t, r, now, "price")...)
		}
	}
	wait, err := c.commitTx(ctx, t)
	if err != nil {
		c.mu.Unlock()
		return err
	}
	c.notifyLocked()
	c.mu.Unlock()
	if err := wait(); err != nil {
		return err
	}
	for _, call := range calls {
		_ = call(context.WithoutCancel(ctx))
	}
	cut := now.Add(-time.Duration(c.cfg.Spot.HistoryDays * 24 * float64(time.Hour)))
	if cut.Sub(next.Kept) < time.Hour {
		return nil
	}
	if err := c.expireSpotHistory(ctx, region, cut); err != nil {
		return err
	}
	c.mu.Lock()
	rs.spot.Kept = cut // written with the next run's prices
	c.mu.Unlock()
	return nil
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// roundPrice keeps six decimals, as EC2 quotes spot prices.
func roundPrice(p float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(p, 'f', 6, 64), 64)
	return v
}

func splitSpotKey(k string) (zone, typ string) {
	for i := 0; i < len(k); i++ {
		if k[i] == ' ' {
			return k[:i], k[i+1:]
		}
	}
	return k, ""
}

func spotHistoryKey(region, zone, typ string, at time.Time) []byte {
	return store.Key(kindSpotHistory, region, zone, typ, fmt.Sprintf("%010d", at.Unix()))
}

// noticeTx gives a spot instance its two-minute notice within t and
// returns the driver call that prints it on the console; the interruption
// itself is scheduled once the notice is durable (see armNotice).
func (c *Cloud) noticeTx(t *tx, r *instRecord, now time.Time, why string) []driverCall {
	action := r.Interruption
	if action == "" {
		action = "terminate"
	}
	n := r.clone()
	n.Notice = &ec2.InstanceAction{Action: action, Time: now.Add(noticeLead).UTC()}
	n.NoticeCause = why
	t.putInstance(n)
	if req := t.rs.spotReqs[r.SpotInstanceRequestId]; req != nil {
		nr := *req
		nr.Status = ec2.SpotStatus{Code: "marked-for-" + map[bool]string{true: "termination", false: "stop"}[action == "terminate"],
			Message: "Spot Instance is marked for interruption (" + why + ")", UpdateTime: now.UTC()}
		t.putOther(store.Key(kindSpotRequest, t.rs.name, nr.SpotInstanceRequestId), &nr, func() { t.rs.spotReqs[nr.SpotInstanceRequestId] = &nr })
	}
	region, id, at := t.rs.name, r.InstanceId, n.Notice.Time
	line := fmt.Sprintf("ec2x: spot instance-action: %s at %s", action, at.Format(time.RFC3339))
	d := c.driverOf(r.Placement.HostId)
	return []driverCall{func(ctx context.Context) error {
		c.armNotice(region, id, at)
		if ca, ok := d.(hv.ConsoleAppender); ok {
			return ca.AppendConsole(ctx, id, line)
		}
		return nil
	}}
}

// armNotice schedules the interruption a notice announced.
func (c *Cloud) armNotice(region, id string, at time.Time) {
	c.clk.AfterFunc(at.Sub(c.clk.Now()), func() { c.interrupt(c.life, region, id) })
}

// interrupt carries out a notice: stop, hibernate (a stop here) or
// terminate, with EC2's spot reasons; the request follows.
func (c *Cloud) interrupt(ctx context.Context, region, id string) {
	_, err := c.changeStates(ctx, region, []string{id}, false, func(t *tx, r *instRecord, now time.Time) ([]driverCall, error) {
		if r.Notice == nil || (r.State.Name != ec2.StateRunning && r.State.Name != ec2.StatePending) {
			return nil, nil
		}
		n := r.clone()
		action := r.Notice.Action
		n.Notice, n.NoticeCause = nil, ""
		d, iid := c.driverOf(r.Placement.HostId), r.InstanceId
		cause := "by-price"
		if r.NoticeCause == "capacity" {
			cause = "no-capacity"
		}
		code, status := "Server.SpotInstanceShutdown", "instance-stopped-"+cause
		var call driverCall
		if action == "terminate" {
			code, status = "Server.SpotInstanceTermination", "instance-terminated-"+cause
			setState(n, ec2.StateShuttingDown, now)
			call = func(ctx context.Context) error { return d.Destroy(ctx, iid) }
		} else {
			setState(n, ec2.StateStopping, now)
			call = func(ctx context.Context) error { return d.Stop(ctx, iid, false) }
		}
		n.StateReason = &ec2.StateReason{Code: code, Message: code + ": Spot instance interruption"}
		n.StateTransitionReason = "Service initiated (" + now.UTC().Format("2006-01-02 15:04:05 GMT") + ")"
		t.putInstance(n)
		if req := t.rs.spotReqs[r.SpotInstanceRequestId]; req != nil {
			nr := *req
			nr.Status = ec2.SpotStatus{Code: status, Message: "Spot Instance interrupted: " + action, UpdateTime: now.UTC()}
			switch {
			case nr.Type == "persistent" && action == "terminate":
				nr.State, nr.InstanceId = "open", ""
			case nr.Type == "persistent":
				nr.State = "disabled"
			default:
				nr.State = "closed"
			}
			t.putOther(store.Key(kindSpotRequest, t.rs.name, nr.SpotInstanceRequestId), &nr, func() { t.rs.spotReqs[nr.SpotInstanceRequestId] = &nr })
		}
		return []driverCall{call}, nil
	})
	if err != nil {
		c.log.Error().Err(err).Str("instance", id).Msg("spot interruption")
	}
}

// rearmNotices schedules the interruptions whose notices were given before
// a restart; overdue ones run at once.
func (c *Cloud) rearmNotices() {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, rs := range c.regions {
		for _, r := range rs.instances {
			if r.Notice != nil && (r.State.Name == ec2.StateRunning || r.State.Name == ec2.StatePending) {
				c.armNotice(rs.name, r.InstanceId, r.Notice.Time)
			}
		}
	}
}

// scheduleMarket runs the market every [spot] reprice_minutes. At start
// (first) the first run comes as soon as the last one is a period old, at
// once for a new store, so that prices exist before the first period ends.
func (c *Cloud) scheduleMarket(first bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.pricer == nil {
		if first {
			close(c.marketReady)
		}
		return
	}
	every := time.Duration(c.cfg.Spot.RepriceMinutes * float64(time.Minute))
	wait := every
	if first {
		for _, rs := range c.regions {
			if rs.spot.At.IsZero() {
				wait = 0
				break
			}
			wait = min(wait, every-c.clk.Now().Sub(rs.spot.At))
		}
		if wait > 0 { // every region has prices from before the restart
			close(c.marketReady)
			first = false
		}
	}
	c.market = c.clk.AfterFunc(wait, func() {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return
		}
		c.wg.Add(1)
		c.mu.Unlock()
		defer c.wg.Done()
		c.repriceSpot(c.life)
		c.marketRuns.Add(1)
		if first {
			close(c.marketReady)
		}
		c.scheduleMarket(false)
	})
}

// awaitMarket waits, in a new store, until the market has priced every
// region once; requests that read spot prices call it first. Modules compile in the background,
// so only a request in a cold daemon's first second can wait here.
func (c *Cloud) awaitMarket(ctx context.Context) error {
	select {
	case <-c.marketReady:
		return nil
	case <-c.stop:
		return ec2.Errorf(ec2.CodeServiceUnavailable, "The service is shutting down")
	case <-ctx.Done():
		return ec2.Errorf(ec2.CodeServiceUnavailable, "The spot market is still starting: %v", ctx.Err())
	}
}

// expireSpotHistory forgets price changes past [spot] history_days; the
// last change before the cut stays, so a lookup still finds the price.
func (c *Cloud) expireSpotHistory(ctx context.Context, region string, before time.Time) error {
	cut := before.Unix()
	var old [][]byte
	last := map[string][]byte{}
	err := c.st.Scan(ctx, kindSpotHistory, region, func(k, _ []byte) error {
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
		if err := c.st.Commit(ctx, part); err != nil {
			return err
		}
	}
	return nil
}

// parseHistoryKey reads sph/<region>/<zone>/<type>/<unix second>.
func parseHistoryKey(k []byte) (zone, typ string, at int64, ok bool) {
	parts := splitSlash(string(k))
	if len(parts) != 5 {
		return "", "", 0, false
	}
	at, err := strconv.ParseInt(parts[4], 10, 64)
	return parts[2], parts[3], at, err == nil
}

func splitSlash(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// DescribeSpotPriceHistory lists the price changes of the region's pools
// in a time range (default: the last day), newest first. As in EC2, the
// price in force at StartTime is included.
func (c *Cloud) DescribeSpotPriceHistory(ctx context.Context, region string, in *ec2.DescribeSpotPriceHistoryInput) (*ec2.DescribeSpotPriceHistoryOutput, error) {
	if err := c.awaitMarket(ctx); err != nil {
		return nil, err
	}
	c.mu.RLock()
	rs, err := c.region(region)
	c.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	for _, typ := range in.InstanceTypes {
		if c.cfg.Types[typ] == nil {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for InstanceType.", typ)
		}
	}
	if in.AvailabilityZone != "" && !contains(rs.cfg.Zones, in.AvailabilityZone) {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid availability zone: [%s]", in.AvailabilityZone)
	}
	end := in.EndTime
	if end.IsZero() {
		end = c.clk.Now()
	}
	start := in.StartTime
	if start.IsZero() {
		start = end.Add(-24 * time.Hour)
	}
	if !start.Before(end) {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "StartTime must be before EndTime")
	}
	before := map[string]ec2.SpotPrice{} // the last change before start, per pool
	out := &ec2.DescribeSpotPriceHistoryOutput{SpotPriceHistory: []ec2.SpotPrice{}}
	err = c.st.Scan(ctx, kindSpotHistory, region, func(k, v []byte) error {
		zone, typ, at, ok := parseHistoryKey(k)
		if !ok || (in.AvailabilityZone != "" && zone != in.AvailabilityZone) || (len(in.InstanceTypes) > 0 && !contains(in.InstanceTypes, typ)) {
			return nil
		}
		price, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return fmt.Errorf("spot history %s: %w", k, err)
		}
		p := ec2.SpotPrice{InstanceType: typ, AvailabilityZone: zone, SpotPrice: usd(price), Timestamp: time.Unix(at, 0).UTC(), ProductDescription: "Linux/UNIX"}
		switch {
		case at < start.Unix():
			before[zone+" "+typ] = p
		case at < end.Unix() || at == end.Unix():
			out.SpotPriceHistory = append(out.SpotPriceHistory, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, p := range before {
		out.SpotPriceHistory = append(out.SpotPriceHistory, p)
	}
	sort.Slice(out.SpotPriceHistory, func(i, j int) bool {
		a, b := out.SpotPriceHistory[i], out.SpotPriceHistory[j]
		if !a.Timestamp.Equal(b.Timestamp) {
			return a.Timestamp.After(b.Timestamp)
		}
		if a.AvailabilityZone != b.AvailabilityZone {
			return a.AvailabilityZone < b.AvailabilityZone
		}
		return a.InstanceType < b.InstanceType
	})
	if in.MaxResults > 0 && len(out.SpotPriceHistory) > in.MaxResults {
		out.SpotPriceHistory = out.SpotPriceHistory[:in.MaxResults]
	}
	return out, nil
}
