package core

import (
	"context"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/ec2x/ec2x/core/netw"
	"github.com/ec2x/ec2x/hv"
)

var (
	eniIDRe    = regexp.MustCompile(`^eni-([0-9a-f]{8}|[0-9a-f]{17})$`)
	sgIDRe     = regexp.MustCompile(`^sg-([0-9a-f]{8}|[0-9a-f]{17})$`)
	allocIDRe  = regexp.MustCompile(`^eipalloc-([0-9a-f]{8}|[0-9a-f]{17})$`)
	attachIDRe = regexp.MustCompile(`^eni-attach-([0-9a-f]{8}|[0-9a-f]{17})$`)
)

// NetworkInterface is an interface as DescribeNetworkInterfaces shows it.
type NetworkInterface struct {
	NetworkInterfaceId string                  `json:"NetworkInterfaceId"`
	SubnetId           string                  `json:"SubnetId"`
	VpcId              string                  `json:"VpcId"`
	AvailabilityZone   string                  `json:"AvailabilityZone"`
	Description        string                  `json:"Description"`
	InterfaceType      string                  `json:"InterfaceType"`
	MacAddress         string                  `json:"MacAddress"`
	OwnerId            string                  `json:"OwnerId"`
	PrivateIpAddress   string                  `json:"PrivateIpAddress"`
	PrivateIpAddresses []PrivateIP             `json:"PrivateIpAddresses"`
	Association        *IPAssociation          `json:"Association,omitempty"`
	Attachment         *NetworkInterfaceAttach `json:"Attachment,omitempty"`
	Groups             []GroupIdentifier       `json:"Groups"`
	Status             string                  `json:"Status"`
	SourceDestCheck    bool                    `json:"SourceDestCheck"`
	TagSet             []Tag                   `json:"TagSet"`
}

// NetworkInterfaceAttach is an interface's attachment.
type NetworkInterfaceAttach struct {
	AttachmentId        string    `json:"AttachmentId"`
	InstanceId          string    `json:"InstanceId"`
	InstanceOwnerId     string    `json:"InstanceOwnerId"`
	DeviceIndex         int       `json:"DeviceIndex"`
	Status              string    `json:"Status"`
	AttachTime          time.Time `json:"AttachTime"`
	DeleteOnTermination bool      `json:"DeleteOnTermination"`
}

// groupView names an interface's groups.
func (rs *regionState) groupView(ids []string) []GroupIdentifier {
	out := make([]GroupIdentifier, 0, len(ids))
	for _, id := range ids {
		name := ""
		if g := rs.sgs[id]; g != nil {
			name = g.GroupName
		}
		out = append(out, GroupIdentifier{GroupId: id, GroupName: name})
	}
	return out
}

