package describe

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// item is the resource the tests describe: an instance, more or less.
type item struct {
	ID     string
	Launch time.Time
	Index  int
	Groups []string
	Size   int
	Path   string
	Note   string
	Zone   string
	Tags   []ec2.Tag
}

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// atLeast is a custom Match: ">=N" compares numbers, anything else is a
// wildcard pattern.
func atLeast(pattern, value string) bool {
	if n, ok := strings.CutPrefix(pattern, ">="); ok {
		want, err1 := strconv.Atoi(n)
		got, err2 := strconv.Atoi(value)
		return err1 == nil && err2 == nil && got >= want
	}
	return WildMatch(pattern, value)
}

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func newSpec() *Spec[*item] {
	return &Spec[*item]{
		Fields: []Field[*item]{
			{Name: "item-id", Value: func(x *item) string { return x.ID }},
			{Name: "group-id", Values: func(x *item) []string { return x.Groups }},
			{Name: "size", Value: func(x *item) string { return strconv.Itoa(x.Size) }, Match: atLeast},
			{Name: "zone", Value: func(x *item) string { return x.Zone }},
			{Name: "size-values", Values: func(x *item) []string { return []string{strconv.Itoa(x.Size)} }, Match: atLeast},
			{Name: "path", Values: func(x *item) []string { return one(x.Path) }},
			{Name: "note", Values: func(x *item) []string { return one(x.Note) }},
		},
		Tags: func(x *item) []ec2.Tag { return x.Tags },
		Key: func(k *Key, x *item) {
			k.Time(x.Launch)
			k.Num(int64(x.Index))
			k.Str(x.ID)
		},
		Paging: Paging{Min: 2, Max: 10, IDsParam: "itemSet"},
	}
}

func tags(kv ...string) []ec2.Tag {
	var ts []ec2.Tag
	for i := 0; i < len(kv); i += 2 {
		ts = append(ts, ec2.Tag{Key: kv[i], Value: kv[i+1]})
	}
	return ts
}

func flt(name string, values ...string) ec2.Filter { return ec2.Filter{Name: name, Values: values} }

func ids(xs []*item) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.ID
	}
	return out
}

// wantErr checks an EC2 error's code and a fragment of its message.
func wantErr(t *testing.T, err error, code, frag string) {
	t.Helper()
	var e *ec2.Error
	if !errors.As(err, &e) || e.Code != code || !strings.Contains(e.Message, frag) {
		t.Fatalf("error %v, want %s with %q", err, code, frag)
	}
}

// filterFleet is four items in launch order a, b, c, d; handed to Run
// shuffled so that order is the engine's doing.
func filterFleet() []*item {
	a := &item{ID: "i-a", Launch: epoch, Zone: "us-east-1a", Groups: []string{"sg-1", "sg-2"}, Size: 4, Path: "/srv/web/a", Note: "[x]",
		Tags: tags("Name", "web-1", "env", "prod")}
	b := &item{ID: "i-b", Launch: epoch.Add(time.Minute), Zone: "us-east-1b", Groups: []string{"sg-2"}, Size: 8, Path: "/srv/db", Note: `a\b`,
		Tags: tags("Name", "db-1", "env", "dev")}
	c := &item{ID: "i-c", Launch: epoch.Add(2 * time.Minute), Size: 16,
		Tags: tags("Name", "web-2", "team", "é!", "empty", "")}
	d := &item{ID: "i-d", Launch: epoch.Add(3 * time.Minute), Zone: "us-east-1a", Groups: []string{"sg-3"}, Size: 2}
	return []*item{c, a, d, b}
}

