package state

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/ec2x/ec2x/core/store"
)

// Table is a kind of record a family keeps in every region. Records live in
// the store at <Kind>/<region>/<ID> (store's key layout) and in memory in
// the region, by ID.
type Table[T any] struct {
	Kind string
	ID   func(*T) string
}

// Reader reads a region's records: a Tx (seeing its own writes first) or
// a Region whose lock the caller holds.
type Reader interface {
	// Region is the region read.
	Region() *Region
	overlayOf(kind string) (overlay, bool)
}

// Region is r itself, so that a locked Region is a Reader.
func (r *Region) Region() *Region { return r }

func (r *Region) overlayOf(string) (overlay, bool) { return nil, false }

func (tx *Tx) overlayOf(kind string) (overlay, bool) { o, ok := tx.writes[kind]; return o, ok }

// live is the region's published records of a table (nil before the
// first: readers must not make it, they hold only the read lock).
func live[T any](r *Region, t Table[T]) map[string]*T {
	if m, ok := r.tables[t.Kind]; ok {
		return m.(map[string]*T)
	}
	return nil
}

// liveW is live for writers (publish, load), who hold the write lock and
// make the table on first use.
func liveW[T any](r *Region, t Table[T]) map[string]*T {
	if m := live(r, t); m != nil {
		return m
	}
	m := map[string]*T{}
	r.tables[t.Kind] = m
	return m
}

// Get returns the current version of a record, or nil.
func Get[T any](rd Reader, t Table[T], id string) *T {
	if o, ok := rd.overlayOf(t.Kind); ok {
		if v, ok := o.(*overlayOf[T]).m[id]; ok {
			return v
		}
	}
	return live(rd.Region(), t)[id]
}

// Published is the region's published records of a table, to read under
// the region's lock (never to change: records are copy on write).
func Published[T any](r *Region, t Table[T]) map[string]*T { return live(r, t) }

// Len is how many records the table holds, as rd sees it.
func Len[T any](rd Reader, t Table[T]) int {
	n := len(live(rd.Region(), t))
	if o, ok := rd.overlayOf(t.Kind); ok {
		pub := live(rd.Region(), t)
		for id, v := range o.(*overlayOf[T]).m {
			_, was := pub[id]
			switch {
			case v == nil && was:
				n--
			case v != nil && !was:
				n++
			}
		}
	}
	return n
}

// Each calls f with every record as rd sees it, in no order, until f
// returns false.
func Each[T any](rd Reader, t Table[T], f func(*T) bool) {
	pub := live(rd.Region(), t)
	var ov map[string]*T
	if o, ok := rd.overlayOf(t.Kind); ok {
		ov = o.(*overlayOf[T]).m
	}
	for id, v := range pub {
		if nv, ok := ov[id]; ok {
			if nv == nil {
				continue
			}
			v = nv
		}
		if !f(v) {
			return
		}
	}
	for id, v := range ov {
		if _, was := pub[id]; !was && v != nil {
			if !f(v) {
				return
			}
		}
	}
}

// Sorted lists the records as rd sees them, by ID.
func Sorted[T any](rd Reader, t Table[T]) []*T {
	var out []*T
	Each(rd, t, func(v *T) bool { out = append(out, v); return true })
	sort.Slice(out, func(i, j int) bool { return t.ID(out[i]) < t.ID(out[j]) })
	return out
}

// Put writes a new version of a record in tx.
func Put[T any](tx *Tx, t Table[T], v *T) { set(tx, t, t.ID(v), v) }

// Delete deletes a record in tx.
func Delete[T any](tx *Tx, t Table[T], id string) { set(tx, t, id, nil) }

func set[T any](tx *Tx, t Table[T], id string, v *T) {
	o, ok := tx.writes[t.Kind]
	if !ok {
		o = &overlayOf[T]{t: t, m: map[string]*T{}}
		tx.writes[t.Kind] = o
	}
	m := o.(*overlayOf[T]).m
	prev, seen := m[id]
	if !seen {
		tx.order = append(tx.order, wkey{t.Kind, id})
	}
	m[id] = v
	// A log entry, not a closure: a launch of a thousand writes thousands.
	tx.writeLog = append(tx.writeLog, written{o: o, id: id, prev: prev, had: seen})
}

// written is how to undo one record write: the version the Tx had before
// (none: the write added the key to the Tx's order).
type written struct {
	o    overlay
	id   string
	prev any
	had  bool
}

// overlay is a Tx's writes to one table, whatever its record type.
type overlay interface {
	write(b *store.Batch, region, id string)
	publish(r *Region, id string)
	// restore puts back the Tx's version of id before a write.
	restore(id string, prev any, had bool)
}

type overlayOf[T any] struct {
	t Table[T]
	m map[string]*T // nil value: deleted
}

func (o *overlayOf[T]) write(b *store.Batch, region, id string) {
	k := store.Key(o.t.Kind, region, id)
	if v := o.m[id]; v != nil {
		b.Put(k, v)
	} else {
		b.Delete(k)
	}
}

func (o *overlayOf[T]) restore(id string, prev any, had bool) {
	if had {
		o.m[id], _ = prev.(*T)
	} else {
		delete(o.m, id)
	}
}

func (o *overlayOf[T]) publish(r *Region, id string) {
	m := liveW(r, o.t)
	if v := o.m[id]; v != nil {
		m[id] = v
	} else {
		delete(m, id)
	}
}

// Load reads every record of a table in a region from the store into
// memory, calling each (when not nil) with every record as it comes; an
// error from each stops the load. Call before the region is shared.
func Load[T any](ctx context.Context, r *Region, t Table[T], each func(*T) error) error {
	m := liveW(r, t)
	return Scan(ctx, r.rt.st, t.Kind, r.Name, func(v *T) error {
		m[t.ID(v)] = v
		if each != nil {
			return each(v)
		}
		return nil
	})
}

// Scan decodes every record of a kind in a region from the store, in key
// order (for kinds kept on disk only: reservations, usage).
func Scan[T any](ctx context.Context, st *store.Store, kind, region string, fn func(*T) error) error {
	return st.Scan(ctx, kind, region, func(k, v []byte) error {
		r := new(T)
		if err := json.Unmarshal(v, r); err != nil {
			return fmt.Errorf("decode %s: %w", k, err)
		}
		return fn(r)
	})
}

// Seed puts a record straight into memory while loading (a record made at
// start, whose write goes in the start-up batch).
func Seed[T any](r *Region, t Table[T], v *T) { liveW(r, t)[t.ID(v)] = v }
