package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"
)

// Free space. Badger writes its write-ahead log, value log and tables
// through memory maps of files it made at full size but sparse: on a
// full disk a write into one of them faults (SIGBUS) and the daemon dies
// in the middle of it, instead of getting ENOSPC. Badger also writes in
// the background: a full memtable is flushed to a table, and compactions
// write new tables before deleting the old ones. So the store refuses a
// write while the disk has less free space than what Badger may still
// need for those, plus the writes already queued.

// ErrNoSpace says the disk holding the store is too full for a write;
// match it with errors.Is (the error is a *SpaceError).
var ErrNoSpace = errors.New("store: not enough free disk space")

// SpaceError is a write refused for lack of free disk space.
type SpaceError struct {
	Dir  string // the store's directory
	Free int64  // bytes free on its file system
	Need int64  // bytes it needed free: the write's, queued ones', the reserve
	Open bool   // refused at Open, not a write
}

func (e *SpaceError) Error() string {
	if e.Open {
		return fmt.Sprintf("the disk holding %s has %s free and the store needs %s to open (Badger rewrites its logs into tables): free some space on it",
			e.Dir, mib(e.Free), mib(e.Need))
	}
	return fmt.Sprintf("the disk holding %s has %s free and a change needs %s (with a reserve for Badger's flushes and compactions): changes are refused until there is room, reads still work; free some space on it",
		e.Dir, mib(e.Free), mib(e.Need))
}

// Unwrap makes errors.Is(err, ErrNoSpace) hold.
func (e *SpaceError) Unwrap() error { return ErrNoSpace }

func mib(n int64) string { return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20)) }

// Priority says how much free space a write needs.
type Priority int

const (
	// Request is a change a client asked for: it needs the whole reserve,
	// so that what was already accepted can still settle.
	Request Priority = iota
	// Settle is the rest of a change already accepted (driver events,
	// expiry): it may use the last part of the reserve.
	Settle
)

// lsmRefresh is how often the size of Badger's tables is re-read.
const lsmRefresh = time.Second

// space guards the disk of one store.
type space struct {
	dir  string
	free func(dir string) (int64, error) // Options.FreeSpace, else statfs
	// inflight is the bytes of batches queued but not yet durable.
	inflight atomic.Int64
	lsm      atomic.Int64 // bytes of Badger's tables, as last read
	lsmAt    atomic.Int64 // when, Unix ns
}

// reserve is the free space a write of priority p must leave. Badger
// writes before it frees: the memtable's log fills (a memtable's size)
// while the memtable before it becomes a table (at most a memtable's
// size, with an index and a bloom filter its log has not) before that
// log is deleted, and a compaction writes its new tables before deleting
// the old ones (at most every table, as last measured). Writes already
// queued are counted apart (inflight); the margin of two batches covers
// those racing this check. A settle needs that much; a request keeps two
// more batches for what was accepted to settle. With the sizes of Open
// that is about 23 MiB on a new store; it grows with the tables.
func (g *space) reserve(p Priority) int64 {
	settle := 2*int64(memTableSize) + g.lsm.Load() + 2*MaxBatchBytes
	if p == Settle {
		return settle
	}
	return settle + 2*MaxBatchBytes
}

// check refuses a write of n bytes at priority p when it would leave less
// than the reserve free.
func (g *space) check(p Priority, n int) error {
	free, err := g.free(g.dir)
	if err != nil {
		// A disk we cannot measure is not refused for it: Badger's own
		// errors say more.
		return nil
	}
	if need := g.reserve(p) + g.inflight.Load() + int64(n); free < need {
		return &SpaceError{Dir: g.dir, Free: free, Need: need}
	}
	return nil
}

// checkOpen refuses to open a store whose disk has too little free space
// for Badger to replay and flush its logs.
func (g *space) checkOpen() error {
	if err := os.MkdirAll(g.dir, 0o700); err != nil {
		return err
	}
	free, err := g.free(g.dir)
	if err != nil {
		return nil
	}
	if need := openNeed(g.dir); free < need {
		return &SpaceError{Dir: g.dir, Free: free, Need: need, Open: true}
	}
	return nil
}

// freeBytes is the space an unprivileged process may still use on the
// file system holding dir.
func freeBytes(dir string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * st.Bsize, nil
}

// openNeed is the free space Badger needs to open dir: it replays each
// memtable's write-ahead log and writes it to a table, and compactions
// may rewrite the tables. It counts the bytes the files hold on disk,
// not their sparse length.
func openNeed(dir string) int64 {
	need := int64(2 * MaxBatchBytes)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if ext != ".mem" && ext != ".sst" {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			need += st.Blocks * 512
		} else {
			need += info.Size()
		}
	}
	return need
}
