package instance

import (
	"context"
	"github.com/ec2x/ec2x/core/ec2"

	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
	"github.com/ec2x/ec2x/hv"
)

// Tags is the taggable kind of instances (i-). A change of the workload
// tag changes the simulated guest's load model once the change is durable.
func (s *Service) Tags() tagging.Kind {
	return tagging.Kind{Prefix: "i-", Type: "instance",
		List: tagging.Lister(Instances, func(r *Record) string { return r.InstanceId }, func(r *Record) []ec2.Tag { return r.Tags }),
		Retag: func(tx *state.Tx, id string, f tagging.Retag) error {
			r, err := s.one(tx, id)
			if err != nil {
				return err
			}
			n := r.clone()
			if n.Tags, err = f(r.Tags); err != nil {
				return err
			}
			if w, _ := tagging.Value(n.Tags, WorkloadTag); w != r.Workload {
				if w != "" {
					if err := s.checkWorkload(w); err != nil {
						return err
					}
				}
				n.Workload = w
				if ws, ok := s.driverOf(n.Placement.HostId).(hv.WorkloadSetter); ok {
					iid, load := n.InstanceId, s.loadProfile(w)
					s.after(tx, func(ctx context.Context) error { return ws.SetWorkload(ctx, iid, w, load) })
				}
			}
			s.put(tx, n)
			return nil
		}}
}
