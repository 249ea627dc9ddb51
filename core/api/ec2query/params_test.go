package ec2query

import (
	"context"
	"reflect"
	"testing"

	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/ec2"
)

// stopSomethingInput is a write without DryRun, with a field marked as
// having no effect.
type stopSomethingInput struct {
	Force bool   `json:"Force,omitempty" ec2x:"noeffect"`
	Name  string `json:"Name"`
}

// Params are what docs/COVERAGE.md counts as accepted: the decoder's
// wire names and the keys it reads under them, DryRun only where the
// endpoint takes it, and the noeffect marker.
func TestParams(t *testing.T) {
	cases := []struct {
		name string
		def  actions.Def
		want []Param
	}{
		{"read without a DryRun field: the endpoint answers DryRun", actions.New("DescribeInstances", actions.Public,
			func(context.Context, string, *ec2.DescribeInstancesInput) (*ec2.DescribeInstancesOutput, error) {
				return nil, nil
			}),
			[]Param{{Name: "DryRun", Leaves: []string{"DryRun"}}, {Name: "Filter", Leaves: []string{"Filter.N.Name", "Filter.N.Value.N"}},
				{Name: "InstanceId", Leaves: []string{"InstanceId.N"}}, {Name: "MaxResults", Leaves: []string{"MaxResults"}},
				{Name: "NextToken", Leaves: []string{"NextToken"}}}},
		{"write with a DryRun field", actions.New("CreateTags", actions.Public,
			func(context.Context, string, *ec2.CreateTagsInput) (*struct{}, error) { return nil, nil }),
			[]Param{{Name: "DryRun", Leaves: []string{"DryRun"}}, {Name: "ResourceId", Leaves: []string{"ResourceId.N"}},
				{Name: "Tag", Leaves: []string{"Tag.N.Key", "Tag.N.Value"}}}},
		{"write without a DryRun field, a field with no effect", actions.New("StopSomething", actions.Public,
			func(context.Context, string, *stopSomethingInput) (*struct{}, error) { return nil, nil }),
			[]Param{{Name: "Force", NoEffect: true, Leaves: []string{"Force"}}, {Name: "Name", Leaves: []string{"Name"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Params(c.def); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Params(%s) = %v, want %v", c.def.Name, got, c.want)
			}
		})
	}
}
