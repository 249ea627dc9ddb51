package ec2

import (
	"bytes"
	"encoding/json"
	"strings"
)

// ActionIndentedJSON is the ec2x action that runs another action and
// answers with its output as the CLI prints it: encoded as JSON, indented
// by four spaces as the AWS CLI does, ending in a newline. A CLI process
// that asked for the plain answer would spend more on indenting a fleet's
// listing than on the rest of the call, and the daemon can keep a
// listing's records encoded between calls.
const ActionIndentedJSON = "IndentedJSON"

// IndentedJSONInput names the action to run and its input.
type IndentedJSONInput struct {
	Action string          `json:"Action"`
	Input  json.RawMessage `json:"Input,omitempty"`
}

// IndentedJSONOutput is the answer, indented; the API sends it as text.
type IndentedJSONOutput struct {
	Body []byte
}

// Raw returns the bytes to send.
func (o *IndentedJSONOutput) Raw() []byte { return o.Body }

// SetRaw takes the bytes received.
func (o *IndentedJSONOutput) SetRaw(b []byte) { o.Body = b }

// AppendIndent appends src, a valid JSON document, to dst indented as
// json.Indent(dst, src, prefix, indent) does. It trusts src (encoding/json
// wrote it): json.Indent's validating scanner was a third of `ls -o json`
// over 1,000 instances, and a byte loop does the same layout several times
// faster.
func AppendIndent(dst, src []byte, prefix, indent string) []byte {
	nl := "\n" + prefix + strings.Repeat(indent, 16)
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
			dst = newline(dst, depth, prefix, indent, nl)
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
				dst = newline(dst, depth, prefix, indent, nl)
			}
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			dst = newline(dst, depth, prefix, indent, nl)
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

// newline appends a newline, the prefix and depth indents; nl is "\n",
// the prefix and a few indents, sliced for the usual depths.
func newline(dst []byte, depth int, prefix, indent, nl string) []byte {
	if w := 1 + len(prefix) + depth*len(indent); w <= len(nl) {
		return append(dst, nl[:w]...)
	}
	dst = append(dst, '\n')
	dst = append(dst, prefix...)
	for range depth {
		dst = append(dst, indent...)
	}
	return dst
}
