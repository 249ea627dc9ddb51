// Package render prints tables for terminals: every table the CLI prints
// goes through it, so all print the same way.
package render

import (
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf8"
)

// Table prints an aligned table: the header (when not nil) then the rows,
// columns separated by three spaces. With color, states are painted.
// Widths count visible characters only. Control characters in cells are
// shown escaped (see Escape).
func Table(w io.Writer, header []string, rows [][]string, color bool) error {
	EscapeAll(rows)
	n := len(header)
	for _, r := range rows {
		if len(r) > n {
			n = len(r)
		}
	}
	width := make([]int, n)
	measure := func(r []string) {
		for i, c := range r {
			if l := VisibleLen(c); l > width[i] {
				width[i] = l
			}
		}
	}
	measure(header)
	for _, r := range rows {
		measure(r)
	}
	buf := make([]byte, 0, 64<<10)
	line := func(cells []string, paint bool) {
		for i, c := range cells {
			if paint {
				buf = appendColored(buf, c)
			} else {
				buf = append(buf, c...)
			}
			if i < len(cells)-1 {
				for pad := width[i] - VisibleLen(c) + 3; pad > 0; pad-- {
					buf = append(buf, ' ')
				}
			}
		}
		buf = append(buf, '\n')
	}
	if header != nil {
		line(header, false)
	}
	for _, r := range rows {
		line(r, color)
		if len(buf) > 60<<10 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	_, err := w.Write(buf)
	return err
}

// VisibleLen is the number of characters a terminal shows for s, without
// ANSI color sequences.
func VisibleLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] == ';' || (s[j] >= '0' && s[j] <= '9')) {
				j++
			}
			if j < len(s) && s[j] == 'm' {
				i = j + 1
				continue
			}
		}
		if s[i] < utf8.RuneSelf {
			i++
		} else {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
		n++
	}
	return n
}

// stateColor maps a state word to its ANSI color.
func stateColor(cell string) string {
	switch cell {
	case "running", "available", "attached", "in-use":
		return "32"
	case "pending", "stopping", "shutting-down", "attaching", "detaching":
		return "33"
	case "stopped", "terminated", "detached":
		return "31"
	}
	return ""
}

func appendColored(buf []byte, cell string) []byte {
	code := stateColor(cell)
	if code == "" {
		return append(buf, cell...)
	}
	buf = append(buf, "\x1b["...)
	buf = append(buf, code...)
	buf = append(buf, 'm')
	buf = append(buf, cell...)
	return append(buf, "\x1b[0m"...)
}

// Colorize paints a state word (running green, pending yellow, ...).
func Colorize(cell string) string { return string(appendColored(nil, cell)) }

// Dash shows an empty cell as "-".
func Dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Age prints a duration the way docker ps does: coarse and short.
func Age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d.Seconds())) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + "m"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d.Hours())) + "h"
	}
	return strconv.Itoa(int(d.Hours()/24)) + "d"
}

// Pairs prints a key/value listing, the values aligned after the keys
// (what `show` commands print).
func Pairs(w io.Writer, pairs [][2]string, color bool) {
	width := 0
	for _, p := range pairs {
		width = max(width, len(p[0]))
	}
	for _, p := range pairs {
		v := Escape(p[1])
		if color {
			v = Colorize(v)
		}
		fmt.Fprintf(w, "%-*s  %s\n", width+1, p[0]+":", v)
	}
}
