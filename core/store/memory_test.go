package store

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestOpenBoundsBadgerMemory checks that a store opened as the daemon
// opens it keeps Badger's table builders and caches small: these sizes
// are what held the daemon of 100,000 instances under 300 MiB (see
// docs/PERFORMANCE.md, issue 12).
func TestOpenBoundsBadgerMemory(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	o := s.db.Opts()
	for _, c := range []struct {
		name      string
		have, max int64
	}{
		{"BaseTableSize", o.BaseTableSize, 512 << 10},
		{"MemTableSize", o.MemTableSize, 9 << 20},
		{"NumMemtables", int64(o.NumMemtables), 2},
		{"BlockCacheSize", o.BlockCacheSize, 2 << 20},
		{"IndexCacheSize", o.IndexCacheSize, 4 << 20},
		{"NumCompactors", int64(o.NumCompactors), 2},
		{"ValueLogFileSize", o.ValueLogFileSize, 16 << 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.have > c.max {
				t.Errorf("%s = %d, want at most %d", c.name, c.have, c.max)
			}
		})
	}
}

// TestBuilderPoolFound fails when a Badger upgrade moves the pool of
// table-builder allocators the store empties (builders.go): without it,
// a burst of writes leaves up to eight of them (about 15 MB each) held.
func TestBuilderPoolFound(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	p, ok := findBuilderPool(s.db)
	if !ok {
		t.Fatal("Badger's allocPool.allocCh not found: the store cannot release idle table builders")
	}
	if n := p.drain(); n < 0 {
		t.Fatalf("drain released %d", n)
	}
}

// tableRSS is how many bytes of the table files under dir are resident
// in this process, summed from /proc/self/smaps.
func tableRSS(t *testing.T, dir string) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":"):
			in = len(f) >= 6 && strings.HasPrefix(f[5], dir+"/") && strings.HasSuffix(f[5], ".sst")
		case in && len(f) == 3 && f[0] == "Rss:":
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			n += kb << 10
		}
	}
	return n
}

// TestTablesPagedOut: the tables a store has read stop counting in the
// daemon's RSS soon after (they were 40 MB of it at 100,000 instances),
// and reading them again still works.
func TestTablesPagedOut(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	note := strings.Repeat("a record of about a kilobyte ", 40)
	const n = 4000
	b := NewBatch()
	for i := range n {
		b.Put(Key("inst", "us-east-1", fmt.Sprintf("i-%017x", i)), map[string]any{"Seq": i, "Note": note[:800+i%97]})
		if b.Len() == 500 {
			if err := s.Commit(ctx, b); err != nil {
				t.Fatal(err)
			}
			b = NewBatch()
		}
	}
	if err := s.Close(ctx); err != nil { // the memtable becomes a table
		t.Fatal(err)
	}
	if s, err = Open(ctx, dir, Options{NoSync: true}); err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	count := func() int {
		c := 0
		if err := s.Scan(ctx, "inst", "us-east-1", func(_, _ []byte) error { c++; return nil }); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := count(); c != n {
		t.Fatalf("scan found %d records, want %d", c, n)
	}
	deadline := time.Now().Add(30 * time.Second)
	for rss := tableRSS(t, dir); rss > 0; rss = tableRSS(t, dir) {
		if time.Now().After(deadline) {
			t.Fatalf("%d bytes of tables still resident 30 s after a scan", rss)
		}
		runtime.Gosched()
	}
	if c := count(); c != n {
		t.Fatalf("after page-out, scan found %d records, want %d", c, n)
	}
}
