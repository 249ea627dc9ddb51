package core

import (
	"context"
	"time"

	"github.com/ec2x/ec2x/core/billing"
)

// TagInterruptible marks an on-demand instance whose work can take spot
// interruptions, so cost compare may put it on spot.
const TagInterruptible = "ec2x:interruptible"

// CostCompareInput asks what the running fleet would cost over Hours as
// each purchase option, and which mix is cheapest (an ec2x action).
type CostCompareInput struct {
	Hours float64 `json:"Hours,omitempty"` // default 730, a month
	// Lookback is how far back load must have run without a break to count
	// as steady (Go duration; default 168h).
	Lookback string `json:"Lookback,omitempty"`
}

// reservationPlans are the plans a comparison prices for every type.
var reservationPlans = []struct {
	name           string
	years          int32
	payment, class int32
}{
	{billing.Plan1yrNoUpfront, 1, PaymentNone, ClassStandard},
	{billing.Plan3yrAllUpfront, 3, PaymentAll, ClassStandard},
}

// CostCompare prices the region's running instances as all on-demand, all
// spot, all reserved and a recommended mix.
func (c *Cloud) CostCompare(ctx context.Context, region string, in *CostCompareInput) (*billing.Comparison, error) {
	hours := in.Hours
	if hours == 0 {
		hours = 730
	}
	if hours < 0 || hours > 24*365*3 {
		return nil, Errorf(CodeInvalidParameterValue, "Invalid value '%g' for Hours: more than 0 and at most %d", hours, 24*365*3)
	}
	lookback := 168 * time.Hour
	if in.Lookback != "" {
		d, err := time.ParseDuration(in.Lookback)
		if err != nil || d < 0 {
			return nil, Errorf(CodeInvalidParameterValue, "Invalid value '%s' for Lookback: a duration such as 168h or 30m", in.Lookback)
		}
		lookback = d
	}
	if c.pricer == nil {
		return nil, Errorf(CodeUnsupported, "Cost comparison needs the pricing modules, which are not loaded")
	}
	if err := c.awaitMarket(ctx); err != nil {
		return nil, err
	}
	now := c.clk.Now()
	loads := map[string]*billing.TypeLoad{}
	spotSum := map[string]float64{}
	var order []string
	c.mu.RLock()
	rs, err := c.region(region)
	if err != nil {
		c.mu.RUnlock()
		return nil, err
	}
	for _, r := range rs.instances {
		if r.State.Name != StateRunning && r.State.Name != StatePending {
			continue
		}
		l := loads[r.InstanceType]
		if l == nil {
			l = &billing.TypeLoad{Type: r.InstanceType, OnDemand: c.onDemand(region, r.InstanceType), Reserved: map[string]float64{}}
			loads[r.InstanceType] = l
			order = append(order, r.InstanceType)
		}
		l.Count++
		if v, _ := r.Tag(TagInterruptible); r.spot() || v == "true" {
			l.Interruptible++
		}
		spotSum[r.InstanceType] += c.spotPrice(rs, r.Placement.AvailabilityZone, r.InstanceType)
	}
	c.mu.RUnlock()

	segs, err := c.usage(ctx, region)
	if err != nil {
		return nil, err
	}
	res, err := c.reservations(ctx, region)
	if err != nil {
		return nil, err
	}
	var quotes []ReservedQuoteInput
	for _, typ := range order {
		l := loads[typ]
		l.Spot = spotSum[typ] / float64(l.Count)
		l.Base = min(billing.SteadyCount(segs, typ, now.Add(-lookback), now), l.Count-l.Interruptible)
		var paid float64
		for _, ri := range res {
			if ri.Type == typ && !now.Before(ri.Start) && now.Before(ri.End) {
				l.Owned += ri.Count
				paid += float64(ri.Count) * ri.Hourly
			}
		}
		if l.Owned > 0 {
			l.OwnedHourly = paid / float64(l.Owned)
		}
		for _, p := range reservationPlans {
			quotes = append(quotes, ReservedQuoteInput{OnDemand: l.OnDemand, TermYears: p.years, Payment: p.payment, Class: p.class})
		}
	}
	if len(quotes) > 0 {
		rates, err := c.pricer.ReservedRates(ctx, region, quotes)
		if err != nil {
			return nil, pricingErr(err)
		}
		if len(rates) != len(quotes) {
			return nil, Errorf(CodeInternalError, "the reserved module priced %d of %d plans", len(rates), len(quotes))
		}
		for i, typ := range order {
			for j, p := range reservationPlans {
				loads[typ].Reserved[p.name] = roundPrice(rates[i*len(reservationPlans)+j].Effective)
			}
		}
	}
	list := make([]billing.TypeLoad, 0, len(order))
	for _, typ := range order {
		list = append(list, *loads[typ])
	}
	out, err := billing.Compare(list, hours, lookback)
	if err != nil {
		return nil, Errorf(CodeInvalidParameterValue, "%v", err)
	}
	return out, nil
}

// usage is every metered segment of a region.
func (c *Cloud) usage(ctx context.Context, region string) ([]billing.Segment, error) {
	var segs []billing.Segment
	err := scanKind(ctx, c.st, kindUsage, region, func(s *billing.Segment) error {
		segs = append(segs, *s)
		return nil
	})
	return segs, err
}
