package core

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/store"
)

// instRecord is an instance as the service keeps it: the state EC2 holds,
// without what can be derived (DNS names, CPU options, the primary network
// interface's nesting), so that a fleet of 100,000 fits in a small daemon.
// Instance (the API shape) is built from it on the way out. Records in
// memory are never changed in place once published; a change makes a new
// record (copy on write), so readers may use them without holding the lock.
type instRecord struct {
	InstanceId            string            `json:"InstanceId"`
	Region                string            `json:"Region"`
	ImageId               string            `json:"ImageId"`
	InstanceType          string            `json:"InstanceType"`
	KeyName               string            `json:"KeyName,omitempty"`
	LaunchTime            time.Time         `json:"LaunchTime"`
	State                 InstanceState     `json:"State"`
	StateSince            time.Time         `json:"StateSince"`
	StateReason           *StateReason      `json:"StateReason,omitempty"`
	StateTransitionReason string            `json:"StateTransitionReason,omitempty"`
	Placement             Placement         `json:"Placement"`
	SubnetId              string            `json:"SubnetId"`
	VpcId                 string            `json:"VpcId"`
	PrivateIpAddress      string            `json:"PrivateIpAddress,omitempty"`
	PublicIpAddress       string            `json:"PublicIpAddress,omitempty"`
	SecurityGroups        []GroupIdentifier `json:"SecurityGroups"`
	Tags                  []Tag             `json:"Tags,omitempty"`
	Architecture          string            `json:"Architecture"`
	Hypervisor            string            `json:"Hypervisor"`
	AmiLaunchIndex        int               `json:"AmiLaunchIndex,omitempty"`
	ClientToken           string            `json:"ClientToken,omitempty"`
	// The primary network interface (device 0).
	EniId        string `json:"EniId,omitempty"`
	AttachmentId string `json:"AttachmentId,omitempty"`
	MacAddress   string `json:"MacAddress,omitempty"`
	UserData     []byte `json:"UserData,omitempty"`
	VolumeGiB    int    `json:"VolumeGiB"`
	// AutoPublicIP is true when PublicIpAddress came from the pool at launch
	// or start (and goes back at stop), not from an Elastic IP.
	AutoPublicIP bool   `json:"AutoPublicIP,omitempty"`
	Workload     string `json:"Workload,omitempty"`
}

// clone returns a copy that may be changed without touching r. Slices that
// are only ever replaced whole (tags, groups, user data) are shared.
func (r *instRecord) clone() *instRecord {
	n := *r
	return &n
}

// Tag returns the value of tag key and whether it is set.
func (r *instRecord) Tag(key string) (string, bool) { return tagValue(r.Tags, key) }

// interfaceCount is how many network interfaces are attached.
func (r *instRecord) interfaceCount() int {
	if r.EniId == "" || r.State.Name == StateTerminated {
		return 0
	}
	return 1
}

// api builds the instance as DescribeInstances shows it.
func (r *instRecord) api(cfg *configs.Config) *Instance {
	in := &Instance{
		InstanceId: r.InstanceId, ImageId: r.ImageId, InstanceType: r.InstanceType, KeyName: r.KeyName,
		LaunchTime: r.LaunchTime, State: r.State, StateReason: r.StateReason, StateTransitionReason: r.StateTransitionReason,
		Placement: r.Placement, PrivateIpAddress: r.PrivateIpAddress, PublicIpAddress: r.PublicIpAddress,
		SubnetId: r.SubnetId, VpcId: r.VpcId, SecurityGroups: r.SecurityGroups, Tags: r.Tags,
		Architecture: r.Architecture, VirtualizationType: "hvm", Hypervisor: r.Hypervisor,
		RootDeviceType: "ebs", RootDeviceName: "/dev/xvda", AmiLaunchIndex: r.AmiLaunchIndex, ClientToken: r.ClientToken,
		NetworkInterfaces: []InstanceNetworkInterface{},
	}
	if in.SecurityGroups == nil {
		in.SecurityGroups = []GroupIdentifier{}
	}
	if t := cfg.Types[r.InstanceType]; t != nil {
		threads := max(t.ThreadsPerCore, 1)
		in.CpuOptions = CpuOptions{CoreCount: t.VCPUs / threads, ThreadsPerCore: threads}
	}
	if priv, err := netip.ParseAddr(r.PrivateIpAddress); err == nil {
		in.PrivateDnsName = privateDNS(r.Region, priv)
	}
	if pub, err := netip.ParseAddr(r.PublicIpAddress); err == nil {
		in.PublicDnsName = publicDNS(r.Region, pub)
	}
	if r.EniId != "" && r.State.Name != StateTerminated {
		ni := InstanceNetworkInterface{
			NetworkInterfaceId: r.EniId, SubnetId: r.SubnetId, VpcId: r.VpcId, MacAddress: r.MacAddress,
			PrivateIpAddress:   r.PrivateIpAddress,
			PrivateIpAddresses: []PrivateIP{{PrivateIpAddress: r.PrivateIpAddress, Primary: true}},
			Attachment: Attachment{AttachmentId: r.AttachmentId, DeviceIndex: 0, Status: "attached",
				AttachTime: r.LaunchTime, DeleteOnTermination: true},
			Groups: in.SecurityGroups, Status: "in-use",
		}
		if r.PublicIpAddress != "" {
			ni.Association = &IPAssociation{PublicIp: r.PublicIpAddress, IpOwnerId: "amazon"}
			ni.PrivateIpAddresses[0].Association = ni.Association
		}
		in.NetworkInterfaces = append(in.NetworkInterfaces, ni)
	}
	return in
}

