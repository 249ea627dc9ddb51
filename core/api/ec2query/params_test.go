package ec2query

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"regexp"
	"testing"

	"github.com/ec2x/ec2x/core"
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
				{Name: "IncludeManagedResources", NoEffect: true, Leaves: []string{"IncludeManagedResources"}},
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

// Every key Params claims for an action of the table is one the endpoint
// takes, as serve takes it: decoding it alone is never UnknownParameter (a
// value that does not parse, such as "1" for a time, may fail otherwise),
// and DryRun is claimed only where the endpoint does not refuse it.
func TestParamsAreDecoded(t *testing.T) {
	table := core.ActionTable()
	for _, n := range table.Names() {
		d, _ := table.Lookup(n)
		if d.Expose != actions.Public {
			continue
		}
		t.Run(n, func(t *testing.T) {
			for _, p := range Params(d) {
				for _, leaf := range p.Leaves {
					key := listPosition.ReplaceAllString(leaf, ".1$1")
					form := url.Values{key: {"1"}}
					in := d.New()
					dry, err := takeDryRun(form, in)
					if err == nil {
						err = decodeForm(form, in)
					}
					var e *ec2.Error
					if errors.As(err, &e) && e.Code == ec2.CodeUnknownParameter {
						t.Errorf("%s: Params lists %s, the decoder refuses it: %v", n, key, err)
					}
					if dry && !isRead(n) {
						t.Errorf("%s: Params lists %s, the endpoint refuses a dry run of a write without the field", n, key)
					}
				}
			}
		})
	}
}

// listPosition is the N of a list position in a key.
var listPosition = regexp.MustCompile(`\.N(\.|$)`)