func TestFilters(t *testing.T) {
	spec := newSpec()
	many := []string{"i-x1", "i-x2", "i-x3", "i-x4", "i-x5", "i-x6", "i-x7", "i-x8", "i-b", "i-d"}
	cases := []struct {
		name    string
		filters []ec2.Filter
		want    string // IDs, space-separated, in order
	}{
		{"no filters: everything in key order", nil, "i-a i-b i-c i-d"},
		{"exact", []ec2.Filter{flt("item-id", "i-b")}, "i-b"},
		{"exact is not a prefix match", []ec2.Filter{flt("item-id", "i-")}, ""},
		{"exact is case-sensitive", []ec2.Filter{flt("item-id", "I-B")}, ""},
		{"star as suffix", []ec2.Filter{flt("tag:Name", "web-*")}, "i-a i-c"},
		{"star alone matches any value", []ec2.Filter{flt("item-id", "*")}, "i-a i-b i-c i-d"},
		{"star may match nothing", []ec2.Filter{flt("tag:Name", "web-1*")}, "i-a"},
		{"star crosses slashes", []ec2.Filter{flt("path", "/srv/*")}, "i-a i-b"},
		{"star inside", []ec2.Filter{flt("path", "/srv/*/a")}, "i-a"},
		{"prefix and suffix must not overlap", []ec2.Filter{flt("tag:Name", "web-1*-1")}, ""},
		{"question mark is one character", []ec2.Filter{flt("tag:Name", "web-?")}, "i-a i-c"},
		{"question mark is not zero characters", []ec2.Filter{flt("tag:Name", "db-1?")}, ""},
		{"question mark is one rune, not one byte", []ec2.Filter{flt("tag:team", "??")}, "i-c"},
		{"question mark and star", []ec2.Filter{flt("path", "/?rv/*b")}, "i-b"},
		{"literal bracket", []ec2.Filter{flt("note", "[x]")}, "i-a"},
		{"bracket is no character class", []ec2.Filter{flt("note", "[xy]")}, ""},
		{"bracket with a star", []ec2.Filter{flt("note", "[*")}, "i-a"},
		{"literal backslash", []ec2.Filter{flt("note", `a\b`)}, "i-b"},
		{"backslash does not escape a star", []ec2.Filter{flt("note", `a\*`)}, "i-b"},
		{"multi-valued field: any value", []ec2.Filter{flt("group-id", "sg-2")}, "i-a i-b"},
		{"multi-valued field: the second value", []ec2.Filter{flt("group-id", "sg-1")}, "i-a"},
		{"no values never match, even star", []ec2.Filter{flt("group-id", "*")}, "i-a i-b i-d"},
		{"an absent optional value never matches", []ec2.Filter{flt("note", "*")}, "i-a i-b"},
		{"a single value", []ec2.Filter{flt("zone", "us-east-1a")}, "i-a i-d"},
		{"a single value: the empty string is a value", []ec2.Filter{flt("zone", "")}, "i-c"},
		{"a single value: star matches the empty string", []ec2.Filter{flt("zone", "*")}, "i-a i-b i-c i-d"},
		{"several values: OR", []ec2.Filter{flt("item-id", "i-d", "i-a")}, "i-a i-d"},
		{"many exact values: OR through a set", []ec2.Filter{flt("item-id", many...)}, "i-b i-d"},
		{"exact and wildcard values: OR", []ec2.Filter{flt("tag:Name", "db-1", "web-2*")}, "i-b i-c"},
		{"several filters: AND", []ec2.Filter{flt("group-id", "sg-2"), flt("tag:env", "prod")}, "i-a"},
		{"several filters: AND with no overlap", []ec2.Filter{flt("group-id", "sg-3"), flt("tag:env", "*")}, ""},
		{"the same filter twice: AND", []ec2.Filter{flt("tag:Name", "web-*"), flt("tag:Name", "*-2")}, "i-c"},
		{"tag:KEY", []ec2.Filter{flt("tag:env", "dev")}, "i-b"},
		{"tag:KEY matches that key's value only", []ec2.Filter{flt("tag:env", "web-1")}, ""},
		{"tag:KEY of an absent key", []ec2.Filter{flt("tag:owner", "*")}, ""},
		{"tag:KEY with an empty value", []ec2.Filter{flt("tag:empty", "")}, "i-c"},
		{"tag:KEY is case-sensitive", []ec2.Filter{flt("tag:name", "*")}, ""},
		{"tag-key", []ec2.Filter{flt("tag-key", "team")}, "i-c"},
		{"tag-key with a star", []ec2.Filter{flt("tag-key", "*")}, "i-a i-b i-c"},
		{"tag-value", []ec2.Filter{flt("tag-value", "prod")}, "i-a"},
		{"tag-value with a star", []ec2.Filter{flt("tag-value", "web*")}, "i-a i-c"},
		{"tag-value is not a key", []ec2.Filter{flt("tag-value", "env")}, ""},
		{"custom match", []ec2.Filter{flt("size", ">=8")}, "i-b i-c"},
		{"custom match: OR across values", []ec2.Filter{flt("size", ">=16", "2")}, "i-c i-d"},
		{"custom match: its own fallback", []ec2.Filter{flt("size", "1*")}, "i-c"},
		{"custom match on Values", []ec2.Filter{flt("size-values", ">=8", "2")}, "i-b i-c i-d"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, next, err := Run(spec, Query{Filters: tc.filters}, filterFleet())
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.Fields(tc.want); !slices.Equal(ids(got), want) || next != "" {
				t.Errorf("got %v, %q; want %v", ids(got), next, want)
			}
		})
	}
}