// holdsHost reports whether the instance uses host capacity in its state.
func holdsHost(state string) bool {
	switch state {
	case StatePending, StateRunning, StateStopping, StateShuttingDown:
		return true
	}
	return false
}

// keyRecord is a stored key pair (never the private half).
type keyRecord struct {
	KeyPairInfo
	Region string `json:"Region"`
}

// tokenRecord remembers a RunInstances ClientToken.
type tokenRecord struct {
	Token         string    `json:"ClientToken"`
	Hash          string    `json:"RequestHash"`
	ReservationId string    `json:"ReservationId"`
	InstanceIds   []string  `json:"InstanceIds"`
	Created       time.Time `json:"Created"`
}

// loadRecords reads instances, key pairs and tokens and rebuilds the
// address and host indexes from them.
func (c *Cloud) loadRecords(ctx context.Context) error {
	for name, rs := range c.regions {
		err := c.st.Scan(ctx, store.KindInstance, name, func(k, v []byte) error {
			r := &instRecord{}
			if err := json.Unmarshal(v, r); err != nil {
				return fmt.Errorf("decode %s: %w", k, err)
			}
			rs.instances[r.InstanceId] = r
			c.where[r.InstanceId] = rs
			return c.accountLoaded(rs, r)
		})
		if err != nil {
			return err
		}
		err = c.st.Scan(ctx, store.KindKeyPair, name, func(k, v []byte) error {
			r := &keyRecord{}
			if err := json.Unmarshal(v, r); err != nil {
				return fmt.Errorf("decode %s: %w", k, err)
			}
			rs.keys[r.KeyName] = r
			return nil
		})
		if err != nil {
			return err
		}
		err = c.st.Scan(ctx, store.KindToken, name, func(k, v []byte) error {
			r := &tokenRecord{}
			if err := json.Unmarshal(v, r); err != nil {
				return fmt.Errorf("decode %s: %w", k, err)
			}
			rs.tokens[r.Token] = r
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// accountLoaded marks a loaded instance's addresses and host capacity used.
func (c *Cloud) accountLoaded(rs *regionState, r *instRecord) error {
	if r.State.Name == StateTerminated {
		return nil
	}
	if r.PrivateIpAddress != "" {
		sub := rs.net.SubnetByID(r.SubnetId)
		if sub == nil {
			return fmt.Errorf("instance %s: unknown subnet %s", r.InstanceId, r.SubnetId)
		}
		a, err := netip.ParseAddr(r.PrivateIpAddress)
		if err != nil {
			return fmt.Errorf("instance %s: %w", r.InstanceId, err)
		}
		if err := sub.Reserve(a); err != nil {
			return fmt.Errorf("instance %s: private %w", r.InstanceId, err)
		}
	}
	if r.PublicIpAddress != "" {
		a, err := netip.ParseAddr(r.PublicIpAddress)
		if err != nil {
			return fmt.Errorf("instance %s: %w", r.InstanceId, err)
		}
		if err := rs.net.Public().Reserve(a); err != nil {
			return fmt.Errorf("instance %s: public %w", r.InstanceId, err)
		}
	}
	if holdsHost(r.State.Name) && r.Placement.HostId != "" {
		t := c.cfg.Types[r.InstanceType]
		if t != nil {
			c.sched.Claim(r.Placement.HostId, t.VCPUs, t.MemoryMiB)
		}
	}
	return nil
}
