package instances

import (
	"reflect"
	"testing"
)

// Keys as terminals send them reach top as the events it acts on.
func TestParseKeys(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []keyMsg
	}{
		{"letters in one read", "c/si", []keyMsg{{kind: keyRunes, runes: []rune("c/si")}}},
		{"enter", "te\r", []keyMsg{{kind: keyRunes, runes: []rune("te")}, {kind: keyEnter}}},
		{"lone escape", "\x1b", []keyMsg{{kind: keyEsc}}},
		{"arrow keys are dropped", "\x1b[A\x1bOBx", []keyMsg{{kind: keyRunes, runes: []rune("x")}}},
		{"backspace and ctrl-c", "a\x7f\x03", []keyMsg{{kind: keyRunes, runes: []rune("a")}, {kind: keyBackspace}, {kind: keyCtrlC}}},
		{"utf-8", "é", []keyMsg{{kind: keyRunes, runes: []rune("é")}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseKeys([]byte(tc.in)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("parseKeys(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}
