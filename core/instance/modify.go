package instance

import (
	"context"
	"encoding/base64"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/network"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/hv"
)

// ModifyInstanceAttribute changes one attribute of an instance, given
// typed (InstanceType.Value, DisableApiTermination.Value, ...) or as
// Attribute and Value, with EC2's rules: one a call, some only while the
// instance is stopped.
func (s *Service) ModifyInstanceAttribute(ctx context.Context, region string, in *ec2.ModifyInstanceAttributeInput) (*ec2.Empty, error) {
	in, err := typedAttribute(in)
	if err != nil {
		return nil, err
	}
	var resize *configs.InstType
	var d hv.Driver
	n, err := s.changeOne(ctx, region, in.InstanceId, false, in.DryRun, func(tx *state.Tx, r, n *Record) (err error) {
		d = s.driverOf(r.Placement.HostId)
		resize, err = s.modify(tx, r, n, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	if resize != nil {
		if err := d.Resize(context.WithoutCancel(ctx), n.InstanceId, resize.VCPUs, resize.MemoryMiB); err != nil {
			s.log.Error().Err(err).Str("instance", n.InstanceId).Msg("driver resize failed")
		}
	}
	return &ec2.Empty{Return: true}, nil
}

// modify applies one attribute change to n, a copy of r, and returns the
// type to resize the guest to when the type changed.
func (s *Service) modify(tx *state.Tx, r, n *Record, in *ec2.ModifyInstanceAttributeInput) (*configs.InstType, error) {
	if stoppedOnly(in) && r.State.Name != ec2.StateStopped {
		return nil, ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is not in the 'stopped' state.", r.InstanceId)
	}
	switch {
	case in.InstanceType != nil:
		return s.modifyType(tx, r, n, in.InstanceType.Value)
	case in.UserData != nil:
		data, err := base64.StdEncoding.DecodeString(in.UserData.Value)
		if err != nil {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid BASE64 encoding of user data.")
		}
		if len(data) > maxUserData {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "User data is limited to %d bytes", maxUserData)
		}
		n.UserData = data
		return nil, nil
	}
	return nil, s.modifyAttr(tx, r, n, in)
}

// modifyType checks a new instance type for r and sets it on n.
func (s *Service) modifyType(rd state.Reader, r, n *Record, name string) (*configs.InstType, error) {
	t := s.cfg.Types[name]
	if t == nil {
		return nil, ec2.Errorf(ec2.CodeInvalidInstanceAttributeValue, "The instanceType '%s' is not supported.", name)
	}
	if hibernated(r) {
		// Its memory image was saved for the old size.
		return nil, ec2.Errorf(ec2.CodeUnsupportedOperation, "You can't change the instance type of the hibernated instance '%s'.", r.InstanceId)
	}
	if !contains(t.Arch, r.Architecture) {
		return nil, ec2.Errorf(ec2.CodeInvalidInstanceAttributeValue, "The instance type '%s' does not support the '%s' architecture of the instance's image.", name, r.Architecture)
	}
	if n := len(r.Enis); n > t.MaxENIs {
		return nil, ec2.Errorf(ec2.CodeInvalidInstanceAttributeValue, "The instance type '%s' supports %d network interfaces; the instance has %d.", name, t.MaxENIs, n)
	}
	for _, id := range r.Enis {
		if e := network.Interface(rd, id); e != nil && len(e.Addrs) > t.IPv4PerENI {
			return nil, ec2.Errorf(ec2.CodeInvalidInstanceAttributeValue, "The instance type '%s' supports %d private addresses per network interface; %s has %d.", name, t.IPv4PerENI, id, len(e.Addrs))
		}
	}
	if !s.familyServed(rd.Region().Name, r.Placement.AvailabilityZone, configs.Family(name)) {
		return nil, ec2.Errorf(ec2.CodeInvalidInstanceAttributeValue, "No host in %s serves the %s family.", r.Placement.AvailabilityZone, configs.Family(name))
	}
	n.InstanceType = name
	return t, nil
}

// familyServed reports whether any host of the zone serves the family.
func (s *Service) familyServed(region, zone, family string) bool {
	for _, h := range s.sched.Hosts(region) {
		if h.Zone == zone && (len(h.Families) == 0 || contains(h.Families, family)) {
			return true
		}
	}
	return false
}
