package network

import (
	"net/netip"
	"slices"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/hv"
)

// ENI is a network interface as the service keeps it. An instance's
// interfaces are ENIs like any other; device 0 is made at launch and
// deleted with the instance. Copy on write.
type ENI struct {
	NetworkInterfaceId  string    `json:"NetworkInterfaceId"`
	SubnetId            string    `json:"SubnetId"`
	Description         string    `json:"Description,omitempty"`
	MacAddress          string    `json:"MacAddress"`
	Addrs               []Addr    `json:"Addresses"` // [0] is the primary private IP
	Groups              []string  `json:"Groups"`
	InstanceId          string    `json:"InstanceId,omitempty"`
	AttachmentId        string    `json:"AttachmentId,omitempty"`
	DeviceIndex         int       `json:"DeviceIndex,omitempty"`
	AttachTime          time.Time `json:"AttachTime,omitzero"`
	DeleteOnTermination bool      `json:"DeleteOnTermination,omitempty"`
	// NoSourceDestCheck is EC2's SourceDestCheck turned off (on by
	// default, so records written before it keep it on).
	NoSourceDestCheck bool `json:"NoSourceDestCheck,omitempty"`
	// NoAutoPublic keeps a primary interface from getting a public IP
	// from the pool (a launch that asked for none, or gave several
	// interfaces or an existing one).
	NoAutoPublic bool      `json:"NoAutoPublic,omitempty"`
	Tags         []ec2.Tag `json:"Tags,omitempty"`
	ClientToken  string    `json:"ClientToken,omitempty"`
}

// Addr is one private IP of an interface and its public side, if any: an
// Elastic IP (AllocationId set) or an address from the region's pool that
// the instance holds while it runs (AllocationId empty).
type Addr struct {
	Private       string `json:"Private"`
	Public        string `json:"Public,omitempty"`
	AllocationId  string `json:"AllocationId,omitempty"`
	AssociationId string `json:"AssociationId,omitempty"`
}

// Auto reports whether the public IP came from the pool, not an Elastic IP.
func (a Addr) Auto() bool { return a.Public != "" && a.AllocationId == "" }

// Clone returns a copy whose address list may be changed.
func (e *ENI) Clone() *ENI {
	n := *e
	n.Addrs = append([]Addr(nil), e.Addrs...)
	return &n
}

// Status is EC2's interface status.
func (e *ENI) Status() string {
	if e.InstanceId != "" {
		return "in-use"
	}
	return "available"
}

// AddrIndex returns the index of a private IP, or -1.
func (e *ENI) AddrIndex(private string) int {
	for i, a := range e.Addrs {
		if a.Private == private {
			return i
		}
	}
	return -1
}

// Address is an Elastic IP allocation. Its association lives on the
// interface address it points at; the allocation keeps a copy of where, so
// both sides can be found from either.
type Address struct {
	AllocationId       string    `json:"AllocationId"`
	PublicIp           string    `json:"PublicIp"`
	AssociationId      string    `json:"AssociationId,omitempty"`
	NetworkInterfaceId string    `json:"NetworkInterfaceId,omitempty"`
	PrivateIpAddress   string    `json:"PrivateIpAddress,omitempty"`
	AllocationTime     time.Time `json:"AllocationTime"`
	Tags               []ec2.Tag `json:"Tags,omitempty"`
	// PtrRecord is the reverse DNS name set by ModifyAddressAttribute.
	PtrRecord string `json:"PtrRecord,omitempty"`
}

// Group is a security group.
type Group struct {
	GroupId       string             `json:"GroupId"`
	GroupName     string             `json:"GroupName"`
	Description   string             `json:"Description"`
	VpcId         string             `json:"VpcId"`
	IpPermissions []ec2.IpPermission `json:"IpPermissions"`
	// IpPermissionsEgress is the outbound rules once changed; nil is the
	// rule every group starts with, all traffic to anywhere.
	IpPermissionsEgress *[]ec2.IpPermission `json:"IpPermissionsEgress,omitempty"`
	Tags                []ec2.Tag           `json:"Tags,omitempty"`
	// Rules are the IDs (and tags) of the group's rules, by rule key. A
	// rule without one (a group written before rules had IDs, or made
	// elsewhere) has the ID derived from its group and key, which is
	// stored the first time the group is written.
	Rules []RuleID `json:"RuleIds,omitempty"`
	// VpcAssociations are the other VPCs the group is associated with.
	VpcAssociations []string `json:"VpcAssociations,omitempty"`
}

