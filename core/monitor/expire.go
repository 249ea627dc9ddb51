package monitor

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/ec2x/ec2x/core/store"
)

// Expire applies retention as of now, finest tier first: samples older than
// 15 days become 5-minute buckets, 5-minute buckets older than 63 days
// become 1-hour buckets, 1-hour buckets older than 455 days are deleted.
// Cutoffs round down to the next tier's resolution so that every bucket it
// writes is whole. The daemon runs it periodically with its clock's time;
// a run after a long downtime catches up in one go.
func (s *Store) Expire(ctx context.Context, now time.Time) error {
	s.expireMu.Lock()
	defer s.expireMu.Unlock()
	for ti := range tiers {
		cutoff := now.Add(-tiers[ti].keep).Unix()
		if ti+1 < len(tiers) {
			cutoff = floorTo(cutoff, tiers[ti+1].res)
		}
		var due []indexEntry
		err := s.scan(ctx, indexScope(ti), func(key, _ []byte) error {
			e, err := parseIndexKey(key)
			if err != nil {
				return err
			}
			if e.part >= cutoff {
				return errStop // the index sorts by partition: the rest is newer
			}
			due = append(due, e)
			return nil
		})
		if err != nil {
			return fmt.Errorf("expire %s metrics: %w", tiers[ti].name, err)
		}
		for _, e := range due {
			if err := s.expirePartition(ctx, ti, e, cutoff); err != nil {
				return fmt.Errorf("expire %s metrics of %s/%s: %w", tiers[ti].name, e.region, e.id, err)
			}
		}
		if ti == 0 {
			s.forgetIndexed(cutoff)
		}
	}
	return nil
}

// forgetIndexed drops Record's memory of 1m partitions wholly before cutoff:
// their index entries are gone, and the series may be long terminated.
func (s *Store) forgetIndexed(cutoff int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for series, part := range s.indexed {
		if part+tiers[0].part <= cutoff {
			delete(s.indexed, series)
		}
	}
}

// expirePartition moves the records of one partition older than cutoff into
// the next tier (or deletes them from the last tier), and drops the
// partition's index entry once the whole partition is past the cutoff.
func (s *Store) expirePartition(ctx context.Context, ti int, e indexEntry, cutoff int64) error {
	s.moveMu.Lock()
	defer s.moveMu.Unlock()

	var old [][]byte
	into := make(map[int64]*bucket) // next tier's buckets by start
	err := s.scan(ctx, partitionScope(e.region, e.id, ti, e.part), func(key, val []byte) error {
		t, err := keyTime(key)
		if err != nil {
			return err
		}
		if t >= cutoff {
			return errStop
		}
		old = append(old, append([]byte(nil), key...))
		if ti+1 == len(tiers) {
			return nil
		}
		bs := floorTo(t, tiers[ti+1].res)
		b := into[bs]
		if b == nil {
			b = new(bucket)
			into[bs] = b
		}
		if ti == 0 {
			v, _, err := decodeSample(val)
			if err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			b.addSample(&v)
			return nil
		}
		var src bucket
		r := bucketRecord{b: &src}
		if err := r.UnmarshalJSON(val); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		b.merge(&src)
		return nil
	})
	if err != nil {
		return err
	}

	batch, err := s.moveBatch(ctx, ti, e, into, old, cutoff)
	if err != nil {
		return err
	}
	if batch.Fits() {
		return s.st.Commit(ctx, batch)
	}
	for _, b := range batch.Split() {
		if err := s.st.Commit(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

// moveBatch is the writes of one partition's move: the next tier's
// buckets (merged with any that exist already) and their index entries,
// then the deletes. Writes come first: should the batch be too large for
// one transaction, a crash between its parts counts samples twice rather
// than losing them.
func (s *Store) moveBatch(ctx context.Context, ti int, e indexEntry, into map[int64]*bucket, old [][]byte, cutoff int64) (*store.Batch, error) {
	batch := store.NewBatch()
	starts := make([]int64, 0, len(into))
	for bs := range into {
		starts = append(starts, bs)
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
	indexed := make(map[int64]bool)
	for _, bs := range starts {
		b := into[bs]
		key := seriesKey(e.region, e.id, ti+1, bs)
		// A bucket may exist already when samples arrived late.
		var have bucket
		switch err := s.st.Get(ctx, key, &bucketRecord{b: &have}); {
		case err == nil:
			b.merge(&have)
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
		batch.Put(key, bucketRecord{b: b})
		if p := floorTo(bs, tiers[ti+1].part); !indexed[p] {
			batch.Put(indexKey(e.region, e.id, ti+1, p), nil)
			indexed[p] = true
		}
	}
	for _, k := range old {
		batch.Delete(k)
	}
	if e.part+tiers[ti].part <= cutoff {
		batch.Delete(indexKey(e.region, e.id, ti, e.part))
	}
	return batch, nil
}
