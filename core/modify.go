package core

import (
	"context"
	"encoding/base64"
	"sort"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/sched"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/hv"
)

// ModifyInstanceAttribute changes the type or user data of a stopped instance.
func (c *Cloud) ModifyInstanceAttribute(ctx context.Context, region string, in *ec2.ModifyInstanceAttributeInput) (*ec2.Empty, error) {
	if in.InstanceType == nil && in.UserData == nil {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain an attribute to modify (InstanceType or UserData)")
	}
	if in.InstanceType != nil && in.UserData != nil {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Modify one attribute per request")
	}
	c.mu.Lock()
	rs, err := c.region(region)
	if err != nil {
		c.mu.Unlock()
		return nil, err
	}
	recs, err := c.lookupLocked(rs, []string{in.InstanceId})
	if err != nil {
		c.mu.Unlock()
		return nil, err
	}
	r := recs[0]
	n := r.clone()
	var resize *configs.InstType
	switch {
	case in.InstanceType != nil:
		name := in.InstanceType.Value
		t := c.cfg.Types[name]
		if t == nil {
			c.mu.Unlock()
			return nil, ec2.Errorf(ec2.CodeInvalidInstanceAttributeValue, "The instanceType '%s' is not supported.", name)
		}
		if r.State.Name != ec2.StateStopped {
			c.mu.Unlock()
			return nil, ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is not in the 'stopped' state.", r.InstanceId)
		}
		if !contains(t.Arch, r.Architecture) {
			c.mu.Unlock()
			return nil, ec2.Errorf(ec2.CodeInvalidInstanceAttributeValue, "The instance type '%s' does not support the '%s' architecture of the instance's image.", name, r.Architecture)
		}
		if n := r.interfaceCount(); n > t.MaxENIs {
			c.mu.Unlock()
			return nil, ec2.Errorf(ec2.CodeInvalidInstanceAttributeValue, "The instance type '%s' supports %d network interfaces; the instance has %d.", name, t.MaxENIs, n)
		}
		for _, id := range r.Enis {
			if e := rs.enis[id]; e != nil && len(e.Addrs) > t.IPv4PerENI {
				c.mu.Unlock()
				return nil, ec2.Errorf(ec2.CodeInvalidInstanceAttributeValue, "The instance type '%s' supports %d private addresses per network interface; %s has %d.", name, t.IPv4PerENI, id, len(e.Addrs))
			}
		}
		if !c.familyServed(rs.name, r.Placement.AvailabilityZone, configs.Family(name)) {
			c.mu.Unlock()
			return nil, ec2.Errorf(ec2.CodeInvalidInstanceAttributeValue, "No host in %s serves the %s family.", r.Placement.AvailabilityZone, configs.Family(name))
		}
		n.InstanceType = name
		resize = t
	case in.UserData != nil:
		if r.State.Name != ec2.StateStopped {
			c.mu.Unlock()
			return nil, ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is not in the 'stopped' state.", r.InstanceId)
		}
		data, err := base64.StdEncoding.DecodeString(in.UserData.Value)
		if err != nil {
			c.mu.Unlock()
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid BASE64 encoding of user data.")
		}
		if len(data) > maxUserData {
			c.mu.Unlock()
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "User data is limited to %d bytes", maxUserData)
		}
		n.UserData = data
	}
	if in.DryRun {
		c.mu.Unlock()
		return nil, ec2.Errorf(ec2.CodeDryRunOperation, "Request would have succeeded, but DryRun flag is set.")
	}
	rs.instances[n.InstanceId] = n
	b := store.NewBatch()
	b.Put(store.InstanceKey(region, n.InstanceId), n)
	d := c.driverOf(r.Placement.HostId)
	wait := c.commitLocked(ctx, b)
	c.notifyLocked()
	c.mu.Unlock()
	if err := wait(); err != nil {
		return nil, err
	}
	if resize != nil {
		if err := d.Resize(context.WithoutCancel(ctx), n.InstanceId, resize.VCPUs, resize.MemoryMiB); err != nil {
			c.log.Error().Err(err).Str("instance", n.InstanceId).Msg("driver resize failed")
		}
	}
	return &ec2.Empty{Return: true}, nil
}

// familyServed reports whether any host of the zone serves the family.
func (c *Cloud) familyServed(region, zone, family string) bool {
	for _, h := range c.sched.Hosts(region) {
		if h.Zone == zone && (len(h.Families) == 0 || contains(h.Families, family)) {
			return true
		}
	}
	return false
}

