// Package billing turns metered usage into a bill, as AWS bills EC2:
// running instances per second with a one-minute minimum per start, spot
// instances at the price of each hour, public IPv4 addresses per hour
// whether in use or idle, reservations' upfront fees when bought and their
// hourly rate for the instance-hours they cover, EBS volumes by GB-month
// (and IOPS and throughput above the free baseline) per second.
//
// The Service meters the segments as an observer of every change (an
// instance that starts or stops running, a public address taken from or
// returned to the pool, a reservation bought, a volume made, changed or
// deleted), inside that change's
// transaction, and answers Bill and CostCompare; it owns use/ in the store.
// Compute and Compare are pure arithmetic over segments.
package billing

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// Segment kinds.
const (
	KindInstance = "instance" // a running instance
	KindIPv4     = "ipv4"     // a public IPv4 address held
	KindUpfront  = "upfront"  // a reservation's upfront fee
)

// Purchase options, for lines by option.
const (
	OptionOnDemand = "on-demand"
	OptionSpot     = "spot"
	OptionReserved = "reserved"
	OptionIPv4     = "public-ipv4"
)

// Segment is one stretch of metered use. End is zero while it lasts.
type Segment struct {
	Kind      string    `json:"Kind"`
	Key       string    `json:"Key"` // instance ID, address, or reservation ID
	Type      string    `json:"Type,omitempty"`
	Zone      string    `json:"Zone,omitempty"`
	Lifecycle string    `json:"Lifecycle,omitempty"` // on-demand or spot
	Start     time.Time `json:"Start"`
	End       time.Time `json:"End,omitzero"`
	Amount    float64   `json:"Amount,omitempty"` // upfront fees
	// Size (GiB), Iops and Throughput (MiB/s) are a volume's.
	Size       int `json:"Size,omitempty"`
	Iops       int `json:"Iops,omitempty"`
	Throughput int `json:"Throughput,omitempty"`
}

// Reservation is a reserved-instance purchase: Count instances of Type
// (in Zone, or anywhere in the region when Zone is empty) billed at
// Hourly between Start and End.
type Reservation struct {
	ID     string
	Type   string
	Zone   string
	Count  int
	Hourly float64
	Start  time.Time
	End    time.Time
}

// Prices are what usage costs.
type Prices interface {
	// OnDemand is a type's price per hour.
	OnDemand(typ string) float64
	// Spot is a type's spot price per hour in a zone at a moment.
	Spot(zone, typ string, at time.Time) float64
	// IPv4 is a public address's price per hour.
	IPv4() float64
	// Volume is a volume type's monthly prices.
	Volume(typ string) VolumePrice
}

// charge is one priced piece of use before grouping.
type charge struct {
	instance, typ, option string
	hours, amount         float64
	unit                  string
}

// Compute bills the segments in [since, until) grouped by by. Instance
// segments get their one-minute minimum per start; an instance-hour a
// matching reservation covers is billed at its rate instead.
func Compute(segs []Segment, res []Reservation, p Prices, since, until time.Time, by string) (*ec2.Bill, error) {
	switch by {
	case ec2.ByInstance, ec2.ByType, ec2.ByOption:
	default:
		return nil, fmt.Errorf("group by %q: use instance, type or option", by)
	}
	if !since.Before(until) {
		return nil, fmt.Errorf("since (%s) must be before until (%s)", since.Format(time.RFC3339), until.Format(time.RFC3339))
	}
	var charges []charge
	covered := newCoverage(res)
	for _, s := range segs {
		end := s.End
		if end.IsZero() || end.After(until) {
			end = until
		}
		switch s.Kind {
		case KindUpfront:
			if !s.Start.Before(since) && s.Start.Before(until) {
				charges = append(charges, charge{instance: s.Key, typ: s.Type, option: OptionReserved, hours: 1, amount: s.Amount, unit: "Purchase"})
			}
		case KindIPv4:
			if h := overlap(s.Start, end, since, until).Hours(); h > 0 {
				charges = append(charges, charge{instance: s.Key, typ: "public-ipv4", option: OptionIPv4, hours: h, amount: h * p.IPv4(), unit: "Hrs"})
			}
		case KindInstance:
			charges = append(charges, instanceCharges(s, end, since, until, p, covered)...)
		case KindVolume, KindSnapshot:
			charges = append(charges, volumeCharges(s, end, since, until, p.Volume(s.Type))...)
		}
	}
	return group(charges, since, until, by), nil
}

