package core

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"time"

	"github.com/ec2x/ec2x/core/store"
)

// instRecord is an instance as stored: the API shape plus what EC2 keeps
// but does not show in DescribeInstances. Records in memory are never
// changed in place once published; a change makes a new record (copy on
// write), so readers may encode them without holding the lock.
type instRecord struct {
	Instance
	Region     string    `json:"Region"`
	UserData   []byte    `json:"UserData,omitempty"`
	VolumeGiB  int       `json:"VolumeGiB"`
	StateSince time.Time `json:"StateSince"`
	// AutoPublicIP is true when PublicIpAddress came from the pool at launch
	// or start (and goes back at stop), not from an Elastic IP.
	AutoPublicIP bool   `json:"AutoPublicIP,omitempty"`
	Workload     string `json:"Workload,omitempty"`
}

// clone returns a copy that may be changed without touching r.
func (r *instRecord) clone() *instRecord {
	n := *r
	n.Tags = append([]Tag(nil), r.Tags...)
	n.SecurityGroups = append([]GroupIdentifier(nil), r.SecurityGroups...)
	n.NetworkInterfaces = make([]InstanceNetworkInterface, len(r.NetworkInterfaces))
	for i, ni := range r.NetworkInterfaces {
		ni.PrivateIpAddresses = append([]PrivateIP(nil), ni.PrivateIpAddresses...)
		for j := range ni.PrivateIpAddresses {
			if a := ni.PrivateIpAddresses[j].Association; a != nil {
				cp := *a
				ni.PrivateIpAddresses[j].Association = &cp
			}
		}
		if ni.Association != nil {
			cp := *ni.Association
			ni.Association = &cp
		}
		ni.Groups = append([]GroupIdentifier(nil), ni.Groups...)
		n.NetworkInterfaces[i] = ni
	}
	if r.StateReason != nil {
		sr := *r.StateReason
		n.StateReason = &sr
	}
	return &n
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
	for _, ni := range r.NetworkInterfaces {
		sub := rs.net.SubnetByID(ni.SubnetId)
		if sub == nil {
			return fmt.Errorf("instance %s: unknown subnet %s", r.InstanceId, ni.SubnetId)
		}
		for _, p := range ni.PrivateIpAddresses {
			a, err := netip.ParseAddr(p.PrivateIpAddress)
			if err != nil {
				return fmt.Errorf("instance %s: %w", r.InstanceId, err)
			}
			if err := sub.Reserve(a); err != nil {
				return fmt.Errorf("instance %s: private %w", r.InstanceId, err)
			}
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
