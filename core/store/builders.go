package store

import (
	"reflect"
	"time"
	"unsafe"

	badger "github.com/dgraph-io/badger/v4"
)

// Badger keeps up to eight table-builder allocators pooled after its
// memtable flushes and compactions, and frees one per 2 s of quiet. Each
// has grown to hold a whole table twice over (as written and compressed:
// 15 MB for a memtable's table), so right after a burst of writes the pool
// held 116 MB of a 336 MB heap (100,000 launches). Neither the pool's size
// nor its pace is an option, so the store empties the pool itself: a
// builder then allocates afresh, which costs the collector a little, and
// what it used is garbage once its table is written.
//
// The pool is Badger's unexported field allocPool (ristretto's
// z.AllocatorPool, whose allocCh holds the idle allocators); receiving
// from that channel is as safe as Badger's own receive. builderPool
// finds it and reports false when a Badger upgrade moved it (the test
// TestBuilderPoolFound says so).
type builderPool struct {
	ch reflect.Value // chan *z.Allocator, receivable
}

// findBuilderPool returns db's pool of idle table-builder allocators.
func findBuilderPool(db *badger.DB) (builderPool, bool) {
	f := reflect.ValueOf(db).Elem().FieldByName("allocPool")
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() {
		return builderPool{}, false
	}
	p := f.Elem()
	if p.Kind() != reflect.Struct {
		return builderPool{}, false
	}
	ch := p.FieldByName("allocCh")
	if !ch.IsValid() || ch.Kind() != reflect.Chan || ch.IsNil() || !ch.CanAddr() {
		return builderPool{}, false
	}
	if _, ok := ch.Type().Elem().MethodByName("Release"); !ok {
		return builderPool{}, false
	}
	// Unexported fields are read-only to reflect; the channel itself is
	// safe to receive from, so take it through its address.
	ch = reflect.NewAt(ch.Type(), unsafe.Pointer(ch.UnsafeAddr())).Elem()
	return builderPool{ch: ch}, true
}

// drain releases every idle allocator and says how many there were.
func (p builderPool) drain() int {
	n := 0
	for {
		a, ok := p.ch.TryRecv()
		if !ok || a.IsNil() {
			return n
		}
		a.MethodByName("Release").Call(nil)
		n++
	}
}

// builderDrain is how often the store empties Badger's allocator pool.
const builderDrain = 500 * time.Millisecond

// trimLoop empties Badger's allocator pool (when found) and pages out
// its tables (mapped.go) until the store closes.
func (s *Store) trimLoop(p builderPool, found bool) {
	defer s.wg.Done()
	t := time.NewTicker(builderDrain)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			if found {
				p.drain()
			}
			if err := pageOutTables(s.dir); err != nil && !s.pageOutFailed {
				s.pageOutFailed = true
				s.log.Warn().Err(err).Msg("store: cannot page out Badger's tables")
			}
		}
	}
}
