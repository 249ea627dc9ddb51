package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/store"
)

// record stands for one of core's records: a small JSON document.
type record struct {
	ID   string `json:"Id"`
	Seq  int    `json:"Seq"`
	Note string `json:"Note,omitempty"`
}

func open(t testing.TB, dir string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

func commit(t testing.TB, s *store.Store, fill func(b *store.Batch)) {
	t.Helper()
	b := store.NewBatch()
	fill(b)
	if err := s.Commit(context.Background(), b); err != nil {
		t.Fatalf("commit: %v", err)
	}
}

// keys returns the keys Scan visits, in order.
func keys(t testing.TB, s *store.Store, kind, region string) []string {
	t.Helper()
	var out []string
	err := s.Scan(context.Background(), kind, region, func(k, _ []byte) error {
		out = append(out, string(k))
		return nil
	})
	if err != nil {
		t.Fatalf("scan %s/%s: %v", kind, region, err)
	}
	return out
}

func TestKeyConstructors(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"instance", store.Key("inst", "us-east-1", "i-0a1b2c3d4e5f60718"), "inst/us-east-1/i-0a1b2c3d4e5f60718"},
		{"key pair", store.Key("key", "eu-west-1", "deploy"), "key/eu-west-1/deploy"},
		{"client token", store.Key("tok", "us-west-2", "tok-1"), "tok/us-west-2/tok-1"},
		{"network", store.Key("net", "ap-northeast-1"), "net/ap-northeast-1"},
		{"schema", store.Key(store.KindMeta, "schema"), "meta/schema"},
		{"kind alone", store.Key("inst"), "inst"},
		{"trailing separator", store.Key("inst", "us-east-1", ""), "inst/us-east-1/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if string(tt.got) != tt.want {
				t.Errorf("key = %q, want %q", tt.got, tt.want)
			}
		})
	}
}

// TestScanPrefixes checks the documented layout: a region scan ends in '/',
// so us-east-1 never sees us-east-10, and kinds never see each other.
func TestScanPrefixes(t *testing.T) {
	s := open(t, t.TempDir())
	commit(t, s, func(b *store.Batch) {
		b.Put(store.Key("inst", "us-east-1", "i-2"), record{ID: "i-2"})
		b.Put(store.Key("inst", "us-east-1", "i-1"), record{ID: "i-1"})
		b.Put(store.Key("inst", "us-east-10", "i-3"), record{ID: "i-3"})
		b.Put(store.Key("inst", "us-east-1x", "i-4"), record{ID: "i-4"})
		b.Put(store.Key("key", "us-east-1", "deploy"), record{ID: "deploy"})
		b.Put(store.Key("tok", "us-east-1", "t1"), record{ID: "t1"})
		b.Put(store.Key("net", "us-east-1"), record{ID: "vpc"})
		b.Put(store.Key("net", "us-east-10"), record{ID: "vpc10"})
		b.Put([]byte("instance/us-east-1/i-9"), record{ID: "not an inst key"})
	})
	tests := []struct {
		name         string
		kind, region string
		want         []string
	}{
		{"one region only", "inst", "us-east-1", []string{"inst/us-east-1/i-1", "inst/us-east-1/i-2"}},
		{"longer region name", "inst", "us-east-10", []string{"inst/us-east-10/i-3"}},
		{"every region in key order", "inst", "", []string{
			"inst/us-east-1/i-1", "inst/us-east-1/i-2", "inst/us-east-10/i-3", "inst/us-east-1x/i-4"}},
		{"key pairs", "key", "us-east-1", []string{"key/us-east-1/deploy"}},
		{"tokens", "tok", "us-east-1", []string{"tok/us-east-1/t1"}},
		{"networks of every region", "net", "", []string{"net/us-east-1", "net/us-east-10"}},
		{"region with nothing", "inst", "eu-west-1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := keys(t, s, tt.kind, tt.region)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Scan(%q, %q) = %q, want %q", tt.kind, tt.region, got, tt.want)
			}
		})
	}

	t.Run("error from the callback stops the scan", func(t *testing.T) {
		stop := errors.New("stop")
		n := 0
		err := s.Scan(context.Background(), "inst", "", func(k, v []byte) error {
			n++
			return stop
		})
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("Scan = %v after %d calls, want the callback's error after 1", err, n)
		}
	})
}