// RuleID is the identity of one rule of a group.
type RuleID struct {
	ID     string    `json:"Id"`
	Egress bool      `json:"Egress,omitempty"`
	Key    string    `json:"Key"`
	Tags   []ec2.Tag `json:"Tags,omitempty"`
}

// egress is a group's outbound rules.
func (g *Group) egress() []ec2.IpPermission {
	if g.IpPermissionsEgress == nil {
		return []ec2.IpPermission{{IpProtocol: "-1", IpRanges: []ec2.IpRange{{CidrIp: "0.0.0.0/0"}}}}
	}
	return *g.IpPermissionsEgress
}

// The tables of networking records: eni/<region>/<eni-id>,
// eip/<region>/<eipalloc-id>, sg/<region>/<sg-id>.
var (
	Interfaces = state.Table[ENI]{Kind: "eni", ID: func(e *ENI) string { return e.NetworkInterfaceId }}
	Addresses  = state.Table[Address]{Kind: "eip", ID: func(a *Address) string { return a.AllocationId }}
	Groups     = state.Table[Group]{Kind: "sg", ID: func(g *Group) string { return g.GroupId }}
)

// Interface returns an interface (nil: none).
func Interface(rd state.Reader, id string) *ENI { return state.Get(rd, Interfaces, id) }

// PutInterface writes an interface in tx.
func PutInterface(tx *state.Tx, e *ENI) { state.Put(tx, Interfaces, e) }

// defaultGroup is the default security group of a VPC: as in EC2, it admits
// all traffic from its own members and nothing else.
func defaultGroup(id, vpc string) *Group {
	return &Group{GroupId: id, GroupName: "default", Description: "default VPC security group", VpcId: vpc,
		IpPermissions: []ec2.IpPermission{{IpProtocol: "-1", IpRanges: []ec2.IpRange{}, UserIdGroupPairs: []ec2.UserIdGroupPair{{GroupId: id, UserId: ec2.OwnerID}}}}}
}

// GroupView names an interface's groups.
func GroupView(rd state.Reader, ids []string) []ec2.GroupIdentifier {
	out := make([]ec2.GroupIdentifier, 0, len(ids))
	for _, id := range ids {
		name := ""
		if g := state.Get(rd, Groups, id); g != nil {
			name = g.GroupName
		}
		out = append(out, ec2.GroupIdentifier{GroupId: id, GroupName: name})
	}
	return out
}

// addrView is the API form of an interface's addresses.
func addrView(e *ENI) ([]ec2.PrivateIP, *ec2.IPAssociation) {
	out := make([]ec2.PrivateIP, len(e.Addrs))
	var primary *ec2.IPAssociation
	for i, a := range e.Addrs {
		out[i] = ec2.PrivateIP{PrivateIpAddress: a.Private, Primary: i == 0}
		if a.Public != "" {
			as := &ec2.IPAssociation{PublicIp: a.Public, IpOwnerId: "amazon", AllocationId: a.AllocationId, AssociationId: a.AssociationId}
			if a.AllocationId != "" {
				as.IpOwnerId = ec2.OwnerID
			}
			out[i].Association = as
			if i == 0 {
				primary = as
			}
		}
	}
	return out, primary
}

// InstanceInterface is an interface as DescribeInstances nests it.
func (s *Service) InstanceInterface(rd state.Reader, e *ENI) ec2.InstanceNetworkInterface {
	addrs, assoc := addrView(e)
	return ec2.InstanceNetworkInterface{
		NetworkInterfaceId: e.NetworkInterfaceId, SubnetId: e.SubnetId, VpcId: s.SubnetVpc(rd, e.SubnetId), MacAddress: e.MacAddress,
		PrivateIpAddress: e.Addrs[0].Private, PrivateIpAddresses: addrs, Association: assoc,
		Attachment: ec2.Attachment{AttachmentId: e.AttachmentId, DeviceIndex: e.DeviceIndex, Status: "attached",
			AttachTime: e.AttachTime, DeleteOnTermination: e.DeleteOnTermination},
		Groups: GroupView(rd, e.Groups), Status: e.Status(), Description: e.Description,
	}
}

