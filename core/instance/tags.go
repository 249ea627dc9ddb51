package instance

import (
	"time"

	"context"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
	"github.com/ec2x/ec2x/hv"
)

// Tags are the family's taggable kinds: instances, spot requests, volumes,
// snapshots.
func (s *Service) Tags() []tagging.Kind {
	return []tagging.Kind{s.instanceTags(), s.spotTags(), s.volumeTags(), snapshotTagKind()}
}

// instanceTags is the taggable kind of instances (i-). A change of the
// workload tag changes the simulated guest's load model once the change is
// durable.
func (s *Service) instanceTags() tagging.Kind {
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

// spotTags is the taggable kind of spot requests (sir-). As in EC2, a
// request's tags are its own: they do not reach the instance it launched.
func (s *Service) spotTags() tagging.Kind {
	return tagging.Kind{Prefix: "sir-", Type: "spot-instances-request",
		List: tagging.Lister(SpotRequests, func(r *ec2.SpotInstanceRequest) string { return r.SpotInstanceRequestId },
			func(r *ec2.SpotInstanceRequest) []ec2.Tag { return r.Tags }),
		Retag: func(tx *state.Tx, id string, f tagging.Retag) error {
			r, err := findRequest(tx, id)
			if err != nil {
				return err
			}
			n := *r
			if n.Tags, err = f(r.Tags); err != nil {
				return err
			}
			state.Put(tx, SpotRequests, &n)
			return nil
		}}
}

// volumeTags is the taggable kind of volumes (vol-): a volume record's
// tags, or an attached root volume's, kept on its instance.
func (s *Service) volumeTags() tagging.Kind {
	return tagging.Kind{Prefix: "vol-", Type: "volume",
		List: func(rd state.Reader, each func(string, []ec2.Tag)) {
			state.Each(rd, Instances, func(r *Record) bool {
				if len(r.RareOf().RootTags) > 0 && r.State.Name != ec2.StateTerminated && r.derivedRoot() && state.Get(rd, Volumes, volumeID(r.InstanceId)) == nil {
					each(volumeID(r.InstanceId), r.RareOf().RootTags)
				}
				return true
			})
			tagging.Lister(Volumes, func(v *Volume) string { return v.VolumeId }, func(v *Volume) []ec2.Tag { return v.Tags })(rd, each)
		},
		Retag: func(tx *state.Tx, id string, f tagging.Retag) error {
			v, r, err := s.findVolume(tx, id)
			if err != nil {
				return err
			}
			if r == nil {
				n := *v
				if n.Tags, err = f(v.Tags); err != nil {
					return err
				}
				putVolume(tx, v, &n, time.Time{})
				return nil
			}
			n := r.clone()
			if n.editRare().RootTags, err = f(r.RareOf().RootTags); err != nil {
				return err
			}
			s.put(tx, n)
			return nil
		}}
}
