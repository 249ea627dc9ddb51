package core

import (
	"context"

	"github.com/ec2x/ec2x/core/ec2"
)

// DescribePrices lists on-demand, current spot (per zone) and regional
// reserved effective prices.
func (c *Cloud) DescribePrices(ctx context.Context, region string, in *ec2.DescribePricesInput) (*ec2.DescribePricesOutput, error) {
	if err := c.awaitMarket(ctx); err != nil {
		return nil, err
	}
	if _, err := c.regionRead(region); err != nil {
		return nil, err
	}
	types := in.InstanceTypes
	for _, typ := range types {
		if c.cfg.Types[typ] == nil {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for InstanceType.", typ)
		}
		if _, ok := c.cfg.Types[typ].Price[region]; !ok {
			return nil, ec2.Errorf(ec2.CodeUnsupported, "The instance type '%s' is not offered in %s.", typ, region)
		}
	}
	if len(types) == 0 {
		types = c.offeredTypes(region)
	}
	offers, err := c.offerings(ctx, region, types)
	if err != nil {
		return nil, err
	}
	reserved := map[string][]ec2.ReservedPrice{}
	for _, o := range offers {
		if o.AvailabilityZone != "" {
			continue
		}
		term := "1yr"
		if o.Duration == year3 {
			term = "3yr"
		}
		reserved[o.InstanceType] = append(reserved[o.InstanceType], ec2.ReservedPrice{Term: term,
			PaymentOption: o.OfferingType, OfferingClass: o.OfferingClass, EffectiveHourly: o.EffectiveHourly})
	}
	out := &ec2.DescribePricesOutput{Prices: make([]ec2.TypePrice, 0, len(types))}
	c.mu.RLock()
	rs := c.regions[region]
	for _, typ := range types {
		p := ec2.TypePrice{InstanceType: typ, Region: region, OnDemand: usd(c.onDemand(region, typ)), Spot: map[string]string{}, Reserved: reserved[typ]}
		for _, z := range rs.cfg.Zones {
			p.Spot[z] = usd(c.spotPrice(rs, z, typ))
		}
		out.Prices = append(out.Prices, p)
	}
	c.mu.RUnlock()
	return out, nil
}
