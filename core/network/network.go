// Package network is EC2's networking family: each region's default VPC
// and its subnets, private and public IPv4 addresses, Elastic IPs, network
// interfaces and security groups. It owns the records eni/, eip/, sg/ and
// net/ of every region, and the in-memory address books (netw) that say
// which addresses are taken.
//
// Instances attach to it: the instance family creates an instance's
// primary interface here, and networking reaches instances through the
// Instances interface the assembly gives it.
package network

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/netw"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/hv"
)

// Instances is what networking needs of the instance family.
type Instances interface {
	// Instance finds an instance for an attachment or an association,
	// failing as EC2 does for a malformed, unknown or expired ID.
	Instance(rd state.Reader, id string) (Instance, error)
	// SetInterfaces records an instance's interfaces after an attach or a
	// detach, by device index.
	SetInterfaces(tx *state.Tx, id string, enis []string)
	// Hotplug tells the instance's guest, once the change is durable,
	// that a NIC was attached or detached.
	Hotplug(tx *state.Tx, id string, nic hv.NIC, attach bool)
}

// Instance is networking's view of an instance.
type Instance struct {
	ID, State, Type, Zone string
	ENIs                  []string // by device index, [0] the primary
}

// Service serves the networking actions.
type Service struct {
	rt  *state.Runtime
	cfg *configs.Config
	// books are each region's address books, used under its lock.
	books map[string]*book
	inst  Instances
	// parts are what a VPC carries besides subnets and groups.
	parts vpcParts
}

// book is a region's address plane.
type book struct {
	net *netw.Region
	// defaultIDs is the default group's ID list, shared by every
	// interface that uses only it (one slice for a whole fleet).
	defaultIDs []string
}

// New returns the networking service; SetInstances completes it.
func New(rt *state.Runtime) *Service {
	s := &Service{rt: rt, cfg: rt.Config(), books: map[string]*book{}}
	s.parts = routeParts{s}
	return s
}

// SetInstances gives networking its way to instances.
func (s *Service) SetInstances(i Instances) { s.inst = i }

