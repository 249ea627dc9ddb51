package state

import (
	"context"

	"github.com/ec2x/ec2x/core/store"
)

// Tx is one request's change to one region: new versions of records,
// deletions, other keyed writes, claims on in-memory books (hosts,
// addresses) with how to undo them, and work to do once the change is
// durable. Nothing is visible to readers until it is published. A Tx lives
// under its region's write lock: use it only inside the Update that made it.
type Tx struct {
	r *Region
	// writes are the table overlays by kind; order keeps the writes in
	// the order made, so the batch is deterministic.
	writes map[string]overlay
	order  []wkey
	raw    []rawWrite
	undo   []func()
	// writeLog undoes record writes, newest last.
	writeLog []written
	after    []func(ctx context.Context)
	// publish are what to do in memory once the change is committed.
	publish []func()
	// woken is the region's changed channel this change replaced: closed
	// once the lock is released, so waiters do not wake into a held lock.
	woken chan struct{}
	// scratch is per-Tx state of observers and families.
	scratch map[any]any
}

type wkey struct{ kind, id string }

// rawWrite is a write of a key outside any table (histories, usage).
type rawWrite struct {
	key []byte
	val any // nil: delete
}

func newTx(r *Region) *Tx { return &Tx{r: r, writes: map[string]overlay{}} }

// Region is the region the Tx changes.
func (tx *Tx) Region() *Region { return tx.r }

// PutKey writes a value (JSON) at key, outside any table; publish, when
// not nil, makes it visible in memory once the change is committed.
func (tx *Tx) PutKey(key []byte, val any, publish func()) {
	tx.raw = append(tx.raw, rawWrite{key, val})
	if publish != nil {
		tx.publish = append(tx.publish, publish)
	}
}

// DeleteKey deletes a key outside any table.
func (tx *Tx) DeleteKey(key []byte) { tx.raw = append(tx.raw, rawWrite{key: key}) }

// OnPublish runs f in memory when the change is committed (under the
// region's lock): for indexes a family keeps beside its tables.
func (tx *Tx) OnPublish(f func()) { tx.publish = append(tx.publish, f) }

// OnRollback registers how to undo a claim on an in-memory book.
func (tx *Tx) OnRollback(f func()) { tx.undo = append(tx.undo, f) }

// After runs f once the change is durable, outside the region's lock,
// with a context that is not cancelled with the request's (driver calls:
// a launch's guests boot even if the client hangs up).
func (tx *Tx) After(f func(ctx context.Context)) { tx.after = append(tx.after, f) }

// Emit hands an event to the runtime's observers, inside the Tx.
func (tx *Tx) Emit(event any) {
	tx.r.rt.obsMu.RLock()
	obs := tx.r.rt.observers
	tx.r.rt.obsMu.RUnlock()
	for _, o := range obs {
		o(tx, event)
	}
}

// Scratch returns the Tx's value for key, made by init on first use: state
// an observer or a family keeps for the length of one change.
func (tx *Tx) Scratch(key any, init func() any) any {
	if tx.scratch == nil {
		tx.scratch = map[any]any{}
	}
	v, ok := tx.scratch[key]
	if !ok {
		v = init()
		tx.scratch[key] = v
	}
	return v
}

// Savepoint marks a point in a Tx to roll back to.
type Savepoint struct{ undo, writes, raw, publish, after int }

// Savepoint marks the Tx as it is now, for RollbackTo.
func (tx *Tx) Savepoint() Savepoint {
	return Savepoint{len(tx.undo), len(tx.writeLog), len(tx.raw), len(tx.publish), len(tx.after)}
}

// RollbackTo undoes everything done since the savepoint: claims on books,
// record writes (their previous versions come back), other writes and
// what was registered to run at publish or after the commit.
func (tx *Tx) RollbackTo(sp Savepoint) {
	for i := len(tx.undo) - 1; i >= sp.undo; i-- {
		tx.undo[i]()
	}
	tx.undo = tx.undo[:sp.undo]
	for i := len(tx.writeLog) - 1; i >= sp.writes; i-- {
		w := tx.writeLog[i]
		w.o.restore(w.id, w.prev, w.had)
		if !w.had {
			// Undone newest first, so the key this write added to the
			// order is the last one.
			tx.order = tx.order[:len(tx.order)-1]
		}
	}
	tx.writeLog = tx.writeLog[:sp.writes]
	tx.raw = tx.raw[:sp.raw]
	tx.publish = tx.publish[:sp.publish]
	tx.after = tx.after[:sp.after]
}

// rollback undoes every claim, newest first.
func (tx *Tx) rollback() { tx.RollbackTo(Savepoint{}) }

// Empty reports whether nothing is written.
func (tx *Tx) Empty() bool { return len(tx.order) == 0 && len(tx.raw) == 0 }

// Batch is the store transaction that makes the change durable.
func (tx *Tx) Batch() *store.Batch {
	b := store.NewBatch()
	for _, k := range tx.order {
		tx.writes[k.kind].write(b, tx.r.Name, k.id)
	}
	for _, w := range tx.raw {
		if w.val == nil {
			b.Delete(w.key)
		} else {
			b.Put(w.key, w.val)
		}
	}
	return b
}

// commitLocked checks the change fits one transaction (unless split),
// publishes it and queues it in st, which it ends; the returned func
// waits until it is durable. On error nothing changed.
func (tx *Tx) commitLocked(ctx context.Context, split bool, st *store.Txn) (func() error, error) {
	if tx.Empty() {
		st.Discard()
		tx.doPublish()
		return func() error { return nil }, nil
	}
	b := tx.Batch()
	rt := tx.r.rt
	// Before anything reaches Badger, which writes through memory maps
	// that fault on a full disk (see store.CheckSpace). Split changes are
	// the rest of what was accepted (driver events, expiry).
	prio := store.Request
	if split {
		prio = store.Settle
	}
	if err := rt.st.CheckSpace(prio, b); err != nil {
		st.Discard()
		tx.rollback()
		rt.log.Warn().Err(err).Str("region", tx.r.Name).Msg("change refused")
		return nil, NoSpace(err)
	}
	var waits []func() error
	if split {
		// Parts after the first begin under the lock and so wait for
		// the syncs before them: only changes too big for one
		// transaction pay that.
		for i, part := range b.Split() {
			if i > 0 {
				st = nil
			}
			waits = append(waits, rt.queue(ctx, st, part))
		}
	} else {
		if !b.Fits() {
			st.Discard()
			tx.rollback()
			return nil, TooBig(b)
		}
		waits = append(waits, rt.queue(ctx, st, b))
	}
	tx.doPublish()
	tx.woken = tx.r.changed
	tx.r.changed = make(chan struct{})
	return func() error {
		var first error
		for _, w := range waits {
			if err := w(); err != nil && first == nil {
				first = err
			}
		}
		return first
	}, nil
}

func (tx *Tx) doPublish() {
	for _, k := range tx.order {
		tx.writes[k.kind].publish(tx.r, k.id)
	}
	for _, f := range tx.publish {
		f()
	}
}

func (tx *Tx) runAfter(ctx context.Context) {
	if len(tx.after) == 0 {
		return
	}
	dctx := context.WithoutCancel(ctx)
	for _, f := range tx.after {
		f(dctx)
	}
}
