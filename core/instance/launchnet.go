package instance

import (
	"net/netip"
	"sort"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/netw"
	"github.com/ec2x/ec2x/core/network"
	"github.com/ec2x/ec2x/core/state"
)

// nicPlan is one network interface that every instance of a launch gets:
// a new one (its subnet, groups and addresses) or, for a launch of one
// instance, an existing interface attached as it is.
type nicPlan struct {
	device       int
	eni          *network.ENI // an existing, available interface
	subnet       *netw.Subnet // nil: the default subnet of the zone placed in
	groups       []string
	want         []string // the addresses asked for, [0] the primary ("": any)
	extra        int      // more secondary addresses, any
	public       bool     // the primary address gets a public IP from the pool
	mapped       bool     // public follows the subnet's MapPublicIpOnLaunch
	deleteOnTerm bool
	description  string
}

// nicClaim is a plan with the addresses one instance claimed for it.
type nicClaim struct {
	plan   *nicPlan
	subnet string
	addrs  []network.Addr
}

// planNetwork checks RunInstances' network parameters as EC2 does and
// plans each instance's interfaces: the top-level SubnetId, groups and
// PrivateIpAddress make one interface; NetworkInterface.N, which may not
// be mixed with them, make one each. It sets the launch's subnet, zone and
// groups from the primary interface. IPv6 is refused: the default VPC's
// subnets have no IPv6 CIDR block.
func (s *Service) planNetwork(tx *state.Tx, in *ec2.RunInstancesInput, l *launch) error {
	if err := refuseEnded(in); err != nil {
		return err
	}
	if len(in.Ipv6Addresses) > 0 && in.Ipv6AddressCount > 0 {
		return ec2.Errorf(ec2.CodeInvalidParameterCombination, "IPv6 addresses and IPv6 address count may not be specified on the same request")
	}
	if len(in.NetworkInterfaces) == 0 {
		return s.planSingle(tx, in, l)
	}
	if err := refuseIPv6(in.EnablePrimaryIpv6 != nil && *in.EnablePrimaryIpv6, "EnablePrimaryIpv6"); err != nil {
		return err
	}
	seen, enis := map[int]bool{}, map[string]bool{}
	for i := range in.NetworkInterfaces {
		p, err := s.planNIC(tx, in, l, &in.NetworkInterfaces[i], seen)
		if err != nil {
			return err
		}
		if p.eni != nil {
			if enis[p.eni.NetworkInterfaceId] {
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "The network interface %s is given twice.", p.eni.NetworkInterfaceId)
			}
			enis[p.eni.NetworkInterfaceId] = true
		}
		l.nics = append(l.nics, p)
	}
	sort.Slice(l.nics, func(i, j int) bool { return l.nics[i].device < l.nics[j].device })
	if !seen[0] {
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "The primary network interface (device index 0) must be specified when network interfaces are given.")
	}
	return s.placeNICs(tx, in, l)
}

// refuseEnded refuses the accelerators AWS has ended and the secondary
// interfaces of secondary subnets, which ec2x has none of.
func refuseEnded(in *ec2.RunInstancesInput) error {
	switch {
	case len(in.ElasticGpuSpecification) > 0:
		return ec2.Errorf(ec2.CodeUnsupported, "Amazon Elastic Graphics reached end of life on January 8, 2024: ElasticGpuSpecification is not supported.")
	case len(in.ElasticInferenceAccelerators) > 0:
		return ec2.Errorf(ec2.CodeUnsupported, "Amazon Elastic Inference is no longer available: ElasticInferenceAccelerator is not supported.")
	case len(in.SecondaryInterfaces) > 0:
		return ec2.Errorf(ec2.CodeUnsupported, "Secondary interfaces need a secondary subnet, and this VPC has none.")
	}
	if mo := in.InstanceMarketOptions; mo != nil && mo.SpotOptions != nil {
		so := mo.SpotOptions
		if so.BlockDurationMinutes != nil {
			return ec2.Errorf(ec2.CodeUnsupported, "Spot blocks (BlockDurationMinutes) are no longer offered.")
		}
		if !so.ValidUntil.IsZero() && so.SpotInstanceType != "persistent" {
			return ec2.Errorf(ec2.CodeInvalidParameterCombination, "ValidUntil is supported only for persistent Spot requests.")
		}
	}
	return nil
}

