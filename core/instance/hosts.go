package instance

import (
	"context"
	"errors"
	"net/netip"
	"sort"
	"strings"
	"sync"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/keypair"
	"github.com/ec2x/ec2x/core/network"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/hv"
)

// readOne finds one instance and its host's driver under the region's
// read lock (for calls that then talk to the driver without it).
func (s *Service) readOne(region, id string) (*Record, hv.Driver, error) {
	var rec *Record
	err := s.viewOne(region, id, func(_ state.Reader, r *Record) error { rec = r; return nil })
	if err != nil {
		return nil, nil, err
	}
	return rec, s.driverOf(rec.Placement.HostId), nil
}

// viewOne finds one instance and runs f with it under the region's read
// lock, failing as EC2 does for a bad ID.
func (s *Service) viewOne(region, id string, f func(rd state.Reader, r *Record) error) error {
	rg, err := s.rt.Region(region)
	if err != nil {
		return err
	}
	rg.RLock()
	defer rg.RUnlock()
	r, err := s.one(rg, id)
	if err != nil {
		return err
	}
	return f(rg, r)
}

// DescribeHosts lists the region's host servers with their use and guests:
// the scheduler made visible.
func (s *Service) DescribeHosts(ctx context.Context, region string, _ *ec2.Empty) (*ec2.DescribeHostsOutput, error) {
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	r.RLock()
	defer r.RUnlock()
	guests := map[string][]ec2.HostInstance{}
	for _, rec := range state.Published(r, Instances) {
		if rec.Placement.HostId != "" && HoldsHost(rec.State.Name) {
			guests[rec.Placement.HostId] = append(guests[rec.Placement.HostId], ec2.HostInstance{InstanceId: rec.InstanceId, InstanceType: rec.InstanceType, State: rec.State.Name})
		}
	}
	out := &ec2.DescribeHostsOutput{Hosts: []ec2.HostInfo{}}
	for _, h := range s.sched.Hosts(region) {
		g := guests[h.ID]
		sort.Slice(g, func(i, j int) bool { return g[i].InstanceId < g[j].InstanceId })
		if g == nil {
			g = []ec2.HostInstance{}
		}
		info := ec2.HostInfo{Host: h.Host, CapacityVCpus: h.CapVCPUs(), CapacityMemoryMiB: h.CapMemoryMiB(), Instances: g}
		if a, ok := s.drivers[h.Driver].(hv.Accelerated); ok {
			info.Acceleration = a.Accel()
		}
		out.Hosts = append(out.Hosts, info)
	}
	return out, nil
}

// ExplainPlacement runs the scheduler without claiming anything.
func (s *Service) ExplainPlacement(ctx context.Context, region string, in *ec2.ExplainPlacementInput) (*ec2.ExplainPlacementOutput, error) {
	name := in.InstanceType
	if name == "" {
		name = "t2.micro"
	}
	if s.cfg.Types[name] == nil {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for InstanceType.", name)
	}
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	r.RLock()
	defer r.RUnlock()
	if in.AvailabilityZone != "" && s.net.SubnetByZone(r, in.AvailabilityZone) == nil {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid availability zone: [%s]", in.AvailabilityZone)
	}
	_, res, _ := s.sched.Place(region, s.request(name, in.AvailabilityZone, ""), true)
	return &ec2.ExplainPlacementOutput{Hosts: res}, nil
}

