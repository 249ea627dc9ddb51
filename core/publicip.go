package core

import (
	"context"
	"net/netip"
	"sort"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/hv"
)

// PublicEndpoint is one public IPv4 address of a running instance on a
// driver with real guests, with the TCP ports its security groups open:
// what the daemon forwards from this machine to the guest.
type PublicEndpoint struct {
	Region      string
	InstanceId  string
	DeviceIndex int    // the interface's device index on the instance
	PublicIp    string // an address on this machine (qemu's pool is loopback)
	PrivateIp   string // where in the guest the traffic goes
	Rules       []PortRule
}

// PortRule admits TCP to ports From..To from the sources.
type PortRule struct {
	From, To int
	Sources  []netip.Prefix
}

// Allows reports whether a connection from src to port is admitted.
func (e *PublicEndpoint) Allows(src netip.Addr, port int) bool {
	for _, r := range e.Rules {
		if port < r.From || port > r.To {
			continue
		}
		for _, p := range r.Sources {
			if p.Contains(src.Unmap()) {
				return true
			}
		}
	}
	return false
}

// PublicEndpoints lists the public addresses to forward, in a stable order.
func (c *Cloud) PublicEndpoints(ctx context.Context) []PublicEndpoint {
	c.mu.RLock()
	defer c.mu.RUnlock()
	forwarding := false
	for _, d := range c.drivers {
		if _, ok := d.(hv.PortForwarder); ok {
			forwarding = true
		}
	}
	if !forwarding { // sim fleets: nothing to walk
		return nil
	}
	var out []PublicEndpoint
	for name, rs := range c.regions {
		for _, r := range rs.instances {
			if r.State.Name != ec2.StateRunning {
				continue
			}
			d := c.driverOf(r.Placement.HostId)
			if _, ok := d.(hv.PortForwarder); !ok || !d.Capabilities().RealGuest {
				continue
			}
			for _, id := range r.Enis {
				e := rs.enis[id]
				if e == nil {
					continue
				}
				rules := rs.tcpRules(e.Groups)
				for _, a := range e.Addrs {
					if a.Public == "" {
						continue
					}
					out = append(out, PublicEndpoint{Region: name, InstanceId: r.InstanceId, DeviceIndex: e.DeviceIndex,
						PublicIp: a.Public, PrivateIp: a.Private, Rules: rules})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PublicIp < out[j].PublicIp })
	return out
}

// tcpRules are the TCP ingress rules (tcp or all protocols) of groups.
func (rs *regionState) tcpRules(groups []string) []PortRule {
	var out []PortRule
	for _, g := range groups {
		sg := rs.sgs[g]
		if sg == nil {
			continue
		}
		for _, p := range sg.IpPermissions {
			if p.IpProtocol != "tcp" && p.IpProtocol != "-1" {
				continue
			}
			from, to := 0, 65535
			if p.IpProtocol == "tcp" && p.FromPort != nil && p.ToPort != nil {
				from, to = *p.FromPort, *p.ToPort
			}
			var srcs []netip.Prefix
			for _, rg := range p.IpRanges {
				if pf, err := netip.ParsePrefix(rg.CidrIp); err == nil {
					srcs = append(srcs, pf)
				}
			}
			if len(srcs) > 0 {
				out = append(out, PortRule{From: from, To: to, Sources: srcs})
			}
		}
	}
	return out
}

// ForwardPort asks the instance's driver for a host address that reaches
// a port of the guest on one of its interfaces.
func (c *Cloud) ForwardPort(ctx context.Context, region, id string, deviceIndex, port int) (string, error) {
	c.mu.RLock()
	_, r, err := c.instanceLocked(region, id)
	if err != nil {
		c.mu.RUnlock()
		return "", err
	}
	d := c.driverOf(r.Placement.HostId)
	c.mu.RUnlock()
	f, ok := d.(hv.PortForwarder)
	if !ok {
		return "", ec2.Errorf(ec2.CodeUnsupported, "the %s driver forwards no ports", d.Name())
	}
	return f.ForwardPort(ctx, id, deviceIndex, port)
}