func TestGet(t *testing.T) {
	s := open(t, t.TempDir())
	commit(t, s, func(b *store.Batch) { b.Put(store.Key("inst", "us-east-1", "i-1"), record{ID: "i-1", Seq: 7}) })
	tests := []struct {
		name     string
		key      []byte
		notFound bool
		want     record
	}{
		{"present", store.Key("inst", "us-east-1", "i-1"), false, record{ID: "i-1", Seq: 7}},
		{"absent", store.Key("inst", "us-east-1", "i-2"), true, record{}},
		{"same ID in another region", store.Key("inst", "us-east-10", "i-1"), true, record{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got record
			err := s.Get(context.Background(), tt.key, &got)
			if tt.notFound {
				if !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("Get(%s) = %v, want ErrNotFound", tt.key, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Get(%s) = %+v, %v; want %+v", tt.key, got, err, tt.want)
			}
		})
	}
	t.Run("value of another shape is a decode error, not ErrNotFound", func(t *testing.T) {
		var n int
		err := s.Get(context.Background(), store.Key("inst", "us-east-1", "i-1"), &n)
		if err == nil || errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Get into an int = %v, want a decode error", err)
		}
	})
}

// TestCommitAtomic: a batch that fails writes none of its records.
func TestCommitAtomic(t *testing.T) {
	tests := []struct {
		name    string
		fill    func(b *store.Batch)
		wantErr func(error) bool
		inMsg   string
	}{
		{
			name: "encoding error",
			fill: func(b *store.Batch) {
				b.Put(store.Key("inst", "us-east-1", "i-1"), record{ID: "i-1"})
				b.Put(store.Key("inst", "us-east-1", "i-bad"), math.Inf(1))
				b.Put(store.Key("inst", "us-east-1", "i-3"), record{ID: "i-3"})
			},
			wantErr: func(err error) bool { return err != nil },
			inMsg:   "inst/us-east-1/i-bad",
		},
		{
			name: "too large for one transaction",
			fill: func(b *store.Batch) {
				for i := range 60000 {
					b.Put(store.Key("inst", "us-east-1", fmt.Sprintf("i-%06d", i)), i)
				}
			},
			wantErr: func(err error) bool { return errors.Is(err, store.ErrTooBig) },
			inMsg:   "too large",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t, t.TempDir())
			b := store.NewBatch()
			tt.fill(b)
			err := s.Commit(context.Background(), b)
			if !tt.wantErr(err) {
				t.Fatalf("Commit = %v", err)
			}
			if !strings.Contains(err.Error(), tt.inMsg) {
				t.Errorf("error %q does not mention %q", err, tt.inMsg)
			}
			if got := keys(t, s, "inst", ""); len(got) != 0 {
				t.Errorf("a failed batch wrote %d records, e.g. %s", len(got), got[0])
			}
		})
	}
}

// TestBatchOrder: writes apply in the order they were added.
func TestBatchOrder(t *testing.T) {
	k := store.Key("key", "us-east-1", "deploy")
	tests := []struct {
		name    string
		fill    func(b *store.Batch)
		present bool
		want    int
	}{
		{"put then put: the second wins", func(b *store.Batch) { b.Put(k, record{Seq: 1}); b.Put(k, record{Seq: 2}) }, true, 2},
		{"put then delete: gone", func(b *store.Batch) { b.Put(k, record{Seq: 1}); b.Delete(k) }, false, 0},
		{"delete then put: present", func(b *store.Batch) { b.Delete(k); b.Put(k, record{Seq: 3}) }, true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t, t.TempDir())
			commit(t, s, func(b *store.Batch) { b.Put(k, record{Seq: 0}) })
			commit(t, s, tt.fill)
			var got record
			err := s.Get(context.Background(), k, &got)
			switch {
			case tt.present && (err != nil || got.Seq != tt.want):
				t.Errorf("Get = %+v, %v; want Seq %d", got, err, tt.want)
			case !tt.present && !errors.Is(err, store.ErrNotFound):
				t.Errorf("Get = %+v, %v; want ErrNotFound", got, err)
			}
		})
	}
	t.Run("empty batch commits nothing and succeeds", func(t *testing.T) {
		s := open(t, t.TempDir())
		if err := s.Commit(context.Background(), store.NewBatch()); err != nil {
			t.Fatal(err)
		}
	})
}

