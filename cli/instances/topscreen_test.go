package instances

import (
	"reflect"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// Keys as Bubble Tea reports them reach top as the events it acts on.
func TestKeysOf(t *testing.T) {
	tests := []struct {
		name string
		in   tea.KeyPressMsg
		want keyMsg
		ok   bool
	}{
		{"a letter", tea.KeyPressMsg{Code: 'c', Text: "c"}, keyMsg{kind: keyRunes, runes: []rune("c")}, true},
		{"a capital", tea.KeyPressMsg{Code: 'c', Text: "C", Mod: tea.ModShift}, keyMsg{kind: keyRunes, runes: []rune("C")}, true},
		{"utf-8", tea.KeyPressMsg{Code: 'é', Text: "é"}, keyMsg{kind: keyRunes, runes: []rune("é")}, true},
		{"space", tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}, keyMsg{kind: keyRunes, runes: []rune(" ")}, true},
		{"enter", tea.KeyPressMsg{Code: tea.KeyEnter}, keyMsg{kind: keyEnter}, true},
		{"escape", tea.KeyPressMsg{Code: tea.KeyEscape}, keyMsg{kind: keyEsc}, true},
		{"backspace", tea.KeyPressMsg{Code: tea.KeyBackspace}, keyMsg{kind: keyBackspace}, true},
		{"ctrl-c", tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}, keyMsg{kind: keyCtrlC}, true},
		{"an arrow is not top's", tea.KeyPressMsg{Code: tea.KeyUp}, keyMsg{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var want []keyMsg
			if tc.ok {
				want = []keyMsg{tc.want}
			}
			if got := keysOf(tc.in); !reflect.DeepEqual(got, want) {
				t.Errorf("keysOf(%v) = %+v, want %+v", tc.in, got, want)
			}
		})
	}
	// Esc then h, sent together, reach a program as Alt-h.
	got := keysOf(tea.KeyPressMsg{Code: 'h', Mod: tea.ModAlt})
	if want := []keyMsg{{kind: keyEsc}, {kind: keyRunes, runes: []rune("h")}}; !reflect.DeepEqual(got, want) {
		t.Errorf("keysOf(alt+h) = %+v, want %+v", got, want)
	}
}
