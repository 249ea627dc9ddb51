package core

import (
	"context"
	"regexp"
	"sort"
	"strconv"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/netw"
	"github.com/ec2x/ec2x/hv"
)

var (
	eniIDRe    = regexp.MustCompile(`^eni-([0-9a-f]{8}|[0-9a-f]{17})$`)
	sgIDRe     = regexp.MustCompile(`^sg-([0-9a-f]{8}|[0-9a-f]{17})$`)
	allocIDRe  = regexp.MustCompile(`^eipalloc-([0-9a-f]{8}|[0-9a-f]{17})$`)
	attachIDRe = regexp.MustCompile(`^eni-attach-([0-9a-f]{8}|[0-9a-f]{17})$`)
)

// groupView names an interface's groups.
func (rs *regionState) groupView(ids []string) []ec2.GroupIdentifier {
	out := make([]ec2.GroupIdentifier, 0, len(ids))
	for _, id := range ids {
		name := ""
		if g := rs.sgs[id]; g != nil {
			name = g.GroupName
		}
		out = append(out, ec2.GroupIdentifier{GroupId: id, GroupName: name})
	}
	return out
}

// addrView is the API form of an interface's addresses.
func addrView(e *eniRecord) ([]ec2.PrivateIP, *ec2.IPAssociation) {
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

// instanceENI is an interface as DescribeInstances nests it.
func (rs *regionState) instanceENI(e *eniRecord) ec2.InstanceNetworkInterface {
	addrs, assoc := addrView(e)
	return ec2.InstanceNetworkInterface{
		NetworkInterfaceId: e.NetworkInterfaceId, SubnetId: e.SubnetId, VpcId: rs.net.VpcId, MacAddress: e.MacAddress,
		PrivateIpAddress: e.Addrs[0].Private, PrivateIpAddresses: addrs, Association: assoc,
		Attachment: ec2.Attachment{AttachmentId: e.AttachmentId, DeviceIndex: e.DeviceIndex, Status: "attached",
			AttachTime: e.AttachTime, DeleteOnTermination: e.DeleteOnTermination},
		Groups: rs.groupView(e.Groups), Status: e.status(), Description: e.Description,
	}
}

// eniAPI is an interface as DescribeNetworkInterfaces shows it.
func (rs *regionState) eniAPI(e *eniRecord) ec2.NetworkInterface {
	addrs, assoc := addrView(e)
	zone := ""
	if sub := rs.net.SubnetByID(e.SubnetId); sub != nil {
		zone = sub.Zone
	}
	ni := ec2.NetworkInterface{
		NetworkInterfaceId: e.NetworkInterfaceId, SubnetId: e.SubnetId, VpcId: rs.net.VpcId, AvailabilityZone: zone,
		Description: e.Description, InterfaceType: "interface", MacAddress: e.MacAddress, OwnerId: ec2.OwnerID,
		PrivateIpAddress: e.Addrs[0].Private, PrivateIpAddresses: addrs, Association: assoc,
		Groups: rs.groupView(e.Groups), Status: e.status(), SourceDestCheck: true, TagSet: e.Tags,
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

// maxAddrsPerInterface bounds an interface with no instance yet; attaching
// checks the instance type's own limit.
const maxAddrsPerInterface = 50

// CreateNetworkInterface makes an available interface in a subnet.
func (c *Cloud) CreateNetworkInterface(ctx context.Context, region string, in *ec2.CreateNetworkInterfaceInput) (*ec2.CreateNetworkInterfaceOutput, error) {
	var tags []ec2.Tag
	for _, ts := range in.TagSpecifications {
		if ts.ResourceType != "network-interface" {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "'%s' is not a valid taggable resource type for this operation.", ts.ResourceType)
		}
		tags = append(tags, ts.Tags...)
	}
	tags, err := mergeTags(nil, tags)
	if err != nil {
		return nil, err
	}
	if in.SecondaryPrivateIpAddressCount < 0 || len(in.PrivateIpAddresses)+in.SecondaryPrivateIpAddressCount+1 > maxAddrsPerInterface {
		return nil, ec2.Errorf(ec2.CodePrivateIpAddressLimitExceeded, "Number of private addresses exceeds the limit of %d for an interface.", maxAddrsPerInterface)
	}
	if len(in.Description) > 255 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Description is limited to 255 characters")
	}
	if len(in.ClientToken) > 64 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The client token must be at most 64 ASCII characters.")
	}
	var out *ec2.CreateNetworkInterfaceOutput
	err = c.mutate(ctx, region, in.DryRun, func(t *tx) error {
		rs := t.rs
		if in.ClientToken != "" {
			for _, e := range rs.enis {
				if e.ClientToken == in.ClientToken {
					out = &ec2.CreateNetworkInterfaceOutput{NetworkInterface: rs.eniAPI(e), ClientToken: in.ClientToken}
					return nil
				}
			}
		}
		sub, err := rs.subnetFor(in.SubnetId, in.AvailabilityZone)
		if err != nil {
			return err
		}
		_, groups, err := c.resolveGroups(rs, in.Groups, nil)
		if err != nil {
			return err
		}
		e := &eniRecord{NetworkInterfaceId: c.newID("eni"), SubnetId: sub.SubnetId, Description: in.Description,
			MacAddress: c.newMAC(), Groups: groups, Tags: tags, ClientToken: in.ClientToken}
		want := append([]string{in.PrivateIpAddress}, in.PrivateIpAddresses...)
		for i := 0; i < in.SecondaryPrivateIpAddressCount; i++ {
			want = append(want, "")
		}
		for _, w := range want {
			ip, err := t.claimPrivate(sub.SubnetId, w)
			if err != nil {
				return err
			}
			e.Addrs = append(e.Addrs, eniAddr{Private: ip})
		}
		t.putIface(e)
		out = &ec2.CreateNetworkInterfaceOutput{NetworkInterface: rs.eniAPI(e), ClientToken: in.ClientToken}
		return nil
	})
	return out, err
}

