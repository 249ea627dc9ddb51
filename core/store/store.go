// Package store keeps ec2x's state in Badger.
//
// Key layout (schema 1). Keys are ASCII, parts separated by '/'; every scan
// uses a prefix that ends in '/' so that "us-east-1" never matches
// "us-east-10". Values are JSON documents of the owning family's records.
// Each family declares its kinds (a state.Table's Kind, or its own keys);
// this is the whole list, with the family that owns each kind:
//
//	meta/schema                           "1": the layout version of this directory (store)
//	meta/created                          RFC 3339 time the store was made (store)
//	net/<region>                          the region's VPCs (the default one first) and their subnets (network)
//	eni/<region>/<eni-id>                 a network interface with its addresses (network)
//	eip/<region>/<eipalloc-id>            an Elastic IP allocation (network)
//	sg/<region>/<sg-id>                   a security group and its rules (network)
//	ntag/<region>/<vpc-, subnet-, scr-id> the tags of a VPC, a subnet or a subnet CIDR reservation (network)
//	igw/<region>/<igw-id|eigw-id>         an internet gateway or egress-only one, and its VPC (network)
//	rtb/<region>/<rtb-id>                 a route table: its routes but the local ones, its associations (network)
//	acl/<region>/<acl-id>                 a network ACL: its numbered rules, its explicit subnets (network)
//	dopt/<region>/<dopt-id>               a DHCP options set (network)
//	itag/<region>/<ami-id>                the account's tags on an image of the configuration (catalog)
//	azg/<region>/<group name>             a Local or Wavelength Zone group the account opted into (catalog)
//	ropt/<region>/<region name>           a region that needs opting into, enabled (catalog)
//	key/<region>/<name>                   a key pair, public half only (keypair)
//	inst/<region>/<i-id>                  an instance (instance)
//	tok/<region>/<client-token>           a RunInstances idempotency record (instance)
//	sir/<region>/<sir-id>                 a spot instance request (instance)
//	iset/<region>/account                 the account's instance settings: event notification tags, IMDS defaults (instance)
//	ccd/<region>/<family>                 a burstable family's default credit option, once set (instance)
//	vol/<region>/<vol-id>                 an EBS volume other than an attached root volume: a launch's
//	                                      extra volumes, and those kept after their instance (instance)
//	spot/<region>                         the current spot price of every zone pool and type (market)
//	sph/<region>/<zone>/<type>/<unix s>   a spot price change, a JSON number; 90 days kept (market)
//	ri/<region>/<reservation-id>          a reserved-instance purchase (market)
//	lt/<region>/<lt-id>                   a launch template: name, default and latest version, tags (template)
//	ltv/<region>/<lt-id>/<version>        a launch template version's data; the number zero-padded
//	                                      to 10 digits (template)
//	use/<region>/<key>/<start unix ns>    a stretch of metered use: an instance's run, a public
//	                                      IPv4 address held, a reservation's upfront fee; key is
//	                                      the instance ID, the address or the reservation ID (billing)
//	met/...                               metric samples, roll-ups and their partition index;
//	                                      layout in core/monitor (monitor)
//
// Numbers in keys are zero-padded so that keys sort by them (the seconds
// of sph/ to 10 digits, the nanoseconds of use/ to 19).
//
// There are no secondary index keys: the daemon loads every record at start
// and keeps its indexes in memory, so a state change writes only the records
// it changes, all in one transaction (state.Tx).
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/skl"
	"github.com/rs/zerolog"
)

// SchemaVersion is the key layout version this build reads and writes.
const SchemaVersion = 1

// Key kinds the store itself reads (the families name their own).
const (
	KindMeta   = "meta"
	KindMetric = "met"
)

// Key builds a key from its kind and parts.
func Key(kind string, parts ...string) []byte {
	n := len(kind)
	for _, p := range parts {
		n += 1 + len(p)
	}
	b := make([]byte, 0, n)
	b = append(b, kind...)
	for _, p := range parts {
		b = append(b, '/')
		b = append(b, p...)
	}
	return b
}

