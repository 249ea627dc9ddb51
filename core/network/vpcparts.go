package network

import "github.com/ec2x/ec2x/core/state"

// vpcParts are what a VPC carries besides its subnets and security
// groups: its route tables, network ACLs, internet gateways and DHCP
// options. VPCs and subnets tell them of their lifecycle through this, in
// the same transaction.
type vpcParts interface {
	// created makes a new VPC's parts (a default VPC's include an
	// attached internet gateway).
	created(tx *state.Tx, vpcID string, isDefault bool) error
	// blockers are the parts that keep the VPC from being deleted.
	blockers(rd state.Reader, vpcID string) []string
	// deleted removes the parts that go with the VPC.
	deleted(tx *state.Tx, vpcID string)
	// subnetDeleted drops a subnet's associations.
	subnetDeleted(tx *state.Tx, subnetID string)
	// ipv6Added lets IPv6 through the default ACL of a VPC given an IPv6
	// block, unless its rules were changed.
	ipv6Added(tx *state.Tx, vpcID string)
	// dhcpOptionsID is the VPC's DHCP options set ("" for none).
	dhcpOptionsID(rd state.Reader, vpcID string) string
}
