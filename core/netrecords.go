package core

import (
	"net/netip"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// eniRecord is a network interface as the service keeps it. An instance's
// interfaces are eniRecords like any other; device 0 is made at launch and
// deleted with the instance. Copy on write, like instRecord.
type eniRecord struct {
	NetworkInterfaceId  string    `json:"NetworkInterfaceId"`
	SubnetId            string    `json:"SubnetId"`
	Description         string    `json:"Description,omitempty"`
	MacAddress          string    `json:"MacAddress"`
	Addrs               []eniAddr `json:"Addresses"` // [0] is the primary private IP
	Groups              []string  `json:"Groups"`
	InstanceId          string    `json:"InstanceId,omitempty"`
	AttachmentId        string    `json:"AttachmentId,omitempty"`
	DeviceIndex         int       `json:"DeviceIndex,omitempty"`
	AttachTime          time.Time `json:"AttachTime,omitzero"`
	DeleteOnTermination bool      `json:"DeleteOnTermination,omitempty"`
	Tags                []ec2.Tag `json:"Tags,omitempty"`
	ClientToken         string    `json:"ClientToken,omitempty"`
}

// eniAddr is one private IP of an interface and its public side, if any:
// an Elastic IP (AllocationId set) or an address from the region's pool
// that the instance holds while it runs (AllocationId empty).
type eniAddr struct {
	Private       string `json:"Private"`
	Public        string `json:"Public,omitempty"`
	AllocationId  string `json:"AllocationId,omitempty"`
	AssociationId string `json:"AssociationId,omitempty"`
}

// auto reports whether the public IP came from the pool, not an Elastic IP.
func (a eniAddr) auto() bool { return a.Public != "" && a.AllocationId == "" }

// clone returns a copy whose address list may be changed.
func (e *eniRecord) clone() *eniRecord {
	n := *e
	n.Addrs = append([]eniAddr(nil), e.Addrs...)
	return &n
}

// status is EC2's interface status.
func (e *eniRecord) status() string {
	if e.InstanceId != "" {
		return "in-use"
	}
	return "available"
}

// addrIndex returns the index of a private IP, or -1.
func (e *eniRecord) addrIndex(private string) int {
	for i, a := range e.Addrs {
		if a.Private == private {
			return i
		}
	}
	return -1
}

// eipRecord is an Elastic IP allocation. Its association lives on the
// interface address it points at; the allocation keeps a copy of where, so
// both sides can be found from either.
type eipRecord struct {
	AllocationId       string    `json:"AllocationId"`
	PublicIp           string    `json:"PublicIp"`
	AssociationId      string    `json:"AssociationId,omitempty"`
	NetworkInterfaceId string    `json:"NetworkInterfaceId,omitempty"`
	PrivateIpAddress   string    `json:"PrivateIpAddress,omitempty"`
	AllocationTime     time.Time `json:"AllocationTime"`
	Tags               []ec2.Tag `json:"Tags,omitempty"`
}

// sgRecord is a security group.
type sgRecord struct {
	GroupId       string             `json:"GroupId"`
	GroupName     string             `json:"GroupName"`
	Description   string             `json:"Description"`
	VpcId         string             `json:"VpcId"`
	IpPermissions []ec2.IpPermission `json:"IpPermissions"`
	Tags          []ec2.Tag          `json:"Tags,omitempty"`
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

// defaultGroup is the default security group of a VPC: as in EC2, it admits
// all traffic from its own members and nothing else.
func defaultGroup(id, vpc string) *sgRecord {
	return &sgRecord{GroupId: id, GroupName: "default", Description: "default VPC security group", VpcId: vpc,
		IpPermissions: []ec2.IpPermission{{IpProtocol: "-1", IpRanges: []ec2.IpRange{}, UserIdGroupPairs: []ec2.UserIdGroupPair{{GroupId: id, UserId: ec2.OwnerID}}}}}
}