// instanceCharges prices one running stretch, hour by hour, so that spot
// prices and reservation coverage apply per hour as AWS applies them.
func instanceCharges(s Segment, end, since, until time.Time, p Prices, cov *coverage) []charge {
	// The one-minute minimum: a stretch shorter than a minute bills as one.
	if s.End.IsZero() || s.End.Sub(s.Start) >= time.Minute {
		// as it is
	} else {
		end = s.Start.Add(time.Minute)
	}
	var out []charge
	for a := s.Start; a.Before(end); {
		b := a.Truncate(time.Hour).Add(time.Hour)
		if b.After(end) {
			b = end
		}
		d := overlap(a, b, since, until)
		if d > 0 {
			h := d.Hours()
			switch {
			case s.Lifecycle == OptionSpot:
				out = append(out, charge{s.Key, s.Type, OptionSpot, h, h * p.Spot(s.Zone, s.Type, a), "Hrs"})
			default:
				rh, rate := cov.take(s.Type, s.Zone, a, h)
				if rh > 0 {
					out = append(out, charge{s.Key, s.Type, OptionReserved, rh, rh * rate, "Hrs"})
				}
				if h-rh > 1e-12 {
					out = append(out, charge{s.Key, s.Type, OptionOnDemand, h - rh, (h - rh) * p.OnDemand(s.Type), "Hrs"})
				}
			}
		}
		a = b
	}
	return out
}

// overlap is the length of [a, b) within [lo, hi).
func overlap(a, b, lo, hi time.Time) time.Duration {
	if a.Before(lo) {
		a = lo
	}
	if b.After(hi) {
		b = hi
	}
	if !a.Before(b) {
		return 0
	}
	return b.Sub(a)
}

// coverage hands out reservations' instance-hours, clock hour by clock
// hour: each reservation covers Count instance-hours per hour.
type coverage struct {
	res  []Reservation
	used map[string]float64 // reservation + hour -> instance-hours given
}

func newCoverage(res []Reservation) *coverage {
	sorted := append([]Reservation(nil), res...)
	// Zonal reservations first: they match fewer instances.
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Zone != "" && sorted[j].Zone == "" })
	return &coverage{res: sorted, used: map[string]float64{}}
}

// take gives up to h hours of coverage for a type and zone during the hour
// starting at or containing at; it returns the hours covered and the rate.
func (c *coverage) take(typ, zone string, at time.Time, h float64) (float64, float64) {
	hour := at.Truncate(time.Hour)
	for _, r := range c.res {
		if r.Type != typ || (r.Zone != "" && r.Zone != zone) || at.Before(r.Start) || !at.Before(r.End) {
			continue
		}
		k := r.ID + hour.Format(time.RFC3339)
		free := float64(r.Count) - c.used[k]
		if free <= 1e-12 {
			continue
		}
		give := math.Min(free, h)
		c.used[k] += give
		return give, r.Hourly
	}
	return 0, 0
}

// group sums charges into lines, in cents-exact totals.
func group(charges []charge, since, until time.Time, by string) *ec2.Bill {
	type acc struct {
		kind, unit string
		qty, amt   float64
	}
	lines := map[string]*acc{}
	var order []string
	for _, c := range charges {
		key := c.instance
		switch by {
		case ec2.ByType:
			key = c.typ
		case ec2.ByOption:
			key = c.option
		}
		k := key + "\x00" + c.option + "\x00" + c.unit
		a := lines[k]
		if a == nil {
			a = &acc{kind: c.option, unit: c.unit}
			lines[k] = a
			order = append(order, k)
		}
		a.qty += c.hours
		a.amt += c.amount
	}
	sort.Strings(order)
	b := &ec2.Bill{Since: since, Until: until, Lines: []ec2.Line{}}
	for _, k := range order {
		a := lines[k]
		key := k[:indexByte(k, 0)]
		amt := Cents(a.amt)
		b.Lines = append(b.Lines, ec2.Line{Key: key, Kind: a.kind, Quantity: math.Round(a.qty*1e6) / 1e6, Unit: a.unit, Amount: amt})
		b.Total += amt
	}
	b.Total = Cents(b.Total)
	return b
}

// Cents rounds an amount to the cent, half away from zero, as a bill does.
func Cents(v float64) float64 { return math.Round(v*100) / 100 }

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return len(s)
}