// refuseIPv6 is EC2's answer to IPv6 asked of a subnet without an IPv6
// CIDR block, as every subnet of ec2x's default VPC is.
func refuseIPv6(asked bool, param string) error {
	if !asked {
		return nil
	}
	return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value for %s: the subnet has no IPv6 CIDR block associated with it.", param)
}

// planSingle plans the one interface of a launch without NetworkInterface.N.
func (s *Service) planSingle(tx *state.Tx, in *ec2.RunInstancesInput, l *launch) error {
	if err := refuseIPv6(in.Ipv6AddressCount > 0 || len(in.Ipv6Addresses) > 0 || (in.EnablePrimaryIpv6 != nil && *in.EnablePrimaryIpv6), "Ipv6AddressCount"); err != nil {
		return err
	}
	// A public IP where the subnet maps one (a default subnet, which the
	// launch lands in when it names none, does).
	p := &nicPlan{subnet: l.subnet, groups: l.groupIDs, want: []string{in.PrivateIpAddress}, public: l.subnet == nil || l.subnet.MapPublic, deleteOnTerm: true}
	if in.PrivateIpAddress != "" {
		if in.MaxCount > 1 {
			return ec2.Errorf(ec2.CodeInvalidParameterCombination, "A private IP address can only be specified when launching a single instance (MaxCount 1).")
		}
		a, err := netip.ParseAddr(in.PrivateIpAddress)
		if err != nil || !a.Is4() {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid IPv4 address: %s", in.PrivateIpAddress)
		}
		if p.subnet == nil {
			// No subnet and no zone: the default subnet that holds the address.
			if p.subnet = s.subnetHolding(tx, a); p.subnet == nil {
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "Address %s does not fall within the address range of any default subnet", a)
			}
			l.subnet, l.zone = p.subnet, p.subnet.Zone
		}
	}
	l.nics = []*nicPlan{p}
	return nil
}

// subnetHolding is the default subnet whose range holds a, or nil.
func (s *Service) subnetHolding(rd state.Reader, a netip.Addr) *netw.Subnet {
	for _, sub := range s.net.AddressBook(rd).Subnets {
		if sub.Default && sub.Cidr.Contains(a) {
			return sub
		}
	}
	return nil
}

