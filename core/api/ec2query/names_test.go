package ec2query

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// names_gen.go must be what the generator makes from the action table and
// the pinned SDK: a field added to a core type gets its EC2 wire name.
func TestNamesAreCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator")
	}
	out := filepath.Join(t.TempDir(), "names_gen.go")
	cmd := exec.Command("go", "run", "./internal/gennames", "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gennames: %v\n%s", err, b)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("names_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("names_gen.go is stale: run go generate ./core/api/ec2query")
	}
}
