package core

import (
	"context"
	"encoding/base64"
	"sort"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/sched"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/hv"
)

// AttributeValue is EC2's {Value: ...} wrapper.
type AttributeValue struct {
	Value string `json:"Value"`
}

// ModifyInstanceAttributeInput is EC2's ModifyInstanceAttribute request.
// UserData.Value is base64, as in EC2's API.
type ModifyInstanceAttributeInput struct {
	InstanceId   string          `json:"InstanceId"`
	InstanceType *AttributeValue `json:"InstanceType,omitempty"`
	UserData     *AttributeValue `json:"UserData,omitempty"`
	DryRun       bool            `json:"DryRun,omitempty"`
}

// ModifyInstanceAttribute changes the type or user data of a stopped instance.
func (c *Cloud) ModifyInstanceAttribute(ctx context.Context, region string, in *ModifyInstanceAttributeInput) (*Empty, error) {
	if in.InstanceType == nil && in.UserData == nil {
		return nil, Errorf(CodeMissingParameter, "The request must contain an attribute to modify (InstanceType or UserData)")
	}
	if in.InstanceType != nil && in.UserData != nil {
		return nil, Errorf(CodeInvalidParameterCombination, "Modify one attribute per request")
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
			return nil, Errorf(CodeInvalidInstanceAttributeValue, "The instanceType '%s' is not supported.", name)
		}
		if r.State.Name != StateStopped {
			c.mu.Unlock()
			return nil, Errorf(CodeIncorrectInstanceState, "The instance '%s' is not in the 'stopped' state.", r.InstanceId)
		}
		if !contains(t.Arch, r.Architecture) {
			c.mu.Unlock()
			return nil, Errorf(CodeInvalidInstanceAttributeValue, "The instance type '%s' does not support the '%s' architecture of the instance's image.", name, r.Architecture)
		}
		if n := r.interfaceCount(); n > t.MaxENIs {
			c.mu.Unlock()
			return nil, Errorf(CodeInvalidInstanceAttributeValue, "The instance type '%s' supports %d network interfaces; the instance has %d.", name, t.MaxENIs, n)
		}
		for _, id := range r.Enis {
			if e := rs.enis[id]; e != nil && len(e.Addrs) > t.IPv4PerENI {
				c.mu.Unlock()
				return nil, Errorf(CodeInvalidInstanceAttributeValue, "The instance type '%s' supports %d private addresses per network interface; %s has %d.", name, t.IPv4PerENI, id, len(e.Addrs))
			}
		}
		if !c.familyServed(rs.name, r.Placement.AvailabilityZone, configs.Family(name)) {
			c.mu.Unlock()
			return nil, Errorf(CodeInvalidInstanceAttributeValue, "No host in %s serves the %s family.", r.Placement.AvailabilityZone, configs.Family(name))
		}
		n.InstanceType = name
		resize = t
	case in.UserData != nil:
		if r.State.Name != StateStopped {
			c.mu.Unlock()
			return nil, Errorf(CodeIncorrectInstanceState, "The instance '%s' is not in the 'stopped' state.", r.InstanceId)
		}
		data, err := base64.StdEncoding.DecodeString(in.UserData.Value)
		if err != nil {
			c.mu.Unlock()
			return nil, Errorf(CodeInvalidParameterValue, "Invalid BASE64 encoding of user data.")
		}
		if len(data) > maxUserData {
			c.mu.Unlock()
			return nil, Errorf(CodeInvalidParameterValue, "User data is limited to %d bytes", maxUserData)
		}
		n.UserData = data
	}
	if in.DryRun {
		c.mu.Unlock()
		return nil, Errorf(CodeDryRunOperation, "Request would have succeeded, but DryRun flag is set.")
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
	return &Empty{Return: true}, nil
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

// DescribeInstanceAttributeInput asks for one attribute of an instance.
type DescribeInstanceAttributeInput struct {
	InstanceId string `json:"InstanceId"`
	Attribute  string `json:"Attribute"`
}

// DescribeInstanceAttributeOutput carries the attribute asked for.
type DescribeInstanceAttributeOutput struct {
	InstanceId   string          `json:"InstanceId"`
	InstanceType *AttributeValue `json:"InstanceType,omitempty"`
	UserData     *AttributeValue `json:"UserData,omitempty"`
}

// DescribeInstanceAttribute returns instanceType or userData (base64).
func (c *Cloud) DescribeInstanceAttribute(ctx context.Context, region string, in *DescribeInstanceAttributeInput) (*DescribeInstanceAttributeOutput, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, r, err := c.instanceLocked(region, in.InstanceId)
	if err != nil {
		return nil, err
	}
	out := &DescribeInstanceAttributeOutput{InstanceId: r.InstanceId}
	switch in.Attribute {
	case "instanceType":
		out.InstanceType = &AttributeValue{Value: r.InstanceType}
	case "userData":
		out.UserData = &AttributeValue{Value: base64.StdEncoding.EncodeToString(r.UserData)}
	default:
		return nil, Errorf(CodeInvalidParameterValue, "Value (%s) for parameter attribute is invalid. Use instanceType or userData.", in.Attribute)
	}
	return out, nil
}

// HostInfo is a host server as `ec2x hosts ls` shows it.
type HostInfo struct {
	sched.Host
	CapacityVCpus     int `json:"CapacityVCpus"`
	CapacityMemoryMiB int `json:"CapacityMemoryMiB"`
	// Acceleration is how a driver of real guests runs them (kvm or tcg).
	Acceleration string         `json:"Acceleration,omitempty"`
	Instances    []HostInstance `json:"Instances"`
}

// HostInstance is one guest of a host.
type HostInstance struct {
	InstanceId   string `json:"InstanceId"`
	InstanceType string `json:"InstanceType"`
	State        string `json:"State"`
}

// DescribeHostsOutput lists hosts.
type DescribeHostsOutput struct {
	Hosts []HostInfo `json:"Hosts"`
}

// DescribeHosts lists the region's host servers with their use and guests:
// the scheduler made visible.
func (c *Cloud) DescribeHosts(ctx context.Context, region string, _ *Empty) (*DescribeHostsOutput, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	rs, err := c.region(region)
	if err != nil {
		return nil, err
	}
	guests := map[string][]HostInstance{}
	for _, r := range rs.instances {
		if r.Placement.HostId != "" && holdsHost(r.State.Name) {
			guests[r.Placement.HostId] = append(guests[r.Placement.HostId], HostInstance{r.InstanceId, r.InstanceType, r.State.Name})
		}
	}
	out := &DescribeHostsOutput{Hosts: []HostInfo{}}
	for _, h := range c.sched.Hosts(region) {
		g := guests[h.ID]
		sortHostInstances(g)
		if g == nil {
			g = []HostInstance{}
		}
		info := HostInfo{Host: h, CapacityVCpus: h.CapVCPUs(), CapacityMemoryMiB: h.CapMemoryMiB(), Instances: g}
		if a, ok := c.drivers[h.Driver].(hv.Accelerated); ok {
			info.Acceleration = a.Accel()
		}
		out.Hosts = append(out.Hosts, info)
	}
	return out, nil
}

func sortHostInstances(g []HostInstance) {
	sort.Slice(g, func(i, j int) bool { return g[i].InstanceId < g[j].InstanceId })
}

// ExplainPlacementInput asks where an instance of a type would go.
type ExplainPlacementInput struct {
	InstanceType     string `json:"InstanceType"`
	AvailabilityZone string `json:"AvailabilityZone,omitempty"`
}

// ExplainPlacementOutput is every host's verdict: rejected with a reason, or scored.
type ExplainPlacementOutput struct {
	Hosts []sched.Result `json:"Hosts"`
}

// ExplainPlacement runs the scheduler without claiming anything.
func (c *Cloud) ExplainPlacement(ctx context.Context, region string, in *ExplainPlacementInput) (*ExplainPlacementOutput, error) {
	name := in.InstanceType
	if name == "" {
		name = "t2.micro"
	}
	t := c.cfg.Types[name]
	if t == nil {
		return nil, Errorf(CodeInvalidParameterValue, "Invalid value '%s' for InstanceType.", name)
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	rs, err := c.region(region)
	if err != nil {
		return nil, err
	}
	if in.AvailabilityZone != "" && rs.net.SubnetByZone(in.AvailabilityZone) == nil {
		return nil, Errorf(CodeInvalidParameterValue, "Invalid availability zone: [%s]", in.AvailabilityZone)
	}
	_, res, _ := c.sched.Place(region, sched.Request{Zone: in.AvailabilityZone, Family: configs.Family(name), VCPUs: t.VCPUs, MemoryMiB: t.MemoryMiB}, true)
	return &ExplainPlacementOutput{Hosts: res}, nil
}

// SSHTargetInput names the instance to log in to.
type SSHTargetInput struct {
	InstanceId string `json:"InstanceId"`
}

// SSHTarget is where and as whom to connect to an instance with SSH.
type SSHTarget struct {
	InstanceId string `json:"InstanceId"`
	Host       string `json:"Host"`
	Port       int    `json:"Port"`
	User       string `json:"User"`
	KeyName    string `json:"KeyName"`
}

// DescribeSSHTarget says how to reach a running instance with SSH (an ec2x
// action): only drivers that run a real guest OS can answer.
func (c *Cloud) DescribeSSHTarget(ctx context.Context, region string, in *SSHTargetInput) (*SSHTarget, error) {
	c.mu.RLock()
	_, r, err := c.instanceLocked(region, in.InstanceId)
	if err != nil {
		c.mu.RUnlock()
		return nil, err
	}
	d := c.driverOf(r.Placement.HostId)
	c.mu.RUnlock()
	if r.State.Name != StateRunning {
		return nil, Errorf(CodeIncorrectInstanceState, "The instance '%s' is %s; SSH needs it running.", r.InstanceId, r.State.Name)
	}
	ep, ok := d.(hv.SSHEndpoint)
	if !d.Capabilities().RealGuest || !ok {
		return nil, Errorf(CodeUnsupported, "The instance '%s' runs on the %s driver, which has no guest operating system to log in to; SSH needs a driver with real guests (qemu).", r.InstanceId, d.Name())
	}
	host, port, err := ep.SSHAddress(ctx, r.InstanceId)
	if err != nil {
		return nil, Errorf(CodeInternalError, "SSH address of %s: %v", r.InstanceId, err)
	}
	_, img := c.imageByID(region, r.ImageId)
	user := "root"
	if img != nil {
		user = img.User
	}
	return &SSHTarget{InstanceId: r.InstanceId, Host: host, Port: port, User: user, KeyName: r.KeyName}, nil
}