// addrView is the API form of an interface's addresses.
func addrView(e *eniRecord) ([]PrivateIP, *IPAssociation) {
	out := make([]PrivateIP, len(e.Addrs))
	var primary *IPAssociation
	for i, a := range e.Addrs {
		out[i] = PrivateIP{PrivateIpAddress: a.Private, Primary: i == 0}
		if a.Public != "" {
			as := &IPAssociation{PublicIp: a.Public, IpOwnerId: "amazon", AllocationId: a.AllocationId, AssociationId: a.AssociationId}
			if a.AllocationId != "" {
				as.IpOwnerId = OwnerID
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
func (rs *regionState) instanceENI(e *eniRecord) InstanceNetworkInterface {
	addrs, assoc := addrView(e)
	return InstanceNetworkInterface{
		NetworkInterfaceId: e.NetworkInterfaceId, SubnetId: e.SubnetId, VpcId: rs.net.VpcId, MacAddress: e.MacAddress,
		PrivateIpAddress: e.Addrs[0].Private, PrivateIpAddresses: addrs, Association: assoc,
		Attachment: Attachment{AttachmentId: e.AttachmentId, DeviceIndex: e.DeviceIndex, Status: "attached",
			AttachTime: e.AttachTime, DeleteOnTermination: e.DeleteOnTermination},
		Groups: rs.groupView(e.Groups), Status: e.status(), Description: e.Description,
	}
}

// eniAPI is an interface as DescribeNetworkInterfaces shows it.
func (rs *regionState) eniAPI(e *eniRecord) NetworkInterface {
	addrs, assoc := addrView(e)
	zone := ""
	if sub := rs.net.SubnetByID(e.SubnetId); sub != nil {
		zone = sub.Zone
	}
	ni := NetworkInterface{
		NetworkInterfaceId: e.NetworkInterfaceId, SubnetId: e.SubnetId, VpcId: rs.net.VpcId, AvailabilityZone: zone,
		Description: e.Description, InterfaceType: "interface", MacAddress: e.MacAddress, OwnerId: OwnerID,
		PrivateIpAddress: e.Addrs[0].Private, PrivateIpAddresses: addrs, Association: assoc,
		Groups: rs.groupView(e.Groups), Status: e.status(), SourceDestCheck: true, TagSet: e.Tags,
	}
	if ni.TagSet == nil {
		ni.TagSet = []Tag{}
	}
	if e.InstanceId != "" {
		ni.Attachment = &NetworkInterfaceAttach{AttachmentId: e.AttachmentId, InstanceId: e.InstanceId, InstanceOwnerId: OwnerID,
			DeviceIndex: e.DeviceIndex, Status: "attached", AttachTime: e.AttachTime, DeleteOnTermination: e.DeleteOnTermination}
	}
	return ni
}

// CreateNetworkInterfaceInput is EC2's CreateNetworkInterface request;
// AvailabilityZone (an ec2x addition) picks the zone's default subnet.
type CreateNetworkInterfaceInput struct {
	SubnetId                       string             `json:"SubnetId,omitempty"`
	AvailabilityZone               string             `json:"AvailabilityZone,omitempty"`
	PrivateIpAddress               string             `json:"PrivateIpAddress,omitempty"`
	PrivateIpAddresses             []string           `json:"PrivateIpAddresses,omitempty"`
	SecondaryPrivateIpAddressCount int                `json:"SecondaryPrivateIpAddressCount,omitempty"`
	Groups                         []string           `json:"Groups,omitempty"`
	Description                    string             `json:"Description,omitempty"`
	TagSpecifications              []TagSpecification `json:"TagSpecifications,omitempty"`
	// ClientToken makes a retry return the interface the first call made
	// (the AWS SDKs fill it in).
	ClientToken string `json:"ClientToken,omitempty"`
	DryRun      bool   `json:"DryRun,omitempty"`
}

// CreateNetworkInterfaceOutput answers CreateNetworkInterface.
type CreateNetworkInterfaceOutput struct {
	NetworkInterface NetworkInterface `json:"NetworkInterface"`
	ClientToken      string           `json:"ClientToken,omitempty"`
}

// maxAddrsPerInterface bounds an interface with no instance yet; attaching
// checks the instance type's own limit.
const maxAddrsPerInterface = 50

// CreateNetworkInterface makes an available interface in a subnet.
func (c *Cloud) CreateNetworkInterface(ctx context.Context, region string, in *CreateNetworkInterfaceInput) (*CreateNetworkInterfaceOutput, error) {
	var tags []Tag
	for _, ts := range in.TagSpecifications {
		if ts.ResourceType != "network-interface" {
			return nil, Errorf(CodeInvalidParameterValue, "'%s' is not a valid taggable resource type for this operation.", ts.ResourceType)
		}
		tags = append(tags, ts.Tags...)
	}
	tags, err := mergeTags(nil, tags)
	if err != nil {
		return nil, err
	}
	if in.SecondaryPrivateIpAddressCount < 0 || len(in.PrivateIpAddresses)+in.SecondaryPrivateIpAddressCount+1 > maxAddrsPerInterface {
		return nil, Errorf(CodePrivateIpAddressLimitExceeded, "Number of private addresses exceeds the limit of %d for an interface.", maxAddrsPerInterface)
	}
	if len(in.Description) > 255 {
		return nil, Errorf(CodeInvalidParameterValue, "Description is limited to 255 characters")
	}
	if len(in.ClientToken) > 64 {
		return nil, Errorf(CodeInvalidParameterValue, "The client token must be at most 64 ASCII characters.")
	}
	var out *CreateNetworkInterfaceOutput
	err = c.mutate(ctx, region, in.DryRun, func(t *tx) error {
		rs := t.rs
		if in.ClientToken != "" {
			for _, e := range rs.enis {
				if e.ClientToken == in.ClientToken {
					out = &CreateNetworkInterfaceOutput{NetworkInterface: rs.eniAPI(e), ClientToken: in.ClientToken}
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
		out = &CreateNetworkInterfaceOutput{NetworkInterface: rs.eniAPI(e), ClientToken: in.ClientToken}
		return nil
	})
	return out, err
}

// subnetFor is a subnet by ID, or the default subnet of a zone.
func (rs *regionState) subnetFor(subnetID, zone string) (*netw.Subnet, error) {
	switch {
	case subnetID != "" && zone != "":
		return nil, Errorf(CodeInvalidParameterCombination, "Give a subnet or a zone, not both")
	case subnetID != "":
		if s := rs.net.SubnetByID(subnetID); s != nil {
			return s, nil
		}
		return nil, Errorf(CodeInvalidSubnetIDNotFound, "The subnet ID '%s' does not exist", subnetID)
	case zone != "":
		if s := rs.net.SubnetByZone(zone); s != nil {
			return s, nil
		}
		return nil, Errorf(CodeInvalidParameterValue, "Invalid availability zone: [%s]", zone)
	}
	return nil, Errorf(CodeMissingParameter, "The request must contain the parameter SubnetId")
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
		return Errorf(CodeDryRunOperation, "Request would have succeeded, but DryRun flag is set.")
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
		return nil, Errorf(CodeInvalidNetworkInterfaceIDMalformed, "Invalid id: \"%s\" (expecting \"eni-...\")", id)
	}
	e := t.iface(id)
	if e == nil {
		return nil, Errorf(CodeInvalidNetworkInterfaceIDNotFound, "The networkInterface ID '%s' does not exist", id)
	}
	return e, nil
}

// DescribeNetworkInterfacesInput is EC2's DescribeNetworkInterfaces request.
type DescribeNetworkInterfacesInput struct {
	NetworkInterfaceIds []string `json:"NetworkInterfaceIds,omitempty"`
	Filters             []Filter `json:"Filters,omitempty"`
}

// DescribeNetworkInterfacesOutput lists interfaces.
type DescribeNetworkInterfacesOutput struct {
	NetworkInterfaces []NetworkInterface `json:"NetworkInterfaces"`
}

var eniFilters = map[string]func(ni *NetworkInterface) []string{
	"network-interface-id": func(ni *NetworkInterface) []string { return []string{ni.NetworkInterfaceId} },
	"subnet-id":            func(ni *NetworkInterface) []string { return []string{ni.SubnetId} },
	"vpc-id":               func(ni *NetworkInterface) []string { return []string{ni.VpcId} },
	"availability-zone":    func(ni *NetworkInterface) []string { return []string{ni.AvailabilityZone} },
	"status":               func(ni *NetworkInterface) []string { return []string{ni.Status} },
	"description":          func(ni *NetworkInterface) []string { return []string{ni.Description} },
	"mac-address":          func(ni *NetworkInterface) []string { return []string{ni.MacAddress} },
	"private-ip-address": func(ni *NetworkInterface) []string {
		out := make([]string, len(ni.PrivateIpAddresses))
		for i, p := range ni.PrivateIpAddresses {
			out[i] = p.PrivateIpAddress
		}
		return out
	},
	"association.public-ip": func(ni *NetworkInterface) []string {
		var out []string
		for _, p := range ni.PrivateIpAddresses {
			if p.Association != nil {
				out = append(out, p.Association.PublicIp)
			}
		}
		return out
	},
	"attachment.instance-id": func(ni *NetworkInterface) []string {
		if ni.Attachment == nil {
			return nil
		}
		return []string{ni.Attachment.InstanceId}
	},
	"attachment.attachment-id": func(ni *NetworkInterface) []string {
		if ni.Attachment == nil {
			return nil
		}
		return []string{ni.Attachment.AttachmentId}
	},
	"attachment.device-index": func(ni *NetworkInterface) []string {
		if ni.Attachment == nil {
			return nil
		}
		return []string{strconv.Itoa(ni.Attachment.DeviceIndex)}
	},
	"group-id": func(ni *NetworkInterface) []string {
		out := make([]string, len(ni.Groups))
		for i, g := range ni.Groups {
			out[i] = g.GroupId
		}
		return out
	},
}

// DescribeNetworkInterfaces lists interfaces by ID and filters.
func (c *Cloud) DescribeNetworkInterfaces(ctx context.Context, region string, in *DescribeNetworkInterfacesInput) (*DescribeNetworkInterfacesOutput, error) {
	fs, err := compileGeneric(in.Filters, eniFilters, func(ni *NetworkInterface) []Tag { return ni.TagSet })
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
		return &DescribeNetworkInterfacesOutput{NetworkInterfaces: viewsMatching(recs, rs.eniAPI, fs)}, nil
	}
	out := &DescribeNetworkInterfacesOutput{NetworkInterfaces: viewsMatching(valuesOf(rs.enis), rs.eniAPI, fs)}
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
	case StatePending, StateRunning, StateStopping, StateStopped:
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
