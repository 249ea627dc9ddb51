package ec2query

import (
	"reflect"
	"sort"
	"strings"

	"github.com/ec2x/ec2x/core/actions"
)

// NoEffectTag marks an input field that the endpoint accepts and stores
// but that changes nothing in ec2x: `ec2x:"noeffect"`. docs/COVERAGE.md
// lists such parameters apart, so nobody mistakes accepted for honoured.
const NoEffectTag = "noeffect"

// Param is one top-level request parameter an action accepts.
type Param struct {
	// Name is the parameter's Query wire name (InstanceId, Filter).
	Name string
	// NoEffect is set when the field is tagged `ec2x:"noeffect"`.
	NoEffect bool
	// Leaves are the request keys under Name that the decoder reads a
	// value from, with N for a list position: Name itself for a scalar,
	// Name.N for a list's items, Name.Member for a structure's
	// (BlockDeviceMapping.N.Ebs.VolumeSize).
	Leaves []string
}

// Params lists the top-level request parameters the endpoint decodes for
// an action, by their wire names and sorted: its input type's fields, as
// decodeForm reads them, and DryRun, which the endpoint answers itself
// for reads (a write without the field refuses it).
func Params(d actions.Def) []Param {
	var out []Param
	seen := map[string]bool{}
	for _, f := range exportedFields(d.In) {
		name := queryKey(d.In, f)
		seen[name] = true
		out = append(out, Param{Name: name, NoEffect: hasFlag(f.Tag.Get("ec2x"), NoEffectTag),
			Leaves: leafKeys(f.Type, name, map[reflect.Type]bool{})})
	}
	if !seen["DryRun"] && isRead(d.Name) {
		out = append(out, Param{Name: "DryRun", Leaves: []string{"DryRun"}})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// leafKeys follows valueAt: the keys under key that a value of type t
// reads. A struct met again on its own path stops there.
func leafKeys(t reflect.Type, key string, path map[reflect.Type]bool) []string {
	if t == timeType || t == blobType {
		return []string{key}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return leafKeys(t.Elem(), key, path)
	case reflect.Slice:
		return leafKeys(t.Elem(), key+".N", path)
	case reflect.Map:
		return nil
	case reflect.Struct:
		if path[t] {
			return []string{key}
		}
		path[t] = true
		defer delete(path, t)
		var out []string
		for _, f := range exportedFields(t) {
			out = append(out, leafKeys(f.Type, key+"."+queryKey(t, f), path)...)
		}
		return out
	}
	return []string{key}
}

func hasFlag(tag, flag string) bool {
	for _, f := range strings.Split(tag, ",") {
		if strings.TrimSpace(f) == flag {
			return true
		}
	}
	return false
}