func familyOf(typ string) string { return configs.Family(typ) }

// DescribeInstanceAttribute returns instanceType or userData (base64).
func (c *Cloud) DescribeInstanceAttribute(ctx context.Context, region string, in *ec2.DescribeInstanceAttributeInput) (*ec2.DescribeInstanceAttributeOutput, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, r, err := c.instanceLocked(region, in.InstanceId)
	if err != nil {
		return nil, err
	}
	out := &ec2.DescribeInstanceAttributeOutput{InstanceId: r.InstanceId}
	switch in.Attribute {
	case "instanceType":
		out.InstanceType = &ec2.AttributeValue{Value: r.InstanceType}
	case "userData":
		out.UserData = &ec2.AttributeValue{Value: base64.StdEncoding.EncodeToString(r.UserData)}
	default:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter attribute is invalid. Use instanceType or userData.", in.Attribute)
	}
	return out, nil
}

// DescribeHosts lists the region's host servers with their use and guests:
// the scheduler made visible.
func (c *Cloud) DescribeHosts(ctx context.Context, region string, _ *ec2.Empty) (*ec2.DescribeHostsOutput, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	rs, err := c.region(region)
	if err != nil {
		return nil, err
	}
	guests := map[string][]ec2.HostInstance{}
	for _, r := range rs.instances {
		if r.Placement.HostId != "" && holdsHost(r.State.Name) {
			guests[r.Placement.HostId] = append(guests[r.Placement.HostId], ec2.HostInstance{InstanceId: r.InstanceId, InstanceType: r.InstanceType, State: r.State.Name})
		}
	}
	out := &ec2.DescribeHostsOutput{Hosts: []ec2.HostInfo{}}
	for _, h := range c.sched.Hosts(region) {
		g := guests[h.ID]
		sortHostInstances(g)
		if g == nil {
			g = []ec2.HostInstance{}
		}
		info := ec2.HostInfo{Host: h.Host, CapacityVCpus: h.CapVCPUs(), CapacityMemoryMiB: h.CapMemoryMiB(), Instances: g}
		if a, ok := c.drivers[h.Driver].(hv.Accelerated); ok {
			info.Acceleration = a.Accel()
		}
		out.Hosts = append(out.Hosts, info)
	}
	return out, nil
}

func sortHostInstances(g []ec2.HostInstance) {
	sort.Slice(g, func(i, j int) bool { return g[i].InstanceId < g[j].InstanceId })
}

// ExplainPlacement runs the scheduler without claiming anything.
func (c *Cloud) ExplainPlacement(ctx context.Context, region string, in *ec2.ExplainPlacementInput) (*ec2.ExplainPlacementOutput, error) {
	name := in.InstanceType
	if name == "" {
		name = "t2.micro"
	}
	t := c.cfg.Types[name]
	if t == nil {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for InstanceType.", name)
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	rs, err := c.region(region)
	if err != nil {
		return nil, err
	}
	if in.AvailabilityZone != "" && rs.net.SubnetByZone(in.AvailabilityZone) == nil {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid availability zone: [%s]", in.AvailabilityZone)
	}
	_, res, _ := c.sched.Place(region, sched.Request{Zone: in.AvailabilityZone, Family: configs.Family(name), VCPUs: t.VCPUs, MemoryMiB: t.MemoryMiB}, true)
	return &ec2.ExplainPlacementOutput{Hosts: res}, nil
}

// DescribeSSHTarget says how to reach a running instance with SSH (an ec2x
// action): only drivers that run a real guest OS can answer.
func (c *Cloud) DescribeSSHTarget(ctx context.Context, region string, in *ec2.SSHTargetInput) (*ec2.SSHTarget, error) {
	c.mu.RLock()
	_, r, err := c.instanceLocked(region, in.InstanceId)
	if err != nil {
		c.mu.RUnlock()
		return nil, err
	}
	d := c.driverOf(r.Placement.HostId)
	c.mu.RUnlock()
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
	_, img := c.imageByID(region, r.ImageId)
	user := "root"
	if img != nil {
		user = img.User
	}
	return &ec2.SSHTarget{InstanceId: r.InstanceId, Host: host, Port: port, User: user, KeyName: r.KeyName}, nil
}
