package ec2query

import (
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
		out = append(out, Param{Name: name, NoEffect: hasFlag(f.Tag.Get("ec2x"), NoEffectTag)})
	}
	if !seen["DryRun"] && isRead(d.Name) {
		out = append(out, Param{Name: "DryRun"})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func hasFlag(tag, flag string) bool {
	for _, f := range strings.Split(tag, ",") {
		if strings.TrimSpace(f) == flag {
			return true
		}
	}
	return false
}
