package tagging

import (
	"strings"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// Beside is the tags of a resource whose own record is elsewhere (the
// default VPC and its subnets in the region's network record, an image of
// the configuration): one record per tagged resource, so a retag writes
// only that.
type Beside struct {
	ResourceId string    `json:"ResourceId"`
	Tags       []ec2.Tag `json:"Tags"`
}

// BesideTable is a table of Beside records: kind/<region>/<resource id>.
func BesideTable(kind string) state.Table[Beside] {
	return state.Table[Beside]{Kind: kind, ID: func(t *Beside) string { return t.ResourceId }}
}

// BesideOf is a resource's tags kept in t.
func BesideOf(rd state.Reader, t state.Table[Beside], id string) []ec2.Tag {
	if b := state.Get(rd, t, id); b != nil {
		return b.Tags
	}
	return nil
}

// BesideKind is the taggable kind whose IDs start with prefix and whose
// tags are kept in t; find tells whether the region has the ID, or fails
// as EC2 does.
func BesideKind(t state.Table[Beside], prefix, typ string, find func(rd state.Reader, id string) error) Kind {
	return Kind{Prefix: prefix, Type: typ,
		List: func(rd state.Reader, each func(string, []ec2.Tag)) {
			state.Each(rd, t, func(b *Beside) bool {
				if strings.HasPrefix(b.ResourceId, prefix) && len(b.Tags) > 0 {
					each(b.ResourceId, b.Tags)
				}
				return true
			})
		},
		Retag: func(tx *state.Tx, id string, f Retag) error {
			if err := find(tx, id); err != nil {
				return err
			}
			tags, err := f(BesideOf(tx, t, id))
			if err != nil {
				return err
			}
			if len(tags) == 0 {
				if state.Get(tx, t, id) != nil {
					state.Delete(tx, t, id)
				}
				return nil
			}
			state.Put(tx, t, &Beside{ResourceId: id, Tags: tags})
			return nil
		}}
}
