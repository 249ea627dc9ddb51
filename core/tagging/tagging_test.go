package tagging

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/store"
	"github.com/rs/zerolog"
)

func tags(kv ...string) []ec2.Tag {
	var out []ec2.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, ec2.Tag{Key: kv[i], Value: kv[i+1]})
	}
	return out
}

func TestMerge(t *testing.T) {
	many := make([]ec2.Tag, 51)
	for i := range many {
		many[i] = ec2.Tag{Key: strings.Repeat("k", i+1)}
	}
	cases := []struct {
		name      string
		have, set []ec2.Tag
		want      []ec2.Tag
		code      string
	}{
		{"adds, sorted by key", tags("b", "2"), tags("a", "1"), tags("a", "1", "b", "2"), ""},
		{"the last value wins", tags("a", "1"), tags("a", "2", "a", "3"), tags("a", "3"), ""},
		{"nothing is nil", nil, nil, nil, ""},
		{"empty key", nil, tags("", "x"), nil, ec2.CodeInvalidParameterValue},
		{"key too long", nil, []ec2.Tag{{Key: strings.Repeat("k", 129)}}, nil, ec2.CodeInvalidParameterValue},
		{"value too long", nil, []ec2.Tag{{Key: "k", Value: strings.Repeat("v", 257)}}, nil, ec2.CodeInvalidParameterValue},
		{"aws: is reserved, in any case", nil, tags("AWS:x", "1"), nil, ec2.CodeInvalidParameterValue},
		{"at most 50", nil, many, nil, ec2.CodeTagLimitExceeded},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Merge(tc.have, tc.set)
			if tc.code != "" {
				if ec2.CodeOf(err) != tc.code {
					t.Fatalf("got %v, want %s", err, tc.code)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestRemove(t *testing.T) {
	v1 := "1"
	have := tags("a", "1", "b", "2")
	cases := []struct {
		name string
		del  []ec2.TagMatch
		want []ec2.Tag
	}{
		{"by key", []ec2.TagMatch{{Key: "a"}}, tags("b", "2")},
		{"by key and value", []ec2.TagMatch{{Key: "a", Value: &v1}}, tags("b", "2")},
		{"a value that differs keeps it", []ec2.TagMatch{{Key: "b", Value: &v1}}, have},
		{"no tags at all removes every tag", nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Remove(have, tc.del); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFromSpecs(t *testing.T) {
	got, err := FromSpecs([]ec2.TagSpecification{{ResourceType: "key-pair", Tags: tags("b", "2", "a", "1")}}, "key-pair")
	if err != nil || !slices.Equal(got, tags("a", "1", "b", "2")) {
		t.Errorf("got %v, %v", got, err)
	}
	_, err = FromSpecs([]ec2.TagSpecification{{ResourceType: "instance"}}, "key-pair")
	if ec2.CodeOf(err) != ec2.CodeInvalidParameter || !strings.Contains(err.Error(), "'instance' is not a valid taggable resource type") {
		t.Errorf("another resource type: %v", err)
	}
}

type thing struct {
	ID   string    `json:"ID"`
	Tags []ec2.Tag `json:"Tags"`
}

var things = state.Table[thing]{Kind: "thing", ID: func(x *thing) string { return x.ID }}

// CreateTags and DeleteTags reach each kind by its ID prefix, the longest
// first, all or nothing.
func TestServiceDispatch(t *testing.T) {
	cfg, err := configs.Default()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), t.TempDir(), store.Options{NoSync: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	rt := state.New(state.Options{Config: cfg, Store: st, Seed: 1})
	ctx := context.Background()
	_ = rt.Update(ctx, "us-east-1", func(tx *state.Tx) error {
		state.Put(tx, things, &thing{ID: "th-1"})
		state.Put(tx, things, &thing{ID: "th-x-1"})
		return nil
	})
	retag := func(tx *state.Tx, id string, f Retag) error {
		x := state.Get(tx, things, id)
		if x == nil {
			return ec2.Errorf(ec2.CodeInvalidID, "no %s", id)
		}
		n := *x
		var err error
		if n.Tags, err = f(x.Tags); err != nil {
			return err
		}
		state.Put(tx, things, &n)
		return nil
	}
	longer := 0
	s := New(rt, Kind{Prefix: "th-", Retag: retag}, Kind{Prefix: "th-x-", Retag: func(tx *state.Tx, id string, f Retag) error {
		longer++
		return retag(tx, id, f)
	}})
	if _, err := s.CreateTags(ctx, "us-east-1", &ec2.CreateTagsInput{Resources: []string{"th-1", "th-x-1"}, Tags: tags("env", "prod")}); err != nil {
		t.Fatal(err)
	}
	get := func(id string) []ec2.Tag {
		r, _ := rt.Region("us-east-1")
		r.RLock()
		defer r.RUnlock()
		return state.Get(r, things, id).Tags
	}
	if longer != 1 || !slices.Equal(get("th-1"), tags("env", "prod")) || !slices.Equal(get("th-x-1"), tags("env", "prod")) {
		t.Errorf("tags %v %v, longer prefix used %d times", get("th-1"), get("th-x-1"), longer)
	}
	_, err = s.CreateTags(ctx, "us-east-1", &ec2.CreateTagsInput{Resources: []string{"th-1", "th-2"}, Tags: tags("env", "dev")})
	if ec2.CodeOf(err) != ec2.CodeInvalidID || !slices.Equal(get("th-1"), tags("env", "prod")) {
		t.Errorf("a bad ID in the list: %v, and th-1 has %v (all or nothing)", err, get("th-1"))
	}
	for _, tc := range []struct {
		name string
		call func() error
		code string
	}{
		{"no resources", func() error {
			_, err := s.CreateTags(ctx, "us-east-1", &ec2.CreateTagsInput{Tags: tags("a", "b")})
			return err
		}, ec2.CodeMissingParameter},
		{"no tags", func() error {
			_, err := s.CreateTags(ctx, "us-east-1", &ec2.CreateTagsInput{Resources: []string{"th-1"}})
			return err
		}, ec2.CodeMissingParameter},
		{"an unknown kind", func() error {
			_, err := s.DeleteTags(ctx, "us-east-1", &ec2.DeleteTagsInput{Resources: []string{"vol-1"}})
			return err
		}, ec2.CodeInvalidID},
		{"a dry run", func() error {
			_, err := s.DeleteTags(ctx, "us-east-1", &ec2.DeleteTagsInput{Resources: []string{"th-1"}, DryRun: true})
			return err
		}, ec2.CodeDryRunOperation},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); ec2.CodeOf(err) != tc.code {
				t.Errorf("got %v, want %s", err, tc.code)
			}
		})
	}
	if len(get("th-1")) != 1 {
		t.Error("a dry run deleted tags")
	}
	if _, err := s.DeleteTags(ctx, "us-east-1", &ec2.DeleteTagsInput{Resources: []string{"th-1"}}); err != nil || len(get("th-1")) != 0 {
		t.Errorf("delete: %v, left %v", err, get("th-1"))
	}
}
