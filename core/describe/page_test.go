package describe

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

const scope = "DescribeItems/us-east-1"

// pageFleet is seven items, three of them launched together and two others
// together, listed out of order. In key order: i-07, i-01, i-03, i-05,
// i-02, i-04, i-06.
func pageFleet() []*item {
	t0, t1, t2, t3 := epoch, epoch.Add(time.Second), epoch.Add(2*time.Second), epoch.Add(3*time.Second)
	mk := func(id string, at time.Time, grp string) *item {
		return &item{ID: id, Launch: at, Tags: tags("grp", grp)}
	}
	return []*item{
		mk("i-05", t1, "x"), mk("i-02", t2, "y"), mk("i-07", t0, "x"), mk("i-04", t3, "y"),
		mk("i-03", t1, "x"), mk("i-06", t3, "y"), mk("i-01", t1, "x"),
	}
}

var pageOrder = []string{"i-07", "i-01", "i-03", "i-05", "i-02", "i-04", "i-06"}

// walk pages through items with q, calling between(page) after each page
// that has a token, and returns the pages' IDs.
func walk(t *testing.T, spec *Spec[*item], q Query, items func() []*item, between func(n int)) [][]string {
	t.Helper()
	var pages [][]string
	for n := 1; ; n++ {
		page, next, err := Run(spec, q, items())
		if err != nil {
			t.Fatalf("page %d: %v", n, err)
		}
		pages = append(pages, ids(page))
		if next == "" {
			return pages
		}
		if len(page) == 0 || n > 1000 {
			t.Fatalf("page %d: %d items and a token", n, len(page))
		}
		q.NextToken = next
		if between != nil {
			between(n)
		}
	}
}

func fmtPages(pages [][]string) string {
	var b strings.Builder
	for _, p := range pages {
		fmt.Fprintf(&b, "%v", p)
	}
	return b.String()
}

func TestPaging(t *testing.T) {
	spec := newSpec()
	cases := []struct {
		name  string
		q     Query
		pages string
	}{
		{"no MaxResults: one page", Query{}, "[i-07 i-01 i-03 i-05 i-02 i-04 i-06]"},
		{"pages of 2, boundaries inside equal launch times", Query{MaxResults: 2},
			"[i-07 i-01][i-03 i-05][i-02 i-04][i-06]"},
		{"pages of 3", Query{MaxResults: 3}, "[i-07 i-01 i-03][i-05 i-02 i-04][i-06]"},
		{"one page holding everything has no token", Query{MaxResults: 7}, "[i-07 i-01 i-03 i-05 i-02 i-04 i-06]"},
		{"MaxResults above the count", Query{MaxResults: 10}, "[i-07 i-01 i-03 i-05 i-02 i-04 i-06]"},
		{"a filter: tokens only while matches remain", Query{MaxResults: 2, Filters: []ec2.Filter{flt("tag:grp", "x")}},
			"[i-07 i-01][i-03 i-05]"},
		{"a filter and an exact multiple", Query{MaxResults: 3, Filters: []ec2.Filter{flt("tag:grp", "y")}},
			"[i-02 i-04 i-06]"},
		{"nothing matches", Query{MaxResults: 2, Filters: []ec2.Filter{flt("tag:grp", "z")}}, "[]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.Scope = scope
			pages := walk(t, spec, tc.q, pageFleet, nil)
			if got := fmtPages(pages); got != tc.pages {
				t.Errorf("pages %s, want %s", got, tc.pages)
			}
			if all := slices.Concat(pages...); len(tc.q.Filters) == 0 && !slices.Equal(all, pageOrder) {
				t.Errorf("concatenated %v, want %v", all, pageOrder)
			}
		})
	}
}

