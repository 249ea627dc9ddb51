package instance

import (
	"sort"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// Templates resolves RunInstances' LaunchTemplate into the request to
// launch (the launch template family, handed in at assembly: it reads
// instances, so instances cannot import it).
type Templates interface {
	Effective(rd state.Reader, in *ec2.RunInstancesInput) (*ec2.RunInstancesInput, error)
	// UsingImage lists the templates whose latest depth versions launch ami.
	UsingImage(rd state.Reader, ami string, depth int) []string
}

// SetTemplates hands the launch template family in (before any request).
func (s *Service) SetTemplates(t Templates) { s.templates = t }

// fromTemplate is the request to launch: in itself, or, when it names a
// launch template, the template's data with in's parameters over them.
func (s *Service) fromTemplate(region string, in *ec2.RunInstancesInput) (*ec2.RunInstancesInput, error) {
	in.SystemTags = nil // never from a request
	if in.LaunchTemplate == nil {
		return in, nil
	}
	if s.templates == nil {
		return nil, ec2.Errorf(ec2.CodeUnsupported, "Launch templates are not served here.")
	}
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	var out *ec2.RunInstancesInput
	err = r.View(func(r *state.Region) error {
		var err error
		out, err = s.templates.Effective(r, in)
		return err
	})
	return out, err
}

// templateIn reads the template again in the launch's Tx, so that the
// launch uses the version current under the lock (pre is what
// fromTemplate made of req before).
func (s *Service) templateIn(tx *state.Tx, req, pre *ec2.RunInstancesInput) (*ec2.RunInstancesInput, error) {
	if req.LaunchTemplate == nil || s.templates == nil {
		return pre, nil
	}
	return s.templates.Effective(tx, req)
}

// withSystemTags adds the aws: tags the service sets, in key order.
func withSystemTags(tags, sys []ec2.Tag) []ec2.Tag {
	if len(sys) == 0 {
		return tags
	}
	out := append(append([]ec2.Tag(nil), tags...), sys...)
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
