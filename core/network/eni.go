package network

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/netw"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// MaxAddrsPerInterface bounds an interface with no instance yet; attaching
// checks the instance type's own limit.
const MaxAddrsPerInterface = 50

// lookupENI finds an interface by ID, as EC2 reports a bad one.
func lookupENI(rd state.Reader, id string) (*ENI, error) {
	if !ec2.ValidID("eni", id) {
		return nil, ec2.MalformedID(ec2.CodeInvalidNetworkInterfaceIDMalformed, "eni", id)
	}
	e := Interface(rd, id)
	if e == nil {
		return nil, ec2.Errorf(ec2.CodeInvalidNetworkInterfaceIDNotFound, "The networkInterface ID '%s' does not exist", id)
	}
	return e, nil
}

// CreateNetworkInterface makes an available interface in a subnet.
func (s *Service) CreateNetworkInterface(ctx context.Context, region string, in *ec2.CreateNetworkInterfaceInput) (*ec2.CreateNetworkInterfaceOutput, error) {
	tags, err := tagging.FromSpecs(in.TagSpecifications, "network-interface")
	if err != nil {
		return nil, err
	}
	if in.SecondaryPrivateIpAddressCount < 0 || len(in.PrivateIpAddresses)+in.SecondaryPrivateIpAddressCount+1 > MaxAddrsPerInterface {
		return nil, ec2.Errorf(ec2.CodePrivateIpAddressLimitExceeded, "Number of private addresses exceeds the limit of %d for an interface.", MaxAddrsPerInterface)
	}
	if len(in.Description) > 255 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Description is limited to 255 characters")
	}
	if len(in.ClientToken) > 64 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The client token must be at most 64 ASCII characters.")
	}
	var out *ec2.CreateNetworkInterfaceOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		if in.ClientToken != "" {
			var done *ENI
			state.Each(tx, Interfaces, func(e *ENI) bool {
				if e.ClientToken == in.ClientToken {
					done = e
					return false
				}
				return true
			})
			if done != nil {
				out = &ec2.CreateNetworkInterfaceOutput{NetworkInterface: s.view(tx, done), ClientToken: in.ClientToken}
				return dryRun(in.DryRun)
			}
		}
		sub, err := s.subnetFor(tx, in.SubnetId, in.AvailabilityZone)
		if err != nil {
			return err
		}
		_, groups, err := s.ResolveGroups(tx, in.Groups, nil)
		if err != nil {
			return err
		}
		if groups, err = s.GroupsForSubnet(tx, sub, len(in.Groups) > 0, groups); err != nil {
			return err
		}
		e := &ENI{NetworkInterfaceId: tx.Region().NewID("eni"), SubnetId: sub.SubnetId, Description: in.Description,
			MacAddress: NewMAC(tx), Groups: groups, Tags: tags, ClientToken: in.ClientToken}
		want := append([]string{in.PrivateIpAddress}, in.PrivateIpAddresses...)
		for i := 0; i < in.SecondaryPrivateIpAddressCount; i++ {
			want = append(want, "")
		}
		for _, w := range want {
			ip, err := s.ClaimPrivate(tx, sub.SubnetId, w)
			if err != nil {
				return err
			}
			e.Addrs = append(e.Addrs, Addr{Private: ip})
		}
		PutInterface(tx, e)
		out = &ec2.CreateNetworkInterfaceOutput{NetworkInterface: s.view(tx, e), ClientToken: in.ClientToken}
		return dryRun(in.DryRun)
	})
	return out, err
}

// subnetFor is a subnet by ID, or the default subnet of a zone.
func (s *Service) subnetFor(rd state.Reader, subnetID, zone string) (*netw.Subnet, error) {
	switch {
	case subnetID != "" && zone != "":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Give a subnet or a zone, not both")
	case subnetID != "":
		if sub := s.SubnetByID(rd, subnetID); sub != nil {
			return sub, nil
		}
		return nil, SubnetNotFound(subnetID)
	case zone != "":
		if sub := s.SubnetByZone(rd, zone); sub != nil {
			return sub, nil
		}
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid availability zone: [%s]", zone)
	}
	return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter SubnetId")
}

