package core

import (
	"context"
	"strings"
)

// DescribePricesInput asks for the region's prices (an ec2x action).
type DescribePricesInput struct {
	InstanceTypes []string `json:"InstanceTypes,omitempty"` // default: every type offered
}

// ReservedPrice is one reservation plan's effective hourly rate.
type ReservedPrice struct {
	Term            string `json:"Term"` // 1yr or 3yr
	PaymentOption   string `json:"PaymentOption"`
	OfferingClass   string `json:"OfferingClass"`
	EffectiveHourly string `json:"EffectiveHourly"`
}

// TypePrice is what a type costs in a region each way, USD per hour.
type TypePrice struct {
	InstanceType string            `json:"InstanceType"`
	Region       string            `json:"Region"`
	OnDemand     string            `json:"OnDemand"`
	Spot         map[string]string `json:"Spot"`
	Reserved     []ReservedPrice   `json:"Reserved"`
}

// DescribePricesOutput lists prices by type.
type DescribePricesOutput struct {
	Prices []TypePrice `json:"Prices"`
}

// DescribePrices lists on-demand, current spot (per zone) and regional
// reserved effective prices.
func (c *Cloud) DescribePrices(ctx context.Context, region string, in *DescribePricesInput) (*DescribePricesOutput, error) {
	if err := c.awaitMarket(ctx); err != nil {
		return nil, err
	}
	if _, err := c.regionRead(region); err != nil {
		return nil, err
	}
	types := in.InstanceTypes
	for _, typ := range types {
		if c.cfg.Types[typ] == nil {
			return nil, Errorf(CodeInvalidParameterValue, "Invalid value '%s' for InstanceType.", typ)
		}
		if _, ok := c.cfg.Types[typ].Price[region]; !ok {
			return nil, Errorf(CodeUnsupported, "The instance type '%s' is not offered in %s.", typ, region)
		}
	}
	if len(types) == 0 {
		types = c.offeredTypes(region)
	}
	offers, err := c.offerings(ctx, region, types)
	if err != nil {
		return nil, err
	}
	reserved := map[string][]ReservedPrice{}
	for _, o := range offers {
		if o.AvailabilityZone != "" {
			continue
		}
		term := "1yr"
		if o.Duration == year3 {
			term = "3yr"
		}
		reserved[o.InstanceType] = append(reserved[o.InstanceType], ReservedPrice{Term: term,
			PaymentOption: o.OfferingType, OfferingClass: o.OfferingClass, EffectiveHourly: o.EffectiveHourly})
	}
	out := &DescribePricesOutput{Prices: make([]TypePrice, 0, len(types))}
	c.mu.RLock()
	rs := c.regions[region]
	for _, typ := range types {
		p := TypePrice{InstanceType: typ, Region: region, OnDemand: usd(c.onDemand(region, typ)), Spot: map[string]string{}, Reserved: reserved[typ]}
		for _, z := range rs.cfg.Zones {
			p.Spot[z] = usd(c.spotPrice(rs, z, typ))
		}
		out.Prices = append(out.Prices, p)
	}
	c.mu.RUnlock()
	return out, nil
}

// PlanName is a reservation plan's short name, as the CLI shows it:
// "3yr-all-upfront-standard".
func (r ReservedPrice) PlanName() string {
	return r.Term + "-" + strings.ToLower(strings.ReplaceAll(r.PaymentOption, " ", "-")) + "-" + r.OfferingClass
}
