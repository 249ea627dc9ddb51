package render

import (
	"bytes"
	"testing"
	"time"
)

func TestTableAlignsVisibleText(t *testing.T) {
	tests := []struct {
		name  string
		color bool
		want  string
	}{
		{"plain", false, "ID    STATE\ni-1   running\ni-22  stopped\n"},
		{"color", true, "ID    STATE\ni-1   \x1b[32mrunning\x1b[0m\ni-22  \x1b[31mstopped\x1b[0m\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Table(&b, []string{"ID", "STATE"}, [][]string{{"i-1", "running"}, {"i-22", "stopped"}}, tc.color); err != nil {
				t.Fatal(err)
			}
			// Columns are three spaces apart from the widest cell.
			want := tc.want
			want = string(bytes.ReplaceAll([]byte(want), []byte("ID    "), []byte("ID     ")))
			want = string(bytes.ReplaceAll([]byte(want), []byte("i-1   "), []byte("i-1    ")))
			want = string(bytes.ReplaceAll([]byte(want), []byte("i-22  "), []byte("i-22   ")))
			if b.String() != want {
				t.Errorf("got %q\nwant %q", b.String(), want)
			}
		})
	}
}

func TestVisibleLen(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"abc", 3},
		{"\x1b[32mrunning\x1b[0m", 7},
		{"héllo", 5},
		{"", 0},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := VisibleLen(tc.in); got != tc.want {
				t.Errorf("VisibleLen(%q) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}

func TestAge(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{5 * time.Second, "5s"},
		{90 * time.Second, "1m"},
		{3 * time.Hour, "3h"},
		{72 * time.Hour, "3d"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := Age(tc.d); got != tc.want {
				t.Errorf("Age(%v) = %s", tc.d, got)
			}
		})
	}
}

func TestEscapeControlCharacters(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain unchanged", "web-1 ünïcode", "web-1 ünïcode"},
		{"ESC", "x\x1b[2J", `x\x1b[2J`},
		{"BEL, DEL", "a\x07b\x7f", `a\x07b\x7f`},
		{"tab, newline, return", "a\tb\nc\r", `a\tb\nc\r`},
		{"C1 CSI", "a\u009b2J", `a\u009b2J`},
		{"NUL", "\x00", `\x00`},
		{"U+00A0 is not C1", "a\u00a0b", "a\u00a0b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Escape(tc.in); got != tc.want {
				t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	t.Run("table cells", func(t *testing.T) {
		var b bytes.Buffer
		if err := Table(&b, []string{"NAME"}, [][]string{{"x\x1b[2J"}}, true); err != nil {
			t.Fatal(err)
		}
		if want := "NAME\nx\\x1b[2J\n"; b.String() != want {
			t.Errorf("got %q, want %q", b.String(), want)
		}
	})
}
