// Package actions is the table of API actions: each action's name, its
// wire types, the call it maps to and where it is served. Every front end
// (the daemon's socket API, the EC2 Query endpoint, the web console)
// dispatches through one Table; the families declare their own actions,
// and the assembly lists the families in one place.
//
// It imports only the wire types: the calls are bound to the families'
// services by whoever builds the table.
package actions

import (
	"context"
	"fmt"
	"reflect"
	"sort"
)

// Exposure says where an action is served.
type Exposure int

const (
	// Local actions are served on the daemon's unix socket only: ec2x's
	// own actions (plugins, hosts, bills, rendered listings, metadata
	// endpoints). The zero value, so an action that says nothing stays
	// off the network.
	Local Exposure = iota
	// Public actions are EC2's own: served on the socket and by the
	// EC2-compatible endpoint.
	Public
)

func (e Exposure) String() string {
	if e == Public {
		return "public"
	}
	return "local"
}

// Def is one action.
type Def struct {
	Name   string
	Expose Exposure
	// In and Out are the input and output struct types, for front ends
	// that map them to another wire format.
	In, Out reflect.Type
	// New returns a pointer to a zero input.
	New func() any
	// Call runs the action with a decoded input (a pointer from New).
	// Streaming actions have Stream instead.
	Call func(ctx context.Context, region string, in any) (any, error)
	// Stream runs a streaming action: emit is called with each frame
	// until the action ends or emit fails.
	Stream func(ctx context.Context, region string, in any, emit func(any) error) error
	// JSON, when set, answers as Call does but already encoded as the
	// CLI prints it (see ec2.ActionIndentedJSON): for listings that write
	// their records faster than encoding/json encodes Out.
	JSON func(ctx context.Context, region string, in any) ([]byte, error)
}

// WithJSON returns d answering ec2.ActionIndentedJSON with f, which must
// print what indenting d's Call's answer would print.
func WithJSON[I any](d Def, f func(context.Context, string, *I) ([]byte, error)) Def {
	d.JSON = func(ctx context.Context, region string, in any) ([]byte, error) {
		return f(ctx, region, in.(*I))
	}
	return d
}

// New adapts a typed call to the table.
func New[I, O any](name string, expose Exposure, f func(context.Context, string, *I) (*O, error)) Def {
	return Def{
		Name: name, Expose: expose,
		In: reflect.TypeFor[I](), Out: reflect.TypeFor[O](),
		New: func() any { return new(I) },
		Call: func(ctx context.Context, region string, in any) (any, error) {
			return f(ctx, region, in.(*I))
		},
	}
}

// NewStream adapts a typed streaming call to the table.
func NewStream[I, O any](name string, expose Exposure, f func(context.Context, string, *I, func(*O) error) error) Def {
	return Def{
		Name: name, Expose: expose,
		In: reflect.TypeFor[I](), Out: reflect.TypeFor[O](),
		New: func() any { return new(I) },
		Stream: func(ctx context.Context, region string, in any, emit func(any) error) error {
			return f(ctx, region, in.(*I), func(o *O) error { return emit(o) })
		},
	}
}

// Table is every action by name.
type Table struct {
	byName map[string]Def
}

// NewTable makes a table; an action listed twice is a programming error.
func NewTable(defs ...[]Def) *Table {
	t := &Table{byName: map[string]Def{}}
	for _, list := range defs {
		for _, d := range list {
			if _, dup := t.byName[d.Name]; dup {
				panic(fmt.Sprintf("actions: %s listed twice", d.Name))
			}
			if (d.Call == nil) == (d.Stream == nil) {
				panic(fmt.Sprintf("actions: %s needs exactly one of Call and Stream", d.Name))
			}
			t.byName[d.Name] = d
		}
	}
	return t
}

// Lookup returns the action with that name.
func (t *Table) Lookup(name string) (Def, bool) {
	d, ok := t.byName[name]
	return d, ok
}

// Names lists every action, sorted.
func (t *Table) Names() []string {
	names := make([]string, 0, len(t.byName))
	for n := range t.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// With returns a table of t's actions and defs: a front end's own actions
// (the console's login) beside the Cloud's, with the same duplicate
// check.
func (t *Table) With(defs ...[]Def) *Table {
	all := make([]Def, 0, len(t.byName))
	for _, d := range t.byName {
		all = append(all, d)
	}
	return NewTable(append([][]Def{all}, defs...)...)
}
