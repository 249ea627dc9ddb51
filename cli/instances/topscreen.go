package instances

import (
	"encoding/json"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	xterm "golang.org/x/term"
)

// The full-screen view runs on Bubble Tea v2. v1 is not used: its package
// initialiser asked every terminal for its background colour and cursor
// position in every ec2x process, `ls` included, and waited for answers;
// v2 asks nothing until a program runs.

// keyKind is what a key press means to top.
type keyKind int

const (
	keyRunes keyKind = iota
	keyEnter
	keyEsc
	keyBackspace
	keyCtrlC
)

// keyMsg is one key, or several printable ones that came together.
type keyMsg struct {
	kind  keyKind
	runes []rune
}

// keysOf is what a key press means to top: nothing for keys top does not
// use (arrows, function keys). Alt with a letter is Esc and the letter:
// that is all a terminal sends for both, and top has no Alt keys.
func keysOf(k tea.KeyPressMsg) []keyMsg {
	if k.Mod == tea.ModAlt && k.Code > ' ' && k.Code < 0x7f {
		if m, ok := keyOf(tea.KeyPressMsg{Code: k.Code, Text: string(k.Code)}); ok {
			return []keyMsg{{kind: keyEsc}, m}
		}
	}
	if m, ok := keyOf(k); ok {
		return []keyMsg{m}
	}
	return nil
}

// keyOf is one key press without Alt as top reads it.
func keyOf(k tea.KeyPressMsg) (keyMsg, bool) {
	switch k.String() {
	case "ctrl+c":
		return keyMsg{kind: keyCtrlC}, true
	case "enter":
		return keyMsg{kind: keyEnter}, true
	case "esc":
		return keyMsg{kind: keyEsc}, true
	case "backspace":
		return keyMsg{kind: keyBackspace}, true
	case "space":
		return keyMsg{kind: keyRunes, runes: []rune{' '}}, true
	}
	if k.Text != "" && k.Mod&^tea.ModShift == 0 {
		return keyMsg{kind: keyRunes, runes: []rune(k.Text)}, true
	}
	return keyMsg{}, false
}

// teaTop adapts topModel to Bubble Tea.
type teaTop struct{ m *topModel }

func (t teaTop) Init() tea.Cmd { return nil }

func (t teaTop) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		t.m.width, t.m.height = msg.Width, msg.Height
		return t, nil
	case tea.KeyPressMsg:
		for _, k := range keysOf(msg) {
			if t.m.update(k) {
				return t, tea.Quit
			}
		}
		return t, nil
	}
	if t.m.update(msg) {
		return t, tea.Quit
	}
	return t, nil
}

func (t teaTop) View() tea.View {
	v := tea.NewView(t.m.View())
	v.AltScreen = true
	return v
}

// runTop runs the full-screen view fed by one streaming request.
func runTop(e *command.Env, in *ec2.DescribeFleetInput, key string) error {
	if !xterm.IsTerminal(int(os.Stdin.Fd())) {
		return command.Usagef("top: the full-screen view needs a terminal; use --once")
	}
	in.Hosts = true
	m := &topModel{sortKey: key, region: e.Region}
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
	return m.streamErr
}