// planNIC checks one NetworkInterface.N and plans it.
func (s *Service) planNIC(tx *state.Tx, in *ec2.RunInstancesInput, l *launch, n *ec2.InstanceNetworkInterfaceSpecification, seen map[int]bool) (*nicPlan, error) {
	if n.DeviceIndex == nil {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Each network interface requires a device index.")
	}
	p := &nicPlan{device: *n.DeviceIndex, description: n.Description, deleteOnTerm: n.NetworkInterfaceId == ""}
	switch {
	case p.device < 0 || p.device >= max(l.typ.MaxENIs, 1):
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Device index %d is out of range for %s (0 to %d).", p.device, l.typeName, max(l.typ.MaxENIs, 1)-1)
	case seen[p.device]:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Each network interface requires a unique device index: %d is given twice.", p.device)
	case n.NetworkCardIndex != nil && (*n.NetworkCardIndex < 0 || *n.NetworkCardIndex >= max(l.typ.NetworkCards, 1)):
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Network card index %d is not valid for %s.", *n.NetworkCardIndex, l.typeName)
	}
	seen[p.device] = true
	if n.DeleteOnTermination != nil {
		p.deleteOnTerm = *n.DeleteOnTermination
	}
	if n.AssociatePublicIpAddress != nil {
		switch {
		case len(in.NetworkInterfaces) > 1:
			return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "The associatePublicIPAddress parameter cannot be specified when launching with multiple network interfaces.")
		case p.device != 0:
			return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "The associatePublicIPAddress parameter can only be specified for the network interface with DeviceIndex 0.")
		case n.NetworkInterfaceId != "":
			return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "The associatePublicIPAddress parameter cannot be specified for an existing network interface.")
		}
		p.public = *n.AssociatePublicIpAddress
	} else {
		// A new primary interface of a launch with one interface gets a
		// public IP where its subnet maps one on launch (planNew).
		p.public = p.device == 0 && n.NetworkInterfaceId == "" && len(in.NetworkInterfaces) == 1
		p.mapped = true
	}
	if err := checkNICType(l, n); err != nil {
		return nil, err
	}
	if n.NetworkInterfaceId != "" {
		if err := s.planExisting(tx, in, n, p); err != nil {
			return nil, err
		}
		if len(p.eni.Addrs) > max(l.typ.IPv4PerENI, 1) {
			return nil, ec2.Errorf(ec2.CodePrivateIpAddressLimitExceeded, "Interface %s has %d private addresses; %s allows %d per interface.", p.eni.NetworkInterfaceId, len(p.eni.Addrs), l.typeName, l.typ.IPv4PerENI)
		}
		return p, nil
	}
	return p, s.planNew(tx, in, l, n, p)
}

// checkNICType checks an interface's type and refuses what needs IPv6 or
// prefixes.
func checkNICType(l *launch, n *ec2.InstanceNetworkInterfaceSpecification) error {
	switch n.InterfaceType {
	case "", "interface":
	case "efa", "efa-only":
		if l.typ.EFAInterfaces == 0 {
			return ec2.Errorf(ec2.CodeInvalidParameterCombination, "The instance type %s does not support Elastic Fabric Adapter (EFA) interfaces.", l.typeName)
		}
	default:
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for InterfaceType: interface, efa or efa-only.", n.InterfaceType)
	}
	v6 := len(n.Ipv6Addresses) > 0 || (n.Ipv6AddressCount != nil && *n.Ipv6AddressCount > 0) || len(n.Ipv6Prefixes) > 0 ||
		(n.Ipv6PrefixCount != nil && *n.Ipv6PrefixCount > 0) || (n.PrimaryIpv6 != nil && *n.PrimaryIpv6)
	if err := refuseIPv6(v6, "NetworkInterface.Ipv6AddressCount"); err != nil {
		return err
	}
	if len(n.Ipv4Prefixes) > 0 || (n.Ipv4PrefixCount != nil && *n.Ipv4PrefixCount > 0) {
		return ec2.Errorf(ec2.CodeUnsupported, "IPv4 prefix delegation is not supported by ec2x's interfaces.")
	}
	return nil
}

// planExisting plans an existing interface: available, and alone in its
// settings (it keeps its own subnet, groups and addresses).
func (s *Service) planExisting(tx *state.Tx, in *ec2.RunInstancesInput, n *ec2.InstanceNetworkInterfaceSpecification, p *nicPlan) error {
	if n.SubnetId != "" || len(n.Groups) > 0 || n.PrivateIpAddress != "" || len(n.PrivateIpAddresses) > 0 ||
		n.SecondaryPrivateIpAddressCount != nil || n.Description != "" || n.InterfaceType != "" {
		return ec2.Errorf(ec2.CodeInvalidParameterCombination, "A network interface ID may not be specified with a subnet, security groups, private IP addresses, a description or an interface type: the interface has its own.")
	}
	if in.MaxCount > 1 {
		return ec2.Errorf(ec2.CodeInvalidParameterCombination, "An existing network interface can only be attached when launching a single instance (MaxCount 1).")
	}
	if !ec2.ValidID("eni", n.NetworkInterfaceId) {
		return ec2.MalformedID(ec2.CodeInvalidNetworkInterfaceIDMalformed, "eni", n.NetworkInterfaceId)
	}
	e := network.Interface(tx, n.NetworkInterfaceId)
	if e == nil {
		return ec2.Errorf(ec2.CodeInvalidNetworkInterfaceIDNotFound, "The networkInterface ID '%s' does not exist", n.NetworkInterfaceId)
	}
	if e.InstanceId != "" {
		return ec2.Errorf(ec2.CodeInvalidNetworkInterfaceInUse, "Interface %s is currently in use by %s.", e.NetworkInterfaceId, e.InstanceId)
	}
	p.eni, p.subnet = e, s.net.SubnetByID(tx, e.SubnetId)
	return nil
}

