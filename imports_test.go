package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The import rules of docs/ARCHITECTURE.md, checked with go list: the
// CLI, the protocols and the wire types never reach the families, and the
// drivers never reach core.
func TestImportRules(t *testing.T) {
	const mod = "github.com/ec2x/ec2x/"
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	imports := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg := strings.TrimPrefix(f[0], mod)
		for _, imp := range f[1:] {
			if strings.HasPrefix(imp, mod) {
				imports[pkg] = append(imports[pkg], strings.TrimPrefix(imp, mod))
			}
		}
	}
	// The command line and every package of it: a client of the daemon.
	cliAllowed := []string{"core/ec2", "core/api", "cli/", "configs"}
	rules := []struct {
		pkg     string
		allowed []string // prefixes; nil: nothing of the module
	}{
		{"cli", cliAllowed},
		{"cli/command", cliAllowed},
		{"cli/instances", cliAllowed},
		{"cli/network", cliAllowed},
		{"cli/money", cliAllowed},
		{"cli/catalog", cliAllowed},
		{"cli/screens", cliAllowed},
		{"core/ec2", nil},
		{"core/actions", []string{"core/ec2"}},
		{"core/api", []string{"core/ec2", "configs"}},
		{"core/api/local", []string{"core/ec2", "core/actions", "core/api"}},
		{"core/api/console", []string{"core/ec2", "core/actions", "core/api"}},
		{"core/api/ec2query", []string{"core/ec2", "core/actions", "configs"}},
		{"core/imds", []string{"core/ec2"}},
		{"core/describe", []string{"core/ec2"}},
		{"hv", []string{"hv", "internal/"}},
		{"hv/sim", []string{"hv", "internal/"}},
		{"hv/qemu", []string{"hv", "internal/"}},
		{"hv/qemuguest", []string{"hv", "internal/"}},
		{"hv/libvirt", []string{"hv", "internal/"}},
		{"hv/hvtest", []string{"hv", "internal/"}},
	}
	ruled := map[string]bool{}
	for _, r := range rules {
		ruled[r.pkg] = true
	}
	for pkg := range imports {
		if strings.HasPrefix(pkg, "cli/") && !ruled[pkg] {
			t.Errorf("%s: no import rule; a package of the CLI gets the CLI's", pkg)
		}
	}
	for _, r := range rules {
		if _, ok := imports[r.pkg]; !ok && r.pkg != "core/ec2" && r.pkg != "core/actions" {
			t.Errorf("%s: not found by go list", r.pkg)
		}
		for _, imp := range imports[r.pkg] {
			ok := false
			for _, a := range r.allowed {
				if imp == a || strings.HasPrefix(imp, a) {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s imports %s", r.pkg, imp)
			}
		}
	}
}