// view is an interface as DescribeNetworkInterfaces shows it.
func (s *Service) view(rd state.Reader, e *ENI) ec2.NetworkInterface {
	addrs, assoc := addrView(e)
	ni := ec2.NetworkInterface{
		NetworkInterfaceId: e.NetworkInterfaceId, SubnetId: e.SubnetId, VpcId: s.SubnetVpc(rd, e.SubnetId), AvailabilityZone: s.ZoneOf(rd, e.SubnetId),
		Description: e.Description, InterfaceType: "interface", MacAddress: e.MacAddress, OwnerId: ec2.OwnerID,
		PrivateIpAddress: e.Addrs[0].Private, PrivateIpAddresses: addrs, Association: assoc,
		Groups: GroupView(rd, e.Groups), Status: e.Status(), SourceDestCheck: !e.NoSourceDestCheck, TagSet: e.Tags,
	}
	if ni.TagSet == nil {
		ni.TagSet = []ec2.Tag{}
	}
	if e.InstanceId != "" {
		ni.Attachment = &ec2.NetworkInterfaceAttach{AttachmentId: e.AttachmentId, InstanceId: e.InstanceId, InstanceOwnerId: ec2.OwnerID,
			DeviceIndex: e.DeviceIndex, Status: "attached", AttachTime: e.AttachTime, DeleteOnTermination: e.DeleteOnTermination}
	}
	return ni
}

// NIC is the driver's view of an interface.
func (s *Service) NIC(rd state.Reader, e *ENI) hv.NIC {
	n := hv.NIC{ID: e.NetworkInterfaceId, DeviceIndex: e.DeviceIndex, MAC: e.MacAddress, PrivateIP: e.Addrs[0].Private, PublicIP: e.Addrs[0].Public}
	if sub := s.SubnetByID(rd, e.SubnetId); sub != nil {
		n.PrefixLen, n.VpcID, n.Subnet = sub.Cidr.Bits(), sub.VpcId, sub.Cidr
	}
	for _, a := range e.Addrs[1:] {
		n.SecondaryIP = append(n.SecondaryIP, a.Private)
	}
	return n
}

// PortRule admits a protocol's ports From..To from the sources.
type PortRule struct {
	From, To int
	Sources  []netip.Prefix
}

// PortRules are the ingress rules of groups for one protocol, "tcp" or
// "udp" (rules for all protocols included). A rule naming a prefix list
// admits the list's current CIDRs; one naming a group admits only the
// private addresses of the group's members, so it never opens a port to
// traffic from outside the VPC.
func PortRules(rd state.Reader, groups []string, proto string) []PortRule {
	var out []PortRule
	for _, id := range groups {
		g := state.Get(rd, Groups, id)
		if g == nil {
			continue
		}
		for _, r := range flatten(g.IpPermissions) {
			if r.proto != proto && r.proto != "-1" {
				continue
			}
			from, to := 0, 65535
			if r.proto == proto {
				from, to = r.from, r.to
			}
			srcs := peersOf(rd, r.source)
			if len(srcs) == 0 {
				continue
			}
			if n := len(out); n > 0 && out[n-1].From == from && out[n-1].To == to {
				out[n-1].Sources = append(out[n-1].Sources, srcs...)
				continue
			}
			out = append(out, PortRule{From: from, To: to, Sources: srcs})
		}
	}
	return out
}

// memberAddrs are the private addresses of the interfaces in a group.
func memberAddrs(rd state.Reader, group string) []netip.Prefix {
	var out []netip.Prefix
	state.Each(rd, Interfaces, func(e *ENI) bool {
		if slices.Contains(e.Groups, group) {
			for _, a := range e.Addrs {
				if ip, err := netip.ParseAddr(a.Private); err == nil {
					out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
				}
			}
		}
		return true
	})
	return out
}