// planNew plans a new interface: its subnet, groups and addresses.
func (s *Service) planNew(tx *state.Tx, in *ec2.RunInstancesInput, l *launch, n *ec2.InstanceNetworkInterfaceSpecification, p *nicPlan) error {
	if len(n.Description) > 255 {
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Description is limited to 255 characters")
	}
	if n.SubnetId != "" {
		if p.subnet = s.net.SubnetByID(tx, n.SubnetId); p.subnet == nil {
			return network.SubnetNotFound(n.SubnetId)
		}
	}
	var err error
	if _, p.groups, err = s.net.ResolveGroups(tx, n.Groups, nil); err != nil {
		return err
	}
	if p.groups, err = s.net.GroupsForSubnet(tx, p.subnet, len(n.Groups) > 0, p.groups); err != nil {
		return err
	}
	if p.mapped && p.subnet != nil {
		p.public = p.public && p.subnet.MapPublic
	}
	primary := n.PrivateIpAddress
	var secondary []string
	for _, a := range n.PrivateIpAddresses {
		switch {
		case a.Primary != nil && *a.Primary && primary != "" && primary != a.PrivateIpAddress:
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Only one primary private IP address may be specified: %s and %s.", primary, a.PrivateIpAddress)
		case a.Primary != nil && *a.Primary:
			primary = a.PrivateIpAddress
		case a.PrivateIpAddress != primary:
			secondary = append(secondary, a.PrivateIpAddress)
		}
	}
	if (primary != "" || len(secondary) > 0) && in.MaxCount > 1 {
		return ec2.Errorf(ec2.CodeInvalidParameterCombination, "Private IP addresses can only be specified when launching a single instance (MaxCount 1).")
	}
	if n.SecondaryPrivateIpAddressCount != nil {
		if p.extra = *n.SecondaryPrivateIpAddressCount; p.extra < 0 {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "SecondaryPrivateIpAddressCount must not be negative.")
		}
	}
	p.want = append([]string{primary}, secondary...)
	if total := len(p.want) + p.extra; total > max(l.typ.IPv4PerENI, 1) {
		return ec2.Errorf(ec2.CodePrivateIpAddressLimitExceeded, "Number of private addresses (%d) exceeds the limit of %d per interface for %s.", total, l.typ.IPv4PerENI, l.typeName)
	}
	return nil
}

// placeNICs puts the launch in the primary interface's subnet and zone,
// with its groups, once every interface is planned: the interfaces must
// share one zone, the one Placement names if it names one.
func (s *Service) placeNICs(tx *state.Tx, in *ec2.RunInstancesInput, l *launch) error {
	zone := l.zone
	for _, p := range l.nics {
		if p.subnet == nil {
			continue
		}
		if zone != "" && p.subnet.Zone != zone {
			return ec2.Errorf(ec2.CodeInvalidParameterCombination, "The network interfaces' subnets must be in one Availability Zone (%s is in %s, not %s).", p.subnet.SubnetId, p.subnet.Zone, zone)
		}
		zone = p.subnet.Zone
	}
	l.zone = zone
	if zone != "" {
		l.subnet = s.net.SubnetByZone(tx, zone)
	}
	if p := l.nics[0]; p.subnet != nil {
		l.subnet = p.subnet
	}
	groups := l.nics[0].groups
	if e := l.nics[0].eni; e != nil {
		groups = e.Groups
	}
	l.groupIDs, l.groups = groups, network.GroupView(tx, groups)
	return nil
}

