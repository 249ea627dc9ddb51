package network

import (
	"context"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/netw"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/core/tagging"
)

// DhcpSet is a DHCP options set: what guests are told at boot.
type DhcpSet struct {
	DhcpOptionsId string    `json:"DhcpOptionsId"`
	Options       []DhcpOpt `json:"Options"`
	Tags          []ec2.Tag `json:"Tags,omitempty"`
}

// DhcpOpt is one option and its values.
type DhcpOpt struct {
	Key    string   `json:"Key"`
	Values []string `json:"Values"`
}

// DhcpSets is the table of sets: dopt/<region>/<id>.
var DhcpSets = state.Table[DhcpSet]{Kind: "dopt", ID: func(d *DhcpSet) string { return d.DhcpOptionsId }}

// amazonDomain is the domain name EC2's default set gives a region.
func amazonDomain(region string) string {
	if region == "us-east-1" {
		return "ec2.internal"
	}
	return region + ".compute.internal"
}

// ensureDhcp gives a region loaded from an older store its default set,
// and every VPC without one that set.
func (s *Service) ensureDhcp(r *state.Region, put func(key []byte, v any)) {
	net := s.book(r).net
	if net.DefaultDhcpOptionsId == "" {
		d := amazonSet(r.NewID("dopt"), r.Name)
		state.Seed(r, DhcpSets, d)
		put(store.Key(DhcpSets.Kind, r.Name, d.DhcpOptionsId), d)
		net.DefaultDhcpOptionsId = d.DhcpOptionsId
	}
	changed := false
	for _, v := range net.Vpcs {
		if v.DhcpOptionsId == "" {
			v.DhcpOptionsId, changed = net.DefaultDhcpOptionsId, true
		}
	}
	if changed {
		put(networkKey(r.Name), net)
	}
}

// amazonSet is a set as EC2 makes it for a region: its domain and
// Amazon's DNS.
func amazonSet(id, region string) *DhcpSet {
	return &DhcpSet{DhcpOptionsId: id, Options: []DhcpOpt{{Key: "domain-name", Values: []string{amazonDomain(region)}},
		{Key: "domain-name-servers", Values: []string{"AmazonProvidedDNS"}}}}
}

// newVpcDhcp is the set a new VPC gets: the region's Amazon set, made
// anew in tx when it was deleted (no VPC may point at a set that is gone).
func (s *Service) newVpcDhcp(tx *state.Tx) string {
	net := s.book(tx.Region()).net
	if state.Get(tx, DhcpSets, net.DefaultDhcpOptionsId) != nil {
		return net.DefaultDhcpOptionsId
	}
	d := amazonSet(tx.Region().NewID("dopt"), tx.Region().Name)
	state.Put(tx, DhcpSets, d)
	old := net.DefaultDhcpOptionsId
	net.DefaultDhcpOptionsId = d.DhcpOptionsId
	tx.OnRollback(func() { net.DefaultDhcpOptionsId = old })
	return d.DhcpOptionsId
}

// dhcpView is a set as DescribeDhcpOptions shows it.
func dhcpView(d *DhcpSet) *ec2.DhcpOptions {
	out := &ec2.DhcpOptions{DhcpOptionsId: d.DhcpOptionsId, OwnerId: ec2.OwnerID, Tags: d.Tags, DhcpConfigurations: []ec2.DhcpConfiguration{}}
	for _, o := range d.Options {
		c := ec2.DhcpConfiguration{Key: o.Key}
		for _, v := range o.Values {
			c.Values = append(c.Values, ec2.AttributeValue{Value: v})
		}
		out.DhcpConfigurations = append(out.DhcpConfigurations, c)
	}
	return out
}

