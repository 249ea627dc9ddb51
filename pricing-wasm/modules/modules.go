// Package modules embeds ec2x's built-in pricing modules: spot, reserved and
// ondemand, each a Go program in the directory of its name, written with
// pricing-wasm/sdk over the math in pricing-wasm/model.
//
// The .wasm files are committed; `go generate ./pricing-wasm/modules`
// rebuilds them, and TestCommittedModulesAreCurrent fails when they are stale.
// The flags make the build reproducible: -trimpath drops local paths,
// -buildvcs=false the commit, -ldflags=-s the symbol table, and GOWASM is
// pinned so the environment cannot change the instruction set.
package modules

import (
	_ "embed"
	"sort"

	"github.com/ec2x/ec2x/pricing-wasm/abi"
)

//go:generate env GOOS=wasip1 GOARCH=wasm GOWASM= CGO_ENABLED=0 go build -buildmode=c-shared -trimpath -buildvcs=false -ldflags=-s -o spot.wasm ./spot
//go:generate env GOOS=wasip1 GOARCH=wasm GOWASM= CGO_ENABLED=0 go build -buildmode=c-shared -trimpath -buildvcs=false -ldflags=-s -o reserved.wasm ./reserved
//go:generate env GOOS=wasip1 GOARCH=wasm GOWASM= CGO_ENABLED=0 go build -buildmode=c-shared -trimpath -buildvcs=false -ldflags=-s -o ondemand.wasm ./ondemand

var (
	//go:embed spot.wasm
	spotWasm []byte
	//go:embed reserved.wasm
	reservedWasm []byte
	//go:embed ondemand.wasm
	ondemandWasm []byte
)

// Builtin is one embedded module.
type Builtin struct {
	Name  string
	Kinds abi.KindSet // what the module declares, known without loading it
	Wasm  []byte      // shared: do not modify
}

var builtins = map[string]Builtin{
	"spot":     {Name: "spot", Kinds: abi.SetOf(abi.Spot), Wasm: spotWasm},
	"reserved": {Name: "reserved", Kinds: abi.SetOf(abi.Reserved), Wasm: reservedWasm},
	"ondemand": {Name: "ondemand", Kinds: abi.SetOf(abi.OnDemand), Wasm: ondemandWasm},
}

// Get returns the built-in module called name.
func Get(name string) (Builtin, bool) {
	b, ok := builtins[name]
	return b, ok
}

// All lists the built-in modules by name.
func All() []Builtin {
	all := make([]Builtin, 0, len(builtins))
	for _, b := range builtins {
		all = append(all, b)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return all
}

// Default names the built-in module for each kind, which the daemon uses
// when its configuration names none.
func Default(kind abi.Kind) string { return kind.String() }
