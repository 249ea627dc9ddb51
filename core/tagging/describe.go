package tagging

import (
	"context"
	"strings"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// tagSpec is DescribeTags' filters: key, value, resource-id, resource-type.
var tagSpec = &describe.Spec[ec2.TagDescription]{
	Fields: []describe.Field[ec2.TagDescription]{
		{Name: "key", Value: func(t ec2.TagDescription) string { return t.Key }},
		{Name: "value", Value: func(t ec2.TagDescription) string { return t.Value }},
		{Name: "resource-id", Value: func(t ec2.TagDescription) string { return t.ResourceId }},
		{Name: "resource-type", Value: func(t ec2.TagDescription) string { return t.ResourceType }},
	},
	// By resource, then key: a resource's tags stay together.
	Key:    func(k *describe.Key, t ec2.TagDescription) { k.Str(t.ResourceId); k.Str(t.Key) },
	Paging: describe.Paging{Min: 5, Max: 1000},
}

// DescribeTags lists the tags of every taggable resource of the region.
func (s *Service) DescribeTags(ctx context.Context, region string, in *ec2.DescribeTagsInput) (*ec2.DescribeTagsOutput, error) {
	q := describe.Query{Filters: in.Filters, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeTags"}
	out, next, err := state.Describe(s.rt, region, tagSpec, q, func(r *state.Region) ([]ec2.TagDescription, error) {
		var items []ec2.TagDescription
		types, ids := exactValues(in.Filters, "resource-type"), exactValues(in.Filters, "resource-id")
		for _, k := range s.kinds {
			if k.List == nil || (types != nil && !types[k.Type]) {
				continue
			}
			k.List(r, func(id string, tags []ec2.Tag) {
				if ids != nil && !ids[id] {
					return
				}
				for _, t := range tags {
					items = append(items, ec2.TagDescription{ResourceId: id, ResourceType: k.Type, Key: t.Key, Value: t.Value})
				}
			})
		}
		return items, nil
	}, func(_ *state.Region, t ec2.TagDescription) ec2.TagDescription { return t })
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.TagDescription{}
	}
	return &ec2.DescribeTagsOutput{Tags: out, NextToken: next}, nil
}

// exactValues are the values of the one filter called name when none has
// a wildcard (nil otherwise): rows that cannot match it need not be made
// for the engine to drop, which is most of them when a script asks for
// one resource's tags in a large fleet. The engine still applies every
// filter to the rows made.
func exactValues(filters []ec2.Filter, name string) map[string]bool {
	var out map[string]bool
	for _, f := range filters {
		if f.Name != name {
			continue
		}
		if out != nil {
			return nil // two filters of one name: left to the engine
		}
		out = make(map[string]bool, len(f.Values))
		for _, v := range f.Values {
			if strings.ContainsAny(v, "*?\\") {
				return nil
			}
			out[v] = true
		}
	}
	return out
}
