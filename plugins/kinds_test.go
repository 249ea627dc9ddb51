package plugins

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/pricing-wasm/modules"
)

// TestBuiltinModulesKnownToConfigs: the configuration checks module names
// against configs.BuiltinModules without loading WebAssembly; it must list
// exactly the embedded modules, each with the one kind it prices.
func TestBuiltinModulesKnownToConfigs(t *testing.T) {
	got := map[string]string{}
	for _, b := range modules.All() {
		kinds := kindNames(b.Kinds)
		if len(kinds) != 1 {
			t.Fatalf("built-in %s prices %v: configs.BuiltinModules holds one kind a module", b.Name, kinds)
		}
		got[b.Name] = kinds[0]
	}
	if !reflect.DeepEqual(got, configs.BuiltinModules) {
		t.Errorf("embedded modules %v, configs.BuiltinModules %v", got, configs.BuiltinModules)
	}
}

// TestKinds: what a module prices, built in or installed, and ErrNotFound
// for neither.
func TestKinds(t *testing.T) {
	m := New(filepath.Join(t.TempDir(), "plugins"), nil)
	if k, err := m.Kinds("reserved"); err != nil || !reflect.DeepEqual(k, []string{"reserved"}) {
		t.Errorf("Kinds(reserved) = %v, %v", k, err)
	}
	// An installed plugin's kinds come from its manifest.
	man := `{"name":"flat","kinds":["ondemand","reserved"],"sha256":"` + strings.Repeat("ab", 32) + `"}`
	if err := os.MkdirAll(m.Dir(), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(m.Dir(), "flat.json"), []byte(man), 0o600); err != nil {
		t.Fatal(err)
	}
	if k, err := m.Kinds("flat"); err != nil || !reflect.DeepEqual(k, []string{"ondemand", "reserved"}) {
		t.Errorf("Kinds(flat) = %v, %v", k, err)
	}
	if _, err := m.Kinds("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Kinds(nope) = %v, want ErrNotFound", err)
	}
}
