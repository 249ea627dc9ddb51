package network

import (
	"context"
	"net/netip"
	"strings"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// maxPrefixListEntries is EC2's upper bound of MaxEntries.
const maxPrefixListEntries = 1000

// checkEntries checks entries against a family; it returns them with
// their CIDRs in canonical form.
func checkEntries(family string, entries []ec2.PrefixListEntry) ([]ec2.PrefixListEntry, error) {
	out := make([]ec2.PrefixListEntry, 0, len(entries))
	for _, e := range entries {
		pf, err := netip.ParsePrefix(e.Cidr)
		if err != nil || pf.Addr().Is4() != (family == "IPv4") || pf.Addr().Is4In6() {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The CIDR '%s' is not a valid %s CIDR block", e.Cidr, family)
		}
		if len(e.Description) > 255 {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The description of entry '%s' is longer than 255 characters", e.Cidr)
		}
		c := pf.Masked().String()
		for _, o := range out {
			if o.Cidr == c {
				return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The CIDR '%s' is given more than once", c)
			}
		}
		out = append(out, ec2.PrefixListEntry{Cidr: c, Description: e.Description})
	}
	return out, nil
}

// CreateManagedPrefixList makes a customer-managed prefix list, version 1.
func (s *Service) CreateManagedPrefixList(ctx context.Context, region string, in *ec2.CreateManagedPrefixListInput) (*ec2.PrefixListOutput, error) {
	switch {
	case in.PrefixListName == "":
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter PrefixListName")
	case len(in.PrefixListName) > 255 || strings.HasPrefix(strings.ToLower(in.PrefixListName), "com.amazonaws"):
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The prefix list name '%s' is not valid: 1 to 255 characters, not starting with com.amazonaws", in.PrefixListName)
	case in.AddressFamily != "IPv4" && in.AddressFamily != "IPv6":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The address family '%s' is not valid: IPv4 or IPv6", in.AddressFamily)
	case in.MaxEntries < 1 || in.MaxEntries > maxPrefixListEntries:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The value '%d' for MaxEntries is not valid: 1 to %d", in.MaxEntries, maxPrefixListEntries)
	case len(in.Entries) > in.MaxEntries:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The number of entries (%d) exceeds the maximum (%d) of the prefix list", len(in.Entries), in.MaxEntries)
	}
	entries, err := checkEntries(in.AddressFamily, in.Entries)
	if err != nil {
		return nil, err
	}
	tags, err := tagging.FromSpecs(in.TagSpecifications, "prefix-list")
	if err != nil {
		return nil, err
	}
	var out *ec2.PrefixListOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		if in.ClientToken != "" {
			var same *PrefixList
			state.Each(tx, PrefixLists, func(p *PrefixList) bool {
				if p.ClientToken == in.ClientToken {
					same = p
				}
				return same == nil
			})
			if same != nil {
				out = &ec2.PrefixListOutput{PrefixList: managedView(region, same)}
				return nil
			}
		}
		p := &PrefixList{PrefixListId: tx.Region().NewID("pl"), PrefixListName: in.PrefixListName, AddressFamily: in.AddressFamily,
			MaxEntries: in.MaxEntries, State: "create-complete", Versions: []PrefixListVersion{{Version: 1, Entries: entries}},
			Tags: tags, ClientToken: in.ClientToken}
		state.Put(tx, PrefixLists, p)
		out = &ec2.PrefixListOutput{PrefixList: managedView(region, p)}
		return dryRun(in.DryRun)
	})
	return out, err
}

// ownList finds a customer-managed list to change: AWS's are refused.
func ownList(rd state.Reader, id string) (*PrefixList, error) {
	p, err := findPrefixList(rd, id)
	if err != nil {
		return nil, err
	}
	if p.aws {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The prefix list '%s' is managed by AWS and cannot be changed", id)
	}
	return p, nil
}

// checkVersion refuses a change made against another version than the
// current one.
func checkVersion(p *PrefixList, current *int64) error {
	if current != nil && *current != p.current().Version {
		return ec2.Errorf(ec2.CodePrefixListVersionMismatch, "The prefix list '%s' has version %d, not %d", p.PrefixListId, p.current().Version, *current)
	}
	return nil
}

// withVersion is p with entries as its new current version.
func withVersion(p *PrefixList, entries []ec2.PrefixListEntry) *PrefixList {
	n := *p
	n.Versions = append(p.Versions[:len(p.Versions):len(p.Versions)], PrefixListVersion{Version: p.current().Version + 1, Entries: entries})
	n.State = "modify-complete"
	return &n
}