// eniSpec is DescribeNetworkInterfaces' filters and order (by ID).
var eniSpec = &describe.Spec[*ec2.NetworkInterface]{
	Fields: []describe.Field[*ec2.NetworkInterface]{
		{Name: "network-interface-id", Value: func(ni *ec2.NetworkInterface) string { return ni.NetworkInterfaceId }},
		{Name: "subnet-id", Value: func(ni *ec2.NetworkInterface) string { return ni.SubnetId }},
		{Name: "vpc-id", Value: func(ni *ec2.NetworkInterface) string { return ni.VpcId }},
		{Name: "availability-zone", Value: func(ni *ec2.NetworkInterface) string { return ni.AvailabilityZone }},
		{Name: "status", Value: func(ni *ec2.NetworkInterface) string { return ni.Status }},
		{Name: "description", Value: func(ni *ec2.NetworkInterface) string { return ni.Description }},
		{Name: "mac-address", Value: func(ni *ec2.NetworkInterface) string { return ni.MacAddress }},
		{Name: "interface-type", Value: func(ni *ec2.NetworkInterface) string { return ni.InterfaceType }},
		{Name: "owner-id", Value: func(ni *ec2.NetworkInterface) string { return ni.OwnerId }},
		{Name: "private-ip-address", Values: privateIPs},
		{Name: "association.public-ip", Values: assocField(func(a *ec2.IPAssociation) string { return a.PublicIp })},
		{Name: "attachment.instance-id", Values: attachField(func(a *ec2.NetworkInterfaceAttach) string { return a.InstanceId })},
		{Name: "attachment.attachment-id", Values: attachField(func(a *ec2.NetworkInterfaceAttach) string { return a.AttachmentId })},
		{Name: "attachment.device-index", Values: attachField(func(a *ec2.NetworkInterfaceAttach) string { return strconv.Itoa(a.DeviceIndex) })},
		{Name: "attachment.attach-time", Values: attachField(func(a *ec2.NetworkInterfaceAttach) string { return a.AttachTime.UTC().Format(time.RFC3339) })},
		{Name: "attachment.delete-on-termination", Values: attachField(func(a *ec2.NetworkInterfaceAttach) string { return strconv.FormatBool(a.DeleteOnTermination) })},
		{Name: "attachment.instance-owner-id", Values: attachField(func(a *ec2.NetworkInterfaceAttach) string { return a.InstanceOwnerId })},
		{Name: "attachment.status", Values: attachField(func(a *ec2.NetworkInterfaceAttach) string { return a.Status })},
		{Name: "association.allocation-id", Values: assocField(func(a *ec2.IPAssociation) string { return a.AllocationId })},
		{Name: "association.association-id", Values: assocField(func(a *ec2.IPAssociation) string { return a.AssociationId })},
		{Name: "association.ip-owner-id", Values: assocField(func(a *ec2.IPAssociation) string { return a.IpOwnerId })},
		{Name: "addresses.private-ip-address", Values: privateIPs},
		// addresses.primary is true or false for each address, so "false"
		// matches interfaces with a secondary address.
		{Name: "addresses.primary", Values: func(ni *ec2.NetworkInterface) []string {
			out := make([]string, len(ni.PrivateIpAddresses))
			for i, p := range ni.PrivateIpAddresses {
				out[i] = strconv.FormatBool(p.Primary)
			}
			return out
		}},
		{Name: "addresses.association.public-ip", Values: assocField(func(a *ec2.IPAssociation) string { return a.PublicIp })},
		{Name: "addresses.association.owner-id", Values: assocField(func(a *ec2.IPAssociation) string { return a.IpOwnerId })},
		{Name: "requester-managed", Value: func(ni *ec2.NetworkInterface) string { return "false" }},
		{Name: "source-dest-check", Value: func(ni *ec2.NetworkInterface) string { return strconv.FormatBool(ni.SourceDestCheck) }},
		{Name: "group-id", Values: func(ni *ec2.NetworkInterface) []string {
			out := make([]string, len(ni.Groups))
			for i, g := range ni.Groups {
				out[i] = g.GroupId
			}
			return out
		}},
		{Name: "group-name", Values: func(ni *ec2.NetworkInterface) []string {
			out := make([]string, len(ni.Groups))
			for i, g := range ni.Groups {
				out[i] = g.GroupName
			}
			return out
		}},
	},
	Tags:   func(ni *ec2.NetworkInterface) []ec2.Tag { return ni.TagSet },
	Key:    func(k *describe.Key, ni *ec2.NetworkInterface) { k.Str(ni.NetworkInterfaceId) },
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "NetworkInterfaceIds"},
}

