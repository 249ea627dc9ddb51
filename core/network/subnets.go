package network

import (
	"context"
	"net/netip"
	"slices"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/netw"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// zoneFor is the zone a request names by name or by ID, or one of the
// region's when it names none.
func (s *Service) zoneFor(tx *state.Tx, zone, zoneID string) (string, error) {
	r := tx.Region()
	switch {
	case zone != "" && zoneID != "":
		return "", ec2.Errorf(ec2.CodeInvalidParameterCombination, "Only one of AvailabilityZone or AvailabilityZoneId may be given.")
	case zone != "":
		if slices.Contains(r.Cfg.Zones, zone) {
			return zone, nil
		}
		return "", ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: %v.", zone, r.Cfg.Zones)
	case zoneID != "":
		for _, z := range r.Cfg.Zones {
			if s.zoneID(tx, z) == zoneID {
				return z, nil
			}
		}
		return "", ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter availabilityZoneId is invalid.", zoneID)
	}
	return r.Cfg.Zones[r.Rand().IntN(len(r.Cfg.Zones))], nil
}

// CreateSubnet makes a subnet in one zone, inside one of its VPC's
// blocks and overlapping none of its other subnets.
func (s *Service) CreateSubnet(ctx context.Context, region string, in *ec2.CreateSubnetInput) (*ec2.SubnetOutput, error) {
	switch {
	case in.Ipv4IpamPoolId != "" || in.Ipv6IpamPoolId != "" || in.Ipv6CidrBlock != "" || in.Ipv6Native:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "ec2x subnets are IPv4: give CidrBlock.")
	case in.OutpostArn != "":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "ec2x has no Outposts.")
	case in.CidrBlock == "":
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.")
	}
	p, err := netip.ParsePrefix(in.CidrBlock)
	if err != nil || !p.Addr().Is4() {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter cidrBlock is invalid. This is not a valid CIDR block.", in.CidrBlock)
	}
	p = p.Masked()
	tags, err := tagging.FromSpecs(in.TagSpecifications, "subnet")
	if err != nil {
		return nil, err
	}
	var out *ec2.SubnetOutput
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		v, err := s.vpcFor(tx, in.VpcId)
		if err != nil {
			return err
		}
		if p.Bits() < minVpcBits || p.Bits() > maxVpcBits || !v.Holds(p) {
			return ec2.Errorf(ec2.CodeInvalidSubnetRange, "The CIDR '%s' is invalid.", in.CidrBlock)
		}
		net := s.book(tx.Region()).net
		if other := net.Overlaps(v.VpcId, p); other != nil {
			return ec2.Errorf(ec2.CodeInvalidSubnetConflict, "The CIDR '%s' conflicts with another subnet", in.CidrBlock)
		}
		zone, err := s.zoneFor(tx, in.AvailabilityZone, in.AvailabilityZoneId)
		if err != nil {
			return err
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		sub := netw.NewSubnet(tx.Region().NewID("subnet"), v.VpcId, zone, p)
		s.addSubnet(tx, sub, tags)
		out = &ec2.SubnetOutput{Subnet: s.subnetView(tx, sub)}
		out.Subnet.State = "pending"
		return nil
	})
	return out, err
}

// addSubnet records a new subnet in tx.
func (s *Service) addSubnet(tx *state.Tx, sub *netw.Subnet, tags []ec2.Tag) {
	net := s.book(tx.Region()).net
	old := net.Subnets
	net.Subnets = append(slices.Clone(old), sub)
	tx.OnRollback(func() { net.Subnets = old })
	if len(tags) > 0 {
		state.Put(tx, NetTags, &tagging.Beside{ResourceId: sub.SubnetId, Tags: tags})
	}
	s.saveNet(tx)
}

// CreateDefaultSubnet makes the default VPC's default subnet of a zone
// that has none, in the next free block of the default VPC's layout.
func (s *Service) CreateDefaultSubnet(ctx context.Context, region string, in *ec2.CreateDefaultSubnetInput) (*ec2.SubnetOutput, error) {
	if in.Ipv6Native {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "ec2x subnets are IPv4.")
	}
	var out *ec2.SubnetOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		net := s.book(tx.Region()).net
		v := net.DefaultVpc()
		if v == nil {
			return ec2.Errorf(ec2.CodeNoDefaultVpc, "No default VPC exists for this account in this region.")
		}
		if in.AvailabilityZone == "" && in.AvailabilityZoneId == "" {
			return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter AvailabilityZone or AvailabilityZoneId")
		}
		zone, err := s.zoneFor(tx, in.AvailabilityZone, in.AvailabilityZoneId)
		if err != nil {
			return err
		}
		if net.SubnetByZone(zone) != nil {
			return ec2.Errorf(ec2.CodeDefaultSubnetAlreadyExistsInAvailabilityZone, "A Default Subnet already exists for this account in the specified AZ.")
		}
		bits := tx.Region().Cfg.SubnetPrefix
		vp := v.Cidr()
		var free netip.Prefix
		for a := vp.Addr(); vp.Contains(a); {
			c := netip.PrefixFrom(a, bits)
			if net.Overlaps(v.VpcId, c) == nil {
				free = c
				break
			}
			next, ok := addU32(a, 1<<(32-bits))
			if !ok {
				break
			}
			a = next
		}
		if !free.IsValid() {
			return ec2.Errorf(ec2.CodeInvalidSubnetRange, "The default VPC %s has no free /%d block for a default subnet.", v.VpcId, bits)
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		sub := netw.NewSubnet(tx.Region().NewID("subnet"), v.VpcId, zone, free)
		sub.Default, sub.MapPublic = true, true
		s.addSubnet(tx, sub, nil)
		out = &ec2.SubnetOutput{Subnet: s.subnetView(tx, sub)}
		return nil
	})
	return out, err
}