// MetricKey is met/<region>/<i-id>/<res>/<part>/<t>: one metric record of
// resolution res ("1m", "5m", "1h") at Unix second t, in the partition that
// starts at Unix second part. Both numbers are zero-padded to 10 digits so
// that keys sort by time.
func MetricKey(region, id, res string, part, t int64) []byte {
	b := make([]byte, 0, len(KindMetric)+len(region)+len(id)+len(res)+26)
	b = append(b, KindMetric...)
	for _, p := range [...]string{region, id, res} {
		b = append(b, '/')
		b = append(b, p...)
	}
	for _, n := range [...]int64{part, t} {
		b = append(b, '/')
		var d [10]byte
		for i := len(d) - 1; i >= 0; i-- {
			d[i] = byte('0' + n%10)
			n /= 10
		}
		b = append(b, d[:]...)
	}
	return b
}

var schemaKey = Key(KindMeta, "schema")

// Sizes that bound one transaction (Badger refuses a transaction larger
// than 15% of a memtable). The memtable is as small as lets a launch of
// 1,000 with common options be one transaction (1,227 KiB of the 1,382
// KiB; TestRunThousandInOneCall): each memtable costs its size twice in
// the daemon's memory (its arena, and its log mapped), and a table
// builder twice that again when it is flushed. 9 MiB instead of 16 took
// the daemon of 100,000 instances from 300 to 272 MiB right after filling
// (docs/PERFORMANCE.md).
const (
	memTableSize     = 9 << 20
	valueLogFileSize = 16 << 20
	valueThreshold   = 1 << 10
	// MaxBatchBytes is the largest batch Commit accepts: Badger's own
	// limit, which entrySize counts as Badger does, less what Badger
	// counts first for the entry it adds to mark the transaction's end
	// (its 11-byte key and 10).
	MaxBatchBytes = memTableSize*15/100 - 22
	// maxBatchEntries is Badger's limit on a transaction's entries, less
	// the one it adds (a batch must have fewer).
	maxBatchEntries = memTableSize*15/100/skl.MaxNodeSize - 1
)

// Sizes that bound Badger's own memory. A table builder holds a table's
// blocks both as written and Snappy-compressed in one allocator that
// starts at twice the table size and doubles as it fills; Badger pools up
// to eight of them and frees one per 2 s of quiet. Records compress about
// 5:1, so a 2 MiB table took a 28 MiB allocator (116 MB of a 336 MB heap
// right after 100,000 launches). Small tables keep each builder small;
// the block cache only serves the scan at start (the daemon reads from
// memory), so it can be small too.
const (
	baseTableSize  = 512 << 10
	blockCacheSize = 2 << 20
	indexCacheSize = 4 << 20
)

// Options tune the store.
type Options struct {
	// InMemory keeps everything in RAM (tests); Dir is ignored.
	InMemory bool
	// NoSync skips fsync on commit (benchmarks of CPU cost only).
	NoSync bool
	// FreeSpace measures the free bytes of the file system holding dir
	// (see space.go); nil: statfs. Tests give a disk of any fullness.
	FreeSpace func(dir string) (int64, error)
	Logger    zerolog.Logger
}

// Store is the Badger database of one EC2X_HOME.
type Store struct {
	db     *badger.DB
	dir    string
	log    zerolog.Logger
	blog   *badgerLog
	space  *space // nil in memory
	stop   chan struct{}
	wg     sync.WaitGroup
	closed sync.Once
	// closeErr is what Close returned.
	closeErr error
	// pageOutFailed: the trim loop has logged that it cannot page out.
	pageOutFailed bool
}