// TestPlanMatch checks Match on its own, as a store that streams items
// uses it, and that Page alone does not filter.
func TestPlanMatch(t *testing.T) {
	p, err := newSpec().Compile(Query{Filters: []ec2.Filter{flt("tag:env", "prod", "dev")}})
	if err != nil {
		t.Fatal(err)
	}
	var kept []*item
	for _, x := range filterFleet() {
		if p.Match(x) {
			kept = append(kept, x)
		}
	}
	if page, _ := p.Page(kept); !slices.Equal(ids(page), []string{"i-a", "i-b"}) {
		t.Errorf("matched %v", ids(page))
	}
	if page, _ := p.Page(filterFleet()); len(page) != 4 {
		t.Errorf("Page filtered: %v", ids(page))
	}
	// Filter keeps the input's order; Page then orders.
	if got := ids(p.Filter(filterFleet())); !slices.Equal(got, []string{"i-a", "i-b"}) {
		t.Errorf("Filter: %v", got)
	}
	if got := ids(p.Filter([]*item{filterFleet()[3], filterFleet()[1]})); !slices.Equal(got, []string{"i-b", "i-a"}) {
		t.Errorf("Filter reordered: %v", got)
	}
}

func TestFilterErrors(t *testing.T) {
	noTags := newSpec()
	noTags.Tags = nil
	cases := []struct {
		name    string
		spec    *Spec[*item]
		filters []ec2.Filter
		frag    string
	}{
		{"unknown name", newSpec(), []ec2.Filter{flt("color", "blue")}, "The filter 'color' is invalid"},
		{"names are case-sensitive", newSpec(), []ec2.Filter{flt("Item-Id", "i-a")}, "The filter 'Item-Id' is invalid"},
		{"tag: without a key", newSpec(), []ec2.Filter{flt("tag:", "x")}, "The filter 'tag:' is invalid"},
		{"no values", newSpec(), []ec2.Filter{flt("item-id")}, "The filter 'item-id' needs at least one value"},
		{"no values on a tag filter", newSpec(), []ec2.Filter{flt("tag:Name")}, "The filter 'tag:Name' needs at least one value"},
		{"a bad filter after a good one", newSpec(), []ec2.Filter{flt("item-id", "i-a"), flt("bogus", "x")}, "'bogus'"},
		{"tag:KEY without Tags", noTags, []ec2.Filter{flt("tag:Name", "x")}, "The filter 'tag:Name' is invalid"},
		{"tag-key without Tags", noTags, []ec2.Filter{flt("tag-key", "x")}, "The filter 'tag-key' is invalid"},
		{"tag-value without Tags", noTags, []ec2.Filter{flt("tag-value", "x")}, "The filter 'tag-value' is invalid"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Run(tc.spec, Query{Filters: tc.filters}, filterFleet())
			wantErr(t, err, ec2.CodeInvalidParameterValue, tc.frag)
		})
	}
}

func TestNames(t *testing.T) {
	spec := newSpec()
	want := []string{"group-id", "item-id", "note", "path", "size", "size-values", "tag-key", "tag-value", "tag:<key>", "zone"}
	if got := spec.Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	spec.Tags = nil
	if got := spec.Names(); !slices.Equal(got, []string{"group-id", "item-id", "note", "path", "size", "size-values", "zone"}) {
		t.Errorf("without Tags: Names() = %v", got)
	}
}

