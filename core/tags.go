package core

import (
	"context"
	"sort"
	"strings"

	"github.com/ec2x/ec2x/core/store"
)

// maxTags is EC2's limit of tags per resource.
const maxTags = 50

// CreateTagsInput is EC2's CreateTags request.
type CreateTagsInput struct {
	Resources []string `json:"Resources"`
	Tags      []Tag    `json:"Tags"`
	DryRun    bool     `json:"DryRun,omitempty"`
}

// DeleteTagsInput is EC2's DeleteTags request; a tag without a value
// deletes the key whatever its value.
type DeleteTagsInput struct {
	Resources []string   `json:"Resources"`
	Tags      []TagMatch `json:"Tags,omitempty"`
	DryRun    bool       `json:"DryRun,omitempty"`
}

// TagMatch is a tag key with an optional value to match.
type TagMatch struct {
	Key   string  `json:"Key"`
	Value *string `json:"Value,omitempty"`
}

func validateTag(t Tag) error {
	switch {
	case t.Key == "" || len(t.Key) > 128:
		return Errorf(CodeInvalidParameterValue, "Tag key must be 1 to 128 characters: '%s'", t.Key)
	case len(t.Value) > 256:
		return Errorf(CodeInvalidParameterValue, "Tag value for '%s' must be at most 256 characters", t.Key)
	case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
		return Errorf(CodeInvalidParameterValue, "Tag keys starting with 'aws:' are reserved for internal use")
	}
	return nil
}

// mergeTags sets tags on top of have (a key's last value wins), sorted by key.
func mergeTags(have, set []Tag) ([]Tag, error) {
	m := make(map[string]string, len(have)+len(set))
	for _, t := range have {
		m[t.Key] = t.Value
	}
	for _, t := range set {
		if err := validateTag(t); err != nil {
			return nil, err
		}
		m[t.Key] = t.Value
	}
	if len(m) > maxTags {
		return nil, Errorf(CodeInvalidParameterValue, "A resource can have at most %d tags", maxTags)
	}
	if len(m) == 0 {
		return nil, nil
	}
	out := make([]Tag, 0, len(m))
	for k, v := range m {
		out = append(out, Tag{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func tagValue(tags []Tag, key string) (string, bool) {
	for _, t := range tags {
		if t.Key == key {
			return t.Value, true
		}
	}
	return "", false
}

func removeTags(have []Tag, del []TagMatch) []Tag {
	var out []Tag
	for _, t := range have {
		drop := len(del) == 0 // no tags given: remove every tag, as EC2 does
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

// CreateTags adds or overwrites tags on instances and key pairs.
func (c *Cloud) CreateTags(ctx context.Context, region string, in *CreateTagsInput) (*Empty, error) {
	if len(in.Tags) == 0 {
		return nil, Errorf(CodeMissingParameter, "The request must contain the parameter Tags")
	}
	return c.retag(ctx, region, in.Resources, in.DryRun, func(have []Tag) ([]Tag, error) { return mergeTags(have, in.Tags) })
}

// DeleteTags removes tags from instances and key pairs.
func (c *Cloud) DeleteTags(ctx context.Context, region string, in *DeleteTagsInput) (*Empty, error) {
	return c.retag(ctx, region, in.Resources, in.DryRun, func(have []Tag) ([]Tag, error) { return removeTags(have, in.Tags), nil })
}

// retag rewrites the tags of every resource, all or nothing, in one transaction.
func (c *Cloud) retag(ctx context.Context, region string, ids []string, dryRun bool, f func([]Tag) ([]Tag, error)) (*Empty, error) {
	if len(ids) == 0 {
		return nil, Errorf(CodeMissingParameter, "The request must contain the parameter ResourceId")
	}
	c.mu.Lock()
	rs, err := c.region(region)
	if err != nil {
		c.mu.Unlock()
		return nil, err
	}
	type upd struct {
		inst *instRecord
		key  *keyRecord
	}
	var ups []upd
	for _, id := range ids {
		switch {
		case strings.HasPrefix(id, "i-"):
			recs, err := c.lookupLocked(rs, []string{id})
			if err != nil {
				c.mu.Unlock()
				return nil, err
			}
			n := recs[0].clone()
			if n.Tags, err = f(n.Tags); err != nil {
				c.mu.Unlock()
				return nil, err
			}
			ups = append(ups, upd{inst: n})
		case strings.HasPrefix(id, "key-"):
			k := keyByID(rs, id)
			if k == nil {
				c.mu.Unlock()
				return nil, Errorf(CodeInvalidKeyPairNotFound, "The key pair '%s' does not exist", id)
			}
			n := *k
			var err error
			if n.Tags, err = f(k.Tags); err != nil {
				c.mu.Unlock()
				return nil, err
			}
			ups = append(ups, upd{key: &n})
		default:
			c.mu.Unlock()
			return nil, Errorf(CodeInvalidID, "The ID '%s' is not valid", id)
		}
	}
	if dryRun {
		c.mu.Unlock()
		return nil, Errorf(CodeDryRunOperation, "Request would have succeeded, but DryRun flag is set.")
	}
	b := store.NewBatch()
	for _, u := range ups {
		if u.inst != nil {
			b.Put(store.InstanceKey(region, u.inst.InstanceId), u.inst)
		} else {
			b.Put(store.KeyPairKey(region, u.key.KeyName), u.key)
		}
	}
	if !b.Fits() {
		c.mu.Unlock()
		return nil, tooBig(b)
	}
	for _, u := range ups {
		if u.inst != nil {
			rs.instances[u.inst.InstanceId] = u.inst
		} else {
			rs.keys[u.key.KeyName] = u.key
		}
	}
	wait := c.commitLocked(ctx, b)
	c.notifyLocked()
	c.mu.Unlock()
	if err := wait(); err != nil {
		return nil, err
	}
	return &Empty{Return: true}, nil
}
