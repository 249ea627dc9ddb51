package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core/store"
)

// A batch that Fits commits as one Badger transaction, right up to the
// limits: the largest batch by bytes and the longest by entries. Fits is
// what callers split by, so a batch it passes and Badger refuses would
// fail a change that could have been split.
func TestBatchLimitsAreBadgers(t *testing.T) {
	// raw is a string that is n bytes as JSON.
	raw := func(n int) string { return strings.Repeat("x", n-2) }
	cases := []struct {
		name string
		fill func(b *store.Batch) // a batch that just fits
	}{
		{"as many bytes as fit", func(b *store.Batch) {
			left := store.MaxBatchBytes
			for i := 0; left > 0; i++ {
				k := store.Key("t", "r", fmt.Sprintf("k%07d", i))
				v := min(900, left-len(k)-12) // inline values: key, value and 12 bytes
				if v < 2 {
					k = k[:len(k)-(2-v)]
					v = 2
				}
				b.Put(k, raw(v))
				left -= len(k) + v + 12
			}
		}},
		{"as many entries as fit", func(b *store.Batch) {
			probe := store.NewBatch()
			n := 0
			for ; probe.Fits(); n++ {
				probe.Put(store.Key("t", "r", fmt.Sprintf("%d", n)), 1)
			}
			for i := 0; i < n-1; i++ {
				b.Put(store.Key("t", "r", fmt.Sprintf("%d", i)), 1)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := store.Open(context.Background(), t.TempDir(), store.Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close(context.Background())
			b := store.NewBatch()
			c.fill(b)
			if !b.Fits() {
				t.Fatalf("the batch (%d entries, %d bytes) does not fit", b.Len(), b.Size())
			}
			if err := s.Commit(context.Background(), b); err != nil {
				t.Fatalf("a batch that fits (%d entries, %d bytes): %v", b.Len(), b.Size(), err)
			}
			b.Put(store.Key("t", "r", "one-more"), raw(40))
			if b.Fits() {
				t.Fatalf("one entry more still fits (%d entries, %d bytes)", b.Len(), b.Size())
			}
		})
	}
}