// Open opens (creating if needed) the store in dir.
func Open(ctx context.Context, dir string, o Options) (*Store, error) {
	bo := badger.DefaultOptions(dir).
		// A small daemon: small memtables and value-log files, one version,
		// Badger's own logger off. Measured: opening 100k records after a
		// crash drops from about 700 ms to 130 ms with these.
		WithMemTableSize(memTableSize).
		WithNumMemtables(2).
		WithValueLogFileSize(valueLogFileSize).
		WithBaseTableSize(baseTableSize).
		// Level 0 takes a burst's tables (100,000 launches flush about
		// 15 memtables) before compaction merges them: a compaction runs
		// up to eight table builders at once, 12 to 42 MB of the daemon's
		// memory right after a burst with 4 tables here (issue 12's RSS
		// figure), none with 16. Nothing reads the store but the start.
		WithNumLevelZeroTables(16).
		WithNumLevelZeroTablesStall(32).
		WithNumCompactors(2).
		WithNumVersionsToKeep(1).
		WithBlockCacheSize(blockCacheSize).
		WithIndexCacheSize(indexCacheSize).
		// Records (a few hundred bytes) stay in the LSM tree, where Snappy
		// shrinks them on disk and in the page cache; only large values (user
		// data) go to the value log, so they cost a batch just a pointer.
		WithValueThreshold(valueThreshold).
		WithCompression(options.Snappy).
		WithMetricsEnabled(false).
		WithDetectConflicts(false).
		WithSyncWrites(!o.NoSync)
	blog := &badgerLog{log: o.Logger}
	bo = bo.WithLogger(blog)
	var sp *space
	if o.InMemory {
		// In memory there is no value log: every value stays in the LSM.
		bo = bo.WithInMemory(true).WithDir("").WithValueDir("").WithValueThreshold(1 << 20)
	} else {
		sp = &space{dir: dir, free: o.FreeSpace}
		if sp.free == nil {
			sp.free = freeBytes
		}
		if err := sp.checkOpen(); err != nil {
			return nil, fmt.Errorf("open store %s: %w", dir, err)
		}
	}
	db, err := badger.Open(bo)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	s := &Store{db: db, dir: dir, log: o.Logger, blog: blog, space: sp, stop: make(chan struct{})}
	if err := s.checkSchema(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	if !o.InMemory {
		p, ok := findBuilderPool(db)
		if !ok {
			s.log.Warn().Msg("store: Badger's table-builder pool not found; its allocators stay pooled")
		}
		s.wg.Add(2)
		go s.gcLoop()
		go s.trimLoop(p, ok)
	}
	return s, nil
}

// checkSchema stamps a new store and refuses one written by a newer layout.
func (s *Store) checkSchema(ctx context.Context) error {
	var have int
	err := s.db.View(func(txn *badger.Txn) error {
		it, err := txn.Get(schemaKey)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return it.Value(func(v []byte) error {
			have, err = strconv.Atoi(string(v))
			return err
		})
	})
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	switch {
	case have == SchemaVersion:
		return nil
	case have > SchemaVersion:
		return fmt.Errorf("%w: store has schema %d, this build reads %d", ErrSchemaTooNew, have, SchemaVersion)
	case have == 0:
		b := NewBatch()
		b.putRaw(schemaKey, []byte(strconv.Itoa(SchemaVersion)))
		b.putRaw(Key(KindMeta, "created"), []byte(time.Now().UTC().Format(time.RFC3339)))
		return s.Commit(ctx, b)
	default:
		return fmt.Errorf("%w: store has schema %d, this build reads %d", ErrSchemaTooOld, have, SchemaVersion)
	}
}

// gcLoop reclaims value-log space every few minutes until nothing is left
// to rewrite.
func (s *Store) gcLoop() {
	defer s.wg.Done()
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			// GC copies live values into the current log before it
			// deletes a file: it needs up to a file's worth free.
			for s.checkSpace(Request, valueLogFileSize) == nil && s.db.RunValueLogGC(0.5) == nil {
			}
		}
	}
}

