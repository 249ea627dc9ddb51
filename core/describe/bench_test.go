package describe

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// benchFleet is n items in no particular order (as a map or a store by ID
// gives them), launched in batches of 100 so that keys tie on launch time.
func benchFleet(n int) []*item {
	rng := rand.New(rand.NewPCG(9, 10))
	fleet := make([]*item, n)
	for i := range fleet {
		env := "prod"
		if i%2 == 1 {
			env = "dev"
		}
		fleet[i] = &item{
			ID:     fmt.Sprintf("i-%017x", rng.Uint64()>>4),
			Launch: epoch.Add(time.Duration(i/100) * time.Second),
			Index:  i % 100,
			Groups: []string{"sg-0123456789abcdef0"},
			Size:   i % 64,
			Tags:   tags("Name", fmt.Sprintf("web-%d", i), "env", env, "team", "platform", "owner", "ops@example.com"),
		}
	}
	rng.Shuffle(n, func(i, j int) { fleet[i], fleet[j] = fleet[j], fleet[i] })
	return fleet
}

func BenchmarkRun(b *testing.B) {
	const n = 100_000
	fleet := benchFleet(n)
	spec := newSpec()
	spec.Paging = Paging{Min: 5, Max: 1000}
	// A token for the middle of the listing: the key of the n/2-th item.
	all, _, err := Run(spec, Query{}, fleet)
	if err != nil {
		b.Fatal(err)
	}
	mid, err := spec.Compile(Query{Scope: scope})
	if err != nil {
		b.Fatal(err)
	}
	middle := mid.Token(spec.KeyOf(all[n/2-1]))
	cases := []struct {
		name string
		q    Query
		want int
	}{
		{"no filter", Query{}, n},
		{"no filter, first page of 1000", Query{MaxResults: 1000}, 1000},
		{"tag filter", Query{Filters: []ec2.Filter{flt("tag:env", "prod")}}, n / 2},
		{"wildcard filter", Query{Filters: []ec2.Filter{flt("tag:Name", "web-1*")}}, 11111},
		{"Value filter, 20 IDs", Query{Filters: []ec2.Filter{flt("item-id", ids(all[:20])...)}}, 20},
		{"page of 1000 from the middle", Query{MaxResults: 1000, NextToken: middle}, 1000},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			tc.q.Scope = scope
			b.ReportAllocs()
			for b.Loop() {
				page, _, err := Run(spec, tc.q, fleet)
				if err != nil || len(page) != tc.want {
					b.Fatalf("%d items, %v; want %d", len(page), err, tc.want)
				}
			}
		})
	}
}