// Actions are EC2's networking actions.
func (s *Service) Actions() []actions.Def {
	return []actions.Def{
		actions.New("DescribeVpcs", actions.Public, s.DescribeVpcs),
		actions.New("CreateVpc", actions.Public, s.CreateVpc),
		actions.New("DeleteVpc", actions.Public, s.DeleteVpc),
		actions.New("CreateDefaultVpc", actions.Public, s.CreateDefaultVpc),
		actions.New("ModifyVpcAttribute", actions.Public, s.ModifyVpcAttribute),
		actions.New("DescribeVpcAttribute", actions.Public, s.DescribeVpcAttribute),
		actions.New("AssociateVpcCidrBlock", actions.Public, s.AssociateVpcCidrBlock),
		actions.New("DisassociateVpcCidrBlock", actions.Public, s.DisassociateVpcCidrBlock),
		actions.New("ModifyVpcTenancy", actions.Public, s.ModifyVpcTenancy),
		actions.New("CreateInternetGateway", actions.Public, s.CreateInternetGateway),
		actions.New("AttachInternetGateway", actions.Public, s.AttachInternetGateway),
		actions.New("DetachInternetGateway", actions.Public, s.DetachInternetGateway),
		actions.New("DeleteInternetGateway", actions.Public, s.DeleteInternetGateway),
		actions.New("DescribeInternetGateways", actions.Public, s.DescribeInternetGateways),
		actions.New("CreateEgressOnlyInternetGateway", actions.Public, s.CreateEgressOnlyInternetGateway),
		actions.New("DeleteEgressOnlyInternetGateway", actions.Public, s.DeleteEgressOnlyInternetGateway),
		actions.New("DescribeEgressOnlyInternetGateways", actions.Public, s.DescribeEgressOnlyInternetGateways),
		actions.New("CreateRouteTable", actions.Public, s.CreateRouteTable),
		actions.New("DeleteRouteTable", actions.Public, s.DeleteRouteTable),
		actions.New("DescribeRouteTables", actions.Public, s.DescribeRouteTables),
		actions.New("AssociateRouteTable", actions.Public, s.AssociateRouteTable),
		actions.New("DisassociateRouteTable", actions.Public, s.DisassociateRouteTable),
		actions.New("ReplaceRouteTableAssociation", actions.Public, s.ReplaceRouteTableAssociation),
		actions.New("CreateRoute", actions.Public, s.CreateRoute),
		actions.New("ReplaceRoute", actions.Public, s.ReplaceRoute),
		actions.New("DeleteRoute", actions.Public, s.DeleteRoute),
		actions.New("CreateDhcpOptions", actions.Public, s.CreateDhcpOptions),
		actions.New("AssociateDhcpOptions", actions.Public, s.AssociateDhcpOptions),
		actions.New("DeleteDhcpOptions", actions.Public, s.DeleteDhcpOptions),
		actions.New("DescribeDhcpOptions", actions.Public, s.DescribeDhcpOptions),
		actions.New("CreateNetworkAcl", actions.Public, s.CreateNetworkAcl),
		actions.New("DeleteNetworkAcl", actions.Public, s.DeleteNetworkAcl),
		actions.New("DescribeNetworkAcls", actions.Public, s.DescribeNetworkAcls),
		actions.New("CreateNetworkAclEntry", actions.Public, s.CreateNetworkAclEntry),
		actions.New("ReplaceNetworkAclEntry", actions.Public, s.ReplaceNetworkAclEntry),
		actions.New("DeleteNetworkAclEntry", actions.Public, s.DeleteNetworkAclEntry),
		actions.New("ReplaceNetworkAclAssociation", actions.Public, s.ReplaceNetworkAclAssociation),
		actions.New("DescribeSubnets", actions.Public, s.DescribeSubnets),
		actions.New("CreateSubnet", actions.Public, s.CreateSubnet),
		actions.New("DeleteSubnet", actions.Public, s.DeleteSubnet),
		actions.New("CreateDefaultSubnet", actions.Public, s.CreateDefaultSubnet),
		actions.New("ModifySubnetAttribute", actions.Public, s.ModifySubnetAttribute),
		actions.New("AssociateSubnetCidrBlock", actions.Public, s.AssociateSubnetCidrBlock),
		actions.New("DisassociateSubnetCidrBlock", actions.Public, s.DisassociateSubnetCidrBlock),
		actions.New("CreateSubnetCidrReservation", actions.Public, s.CreateSubnetCidrReservation),
		actions.New("DeleteSubnetCidrReservation", actions.Public, s.DeleteSubnetCidrReservation),
		actions.New("GetSubnetCidrReservations", actions.Public, s.GetSubnetCidrReservations),
		actions.New("AllocateAddress", actions.Public, s.AllocateAddress),
		actions.New("AssociateAddress", actions.Public, s.AssociateAddress),
		actions.New("DisassociateAddress", actions.Public, s.DisassociateAddress),
		actions.New("ReleaseAddress", actions.Public, s.ReleaseAddress),
		actions.New("DescribeAddresses", actions.Public, s.DescribeAddresses),
		actions.New("DescribeAddressesAttribute", actions.Public, s.DescribeAddressesAttribute),
		actions.New("ModifyAddressAttribute", actions.Public, s.ModifyAddressAttribute),
		actions.New("ResetAddressAttribute", actions.Public, s.ResetAddressAttribute),
		actions.New("DescribeAccountAttributes", actions.Public, s.DescribeAccountAttributes),
		actions.New("CreateNetworkInterface", actions.Public, s.CreateNetworkInterface),
		actions.New("DescribeNetworkInterfaces", actions.Public, s.DescribeNetworkInterfaces),
		actions.New("AttachNetworkInterface", actions.Public, s.AttachNetworkInterface),
		actions.New("DetachNetworkInterface", actions.Public, s.DetachNetworkInterface),
		actions.New("DeleteNetworkInterface", actions.Public, s.DeleteNetworkInterface),
		actions.New("ModifyNetworkInterfaceAttribute", actions.Public, s.ModifyNetworkInterfaceAttribute),
		actions.New("AssignPrivateIpAddresses", actions.Public, s.AssignPrivateIpAddresses),
		actions.New("UnassignPrivateIpAddresses", actions.Public, s.UnassignPrivateIpAddresses),
		actions.New("CreateSecurityGroup", actions.Public, s.CreateSecurityGroup),
		actions.New("DescribeSecurityGroups", actions.Public, s.DescribeSecurityGroups),
		actions.New("AuthorizeSecurityGroupIngress", actions.Public, s.AuthorizeSecurityGroupIngress),
		actions.New("RevokeSecurityGroupIngress", actions.Public, s.RevokeSecurityGroupIngress),
		actions.New("AuthorizeSecurityGroupEgress", actions.Public, s.AuthorizeSecurityGroupEgress),
		actions.New("RevokeSecurityGroupEgress", actions.Public, s.RevokeSecurityGroupEgress),
		actions.New("DeleteSecurityGroup", actions.Public, s.DeleteSecurityGroup),
		actions.New("DescribeSecurityGroupRules", actions.Public, s.DescribeSecurityGroupRules),
		actions.New("ModifySecurityGroupRules", actions.Public, s.ModifySecurityGroupRules),
		actions.New("UpdateSecurityGroupRuleDescriptionsIngress", actions.Public, s.UpdateSecurityGroupRuleDescriptionsIngress),
		actions.New("UpdateSecurityGroupRuleDescriptionsEgress", actions.Public, s.UpdateSecurityGroupRuleDescriptionsEgress),
		actions.New("DescribeSecurityGroupReferences", actions.Public, s.DescribeSecurityGroupReferences),
		actions.New("DescribeStaleSecurityGroups", actions.Public, s.DescribeStaleSecurityGroups),
		actions.New("GetSecurityGroupsForVpc", actions.Public, s.GetSecurityGroupsForVpc),
		actions.New("AssociateSecurityGroupVpc", actions.Public, s.AssociateSecurityGroupVpc),
		actions.New("DisassociateSecurityGroupVpc", actions.Public, s.DisassociateSecurityGroupVpc),
		actions.New("DescribeSecurityGroupVpcAssociations", actions.Public, s.DescribeSecurityGroupVpcAssociations),
		actions.New("ValidateSecurityGroupQuotasForInterface", actions.Public, s.ValidateSecurityGroupQuotasForInterface),
		actions.New("CreateManagedPrefixList", actions.Public, s.CreateManagedPrefixList),
		actions.New("ModifyManagedPrefixList", actions.Public, s.ModifyManagedPrefixList),
		actions.New("RestoreManagedPrefixListVersion", actions.Public, s.RestoreManagedPrefixListVersion),
		actions.New("DeleteManagedPrefixList", actions.Public, s.DeleteManagedPrefixList),
		actions.New("DescribeManagedPrefixLists", actions.Public, s.DescribeManagedPrefixLists),
		actions.New("DescribePrefixLists", actions.Public, s.DescribePrefixLists),
		actions.New("GetManagedPrefixListEntries", actions.Public, s.GetManagedPrefixListEntries),
		actions.New("GetManagedPrefixListAssociations", actions.Public, s.GetManagedPrefixListAssociations),
	}
}