func TestValidate(t *testing.T) {
	if err := newSpec().Validate(); err != nil {
		t.Errorf("a good spec: %v", err)
	}
	cases := []struct {
		name   string
		change func(s *Spec[*item])
		frag   string
	}{
		{"no key", func(s *Spec[*item]) { s.Key = nil }, "no Key"},
		{"a nameless field", func(s *Spec[*item]) { s.Fields[1].Name = "" }, "no name"},
		{"a field twice", func(s *Spec[*item]) { s.Fields[1].Name = "item-id" }, "twice"},
		{"a field without values", func(s *Spec[*item]) { s.Fields[1].Values = nil }, "one of Value and Values"},
		{"a field with Value and Values", func(s *Spec[*item]) { s.Fields[0].Values = s.Fields[1].Values }, "one of Value and Values"},
		{"a field shadowing tag-key", func(s *Spec[*item]) { s.Fields[0].Name = "tag-key" }, "shadows"},
		{"a field shadowing tag:KEY", func(s *Spec[*item]) { s.Fields[0].Name = "tag:Name" }, "shadows"},
		{"Min above Max", func(s *Spec[*item]) { s.Paging.Min = 20 }, "Min <= Max"},
		{"Min 0 on a paging action", func(s *Spec[*item]) { s.Paging.Min = 0 }, "Min <= Max"},
		{"IDsParam without paging", func(s *Spec[*item]) { s.Paging = Paging{IDsParam: "x"} }, "does not page"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newSpec()
			tc.change(s)
			if err := s.Validate(); err == nil || !strings.Contains(err.Error(), tc.frag) {
				t.Errorf("Validate() = %v, want %q", err, tc.frag)
			}
		})
	}
}

// TestMatchAllocs holds Match to its promise of not allocating for tag,
// Value and wildcard filters (Values filters allocate what Values does).
func TestMatchAllocs(t *testing.T) {
	fleet := filterFleet()
	cases := []struct {
		name    string
		filters []ec2.Filter
	}{
		{"tag:KEY exact", []ec2.Filter{flt("tag:env", "prod")}},
		{"tag:KEY star", []ec2.Filter{flt("tag:Name", "web-*", "*b*")}},
		{"tag:KEY question mark", []ec2.Filter{flt("tag:Name", "web-?")}},
		{"tag-key and tag-value", []ec2.Filter{flt("tag-key", "env"), flt("tag-value", "p*")}},
		{"many exact values", []ec2.Filter{flt("tag-value", "a", "b", "c", "d", "e", "f", "g", "h", "i", "prod")}},
		{"multi-valued field", []ec2.Filter{flt("group-id", "sg-?")}},
		{"single-valued field", []ec2.Filter{flt("item-id", "i-b", "i-*")}},
		{"many exact values on a single field", []ec2.Filter{flt("item-id", "a", "b", "c", "d", "e", "f", "g", "h", "i", "i-a")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := newSpec().Compile(Query{Filters: tc.filters})
			if err != nil {
				t.Fatal(err)
			}
			if n := testing.AllocsPerRun(100, func() {
				for _, x := range fleet {
					p.Match(x)
				}
			}); n != 0 {
				t.Errorf("%v allocations per run", n)
			}
		})
	}
}

// TestPlanShared runs one plan from several goroutines, for -race.
func TestPlanShared(t *testing.T) {
	p, err := newSpec().Compile(Query{Filters: []ec2.Filter{flt("tag:Name", "web-*")}, MaxResults: 2})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			var kept []*item
			for _, x := range filterFleet() {
				if p.Match(x) {
					kept = append(kept, x)
				}
			}
			if page, next := p.Page(kept); !slices.Equal(ids(page), []string{"i-a", "i-c"}) || next != "" {
				t.Errorf("got %v, %q", ids(page), next)
			}
		})
	}
	wg.Wait()
}

// A query naming IDs is answered in the order it named them (the family
// gathers them so), filtered; without IDs the engine orders by Key.
func TestIDsKeepRequestOrder(t *testing.T) {
	fleet := filterFleet() // c, a, d, b: not the launch order
	for _, tc := range []struct {
		name string
		q    Query
		want []string
	}{
		{"ids in the request's order", Query{IDs: []string{"i-c", "i-a", "i-d", "i-b"}}, []string{"i-c", "i-a", "i-d", "i-b"}},
		{"ids and a filter", Query{IDs: []string{"i-c", "i-a", "i-d", "i-b"}, Filters: []ec2.Filter{flt("zone", "us-east-1a")}}, []string{"i-a", "i-d"}},
		{"no ids: key order", Query{}, []string{"i-a", "i-b", "i-c", "i-d"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, next, err := Run(newSpec(), tc.q, fleet)
			if err != nil || next != "" || !slices.Equal(ids(got), tc.want) {
				t.Fatalf("got %v %q %v, want %v", ids(got), next, err, tc.want)
			}
		})
	}
}
