package plugins

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	pw "github.com/ec2x/ec2x/pricing-wasm"
	"github.com/ec2x/ec2x/pricing-wasm/abi"
	"github.com/ec2x/ec2x/pricing-wasm/modules"
	"github.com/ec2x/ec2x/pricing-wasm/wasmtest"
)

var ctx = context.Background()

func newManager(t *testing.T) *Manager {
	m := New(filepath.Join(t.TempDir(), "plugins"), wasmtest.New(t, pw.Config{}))
	m.Now = func() time.Time { return time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC) }
	return m
}

func flat(t *testing.T) []byte {
	return wasmtest.Assemble(t, filepath.Join("..", "pricing-wasm", "examples", "flat.wat"))
}

func hostile(t *testing.T, name string) []byte {
	return wasmtest.Assemble(t, filepath.Join("..", "pricing-wasm", "testdata", "hostile", name+".wat"))
}

// tree lists the files under dir with their sizes: what a rejected install
// must leave as it was.
func tree(t *testing.T, dir string) map[string]int64 {
	files := map[string]int64{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		files[path] = info.Size()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestInstallListResolveRemove(t *testing.T) {
	m := newManager(t)
	wasm := flat(t)
	p, err := m.Install(ctx, wasm, InstallOptions{Name: "flat", Source: "/tmp/flat.wasm"})
	if err != nil {
		t.Fatal(err)
	}
	want := Manifest{Name: "flat", Kinds: []string{"ondemand", "reserved"}, SHA256: digest(wasm), ABIVersion: 1,
		Size: int64(len(wasm)), Installed: m.Now(), Source: "/tmp/flat.wasm"}
	if !reflect.DeepEqual(p.Manifest, want) || p.Builtin {
		t.Errorf("installed %+v\nwant %+v", p, want)
	}
	if _, err := os.Stat(filepath.Join(m.Dir(), "modules", want.SHA256+".wasm")); err != nil {
		t.Errorf("module file: %v", err)
	}
	got, err := m.Get("flat")
	if err != nil || !reflect.DeepEqual(got.Manifest, want) {
		t.Errorf("Get: %+v, %v", got, err)
	}

	list, err := m.List()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range list {
		names = append(names, p.Name)
		if p.Builtin != (p.Name != "flat") {
			t.Errorf("%s: Builtin %v", p.Name, p.Builtin)
		}
	}
	if strings.Join(names, " ") != "ondemand reserved spot flat" {
		t.Errorf("List: %v", names)
	}

	b, err := m.Resolve("flat")
	if err != nil || digest(b) != want.SHA256 {
		t.Fatalf("Resolve: %v", err)
	}
	spot, _ := modules.Get("spot")
	if b, err := m.Resolve("spot"); err != nil || len(b) != len(spot.Wasm) {
		t.Errorf("Resolve(spot): %v", err)
	}
	if _, err := m.Resolve("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Resolve(nope): %v", err)
	}

	mod, err := m.Load(ctx, "flat")
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, 1)
	if err := mod.OnDemand(ctx, []float64{0.5}, out); err != nil || out[0] != 0.5 {
		t.Errorf("the loaded plugin: %v, %v", out, err)
	}
	if again, err := m.Load(ctx, "flat"); err != nil || again != mod {
		t.Errorf("second Load: %v", err)
	}
	if spot, err := m.Load(ctx, "spot"); err != nil || spot.Name() != "spot" {
		t.Errorf("Load(spot): %v", err)
	}

	report, err := m.Test(ctx, "flat")
	if err != nil || !report.OK() || report.Module != "flat" {
		t.Errorf("Test: %v\n%s", err, report)
	}

	if err := m.Remove("flat"); err != nil {
		t.Fatal(err)
	}
	if files := tree(t, m.Dir()); len(files) != 0 {
		t.Errorf("left behind: %v", files)
	}
	if err := m.Remove("flat"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Remove: %v", err)
	}
	if err := m.Remove("spot"); !errors.Is(err, ErrBuiltinName) {
		t.Errorf("Remove(spot): %v", err)
	}
}

