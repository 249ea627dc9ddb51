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
	rules := []struct {
		pkg     string
		allowed []string // prefixes; nil: nothing of the module
	}{
		{"cli", []string{"core/ec2", "core/api", "cli/render", "configs"}},
		{"core/ec2", nil},
		{"core/actions", []string{"core/ec2"}},
		{"core/api", []string{"core/ec2", "core/actions", "configs"}},
		{"core/api/ec2query", []string{"core/ec2", "core/actions", "configs"}},
		{"core/imds", []string{"core/ec2"}},
		{"core/describe", []string{"core/ec2"}},
		{"hv", []string{"hv", "internal/"}},
		{"hv/sim", []string{"hv", "internal/"}},
		{"hv/qemu", []string{"hv", "internal/"}},
		{"hv/hvtest", []string{"hv", "internal/"}},
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
