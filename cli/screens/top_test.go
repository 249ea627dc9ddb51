package screens

import (
	"reflect"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/ec2x/ec2x/cli/instances"
)

// Keys as Bubble Tea reports them reach top as the events it acts on.
func TestKeysOf(t *testing.T) {
	tests := []struct {
		name string
		in   tea.KeyPressMsg
		want instances.Key
		ok   bool
	}{
		{"a letter", tea.KeyPressMsg{Code: 'c', Text: "c"}, instances.Key{Kind: instances.KeyRunes, Runes: []rune("c")}, true},
		{"a capital", tea.KeyPressMsg{Code: 'c', Text: "C", Mod: tea.ModShift}, instances.Key{Kind: instances.KeyRunes, Runes: []rune("C")}, true},
		{"utf-8", tea.KeyPressMsg{Code: 'é', Text: "é"}, instances.Key{Kind: instances.KeyRunes, Runes: []rune("é")}, true},
		{"space", tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}, instances.Key{Kind: instances.KeyRunes, Runes: []rune(" ")}, true},
		{"enter", tea.KeyPressMsg{Code: tea.KeyEnter}, instances.Key{Kind: instances.KeyEnter}, true},
		{"escape", tea.KeyPressMsg{Code: tea.KeyEscape}, instances.Key{Kind: instances.KeyEsc}, true},
		{"backspace", tea.KeyPressMsg{Code: tea.KeyBackspace}, instances.Key{Kind: instances.KeyBackspace}, true},
		{"ctrl-c", tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}, instances.Key{Kind: instances.KeyCtrlC}, true},
		{"an arrow is not top's", tea.KeyPressMsg{Code: tea.KeyUp}, instances.Key{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var want []instances.Key
			if tc.ok {
				want = []instances.Key{tc.want}
			}
			if got := keysOf(tc.in); !reflect.DeepEqual(got, want) {
				t.Errorf("keysOf(%v) = %+v, want %+v", tc.in, got, want)
			}
		})
	}
	// Esc then h, sent together, reach a program as Alt-h.
	got := keysOf(tea.KeyPressMsg{Code: 'h', Mod: tea.ModAlt})
	if want := []instances.Key{{Kind: instances.KeyEsc}, {Kind: instances.KeyRunes, Runes: []rune("h")}}; !reflect.DeepEqual(got, want) {
		t.Errorf("keysOf(alt+h) = %+v, want %+v", got, want)
	}
}
