package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/netw"
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
	State                 ec2.InstanceState `json:"State"`
	StateSince            time.Time         `json:"StateSince"`
	StateReason           *ec2.StateReason  `json:"StateReason,omitempty"`
	StateTransitionReason string            `json:"StateTransitionReason,omitempty"`
	Placement             ec2.Placement     `json:"Placement"`
	Tags                  []ec2.Tag         `json:"Tags,omitempty"`
	Architecture          string            `json:"Architecture"`
	Hypervisor            string            `json:"Hypervisor"`
	AmiLaunchIndex        int               `json:"AmiLaunchIndex,omitempty"`
	ClientToken           string            `json:"ClientToken,omitempty"`
	// ReservationId is the launch (RunInstances call) it came from.
	ReservationId string `json:"ReservationId,omitempty"`
	// Enis are the attached interfaces by device index, [0] the primary.
	Enis []string `json:"Enis,omitempty"`
	// Spot: the request it came from, its maximum price, what an
	// interruption does to it, and the notice once one is given.
	InstanceLifecycle     string              `json:"InstanceLifecycle,omitempty"`
	SpotInstanceRequestId string              `json:"SpotInstanceRequestId,omitempty"`
	SpotMaxPrice          float64             `json:"SpotMaxPrice,omitempty"`
	Interruption          string              `json:"Interruption,omitempty"`
	Notice                *ec2.InstanceAction `json:"Notice,omitempty"`
	NoticeCause           string              `json:"NoticeCause,omitempty"` // price or capacity
	UserData              []byte              `json:"UserData,omitempty"`
	VolumeGiB             int                 `json:"VolumeGiB"`
	Workload              string              `json:"Workload,omitempty"`
}

// clone returns a copy that may be changed without touching r. Slices that
// are only ever replaced whole (tags, interfaces, user data) are shared.
func (r *instRecord) clone() *instRecord {
	n := *r
	return &n
}

// Tag returns the value of tag key and whether it is set.
func (r *instRecord) Tag(key string) (string, bool) { return tagValue(r.Tags, key) }

// spot reports whether the instance is a spot instance.
func (r *instRecord) spot() bool { return r.InstanceLifecycle == "spot" }

// interfaceCount is how many network interfaces are attached.
func (r *instRecord) interfaceCount() int { return len(r.Enis) }

// primary returns the instance's device-0 interface, or nil (terminated).
func (rs *regionState) primary(r *instRecord) *eniRecord {
	if len(r.Enis) == 0 {
		return nil
	}
	return rs.enis[r.Enis[0]]
}

// addresses returns the instance's primary private and public IPs.
func (rs *regionState) addresses(r *instRecord) (private, public string) {
	if e := rs.primary(r); e != nil && len(e.Addrs) > 0 {
		return e.Addrs[0].Private, e.Addrs[0].Public
	}
	return "", ""
}

// api builds the instance as DescribeInstances shows it.
func (rs *regionState) api(cfg *configs.Config, r *instRecord) *ec2.Instance {
	in := &ec2.Instance{
		InstanceId: r.InstanceId, ImageId: r.ImageId, InstanceType: r.InstanceType, KeyName: r.KeyName,
		LaunchTime: r.LaunchTime, State: r.State, StateReason: r.StateReason, StateTransitionReason: r.StateTransitionReason,
		Placement: r.Placement, Tags: r.Tags,
		Architecture: r.Architecture, VirtualizationType: "hvm", Hypervisor: r.Hypervisor,
		RootDeviceType: "ebs", RootDeviceName: "/dev/xvda", AmiLaunchIndex: r.AmiLaunchIndex, ClientToken: r.ClientToken,
		NetworkInterfaces: []ec2.InstanceNetworkInterface{}, SecurityGroups: []ec2.GroupIdentifier{},
		InstanceLifecycle: r.InstanceLifecycle, SpotInstanceRequestId: r.SpotInstanceRequestId, SpotInstanceAction: r.Notice,
	}
	if t := cfg.Types[r.InstanceType]; t != nil {
		threads := max(t.ThreadsPerCore, 1)
		in.CpuOptions = ec2.CpuOptions{CoreCount: t.VCPUs / threads, ThreadsPerCore: threads}
	}
	for i, id := range r.Enis {
		e := rs.enis[id]
		if e == nil {
			continue
		}
		ni := rs.instanceENI(e)
		in.NetworkInterfaces = append(in.NetworkInterfaces, ni)
		if i == 0 {
			in.SubnetId, in.VpcId, in.SecurityGroups = ni.SubnetId, ni.VpcId, ni.Groups
			in.PrivateIpAddress = ni.PrivateIpAddress
			if priv, err := netip.ParseAddr(ni.PrivateIpAddress); err == nil {
				in.PrivateDnsName = privateDNS(r.Region, priv)
			}
			if ni.Association != nil {
				in.PublicIpAddress = ni.Association.PublicIp
				in.PublicDnsName = publicDNS(r.Region, mustAddr(in.PublicIpAddress))
			}
		}
	}
	return in
}

