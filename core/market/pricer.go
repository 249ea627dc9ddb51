package market

import (
	"context"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
	pricingwasm "github.com/ec2x/ec2x/pricing-wasm"
)

// Pricer computes the prices that are not data: spot prices and reserved
// rates. The daemon backs it with WebAssembly modules (pricing-wasm); core
// only sees this interface, so it never waits on compilation or knows which
// module priced what.
type Pricer interface {
	// SpotPrices prices a batch of (zone pool, type) items for one region.
	SpotPrices(ctx context.Context, region string, in []SpotQuoteInput) ([]float64, error)
	// ReservedRates prices a batch of reservation shapes for one region.
	ReservedRates(ctx context.Context, region string, in []ReservedQuoteInput) ([]ReservedRate, error)
}

// SpotQuoteInput is one spot price to compute.
type SpotQuoteInput struct {
	OnDemand    float64 // the type's on-demand USD per hour in the region
	Utilization float64 // the zone pool's use, 0..1
	Seed        uint64
	UnixMinute  int64
	Zone        int32 // the zone's index in the region
	Type        int32 // the type's index in the catalogue
	Previous    float64
}

// ReservedQuoteInput is one reservation shape to price.
type ReservedQuoteInput struct {
	OnDemand  float64
	TermYears int32
	Payment   int32 // PaymentAll, PaymentPartial, PaymentNone
	Class     int32 // ClassStandard, ClassConvertible
}

// Payment options and offering classes, as the pricing ABI numbers them.
const (
	PaymentNone    = int32(pricingwasm.NoUpfront)
	PaymentPartial = int32(pricingwasm.PartialUpfront)
	PaymentAll     = int32(pricingwasm.AllUpfront)

	ClassStandard    = int32(pricingwasm.Standard)
	ClassConvertible = int32(pricingwasm.Convertible)
)

// ReservedRate is what a reservation costs: paid once, and per hour.
type ReservedRate struct {
	Upfront   float64
	Hourly    float64
	Effective float64 // (upfront / hours of the term) + hourly
}

// ModulePricer prices with the WebAssembly modules a Host has loaded,
// chosen per region by the configuration ([pricing], or the region's own
// spot_module and reserved_module).
type ModulePricer struct {
	host *pricingwasm.Host
	cfg  *configs.Config
}

var _ Pricer = (*ModulePricer)(nil)

// NewModulePricer prices through h's modules as cfg chooses them.
func NewModulePricer(h *pricingwasm.Host, cfg *configs.Config) *ModulePricer {
	return &ModulePricer{host: h, cfg: cfg}
}

// SpotPrices implements Pricer with the region's spot module.
func (p *ModulePricer) SpotPrices(ctx context.Context, region string, in []SpotQuoteInput) ([]float64, error) {
	name, _ := p.cfg.Modules(region)
	m, err := p.host.Module(name)
	if err != nil {
		return nil, err
	}
	items := make([]pricingwasm.SpotInput, len(in))
	for i, q := range in {
		items[i] = pricingwasm.SpotInput{OnDemand: q.OnDemand, Utilisation: q.Utilization, Seed: q.Seed,
			UnixMinute: q.UnixMinute, Zone: q.Zone, Type: q.Type, Previous: q.Previous}
	}
	out := make([]float64, len(in))
	if err := m.Spot(ctx, items, out); err != nil {
		return nil, err
	}
	return out, nil
}

// ReservedRates implements Pricer with the region's reserved module.
func (p *ModulePricer) ReservedRates(ctx context.Context, region string, in []ReservedQuoteInput) ([]ReservedRate, error) {
	_, name := p.cfg.Modules(region)
	m, err := p.host.Module(name)
	if err != nil {
		return nil, err
	}
	items := make([]pricingwasm.ReservedInput, len(in))
	for i, q := range in {
		items[i] = pricingwasm.ReservedInput{OnDemand: q.OnDemand, Term: q.TermYears,
			Payment: pricingwasm.PaymentOption(q.Payment), Class: pricingwasm.OfferingClass(q.Class)}
	}
	quotes := make([]pricingwasm.ReservedQuote, len(in))
	if err := m.Reserved(ctx, items, quotes); err != nil {
		return nil, err
	}
	out := make([]ReservedRate, len(in))
	for i, q := range quotes {
		out[i] = ReservedRate{Upfront: q.Upfront, Hourly: q.Recurring, Effective: q.Effective}
	}
	return out, nil
}

// ReservedRates prices reservation shapes in a region with its module, as
// EC2 errors.
func (s *Service) ReservedRates(ctx context.Context, region string, quotes []ReservedQuoteInput) ([]ReservedRate, error) {
	if s.pricer == nil {
		return nil, ec2.Errorf(ec2.CodeUnsupported, "Reserved instances need the pricing modules, which are not loaded")
	}
	rates, err := s.pricer.ReservedRates(ctx, region, quotes)
	if err != nil {
		return nil, pricingErr(err)
	}
	if len(rates) != len(quotes) {
		return nil, ec2.Errorf(ec2.CodeInternalError, "the reserved module priced %d of %d plans", len(rates), len(quotes))
	}
	return rates, nil
}
