package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// sources is a throwaway module: a package per outcome.
var sources = map[string]string{
	"go.mod": "module example.com/m\n\ngo 1.22\n",
	"pass/p_test.go": `package pass
import "testing"
func TestOK(t *testing.T) { t.Log("quiet when passing") }
`,
	"skip/s_test.go": `package skip
import "testing"
func TestOK(t *testing.T) {}
func TestTool(t *testing.T) {
	t.Run("sub", func(t *testing.T) { t.Skip("frobnicate not installed") })
}
`,
	"fail/f_test.go": `package fail
import "testing"
func TestOK(t *testing.T) { t.Log("quiet when passing") }
func TestBroken(t *testing.T) { t.Error("the answer is 41") }
`,
	"broken/b_test.go": `package broken
func Oops() { undefined() }
`,
	"none/n.go": "package none\n",
}

// Real go test -json output of each outcome goes through run: skips make
// it fail and are listed with their reasons; failures and build errors are
// shown; what passed stays quiet.
func TestRun(t *testing.T) {
	mod := t.TempDir()
	for name, src := range sources {
		p := filepath.Join(mod, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		pkg      string
		status   int
		want     []string
		unwanted []string
	}{
		{pkg: "./pass", want: []string{"ok  \texample.com/m/pass", "1 tests and subtests ran, none skipped"}, unwanted: []string{"quiet", "PASS\n"}},
		{pkg: "./none", want: []string{"example.com/m/none", "0 tests"}},
		{pkg: "./skip", status: 1, want: []string{"1 of 3 tests skipped", "example.com/m/skip TestTool/sub:", "frobnicate not installed", "--- SKIP: TestTool/sub"}},
		{pkg: "./fail", want: []string{"the answer is 41", "--- FAIL: TestBroken", "FAIL\texample.com/m/fail"}, unwanted: []string{"quiet"}},
		{pkg: "./broken", want: []string{"undefined: undefined", "FAIL\texample.com/m/broken [build failed]"}},
	} {
		t.Run(tc.pkg, func(t *testing.T) {
			cmd := exec.Command("go", "test", "-count=1", "-json", tc.pkg)
			cmd.Dir = mod
			cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
			js, _ := cmd.Output() // a failing package exits 1: the stream is what matters
			var out bytes.Buffer
			if got := run(bytes.NewReader(js), &out); got != tc.status {
				t.Errorf("status %d, want %d; printed:\n%s", got, tc.status, out.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("printed no %q:\n%s", w, out.String())
				}
			}
			for _, u := range tc.unwanted {
				if strings.Contains(out.String(), u) {
					t.Errorf("printed %q:\n%s", u, out.String())
				}
			}
		})
	}
}
