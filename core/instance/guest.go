package instance

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sort"
	"strings"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/keypair"
	"github.com/ec2x/ec2x/core/network"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/hv"
)

// DescribeSSHTarget says how to reach a running instance with SSH (an ec2x
// action): only drivers that run a real guest OS can answer.
func (s *Service) DescribeSSHTarget(ctx context.Context, region string, in *ec2.SSHTargetInput) (*ec2.SSHTarget, error) {
	var r *Record
	user := "root"
	err := s.viewOne(region, in.InstanceId, func(rd state.Reader, rec *Record) error {
		r = rec
		if _, img := s.cat.ImageByID(rd, r.ImageId); img != nil {
			user = img.User
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	d := s.driverOf(r.Placement.HostId)
	if r.State.Name != ec2.StateRunning {
		return nil, ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is %s; SSH needs it running.", r.InstanceId, r.State.Name)
	}
	ep, ok := d.(hv.SSHEndpoint)
	if !d.Capabilities().RealGuest || !ok {
		return nil, ec2.Errorf(ec2.CodeUnsupported, "The instance '%s' runs on the %s driver, which has no guest operating system to log in to; SSH needs a driver with real guests (qemu).", r.InstanceId, d.Name())
	}
	host, port, err := ep.SSHAddress(ctx, r.InstanceId)
	if err != nil {
		return nil, ec2.Errorf(ec2.CodeInternalError, "SSH address of %s: %v", r.InstanceId, err)
	}
	return &ec2.SSHTarget{InstanceId: r.InstanceId, Host: host, Port: port, User: user, KeyName: r.KeyName}, nil
}

// GetConsoleOutput returns an instance's system log: the last 64 KiB its
// guest printed, readable while it is stopped.
func (s *Service) GetConsoleOutput(ctx context.Context, region string, in *ec2.GetConsoleOutputInput) (*ec2.ConsoleOutput, error) {
	r, d, err := s.readOne(region, in.InstanceId)
	if err != nil {
		return nil, err
	}
	out := &ec2.ConsoleOutput{InstanceId: r.InstanceId, Timestamp: s.clk.Now().UTC().Format("2006-01-02T15:04:05.000Z")}
	data, err := d.Console(ctx, r.InstanceId)
	switch {
	case errors.Is(err, hv.ErrNotFound):
		// A terminated guest is gone, and so is its console.
		return out, nil
	case err != nil:
		return nil, ec2.Errorf(ec2.CodeInternalError, "console of %s: %v", r.InstanceId, err)
	}
	out.Output = string(data)
	return out, nil
}

// spec builds the driver's view of an instance as rd sees it.
func (s *Service) spec(rd state.Reader, r *Record) hv.GuestSpec {
	t := s.cfg.Types[r.InstanceType]
	region := rd.Region().Name
	imgName, img := s.cat.ImageByID(rd, r.ImageId)
	spec := hv.GuestSpec{
		ID: r.InstanceId, HostID: r.Placement.HostId, Region: region, Zone: r.Placement.AvailabilityZone,
		InstanceType: r.InstanceType, VCPUs: t.VCPUs, MemoryMiB: t.MemoryMiB,
		UserData: r.UserData, VolumeGiB: int(r.VolumeGiB), Workload: r.Workload, Load: s.loadProfile(r.Workload),
	}
	if img != nil {
		spec.Image = hv.Image{ID: r.ImageId, Name: imgName, Arch: img.Arch, User: img.User,
			Disk: img.Disk, Kernel: img.Kernel, Initrd: img.Initrd, KernelArgs: img.KernelArgs}
	}
	s.specDisks(r, &spec)
	spec.SSHPublicKey = keypair.PublicKey(rd, r.KeyName)
	for _, id := range r.Enis {
		if e := network.Interface(rd, id); e != nil {
			spec.NICs = append(spec.NICs, s.net.NIC(rd, e))
		}
	}
	if len(spec.NICs) > 0 {
		spec.Hostname = "ip-" + strings.ReplaceAll(spec.NICs[0].PrivateIP, ".", "-")
	}
	return spec
}

// PublicEndpoint is one public IPv4 address of a running instance on a
// driver with real guests, with the TCP ports its security groups open:
// what the daemon forwards from this machine to the guest.
type PublicEndpoint struct {
	Region      string
	InstanceId  string
	DeviceIndex int                // the interface's device index on the instance
	PublicIp    string             // an address on this machine (qemu's pool is loopback)
	PrivateIp   string             // where in the guest the traffic goes
	Rules       []network.PortRule // TCP
	UDPRules    []network.PortRule
	// ACL is the subnet's network ACL; a connection passes it inbound and
	// its replies outbound (to the client's port), as EC2's stateless
	// ACLs check each packet.
	ACL *network.ACL
}

// Allows reports whether a TCP connection from src to port is admitted:
// by the subnet's ACL both ways, then by the security groups.
func (e *PublicEndpoint) Allows(src netip.AddrPort, port int) bool {
	return e.allows("6", e.Rules, src, port)
}

// AllowsUDP reports the same of UDP datagrams from src to port (and
// their answers).
func (e *PublicEndpoint) AllowsUDP(src netip.AddrPort, port int) bool {
	return e.allows("17", e.UDPRules, src, port)
}

func (e *PublicEndpoint) allows(proto string, rules []network.PortRule, src netip.AddrPort, port int) bool {
	if !e.ACL.Allows(proto, false, src.Addr(), port) || !e.ACL.Allows(proto, true, src.Addr(), int(src.Port())) {
		return false
	}
	for _, r := range rules {
		if port < r.From || port > r.To {
			continue
		}
		for _, p := range r.Sources {
			if p.Contains(src.Addr().Unmap()) {
				return true
			}
		}
	}
	return false
}

// PublicEndpoints lists the public addresses to forward, in a stable order.
func (s *Service) PublicEndpoints(ctx context.Context) []PublicEndpoint {
	forwarding := false
	for _, d := range s.drivers {
		if _, ok := d.(hv.PortForwarder); ok {
			forwarding = true
		}
	}
	if !forwarding { // sim fleets: nothing to walk
		return nil
	}
	var out []PublicEndpoint
	for _, r := range s.rt.Regions() {
		r.RLock()
		for _, rec := range state.Published(r, Instances) {
			if rec.State.Name != ec2.StateRunning {
				continue
			}
			d := s.driverOf(rec.Placement.HostId)
			if _, ok := d.(hv.PortForwarder); !ok || !d.Capabilities().RealGuest {
				continue
			}
			for _, id := range rec.Enis {
				e := network.Interface(r, id)
				// a public IP answers only where the subnet routes to
				// an attached internet gateway
				if e == nil || !s.net.InternetRouted(r, e.SubnetId) {
					continue
				}
				rules, udp, acl := network.PortRules(r, e.Groups, "tcp"), network.PortRules(r, e.Groups, "udp"), s.net.SubnetACL(r, e.SubnetId)
				for _, a := range e.Addrs {
					if a.Public == "" {
						continue
					}
					out = append(out, PublicEndpoint{Region: r.Name, InstanceId: rec.InstanceId, DeviceIndex: e.DeviceIndex,
						PublicIp: a.Public, PrivateIp: a.Private, Rules: rules, UDPRules: udp, ACL: acl})
				}
			}
		}
		r.RUnlock()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PublicIp < out[j].PublicIp })
	return out
}

// ForwardPort asks the instance's driver for a host address that reaches
// a port of the guest on one of its interfaces.
func (s *Service) ForwardPort(ctx context.Context, region, id string, deviceIndex, port int) (string, error) {
	_, d, err := s.readOne(region, id)
	if err != nil {
		return "", err
	}
	f, ok := d.(hv.PortForwarder)
	if !ok {
		return "", ec2.Errorf(ec2.CodeUnsupported, "the %s driver forwards no ports", d.Name())
	}
	return f.ForwardPort(ctx, id, deviceIndex, port)
}

// DialGuest connects to a guest port from inside its network, TCP or
// UDP (drivers with a private VPC network).
func (s *Service) DialGuest(ctx context.Context, region, id string, deviceIndex int, network string, port int) (net.Conn, error) {
	_, d, err := s.readOne(region, id)
	if err != nil {
		return nil, err
	}
	g, ok := d.(hv.GuestDialer)
	if !ok {
		return nil, ec2.Errorf(ec2.CodeUnsupported, "the %s driver connects to no guest ports", d.Name())
	}
	return g.DialGuest(ctx, id, deviceIndex, network, port)
}
