package instance

import (
	"context"
	"sync"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/keypair"
	"github.com/ec2x/ec2x/core/state"
)

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
			PublicHostname: v.PublicDnsName, UserData: r.UserData, SpotAction: r.SpotOf().Notice, SecurityGroups: []string{},
			PublicKeys: []ec2.KeyPairInfo{}, LaunchTime: r.LaunchTime.UTC().Format("2006-01-02T15:04:05Z"),
		}
		md.Options = v.MetadataOptions
		if r.Attr().Metadata.TagsEnabled() {
			md.Tags = append([]ec2.Tag{}, r.Tags...)
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