// ModifyManagedPrefixList renames a list, adds and removes entries (a new
// version) or changes its MaxEntries (not both at once, as in EC2).
func (s *Service) ModifyManagedPrefixList(ctx context.Context, region string, in *ec2.ModifyManagedPrefixListInput) (*ec2.PrefixListOutput, error) {
	changes := len(in.AddEntries) > 0 || len(in.RemoveEntries) > 0
	if in.MaxEntries != 0 && changes {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "MaxEntries cannot be changed together with the entries of a prefix list")
	}
	if in.MaxEntries < 0 || in.MaxEntries > maxPrefixListEntries {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The value '%d' for MaxEntries is not valid: 1 to %d", in.MaxEntries, maxPrefixListEntries)
	}
	if in.PrefixListName != "" && strings.HasPrefix(strings.ToLower(in.PrefixListName), "com.amazonaws") {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The prefix list name '%s' is not valid: 1 to 255 characters, not starting with com.amazonaws", in.PrefixListName)
	}
	var out *ec2.PrefixListOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		p, err := ownList(tx, in.PrefixListId)
		if err != nil {
			return err
		}
		if err := checkVersion(p, in.CurrentVersion); err != nil {
			return err
		}
		add, err := checkEntries(p.AddressFamily, in.AddEntries)
		if err != nil {
			return err
		}
		n := *p
		if changes {
			entries := p.current().Entries
			for _, r := range in.RemoveEntries {
				i := -1
				for j, e := range entries {
					if pf, err := netip.ParsePrefix(r.Cidr); err == nil && e.Cidr == pf.Masked().String() {
						i = j
					}
				}
				if i < 0 {
					return ec2.Errorf(ec2.CodeInvalidParameterValue, "The CIDR '%s' is not an entry of the prefix list", r.Cidr)
				}
				entries = append(entries[:i:i], entries[i+1:]...)
			}
			for _, a := range add {
				// Adding a CIDR already there updates its description.
				if i := entryIndex(entries, a.Cidr); i >= 0 {
					entries = append(entries[:i:i], entries[i+1:]...)
				}
				entries = append(entries, a)
			}
			if len(entries) > p.MaxEntries {
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "The number of entries (%d) exceeds the maximum (%d) of the prefix list", len(entries), p.MaxEntries)
			}
			n = *withVersion(p, entries)
		}
		if in.MaxEntries != 0 {
			if in.MaxEntries < len(p.current().Entries) {
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "MaxEntries (%d) cannot be less than the number of entries (%d)", in.MaxEntries, len(p.current().Entries))
			}
			n.MaxEntries, n.State = in.MaxEntries, "modify-complete"
		}
		if in.PrefixListName != "" {
			n.PrefixListName = in.PrefixListName
		}
		state.Put(tx, PrefixLists, &n)
		out = &ec2.PrefixListOutput{PrefixList: managedView(region, &n)}
		return dryRun(in.DryRun)
	})
	return out, err
}

func entryIndex(entries []ec2.PrefixListEntry, cidr string) int {
	for i, e := range entries {
		if e.Cidr == cidr {
			return i
		}
	}
	return -1
}

// RestoreManagedPrefixListVersion makes an earlier version's entries the
// list's new current version.
func (s *Service) RestoreManagedPrefixListVersion(ctx context.Context, region string, in *ec2.RestoreManagedPrefixListVersionInput) (*ec2.PrefixListOutput, error) {
	var out *ec2.PrefixListOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		p, err := ownList(tx, in.PrefixListId)
		if err != nil {
			return err
		}
		if err := checkVersion(p, &in.CurrentVersion); err != nil {
			return err
		}
		v, err := p.version(&in.PreviousVersion)
		if err != nil {
			return err
		}
		if len(v.Entries) > p.MaxEntries {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The number of entries (%d) exceeds the maximum (%d) of the prefix list", len(v.Entries), p.MaxEntries)
		}
		n := withVersion(p, v.Entries)
		state.Put(tx, PrefixLists, n)
		out = &ec2.PrefixListOutput{PrefixList: managedView(region, n)}
		return dryRun(in.DryRun)
	})
	return out, err
}

