package core

import (
	"context"

	"github.com/ec2x/ec2x/hv"
	"sort"
	"strings"
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
	var changed []*instRecord // instances whose workload tag changed
	err := c.mutateThen(ctx, region, dryRun, func(t *tx) error {
		for _, id := range ids {
			if err := t.retagOne(id, f); err != nil {
				return err
			}
		}
		for id, r := range t.inst {
			w, _ := tagValue(r.Tags, WorkloadTag)
			if w == r.Workload {
				continue
			}
			if w != "" {
				if err := c.checkWorkload(w); err != nil {
					return err
				}
			}
			n := r.clone()
			n.Workload = w
			t.inst[id] = n
			changed = append(changed, n)
		}
		return nil
	}, func(t *tx) []driverCall {
		var calls []driverCall
		for _, r := range changed {
			d := c.driverOf(r.Placement.HostId)
			ws, ok := d.(hv.WorkloadSetter)
			if !ok {
				continue
			}
			id, name, load := r.InstanceId, r.Workload, c.loadProfile(r.Workload)
			calls = append(calls, func(ctx context.Context) error { return ws.SetWorkload(ctx, id, name, load) })
		}
		return calls
	})
	if err != nil {
		return nil, err
	}
	return &Empty{Return: true}, nil
}

// retagOne rewrites the tags of one resource of any taggable kind.
func (t *tx) retagOne(id string, f func([]Tag) ([]Tag, error)) error {
	switch {
	case strings.HasPrefix(id, "i-"):
		recs, err := t.c.lookupLocked(t.rs, []string{id})
		if err != nil {
			return err
		}
		n := t.instance(recs[0].InstanceId).clone()
		if n.Tags, err = f(n.Tags); err != nil {
			return err
		}
		t.putInstance(n)
	case strings.HasPrefix(id, "eni-attach-"):
		return Errorf(CodeInvalidID, "The ID '%s' is not valid", id)
	case strings.HasPrefix(id, "eni-"):
		e, err := t.lookupENI(id)
		if err != nil {
			return err
		}
		n := e.clone()
		if n.Tags, err = f(e.Tags); err != nil {
			return err
		}
		t.putIface(n)
	case strings.HasPrefix(id, "eipalloc-"):
		a, err := t.findAddress(id, "")
		if err != nil {
			return err
		}
		n := *a
		if n.Tags, err = f(a.Tags); err != nil {
			return err
		}
		t.putAddress(&n)
	case strings.HasPrefix(id, "sg-"):
		g, err := t.findGroup(id, "")
		if err != nil {
			return err
		}
		n := *g
		if n.Tags, err = f(g.Tags); err != nil {
			return err
		}
		t.putGroup(&n)
	case strings.HasPrefix(id, "key-"):
		k := keyByID(t.rs, id)
		if nk, ok := t.key[keyNameOf(k)]; ok {
			k = nk
		}
		if k == nil {
			return Errorf(CodeInvalidKeyPairNotFound, "The key pair '%s' does not exist", id)
		}
		n := *k
		var err error
		if n.Tags, err = f(k.Tags); err != nil {
			return err
		}
		t.putKey(&n)
	default:
		return Errorf(CodeInvalidID, "The ID '%s' is not valid", id)
	}
	return nil
}

func keyNameOf(k *keyRecord) string {
	if k == nil {
		return ""
	}
	return k.KeyName
}
