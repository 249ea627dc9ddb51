package wasmtest

// WebAssembly text is assembled with wabt's wat2wasm (Debian: apt-get
// install wabt); a test that needs it is skipped when it is not installed,
// unless EC2X_REQUIRE_WABT is set, as CI sets it.

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Tool is the assembler's command name.
const Tool = "wat2wasm"

// Available reports whether wat2wasm is on PATH.
func Available() bool {
	_, err := exec.LookPath(Tool)
	return err == nil
}

// Assemble returns the binary of the .wat file at path, or skips t when
// wat2wasm is missing.
func Assemble(t testing.TB, path string) []byte {
	t.Helper()
	if !Available() {
		if os.Getenv("EC2X_REQUIRE_WABT") != "" {
			t.Fatalf("%s not installed and EC2X_REQUIRE_WABT is set (CI installs wabt)", Tool)
		}
		t.Skipf("%s not installed (apt-get install wabt); skipping %s", Tool, filepath.Base(path))
	}
	out := filepath.Join(t.TempDir(), strings.TrimSuffix(filepath.Base(path), ".wat")+".wasm")
	cmd := exec.Command(Tool, path, "-o", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", Tool, path, err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
