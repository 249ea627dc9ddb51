package command

import (
	"bytes"
	"strings"
)

// appendIndent appends src, a valid JSON document, to dst indented as
// json.Indent(dst, src, "", indent) does. It trusts src (the daemon wrote
// it with encoding/json): json.Indent's validating scanner was a third of
// `ls -o json` over 1,000 instances, and a byte loop does the same layout
// several times faster.
func appendIndent(dst, src []byte, indent string) []byte {
	nl := "\n" + strings.Repeat(indent, 16)
	depth := 0
	open := false // after { or [: the newline waits for the next token
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		if open && c != '}' && c != ']' {
			open = false
			depth++
			dst = newline(dst, depth, indent, nl)
		}
		switch c {
		case '"':
			j := stringEnd(src, i)
			dst = append(dst, src[i:j]...)
			i = j - 1
		case '{', '[':
			open = true
			dst = append(dst, c)
		case '}', ']':
			if open {
				open = false // empty: {} and [] stay on one line
			} else {
				depth--
				dst = newline(dst, depth, indent, nl)
			}
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			dst = newline(dst, depth, indent, nl)
		case ':':
			dst = append(dst, ':', ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// stringEnd is the index after the string that starts at src[i] (a quote).
func stringEnd(src []byte, i int) int {
	j := i + 1
	for {
		k := bytes.IndexByte(src[j:], '"')
		if k < 0 {
			return len(src)
		}
		j += k
		// An odd run of backslashes before it escapes the quote.
		n := 0
		for p := j - 1; p > i && src[p] == '\\'; p-- {
			n++
		}
		j++
		if n%2 == 0 {
			return j
		}
	}
}

// newline appends a newline and depth indents; nl is "\n" and a few
// indents, sliced for the usual depths.
func newline(dst []byte, depth int, indent, nl string) []byte {
	if w := 1 + depth*len(indent); w <= len(nl) {
		return append(dst, nl[:w]...)
	}
	dst = append(dst, '\n')
	for range depth {
		dst = append(dst, indent...)
	}
	return dst
}
