package store_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core/store"
)

// BenchmarkCommit is one small durable batch: the cost of a state change
// such as a stop, fsync included.
func BenchmarkCommit(b *testing.B) {
	s := open(b, b.TempDir())
	ctx := context.Background()
	i := 0
	for b.Loop() {
		batch := store.NewBatch()
		id := fmt.Sprintf("i-%017x", i)
		batch.Put(store.Key("inst", "us-east-1", id), record{ID: id, Seq: i, Note: "running"})
		if err := s.Commit(ctx, batch); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkOpen100k opens a store holding 100,000 records of about 1 KB,
// as the daemon does at start with a big fleet.
func BenchmarkOpen100k(b *testing.B) {
	if testing.Short() {
		b.Skip("writes 100 MB of records; skipped with -short")
	}
	const n, per = 100000, 5000
	dir := b.TempDir()
	ctx := context.Background()
	s, err := store.Open(ctx, dir, store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	note := strings.Repeat("x", 1000)
	for start := 0; start < n; start += per {
		batch := store.NewBatch()
		for i := start; i < start+per; i++ {
			id := fmt.Sprintf("i-%017x", i)
			batch.Put(store.Key("inst", "us-east-1", id), record{ID: id, Seq: i, Note: note})
		}
		if err := s.Commit(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(ctx); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s, err := store.Open(ctx, dir, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/open")
}

// BenchmarkFillHeap writes 100,000 records of about 700 bytes in batches
// of 1,000, as 100 `ec2x run --count 1000` do, and reports the heap Badger
// still holds right after (a collection later), per record written: its
// table builders and memtables, which the daemon's RSS target counts.
func BenchmarkFillHeap(b *testing.B) {
	const n, per = 100000, 1000
	note := strings.Repeat(`{"Key":"Name","Value":"web"},`, 24)
	ctx := context.Background()
	var held uint64
	for b.Loop() {
		s, err := store.Open(ctx, b.TempDir(), store.Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for start := 0; start < n; start += per {
			batch := store.NewBatch()
			for i := start; i < start+per; i++ {
				id := fmt.Sprintf("i-%017x", i)
				batch.Put(store.Key("inst", "us-east-1", id), record{ID: id, Seq: i, Note: note[:len(note)-i%29]})
			}
			if err := s.Commit(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		held += after.HeapInuse - min(after.HeapInuse, before.HeapInuse)
		if err := s.Close(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(held)/float64(b.N)/(1<<20), "MiB-held")
	b.ReportMetric(float64(held)/float64(b.N)/n, "B-held/record")
}
