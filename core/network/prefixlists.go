package network

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"slices"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// PrefixList is a customer-managed prefix list: a named set of CIDRs that
// rules may name as one source. Every change of its entries makes a new
// version; the old ones are kept, to be read and restored.
type PrefixList struct {
	PrefixListId   string              `json:"PrefixListId"`
	PrefixListName string              `json:"PrefixListName"`
	AddressFamily  string              `json:"AddressFamily"`
	MaxEntries     int                 `json:"MaxEntries"`
	State          string              `json:"State"`
	Versions       []PrefixListVersion `json:"Versions"` // the last is current
	Tags           []ec2.Tag           `json:"Tags,omitempty"`
	ClientToken    string              `json:"ClientToken,omitempty"`
	// aws marks a list of an AWS service, made on the fly, never stored.
	aws bool
}

// PrefixListVersion is one version of a list's entries.
type PrefixListVersion struct {
	Version int64                 `json:"Version"`
	Entries []ec2.PrefixListEntry `json:"Entries"`
}

// PrefixLists is the table of customer-managed prefix lists: pl/<region>/<pl-id>.
var PrefixLists = state.Table[PrefixList]{Kind: "pl", ID: func(p *PrefixList) string { return p.PrefixListId }}

// current is a list's current version.
func (p *PrefixList) current() PrefixListVersion { return p.Versions[len(p.Versions)-1] }

// awsServices are the AWS services whose prefix lists every region has.
// Their CIDRs are those AWS publishes for us-east-1 (ip-ranges.json);
// ec2x uses them, as stand-ins, in every region.
var awsServices = []struct {
	name  string
	cidrs []string
}{
	{"dynamodb", []string{"3.218.180.0/22", "3.218.184.0/22", "52.94.0.0/22", "52.119.224.0/20"}},
	{"s3", []string{"3.5.0.0/19", "16.15.176.0/20", "16.182.0.0/16", "18.34.0.0/19", "18.34.232.0/21", "52.216.0.0/15", "54.231.0.0/16"}},
}

// awsPrefixLists are a region's AWS-managed lists, with IDs that are a
// function of the region and the service, so they stay the same.
func awsPrefixLists(region string) []*PrefixList {
	out := make([]*PrefixList, len(awsServices))
	for i, svc := range awsServices {
		name := "com.amazonaws." + region + "." + svc.name
		sum := sha256.Sum256([]byte(name))
		entries := make([]ec2.PrefixListEntry, len(svc.cidrs))
		for j, c := range svc.cidrs {
			entries[j] = ec2.PrefixListEntry{Cidr: c}
		}
		out[i] = &PrefixList{PrefixListId: "pl-" + hex.EncodeToString(sum[:4]), PrefixListName: name, AddressFamily: "IPv4",
			MaxEntries: len(entries), State: "create-complete", Versions: []PrefixListVersion{{Version: 1, Entries: entries}}, aws: true}
	}
	return out
}

// prefixList finds a list of the region, AWS-managed or not (nil: none).
func prefixList(rd state.Reader, id string) *PrefixList {
	if p := state.Get(rd, PrefixLists, id); p != nil {
		return p
	}
	for _, p := range awsPrefixLists(rd.Region().Name) {
		if p.PrefixListId == id {
			return p
		}
	}
	return nil
}

// findPrefixList finds a list, failing as EC2 does.
func findPrefixList(rd state.Reader, id string) (*PrefixList, error) {
	if id == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter PrefixListId")
	}
	if !ec2.ValidID("pl", id) {
		return nil, ec2.MalformedID(ec2.CodeInvalidPrefixListIdMalformed, "pl", id)
	}
	if p := prefixList(rd, id); p != nil {
		return p, nil
	}
	return nil, ec2.Errorf(ec2.CodeInvalidPrefixListIdNotFound, "The prefix list ID '%s' does not exist", id)
}

// prefixListCidrs is a list's current CIDRs, and whether it exists.
func (s *Service) prefixListCidrs(rd state.Reader, id string) ([]netip.Prefix, bool) {
	p := prefixList(rd, id)
	if p == nil {
		return nil, false
	}
	var out []netip.Prefix
	for _, e := range p.current().Entries {
		if pf, err := netip.ParsePrefix(e.Cidr); err == nil {
			out = append(out, pf)
		}
	}
	return out, true
}

// prefixListUsers are the groups with a rule naming the list, by ID.
func prefixListUsers(rd state.Reader, id string) []string {
	var out []string
	state.Each(rd, Groups, func(g *Group) bool {
		for _, r := range g.allRules() {
			if r.source == id {
				out = append(out, g.GroupId)
				break
			}
		}
		return true
	})
	slices.Sort(out)
	return out
}

// managedView is a list as DescribeManagedPrefixLists shows it.
func managedView(region string, p *PrefixList) ec2.ManagedPrefixList {
	v := ec2.ManagedPrefixList{PrefixListId: p.PrefixListId, PrefixListName: p.PrefixListName, AddressFamily: p.AddressFamily,
		State: p.State, Tags: p.Tags, OwnerId: ec2.OwnerID,
		PrefixListArn: "arn:aws:ec2:" + region + ":" + ec2.OwnerID + ":prefix-list/" + p.PrefixListId}
	if p.aws {
		v.OwnerId = "AWS"
		v.PrefixListArn = "arn:aws:ec2:" + region + ":aws:prefix-list/" + p.PrefixListId
	} else {
		v.MaxEntries, v.Version = p.MaxEntries, p.current().Version
	}
	if v.Tags == nil {
		v.Tags = []ec2.Tag{}
	}
	return v
}
