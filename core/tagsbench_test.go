package core

import (
	"fmt"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

// BenchmarkDescribeTags asks for tags over 1,000 tagged instances the
// ways scripts do: one resource's (Terraform reads each resource's tags
// so), one type's, and by key with a wildcard (every row made).
func BenchmarkDescribeTags(b *testing.B) {
	e := newEnv(b, instantBoot)
	var ids []string
	for i := range 10 {
		out := e.run(use1, &ec2.RunInstancesInput{MinCount: 100, TagSpecifications: instanceTags("team", fmt.Sprint(i))})
		ids = append(ids, idsOf(out.Instances)...)
	}
	cases := []struct {
		name    string
		filters []ec2.Filter
		want    int
	}{
		{"one resource", []ec2.Filter{newFilter("resource-id", ids[500])}, 1},
		{"one type", []ec2.Filter{newFilter("resource-type", "instance"), newFilter("value", "3")}, 100},
		{"wildcard key", []ec2.Filter{newFilter("key", "te*"), newFilter("value", "3")}, 100},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				out, err := e.c.DescribeTags(e.ctx, use1, &ec2.DescribeTagsInput{Filters: bc.filters, MaxResults: 1000})
				if err != nil {
					b.Fatal(err)
				}
				if len(out.Tags) != bc.want {
					b.Fatalf("got %d, want %d", len(out.Tags), bc.want)
				}
			}
		})
	}
}
