package core

import (
	"context"
	"sync"
)

// InstanceMetadata is what an instance's metadata service tells its guest
// (IMDS): who it is, where, its addresses, keys and user data, and a spot
// interruption notice when one is given.
type InstanceMetadata struct {
	InstanceId       string          `json:"InstanceId"`
	InstanceType     string          `json:"InstanceType"`
	ImageId          string          `json:"ImageId"`
	ReservationId    string          `json:"ReservationId"`
	Region           string          `json:"Region"`
	AvailabilityZone string          `json:"AvailabilityZone"`
	Architecture     string          `json:"Architecture"`
	State            string          `json:"State"`
	LocalIpv4        string          `json:"LocalIpv4,omitempty"`
	PublicIpv4       string          `json:"PublicIpv4,omitempty"`
	LocalHostname    string          `json:"LocalHostname"`
	PublicHostname   string          `json:"PublicHostname,omitempty"`
	Mac              string          `json:"Mac,omitempty"`
	SecurityGroups   []string        `json:"SecurityGroups"`
	PublicKeys       []KeyPairInfo   `json:"PublicKeys"`
	UserData         []byte          `json:"UserData,omitempty"`
	SpotAction       *InstanceAction `json:"SpotAction,omitempty"`
	LaunchTime       string          `json:"LaunchTime"`
}

// InstanceIdInput names one instance.
type InstanceIdInput struct {
	InstanceId string `json:"InstanceId"`
}

// DescribeInstanceMetadata returns what the instance's metadata service
// serves (an ec2x action; the daemon's IMDS reads it per request).
func (c *Cloud) DescribeInstanceMetadata(ctx context.Context, region string, in *InstanceIdInput) (*InstanceMetadata, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	rs, r, err := c.instanceLocked(region, in.InstanceId)
	if err != nil {
		return nil, err
	}
	api := rs.api(c.cfg, r)
	md := &InstanceMetadata{
		InstanceId: r.InstanceId, InstanceType: r.InstanceType, ImageId: r.ImageId, ReservationId: r.reservation(),
		Region: region, AvailabilityZone: r.Placement.AvailabilityZone, Architecture: r.Architecture, State: r.State.Name,
		LocalIpv4: api.PrivateIpAddress, PublicIpv4: api.PublicIpAddress, LocalHostname: api.PrivateDnsName,
		PublicHostname: api.PublicDnsName, UserData: r.UserData, SpotAction: r.Notice, SecurityGroups: []string{},
		PublicKeys: []KeyPairInfo{}, LaunchTime: r.LaunchTime.UTC().Format("2006-01-02T15:04:05Z"),
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

// MetadataEndpoint is where an instance's metadata service answers.
type MetadataEndpoint struct {
	InstanceId string `json:"InstanceId"`
	Url        string `json:"Url"`
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
func (c *Cloud) OpenInstanceMetadataEndpoint(ctx context.Context, region string, in *InstanceIdInput) (*MetadataEndpoint, error) {
	md, err := c.DescribeInstanceMetadata(ctx, region, in)
	if err != nil {
		return nil, err
	}
	if md.State == StateTerminated {
		return nil, Errorf(CodeIncorrectInstanceState, "The instance '%s' is terminated", in.InstanceId)
	}
	c.metadata.mu.Lock()
	m := c.metadata.m
	c.metadata.mu.Unlock()
	if m == nil {
		return nil, Errorf(CodeUnsupportedOperation, "This ec2x process serves no instance metadata")
	}
	url, err := m.Open(ctx, region, md.InstanceId)
	if err != nil {
		return nil, err
	}
	return &MetadataEndpoint{InstanceId: md.InstanceId, Url: url}, nil
}