// subnetFor is a subnet by ID, or the default subnet of a zone.
func (rs *regionState) subnetFor(subnetID, zone string) (*netw.Subnet, error) {
	switch {
	case subnetID != "" && zone != "":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Give a subnet or a zone, not both")
	case subnetID != "":
		if s := rs.net.SubnetByID(subnetID); s != nil {
			return s, nil
		}
		return nil, ec2.Errorf(ec2.CodeInvalidSubnetIDNotFound, "The subnet ID '%s' does not exist", subnetID)
	case zone != "":
		if s := rs.net.SubnetByZone(zone); s != nil {
			return s, nil
		}
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid availability zone: [%s]", zone)
	}
	return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter SubnetId")
}

// mutate runs f in a tx under the write lock and commits it as one
// transaction; f's error rolls everything back.
func (c *Cloud) mutate(ctx context.Context, region string, dryRun bool, f func(t *tx) error) error {
	return c.mutateThen(ctx, region, dryRun, f, nil)
}

// mutateThen is mutate with driver calls made once the change is durable.
func (c *Cloud) mutateThen(ctx context.Context, region string, dryRun bool, f func(t *tx) error, after func(t *tx) []driverCall) error {
	c.mu.Lock()
	rs, err := c.region(region)
	if err != nil {
		c.mu.Unlock()
		return err
	}
	t := c.newTx(rs)
	if err := f(t); err != nil {
		t.rollback()
		c.mu.Unlock()
		return err
	}
	if dryRun {
		t.rollback()
		c.mu.Unlock()
		return ec2.Errorf(ec2.CodeDryRunOperation, "Request would have succeeded, but DryRun flag is set.")
	}
	var calls []driverCall
	if after != nil {
		calls = after(t)
	}
	wait, err := c.commitTx(ctx, t)
	if err != nil {
		c.mu.Unlock()
		return err
	}
	c.notifyLocked()
	c.mu.Unlock()
	if err := wait(); err != nil {
		return err
	}
	dctx := context.WithoutCancel(ctx)
	for _, call := range calls {
		if err := call(dctx); err != nil {
			c.log.Error().Err(err).Msg("driver call failed")
		}
	}
	return nil
}

// lookupENI finds an interface by ID, as EC2 reports a bad one.
func (t *tx) lookupENI(id string) (*eniRecord, error) {
	if !eniIDRe.MatchString(id) {
		return nil, ec2.Errorf(ec2.CodeInvalidNetworkInterfaceIDMalformed, "Invalid id: \"%s\" (expecting \"eni-...\")", id)
	}
	e := t.iface(id)
	if e == nil {
		return nil, ec2.Errorf(ec2.CodeInvalidNetworkInterfaceIDNotFound, "The networkInterface ID '%s' does not exist", id)
	}
	return e, nil
}

