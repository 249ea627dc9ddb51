// Package plugins manages user pricing modules for `ec2x plugin
// install|ls|rm|test`: it validates a module (ABI version, exports and their
// signatures, then the conformance suite, which dry-runs every kind the
// module declares on sample input), stores it under its sha256 with a small
// manifest, lists it beside the built-in modules, removes and tests it, and
// resolves a module name to its bytes for the daemon, checking the sha256.
//
// Layout under the plugins directory ($EC2X_HOME/plugins):
//
//	NAME.json             the manifest; its presence is what installs NAME
//	modules/SHA256.wasm   the module's bytes, named by their digest
//
// Every file is written to a temporary name and renamed, the module before
// its manifest, so an interrupted or rejected install changes nothing a
// reader can see.
package plugins

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ec2x/ec2x/configs"
	pw "github.com/ec2x/ec2x/pricing-wasm"
	"github.com/ec2x/ec2x/pricing-wasm/abi"
	"github.com/ec2x/ec2x/pricing-wasm/conformance"
	"github.com/ec2x/ec2x/pricing-wasm/modules"
)

// NamePattern is what a plugin name must match: it becomes a file name and
// a config value.
var NamePattern = configs.ModuleName

// Manifest describes an installed module.
type Manifest struct {
	Name       string    `json:"name"`
	Kinds      []string  `json:"kinds"`
	SHA256     string    `json:"sha256"`
	ABIVersion int32     `json:"abi_version"`
	Size       int64     `json:"size"`
	Installed  time.Time `json:"installed"`
	Source     string    `json:"source,omitempty"` // the file it came from, for people
}

// Plugin is a module ec2x can price with: built in or installed.
type Plugin struct {
	Manifest
	Builtin bool `json:"builtin"`
}

// Manager installs, lists, removes, tests and resolves plugins under Dir.
type Manager struct {
	dir  string
	host *pw.Host
	// Now stamps installs; tests replace it.
	Now func() time.Time

	mu  sync.Mutex // serialises installs and removals in this process
	seq atomic.Int64
}

// New returns a manager of dir that loads and tests modules on host (the
// caller keeps ownership of host). Candidates for install are validated
// on a throwaway host with host's limits and no disk cache.
func New(dir string, host *pw.Host) *Manager {
	return &Manager{dir: dir, host: host, Now: time.Now}
}

// Dir is the plugins directory.
func (m *Manager) Dir() string { return m.dir }

// InstallOptions tune Install.
type InstallOptions struct {
	Name    string // required; InstallFile defaults it from the file name
	Source  string // recorded in the manifest
	Replace bool   // replace an installed plugin of the same name
}