// privateIPs is an interface's private addresses.
func privateIPs(ni *ec2.NetworkInterface) []string {
	out := make([]string, len(ni.PrivateIpAddresses))
	for i, p := range ni.PrivateIpAddresses {
		out[i] = p.PrivateIpAddress
	}
	return out
}

// attachField reads a field of an interface's attachment: none when detached.
func attachField(read func(*ec2.NetworkInterfaceAttach) string) func(*ec2.NetworkInterface) []string {
	return func(ni *ec2.NetworkInterface) []string {
		if ni.Attachment == nil {
			return nil
		}
		return one(read(ni.Attachment))
	}
}

// assocField reads a field of each public association of an interface's
// addresses.
func assocField(read func(*ec2.IPAssociation) string) func(*ec2.NetworkInterface) []string {
	return func(ni *ec2.NetworkInterface) []string {
		var out []string
		for _, p := range ni.PrivateIpAddresses {
			if p.Association != nil {
				out = append(out, read(p.Association))
			}
		}
		return out
	}
}

// DescribeNetworkInterfaces lists interfaces by ID and filters.
func (s *Service) DescribeNetworkInterfaces(ctx context.Context, region string, in *ec2.DescribeNetworkInterfacesInput) (*ec2.DescribeNetworkInterfacesOutput, error) {
	q := describe.Query{Filters: in.Filters, IDs: in.NetworkInterfaceIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeNetworkInterfaces"}
	out, next, err := state.Describe(s.rt, region, eniSpec, q, func(r *state.Region) ([]*ec2.NetworkInterface, error) {
		recs, err := state.Gather(r, Interfaces, in.NetworkInterfaceIds, func(r *state.Region, id string) (*ENI, error) { return lookupENI(r, id) })
		views := make([]*ec2.NetworkInterface, len(recs))
		for i, e := range recs {
			v := s.view(r, e)
			views[i] = &v
		}
		return views, err
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeNetworkInterfacesOutput{NetworkInterfaces: out, NextToken: next}, nil
}

// interfaceTags is the taggable kind of interfaces (eni-; an attachment
// ID is not taggable).
func (s *Service) interfaceTags() tagging.Kind {
	return tagging.Kind{Prefix: "eni-", Type: "network-interface",
		List: tagging.Lister(Interfaces, func(e *ENI) string { return e.NetworkInterfaceId }, func(e *ENI) []ec2.Tag { return e.Tags }),
		Retag: func(tx *state.Tx, id string, f tagging.Retag) error {
			if strings.HasPrefix(id, "eni-attach-") {
				return ec2.Errorf(ec2.CodeInvalidID, "The ID '%s' is not valid", id)
			}
			e, err := lookupENI(tx, id)
			if err != nil {
				return err
			}
			n := e.Clone()
			if n.Tags, err = f(e.Tags); err != nil {
				return err
			}
			PutInterface(tx, n)
			return nil
		}}
}

// Tags are networking's taggable kinds: interfaces, Elastic IPs, groups
// and their rules, prefix lists, VPCs, subnets, gateways, route tables,
// network ACLs and DHCP options sets.
func (s *Service) Tags() []tagging.Kind {
	return []tagging.Kind{s.interfaceTags(), s.addressTags(), s.groupTags(), s.ruleTags(), s.prefixListTags(), s.vpcTags(), s.subnetTags(),
		s.gatewayTags("igw-", "internet-gateway"), s.gatewayTags("eigw-", "egress-only-internet-gateway"), s.tableTags(), s.dhcpTags(), s.aclTags()}
}

// byDevice orders interface IDs by device index.
func byDevice(rd state.Reader, ids []string) []string {
	sort.SliceStable(ids, func(i, j int) bool { return Interface(rd, ids[i]).DeviceIndex < Interface(rd, ids[j]).DeviceIndex })
	return ids
}

// detached is e with its attachment cleared.
func detached(e *ENI) *ENI {
	n := e.Clone()
	n.InstanceId, n.AttachmentId, n.DeviceIndex, n.AttachTime, n.DeleteOnTermination = "", "", 0, time.Time{}, false
	return n
}
