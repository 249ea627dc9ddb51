// Package tagging is EC2's tags: the rules every taggable resource shares
// (key and value sizes, the aws: prefix, 50 tags), tags given at creation
// (TagSpecifications), and CreateTags and DeleteTags, which reach each
// family's resources through the Kind it registers.
package tagging

import (
	"context"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// maxTags is EC2's limit of tags per resource.
const maxTags = 50

// Retag rewrites a resource's tags: it gets the tags the resource has and
// returns those it should have.
type Retag func(have []ec2.Tag) ([]ec2.Tag, error)

// Kind is a taggable kind of resource: the ID prefix that names it (or,
// for IDs of no prefix, such as reservations' UUIDs, Match) and how to
// rewrite one's tags within a Tx.
type Kind struct {
	Prefix string
	// Match claims the IDs of a kind without a prefix; it is tried only
	// when no prefix matched.
	Match func(id string) bool
	// Type is EC2's resource type name (instance, security-group, ...),
	// as DescribeTags shows it.
	Type  string
	Retag func(tx *state.Tx, id string, f Retag) error
	// List calls each for every resource of the kind that has tags.
	List func(rd state.Reader, each func(id string, tags []ec2.Tag))
}

// Lister is a Kind's List over a table of resources.
func Lister[T any](t state.Table[T], id func(*T) string, tags func(*T) []ec2.Tag) func(state.Reader, func(string, []ec2.Tag)) {
	return func(rd state.Reader, each func(string, []ec2.Tag)) {
		state.Each(rd, t, func(x *T) bool {
			if ts := tags(x); len(ts) > 0 {
				each(id(x), ts)
			}
			return true
		})
	}
}

// Service serves CreateTags and DeleteTags.
type Service struct {
	rt    *state.Runtime
	kinds []Kind // longest prefix first
}

// New serves tags for the kinds given; a prefix given twice is a
// programming error.
func New(rt *state.Runtime, kinds ...Kind) *Service {
	seen := map[string]bool{}
	for _, k := range kinds {
		if k.Match != nil {
			continue
		}
		if seen[k.Prefix] {
			panic("tagging: kind " + k.Prefix + " given twice")
		}
		seen[k.Prefix] = true
	}
	ks := append([]Kind(nil), kinds...)
	sort.SliceStable(ks, func(i, j int) bool { return len(ks[i].Prefix) > len(ks[j].Prefix) })
	return &Service{rt: rt, kinds: ks}
}

// Actions are CreateTags and DeleteTags.
func (s *Service) Actions() []actions.Def {
	return []actions.Def{
		actions.New("CreateTags", actions.Public, s.CreateTags),
		actions.New("DeleteTags", actions.Public, s.DeleteTags),
		actions.New("DescribeTags", actions.Public, s.DescribeTags),
	}
}

// CreateTags adds or overwrites tags on resources of any taggable kind.
func (s *Service) CreateTags(ctx context.Context, region string, in *ec2.CreateTagsInput) (*ec2.Empty, error) {
	if len(in.Tags) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter Tags")
	}
	return s.retag(ctx, region, in.Resources, in.DryRun, func(have []ec2.Tag) ([]ec2.Tag, error) { return Merge(have, in.Tags) })
}

// DeleteTags removes tags from resources of any taggable kind.
func (s *Service) DeleteTags(ctx context.Context, region string, in *ec2.DeleteTagsInput) (*ec2.Empty, error) {
	return s.retag(ctx, region, in.Resources, in.DryRun, func(have []ec2.Tag) ([]ec2.Tag, error) { return Remove(have, in.Tags), nil })
}

// retag rewrites the tags of every resource, all or nothing, in one transaction.
func (s *Service) retag(ctx context.Context, region string, ids []string, dryRun bool, f Retag) (*ec2.Empty, error) {
	if len(ids) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter ResourceId")
	}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		for _, id := range ids {
			k := s.kindOf(id)
			if k == nil {
				return ec2.Errorf(ec2.CodeInvalidID, "The ID '%s' is not valid", id)
			}
			if err := k.Retag(tx, id, f); err != nil {
				return err
			}
		}
		if dryRun {
			return state.DryRun()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

func (s *Service) kindOf(id string) *Kind {
	for i := range s.kinds {
		if k := &s.kinds[i]; k.Match == nil && strings.HasPrefix(id, k.Prefix) {
			return k
		}
	}
	for i := range s.kinds {
		if k := &s.kinds[i]; k.Match != nil && k.Match(id) {
			return k
		}
	}
	return nil
}

// Validate checks one tag against EC2's rules.
func Validate(t ec2.Tag) error {
	switch {
	case t.Key == "" || utf8.RuneCountInString(t.Key) > 128:
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Tag key must be 1 to 128 characters: '%s'", t.Key)
	case utf8.RuneCountInString(t.Value) > 256:
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Tag value for '%s' must be at most 256 characters", t.Key)
	case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Tag keys starting with 'aws:' are reserved for internal use")
	}
	return nil
}

// Merge sets tags on top of have (a key's last value wins), sorted by key.
func Merge(have, set []ec2.Tag) ([]ec2.Tag, error) {
	m := make(map[string]string, len(have)+len(set))
	for _, t := range have {
		m[t.Key] = t.Value
	}
	for _, t := range set {
		if err := Validate(t); err != nil {
			return nil, err
		}
		m[t.Key] = t.Value
	}
	if len(m) > maxTags {
		return nil, ec2.Errorf(ec2.CodeTagLimitExceeded, "The maximum number of tags for a resource (%d) has been exceeded", maxTags)
	}
	if len(m) == 0 {
		return nil, nil
	}
	out := make([]ec2.Tag, 0, len(m))
	for k, v := range m {
		out = append(out, ec2.Tag{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Value returns the value of tag key and whether it is set.
func Value(tags []ec2.Tag, key string) (string, bool) {
	for _, t := range tags {
		if t.Key == key {
			return t.Value, true
		}
	}
	return "", false
}

// Remove drops the tags del names (a key alone: whatever its value); no
// tags at all removes every tag, as EC2 does.
func Remove(have []ec2.Tag, del []ec2.TagMatch) []ec2.Tag {
	var out []ec2.Tag
	for _, t := range have {
		drop := len(del) == 0
		for _, d := range del {
			if d.Key == t.Key && (d.Value == nil || *d.Value == t.Value) {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, t)
		}
	}
	return out
}

// NotTaggableHere is EC2's refusal of a TagSpecification whose resource
// type the action does not make. EC2 answers InvalidParameter (not
// InvalidParameterValue) with this message, as users report it.
func NotTaggableHere(resourceType string) error {
	return ec2.Errorf(ec2.CodeInvalidParameter, "'%s' is not a valid taggable resource type for this operation.", resourceType)
}

// FromSpecs collects the tags a creation call gives its resource type:
// any other resource type is refused, as EC2 refuses it.
func FromSpecs(specs []ec2.TagSpecification, resourceType string) ([]ec2.Tag, error) {
	var tags []ec2.Tag
	for _, ts := range specs {
		if ts.ResourceType != resourceType {
			return nil, NotTaggableHere(ts.ResourceType)
		}
		tags = append(tags, ts.Tags...)
	}
	return Merge(nil, tags)
}
