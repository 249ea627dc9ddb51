package instance

import (
	"context"
	"errors"

	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/hv"
)

// SendDiagnosticInterrupt sends a running instance a non-maskable
// interrupt through its host's driver (real on qemu: the guest kernel
// reports it, or panics and dumps if told to). EC2 sends them only to
// Nitro instances, so a Xen type (t2) is refused, as is a driver that
// cannot.
func (s *Service) SendDiagnosticInterrupt(ctx context.Context, region string, in *ec2.SendDiagnosticInterruptInput) (*ec2.Empty, error) {
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	r.RLock()
	recs, err := s.lookup(r, []string{in.InstanceId})
	r.RUnlock()
	if err != nil {
		return nil, err
	}
	rec := recs[0]
	if rec.State.Name != ec2.StateRunning {
		return nil, incorrectState(rec, "interrupted")
	}
	if t := s.cfg.Types[rec.InstanceType]; t != nil && catalog.TypeInfo(rec.InstanceType, t, region).Hypervisor == "xen" {
		return nil, ec2.Errorf(ec2.CodeUnsupportedOperation, "The instance type %s does not support diagnostic interrupts: it is not built on the Nitro System.", rec.InstanceType)
	}
	d := s.driverOf(rec.Placement.HostId)
	di, ok := d.(hv.DiagnosticInterrupter)
	if !ok || !d.Capabilities().DiagnosticInterrupt {
		return nil, ec2.Errorf(ec2.CodeUnsupportedOperation, "The instance '%s' runs on a %s host, which cannot send diagnostic interrupts.", rec.InstanceId, d.Name())
	}
	if in.DryRun {
		return nil, state.DryRun()
	}
	if err := di.SendNMI(ctx, rec.InstanceId); err != nil {
		if errors.Is(err, hv.ErrInvalidState) || errors.Is(err, hv.ErrNotFound) {
			return nil, ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is not running.", rec.InstanceId)
		}
		return nil, ec2.Errorf(ec2.CodeInternalError, "diagnostic interrupt: %v", err)
	}
	return &ec2.Empty{Return: true}, nil
}
