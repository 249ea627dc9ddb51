package core

import (
	"context"

	"sort"
	"strings"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/hv"
)

// maxTags is EC2's limit of tags per resource.
const maxTags = 50

func validateTag(t ec2.Tag) error {
	switch {
	case t.Key == "" || len(t.Key) > 128:
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Tag key must be 1 to 128 characters: '%s'", t.Key)
	case len(t.Value) > 256:
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Tag value for '%s' must be at most 256 characters", t.Key)
	case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Tag keys starting with 'aws:' are reserved for internal use")
	}
	return nil
}

// mergeTags sets tags on top of have (a key's last value wins), sorted by key.
func mergeTags(have, set []ec2.Tag) ([]ec2.Tag, error) {
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
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "A resource can have at most %d tags", maxTags)
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

func tagValue(tags []ec2.Tag, key string) (string, bool) {
	for _, t := range tags {
		if t.Key == key {
			return t.Value, true
		}
	}
	return "", false
}

func removeTags(have []ec2.Tag, del []ec2.TagMatch) []ec2.Tag {
	var out []ec2.Tag
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
func (c *Cloud) CreateTags(ctx context.Context, region string, in *ec2.CreateTagsInput) (*ec2.Empty, error) {
	if len(in.Tags) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter Tags")
	}
	return c.retag(ctx, region, in.Resources, in.DryRun, func(have []ec2.Tag) ([]ec2.Tag, error) { return mergeTags(have, in.Tags) })
}

// DeleteTags removes tags from instances and key pairs.
func (c *Cloud) DeleteTags(ctx context.Context, region string, in *ec2.DeleteTagsInput) (*ec2.Empty, error) {
	return c.retag(ctx, region, in.Resources, in.DryRun, func(have []ec2.Tag) ([]ec2.Tag, error) { return removeTags(have, in.Tags), nil })
}

// retag rewrites the tags of every resource, all or nothing, in one transaction.
func (c *Cloud) retag(ctx context.Context, region string, ids []string, dryRun bool, f func([]ec2.Tag) ([]ec2.Tag, error)) (*ec2.Empty, error) {
	if len(ids) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter ResourceId")
	}
	var changed []*instRecord // instances whose workload tag changed
	err := c.mutateThen(ctx, region, dryRun, func(t *tx) error {
		for _, id := range ids {
			if err := t.retagOne(id, f); err != nil {
				return err
			}
		}
		for id, r := range t.inst {
			w, _ := tagValue(r.Tags, ec2.WorkloadTag)
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
	return &ec2.Empty{Return: true}, nil
}

// retagOne rewrites the tags of one resource of any taggable kind.
func (t *tx) retagOne(id string, f func([]ec2.Tag) ([]ec2.Tag, error)) error {
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
		return ec2.Errorf(ec2.CodeInvalidID, "The ID '%s' is not valid", id)
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
			return ec2.Errorf(ec2.CodeInvalidKeyPairNotFound, "The key pair '%s' does not exist", id)
		}
		n := *k
		var err error
		if n.Tags, err = f(k.Tags); err != nil {
			return err
		}
		t.putKey(&n)
	default:
		return ec2.Errorf(ec2.CodeInvalidID, "The ID '%s' is not valid", id)
	}
	return nil
}

func keyNameOf(k *keyRecord) string {
	if k == nil {
		return ""
	}
	return k.KeyName
}