// holdsHost reports whether the instance uses host capacity in its state.
func holdsHost(state string) bool {
	switch state {
	case ec2.StatePending, ec2.StateRunning, ec2.StateStopping, ec2.StateShuttingDown:
		return true
	}
	return false
}

// keyRecord is a stored key pair (never the private half).
type keyRecord struct {
	ec2.KeyPairInfo
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

// loadRecords reads every record of every region and rebuilds the address
// and host books from them.
func (c *Cloud) loadRecords(ctx context.Context) error {
	for name, rs := range c.regions {
		err := scanKind(ctx, c.st, store.KindInstance, name, func(r *instRecord) error {
			rs.instances[r.InstanceId] = r
			c.where[r.InstanceId] = rs
			if holdsHost(r.State.Name) && r.Placement.HostId != "" && c.cfg.Types[r.InstanceType] != nil {
				c.claimHost(c.newTx(rs), r.Placement.HostId, r)
			}
			return nil
		})
		if err == nil {
			err = scanKind(ctx, c.st, store.KindENI, name, func(e *eniRecord) error {
				if len(e.Groups) == 1 && e.Groups[0] == rs.net.DefaultGroupId {
					e.Groups = rs.defaultGroupIDs() // one slice for the fleet
				}
				rs.enis[e.NetworkInterfaceId] = e
				return rs.reserveENI(e)
			})
		}
		if err == nil {
			err = scanKind(ctx, c.st, store.KindEIP, name, func(e *eipRecord) error {
				rs.eips[e.AllocationId] = e
				if err := reservePublic(rs, e.PublicIp); err != nil {
					return fmt.Errorf("elastic IP %s: %w", e.AllocationId, err)
				}
				return nil
			})
		}
		if err == nil {
			err = scanKind(ctx, c.st, store.KindGroup, name, func(g *sgRecord) error {
				rs.sgs[g.GroupId] = g
				return nil
			})
		}
		if err == nil {
			err = c.loadUsage(ctx, rs)
		}
		if err == nil {
			err = scanKind(ctx, c.st, kindSpotRequest, name, func(r *ec2.SpotInstanceRequest) error {
				rs.spotReqs[r.SpotInstanceRequestId] = r
				return nil
			})
		}
		if err == nil {
			var p spotPrices
			switch gerr := c.st.Get(ctx, store.Key(kindSpotPrices, name), &p); {
			case gerr == nil:
				rs.spot = p
			case !errors.Is(gerr, store.ErrNotFound):
				err = gerr
			}
		}
		if err == nil {
			err = scanKind(ctx, c.st, store.KindKeyPair, name, func(k *keyRecord) error {
				rs.keys[k.KeyName] = k
				return nil
			})
		}
		if err == nil {
			err = scanKind(ctx, c.st, store.KindToken, name, func(t *tokenRecord) error {
				rs.tokens[t.Token] = t
				return nil
			})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// scanKind decodes every record of a kind in a region.
func scanKind[T any](ctx context.Context, st *store.Store, kind, region string, fn func(*T) error) error {
	return st.Scan(ctx, kind, region, func(k, v []byte) error {
		r := new(T)
		if err := json.Unmarshal(v, r); err != nil {
			return fmt.Errorf("decode %s: %w", k, err)
		}
		return fn(r)
	})
}

// reserveENI marks an interface's private addresses, and the public ones it
// holds from the pool, as taken.
func (rs *regionState) reserveENI(e *eniRecord) error {
	sub := rs.net.SubnetByID(e.SubnetId)
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
		if a.auto() {
			if err := reservePublic(rs, a.Public); err != nil {
				return fmt.Errorf("interface %s: public %w", e.NetworkInterfaceId, err)
			}
		}
	}
	return nil
}

// releaseENI returns an interface's private addresses, and any public one it
// holds from the pool, to their pools (the interface is being deleted).
func (rs *regionState) releaseENI(e *eniRecord) {
	sub := rs.net.SubnetByID(e.SubnetId)
	for _, a := range e.Addrs {
		if sub != nil {
			sub.Release(mustAddr(a.Private))
		}
		if a.auto() {
			rs.net.Public().Release(mustAddr(a.Public))
		}
	}
}

// reservePublic marks a stored public address as taken in the region's
// pool. An address outside the pool was handed out before the config
// changed the pool (hosts that run real guests switch a region to its
// local pool): its owner keeps it, and it never returns to the new pool.
func reservePublic(rs *regionState, a string) error {
	err := rs.net.Public().Reserve(mustAddr(a))
	if errors.Is(err, netw.ErrOutOfRange) {
		return nil
	}
	return err
}