// DescribeSSHTarget says how to reach a running instance with SSH (an ec2x
// action): only drivers that run a real guest OS can answer.
func (s *Service) DescribeSSHTarget(ctx context.Context, region string, in *ec2.SSHTargetInput) (*ec2.SSHTarget, error) {
	r, d, err := s.readOne(region, in.InstanceId)
	if err != nil {
		return nil, err
	}
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
	user := "root"
	if _, img := s.cat.ImageByID(region, r.ImageId); img != nil {
		user = img.User
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
	imgName, img := s.cat.ImageByID(region, r.ImageId)
	spec := hv.GuestSpec{
		ID: r.InstanceId, HostID: r.Placement.HostId, Region: region, Zone: r.Placement.AvailabilityZone,
		InstanceType: r.InstanceType, VCPUs: t.VCPUs, MemoryMiB: t.MemoryMiB,
		UserData: r.UserData, VolumeGiB: r.VolumeGiB, Workload: r.Workload, Load: s.loadProfile(r.Workload),
	}
	if img != nil {
		spec.Image = hv.Image{ID: r.ImageId, Name: imgName, Arch: img.Arch, User: img.User,
			Disk: img.Disk, Kernel: img.Kernel, Initrd: img.Initrd}
	}
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
	DeviceIndex int    // the interface's device index on the instance
	PublicIp    string // an address on this machine (qemu's pool is loopback)
	PrivateIp   string // where in the guest the traffic goes
	Rules       []network.PortRule
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
				if e == nil {
					continue
				}
				rules := network.TCPRules(r, e.Groups)
				for _, a := range e.Addrs {
					if a.Public == "" {
						continue
					}
					out = append(out, PublicEndpoint{Region: r.Name, InstanceId: rec.InstanceId, DeviceIndex: e.DeviceIndex,
						PublicIp: a.Public, PrivateIp: a.Private, Rules: rules})
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

// DescribeInstanceMetadata returns what the instance's metadata service
// serves (an ec2x action; the daemon's IMDS reads it per request).
func (s *Service) DescribeInstanceMetadata(ctx context.Context, region string, in *ec2.InstanceIdInput) (*ec2.InstanceMetadata, error) {
	var md *ec2.InstanceMetadata
	err := s.viewOne(region, in.InstanceId, func(rd state.Reader, r *Record) error {
		v := s.view(rd, r)
		md = &ec2.InstanceMetadata{
			InstanceId: r.InstanceId, InstanceType: r.InstanceType, ImageId: r.ImageId, ReservationId: r.reservation(),
			Region: region, AvailabilityZone: r.Placement.AvailabilityZone, Architecture: r.Architecture, State: r.State.Name,
			LocalIpv4: v.PrivateIpAddress, PublicIpv4: v.PublicIpAddress, LocalHostname: v.PrivateDnsName,
			PublicHostname: v.PublicDnsName, UserData: r.UserData, SpotAction: r.Notice, SecurityGroups: []string{},
			PublicKeys: []ec2.KeyPairInfo{}, LaunchTime: r.LaunchTime.UTC().Format("2006-01-02T15:04:05Z"),
		}
		if len(v.NetworkInterfaces) > 0 {
			md.Mac = v.NetworkInterfaces[0].MacAddress
		}
		for _, g := range v.SecurityGroups {
			md.SecurityGroups = append(md.SecurityGroups, g.GroupName)
		}
		if k := keypair.Get(rd, r.KeyName); r.KeyName != "" && k != nil {
			md.PublicKeys = append(md.PublicKeys, k.KeyPairInfo)
		}
		return nil
	})
	return md, err
}

// MetadataEndpoints opens an instance's metadata service; the daemon
// provides it (the families have no listeners of their own).
type MetadataEndpoints interface {
	Open(ctx context.Context, region, instanceID string) (url string, err error)
}

// metadataHook holds the daemon's MetadataEndpoints.
type metadataHook struct {
	mu sync.Mutex
	m  MetadataEndpoints
}

// SetMetadataEndpoints lets OpenInstanceMetadataEndpoint serve instances.
func (s *Service) SetMetadataEndpoints(m MetadataEndpoints) {
	s.metadata.mu.Lock()
	defer s.metadata.mu.Unlock()
	s.metadata.m = m
}

// OpenInstanceMetadataEndpoint returns the address of the instance's
// metadata service, opening it on first use (an ec2x action: on EC2 the
// guest reaches it at 169.254.169.254).
func (s *Service) OpenInstanceMetadataEndpoint(ctx context.Context, region string, in *ec2.InstanceIdInput) (*ec2.MetadataEndpoint, error) {
	md, err := s.DescribeInstanceMetadata(ctx, region, in)
	if err != nil {
		return nil, err
	}
	if md.State == ec2.StateTerminated {
		return nil, ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is terminated", in.InstanceId)
	}
	s.metadata.mu.Lock()
	m := s.metadata.m
	s.metadata.mu.Unlock()
	if m == nil {
		return nil, ec2.Errorf(ec2.CodeUnsupportedOperation, "This ec2x process serves no instance metadata")
	}
	url, err := m.Open(ctx, region, md.InstanceId)
	if err != nil {
		return nil, err
	}
	return &ec2.MetadataEndpoint{InstanceId: md.InstanceId, Url: url}, nil
}
