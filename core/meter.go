package core

import (
	"context"
	"fmt"
	"time"

	"github.com/ec2x/ec2x/core/billing"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/store"
)

// kindUsage keys metered use: use/<region>/<key>/<start unix ns>, where key
// is an instance ID, a public address or a reservation ID.
const kindUsage = "use"

func usageKey(region, key string, start int64) []byte {
	return store.Key(kindUsage, region, key, fmt.Sprintf("%019d", start))
}

// openUse starts a stretch of billed use within t. Memory keeps only when
// each open stretch began (a fleet of 100,000 has 200,000 of them); the
// rest is in the record and known again when the stretch closes.
func (t *tx) openUse(seg billing.Segment) {
	rs := t.rs
	start := seg.Start.UnixNano()
	t.meter()[seg.Key] = start
	t.putOther(usageKey(rs.name, seg.Key, start), &seg, func() { rs.openUse[seg.Key] = start })
}

// closeUse ends the open stretch of seg.Key, if any; seg carries what the
// record says of it (kind, type, zone, lifecycle).
func (t *tx) closeUse(seg billing.Segment, end time.Time) {
	rs := t.rs
	m := t.meter()
	start, inTx := m[seg.Key]
	if !inTx {
		var ok bool
		if start, ok = rs.openUse[seg.Key]; !ok {
			return
		}
	}
	if start == 0 {
		return // closed earlier in this change
	}
	seg.Start, seg.End = time.Unix(0, start).UTC(), end
	m[seg.Key] = 0
	key := seg.Key
	t.putOther(usageKey(rs.name, key, start), &seg, func() { delete(rs.openUse, key) })
}

// meter is t's view of open stretches it changed (0: closed).
func (t *tx) meter() map[string]int64 {
	if t.use == nil {
		t.use = map[string]int64{}
	}
	return t.use
}

// instanceUse is an instance's billing segment shape.
func instanceUse(r *instRecord) billing.Segment {
	life := billing.OptionOnDemand
	if r.spot() {
		life = billing.OptionSpot
	}
	return billing.Segment{Kind: billing.KindInstance, Key: r.InstanceId, Type: r.InstanceType,
		Zone: r.Placement.AvailabilityZone, Lifecycle: life, Start: r.StateSince}
}

// meterInstance opens or closes an instance's running stretch when its
// state enters or leaves running: only running is billed.
func (t *tx) meterInstance(old, n *instRecord) {
	was := old != nil && old.State.Name == ec2.StateRunning
	is := n.State.Name == ec2.StateRunning
	switch {
	case !was && is:
		t.openUse(instanceUse(n))
	case was && !is:
		t.closeUse(instanceUse(old), n.StateSince)
	}
}

// loadUsage finds the stretches still open after a restart.
func (c *Cloud) loadUsage(ctx context.Context, rs *regionState) error {
	return scanKind(ctx, c.st, kindUsage, rs.name, func(s *billing.Segment) error {
		if s.End.IsZero() && s.Kind != billing.KindUpfront {
			rs.openUse[s.Key] = s.Start.UnixNano()
		}
		return nil
	})
}
