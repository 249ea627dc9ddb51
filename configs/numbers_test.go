package configs

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestEveryNumberHasARange: every numeric field of Config is listed by
// topNumbers or catalogNumbers, so a setting added later cannot skip the
// NaN, infinity and range checks.
func TestEveryNumberHasARange(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	c.userTypes = nil // list the generated types' numbers too
	maps := map[string]bool{"types": true, "workloads": true, "images": true, "regions": true}
	listed := map[string]bool{}
	for _, n := range append(c.topNumbers(), c.catalogNumbers()...) {
		k := slices.Clone(n.key)
		if maps[k[0]] && len(k) > 2 {
			k[1] = "*"
		}
		listed[strings.Join(k, ".")] = true
	}
	// Any int64 is a seed.
	exempt := map[string]bool{"sim.seed": true}
	var walk func(tp reflect.Type, path []string)
	walk = func(tp reflect.Type, path []string) {
		switch tp.Kind() {
		case reflect.Pointer, reflect.Slice:
			walk(tp.Elem(), path)
		case reflect.Map:
			walk(tp.Elem(), append(path, "*"))
		case reflect.Struct:
			for i := range tp.NumField() {
				name, _, _ := strings.Cut(tp.Field(i).Tag.Get("toml"), ",")
				if name != "" && name != "-" {
					walk(tp.Field(i).Type, append(slices.Clone(path), name))
				}
			}
		case reflect.Int, reflect.Int64, reflect.Float64:
			key := strings.Join(path, ".")
			if !listed[key] && !exempt[key] {
				t.Errorf("%s is a number that numbers.go does not check", key)
			}
		}
	}
	walk(reflect.TypeOf(Config{}), nil)
	if len(listed) < 25 {
		t.Errorf("only %d numeric settings listed: %v", len(listed), listed)
	}
}
