package hv

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

var (
	catalogMu sync.RWMutex
	catalog   = map[string]Factory{}
)

// Register adds a driver factory under name. Registering a name twice panics:
// two drivers fighting over one name is a build mistake.
func Register(name string, f Factory) {
	catalogMu.Lock()
	defer catalogMu.Unlock()
	if _, dup := catalog[name]; dup {
		panic("hv: driver registered twice: " + name)
	}
	catalog[name] = f
}

// Drivers returns the registered driver names, sorted.
func Drivers() []string {
	catalogMu.RLock()
	defer catalogMu.RUnlock()
	names := make([]string, 0, len(catalog))
	for n := range catalog {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Open opens the driver registered under name.
func Open(ctx context.Context, name string, opts Options) (Driver, error) {
	catalogMu.RLock()
	f, ok := catalog[name]
	catalogMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w %q (have %v)", ErrUnknownDriver, name, Drivers())
	}
	return f(ctx, opts)
}
