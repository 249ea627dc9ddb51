package core

import (
	"context"
	"strconv"
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
	PaymentAll     = 0
	PaymentPartial = 1
	PaymentNone    = 2

	ClassStandard    = 0
	ClassConvertible = 1
)

// ReservedRate is what a reservation costs: paid once, and per hour.
type ReservedRate struct {
	Upfront   float64
	Hourly    float64
	Effective float64 // (upfront / hours of the term) + hourly
}

// onDemand returns a type's on-demand price in a region, in USD per hour.
func (c *Cloud) onDemand(region, typ string) float64 {
	t := c.cfg.Types[typ]
	if t == nil {
		return 0
	}
	p, _ := strconv.ParseFloat(t.Price[region], 64)
	return p
}

// usd formats an amount as EC2 prints prices: a decimal string.
func usd(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }
