// Package describe is the one engine behind every Describe* action: EC2's
// filters, the order EC2 answers in, and MaxResults/NextToken paging with a
// keyset token. A family declares its resource once as a Spec; the engine
// does the rest.
//
// A request goes through three steps: Compile checks the query against the
// spec before any data is read (so a bad filter or token fails fast, as in
// EC2), Match selects items, and Page orders and cuts them. Run does all
// three over a slice.
package describe

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ec2x/ec2x/core/ec2"
)

// Field is one filter name of a resource and how to read an item's values
// for it. Set one of Value and Values.
type Field[T any] struct {
	Name string
	// Value reads a field that always has exactly one value ("" is a
	// value, matched by "" and "*"). Unlike Values, it costs no
	// allocation per item, so prefer it for the many single fields.
	Value func(T) string
	// Values reads a field with any number of values: any may match (an
	// instance's group IDs, say), and an item with none never matches,
	// not even "*" (return nil for an absent optional value).
	Values func(T) []string
	// Match, when set, replaces the wildcard match for this filter
	// (ec2x's ">=N" on numeric fields, say); it gets one filter value and
	// one item value. WildMatch is there to fall back on.
	Match func(pattern, value string) bool
}

// Spec declares a resource kind. A Spec is read-only once declared, so one
// package-level Spec serves every request concurrently.
type Spec[T any] struct {
	Fields []Field[T]
	// Tags, when set, gives the engine tag:KEY, tag-key and tag-value.
	Tags func(T) []ec2.Tag
	// Key writes the item's place in the answer into k (see Key): items
	// are returned in ascending key order, and a page token names the
	// last key of a page, so keys must be unique (end with the ID).
	// Required.
	Key func(k *Key, x T)
	// Paging bounds MaxResults (EC2's per-action limits, e.g. 5..1000 for
	// DescribeInstances); Max 0 means the action does not page.
	Paging Paging
}

// Paging is an action's MaxResults limits.
type Paging struct {
	Min, Max int
	// IDsParam is EC2's name of the action's ID list parameter (e.g.
	// "instancesSet"); when set, MaxResults together with IDs is refused
	// as EC2 refuses it: InvalidParameterCombination "The parameter
	// instancesSet cannot be used with the parameter maxResults".
	IDsParam string
	// Clamp serves a MaxResults above Max as Max, where EC2 documents
	// that ("if you specify a value larger than 500, only 500 items are
	// returned": DescribeVolumes, DescribeSnapshots), instead of refusing it.
	Clamp bool
}

// Query is one request's filters and paging.
type Query struct {
	Filters []ec2.Filter
	// IDs are the IDs asked for: the engine only checks them against
	// paging and binds tokens to them; looking them up is the family's job.
	IDs        []string
	MaxResults int
	NextToken  string
	// Scope names what else the answer depends on (the action and the
	// region, say), so that a token is refused by any other query.
	Scope string
}

// Plan is a query compiled against a spec. It is immutable, so one plan
// may match items from several goroutines.
type Plan[T any] struct {
	spec    *Spec[T]
	filters []filter[T]
	max     int    // MaxResults; 0: everything
	after   string // the token's key: the page starts after it
	resume  bool   // a token was given (keys are never empty, but be explicit)
	query   uint64 // hash of the query, stamped on tokens
	// asGiven keeps the items in the order they come: a query naming IDs
	// (and not paging) is answered in the order the request named them,
	// as EC2 answers it, and a family gathers them in that order.
	asGiven bool
}

// filterKind says where a compiled filter reads an item's values.
type filterKind uint8

const (
	byField    filterKind = iota
	byTag                 // tag:KEY: the value of tag KEY
	byTagKey              // tag-key: any tag's key
	byTagValue            // tag-value: any tag's value
)

// filter is one EC2 filter ready to match items of one spec.
type filter[T any] struct {
	kind   filterKind
	value  func(T) string
	values func(T) []string
	tags   func(T) []ec2.Tag
	tagKey string
	custom func(pattern, value string) bool
	raw    []string // the filter's values, for custom
	pats   patterns // the filter's values compiled, for the wildcard match
}

// Compile validates q against the spec before any data is read: unknown
// filter names, filters without values, MaxResults out of bounds or with
// IDs, a token that is malformed or belongs to another query. It returns
// EC2's errors, checking in that order.
func (s *Spec[T]) Compile(q Query) (*Plan[T], error) {
	if s.Key == nil {
		// A programming error that any test of the family catches.
		panic("describe: Spec.Key is nil")
	}
	p := &Plan[T]{spec: s, max: q.MaxResults, asGiven: len(q.IDs) > 0 && q.MaxResults == 0 && q.NextToken == ""}
	if s.Paging.Clamp && p.max > s.Paging.Max {
		p.max = s.Paging.Max
	}
	if len(q.Filters) > 0 {
		p.filters = make([]filter[T], 0, len(q.Filters))
	}
	for _, f := range q.Filters {
		cf, ok := s.lookup(f.Name)
		if !ok {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The filter '%s' is invalid", f.Name)
		}
		if len(f.Values) == 0 {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The filter '%s' needs at least one value", f.Name)
		}
		if cf.custom != nil {
			cf.raw = slices.Clone(f.Values) // the plan must not change with the caller's slice
		} else {
			cf.pats = compilePatterns(f.Values)
		}
		p.filters = append(p.filters, cf)
	}
	if err := s.Paging.check(q); err != nil {
		return nil, err
	}
	p.query = hashQuery(q)
	if q.NextToken != "" {
		if s.Paging.Max == 0 {
			// This action never hands out tokens.
			return nil, badToken(q.NextToken)
		}
		key, err := decodeToken(q.NextToken, p.query)
		if err != nil {
			return nil, err
		}
		p.after, p.resume = key, true
	}
	return p, nil
}

// lookup finds the filter called name: a declared field first, then the
// tag filters.
func (s *Spec[T]) lookup(name string) (filter[T], bool) {
	for i := range s.Fields {
		if f := &s.Fields[i]; f.Name == name {
			return filter[T]{kind: byField, value: f.Value, values: f.Values, custom: f.Match}, true
		}
	}
	if s.Tags == nil {
		return filter[T]{}, false
	}
	switch name {
	case "tag-key":
		return filter[T]{kind: byTagKey, tags: s.Tags}, true
	case "tag-value":
		return filter[T]{kind: byTagValue, tags: s.Tags}, true
	}
	// "tag:" alone names no tag: EC2 calls it an unknown filter.
	if key, ok := strings.CutPrefix(name, "tag:"); ok && key != "" {
		return filter[T]{kind: byTag, tags: s.Tags, tagKey: key}, true
	}
	return filter[T]{}, false
}

// check validates MaxResults as EC2 does: the IDs combination first, then
// the bounds.
func (pg Paging) check(q Query) error {
	if q.MaxResults == 0 {
		return nil
	}
	if pg.Max == 0 {
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "The parameter maxResults is not supported by this action: it does not page.")
	}
	if pg.IDsParam != "" && len(q.IDs) > 0 {
		return ec2.Errorf(ec2.CodeInvalidParameterCombination, "The parameter %s cannot be used with the parameter maxResults", pg.IDsParam)
	}
	if q.MaxResults < pg.Min || q.MaxResults > pg.Max && !pg.Clamp {
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Value ( %d ) for parameter maxResults is invalid. Expecting a value between %d and %d.", q.MaxResults, pg.Min, pg.Max)
	}
	return nil
}

// Match reports whether x passes every filter (AND across filters, OR
// across one filter's values). An item with no value for a filter does not
// pass it.
func (p *Plan[T]) Match(x T) bool {
	for i := range p.filters {
		if !p.filters[i].match(x) {
			return false
		}
	}
	return true
}

