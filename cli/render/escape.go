package render

import "strings"

const hexDigits = "0123456789abcdef"

// Escape shows control characters (C0, DEL and C1) as Go escapes (\x1b,
// \t, \u009b) so a stored name or tag cannot move the cursor, clear the
// screen or retitle a terminal. EC2 allows them in values, so they are
// kept in the store and in JSON, and escaped only on the way to a table
// or text. Strings without them are returned as they are.
func Escape(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch {
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[r>>4])
			b.WriteByte(hexDigits[r&0xf])
		case r >= 0x80 && r <= 0x9f:
			b.WriteString(`\u00`)
			b.WriteByte(hexDigits[r>>4])
			b.WriteByte(hexDigits[r&0xf])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// needsEscape is Escape's fast path: C1 characters are U+0080..U+009F,
// encoded as 0xC2 0x80..0x9F in UTF-8.
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			return true
		}
		if c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f {
			return true
		}
	}
	return false
}

// EscapeAll escapes every cell of rows in place (see Escape).
func EscapeAll(rows [][]string) {
	for _, r := range rows {
		for i, c := range r {
			r[i] = Escape(c)
		}
	}
}
