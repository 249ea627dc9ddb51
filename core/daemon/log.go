package daemon

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/ec2x/ec2x/core/api"
	"github.com/rs/zerolog"
)

// openLog opens the daemon's log file and makes its logger: the file, plus
// stderr in the foreground (a started daemon's stderr is its start-up
// report only).
func openLog(o api.ServeOptions) (zerolog.Logger, func(), error) {
	if err := os.MkdirAll(filepath.Join(o.Home, api.LogsDir), 0o700); err != nil {
		return zerolog.Nop(), nil, err
	}
	f, err := os.OpenFile(api.Paths{Home: o.Home}.Log(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return zerolog.Nop(), nil, err
	}
	var w io.Writer = &logFile{f: f, stderr: o.Stderr, echo: o.Background}
	if !o.Background {
		w = zerolog.MultiLevelWriter(w, zerolog.ConsoleWriter{Out: o.Stderr, NoColor: o.NoColor})
	}
	level := zerolog.InfoLevel
	if o.Debug {
		level = zerolog.DebugLevel
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger(), func() { f.Close() }, nil
}

// logFile is the daemon's log file. A write it refuses (a full disk, an
// I/O error) is said on stderr once until writes work again, and the
// lines it lost go there too unless stderr already has them (foreground).
type logFile struct {
	f       *os.File
	stderr  io.Writer
	echo    bool
	mu      sync.Mutex
	failing bool
}

func (l *logFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.f.Write(p); err != nil {
		if !l.failing {
			fmt.Fprintf(l.stderr, "ec2x: the daemon cannot write its log %s (%v); its lines come here until it can\n", l.f.Name(), err)
			l.failing = true
		}
		if l.echo {
			_, _ = l.stderr.Write(p)
		}
		// Said: zerolog need not print its own message for each line.
		return len(p), nil
	}
	if l.failing {
		fmt.Fprintf(l.stderr, "ec2x: the daemon writes its log %s again\n", l.f.Name())
		l.failing = false
	}
	return len(p), nil
}
