package billing

import (
	"context"
	"fmt"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/instance"
	"github.com/ec2x/ec2x/core/market"
	"github.com/ec2x/ec2x/core/network"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/store"
)

// kindUsage keys metered use: use/<region>/<key>/<start unix ns>, where key
// is an instance ID, a public address or a reservation ID.
const kindUsage = "use"

func usageKey(region, key string, start int64) []byte {
	return store.Key(kindUsage, region, key, fmt.Sprintf("%019d", start))
}

// meterKey is the Tx scratch key of the meter's view of open stretches.
type meterKey struct{}

// observe meters what a change does, inside its Tx: an instance that
// starts or stops running, a public address taken from or given back to
// the pool, a reservation's upfront fee.
func (s *Service) observe(tx *state.Tx, event any) {
	switch e := event.(type) {
	case instance.Changed:
		was := e.Old != nil && e.Old.State.Name == ec2.StateRunning
		is := e.New.State.Name == ec2.StateRunning
		switch {
		case !was && is:
			s.open(tx, instanceUse(e.New))
		case was && !is:
			s.close(tx, instanceUse(e.Old), e.New.StateSince)
		}
	case network.PublicIPClaimed:
		// Every public address is billed from the pool to its return.
		s.open(tx, Segment{Kind: KindIPv4, Key: e.Addr, Start: e.At})
	case network.PublicIPFreed:
		s.close(tx, Segment{Kind: KindIPv4, Key: e.Addr}, e.At)
	case instance.VolumeChanged:
		switch {
		case e.Old == nil && e.New != nil:
			s.open(tx, volumeUse(e.New, e.At))
		case e.New == nil && e.Old != nil:
			s.close(tx, volumeUse(e.Old, e.At), e.At)
		case e.Old != nil && !sameUse(e.Old, e.New):
			s.close(tx, volumeUse(e.Old, e.At), e.At)
			s.open(tx, volumeUse(e.New, e.At))
		}
	case instance.SnapshotChanged:
		switch {
		case e.Old == nil && e.New != nil:
			s.open(tx, snapshotUse(e.New, e.At))
		case e.New == nil && e.Old != nil:
			s.close(tx, snapshotUse(e.Old, e.At), e.At)
		case e.Old != nil && e.Old.Tier != e.New.Tier:
			s.close(tx, snapshotUse(e.Old, e.At), e.At)
			s.open(tx, snapshotUse(e.New, e.At))
		}
	case market.Purchased:
		ri := e.Reservation
		tx.PutKey(usageKey(tx.Region().Name, ri.ReservedInstancesId, e.At.UnixNano()), &Segment{Kind: KindUpfront,
			Key: ri.ReservedInstancesId, Type: ri.InstanceType, Start: e.At, End: e.At, Amount: e.Fee}, nil)
	}
}

// instanceUse is an instance's billing segment shape.
func instanceUse(r *instance.Record) Segment {
	life := OptionOnDemand
	if r.Spot() {
		life = OptionSpot
	}
	return Segment{Kind: KindInstance, Key: r.InstanceId, Type: r.InstanceType,
		Zone: r.Placement.AvailabilityZone, Lifecycle: life, Start: r.StateSince}
}

// meter is tx's view of the open stretches it changed (0: closed in tx).
func meter(tx *state.Tx) map[string]int64 {
	return tx.Scratch(meterKey{}, func() any { return map[string]int64{} }).(map[string]int64)
}

// setMeter changes tx's view of one stretch, undone with the Tx.
func setMeter(tx *state.Tx, key string, start int64) {
	m := meter(tx)
	prev, had := m[key]
	m[key] = start
	tx.OnRollback(func() {
		if had {
			m[key] = prev
		} else {
			delete(m, key)
		}
	})
}

// open starts a stretch of billed use within tx. Memory keeps only when
// each open stretch began (a fleet of 100,000 has 200,000 of them); the
// rest is in the record and known again when the stretch closes.
func (s *Service) open(tx *state.Tx, seg Segment) {
	region := tx.Region().Name
	start := seg.Start.UnixNano()
	setMeter(tx, seg.Key, start)
	book := s.books[region]
	tx.PutKey(usageKey(region, seg.Key, start), &seg, func() { book.open[seg.Key] = start })
}

// close ends the open stretch of seg.Key, if any; seg carries what the
// record says of it (kind, type, zone, lifecycle).
func (s *Service) close(tx *state.Tx, seg Segment, end time.Time) {
	region := tx.Region().Name
	book := s.books[region]
	start, inTx := meter(tx)[seg.Key]
	if !inTx {
		var ok bool
		if start, ok = book.open[seg.Key]; !ok {
			return
		}
	}
	if start == 0 {
		return // closed earlier in this change
	}
	seg.Start, seg.End = time.Unix(0, start).UTC(), end
	setMeter(tx, seg.Key, 0)
	key := seg.Key
	tx.PutKey(usageKey(region, key, start), &seg, func() { delete(book.open, key) })
}

// usage is every metered segment of a region.
func (s *Service) usage(ctx context.Context, region string) ([]Segment, error) {
	var segs []Segment
	err := state.Scan(ctx, s.rt.Store(), kindUsage, region, func(seg *Segment) error {
		segs = append(segs, *seg)
		return nil
	})
	return segs, err
}