// TestPagingContinues covers what happens to a walk between its pages.
func TestPagingContinues(t *testing.T) {
	spec := newSpec()
	t.Run("the page size changes between pages", func(t *testing.T) {
		q := Query{MaxResults: 2, Scope: scope}
		_, next, err := Run(spec, q, pageFleet())
		if err != nil {
			t.Fatal(err)
		}
		q.NextToken, q.MaxResults = next, 4
		page, next, err := Run(spec, q, pageFleet())
		if err != nil || !slices.Equal(ids(page), pageOrder[2:6]) || next == "" {
			t.Fatalf("got %v, %q, %v", ids(page), next, err)
		}
		q.NextToken, q.MaxResults = next, 0
		page, next, err = Run(spec, q, pageFleet())
		if err != nil || !slices.Equal(ids(page), pageOrder[6:]) || next != "" {
			t.Fatalf("without MaxResults, the rest: %v, %q, %v", ids(page), next, err)
		}
	})
	t.Run("items deleted and inserted between pages", func(t *testing.T) {
		fleet := pageFleet()
		t1 := epoch.Add(time.Second)
		pages := walk(t, spec, Query{MaxResults: 2, Scope: scope}, func() []*item { return fleet }, func(n int) {
			if n != 1 {
				return
			}
			// The token names i-01: delete it and a later item, and insert
			// items on both sides of it, some launched with it.
			fleet = slices.DeleteFunc(fleet, func(x *item) bool { return x.ID == "i-01" || x.ID == "i-05" })
			fleet = append(fleet,
				&item{ID: "i-00", Launch: t1},                   // before the token: passed
				&item{ID: "i-08", Launch: t1},                   // after it, same launch
				&item{ID: "i-09", Launch: epoch},                // before: passed
				&item{ID: "i-10", Launch: epoch.Add(time.Hour)}) // the new last
		})
		want := "[i-07 i-01][i-03 i-08][i-02 i-04][i-06 i-10]"
		if got := fmtPages(pages); got != want {
			t.Errorf("pages %s, want %s", got, want)
		}
	})
	t.Run("the whole rest deleted", func(t *testing.T) {
		fleet := pageFleet()
		pages := walk(t, spec, Query{MaxResults: 2, Scope: scope}, func() []*item { return fleet }, func(int) { fleet = fleet[:0] })
		if got, want := fmtPages(pages), "[i-07 i-01][]"; got != want {
			t.Errorf("pages %s, want %s", got, want)
		}
	})
}

// TestPagingChurn walks a larger fleet with random page sizes while items
// come and go, and checks the keyset promise: keys strictly increase
// across pages (no repeats, no going back) and every item that lived
// through the whole walk was listed.
func TestPagingChurn(t *testing.T) {
	spec := newSpec()
	spec.Paging.Max = 50
	rng := rand.New(rand.NewPCG(1, 2))
	newItem := func(n int) *item {
		return &item{ID: fmt.Sprintf("i-%05d", n), Launch: epoch.Add(time.Duration(rng.IntN(20)) * time.Second), Index: rng.IntN(3)}
	}
	for round := range 20 {
		t.Run(fmt.Sprint("round ", round), func(t *testing.T) {
			var fleet []*item
			for n := range 300 {
				fleet = append(fleet, newItem(n))
			}
			survivors := map[string]bool{}
			for _, x := range fleet {
				survivors[x.ID] = true
			}
			seq := 300
			q := Query{MaxResults: 2 + rng.IntN(49), Scope: scope}
			var keys []string
			byID := map[string]*item{}
			pages := walk(t, spec, q, func() []*item {
				for _, x := range fleet {
					byID[x.ID] = x
				}
				return fleet
			}, func(int) {
				for range 3 {
					i := rng.IntN(len(fleet))
					delete(survivors, fleet[i].ID)
					fleet = slices.Delete(fleet, i, i+1)
					fleet = append(fleet, newItem(seq))
					seq++
				}
			})
			for _, id := range slices.Concat(pages...) {
				keys = append(keys, spec.KeyOf(byID[id]))
				delete(survivors, id)
			}
			for i := 1; i < len(keys); i++ {
				if keys[i-1] >= keys[i] {
					t.Fatalf("keys not increasing at %d: %q then %q", i, keys[i-1], keys[i])
				}
			}
			if len(survivors) > 0 {
				t.Errorf("%d items present throughout were never listed", len(survivors))
			}
		})
	}
}

