package core

import (
	"context"
	"sync"

	"github.com/ec2x/ec2x/core/ec2"
)

// DescribeInstanceMetadata returns what the instance's metadata service
// serves (an ec2x action; the daemon's IMDS reads it per request).
func (c *Cloud) DescribeInstanceMetadata(ctx context.Context, region string, in *ec2.InstanceIdInput) (*ec2.InstanceMetadata, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	rs, r, err := c.instanceLocked(region, in.InstanceId)
	if err != nil {
		return nil, err
	}
	api := rs.api(c.cfg, r)
	md := &ec2.InstanceMetadata{
		InstanceId: r.InstanceId, InstanceType: r.InstanceType, ImageId: r.ImageId, ReservationId: r.reservation(),
		Region: region, AvailabilityZone: r.Placement.AvailabilityZone, Architecture: r.Architecture, State: r.State.Name,
		LocalIpv4: api.PrivateIpAddress, PublicIpv4: api.PublicIpAddress, LocalHostname: api.PrivateDnsName,
		PublicHostname: api.PublicDnsName, UserData: r.UserData, SpotAction: r.Notice, SecurityGroups: []string{},
		PublicKeys: []ec2.KeyPairInfo{}, LaunchTime: r.LaunchTime.UTC().Format("2006-01-02T15:04:05Z"),
	}
	if len(api.NetworkInterfaces) > 0 {
		md.Mac = api.NetworkInterfaces[0].MacAddress
	}
	for _, g := range api.SecurityGroups {
		md.SecurityGroups = append(md.SecurityGroups, g.GroupName)
	}
	if r.KeyName != "" {
		for _, k := range rs.keys {
			if k.KeyName == r.KeyName {
				md.PublicKeys = append(md.PublicKeys, k.KeyPairInfo)
			}
		}
	}
	return md, nil
}

// MetadataEndpoints opens an instance's metadata service; the daemon
// provides it (core has no listeners of its own).
type MetadataEndpoints interface {
	Open(ctx context.Context, region, instanceID string) (url string, err error)
}

// metadataHook holds the daemon's MetadataEndpoints.
type metadataHook struct {
	mu sync.Mutex
	m  MetadataEndpoints
}

// SetMetadataEndpoints lets OpenInstanceMetadataEndpoint serve instances.
func (c *Cloud) SetMetadataEndpoints(m MetadataEndpoints) {
	c.metadata.mu.Lock()
	defer c.metadata.mu.Unlock()
	c.metadata.m = m
}

// OpenInstanceMetadataEndpoint returns the address of the instance's
// metadata service, opening it on first use (an ec2x action: on EC2 the
// guest reaches it at 169.254.169.254).
func (c *Cloud) OpenInstanceMetadataEndpoint(ctx context.Context, region string, in *ec2.InstanceIdInput) (*ec2.MetadataEndpoint, error) {
	md, err := c.DescribeInstanceMetadata(ctx, region, in)
	if err != nil {
		return nil, err
	}
	if md.State == ec2.StateTerminated {
		return nil, ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is terminated", in.InstanceId)
	}
	c.metadata.mu.Lock()
	m := c.metadata.m
	c.metadata.mu.Unlock()
	if m == nil {
		return nil, ec2.Errorf(ec2.CodeUnsupportedOperation, "This ec2x process serves no instance metadata")
	}
	url, err := m.Open(ctx, region, md.InstanceId)
	if err != nil {
		return nil, err
	}
	return &ec2.MetadataEndpoint{InstanceId: md.InstanceId, Url: url}, nil
}
