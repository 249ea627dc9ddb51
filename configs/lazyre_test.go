package configs

import (
	"strings"
	"testing"
)

// Every lazily compiled expression compiles and keeps its meaning.
func TestLazyRegexps(t *testing.T) {
	for _, tc := range []struct {
		name     string
		re       LazyRegexp
		yes, not string
	}{
		{"module name", ModuleName, "my-spot_2", "../spot"},
		{"decimal", decimalRe, "0.0104", "1e3"},
		{"ami", amiRe, "ami-0123abcd", "ami-XYZ"},
		{"type name", typeNameRe, "t3.large", "t3large"},
		{"type error", typeErrRe, `toml: line 3 (last key "sim.seed"): bad`, "other"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.re.MatchString(tc.yes) || tc.re.MatchString(tc.not) {
				t.Errorf("%s: matches %q %v, %q %v", tc.re, tc.yes, tc.re.MatchString(tc.yes), tc.not, tc.re.MatchString(tc.not))
			}
		})
	}
}

// BenchmarkClientInit is what a CLI call paid at start for these
// expressions before they were compiled lazily (each run compiles them all).
func BenchmarkClientInit(b *testing.B) {
	exprs := []string{ModuleName.String(), decimalRe.String(), amiRe.String(), typeNameRe.String(), typeErrRe.String()}
	for b.Loop() {
		for _, e := range exprs {
			LazyRegexpOf(e).MatchString("")
		}
	}
}

// IsModuleName says what ModuleName says.
func TestIsModuleName(t *testing.T) {
	for _, s := range []string{"", "a", "spot", "my-spot_2", "-spot", "_x", "0x", "Spot", "a.b", "../spot", "a b", "é",
		strings.Repeat("a", 63), strings.Repeat("a", 64), "a-", "a_"} {
		if got, want := IsModuleName(s), ModuleName.MatchString(s); got != want {
			t.Errorf("IsModuleName(%q) = %v, ModuleName says %v", s, got, want)
		}
	}
}