// NetworkKey is net/<region>: a region's default VPC, subnets and group IDs.
func networkKey(region string) []byte { return store.Key("net", region) }

// Load reads every region's network, making a default VPC where there is
// none, then its interfaces, addresses and groups, and marks every address
// they hold as taken.
func (s *Service) Load(ctx context.Context) error {
	st := s.rt.Store()
	fresh := store.NewBatch()
	for _, r := range s.rt.Regions() {
		rc := r.Cfg
		pool := netip.MustParsePrefix(s.cfg.PoolOf(r.Name))
		var nr netw.Region
		err := st.Get(ctx, networkKey(r.Name), &nr)
		b := &book{}
		switch {
		case errors.Is(err, store.ErrNotFound):
			n, err := netw.NewRegion(r.Name, netip.MustParsePrefix(rc.VpcCidr), rc.SubnetPrefix, rc.Zones, pool, r.NewID)
			if err != nil {
				return err
			}
			b.net = n
			fresh.Put(networkKey(r.Name), n)
		case err != nil:
			return fmt.Errorf("load network of %s: %w", r.Name, err)
		default:
			if err := nr.Init(pool); err != nil {
				return err
			}
			b.net = &nr
		}
		s.books[r.Name] = b
		if err := s.loadRegion(ctx, r, b); err != nil {
			return err
		}
		s.ensureParts(r, fresh.Put)
		s.ensureDhcp(r, fresh.Put)
		s.ensureACL(r, fresh.Put)
		for _, v := range b.net.Vpcs {
			if state.Get(r, Groups, v.DefaultGroupId) == nil {
				g := defaultGroup(v.DefaultGroupId, v.VpcId)
				state.Seed(r, Groups, g)
				fresh.Put(store.Key(Groups.Kind, r.Name, g.GroupId), g)
			}
		}
		storeRuleIDs(r, fresh)
	}
	if err := st.Commit(ctx, fresh); err != nil {
		return fmt.Errorf("save networks: %w", err)
	}
	return nil
}

