package modules

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/pricing-wasm/abi"
)

// generateLines returns the arguments of modules.go's //go:generate lines.
func generateLines(t *testing.T) [][]string {
	f, err := os.Open("modules.go")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "//go:generate "); ok {
			lines = append(lines, strings.Fields(rest))
		}
	}
	return lines
}

// Rebuilding the modules with the //go:generate commands must give the
// committed bytes: the build is reproducible (-trimpath, -buildvcs=false,
// pinned GOWASM), so a difference means the sources changed without
// `go generate ./pricing-wasm/modules`, or the Go toolchain did.
func TestCommittedModulesAreCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("rebuilds three modules with the Go toolchain")
	}
	if _, err := exec.LookPath("go"); err != nil { // go test runs from it
		t.Fatalf("no go command on PATH: %v", err)
	}
	lines := generateLines(t)
	if len(lines) != len(builtins) {
		t.Fatalf("%d //go:generate lines for %d built-in modules", len(lines), len(builtins))
	}
	dir := t.TempDir()
	for _, args := range lines {
		o := -1
		for i, a := range args {
			if a == "-o" {
				o = i + 1
			}
		}
		if o < 0 || o >= len(args) {
			t.Fatalf("no -o in %q", args)
		}
		name := args[o]
		args[o] = filepath.Join(dir, name)
		cmd := exec.Command(args[0], args[1:]...)
		// The developer's GOFLAGS must not change what is built.
		cmd.Env = append(os.Environ(), "GOFLAGS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		fresh, err := os.ReadFile(args[o])
		if err != nil {
			t.Fatal(err)
		}
		committed, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fresh, committed) {
			t.Errorf("%s is stale: committed sha256 %x (%d bytes), rebuilt %x (%d bytes); run go generate ./pricing-wasm/modules",
				name, sha256.Sum256(committed), len(committed), sha256.Sum256(fresh), len(fresh))
		}
	}
}

func TestEmbeddedTable(t *testing.T) {
	all := All()
	if len(all) != 3 || all[0].Name != "ondemand" || all[1].Name != "reserved" || all[2].Name != "spot" {
		t.Fatalf("All: %v", all)
	}
	for _, b := range all {
		if !bytes.HasPrefix(b.Wasm, []byte("\x00asm")) {
			t.Errorf("%s: not WebAssembly", b.Name)
		}
	}
	for _, k := range abi.AllKinds {
		b, ok := Get(Default(k))
		if !ok || !b.Kinds.Has(k) {
			t.Errorf("no default module for %s", k)
		}
	}
	if _, ok := Get("nope"); ok {
		t.Error("Get(nope)")
	}
}