// TestCommitAsyncOrder: batches queued in order land in that order, so the
// last write of a key wins, also after a restart.
func TestCommitAsyncOrder(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const n = 300
	k := store.Key("inst", "us-east-1", "i-1")
	var wg sync.WaitGroup
	errs := make(chan error, n)
	wg.Add(n)
	for i := range n {
		b := store.NewBatch()
		b.Put(k, record{ID: "i-1", Seq: i})
		b.Put(store.Key("tok", "us-east-1", fmt.Sprintf("t%03d", i)), i)
		s.CommitAsync(context.Background(), b, func(err error) { errs <- err; wg.Done() })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("async commit: %v", err)
		}
	}
	check := func(t *testing.T, s *store.Store) {
		var got record
		if err := s.Get(context.Background(), k, &got); err != nil || got.Seq != n-1 {
			t.Errorf("after %d queued writes Get = %+v, %v; want Seq %d", n, got, err, n-1)
		}
		if got := len(keys(t, s, "tok", "us-east-1")); got != n {
			t.Errorf("%d token records, want %d", got, n)
		}
	}
	t.Run("live", func(t *testing.T) { check(t, s) })
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Run("after reopen", func(t *testing.T) { check(t, open(t, dir)) })
}

// TestBeginOrder: transactions begun ahead land in the order they commit,
// not the order they began, so a writer may begin before taking its lock;
// one begun and discarded writes nothing.
func TestBeginOrder(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	ctx := context.Background()
	k := store.Key("inst", "us-east-1", "i-1")
	first, second, unused := s.Begin(ctx), s.Begin(ctx), s.Begin(ctx)
	commit := func(txn *store.Txn, seq int) {
		b := store.NewBatch()
		b.Put(k, record{ID: "i-1", Seq: seq})
		done := make(chan error, 1)
		txn.CommitAsync(ctx, b, func(err error) { done <- err })
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	commit(second, 1)
	commit(first, 2)
	unused.Discard()
	check := func(t *testing.T, s *store.Store) {
		var got record
		if err := s.Get(ctx, k, &got); err != nil || got.Seq != 2 {
			t.Errorf("Get = %+v, %v; want Seq 2 (the last commit)", got, err)
		}
	}
	t.Run("live", func(t *testing.T) { check(t, s) })
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	t.Run("after reopen", func(t *testing.T) { check(t, open(t, dir)) })
}

// TestConcurrentCommitsDurable: every acknowledged commit from many
// goroutines is there after Close and reopen.
func TestConcurrentCommitsDurable(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 16, 25
	var wg sync.WaitGroup
	errc := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				b := store.NewBatch()
				id := fmt.Sprintf("i-%02d-%02d", w, i)
				b.Put(store.Key("inst", "us-west-2", id), record{ID: id, Seq: w*each + i})
				errc <- s.Commit(context.Background(), b)
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatalf("commit: %v", err)
		}
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir)
	seen := map[int]bool{}
	err = s.Scan(context.Background(), "inst", "us-west-2", func(k, v []byte) error {
		var r record
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		if !strings.HasSuffix(string(k), "/"+r.ID) {
			return fmt.Errorf("key %s holds record %s", k, r.ID)
		}
		seen[r.Seq] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != writers*each {
		t.Errorf("after reopen %d of %d committed records are there", len(seen), writers*each)
	}
}

func TestReopen(t *testing.T) {
	tests := []struct {
		name string
		fill func(b *store.Batch)
		key  []byte
		want *record // nil: absent
	}{
		{"put survives", func(b *store.Batch) { b.Put(store.Key("key", "eu-west-1", "k"), record{ID: "k", Note: "pub"}) },
			store.Key("key", "eu-west-1", "k"), &record{ID: "k", Note: "pub"}},
		{"delete survives", func(b *store.Batch) { b.Delete(store.Key("key", "eu-west-1", "old")) },
			store.Key("key", "eu-west-1", "old"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := store.Open(context.Background(), dir, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			commit(t, s, func(b *store.Batch) { b.Put(store.Key("key", "eu-west-1", "old"), record{ID: "old"}) })
			commit(t, s, tt.fill)
			if err := s.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(context.Background()); err != nil {
				t.Errorf("second Close = %v, want nil", err)
			}
			s = open(t, dir)
			var got record
			err = s.Get(context.Background(), tt.key, &got)
			if tt.want == nil {
				if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("Get = %+v, %v; want ErrNotFound", got, err)
				}
				return
			}
			if err != nil || got != *tt.want {
				t.Errorf("Get = %+v, %v; want %+v", got, err, *tt.want)
			}
		})
	}
}

// metaValues returns the raw meta/ records.
func metaValues(t *testing.T, s *store.Store) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := s.Scan(context.Background(), store.KindMeta, "", func(k, v []byte) error {
		m[string(k)] = string(v)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSchemaVersion(t *testing.T) {
	t.Run("a new store is stamped with this build's schema and its birth time", func(t *testing.T) {
		before := time.Now().UTC().Add(-time.Second)
		s := open(t, t.TempDir())
		m := metaValues(t, s)
		if m["meta/schema"] != fmt.Sprint(store.SchemaVersion) {
			t.Errorf("meta/schema = %q, want %q", m["meta/schema"], fmt.Sprint(store.SchemaVersion))
		}
		created, err := time.Parse(time.RFC3339, m["meta/created"])
		if err != nil || created.Before(before.Truncate(time.Second)) || created.After(time.Now().Add(time.Second)) {
			t.Errorf("meta/created = %q (%v), want the RFC 3339 time of Open", m["meta/created"], err)
		}
	})

	t.Run("reopening keeps the stamp", func(t *testing.T) {
		dir := t.TempDir()
		s, err := store.Open(context.Background(), dir, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		b := store.NewBatch()
		b.Put(store.Key(store.KindMeta, "schema"), store.SchemaVersion)
		b.Put(store.Key(store.KindMeta, "created"), "stays")
		if err := s.Commit(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		_ = s.Close(context.Background())
		if got := metaValues(t, open(t, dir))["meta/created"]; got != `"stays"` {
			t.Errorf("meta/created = %s after reopen, want it untouched", got)
		}
	})

	tests := []struct {
		name   string
		schema any // JSON-encoded into meta/schema
		is     error
		inMsg  string
	}{
		{"newer schema is refused", 99, store.ErrSchemaTooNew, "schema 99"},
		{"older, unsupported schema is refused", -1, store.ErrSchemaTooOld, "schema -1"},
		{"garbage schema is refused", "one", nil, "schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := store.Open(context.Background(), dir, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			commit(t, s, func(b *store.Batch) {
				b.Put(store.Key(store.KindMeta, "schema"), tt.schema)
				b.Put(store.Key("inst", "us-east-1", "i-1"), record{ID: "i-1"})
			})
			_ = s.Close(context.Background())

			s2, err := store.Open(context.Background(), dir, store.Options{})
			if err == nil {
				_ = s2.Close(context.Background())
				t.Fatal("Open succeeded on a store it cannot read")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Open = %v, want errors.Is %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.inMsg) {
				t.Errorf("Open error %q does not mention %q", err, tt.inMsg)
			}
			// Refusing must leave the directory unlocked for the next try.
			s3, err := store.Open(context.Background(), dir, store.Options{})
			if err == nil {
				_ = s3.Close(context.Background())
				t.Fatal("the refused store was stamped over")
			}
			if strings.Contains(err.Error(), "lock") {
				t.Errorf("a refused Open left the directory locked: %v", err)
			}
		})
	}
}

// TestOpenTwice: Badger allows one process per directory, and so one Store.
func TestOpenTwice(t *testing.T) {
	dir := t.TempDir()
	first, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		before func()
		ok     bool
	}{
		{"while the first is open", func() {}, false},
		{"after the first is closed", func() { _ = first.Close(context.Background()) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.before()
			s, err := store.Open(context.Background(), dir, store.Options{})
			if s != nil {
				defer s.Close(context.Background())
			}
			if (err == nil) != tt.ok {
				t.Fatalf("second Open = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), dir) {
				t.Errorf("error %q does not name the directory", err)
			}
		})
	}
}

// TestLargeBatch: a launch of thousands of ~1 KB records commits in one
// transaction because large values go to the value log.
func TestLargeBatch(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const n = 10000
	note := strings.Repeat("x", 1000)
	commit(t, s, func(b *store.Batch) {
		for i := range n {
			id := fmt.Sprintf("i-%017x", i)
			b.Put(store.Key("inst", "us-east-1", id), record{ID: id, Seq: i, Note: note})
		}
	})
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir)
	got := 0
	err = s.Scan(context.Background(), "inst", "us-east-1", func(k, v []byte) error {
		if len(v) < 1000 {
			return fmt.Errorf("%s: value of %d bytes", k, len(v))
		}
		got++
		return nil
	})
	if err != nil || got != n {
		t.Fatalf("after reopen: %d records, %v; want %d", got, err, n)
	}
}

func TestInMemory(t *testing.T) {
	s, err := store.Open(context.Background(), "", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	commit(t, s, func(b *store.Batch) { b.Put(store.Key("net", "us-east-1"), record{ID: "vpc-1"}) })
	var got record
	if err := s.Get(context.Background(), store.Key("net", "us-east-1"), &got); err != nil || got.ID != "vpc-1" {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	if m := metaValues(t, s); m["meta/schema"] != fmt.Sprint(store.SchemaVersion) {
		t.Errorf("in-memory store not stamped: %v", m)
	}
}