// claimNICs claims one instance's addresses for every planned interface
// in zone; a failure leaves claims for the caller's savepoint to undo.
func (s *Service) claimNICs(tx *state.Tx, l *launch, zone string) ([]nicClaim, error) {
	out := make([]nicClaim, len(l.nics))
	for i, p := range l.nics {
		out[i].plan = p
		if p.eni != nil {
			continue
		}
		sub := p.subnet
		if sub == nil {
			sub = s.net.SubnetByZone(tx, zone)
		}
		out[i].subnet = sub.SubnetId
		want := p.want
		for j := 0; j < p.extra; j++ {
			want = append(want[:len(want):len(want)], "")
		}
		for _, w := range want {
			ip, err := s.net.ClaimPrivate(tx, sub.SubnetId, w)
			if err != nil {
				return nil, err
			}
			out[i].addrs = append(out[i].addrs, network.Addr{Private: ip})
		}
		if p.public {
			pub, err := s.net.ClaimPublic(tx)
			if err != nil {
				return nil, err
			}
			out[i].addrs[0].Public = pub.String()
		}
	}
	return out, nil
}

// attachNICs makes an instance's interfaces from its claims: new ones,
// with the launch's network-interface tags, and existing ones attached. It
// returns their IDs by device index.
func (s *Service) attachNICs(tx *state.Tx, r *Record, claims []nicClaim, tags []ec2.Tag, now time.Time) []string {
	ids := make([]string, 0, len(claims))
	for _, c := range claims {
		p := c.plan
		var e *network.ENI
		if p.eni != nil {
			e = network.Interface(tx, p.eni.NetworkInterfaceId).Clone()
		} else {
			e = &network.ENI{NetworkInterfaceId: tx.Region().NewID("eni"), SubnetId: c.subnet, MacAddress: network.NewMAC(tx),
				Addrs: c.addrs, Groups: p.groups, Description: p.description, Tags: tags}
		}
		e.InstanceId, e.AttachmentId, e.DeviceIndex, e.AttachTime = r.InstanceId, tx.Region().NewID("eni-attach"), p.device, now
		e.DeleteOnTermination = p.deleteOnTerm
		// Only the one interface a launch gives a public IP gets one again
		// at each start.
		e.NoAutoPublic = p.device == 0 && !p.public
		network.PutInterface(tx, e)
		ids = append(ids, e.NetworkInterfaceId)
	}
	return ids
}

// nicCombination refuses NetworkInterface.N mixed with the instance-level
// network parameters, before anything is looked up, as EC2 does.
func nicCombination(in *ec2.RunInstancesInput) error {
	if len(in.NetworkInterfaces) == 0 {
		return nil
	}
	switch {
	case in.SubnetId != "":
		return ec2.Errorf(ec2.CodeInvalidParameterCombination, "Network interfaces and an instance-level subnet ID may not be specified on the same request")
	case len(in.SecurityGroupIds)+len(in.SecurityGroups) > 0:
		return ec2.Errorf(ec2.CodeInvalidParameterCombination, "Network interfaces and an instance-level security groups may not be specified on the same request")
	case in.PrivateIpAddress != "":
		return ec2.Errorf(ec2.CodeInvalidParameterCombination, "Network interfaces and an instance-level private IP address should not be specified on the same request")
	case in.Ipv6AddressCount > 0 || len(in.Ipv6Addresses) > 0:
		return ec2.Errorf(ec2.CodeInvalidParameterCombination, "Network interfaces and an instance-level IPv6 address or address count may not be specified on the same request")
	}
	return nil
}
