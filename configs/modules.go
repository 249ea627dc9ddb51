package configs

import (
	"fmt"
	"slices"
	"strings"
)

// BuiltinModules are the pricing modules embedded in ec2x, by name, with
// the one kind each prices. The configuration is checked against them
// without loading any WebAssembly (the command line does not link it);
// a test of package plugins keeps this list true to pricing-wasm/modules.
var BuiltinModules = map[string]string{"spot": "spot", "reserved": "reserved", "ondemand": "ondemand"}

// moduleSetting is one place the configuration names a pricing module.
type moduleSetting struct {
	key  []string
	kind string // what the module must price: "spot" or "reserved"
	name string
}

// moduleSettings lists where the configuration names pricing modules:
// [pricing] first, then each region's choice, in order.
func (c *Config) moduleSettings() []moduleSetting {
	ms := []moduleSetting{
		{[]string{"pricing", "spot_module"}, "spot", c.Pricing.SpotModule},
		{[]string{"pricing", "reserved_module"}, "reserved", c.Pricing.ReservedModule},
	}
	for _, region := range sortedKeys(c.Pricing.Regions) {
		r := c.Pricing.Regions[region]
		if r == nil {
			continue
		}
		if r.SpotModule != "" {
			ms = append(ms, moduleSetting{[]string{"pricing", "regions", region, "spot_module"}, "spot", r.SpotModule})
		}
		if r.ReservedModule != "" {
			ms = append(ms, moduleSetting{[]string{"pricing", "regions", region, "reserved_module"}, "reserved", r.ReservedModule})
		}
	}
	return ms
}

// checkPricing checks what can be known of the pricing modules without
// the daemon: names are well formed, regions exist, and a built-in module
// prices the kind it is named for. Other names may be installed plugins,
// which CheckModules checks when the daemon starts.
func (c *Config) checkPricing() *problem {
	for _, region := range sortedKeys(c.Pricing.Regions) {
		if c.Regions[region] == nil {
			return bad(fmt.Sprintf("%q is not a region", region), "pricing", "regions", region)
		}
	}
	for _, m := range c.moduleSettings() {
		if m.name == "" {
			return bad(fmt.Sprintf("name the module that prices %s capacity (built in: %s)", m.kind, builtinList()), m.key...)
		}
		if !IsModuleName(m.name) {
			return bad(fmt.Sprintf("%q is not a module name (lower-case letters, digits, - and _)", m.name), m.key...)
		}
		if kind, ok := BuiltinModules[m.name]; ok && kind != m.kind {
			return bad(fmt.Sprintf("module %q does not price %s (it prices %s)", m.name, m.kind, kind), m.key...)
		}
	}
	return nil
}

// CheckModules checks every pricing module the configuration names
// against what the daemon has: lookup says whether a module (built in or
// installed) exists and what it prices. The error names the file, line
// and key that chose the module.
func (c *Config) CheckModules(lookup func(name string) (kinds []string, found bool)) error {
	for _, m := range c.moduleSettings() {
		kinds, found := lookup(m.name)
		var msg string
		switch {
		case !found:
			msg = fmt.Sprintf("no pricing module %q: not built in (%s) and not installed (ec2x plugin ls)", m.name, builtinList())
		case !slices.Contains(kinds, m.kind):
			msg = fmt.Sprintf("module %q does not price %s (it prices %s)", m.name, m.kind, strings.Join(kinds, ", "))
		default:
			continue
		}
		return c.place(bad(msg, m.key...), c.userData)
	}
	return nil
}

// builtinList names the built-in modules, sorted.
func builtinList() string { return strings.Join(sortedKeys(BuiltinModules), ", ") }

// IsModuleName is ModuleName.MatchString without compiling it: every CLI
// call checks the configured module names, and compiling the expression's
// bounded repeat cost more than the rest of the check.
func IsModuleName(s string) bool {
	if len(s) == 0 || len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || i > 0 && (c == '_' || c == '-')
		if !ok {
			return false
		}
	}
	return true
}
