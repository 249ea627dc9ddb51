package describe

import (
	"testing"
	"unicode/utf8"
)

// wildCases are core's TestWildMatch cases, kept as they were, plus a few
// for the compiled fast path.
var wildCases = []struct {
	pattern, s string
	want       bool
}{
	{"", "", true},
	{"", "a", false},
	{"*", "", true},
	{"*", "a/b/c", true},
	{"a*", "a", true},
	{"a*c", "abbbc", true},
	{"a*c", "abbbd", false},
	{"*b*", "aaabaaa", true},
	{"a*b*c", "a-b-x-b-c", true},
	{"a*b*c", "a-c-b", false},
	{"a?c", "abc", true},
	{"a?c", "ac", false},
	{"a?c", "a/c", true},
	{"??", "é!", true}, // ? is one character, not one byte
	{"**", "x", true},
	{"[ab]", "a", false},
	{"[ab]", "[ab]", true},
	{`a\*`, `a\xyz`, true}, // backslash is literal, not an escape
	{"web-*", "web-1", true},
	{"web-*", "db-1", false},

	{"a*a", "a", false}, // prefix and suffix may not share the one 'a'
	{"a*a", "aa", true},
	{"*a*a*", "a", false},
	{"*a*a*", "xaxa", true},
	{"ab*ba", "aba", false},
	{"*é", "café", true},
	{"caf?", "café", true},
	{"?", "é", true},
	{"?", "", false},
	{"*?", "", false},
	{"*?*", "x", true},
	{"a*?c", "abc", true},
	{"a*?c", "ac", false},
	{"*x*y*", "yyyxxx", false},
	{`\`, `\`, true},
	{`\?`, `\x`, true},
	{"*", "\xff", true},
}

func TestWildMatch(t *testing.T) {
	for _, tc := range wildCases {
		if got := WildMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("WildMatch(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
		// The compiled form takes other paths (exact, segments); it must
		// agree.
		ps := compilePatterns([]string{tc.pattern})
		if got := ps.match(tc.s); got != tc.want {
			t.Errorf("compiled %q on %q = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

// refMatch is core's wildMatch as it was, over runes: the reference.
func refMatch(pattern, s string) bool {
	p, v := []rune(pattern), []rune(s)
	pi, vi := 0, 0
	star, mark := -1, 0
	for vi < len(v) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, vi
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == v[vi]):
			pi++
			vi++
		case star >= 0:
			mark++
			pi, vi = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// FuzzWildMatch holds WildMatch and the compiled patterns to the old
// matcher (on valid UTF-8: over invalid bytes the fast paths compare
// bytes where the old one compared U+FFFD, which is as good).
func FuzzWildMatch(f *testing.F) {
	for _, tc := range wildCases {
		f.Add(tc.pattern, tc.s)
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(s) {
			return // see above: only valid UTF-8 is compared
		}
		want := refMatch(pattern, s)
		if got := WildMatch(pattern, s); got != want {
			t.Errorf("WildMatch(%q, %q) = %v, want %v", pattern, s, got, want)
		}
		ps := compilePatterns([]string{pattern})
		if got := ps.match(s); got != want {
			t.Errorf("compiled %q on %q = %v, want %v", pattern, s, got, want)
		}
	})
}
