package configs

import (
	"regexp"
	"sync"
)

// LazyRegexp is a regular expression compiled on first use: a package-level
// regexp.MustCompile runs at every process start, and bounded repeats such
// as {0,62} cost a CLI call (which rarely needs them) most of a millisecond.
type LazyRegexp struct {
	get func() *regexp.Regexp
}

// LazyRegexpOf returns expr, compiled once on first use; it panics then, as
// regexp.MustCompile would, when expr is invalid (tests use every one).
func LazyRegexpOf(expr string) LazyRegexp {
	return LazyRegexp{get: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
}

// MatchString says whether s matches.
func (l LazyRegexp) MatchString(s string) bool { return l.get().MatchString(s) }

// FindStringSubmatch is regexp.Regexp's.
func (l LazyRegexp) FindStringSubmatch(s string) []string { return l.get().FindStringSubmatch(s) }

// String is the expression.
func (l LazyRegexp) String() string { return l.get().String() }
