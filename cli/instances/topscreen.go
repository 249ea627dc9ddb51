package instances

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	xterm "golang.org/x/term"
)

// The full-screen view is drawn by hand on the alternate screen rather
// than with a TUI library: the one used before (bubbletea v1) queried every
// terminal's background colour and cursor position at start-up of every
// ec2x command, and waited for the answers.

// keyKind is what a key press means to top.
type keyKind int

const (
	keyRunes keyKind = iota
	keyEnter
	keyEsc
	keyBackspace
	keyCtrlC
)

// keyMsg is one key, or several printable ones read at once.
type keyMsg struct {
	kind  keyKind
	runes []rune
}

// parseKeys splits one read from the terminal into key events. Escape
// sequences (arrows, function keys) are dropped; a lone ESC is Esc.
func parseKeys(b []byte) []keyMsg {
	var out []keyMsg
	var runes []rune
	flush := func() {
		if len(runes) > 0 {
			out = append(out, keyMsg{kind: keyRunes, runes: runes})
			runes = nil
		}
	}
	emit := func(k keyKind) { flush(); out = append(out, keyMsg{kind: k}) }
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == 0x03:
			emit(keyCtrlC)
		case c == '\r' || c == '\n':
			emit(keyEnter)
		case c == 0x7f || c == 0x08:
			emit(keyBackspace)
		case c == 0x1b && i+1 < len(b) && (b[i+1] == '[' || b[i+1] == 'O'):
			flush()
			j := i + 2
			for j < len(b) && (b[j] < 0x40 || b[j] > 0x7e) {
				j++
			}
			i = j + 1
			continue
		case c == 0x1b:
			emit(keyEsc)
		case c < 0x20:
		default:
			r, size := utf8.DecodeRune(b[i:])
			runes = append(runes, r)
			i += size
			continue
		}
		i++
	}
	flush()
	return out
}

// runTop runs the full-screen view fed by one streaming request.
func runTop(e *command.Env, in *ec2.DescribeFleetInput, key string) error {
	in.Hosts = true
	m := &topModel{sortKey: key, region: e.Region}
	fd := int(os.Stdin.Fd())
	old, err := xterm.MakeRaw(fd)
	if err != nil {
		return command.Usagef("top: the full-screen view needs a terminal (%v); use --once", err)
	}
	defer xterm.Restore(fd, old)
	out := e.Stdout()
	// Alternate screen, hidden cursor, no line wrap; all undone on exit.
	fmt.Fprint(out, "\x1b[?1049h\x1b[?25l\x1b[?7l")
	defer fmt.Fprint(out, "\x1b[?7h\x1b[?25h\x1b[?1049l")

	ctx, cancel := context.WithCancel(e.Context())
	defer cancel()
	events := make(chan any, 16)
	send := func(msg any) {
		select {
		case events <- msg:
		case <-ctx.Done():
		}
	}
	go readKeys(os.Stdin, send)
	go func() {
		err := e.Stream("StreamFleet", in, func(raw json.RawMessage) error {
			var f ec2.FleetFrame
			if err := json.Unmarshal(raw, &f); err != nil {
				return err
			}
			send(frameMsg{&f})
			return nil
		})
		if err != nil && e.Context().Err() == nil {
			send(streamErrMsg{err})
		}
	}()
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	defer signal.Stop(winch)
	for {
		if w, h, err := xterm.GetSize(fd); err == nil {
			m.width, m.height = w, h
		}
		draw(out, m.View())
		select {
		case <-ctx.Done():
			return nil
		case <-winch:
		case msg := <-events:
			if m.update(msg) {
				return m.streamErr
			}
		}
	}
}

// readKeys turns the terminal's input into key events until it ends.
func readKeys(r io.Reader, send func(any)) {
	buf := make([]byte, 256)
	for {
		n, err := r.Read(buf)
		for _, k := range parseKeys(buf[:n]) {
			send(k)
		}
		if err != nil {
			return
		}
	}
}

// draw repaints the screen from the top left, clearing what each line and
// the rest of the screen held before (no flicker from a full clear).
func draw(w io.Writer, view string) {
	var b strings.Builder
	b.WriteString("\x1b[H")
	for _, line := range strings.Split(strings.TrimSuffix(view, "\n"), "\n") {
		b.WriteString(line)
		b.WriteString("\x1b[K\r\n")
	}
	b.WriteString("\x1b[J")
	io.WriteString(w, b.String())
}