// checkDhcpOption checks one option as EC2 does.
func checkDhcpOption(o ec2.NewDhcpConfiguration) error {
	bad := func() error {
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%v) for parameter value is invalid for option %s.", o.Values, o.Key)
	}
	ips := func(allowAmazon bool) error {
		if len(o.Values) == 0 || len(o.Values) > 4 {
			return bad()
		}
		for _, v := range o.Values {
			if _, err := netip.ParseAddr(v); err != nil && !(allowAmazon && v == "AmazonProvidedDNS") {
				return bad()
			}
		}
		return nil
	}
	switch o.Key {
	case "domain-name-servers":
		return ips(true)
	case "ntp-servers", "netbios-name-servers":
		return ips(false)
	case "domain-name":
		if len(o.Values) != 1 || !dhcpDomains(o.Values[0]) {
			return bad()
		}
	case "netbios-node-type":
		if len(o.Values) != 1 || !slices.Contains([]string{"1", "2", "4", "8"}, o.Values[0]) {
			return bad()
		}
	case "ipv6-address-preferred-lease-time":
		n, err := strconv.Atoi(firstOf(o.Values))
		if len(o.Values) != 1 || err != nil || n < 140 || n > 2147483647 {
			return bad()
		}
	default:
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter name is invalid. Unknown DHCP option", o.Key)
	}
	return nil
}