func TestTokens(t *testing.T) {
	spec := newSpec()
	noIDsParam := newSpec()
	noIDsParam.Paging.IDsParam = ""
	base := Query{Scope: scope, MaxResults: 2, Filters: []ec2.Filter{flt("tag:grp", "x", "y"), flt("item-id", "i-*")}}
	tokenOf := func(s *Spec[*item], q Query) string {
		t.Helper()
		_, next, err := Run(s, q, pageFleet())
		if err != nil || next == "" {
			t.Fatalf("no token: %q, %v", next, err)
		}
		return next
	}
	tok := tokenOf(spec, base)
	withIDs := base
	withIDs.Filters, withIDs.IDs = nil, []string{"i-01", "i-02", "i-03"}
	idsTok := tokenOf(noIDsParam, withIDs)
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		t.Fatal(err)
	}
	reencode := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	otherVersion := slices.Clone(raw)
	otherVersion[0]++
	nonPaging := newSpec()
	nonPaging.Paging = Paging{}

	const another = "made for another query"
	cases := []struct {
		name   string
		spec   *Spec[*item]
		change func(q *Query)
		token  string
		frag   string // "" when the token is accepted
	}{
		{"the same query", spec, func(q *Query) {}, tok, ""},
		{"another MaxResults", spec, func(q *Query) { q.MaxResults = 5 }, tok, ""},
		{"no MaxResults", spec, func(q *Query) { q.MaxResults = 0 }, tok, ""},
		{"the same IDs", noIDsParam, func(q *Query) { *q = withIDs }, idsTok, ""},
		{"another filter value", spec, func(q *Query) { q.Filters = []ec2.Filter{flt("tag:grp", "x"), flt("item-id", "i-*")} }, tok, another},
		{"another filter name", spec, func(q *Query) { q.Filters = []ec2.Filter{flt("tag:grp", "x", "y"), flt("path", "i-*")} }, tok, another},
		{"filters in another order", spec, func(q *Query) { q.Filters = []ec2.Filter{q.Filters[1], q.Filters[0]} }, tok, another},
		{"values moved between filters", spec, func(q *Query) { q.Filters = []ec2.Filter{flt("tag:grp", "x"), flt("item-id", "y", "i-*")} }, tok, another},
		{"a filter more", spec, func(q *Query) { q.Filters = append(q.Filters, flt("note", "*")) }, tok, another},
		{"no filters", spec, func(q *Query) { q.Filters = nil }, tok, another},
		{"another scope", spec, func(q *Query) { q.Scope = "DescribeItems/eu-west-1" }, tok, another},
		{"IDs added", spec, func(q *Query) { q.MaxResults = 0; q.IDs = []string{"i-01"} }, tok, another},
		{"fewer IDs", noIDsParam, func(q *Query) { *q = withIDs; q.IDs = q.IDs[:2] }, idsTok, another},
		{"as many other IDs", noIDsParam, func(q *Query) { *q = withIDs; q.IDs = []string{"i-01", "i-02", "i-04"} }, idsTok, another},
		{"the IDs in another order", noIDsParam, func(q *Query) { *q = withIDs; q.IDs = []string{"i-02", "i-01", "i-03"} }, idsTok, another},
		{"IDs dropped", noIDsParam, func(q *Query) { *q = withIDs; q.IDs = nil }, idsTok, another},
		{"not base64", spec, func(q *Query) {}, "!!not a token!!", "is invalid."},
		{"padded base64", spec, func(q *Query) {}, base64.URLEncoding.EncodeToString(raw[:10]), "is invalid."},
		{"too short", spec, func(q *Query) {}, "abc", "is invalid."},
		{"no key", spec, func(q *Query) {}, reencode(raw[:tokenHeader]), "is invalid."},
		{"another token version", spec, func(q *Query) {}, reencode(otherVersion), "is invalid."},
		{"an old DescribeInstances token", spec, func(q *Query) {}, reencode([]byte(`{"t":"2026-01-02T03:04:05Z","n":0,"i":"i-01"}`)), "is invalid."},
		{"an action that does not page", nonPaging, func(q *Query) { q.MaxResults = 0 }, tok, "is invalid."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := base
			tc.change(&q)
			q.NextToken = tc.token
			page, _, err := Run(tc.spec, q, pageFleet())
			if tc.frag == "" {
				if err != nil || len(page) == 0 {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantErr(t, err, ec2.CodeInvalidPaginationToken, tc.frag)
			wantErr(t, err, ec2.CodeInvalidPaginationToken, fmt.Sprintf("The pagination token %q", tc.token))
		})
	}
}

func TestMaxResults(t *testing.T) {
	noIDsParam := newSpec()
	noIDsParam.Paging.IDsParam = ""
	nonPaging := newSpec()
	nonPaging.Paging = Paging{}
	cases := []struct {
		name string
		spec *Spec[*item]
		q    Query
		code string // "" when accepted
		frag string
	}{
		{"the minimum", newSpec(), Query{MaxResults: 2}, "", ""},
		{"the maximum", newSpec(), Query{MaxResults: 10}, "", ""},
		{"below the minimum", newSpec(), Query{MaxResults: 1}, ec2.CodeInvalidParameterValue,
			"Value ( 1 ) for parameter maxResults is invalid. Expecting a value between 2 and 10."},
		{"above the maximum", newSpec(), Query{MaxResults: 11}, ec2.CodeInvalidParameterValue, "Value ( 11 ) for parameter maxResults"},
		{"negative", newSpec(), Query{MaxResults: -1}, ec2.CodeInvalidParameterValue, "Value ( -1 ) for parameter maxResults"},
		{"with IDs", newSpec(), Query{MaxResults: 5, IDs: []string{"i-01"}}, ec2.CodeInvalidParameterCombination,
			"The parameter itemSet cannot be used with the parameter maxResults"},
		{"with IDs, out of bounds: the combination first", newSpec(), Query{MaxResults: 50, IDs: []string{"i-01"}},
			ec2.CodeInvalidParameterCombination, "itemSet"},
		{"IDs alone", newSpec(), Query{IDs: []string{"i-01"}}, "", ""},
		{"with IDs where the action allows it", noIDsParam, Query{MaxResults: 5, IDs: []string{"i-01"}}, "", ""},
		{"an action that does not page", nonPaging, Query{MaxResults: 5}, ec2.CodeInvalidParameterValue, "does not page"},
		{"an action that does not page, without MaxResults", nonPaging, Query{}, "", ""},
		{"a bad filter first", newSpec(), Query{MaxResults: 1, Filters: []ec2.Filter{flt("bogus", "x")}},
			ec2.CodeInvalidParameterValue, "The filter 'bogus' is invalid"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.spec.Compile(tc.q)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantErr(t, err, tc.code, tc.frag)
		})
	}
}