var eniFilters = map[string]func(ni *ec2.NetworkInterface) []string{
	"network-interface-id": func(ni *ec2.NetworkInterface) []string { return []string{ni.NetworkInterfaceId} },
	"subnet-id":            func(ni *ec2.NetworkInterface) []string { return []string{ni.SubnetId} },
	"vpc-id":               func(ni *ec2.NetworkInterface) []string { return []string{ni.VpcId} },
	"availability-zone":    func(ni *ec2.NetworkInterface) []string { return []string{ni.AvailabilityZone} },
	"status":               func(ni *ec2.NetworkInterface) []string { return []string{ni.Status} },
	"description":          func(ni *ec2.NetworkInterface) []string { return []string{ni.Description} },
	"mac-address":          func(ni *ec2.NetworkInterface) []string { return []string{ni.MacAddress} },
	"private-ip-address": func(ni *ec2.NetworkInterface) []string {
		out := make([]string, len(ni.PrivateIpAddresses))
		for i, p := range ni.PrivateIpAddresses {
			out[i] = p.PrivateIpAddress
		}
		return out
	},
	"association.public-ip": func(ni *ec2.NetworkInterface) []string {
		var out []string
		for _, p := range ni.PrivateIpAddresses {
			if p.Association != nil {
				out = append(out, p.Association.PublicIp)
			}
		}
		return out
	},
	"attachment.instance-id": func(ni *ec2.NetworkInterface) []string {
		if ni.Attachment == nil {
			return nil
		}
		return []string{ni.Attachment.InstanceId}
	},
	"attachment.attachment-id": func(ni *ec2.NetworkInterface) []string {
		if ni.Attachment == nil {
			return nil
		}
		return []string{ni.Attachment.AttachmentId}
	},
	"attachment.device-index": func(ni *ec2.NetworkInterface) []string {
		if ni.Attachment == nil {
			return nil
		}
		return []string{strconv.Itoa(ni.Attachment.DeviceIndex)}
	},
	"group-id": func(ni *ec2.NetworkInterface) []string {
		out := make([]string, len(ni.Groups))
		for i, g := range ni.Groups {
			out[i] = g.GroupId
		}
		return out
	},
}

// DescribeNetworkInterfaces lists interfaces by ID and filters.
func (c *Cloud) DescribeNetworkInterfaces(ctx context.Context, region string, in *ec2.DescribeNetworkInterfacesInput) (*ec2.DescribeNetworkInterfacesOutput, error) {
	fs, err := compileGeneric(in.Filters, eniFilters, func(ni *ec2.NetworkInterface) []ec2.Tag { return ni.TagSet })
	if err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	rs, err := c.region(region)
	if err != nil {
		return nil, err
	}
	if len(in.NetworkInterfaceIds) > 0 {
		// In the order asked for, as EC2 answers explicit IDs.
		t := c.newTx(rs)
		recs, err := findEach(in.NetworkInterfaceIds, t.lookupENI)
		if err != nil {
			return nil, err
		}
		return &ec2.DescribeNetworkInterfacesOutput{NetworkInterfaces: viewsMatching(recs, rs.eniAPI, fs)}, nil
	}
	out := &ec2.DescribeNetworkInterfacesOutput{NetworkInterfaces: viewsMatching(valuesOf(rs.enis), rs.eniAPI, fs)}
	sort.Slice(out.NetworkInterfaces, func(i, j int) bool {
		return out.NetworkInterfaces[i].NetworkInterfaceId < out.NetworkInterfaces[j].NetworkInterfaceId
	})
	return out, nil
}

// hotplug returns the driver call that attaches or detaches a NIC on the
// instance's guest, or nil when it has none (shutting down). A stopped guest
// is told too: starting it again on the same driver does not create it
// afresh from the records, so only the driver can make its next boot see
// the change.
func (c *Cloud) hotplug(r *instRecord, nic hv.NIC, attach bool) []driverCall {
	switch r.State.Name {
	case ec2.StatePending, ec2.StateRunning, ec2.StateStopping, ec2.StateStopped:
	default:
		return nil
	}
	d := c.driverOf(r.Placement.HostId)
	hp, ok := d.(hv.NICHotPlugger)
	if !ok || !d.Capabilities().HotPlugNIC {
		return nil
	}
	id := r.InstanceId
	return []driverCall{func(ctx context.Context) error {
		if attach {
			return hp.AttachNIC(ctx, id, nic)
		}
		return hp.DetachNIC(ctx, id, nic.ID)
	}}
}