// dhcpDomainRe is one domain name, a single label allowed.
var dhcpDomainRe = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$`)

// dhcpDomains reports whether v is one or more domain names separated by
// spaces, as EC2 takes the domain-name option (a search list for guests
// that read it so).
func dhcpDomains(v string) bool {
	names := strings.Fields(v)
	if len(names) == 0 || len(v) > 255 {
		return false
	}
	for _, n := range names {
		if !dhcpDomainRe.MatchString(n) {
			return false
		}
	}
	return true
}

func firstOf(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// CreateDhcpOptions makes a DHCP options set.
func (s *Service) CreateDhcpOptions(ctx context.Context, region string, in *ec2.CreateDhcpOptionsInput) (*ec2.CreateDhcpOptionsOutput, error) {
	if len(in.DhcpConfigurations) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter dhcpConfiguration")
	}
	d := &DhcpSet{}
	seen := map[string]bool{}
	for _, o := range in.DhcpConfigurations {
		if err := checkDhcpOption(o); err != nil {
			return nil, err
		}
		if seen[o.Key] {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The DHCP option %s is given twice.", o.Key)
		}
		seen[o.Key] = true
		d.Options = append(d.Options, DhcpOpt{Key: o.Key, Values: o.Values})
	}
	tags, err := tagging.FromSpecs(in.TagSpecifications, "dhcp-options")
	if err != nil {
		return nil, err
	}
	var out *ec2.CreateDhcpOptionsOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		d.DhcpOptionsId, d.Tags = tx.Region().NewID("dopt"), tags
		state.Put(tx, DhcpSets, d)
		out = &ec2.CreateDhcpOptionsOutput{DhcpOptions: dhcpView(d)}
		return nil
	})
	return out, err
}

// dhcpFor is a set by ID or EC2's error.
func dhcpFor(rd state.Reader, id string) (*DhcpSet, error) {
	if d := state.Get(rd, DhcpSets, id); d != nil {
		return d, nil
	}
	if !ec2.ValidID("dopt", id) {
		return nil, ec2.MalformedID(ec2.CodeInvalidDhcpOptionsIdMalformed, "dopt", id)
	}
	return nil, ec2.Errorf(ec2.CodeInvalidDhcpOptionIDNotFound, "The dhcpOption ID '%s' does not exist", id)
}

// AssociateDhcpOptions gives a VPC a set, or none ("default").
func (s *Service) AssociateDhcpOptions(ctx context.Context, region string, in *ec2.AssociateDhcpOptionsInput) (*ec2.Empty, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		if in.DhcpOptionsId != "default" {
			if _, err := dhcpFor(tx, in.DhcpOptionsId); err != nil {
				return err
			}
		}
		if _, err := s.vpcFor(tx, in.VpcId); err != nil {
			return err
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		_, err := s.changeVpc(tx, in.VpcId, func(v *netw.Vpc) error { v.DhcpOptionsId = in.DhcpOptionsId; return nil })
		return err
	})
	return empty(err)
}

// DeleteDhcpOptions deletes a set no VPC uses.
func (s *Service) DeleteDhcpOptions(ctx context.Context, region string, in *ec2.DhcpOptionsIdInput) (*ec2.Empty, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		d, err := dhcpFor(tx, in.DhcpOptionsId)
		if err != nil {
			return err
		}
		for _, v := range s.book(tx.Region()).net.Vpcs {
			if v.DhcpOptionsId == d.DhcpOptionsId {
				return ec2.Errorf(ec2.CodeDependencyViolation, "The dhcpOptions '%s' has dependencies and cannot be deleted.", d.DhcpOptionsId)
			}
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		state.Delete(tx, DhcpSets, d.DhcpOptionsId)
		return nil
	})
	return empty(err)
}

var dhcpSpec = &describe.Spec[*ec2.DhcpOptions]{
	Fields: []describe.Field[*ec2.DhcpOptions]{
		{Name: "dhcp-options-id", Value: func(d *ec2.DhcpOptions) string { return d.DhcpOptionsId }},
		{Name: "owner-id", Value: func(d *ec2.DhcpOptions) string { return d.OwnerId }},
		{Name: "key", Values: func(d *ec2.DhcpOptions) []string {
			return each(d.DhcpConfigurations, func(c ec2.DhcpConfiguration) string { return c.Key })
		}},
		{Name: "value", Values: func(d *ec2.DhcpOptions) []string {
			var out []string
			for _, c := range d.DhcpConfigurations {
				out = append(out, each(c.Values, func(v ec2.AttributeValue) string { return v.Value })...)
			}
			return out
		}},
	},
	Tags:   func(d *ec2.DhcpOptions) []ec2.Tag { return d.Tags },
	Key:    func(k *describe.Key, d *ec2.DhcpOptions) { k.Str(d.DhcpOptionsId) },
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "DhcpOptionsIds"},
}

// DescribeDhcpOptions lists DHCP options sets.
func (s *Service) DescribeDhcpOptions(ctx context.Context, region string, in *ec2.DescribeDhcpOptionsInput) (*ec2.DescribeDhcpOptionsOutput, error) {
	q := describe.Query{Filters: in.Filters, IDs: in.DhcpOptionsIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeDhcpOptions"}
	out, next, err := state.Describe(s.rt, region, dhcpSpec, q, func(r *state.Region) ([]*ec2.DhcpOptions, error) {
		for _, id := range in.DhcpOptionsIds {
			if _, err := dhcpFor(r, id); err != nil {
				return nil, err
			}
		}
		var views []*ec2.DhcpOptions
		state.Each(r, DhcpSets, func(d *DhcpSet) bool {
			if len(in.DhcpOptionsIds) == 0 || contains(in.DhcpOptionsIds, d.DhcpOptionsId) {
				views = append(views, dhcpView(d))
			}
			return true
		})
		return views, dryRun(in.DryRun)
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeDhcpOptionsOutput{DhcpOptions: out, NextToken: next}, nil
}

// dhcpTags is the taggable kind of DHCP options sets.
func (s *Service) dhcpTags() tagging.Kind {
	return tagging.Kind{Prefix: "dopt-", Type: "dhcp-options",
		List: tagging.Lister(DhcpSets, func(d *DhcpSet) string { return d.DhcpOptionsId }, func(d *DhcpSet) []ec2.Tag { return d.Tags }),
		Retag: func(tx *state.Tx, id string, f tagging.Retag) error {
			d, err := dhcpFor(tx, id)
			if err != nil {
				return err
			}
			n := *d
			if n.Tags, err = f(d.Tags); err != nil {
				return err
			}
			state.Put(tx, DhcpSets, &n)
			return nil
		}}
}