// addU32 is a plus n, and false past the end of IPv4.
func addU32(a netip.Addr, n uint32) (netip.Addr, bool) {
	b := a.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	if v+n < v {
		return a, false
	}
	v += n
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// subnetUser is an interface in the subnet, or "".
func subnetUser(rd state.Reader, subnetID string) string {
	user := ""
	state.Each(rd, Interfaces, func(e *ENI) bool {
		if e.SubnetId == subnetID {
			user = e.NetworkInterfaceId
			return false
		}
		return true
	})
	return user
}

// DeleteSubnet deletes a subnet no interface is in.
func (s *Service) DeleteSubnet(ctx context.Context, region string, in *ec2.SubnetIdInput) (*ec2.Empty, error) {
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		net := s.book(tx.Region()).net
		sub := net.SubnetByID(in.SubnetId)
		if sub == nil {
			return SubnetNotFound(in.SubnetId)
		}
		if user := subnetUser(tx, sub.SubnetId); user != "" {
			return ec2.Errorf(ec2.CodeDependencyViolation, "The subnet '%s' has dependencies and cannot be deleted.", sub.SubnetId)
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		old := net.Subnets
		net.Subnets = slices.DeleteFunc(slices.Clone(old), func(x *netw.Subnet) bool { return x == sub })
		tx.OnRollback(func() { net.Subnets = old })
		if state.Get(tx, NetTags, sub.SubnetId) != nil {
			state.Delete(tx, NetTags, sub.SubnetId)
		}
		s.parts.subnetDeleted(tx, sub.SubnetId)
		s.saveNet(tx)
		return nil
	})
	return empty(err)
}

// ModifySubnetAttribute sets one attribute of a subnet.
func (s *Service) ModifySubnetAttribute(ctx context.Context, region string, in *ec2.ModifySubnetAttributeInput) (*ec2.Empty, error) {
	type change struct {
		v   *ec2.AttributeBooleanValue
		set func(sub *netw.Subnet, on bool)
	}
	var chosen []change
	for _, c := range []change{
		{in.MapPublicIpOnLaunch, func(sub *netw.Subnet, on bool) { sub.MapPublic = on }},
		{in.AssignIpv6AddressOnCreation, func(sub *netw.Subnet, on bool) { sub.AssignIpv6 = on }},
		{in.EnableDns64, func(sub *netw.Subnet, on bool) { sub.Dns64 = on }},
		{in.EnableResourceNameDnsARecordOnLaunch, func(sub *netw.Subnet, on bool) { sub.DnsA = on }},
		{in.EnableResourceNameDnsAAAARecordOnLaunch, func(sub *netw.Subnet, on bool) { sub.DnsAAAA = on }},
	} {
		if c.v != nil {
			chosen = append(chosen, c)
		}
	}
	host := in.PrivateDnsHostnameTypeOnLaunch
	n := len(chosen)
	if host != "" {
		n++
	}
	switch {
	case in.MapCustomerOwnedIpOnLaunch != nil || in.CustomerOwnedIpv4Pool != "" || in.DisableLniAtDeviceIndex != nil || in.EnableLniAtDeviceIndex != 0:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "ec2x has no Outposts: customer-owned IPs and local network interfaces do not apply.")
	case n == 0:
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain exactly one attribute to modify.")
	case n > 1:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Only one attribute can be modified at a time.")
	case host != "" && host != "ip-name" && host != "resource-name":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter PrivateDnsHostnameTypeOnLaunch is invalid. Valid values: ip-name, resource-name", host)
	case len(chosen) == 1 && chosen[0].v.Value == nil:
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter Value.")
	}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		net := s.book(tx.Region()).net
		i := slices.IndexFunc(net.Subnets, func(x *netw.Subnet) bool { return x.SubnetId == in.SubnetId })
		if i < 0 {
			return SubnetNotFound(in.SubnetId)
		}
		// A copy in the old one's place: the allocator is shared, the
		// attributes are the copy's.
		n := *net.Subnets[i]
		if host != "" {
			n.HostnameType = host
		} else {
			chosen[0].set(&n, *chosen[0].v.Value)
		}
		if n.AssignIpv6 && len(n.Ipv6) == 0 {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The subnet %s has no IPv6 CIDR block, so it cannot assign IPv6 addresses.", n.SubnetId)
		}
		old := net.Subnets
		net.Subnets = slices.Clone(old)
		net.Subnets[i] = &n
		tx.OnRollback(func() { net.Subnets = old })
		s.saveNet(tx)
		return nil
	})
	return empty(err)
}