// A module built with the SDK installs too; the compiled code comes from
// the shared cache, so this is quick.
func TestInstallAGoModule(t *testing.T) {
	m := newManager(t)
	spot, _ := modules.Get("spot")
	path := filepath.Join(t.TempDir(), "My-Spot.wasm")
	if err := os.WriteFile(path, spot.Wasm, 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := m.InstallFile(ctx, path, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "my-spot" || strings.Join(p.Kinds, ",") != "spot" || p.Source != path {
		t.Errorf("%+v", p)
	}
	// The same bytes under a second name share the file; removing one keeps it.
	if _, err := m.Install(ctx, spot.Wasm, InstallOptions{Name: "spot2"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Remove("my-spot"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Resolve("spot2"); err != nil {
		t.Errorf("the shared module went with the first plugin: %v", err)
	}
}

func TestNames(t *testing.T) {
	m := newManager(t)
	wasm := flat(t)
	for _, name := range []string{"", "Flat", "-x", "a/b", "..", strings.Repeat("a", 64)} {
		if _, err := m.Install(ctx, wasm, InstallOptions{Name: name}); !errors.Is(err, ErrInvalidName) {
			t.Errorf("%q: %v", name, err)
		}
	}
	if _, err := m.Install(ctx, wasm, InstallOptions{Name: "reserved"}); !errors.Is(err, ErrBuiltinName) {
		t.Errorf("reserved: %v", err)
	}
	if _, err := m.Install(ctx, wasm, InstallOptions{Name: "flat"}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Install(ctx, wasm, InstallOptions{Name: "flat"}); !errors.Is(err, ErrExists) {
		t.Errorf("second install: %v", err)
	}
	spot, _ := modules.Get("spot")
	p, err := m.Install(ctx, spot.Wasm, InstallOptions{Name: "flat", Replace: true})
	if err != nil || strings.Join(p.Kinds, ",") != "spot" {
		t.Fatalf("replace: %+v, %v", p, err)
	}
	if files := tree(t, filepath.Join(m.Dir(), "modules")); len(files) != 1 {
		t.Errorf("after replacing, module files %v: the old one should be gone", files)
	}
	if DefaultName("/x/Cheap_Spot.wasm") != "cheap_spot" {
		t.Error("DefaultName")
	}
}

// Every hostile module is refused with a reason, and the plugins directory
// is left exactly as it was.
func TestHostileModulesAreRejected(t *testing.T) {
	m := newManager(t)
	if _, err := m.Install(ctx, flat(t), InstallOptions{Name: "flat"}); err != nil {
		t.Fatal(err)
	}
	notWasm, err := os.ReadFile(filepath.Join("..", "pricing-wasm", "testdata", "hostile", "notwasm.txt"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		wasm []byte
		err  error
	}{
		{"notwasm", notWasm, pw.ErrNotWasm},
		{"loop", hostile(t, "loop"), pw.ErrTimeout},
		{"membomb", hostile(t, "membomb"), pw.ErrOutOfMemory},
		{"trap", hostile(t, "trap"), pw.ErrTrap},
		{"abiversion", hostile(t, "abiversion"), pw.ErrABIVersion},
		{"missing", hostile(t, "missing"), pw.ErrMissingExport},
		{"signature", hostile(t, "signature"), pw.ErrSignature},
		{"oversized", hostile(t, "oversized"), pw.ErrBadResult},
		{"badpointer", hostile(t, "badpointer"), pw.ErrBadResult},
		{"garbage", hostile(t, "garbage"), pw.ErrBadResult},
		{"import", hostile(t, "import"), pw.ErrImport},
		{"kinds", hostile(t, "kinds"), pw.ErrKinds},
		{"bigmemory", hostile(t, "bigmemory"), pw.ErrOutOfMemory},
		{"panic", hostile(t, "panic"), pw.ErrGuest},
		{"exit", hostile(t, "exit"), pw.ErrOutOfMemory}, // it exits saying so
	}
	before := tree(t, m.Dir())
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := m.Install(ctx, c.wasm, InstallOptions{Name: c.name})
			var rej *RejectedError
			if !errors.Is(err, ErrRejected) || !errors.Is(err, c.err) || !errors.As(err, &rej) {
				t.Fatalf("got %v, want a rejection for %v", err, c.err)
			}
			if !strings.HasSuffix(err.Error(), "; nothing was installed") {
				t.Errorf("message %q", err)
			}
			t.Logf("%v after %v", err, time.Since(start).Round(time.Millisecond))
			if after := tree(t, m.Dir()); !reflect.DeepEqual(before, after) {
				t.Errorf("the directory changed:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
	list, err := m.List()
	if err != nil || len(list) != 4 {
		t.Errorf("List after the rejections: %d plugins, %v", len(list), err)
	}
}

// A module file changed after install is caught when loaded or tested.
func TestChecksumIsVerified(t *testing.T) {
	m := newManager(t)
	p, err := m.Install(ctx, flat(t), InstallOptions{Name: "flat"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(m.Dir(), "modules", p.SHA256+".wasm")
	b, _ := os.ReadFile(path)
	b[len(b)-1] ^= 0xff
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Resolve("flat"); !errors.Is(err, ErrChecksum) {
		t.Errorf("Resolve: %v", err)
	}
	if _, err := m.Test(ctx, "flat"); !errors.Is(err, ErrChecksum) {
		t.Errorf("Test: %v", err)
	}
	if err := os.WriteFile(filepath.Join(m.Dir(), "bad.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := m.List(); !errors.Is(err, ErrManifest) {
		t.Errorf("List with a broken manifest: %v", err)
	}
}

// A refused module leaves nothing in the compilation cache: the compiled
// code of a Go module is megabytes, and "nothing was installed" must hold
// there too.
func TestRejectedModuleLeavesNoCache(t *testing.T) {
	spot, _ := modules.Get("spot")
	// The built-in spot module with its ABI version export renamed: it
	// compiles, then fails the export check.
	renamed := bytes.ReplaceAll(spot.Wasm, []byte(abi.ExportABIVersion), []byte(abi.ExportABIVersion[:len(abi.ExportABIVersion)-1]+"X"))
	notWasm, err := os.ReadFile(filepath.Join("..", "pricing-wasm", "testdata", "hostile", "notwasm.txt"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		wasm []byte
		err  error
	}{
		{"a Go module missing an export", renamed, pw.ErrMissingExport},
		{"not WebAssembly", notWasm, pw.ErrNotWasm},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cache := t.TempDir()
			m := New(filepath.Join(t.TempDir(), "plugins"), wasmtest.New(t, pw.Config{CacheDir: cache}))
			before := tree(t, cache)
			_, err := m.Install(ctx, tc.wasm, InstallOptions{Name: "candidate"})
			if !errors.Is(err, ErrRejected) || !errors.Is(err, tc.err) {
				t.Fatalf("got %v, want a rejection for %v", err, tc.err)
			}
			after := tree(t, cache)
			var grew int64
			for path, size := range after {
				grew += size - before[path]
			}
			if !reflect.DeepEqual(before, after) {
				t.Errorf("the compilation cache went from %d to %d files (%+d bytes) for a rejected module: %v",
					len(before), len(after), grew, after)
			}
		})
	}
}
