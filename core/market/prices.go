package market

import (
	"context"

	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/ec2"
)

// DescribePrices lists on-demand, current spot (per zone) and regional
// reserved effective prices.
func (s *Service) DescribePrices(ctx context.Context, region string, in *ec2.DescribePricesInput) (*ec2.DescribePricesOutput, error) {
	if err := s.AwaitPrices(ctx); err != nil {
		return nil, err
	}
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	types := in.InstanceTypes
	for _, typ := range types {
		if s.cat.Type(typ) == nil {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for InstanceType.", typ)
		}
		if _, ok := s.cat.Type(typ).Price[region]; !ok {
			return nil, ec2.Errorf(ec2.CodeUnsupported, "The instance type '%s' is not offered in %s.", typ, region)
		}
	}
	if len(types) == 0 {
		types = s.cat.Offered(region)
	}
	offers, err := s.offerings(ctx, region, types)
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
	r.RLock()
	for _, typ := range types {
		p := ec2.TypePrice{InstanceType: typ, Region: region, OnDemand: catalog.USD(s.cat.OnDemand(region, typ)), Spot: map[string]string{}, Reserved: reserved[typ]}
		for _, z := range r.Cfg.Zones {
			p.Spot[z] = catalog.USD(s.SpotPrice(r, z, typ))
		}
		out.Prices = append(out.Prices, p)
	}
	r.RUnlock()
	return out, nil
}