// version is a version of a list (nil: the current one).
func (p *PrefixList) version(v *int64) (PrefixListVersion, error) {
	if v == nil {
		return p.current(), nil
	}
	for _, x := range p.Versions {
		if x.Version == *v {
			return x, nil
		}
	}
	return PrefixListVersion{}, ec2.Errorf(ec2.CodeInvalidParameterValue, "The prefix list '%s' has no version %d", p.PrefixListId, *v)
}

// DeleteManagedPrefixList deletes a list no rule references.
func (s *Service) DeleteManagedPrefixList(ctx context.Context, region string, in *ec2.PrefixListIdInput) (*ec2.PrefixListOutput, error) {
	var out *ec2.PrefixListOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		p, err := ownList(tx, in.PrefixListId)
		if err != nil {
			return err
		}
		if users := prefixListUsers(tx, p.PrefixListId); len(users) > 0 {
			return ec2.Errorf(ec2.CodeDependencyViolation, "resource %s has a dependent object (a rule of %s)", p.PrefixListId, users[0])
		}
		state.Delete(tx, PrefixLists, p.PrefixListId)
		n := *p
		n.State = "delete-in-progress"
		out = &ec2.PrefixListOutput{PrefixList: managedView(region, &n)}
		return dryRun(in.DryRun)
	})
	return out, err
}

var managedSpec = &describe.Spec[*ec2.ManagedPrefixList]{
	Fields: []describe.Field[*ec2.ManagedPrefixList]{
		{Name: "owner-id", Value: func(p *ec2.ManagedPrefixList) string { return p.OwnerId }},
		{Name: "prefix-list-id", Value: func(p *ec2.ManagedPrefixList) string { return p.PrefixListId }},
		{Name: "prefix-list-name", Value: func(p *ec2.ManagedPrefixList) string { return p.PrefixListName }},
	},
	Tags: func(p *ec2.ManagedPrefixList) []ec2.Tag { return p.Tags },
	Key: func(k *describe.Key, p *ec2.ManagedPrefixList) {
		k.Str(p.PrefixListName)
		k.Str(p.PrefixListId)
	},
	Paging: describe.Paging{Min: 1, Max: 100},
}