// DefaultName derives a plugin name from a file name: "My_Spot.wasm" → "my_spot".
func DefaultName(path string) string {
	return strings.ToLower(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
}

// InstallFile installs the module in the file at path; name defaults to
// DefaultName(path).
func (m *Manager) InstallFile(ctx context.Context, path, name string, replace bool) (Plugin, error) {
	wasm, err := os.ReadFile(path)
	if err != nil {
		return Plugin{}, err
	}
	if name == "" {
		name = DefaultName(path)
	}
	abs, _ := filepath.Abs(path)
	return m.Install(ctx, wasm, InstallOptions{Name: name, Source: abs, Replace: replace})
}

// Install validates wasm and, if it passes, stores it under opts.Name. A
// module that fails validation returns a RejectedError and changes nothing.
func (m *Manager) Install(ctx context.Context, wasm []byte, opts InstallOptions) (Plugin, error) {
	if err := checkName(opts.Name); err != nil {
		return Plugin{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old, err := m.readManifest(opts.Name)
	switch {
	case err == nil && !opts.Replace:
		return Plugin{}, fmt.Errorf("plugin %q: %w (sha256 %s); remove it or install with replace", opts.Name, ErrExists, short(old.SHA256))
	case err != nil && !errors.Is(err, ErrNotFound):
		return Plugin{}, err
	}
	info, report, err := m.validate(ctx, opts.Name, wasm)
	if err != nil {
		return Plugin{}, &RejectedError{Name: opts.Name, Err: err, Report: report}
	}
	man := Manifest{
		Name: opts.Name, Kinds: kindNames(info.Kinds), SHA256: info.SHA256, ABIVersion: info.ABIVersion,
		Size: int64(len(wasm)), Installed: m.Now().UTC().Truncate(time.Second), Source: opts.Source,
	}
	if err := m.store(man, wasm); err != nil {
		return Plugin{}, err
	}
	if old.SHA256 != "" && old.SHA256 != man.SHA256 {
		m.dropUnused(old.SHA256)
	}
	return Plugin{Manifest: man}, nil
}

// validate loads wasm into a host of its own and runs the conformance
// suite. That host has the manager's limits but no compilation cache on
// disk: wazero writes a module's compiled code there as it compiles,
// before any check runs (megabytes for a Go module), and a rejected
// module must leave nothing behind. An accepted one compiles again into
// the cache when it is first loaded.
func (m *Manager) validate(ctx context.Context, name string, wasm []byte) (pw.Info, conformance.Report, error) {
	cfg := m.host.Config()
	cfg.CacheDir = ""
	host, err := pw.New(ctx, cfg)
	if err != nil {
		return pw.Info{}, conformance.Report{}, err
	}
	defer func() { _ = host.Close(context.WithoutCancel(ctx)) }()
	mod, err := host.Load(ctx, name, wasm)
	if err != nil {
		return pw.Info{}, conformance.Report{}, err
	}
	report := conformance.Check(ctx, mod)
	if err := mod.Ready(ctx); err != nil {
		return pw.Info{}, report, err
	}
	if err := report.Err(); err != nil {
		return pw.Info{}, report, fmt.Errorf("conformance: %w", err)
	}
	return mod.Info(), report, nil
}

// store writes the module, then its manifest, each by rename.
func (m *Manager) store(man Manifest, wasm []byte) error {
	if err := os.MkdirAll(filepath.Join(m.dir, "modules"), 0o755); err != nil {
		return err
	}
	path := m.modulePath(man.SHA256)
	if have, err := os.ReadFile(path); err != nil || digest(have) != man.SHA256 {
		if err := writeFileAtomic(path, wasm); err != nil {
			return err
		}
	}
	b, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(m.manifestPath(man.Name), append(b, '\n'))
}

// writeFileAtomic writes b to a temporary file beside path and renames it.
func writeFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}

// List returns the built-in modules, then the installed ones, each by name.
func (m *Manager) List() ([]Plugin, error) {
	var ps []Plugin
	for _, b := range modules.All() {
		ps = append(ps, builtinPlugin(b))
	}
	entries, err := os.ReadDir(m.dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	var installed []Plugin
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		man, err := m.readManifest(name)
		if err != nil {
			return nil, err
		}
		installed = append(installed, Plugin{Manifest: man})
	}
	sort.Slice(installed, func(i, j int) bool { return installed[i].Name < installed[j].Name })
	return append(ps, installed...), nil
}

// Get returns the plugin called name.
func (m *Manager) Get(name string) (Plugin, error) {
	if b, ok := modules.Get(name); ok {
		return builtinPlugin(b), nil
	}
	man, err := m.readManifest(name)
	return Plugin{Manifest: man}, err
}

// Remove uninstalls name: the manifest goes first, then the module file if
// no other plugin uses the same bytes. Built-in modules cannot be removed.
func (m *Manager) Remove(name string) error {
	if _, ok := modules.Get(name); ok {
		return fmt.Errorf("plugin %q: %w: it cannot be removed", name, ErrBuiltinName)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	man, err := m.readManifest(name)
	if err != nil {
		return err
	}
	if err := os.Remove(m.manifestPath(name)); err != nil {
		return err
	}
	m.dropUnused(man.SHA256)
	return nil
}

// Resolve returns the bytes of the module called name: built in, or
// installed, in which case its sha256 must match the manifest.
func (m *Manager) Resolve(name string) ([]byte, error) {
	if b, ok := modules.Get(name); ok {
		return b.Wasm, nil
	}
	man, err := m.readManifest(name)
	if err != nil {
		return nil, err
	}
	wasm, err := os.ReadFile(m.modulePath(man.SHA256))
	if err != nil {
		return nil, fmt.Errorf("plugin %q: module file: %w", name, err)
	}
	if got := digest(wasm); got != man.SHA256 {
		return nil, fmt.Errorf("plugin %q: %w: %s has sha256 %s, the manifest says %s",
			name, ErrChecksum, m.modulePath(man.SHA256), short(got), short(man.SHA256))
	}
	return wasm, nil
}

// Load makes the module called name (built in or installed) available on
// the manager's host under that name, returning at once: compilation runs
// in the background and the first call waits for it. A module already
// loaded under that name is returned as it is; after replacing a plugin,
// Unload it from the host first.
func (m *Manager) Load(ctx context.Context, name string) (*pw.Module, error) {
	if mod, err := m.host.Module(name); err == nil {
		return mod, nil
	}
	wasm, err := m.Resolve(name)
	if err != nil {
		return nil, err
	}
	mod, err := m.host.Load(ctx, name, wasm)
	if errors.Is(err, pw.ErrExists) {
		return m.host.Module(name)
	}
	return mod, err
}

// Test runs the conformance suite against the plugin called name.
func (m *Manager) Test(ctx context.Context, name string) (conformance.Report, error) {
	wasm, err := m.Resolve(name)
	if err != nil {
		return conformance.Report{}, err
	}
	mod, loaded, err := m.load(ctx, name, wasm)
	if err != nil {
		return conformance.Report{}, err
	}
	defer func() { _ = m.host.Unload(context.WithoutCancel(ctx), loaded) }()
	r := conformance.Check(ctx, mod)
	r.Module = name
	return r, nil
}

// load loads wasm into the host for a check, under the plugin's own name so
// that messages name it, or a numbered variant when the host (a daemon's)
// already has a module of that name.
func (m *Manager) load(ctx context.Context, name string, wasm []byte) (*pw.Module, string, error) {
	mod, err := m.host.Load(ctx, name, wasm)
	if errors.Is(err, pw.ErrExists) {
		name = fmt.Sprintf("%s#%d", name, m.seq.Add(1))
		mod, err = m.host.Load(ctx, name, wasm)
	}
	return mod, name, err
}

func (m *Manager) readManifest(name string) (Manifest, error) {
	if err := checkName(name); err != nil {
		return Manifest{}, err
	}
	b, err := os.ReadFile(m.manifestPath(name))
	if errors.Is(err, os.ErrNotExist) {
		return Manifest{}, fmt.Errorf("plugin %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return Manifest{}, err
	}
	var man Manifest
	if err := json.Unmarshal(b, &man); err != nil {
		return Manifest{}, fmt.Errorf("plugin %q: %w: %s: %v", name, ErrManifest, m.manifestPath(name), err)
	}
	if man.Name != name || len(man.SHA256) != 64 {
		return Manifest{}, fmt.Errorf("plugin %q: %w: %s names %q with sha256 %q", name, ErrManifest, m.manifestPath(name), man.Name, man.SHA256)
	}
	return man, nil
}

// dropUnused removes a module file that no manifest refers to any more.
func (m *Manager) dropUnused(sum string) {
	entries, _ := os.ReadDir(m.dir)
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".json"); ok {
			if man, err := m.readManifest(name); err == nil && man.SHA256 == sum {
				return
			}
		}
	}
	_ = os.Remove(m.modulePath(sum))
}

func (m *Manager) manifestPath(name string) string { return filepath.Join(m.dir, name+".json") }
func (m *Manager) modulePath(sum string) string    { return filepath.Join(m.dir, "modules", sum+".wasm") }

func checkName(name string) error {
	if !NamePattern.MatchString(name) {
		return fmt.Errorf("plugin %q: %w: use 1 to 63 lower-case letters, digits, '-' and '_', starting with a letter or digit", name, ErrInvalidName)
	}
	if _, ok := modules.Get(name); ok {
		return fmt.Errorf("plugin %q: %w; choose another with --name", name, ErrBuiltinName)
	}
	return nil
}

// builtinDigests hashes the embedded modules once (about 2 MB each).
var builtinDigests = sync.OnceValue(func() map[string]string {
	sums := map[string]string{}
	for _, b := range modules.All() {
		sums[b.Name] = digest(b.Wasm)
	}
	return sums
})

func builtinPlugin(b modules.Builtin) Plugin {
	return Plugin{Builtin: true, Manifest: Manifest{
		Name: b.Name, Kinds: kindNames(b.Kinds), SHA256: builtinDigests()[b.Name], ABIVersion: abi.Version, Size: int64(len(b.Wasm)),
	}}
}

func kindNames(s abi.KindSet) []string {
	var names []string
	for _, k := range s.Kinds() {
		names = append(names, k.String())
	}
	return names
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}

// Kinds returns what the plugin called name prices: built in, or installed
// (from its manifest, without reading the module).
func (m *Manager) Kinds(name string) ([]string, error) {
	if b, ok := modules.Get(name); ok {
		return kindNames(b.Kinds), nil
	}
	man, err := m.readManifest(name)
	return man.Kinds, err
}
