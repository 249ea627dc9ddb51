package store

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/rs/zerolog"
)

// badgerLog passes Badger's errors and warnings to the daemon's log and
// keeps the last error, for a Close that cannot finish to say why.
type badgerLog struct {
	log  zerolog.Logger
	mu   sync.Mutex
	last string
}

func (l *badgerLog) Errorf(format string, args ...any) {
	msg := oneLine(fmt.Sprintf(format, args...))
	l.mu.Lock()
	l.last = msg
	l.mu.Unlock()
	l.log.Error().Str("component", "badger").Msg(msg)
}

func (l *badgerLog) Warningf(format string, args ...any) {
	l.log.Warn().Str("component", "badger").Msg(oneLine(fmt.Sprintf(format, args...)))
}

// oneLine joins the lines of a Badger message, which wraps its causes.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Infof and Debugf are Badger's chatter: dropped.
func (l *badgerLog) Infof(string, ...any)  {}
func (l *badgerLog) Debugf(string, ...any) {}

func (l *badgerLog) lastError() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last
}

// ErrNotClosed says Close gave up before Badger finished; match it with
// errors.Is (the error is a *CloseError).
var ErrNotClosed = errors.New("store: not closed")

// CloseError is a Close that gave up: Badger could not write what it
// holds in memory (its memtable) to its tables, and retries without end.
type CloseError struct {
	Dir   string
	Cause error  // why Close stopped waiting (the context's error)
	Last  string // Badger's last error, if it said one
}

func (e *CloseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the store %s was not closed: its memtable could not be written to a table (stopped waiting: %v)", e.Dir, e.Cause)
	if e.Last != "" {
		fmt.Fprintf(&b, "; Badger: %s", e.Last)
	}
	if _, err := os.Stat(e.Dir); err != nil {
		fmt.Fprintf(&b, "; the directory was removed while the store was open (%v): its files, and every change in them, are gone with it", err)
	} else {
		b.WriteString("; no acknowledged change is lost: each was synced to the write-ahead log (*.mem) and the value log (*.vlog), which the next start replays")
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrNotClosed) hold.
func (e *CloseError) Unwrap() error { return ErrNotClosed }
