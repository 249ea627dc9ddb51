package instance

import (
	"context"
	"sort"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/hv"
)

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
		d := s.drivers[h.DriverKey()]
		if a, ok := d.(hv.Accelerated); ok {
			info.Acceleration = a.Accel()
		}
		if n, ok := d.(hv.GuestNetworker); ok {
			info.GuestNetwork = n.GuestNetwork()
		}
		info.State = "connected"
		if hr, ok := d.(hv.HealthReporter); ok {
			if err := hr.Reachable(ctx); err != nil {
				info.State, info.StateReason = "unreachable", err.Error()
			}
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
	if err := checkStrategy(in.Strategy); err != nil {
		return nil, err
	}
	req := s.request(name, in.AvailabilityZone, in.Driver)
	req.Strategy = in.Strategy
	_, res, _ := s.sched.Place(region, req, true)
	return &ec2.ExplainPlacementOutput{Hosts: res}, nil
}
