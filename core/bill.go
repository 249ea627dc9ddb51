package core

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/ec2x/ec2x/core/billing"
	"github.com/ec2x/ec2x/core/ec2"
)

// priceBook prices usage for billing: the catalogue, the spot history and
// the configured public IPv4 rate.
type priceBook struct {
	c      *Cloud
	region string
	spot   map[string][]pricePoint // pool -> changes, oldest first
	ipv4   float64
}

type pricePoint struct {
	at    int64
	price float64
}

func (p *priceBook) OnDemand(typ string) float64 { return p.c.onDemand(p.region, typ) }

func (p *priceBook) IPv4() float64 { return p.ipv4 }

// Spot is the price in force at a moment: the last change at or before it
// (the first one known, for a moment before the history).
func (p *priceBook) Spot(zone, typ string, at time.Time) float64 {
	pts := p.spot[spotKey(zone, typ)]
	if len(pts) == 0 {
		return p.c.onDemand(p.region, typ)
	}
	i := sort.Search(len(pts), func(i int) bool { return pts[i].at > at.Unix() })
	if i == 0 {
		return pts[0].price
	}
	return pts[i-1].price
}

func (c *Cloud) priceBook(ctx context.Context, region string) (*priceBook, error) {
	ipv4, _ := strconv.ParseFloat(c.cfg.Pricing.PublicIPv4Hourly, 64)
	p := &priceBook{c: c, region: region, spot: map[string][]pricePoint{}, ipv4: ipv4}
	err := c.st.Scan(ctx, kindSpotHistory, region, func(k, v []byte) error {
		zone, typ, at, ok := parseHistoryKey(k)
		if !ok {
			return nil
		}
		price, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return nil
		}
		key := spotKey(zone, typ)
		p.spot[key] = append(p.spot[key], pricePoint{at, price})
		return nil
	})
	return p, err
}

// Bill is what the region's usage cost between Since and Until: running
// instances per second (one minute at least per start), spot at each
// hour's price, every public IPv4 address by the hour, reservations'
// upfront fees and the hours they cover at their rate.
func (c *Cloud) Bill(ctx context.Context, region string, in *ec2.BillInput) (*ec2.Bill, error) {
	c.mu.RLock()
	_, err := c.region(region)
	c.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	until := in.Until
	if until.IsZero() {
		until = c.clk.Now()
	}
	since := in.Since
	if since.IsZero() {
		since = until.Add(-30 * 24 * time.Hour)
	}
	by := in.By
	if by == "" {
		by = ec2.ByInstance
	}
	segs, err := c.usage(ctx, region)
	if err != nil {
		return nil, err
	}
	res, err := c.reservations(ctx, region)
	if err != nil {
		return nil, err
	}
	book, err := c.priceBook(ctx, region)
	if err != nil {
		return nil, err
	}
	b, err := billing.Compute(segs, res, book, since, until, by)
	if err != nil {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "%v", err)
	}
	return b, nil
}
