package describe

import (
	"strings"
	"unicode/utf8"
)

// manyExact is how many exact values a filter needs before a set beats a
// linear scan (an instance-id filter may list hundreds of IDs).
const manyExact = 8

// patterns is one filter's values compiled once per request, so that
// matching an item neither parses nor allocates.
type patterns struct {
	exact []string            // values without wildcards, compared as they are
	set   map[string]struct{} // the same, when there are many
	wild  []pattern
}

func compilePatterns(values []string) patterns {
	var ps patterns
	for _, v := range values {
		if strings.ContainsAny(v, "*?") {
			ps.wild = append(ps.wild, compilePattern(v))
		} else {
			ps.exact = append(ps.exact, v)
		}
	}
	if len(ps.exact) > manyExact {
		ps.set = make(map[string]struct{}, len(ps.exact))
		for _, v := range ps.exact {
			ps.set[v] = struct{}{}
		}
		ps.exact = nil
	}
	return ps
}

// match reports whether v matches any of the values.
func (ps *patterns) match(v string) bool {
	for _, e := range ps.exact {
		if v == e {
			return true
		}
	}
	if ps.set != nil {
		if _, ok := ps.set[v]; ok {
			return true
		}
	}
	for i := range ps.wild {
		if ps.wild[i].match(v) {
			return true
		}
	}
	return false
}

// pattern is a filter value with wildcards.
type pattern struct {
	src string
	// segs is src split at '*' when src has no '?': the literal runs a
	// value must contain in order, the first as its prefix and the last as
	// its suffix. Matching them with strings.Index is much faster than
	// stepping rune by rune, and finding each run leftmost is exact since
	// a run has a fixed text.
	segs []string
}

func compilePattern(src string) pattern {
	p := pattern{src: src}
	if !strings.Contains(src, "?") {
		p.segs = strings.Split(src, "*")
	}
	return p
}

func (p *pattern) match(v string) bool {
	if p.segs == nil {
		return WildMatch(p.src, v)
	}
	first, last := p.segs[0], p.segs[len(p.segs)-1]
	// The prefix and the suffix must not overlap.
	if len(v) < len(first)+len(last) || !strings.HasPrefix(v, first) || !strings.HasSuffix(v, last) {
		return false
	}
	v = v[len(first) : len(v)-len(last)]
	for _, s := range p.segs[1 : len(p.segs)-1] {
		i := strings.Index(v, s)
		if i < 0 {
			return false
		}
		v = v[i+len(s):]
	}
	return true
}

// WildMatch reports whether s matches EC2's filter pattern: * matches any
// run of characters and ? exactly one character (a rune), slashes included
// (path.Match stops at '/', which tag values such as paths and ARNs are full
// of); every other character, [ and \ included, stands for itself. It is
// there for a Field's custom Match to fall back on.
func WildMatch(pattern, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0 // the last * seen and where in s its run ends
	for si < len(s) {
		if pi < len(pattern) && pattern[pi] == '*' {
			star, mark = pi, si
			pi++
			continue
		}
		if pi < len(pattern) {
			pr, pn := utf8.DecodeRuneInString(pattern[pi:])
			sr, sn := utf8.DecodeRuneInString(s[si:])
			if pr == '?' || pr == sr {
				pi += pn
				si += sn
				continue
			}
		}
		if star < 0 {
			return false
		}
		// Let the last * take one more character and retry after it.
		_, n := utf8.DecodeRuneInString(s[mark:])
		mark += n
		pi, si = star+1, mark
	}
	for pi < len(pattern) && pattern[pi] == '*' {
		pi++
	}
	return pi == len(pattern)
}
