package billing

import (
	"fmt"
	"sort"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// TypeLoad is what the current fleet runs of one instance type, with the
// prices a comparison needs.
type TypeLoad struct {
	Type string
	// Count instances are running now; Interruptible of them are spot
	// instances or tagged as able to take interruptions.
	Count, Interruptible int
	// Base of the others ran without a break through the whole lookback:
	// steady load that a reservation would be busy with every hour.
	Base int
	// Owned instance-hours per hour are covered by reservations already
	// bought, at OwnedHourly each.
	Owned       int
	OwnedHourly float64
	// OnDemand and Spot are per-instance hourly prices; Spot is the mean of
	// the current prices in the zones the instances run in.
	OnDemand, Spot float64
	// Reserved is the effective hourly rate of each reservation plan.
	Reserved map[string]float64
}

// Reservation plans that comparisons price, by name.
const (
	Plan1yrNoUpfront  = "reserved-1yr-no-upfront"
	Plan3yrAllUpfront = "reserved-3yr-all-upfront"
)

// Compare prices loads over hours. The recommendation puts interruptible
// work on spot, lets reservations already owned cover what they can,
// reserves the steady base load on the cheapest plan, and leaves the rest
// on-demand.
func Compare(loads []TypeLoad, hours float64, lookback time.Duration) (*ec2.Comparison, error) {
	if hours <= 0 {
		return nil, fmt.Errorf("hours must be positive, not %g", hours)
	}
	sort.Slice(loads, func(i, j int) bool { return loads[i].Type < loads[j].Type })
	c := &ec2.Comparison{Hours: hours, Lookback: lookback.String(), Scenarios: []ec2.Scenario{}, Recommendation: []ec2.Advice{}}
	var od, spot, mix float64
	plans := map[string]float64{}
	for _, l := range loads {
		c.Instances += l.Count
		n := float64(l.Count)
		od += n * l.OnDemand * hours
		spot += n * l.Spot * hours
		for name, rate := range l.Reserved {
			plans[name] += n * rate * hours
		}
		for _, a := range advise(l, hours) {
			mix += a.Cost
			c.Recommendation = append(c.Recommendation, a)
		}
	}
	add := func(name string, cost float64, note string) {
		s := ec2.Scenario{Name: name, Cost: Cents(cost), Savings: Cents(od - cost), Note: note}
		if od > 0 {
			s.SavingsPercent = round1(100 * (od - cost) / od)
		}
		c.Scenarios = append(c.Scenarios, s)
	}
	add(OptionOnDemand, od, "pay by the second, no commitment")
	add(OptionSpot, spot, "at today's spot prices; any instance may be interrupted with two minutes' notice")
	names := make([]string, 0, len(plans))
	for n := range plans {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		add(n, plans[n], "every instance reserved, standard class, effective rate over the term")
	}
	add("recommended", mix, "the mix below")
	return c, nil
}

// advise splits one type's instances between purchase options.
func advise(l TypeLoad, hours float64) []ec2.Advice {
	var out []ec2.Advice
	line := func(n int, option string, hourly float64, why string) {
		if n > 0 {
			out = append(out, ec2.Advice{InstanceType: l.Type, Count: n, Option: option, Hourly: hourly,
				Cost: Cents(float64(n) * hourly * hours), Why: why})
		}
	}
	spotN := min(l.Interruptible, l.Count)
	line(spotN, OptionSpot, l.Spot, fmt.Sprintf("spot now or tagged ec2x:interruptible: can take interruptions, and spot is %s below on-demand",
		pct(l.OnDemand, l.Spot)))
	rest := l.Count - spotN
	owned := min(l.Owned, rest)
	line(owned, "reserved (owned)", l.OwnedHourly, "covered by reservations already bought")
	rest -= owned
	plan, rate := cheapest(l.Reserved)
	steady := min(max(l.Base-owned, 0), rest)
	if plan == "" || rate >= l.OnDemand {
		steady = 0
	}
	line(steady, plan, rate, fmt.Sprintf("ran without a break through the lookback: steady base load, and %s is the cheapest effective rate, %s below on-demand",
		plan, pct(l.OnDemand, rate)))
	rest -= steady
	why := "load that came and went during the lookback: pay as you go"
	if l.Base == 0 && l.Count > 0 {
		why = "none of this type ran through the whole lookback: pay as you go until the load proves steady"
	}
	line(rest, OptionOnDemand, l.OnDemand, why)
	return out
}

// cheapest is the plan with the lowest effective rate.
func cheapest(plans map[string]float64) (string, float64) {
	best, rate := "", 0.0
	for n, r := range plans {
		if best == "" || r < rate || (r == rate && n < best) {
			best, rate = n, r
		}
	}
	return best, rate
}

func pct(base, v float64) string {
	if base <= 0 {
		return "0%"
	}
	return fmt.Sprintf("%.0f%%", 100*(base-v)/base)
}

func round1(v float64) float64 { return float64(int64(v*10+sign(v)*0.5)) / 10 }

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// SteadyCount is the fewest instances of a type that ran at any moment in
// [lo, hi): the instance segments' minimum overlap, which is how many a
// reservation would have kept busy every hour. Spot segments are left out.
func SteadyCount(segs []Segment, typ string, lo, hi time.Time) int {
	type ev struct {
		at time.Time
		d  int
	}
	n := 0
	var evs []ev
	for _, s := range segs {
		if s.Kind != KindInstance || s.Type != typ || s.Lifecycle == OptionSpot {
			continue
		}
		end := s.End
		if !end.IsZero() && !end.After(lo) || !s.Start.Before(hi) {
			continue
		}
		if s.Start.After(lo) {
			evs = append(evs, ev{s.Start, +1})
		} else {
			n++
		}
		if !end.IsZero() && end.Before(hi) {
			evs = append(evs, ev{end, -1})
		}
	}
	// Ends before starts at the same moment: a stop and a start in one
	// instant leave a gap, however short.
	sort.Slice(evs, func(i, j int) bool {
		if !evs[i].at.Equal(evs[j].at) {
			return evs[i].at.Before(evs[j].at)
		}
		return evs[i].d < evs[j].d
	})
	least := n
	for _, e := range evs {
		n += e.d
		least = min(least, n)
	}
	return least
}
