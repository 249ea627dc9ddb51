package screens

import (
	"encoding/json"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/instances"
	"github.com/ec2x/ec2x/core/ec2"
)

// top's full-screen view runs on Bubble Tea v2. v1 is not used: its
// package initialiser asked every terminal for its background colour and
// cursor position in every process that linked it, and waited for answers;
// v2 asks nothing until a program runs.

// keysOf is what a key press means to top: nothing for keys top does not
// use (arrows, function keys). Alt with a letter is Esc and the letter:
// that is all a terminal sends for both, and top has no Alt keys.
func keysOf(k tea.KeyPressMsg) []instances.Key {
	if k.Mod == tea.ModAlt && k.Code > ' ' && k.Code < 0x7f {
		if m, ok := keyOf(tea.KeyPressMsg{Code: k.Code, Text: string(k.Code)}); ok {
			return []instances.Key{{Kind: instances.KeyEsc}, m}
		}
	}
	if m, ok := keyOf(k); ok {
		return []instances.Key{m}
	}
	return nil
}

// keyOf is one key press without Alt as top reads it.
func keyOf(k tea.KeyPressMsg) (instances.Key, bool) {
	switch k.String() {
	case "ctrl+c":
		return instances.Key{Kind: instances.KeyCtrlC}, true
	case "enter":
		return instances.Key{Kind: instances.KeyEnter}, true
	case "esc":
		return instances.Key{Kind: instances.KeyEsc}, true
	case "backspace":
		return instances.Key{Kind: instances.KeyBackspace}, true
	case "space":
		return instances.Key{Kind: instances.KeyRunes, Runes: []rune{' '}}, true
	}
	if k.Text != "" && k.Mod&^tea.ModShift == 0 {
		return instances.Key{Kind: instances.KeyRunes, Runes: []rune(k.Text)}, true
	}
	return instances.Key{}, false
}

// frameMsg carries a frame from the stream into the UI.
type frameMsg struct{ f *ec2.FleetFrame }

// streamErrMsg ends the UI when the stream fails.
type streamErrMsg struct{ err error }

// teaTop adapts top's model to Bubble Tea.
type teaTop struct{ m *instances.TopModel }

func (t teaTop) Init() tea.Cmd { return nil }

func (t teaTop) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		t.m.Resize(msg.Width, msg.Height)
	case tea.KeyPressMsg:
		for _, k := range keysOf(msg) {
			if t.m.Key(k) {
				return t, tea.Quit
			}
		}
	case frameMsg:
		t.m.Frame(msg.f)
	case streamErrMsg:
		t.m.Fail(msg.err)
		return t, tea.Quit
	}
	return t, nil
}

func (t teaTop) View() tea.View {
	v := tea.NewView(t.m.View())
	v.AltScreen = true
	return v
}

// Top runs the full-screen view fed by one streaming request.
func (Linked) Top(e *command.Env, in *ec2.DescribeFleetInput, m *instances.TopModel) error {
	p := tea.NewProgram(teaTop{m}, tea.WithContext(e.Context()), tea.WithOutput(e.Stdout()), tea.WithInput(os.Stdin))
	go func() {
		err := e.Stream("StreamFleet", in, func(raw json.RawMessage) error {
			var f ec2.FleetFrame
			if err := json.Unmarshal(raw, &f); err != nil {
				return err
			}
			p.Send(frameMsg{&f})
			return nil
		})
		if err != nil && e.Context().Err() == nil {
			p.Send(streamErrMsg{err})
		}
	}()
	if _, err := p.Run(); err != nil && e.Context().Err() == nil {
		return err
	}
	return m.Err()
}