func (s *Service) loadRegion(ctx context.Context, r *state.Region, b *book) error {
	err := state.Load(ctx, r, Interfaces, func(e *ENI) error {
		if len(e.Groups) == 1 && e.Groups[0] == b.net.DefaultGroupId {
			e.Groups = b.defaultGroupIDs() // one slice for the fleet
		}
		return b.reserveENI(e)
	})
	if err != nil {
		return err
	}
	err = state.Load(ctx, r, Addresses, func(a *Address) error {
		if err := b.reservePublic(a.PublicIp); err != nil {
			return fmt.Errorf("elastic IP %s: %w", a.AllocationId, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := state.Load(ctx, r, Groups, nil); err != nil {
		return err
	}
	if err := state.Load(ctx, r, Gateways, nil); err != nil {
		return err
	}
	if err := state.Load(ctx, r, RouteTables, nil); err != nil {
		return err
	}
	if err := state.Load(ctx, r, DhcpSets, nil); err != nil {
		return err
	}
	if err := state.Load(ctx, r, ACLs, nil); err != nil {
		return err
	}
	if err := state.Load(ctx, r, PrefixLists, nil); err != nil {
		return err
	}
	return state.Load(ctx, r, NetTags, nil)
}

// book returns a region's address book.
func (s *Service) book(r *state.Region) *book { return s.books[r.Name] }

// VpcID is the region's default VPC ("" once it is deleted).
func (s *Service) VpcID(rd state.Reader) string { return s.book(rd.Region()).net.VpcId }

// SubnetVpc is the VPC of a subnet ("" for an unknown subnet).
func (s *Service) SubnetVpc(rd state.Reader, subnetID string) string {
	if sub := s.SubnetByID(rd, subnetID); sub != nil {
		return sub.VpcId
	}
	return ""
}

// DefaultGroupID is the default VPC's default security group.
func (s *Service) DefaultGroupID(rd state.Reader) string {
	return s.book(rd.Region()).net.DefaultGroupId
}

// VpcDefaultGroup is a VPC's default security group ("" for no VPC).
func (s *Service) VpcDefaultGroup(rd state.Reader, vpc string) string {
	if v := s.book(rd.Region()).net.VpcByID(vpc); v != nil {
		return v.DefaultGroupId
	}
	return ""
}

// SubnetByZone is a zone's default subnet, or nil.
func (s *Service) SubnetByZone(rd state.Reader, zone string) *netw.Subnet {
	return s.book(rd.Region()).net.SubnetByZone(zone)
}

// SubnetByID is a subnet, or nil.
func (s *Service) SubnetByID(rd state.Reader, id string) *netw.Subnet {
	return s.book(rd.Region()).net.SubnetByID(id)
}

// ZoneOf is a subnet's zone, or "".
func (s *Service) ZoneOf(rd state.Reader, subnetID string) string {
	if sub := s.SubnetByID(rd, subnetID); sub != nil {
		return sub.Zone
	}
	return ""
}

// PublicIPClaimed is emitted when an address leaves the region's public
// pool (an instance's, or an Elastic IP's): the billing meter starts its
// hours.
type PublicIPClaimed struct {
	Addr string
	At   time.Time
}

// PublicIPFreed is emitted when an address goes back to the pool.
type PublicIPFreed struct {
	Addr string
	At   time.Time
}

// ClaimPublic takes a public IP from the pool, undone on rollback.
func (s *Service) ClaimPublic(tx *state.Tx) (netip.Addr, error) {
	pool := s.book(tx.Region()).net.Public()
	a, err := pool.Allocate(tx.Region().Rand())
	if err != nil {
		return a, ec2.Errorf(ec2.CodeInsufficientAddressCapacity, "The public IPv4 pool of %s is exhausted", tx.Region().Name)
	}
	tx.OnRollback(func() { pool.Release(a) })
	tx.Emit(PublicIPClaimed{Addr: a.String(), At: s.rt.Clock().Now()})
	return a, nil
}

// FreePublic returns a public IP to the pool, undone on rollback.
func (s *Service) FreePublic(tx *state.Tx, addr string) {
	pool := s.book(tx.Region()).net.Public()
	a := netip.MustParseAddr(addr)
	pool.Release(a)
	tx.OnRollback(func() { _ = pool.Reserve(a) })
	tx.Emit(PublicIPFreed{Addr: addr, At: s.rt.Clock().Now()})
}

// ClaimPrivate takes a private IP in a subnet: want, or any free one.
func (s *Service) ClaimPrivate(tx *state.Tx, subnetID, want string) (string, error) {
	sub := s.book(tx.Region()).net.SubnetByID(subnetID)
	if sub == nil {
		return "", SubnetNotFound(subnetID)
	}
	var a netip.Addr
	if want == "" {
		var err error
		if a, err = sub.Allocate(tx.Region().Rand()); err != nil {
			return "", ec2.Errorf(ec2.CodeInsufficientFreeAddressesInSubnet, "The specified subnet %s does not have enough free addresses to satisfy the request.", subnetID)
		}
	} else {
		p, err := netip.ParseAddr(want)
		if err != nil || !p.Is4() {
			return "", ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid IPv4 address: %s", want)
		}
		if !sub.Cidr.Contains(p) {
			return "", ec2.Errorf(ec2.CodeInvalidParameterValue, "Address %s does not fall within the subnet's address range (%s)", want, sub.Cidr)
		}
		if !sub.Usable(p) {
			return "", ec2.Errorf(ec2.CodeInvalidParameterValue, "Address %s is reserved by the subnet", want)
		}
		if err := sub.Reserve(p); err != nil {
			return "", ec2.Errorf(ec2.CodeInvalidIPAddressInUse, "Address %s is in use.", want)
		}
		a = p
	}
	tx.OnRollback(func() { sub.Release(a) })
	return a.String(), nil
}

// FreePrivate returns a private IP to its subnet, undone on rollback.
func (s *Service) FreePrivate(tx *state.Tx, subnetID, addr string) {
	sub := s.book(tx.Region()).net.SubnetByID(subnetID)
	if sub == nil {
		return
	}
	a := netip.MustParseAddr(addr)
	sub.Release(a)
	tx.OnRollback(func() { _ = sub.Reserve(a) })
}

// reserveENI marks an interface's private addresses, and the public ones
// it holds from the pool, as taken (loading).
func (b *book) reserveENI(e *ENI) error {
	sub := b.net.SubnetByID(e.SubnetId)
	if sub == nil {
		return fmt.Errorf("interface %s: unknown subnet %s", e.NetworkInterfaceId, e.SubnetId)
	}
	for _, a := range e.Addrs {
		p, err := netip.ParseAddr(a.Private)
		if err != nil {
			return fmt.Errorf("interface %s: %w", e.NetworkInterfaceId, err)
		}
		if err := sub.Reserve(p); err != nil {
			return fmt.Errorf("interface %s: private %w", e.NetworkInterfaceId, err)
		}
		if a.Auto() {
			if err := b.reservePublic(a.Public); err != nil {
				return fmt.Errorf("interface %s: public %w", e.NetworkInterfaceId, err)
			}
		}
	}
	return nil
}

// reservePublic marks a stored public address as taken in the region's
// pool. An address outside the pool was handed out before the config
// changed the pool (hosts that run real guests switch a region to its
// local pool): its owner keeps it, and it never returns to the new pool.
func (b *book) reservePublic(a string) error {
	err := b.net.Public().Reserve(netip.MustParseAddr(a))
	if errors.Is(err, netw.ErrOutOfRange) {
		return nil
	}
	return err
}

// defaultGroupIDs is the default group's ID list, shared by every interface
// that uses only it.
func (b *book) defaultGroupIDs() []string {
	if len(b.defaultIDs) == 0 {
		b.defaultIDs = []string{b.net.DefaultGroupId}
	}
	return b.defaultIDs
}

// NewMAC returns a locally administered unicast MAC, as EC2's 0a:... ones.
func NewMAC(tx *state.Tx) string {
	v := tx.Region().Rand().Uint64()
	return fmt.Sprintf("0a:%02x:%02x:%02x:%02x:%02x", byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32))
}

// AddressBook is the region's address plane: its VPC, subnets and pools
// with what they have handed out. Read it under the region's lock.
func (s *Service) AddressBook(rd state.Reader) *netw.Region { return s.book(rd.Region()).net }