// Close flushes and closes the database. Badger retries a flush that
// fails (a full disk, a data directory removed) without end; Close gives
// up when ctx ends, with a CloseError that says what could not be
// written. Later calls return the first call's answer.
func (s *Store) Close(ctx context.Context) error {
	s.closed.Do(func() {
		done := make(chan error, 1)
		go func() {
			close(s.stop)
			s.wg.Wait()
			done <- s.db.Close()
		}()
		select {
		case s.closeErr = <-done:
		case <-ctx.Done():
			s.closeErr = &CloseError{Dir: s.dir, Cause: ctx.Err(), Last: s.blog.lastError()}
		}
	})
	return s.closeErr
}

// Batch is a set of writes that commit together or not at all. Writes
// apply in the order they were added: a later Put or Delete of a key wins
// over an earlier one.
type Batch struct {
	ops []op
	err error
}

// op is one write: a put of v at k, or a delete of k.
type op struct {
	k, v []byte
	del  bool
}

// NewBatch returns an empty batch.
func NewBatch() *Batch { return &Batch{} }

// Put adds key = JSON(v). An encoding error fails the batch at commit.
func (b *Batch) Put(key []byte, v any) {
	data, err := json.Marshal(v)
	if err != nil && b.err == nil {
		b.err = fmt.Errorf("encode %s: %w", key, err)
	}
	b.putRaw(key, data)
}

func (b *Batch) putRaw(key, val []byte) { b.ops = append(b.ops, op{k: key, v: val}) }

// Delete removes key.
func (b *Batch) Delete(key []byte) { b.ops = append(b.ops, op{k: key, del: true}) }

// Len is the number of writes in the batch.
func (b *Batch) Len() int { return len(b.ops) }

// entrySize is what a write costs of a transaction, as Badger counts it.
func entrySize(w op) int {
	if len(w.v) < valueThreshold {
		return len(w.k) + len(w.v) + 12
	}
	return len(w.k) + 24
}

// Size estimates the bytes the batch takes of one transaction.
func (b *Batch) Size() int {
	n := 0
	for _, w := range b.ops {
		n += entrySize(w)
	}
	return n
}

// diskSize estimates the bytes the batch adds to Badger's files: each
// entry in the write-ahead log, a large value in the value log too, with
// their headers, and a page of each log that a write may start.
func (b *Batch) diskSize() int {
	n := 2 * 4096
	for _, w := range b.ops {
		n += len(w.k) + len(w.v) + 32
		if len(w.v) >= valueThreshold {
			n += len(w.k) + 32
		}
	}
	return n
}

// Fits reports whether the batch can commit as one transaction.
func (b *Batch) Fits() bool { return b.Size() <= MaxBatchBytes && b.Len() < maxBatchEntries }

// Split cuts the batch into batches that each fit, keeping write order.
// Use it only where the writes need not be atomic together (independent
// driver events, expiry).
func (b *Batch) Split() []*Batch {
	var out []*Batch
	cur, size := NewBatch(), 0
	cur.err = b.err
	for _, w := range b.ops {
		es := entrySize(w)
		if cur.Len() > 0 && (size+es > MaxBatchBytes || cur.Len()+1 >= maxBatchEntries) {
			out = append(out, cur)
			cur, size = NewBatch(), 0
		}
		cur.ops = append(cur.ops, w)
		size += es
	}
	return append(out, cur)
}

// Commit writes the batch in one durable transaction.
func (s *Store) Commit(ctx context.Context, b *Batch) error {
	done := make(chan error, 1)
	s.CommitAsync(ctx, b, func(err error) { done <- err })
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		// The write may still land; callers that give up must not assume
		// either outcome.
		return ctx.Err()
	}
}

// CommitAsync queues the batch as one transaction and calls cb once it is
// durable (or failed). Batches queued in order commit in that order, and
// concurrent batches share one fsync. A batch the disk has no room for
// (CheckSpace at Request) fails with a *SpaceError and writes nothing.
func (s *Store) CommitAsync(ctx context.Context, b *Batch, cb func(error)) {
	if b.err != nil || b.Len() == 0 {
		cb(b.err) // without Begin's wait
		return
	}
	if err := s.CheckSpace(Request, b); err != nil {
		cb(err)
		return
	}
	s.Begin(ctx).CommitAsync(ctx, b, cb)
}

