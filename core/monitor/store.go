package monitor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/internal/clock"
)

// Store keeps metric series in the daemon's store. It is safe for
// concurrent use; one Store per store.Store, as it remembers what it indexed.
type Store struct {
	st  *store.Store
	clk clock.Clock

	// moveMu keeps a query from seeing a sample in two tiers or in none:
	// queries read under RLock, Expire moves records under Lock.
	moveMu sync.RWMutex
	// expireMu runs one Expire at a time.
	expireMu sync.Mutex

	// mu guards indexed: the last 1m partition indexed per series, so that
	// Record writes an index key once per series per partition.
	mu      sync.Mutex
	indexed map[seriesID]int64

	// commits counts transactions written by Record (tests read it).
	commits atomic.Int64
}

// New returns the metric store over st; clk tells Query and Latest what
// "now" is.
func New(st *store.Store, clk clock.Clock) *Store {
	return &Store{st: st, clk: clk, indexed: make(map[seriesID]int64)}
}

// seriesID names one instance's series.
type seriesID struct{ region, id string }

// Record writes samples of instances of region, typically one tick of the
// sampler: one record per sample, in as few transactions as fit (the
// samples are independent, so they need not commit together). A sample at
// the same second as an earlier one of its instance replaces it; one older
// than 15 days is refused.
func (s *Store) Record(ctx context.Context, region string, samples []Sample) error {
	if err := validName("region", region); err != nil {
		return err
	}
	// Older samples would land where Expire has already been.
	oldest := s.clk.Now().Add(-tiers[0].keep)
	for i := range samples {
		smp := &samples[i]
		if err := validName("instance ID", smp.InstanceID); err != nil {
			return err
		}
		if smp.At.IsZero() {
			return missing("sample time")
		}
		if smp.At.Before(oldest) {
			return invalidValue("the sample of %s at %s is older than %s", smp.InstanceID,
				smp.At.UTC().Format(time.RFC3339), days(tiers[0].keep))
		}
	}

	type mark struct {
		series seriesID
		part   int64
	}
	var marks []mark
	marked := make(map[mark]bool)
	b := store.NewBatch()
	s.mu.Lock()
	for i := range samples {
		smp := &samples[i]
		t := smp.At.Unix()
		b.Put(seriesKey(region, smp.InstanceID, 0, t), sampleRecord{v: &smp.Values, launch: smp.LaunchCredits})
		m := mark{seriesID{region, smp.InstanceID}, floorTo(t, tiers[0].part)}
		if p, ok := s.indexed[m.series]; (!ok || p != m.part) && !marked[m] {
			b.Put(indexKey(region, smp.InstanceID, 0, m.part), nil)
			marks = append(marks, m)
			marked[m] = true
		}
	}
	s.mu.Unlock()

	if err := s.commitAll(ctx, b); err != nil {
		return fmt.Errorf("record metrics: %w", err)
	}
	// Remember the index only once it is durable, or a failed commit would
	// leave a partition that Expire never finds.
	s.mu.Lock()
	for _, m := range marks {
		if p, ok := s.indexed[m.series]; !ok || m.part > p {
			s.indexed[m.series] = m.part
		}
	}
	s.mu.Unlock()
	return nil
}

// commitAll commits b, split into transactions that fit, all queued at once
// so that they share fsyncs.
func (s *Store) commitAll(ctx context.Context, b *store.Batch) error {
	if b.Len() == 0 {
		return nil
	}
	parts := []*store.Batch{b}
	if !b.Fits() {
		parts = b.Split()
	}
	errs := make(chan error, len(parts))
	for _, p := range parts {
		s.commits.Add(1)
		s.st.CommitAsync(ctx, p, func(err error) { errs <- err })
	}
	var first error
	for range parts {
		select {
		case err := <-errs:
			if err != nil && first == nil {
				first = err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return first
}

// errStop ends a scan early.
var errStop = errors.New("stop scan")

// scan calls fn for every record of one partition, oldest first.
func (s *Store) scan(ctx context.Context, scope string, fn func(key, val []byte) error) error {
	err := s.st.Scan(ctx, store.KindMetric, scope, fn)
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// oldestPartition returns the first partition in tier ti's index (of any
// series), or false when the tier holds nothing. Nothing older exists, so
// scans start there.
func (s *Store) oldestPartition(ctx context.Context, ti int) (int64, bool, error) {
	var part int64
	found := false
	err := s.scan(ctx, indexScope(ti), func(key, _ []byte) error {
		e, err := parseIndexKey(key)
		if err != nil {
			return err
		}
		part, found = e.part, true
		return errStop
	})
	return part, found, err
}

// Latest returns the newest sample of an instance within the 1-minute
// retention, or ErrNoData. The sampler uses it to restore credit balances
// after a restart; `ec2x top` should read the sampler's own copy.
func (s *Store) Latest(ctx context.Context, region, id string) (Sample, error) {
	if err := validName("region", region); err != nil {
		return Sample{}, err
	}
	if err := validName("instance ID", id); err != nil {
		return Sample{}, err
	}
	now := s.clk.Now().Unix()
	span := tiers[0].part
	oldest, ok, err := s.oldestPartition(ctx, 0)
	if err != nil {
		return Sample{}, err
	}
	if !ok {
		return Sample{}, ErrNoData
	}
	oldest = max(oldest, floorTo(now-int64(tiers[0].keep/time.Second), span))
	// One partition ahead covers a sampler clock slightly ahead of ours.
	for part := floorTo(now, span) + span; part >= oldest; part -= span {
		var last []byte
		var lastKey []byte
		err := s.scan(ctx, partitionScope(region, id, 0, part), func(key, val []byte) error {
			last = append(last[:0], val...)
			lastKey = append(lastKey[:0], key...)
			return nil
		})
		if err != nil {
			return Sample{}, err
		}
		if lastKey == nil {
			continue
		}
		t, err := keyTime(lastKey)
		if err != nil {
			return Sample{}, err
		}
		v, launch, err := decodeSample(last)
		if err != nil {
			return Sample{}, err
		}
		return Sample{InstanceID: id, At: time.Unix(t, 0).UTC(), Values: v, LaunchCredits: launch}, nil
	}
	return Sample{}, ErrNoData
}