// gatherLists lists the region's lists, AWS's and the customer's, or those
// ids names.
func gatherLists(r *state.Region, ids []string) ([]*PrefixList, error) {
	if len(ids) == 0 {
		out := awsPrefixLists(r.Name)
		state.Each(r, PrefixLists, func(p *PrefixList) bool { out = append(out, p); return true })
		return out, nil
	}
	out := make([]*PrefixList, 0, len(ids))
	for _, id := range ids {
		p, err := findPrefixList(r, id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// DescribeManagedPrefixLists lists prefix lists, AWS's and the customer's.
func (s *Service) DescribeManagedPrefixLists(ctx context.Context, region string, in *ec2.DescribePrefixListsInput) (*ec2.DescribeManagedPrefixListsOutput, error) {
	q := describe.Query{Filters: in.Filters, IDs: in.PrefixListIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeManagedPrefixLists"}
	out, next, err := state.Describe(s.rt, region, managedSpec, q, func(r *state.Region) ([]*ec2.ManagedPrefixList, error) {
		ps, err := gatherLists(r, in.PrefixListIds)
		if err != nil {
			return nil, err
		}
		views := make([]*ec2.ManagedPrefixList, len(ps))
		for i, p := range ps {
			v := managedView(region, p)
			views[i] = &v
		}
		return views, nil
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.ManagedPrefixList{}
	}
	return &ec2.DescribeManagedPrefixListsOutput{PrefixLists: out, NextToken: next}, nil
}

var awsListSpec = &describe.Spec[*ec2.PrefixList]{
	Fields: []describe.Field[*ec2.PrefixList]{
		{Name: "prefix-list-id", Value: func(p *ec2.PrefixList) string { return p.PrefixListId }},
		{Name: "prefix-list-name", Value: func(p *ec2.PrefixList) string { return p.PrefixListName }},
	},
	Key: func(k *describe.Key, p *ec2.PrefixList) {
		k.Str(p.PrefixListName)
		k.Str(p.PrefixListId)
	},
	Paging: describe.Paging{Min: 5, Max: 1000},
}

// DescribePrefixLists lists the AWS services' prefix lists of the region.
func (s *Service) DescribePrefixLists(ctx context.Context, region string, in *ec2.DescribePrefixListsInput) (*ec2.DescribePrefixListsOutput, error) {
	q := describe.Query{Filters: in.Filters, IDs: in.PrefixListIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribePrefixLists"}
	out, next, err := state.Describe(s.rt, region, awsListSpec, q, func(r *state.Region) ([]*ec2.PrefixList, error) {
		ps, err := gatherLists(r, in.PrefixListIds)
		if err != nil {
			return nil, err
		}
		var views []*ec2.PrefixList
		for _, p := range ps {
			if !p.aws {
				if len(in.PrefixListIds) > 0 {
					return nil, ec2.Errorf(ec2.CodeInvalidPrefixListIdNotFound, "The prefix list ID '%s' does not exist", p.PrefixListId)
				}
				continue
			}
			v := &ec2.PrefixList{PrefixListId: p.PrefixListId, PrefixListName: p.PrefixListName, Cidrs: []string{}}
			for _, e := range p.current().Entries {
				v.Cidrs = append(v.Cidrs, e.Cidr)
			}
			views = append(views, v)
		}
		return views, nil
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.PrefixList{}
	}
	return &ec2.DescribePrefixListsOutput{PrefixLists: out, NextToken: next}, nil
}

var entrySpec = &describe.Spec[*ec2.PrefixListEntry]{
	Key:    func(k *describe.Key, e *ec2.PrefixListEntry) { k.Str(e.Cidr) },
	Paging: describe.Paging{Min: 1, Max: 100},
}

// GetManagedPrefixListEntries lists the entries of a version of a list.
func (s *Service) GetManagedPrefixListEntries(ctx context.Context, region string, in *ec2.GetManagedPrefixListEntriesInput) (*ec2.GetManagedPrefixListEntriesOutput, error) {
	q := describe.Query{MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "GetManagedPrefixListEntries/" + in.PrefixListId}
	out, next, err := state.Describe(s.rt, region, entrySpec, q, func(r *state.Region) ([]*ec2.PrefixListEntry, error) {
		p, err := findPrefixList(r, in.PrefixListId)
		if err != nil {
			return nil, err
		}
		v, err := p.version(in.TargetVersion)
		if err != nil {
			return nil, err
		}
		out := make([]*ec2.PrefixListEntry, len(v.Entries))
		for i := range v.Entries {
			out[i] = &v.Entries[i]
		}
		return out, nil
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.PrefixListEntry{}
	}
	return &ec2.GetManagedPrefixListEntriesOutput{Entries: out, NextToken: next}, nil
}

var associationSpec = &describe.Spec[*ec2.PrefixListAssociation]{
	Key:    func(k *describe.Key, a *ec2.PrefixListAssociation) { k.Str(a.ResourceId) },
	Paging: describe.Paging{Min: 5, Max: 255},
}

// GetManagedPrefixListAssociations lists the groups whose rules name a list.
func (s *Service) GetManagedPrefixListAssociations(ctx context.Context, region string, in *ec2.GetManagedPrefixListAssociationsInput) (*ec2.GetManagedPrefixListAssociationsOutput, error) {
	q := describe.Query{MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "GetManagedPrefixListAssociations/" + in.PrefixListId}
	out, next, err := state.Describe(s.rt, region, associationSpec, q, func(r *state.Region) ([]*ec2.PrefixListAssociation, error) {
		p, err := findPrefixList(r, in.PrefixListId)
		if err != nil {
			return nil, err
		}
		var out []*ec2.PrefixListAssociation
		for _, g := range prefixListUsers(r, p.PrefixListId) {
			out = append(out, &ec2.PrefixListAssociation{ResourceId: g, ResourceOwner: ec2.OwnerID})
		}
		return out, nil
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.PrefixListAssociation{}
	}
	return &ec2.GetManagedPrefixListAssociationsOutput{PrefixListAssociations: out, NextToken: next}, nil
}

// prefixListTags is the taggable kind of customer-managed prefix lists.
func (s *Service) prefixListTags() tagging.Kind {
	return tagging.Kind{Prefix: "pl-", Type: "prefix-list",
		List: tagging.Lister(PrefixLists, func(p *PrefixList) string { return p.PrefixListId }, func(p *PrefixList) []ec2.Tag { return p.Tags }),
		Retag: func(tx *state.Tx, id string, f tagging.Retag) error {
			p, err := ownList(tx, id)
			if err != nil {
				return err
			}
			n := *p
			if n.Tags, err = f(p.Tags); err != nil {
				return err
			}
			state.Put(tx, PrefixLists, &n)
			return nil
		}}
}
