package billing

import (
	"context"
	"time"

	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/instance"
	"github.com/ec2x/ec2x/core/market"
	"github.com/ec2x/ec2x/core/state"
)

// TagInterruptible marks an on-demand instance whose work can take spot
// interruptions, so cost compare may put it on spot.
const TagInterruptible = ec2.TagInterruptible

// reservationPlans are the plans a comparison prices for every type.
var reservationPlans = []struct {
	name           string
	years          int32
	payment, class int32
}{
	{Plan1yrNoUpfront, 1, market.PaymentNone, market.ClassStandard},
	{Plan3yrAllUpfront, 3, market.PaymentAll, market.ClassStandard},
}

// CostCompare prices the region's running instances as all on-demand, all
// spot, all reserved and a recommended mix.
func (s *Service) CostCompare(ctx context.Context, region string, in *ec2.CostCompareInput) (*ec2.Comparison, error) {
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
	if !s.mkt.Priced() {
		return nil, ec2.Errorf(ec2.CodeUnsupported, "Cost comparison needs the pricing modules, which are not loaded")
	}
	if err := s.mkt.AwaitPrices(ctx); err != nil {
		return nil, err
	}
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	now := s.rt.Clock().Now()
	loads, order := s.fleetLoads(r)
	segs, res, err := s.usageAndReservations(ctx, region)
	if err != nil {
		return nil, err
	}
	var quotes []market.ReservedQuoteInput
	for _, typ := range order {
		l := loads[typ]
		l.Base = min(SteadyCount(segs, typ, now.Add(-lookback), now), l.Count-l.Interruptible)
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
			quotes = append(quotes, market.ReservedQuoteInput{OnDemand: l.OnDemand, TermYears: p.years, Payment: p.payment, Class: p.class})
		}
	}
	if len(quotes) > 0 {
		rates, err := s.mkt.ReservedRates(ctx, region, quotes)
		if err != nil {
			return nil, err
		}
		for i, typ := range order {
			for j, p := range reservationPlans {
				loads[typ].Reserved[p.name] = catalog.RoundPrice(rates[i*len(reservationPlans)+j].Effective)
			}
		}
	}
	list := make([]TypeLoad, 0, len(order))
	for _, typ := range order {
		list = append(list, *loads[typ])
	}
	out, err := Compare(list, hours, lookback)
	if err != nil {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "%v", err)
	}
	out.Storage, out.StorageCost = s.storageCost(r, hours)
	return out, nil
}

// fleetLoads counts the region's running instances by type, with what is
// interruptible and the mean spot price they would pay, in the order the
// types were first met.
func (s *Service) fleetLoads(r *state.Region) (map[string]*TypeLoad, []string) {
	loads := map[string]*TypeLoad{}
	spotSum := map[string]float64{}
	var order []string
	r.RLock()
	defer r.RUnlock()
	for _, rec := range state.Sorted(r, instance.Instances) {
		if rec.State.Name != ec2.StateRunning && rec.State.Name != ec2.StatePending {
			continue
		}
		l := loads[rec.InstanceType]
		if l == nil {
			l = &TypeLoad{Type: rec.InstanceType, OnDemand: s.cat.OnDemand(r.Name, rec.InstanceType), Reserved: map[string]float64{}}
			loads[rec.InstanceType] = l
			order = append(order, rec.InstanceType)
		}
		l.Count++
		if v, _ := rec.Tag(TagInterruptible); rec.Spot() || v == "true" {
			l.Interruptible++
		}
		spotSum[rec.InstanceType] += s.mkt.SpotPrice(r, rec.Placement.AvailabilityZone, rec.InstanceType)
	}
	for typ, l := range loads {
		l.Spot = spotSum[typ] / float64(l.Count)
	}
	return loads, order
}
