package billing

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/instance"
	"github.com/ec2x/ec2x/core/market"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/store"
)

// Service meters usage as it happens and answers the bill and the cost
// comparison (ec2x's own actions). It owns use/ in the store.
type Service struct {
	rt   *state.Runtime
	cat  *catalog.Catalog
	inst *instance.Service
	mkt  *market.Service
	// books are each region's open stretches, used under its lock.
	books map[string]*meterBook
	// volumes are the EBS prices (ebsprices.json).
	volumes map[string]VolumePrice
}

// meterBook is a region's stretches still open: when each began, by key.
type meterBook struct {
	open map[string]int64 // unix ns
}

// New returns the billing service and starts metering every change.
func New(rt *state.Runtime, cat *catalog.Catalog, inst *instance.Service, mkt *market.Service) *Service {
	s := &Service{rt: rt, cat: cat, inst: inst, mkt: mkt, books: map[string]*meterBook{}, volumes: VolumePrices()}
	for _, r := range rt.Regions() {
		s.books[r.Name] = &meterBook{open: map[string]int64{}}
	}
	rt.Observe(s.observe)
	return s
}

// Actions are Bill and CostCompare.
func (s *Service) Actions() []actions.Def {
	return []actions.Def{
		actions.New("Bill", actions.Local, s.Bill),
		actions.New("CostCompare", actions.Local, s.CostCompare),
	}
}

// Load finds the stretches still open after a restart.
func (s *Service) Load(ctx context.Context) error {
	fresh := store.NewBatch()
	for _, r := range s.rt.Regions() {
		b := s.books[r.Name]
		err := state.Scan(ctx, s.rt.Store(), kindUsage, r.Name, func(seg *Segment) error {
			if seg.End.IsZero() && seg.Kind != KindUpfront {
				b.open[seg.Key] = seg.Start.UnixNano()
			}
			return nil
		})
		if err != nil {
			return err
		}
		s.meterUnbilled(r, b, fresh.Put)
	}
	if err := s.rt.Store().Commit(ctx, fresh); err != nil {
		return fmt.Errorf("meter volumes: %w", err)
	}
	return nil
}

// meterUnbilled opens a stretch for every volume the meter has none for,
// from when the volume was made: root volumes whose records a load made
// for a store from before they had any (instance.ensureRoots), which no
// change metered.
func (s *Service) meterUnbilled(r *state.Region, b *meterBook, put func(key []byte, v any)) {
	state.Each(r, instance.Volumes, func(v *instance.Volume) bool {
		if _, ok := b.open[v.VolumeId]; !ok {
			seg := volumeUse(v, v.CreateTime)
			put(usageKey(r.Name, seg.Key, seg.Start.UnixNano()), &seg)
			b.open[seg.Key] = seg.Start.UnixNano()
		}
		return true
	})
}

// priceBook prices usage for billing: the catalogue, the spot history and
// the configured public IPv4 rate.
type priceBook struct {
	cat    *catalog.Catalog
	region string
	spot   map[[2]string][]market.PricePoint // (zone, type) -> changes, oldest first
	ipv4   float64
	// volumes are the EBS prices by volume type.
	volumes map[string]VolumePrice
}

func (p *priceBook) OnDemand(typ string) float64 { return p.cat.OnDemand(p.region, typ) }

func (p *priceBook) IPv4() float64 { return p.ipv4 }

func (p *priceBook) Volume(typ string) VolumePrice { return p.volumes[typ] }

// Spot is the price in force at a moment: the last change at or before it
// (the first one known, for a moment before the history).
func (p *priceBook) Spot(zone, typ string, at time.Time) float64 {
	pts := p.spot[[2]string{zone, typ}]
	if len(pts) == 0 {
		return p.cat.OnDemand(p.region, typ)
	}
	i := sort.Search(len(pts), func(i int) bool { return pts[i].At > at.Unix() })
	if i == 0 {
		return pts[0].Price
	}
	return pts[i-1].Price
}

// Bill is what the region's usage cost between Since and Until: running
// instances per second (one minute at least per start), spot at each
// hour's price, every public IPv4 address by the hour, reservations'
// upfront fees and the hours they cover at their rate.
func (s *Service) Bill(ctx context.Context, region string, in *ec2.BillInput) (*ec2.Bill, error) {
	if _, err := s.rt.Region(region); err != nil {
		return nil, err
	}
	until := in.Until
	if until.IsZero() {
		until = s.rt.Clock().Now()
	}
	since := in.Since
	if since.IsZero() {
		since = until.Add(-30 * 24 * time.Hour)
	}
	by := in.By
	if by == "" {
		by = ec2.ByInstance
	}
	segs, res, err := s.usageAndReservations(ctx, region)
	if err != nil {
		return nil, err
	}
	hist, err := s.mkt.History(ctx, region)
	if err != nil {
		return nil, err
	}
	ipv4, _ := strconv.ParseFloat(s.rt.Config().Pricing.PublicIPv4Hourly, 64)
	b, err := Compute(segs, res, &priceBook{cat: s.cat, region: region, spot: hist, ipv4: ipv4, volumes: s.volumes}, since, until, by)
	if err != nil {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "%v", err)
	}
	return b, nil
}

// usageAndReservations are a region's metered segments and purchases.
func (s *Service) usageAndReservations(ctx context.Context, region string) ([]Segment, []Reservation, error) {
	segs, err := s.usage(ctx, region)
	if err != nil {
		return nil, nil, err
	}
	res, err := s.reservations(ctx, region)
	return segs, res, err
}

// reservations are the region's purchases in billing's terms.
func (s *Service) reservations(ctx context.Context, region string) ([]Reservation, error) {
	ris, err := s.mkt.Reservations(ctx, region)
	if err != nil {
		return nil, err
	}
	out := make([]Reservation, 0, len(ris))
	for _, ri := range ris {
		hourly := 0.0
		for _, rc := range ri.RecurringCharges {
			hourly += rc.Amount
		}
		out = append(out, Reservation{ID: ri.ReservedInstancesId, Type: ri.InstanceType, Zone: ri.AvailabilityZone,
			Count: ri.InstanceCount, Hourly: hourly, Start: ri.Start, End: ri.End})
	}
	return out, nil
}
