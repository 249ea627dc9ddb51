package command

import (
	"strconv"
	"strings"
	"time"
)

// ParseWhen reads a moment as people write one: a duration back from now
// ("90m", "36h", "7d"), a date ("2026-11-01", UTC) or an RFC 3339 time.
func ParseWhen(flag, s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.ParseFloat(d, 64); err == nil && n >= 0 {
			return now.Add(-time.Duration(n * 24 * float64(time.Hour))), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, Usagef("--%s %q: want a duration back from now (90m, 36h, 7d), a date (2026-11-01) or an RFC 3339 time", flag, s)
}