func (f *filter[T]) match(x T) bool {
	switch f.kind {
	case byField:
		if f.value != nil {
			return f.one(f.value(x))
		}
		for _, v := range f.values(x) {
			if f.one(v) {
				return true
			}
		}
	case byTag:
		// Tags are read in place rather than copied into a []string:
		// Match runs once per item and filter, and should not allocate.
		for _, t := range f.tags(x) {
			if t.Key == f.tagKey && f.one(t.Value) {
				return true
			}
		}
	case byTagKey:
		for _, t := range f.tags(x) {
			if f.one(t.Key) {
				return true
			}
		}
	case byTagValue:
		for _, t := range f.tags(x) {
			if f.one(t.Value) {
				return true
			}
		}
	}
	return false
}

// one reports whether one item value matches any of the filter's values.
func (f *filter[T]) one(v string) bool {
	if f.custom == nil {
		return f.pats.match(v)
	}
	for _, p := range f.raw {
		if f.custom(p, v) {
			return true
		}
	}
	return false
}

// Optional is the values of a field that may be absent (for Field.Values):
// none when s is "", so that no filter matches it, not even "*".
func Optional(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// Run is Compile, Match and Page over items; items is left as it is.
func Run[T any](s *Spec[T], q Query, items []T) ([]T, string, error) {
	p, err := s.Compile(q)
	if err != nil {
		return nil, "", err
	}
	page, next := p.page(items, len(p.filters) > 0)
	return page, next, nil
}

// The names of the tag filters, as Names lists them.
const (
	NameTag      = "tag:<key>"
	NameTagKey   = "tag-key"
	NameTagValue = "tag-value"
)

// Names lists the filter names a spec accepts, sorted, with "tag:<key>",
// "tag-key" and "tag-value" when Tags is set.
func (s *Spec[T]) Names() []string {
	names := make([]string, 0, len(s.Fields)+3)
	for _, f := range s.Fields {
		names = append(names, f.Name)
	}
	if s.Tags != nil {
		names = append(names, NameTag, NameTagKey, NameTagValue)
	}
	slices.Sort(names)
	return names
}

// Validate reports mistakes in a spec's declaration, for a family's tests
// (Compile trusts the spec): no Key, a field without a name, or without
// or with both of Value and Values, a name declared twice or shadowing a
// tag filter, and paging bounds that cannot hold.
func (s *Spec[T]) Validate() error {
	var errs []error
	if s.Key == nil {
		errs = append(errs, errors.New("no Key"))
	}
	seen := make(map[string]bool, len(s.Fields))
	for i, f := range s.Fields {
		switch {
		case f.Name == "":
			errs = append(errs, fmt.Errorf("field %d has no name", i))
		case seen[f.Name]:
			errs = append(errs, fmt.Errorf("field %q is declared twice", f.Name))
		case s.Tags != nil && (f.Name == NameTagKey || f.Name == NameTagValue || strings.HasPrefix(f.Name, "tag:")):
			errs = append(errs, fmt.Errorf("field %q shadows a tag filter", f.Name))
		}
		seen[f.Name] = true
		if (f.Value == nil) == (f.Values == nil) {
			errs = append(errs, fmt.Errorf("field %q needs one of Value and Values", f.Name))
		}
	}
	pg := s.Paging
	switch {
	case pg.Max < 0 || pg.Min < 0:
		errs = append(errs, fmt.Errorf("negative paging bounds %d..%d", pg.Min, pg.Max))
	case pg.Max == 0 && (pg.Min != 0 || pg.IDsParam != ""):
		errs = append(errs, errors.New("paging Min or IDsParam set on an action that does not page (Max 0)"))
	case pg.Max > 0 && (pg.Min < 1 || pg.Min > pg.Max):
		errs = append(errs, fmt.Errorf("paging bounds %d..%d: want 1 <= Min <= Max", pg.Min, pg.Max))
	}
	return errors.Join(errs...)
}
