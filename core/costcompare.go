package core

import (
	"context"
	"time"

	"github.com/ec2x/ec2x/core/billing"
	"github.com/ec2x/ec2x/core/ec2"
)

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
func (c *Cloud) CostCompare(ctx context.Context, region string, in *ec2.CostCompareInput) (*ec2.Comparison, error) {
	hours := in.Hours
	if hours == 0 {
		hours = 730
	}
	if hours < 0 || hours > 24*365*3 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%g' for Hours: more than 0 and at most %d", hours, 24*365*3)
	}
	lookback := 168 * time.Hour
	if in.Lookback != "" {
		d, err := time.ParseDuration(in.Lookback)
		if err != nil || d < 0 {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for Lookback: a duration such as 168h or 30m", in.Lookback)
		}
		lookback = d
	}
	if c.pricer == nil {
		return nil, ec2.Errorf(ec2.CodeUnsupported, "Cost comparison needs the pricing modules, which are not loaded")
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
		if r.State.Name != ec2.StateRunning && r.State.Name != ec2.StatePending {
			continue
		}
		l := loads[r.InstanceType]
		if l == nil {
			l = &billing.TypeLoad{Type: r.InstanceType, OnDemand: c.onDemand(region, r.InstanceType), Reserved: map[string]float64{}}
			loads[r.InstanceType] = l
			order = append(order, r.InstanceType)
		}
		l.Count++
		if v, _ := r.Tag(ec2.TagInterruptible); r.spot() || v == "true" {
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
			return nil, ec2.Errorf(ec2.CodeInternalError, "the reserved module priced %d of %d plans", len(rates), len(quotes))
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
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "%v", err)
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