// CheckSpace reports a *SpaceError when writing b at priority p would
// leave the disk with less free space than Badger may need (see
// space.go); nil for a store in memory. Check before changing anything
// the write stands for: Txn.CommitAsync does not check.
func (s *Store) CheckSpace(p Priority, b *Batch) error { return s.checkSpace(p, b.diskSize()) }

func (s *Store) checkSpace(p Priority, n int) error {
	if s.space == nil {
		return nil
	}
	if now := time.Now().UnixNano(); now-s.space.lsmAt.Load() > int64(lsmRefresh) {
		s.space.lsmAt.Store(now)
		var lsm int64
		for _, t := range s.db.Tables() {
			lsm += int64(t.OnDiskSize)
		}
		s.space.lsm.Store(lsm)
	}
	return s.space.check(p, n)
}

// Txn is a write transaction begun ahead of the change it will carry.
type Txn struct {
	txn *badger.Txn
	s   *Store
}

// Begin starts a write transaction. Badger makes a new transaction wait
// until every commit before it is applied and synced; a writer that
// begins while holding a lock would hold it through another writer's
// fsync (every region through one region's sync). Begin before taking
// locks, then CommitAsync under them: concurrent writers then wait for
// the same sync together and commit in one batch.
func (s *Store) Begin(ctx context.Context) *Txn { return &Txn{txn: s.db.NewTransaction(true), s: s} }

// Discard ends t unused.
func (t *Txn) Discard() { t.txn.Discard() }

// CommitAsync queues the batch in t, which ends, and calls cb once it is
// durable (or failed). It does not block: batches queued in order commit
// in that order.
func (t *Txn) CommitAsync(ctx context.Context, b *Batch, cb func(error)) {
	if b.err != nil || b.Len() == 0 {
		t.txn.Discard()
		cb(b.err)
		return
	}
	for _, o := range b.ops {
		var err error
		if o.del {
			err = t.txn.Delete(o.k)
		} else {
			err = t.txn.Set(o.k, o.v)
		}
		if err != nil {
			t.txn.Discard()
			cb(wrapTxnErr(err))
			return
		}
	}
	// Counted until durable, so that concurrent checks see it.
	n := int64(b.diskSize())
	if sp := t.s.space; sp != nil {
		sp.inflight.Add(n)
	}
	t.txn.CommitWith(func(err error) {
		if sp := t.s.space; sp != nil {
			sp.inflight.Add(-n)
		}
		cb(wrapTxnErr(err))
	})
}

func wrapTxnErr(err error) error {
	if errors.Is(err, badger.ErrTxnTooBig) {
		return fmt.Errorf("%w: %v", ErrTooBig, err)
	}
	return err
}

// Scan calls fn for every key under kind/ (and region/ when region is not
// empty), in key order. The value slice is valid only during the call.
func (s *Store) Scan(ctx context.Context, kind, region string, fn func(key, val []byte) error) error {
	prefix := Key(kind, "")
	if region != "" {
		prefix = Key(kind, region, "")
	}
	return s.db.View(func(txn *badger.Txn) error {
		o := badger.DefaultIteratorOptions
		o.Prefix = prefix
		// Values live in the LSM next to their keys: prefetching them only
		// adds goroutines.
		o.PrefetchValues = false
		it := txn.NewIterator(o)
		defer it.Close()
		for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			item := it.Item()
			if err := item.Value(func(v []byte) error { return fn(item.Key(), v) }); err != nil {
				return err
			}
		}
		return nil
	})
}

// Get decodes the JSON value at key into v; it returns ErrNotFound when absent.
func (s *Store) Get(ctx context.Context, key []byte, v any) error {
	return s.db.View(func(txn *badger.Txn) error {
		it, err := txn.Get(key)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return it.Value(func(b []byte) error { return json.Unmarshal(b, v) })
	})
}
