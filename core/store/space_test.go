package store_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ec2x/ec2x/core/store"
)

// disk is a free-space probe the test sets: a disk of any fullness.
type disk struct{ free atomic.Int64 }

func (d *disk) probe(string) (int64, error) { return d.free.Load(), nil }

// A write the disk has no room for is refused before Badger sees it: the
// error says how much is free and needed, nothing is written, what was
// acknowledged still reads, and writes work again once there is room.
func TestSpaceGuard(t *testing.T) {
	cases := []struct {
		name            string
		free            int64
		request, settle bool // refused at each priority
	}{
		{"room to spare", 1 << 40, false, false},
		{"inside the reserve of a request", 22 << 20, true, false},
		{"full", 1 << 20, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := &disk{}
			d.free.Store(1 << 40)
			s, err := store.Open(context.Background(), t.TempDir(), store.Options{FreeSpace: d.probe})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close(context.Background()) })
			k1, k2 := store.Key("inst", "us-east-1", "i-1"), store.Key("inst", "us-east-1", "i-2")
			commit(t, s, func(b *store.Batch) { b.Put(k1, record{ID: "i-1"}) })

			d.free.Store(tc.free)
			b := store.NewBatch()
			b.Put(k2, record{ID: "i-2"})
			async := make(chan error, 1)
			s.CommitAsync(context.Background(), b, func(err error) { async <- err })
			for _, c := range []struct {
				what    string
				err     error
				refused bool
			}{
				{"Commit", s.Commit(context.Background(), b), tc.request},
				{"CommitAsync", <-async, tc.request},
				{"CheckSpace(Settle)", s.CheckSpace(store.Settle, b), tc.settle},
			} {
				var se *store.SpaceError
				switch {
				case !c.refused && c.err != nil:
					t.Errorf("%s: %v, want it taken", c.what, c.err)
				case c.refused && (!errors.Is(c.err, store.ErrNoSpace) || !errors.As(c.err, &se) || se.Free != tc.free ||
					!strings.Contains(c.err.Error(), "MiB free")):
					t.Errorf("%s: %v, want a SpaceError", c.what, c.err)
				}
			}
			var got record
			if err := s.Get(context.Background(), k1, &got); err != nil || got.ID != "i-1" {
				t.Errorf("the acknowledged record: %+v, %v", got, err)
			}
			err = s.Get(context.Background(), k2, &got)
			if tc.request && !errors.Is(err, store.ErrNotFound) {
				t.Errorf("the refused write is there: %+v, %v", got, err)
			}

			d.free.Store(1 << 40)
			commit(t, s, func(b *store.Batch) { b.Put(k2, record{ID: "i-2"}) })
		})
	}
}

// A store whose disk cannot hold the tables its logs become is not
// opened (Badger would fault writing them).
func TestSpaceOpen(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	commit(t, s, func(b *store.Batch) { b.Put(store.Key("inst", "us-east-1", "i-1"), record{ID: "i-1"}) })
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	d := &disk{}
	d.free.Store(64 << 10)
	_, err := store.Open(context.Background(), dir, store.Options{FreeSpace: d.probe})
	var se *store.SpaceError
	if !errors.As(err, &se) || !se.Open || !strings.Contains(err.Error(), "needs") {
		t.Fatalf("open with 64 KiB free: %v, want a SpaceError", err)
	}
	d.free.Store(1 << 40)
	s2, err := store.Open(context.Background(), dir, store.Options{FreeSpace: d.probe})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close(context.Background())
	var got record
	if err := s2.Get(context.Background(), store.Key("inst", "us-east-1", "i-1"), &got); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkCheckSpace is what the free-space check adds to each commit
// (a statfs, and once a second the size of Badger's tables).
func BenchmarkCheckSpace(b *testing.B) {
	s := open(b, b.TempDir())
	batch := store.NewBatch()
	batch.Put(store.Key("inst", "us-east-1", "i-1"), record{ID: "i-1"})
	for b.Loop() {
		if err := s.CheckSpace(store.Request, batch); err != nil {
			b.Fatal(err)
		}
	}
}