// TestPlanToken checks After and Token, for stores that page on their own.
func TestPlanToken(t *testing.T) {
	spec := newSpec()
	q := Query{MaxResults: 2, Scope: scope}
	p, err := spec.Compile(q)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.After(); ok {
		t.Error("After() set without a token")
	}
	page, next := p.Page(pageFleet())
	if last := spec.KeyOf(page[len(page)-1]); p.Token(last) != next {
		t.Errorf("Token(%q) = %q, Page made %q", last, p.Token(last), next)
	}
	q.NextToken = next
	p, err = spec.Compile(q)
	if err != nil {
		t.Fatal(err)
	}
	if key, ok := p.After(); !ok || key != spec.KeyOf(page[1]) {
		t.Errorf("After() = %q, %v", key, ok)
	}
}

// TestSortOrder checks the hinted sort against a plain one, on keys made
// to defeat hints: long shared runs, keys that are prefixes of others,
// zero bytes (which hints also use for "too short"), ties beyond the
// hint's 8 bytes, in every input order.
func TestSortOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	randKey := func(alphabet string, shared string, n int) string {
		b := []byte(shared)
		for range rng.IntN(n + 1) {
			b = append(b, alphabet[rng.IntN(len(alphabet))])
		}
		return string(b)
	}
	sets := map[string]func(n int) []string{
		"distinct": func(n int) []string {
			var ks []string
			for i := range n {
				ks = append(ks, fmt.Sprintf("k-%08d", rng.IntN(n*10))+fmt.Sprint(i))
			}
			return ks
		},
		"short, zero bytes and prefixes": func(n int) []string {
			var ks []string
			for range n {
				ks = append(ks, randKey("\x00\x01a", "", 4))
			}
			return ks
		},
		"ties past 8 differing bytes": func(n int) []string {
			var ks []string
			for range n {
				ks = append(ks, randKey("ab", "same-prefix-", 12))
			}
			return ks
		},
		"shared runs between differing bytes": func(n int) []string {
			var ks []string
			for range n {
				ks = append(ks, randKey("01", "", 1)+"----"+randKey("01", "", 2)+"\x00\x00"+randKey("xyz", "", 9))
			}
			return ks
		},
	}
	orders := map[string]func([]string){
		"ascending":  func(ks []string) { slices.Sort(ks) },
		"descending": func(ks []string) { slices.Sort(ks); slices.Reverse(ks) },
		"random":     func(ks []string) { rng.Shuffle(len(ks), func(i, j int) { ks[i], ks[j] = ks[j], ks[i] }) },
	}
	for setName, set := range sets {
		for orderName, order := range orders {
			for _, n := range []int{0, 1, 2, 3, 100, 2000, 5000} {
				t.Run(fmt.Sprint(setName, "/", orderName, "/", n), func(t *testing.T) {
					ks := set(n)
					order(ks)
					var l keys
					for i, k := range ks {
						l.k.b = append(l.k.b, k...)
						l.add(i)
					}
					got := make([]string, 0, n)
					for _, o := range l.order() {
						got = append(got, string(l.key(int(o))))
					}
					if want := slices.Sorted(slices.Values(ks)); !slices.Equal(got, want) {
						t.Errorf("got %q\nwant %q", got, want)
					}
				})
			}
		}
	}
}

// TestPagingClamp: where EC2 serves a MaxResults above its bound as the
// bound (DescribeVolumes, DescribeSnapshots), pages are the bound's size;
// elsewhere the value is refused.
func TestPagingClamp(t *testing.T) {
	spec := newSpec()
	spec.Paging = Paging{Min: 1, Max: 3}
	if _, _, err := Run(spec, Query{MaxResults: 5, Scope: scope}, pageFleet()); ec2.CodeOf(err) != ec2.CodeInvalidParameterValue {
		t.Errorf("MaxResults above the bound without Clamp: %v", err)
	}
	spec.Paging.Clamp = true
	pages := walk(t, spec, Query{MaxResults: 5, Scope: scope}, pageFleet, nil)
	if got := fmtPages(pages); got != "[i-07 i-01 i-03][i-05 i-02 i-04][i-06]" {
		t.Errorf("clamped pages %s, want pages of 3", got)
	}
}
