package instance

import (
	"context"
	"errors"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/hv"
)

// Attrs are an instance's attributes beyond its placement and state:
// protections, what a shutdown from inside does, the metadata service's
// options and monitoring. The zero value is EC2's default for each.
type Attrs struct {
	DisableApiTermination bool `json:"DisableApiTermination,omitempty"`
	DisableApiStop        bool `json:"DisableApiStop,omitempty"`
	// ShutdownBehavior is stop ("") or terminate.
	ShutdownBehavior string       `json:"ShutdownBehavior,omitempty"`
	Metadata         MetadataOpts `json:"Metadata,omitzero"`
	Monitored        bool         `json:"Monitored,omitempty"`
	// Recorded only: ec2x runs no other kernel, no SR-IOV, no enclaves.
	KernelId         string `json:"KernelId,omitempty"`
	RamdiskId        string `json:"RamdiskId,omitempty"`
	EbsOptimizedAttr bool   `json:"EbsOptimizedAttr,omitempty"`
	SriovNetSupport  string `json:"SriovNetSupport,omitempty"`
	NoEnaSupport     bool   `json:"NoEnaSupport,omitempty"`
	KeepRootOnTerm   bool   `json:"KeepRootOnTerm,omitempty"`
	EnclavesEnabled  bool   `json:"EnclavesEnabled,omitempty"`
}

// MetadataOpts are the metadata service's options; "" and 0 are EC2's
// defaults (optional tokens, hop limit 1, endpoint enabled, IPv6 and tags
// disabled).
type MetadataOpts struct {
	HttpTokens       string `json:"HttpTokens,omitempty"`
	HopLimit         int    `json:"HopLimit,omitempty"`
	HttpEndpoint     string `json:"HttpEndpoint,omitempty"`
	HttpProtocolIpv6 string `json:"HttpProtocolIpv6,omitempty"`
	Tags             string `json:"Tags,omitempty"`
}

// View is the options as EC2 shows them (applied).
func (m MetadataOpts) View() *ec2.InstanceMetadataOptionsResponse {
	return &ec2.InstanceMetadataOptionsResponse{
		State: "applied", HttpTokens: or(m.HttpTokens, "optional"), HttpPutResponseHopLimit: max(m.HopLimit, 1),
		HttpEndpoint: or(m.HttpEndpoint, "enabled"), HttpProtocolIpv6: or(m.HttpProtocolIpv6, "disabled"),
		InstanceMetadataTags: or(m.Tags, "disabled"),
	}
}

// TokensRequired reports whether IMDSv1 (no token) is refused.
func (m MetadataOpts) TokensRequired() bool { return m.HttpTokens == "required" }

// EndpointDisabled reports whether the metadata service is turned off.
func (m MetadataOpts) EndpointDisabled() bool { return m.HttpEndpoint == "disabled" }

// TagsEnabled reports whether the instance's tags are in its metadata.
func (m MetadataOpts) TagsEnabled() bool { return m.Tags == "enabled" }

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// oneOf checks that v (when set) is one of allowed, as EC2 words it.
func oneOf(param, v string, allowed ...string) error {
	if v == "" || contains(allowed, v) {
		return nil
	}
	return ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter %s is invalid. Supported values are: %v", v, param, allowed)
}

// change applies the options of a request (RunInstances' MetadataOptions,
// ModifyInstanceMetadataOptions) over m, checking each.
func (m MetadataOpts) change(in ec2.InstanceMetadataOptionsRequest) (MetadataOpts, error) {
	checks := []error{
		oneOf("HttpTokens", in.HttpTokens, "optional", "required"),
		oneOf("HttpEndpoint", in.HttpEndpoint, "enabled", "disabled"),
		oneOf("HttpProtocolIpv6", in.HttpProtocolIpv6, "enabled", "disabled"),
		oneOf("InstanceMetadataTags", in.InstanceMetadataTags, "enabled", "disabled"),
	}
	for _, err := range checks {
		if err != nil {
			return m, err
		}
	}
	if h := in.HttpPutResponseHopLimit; h != 0 && (h < 1 || h > 64) {
		return m, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%d) for parameter HttpPutResponseHopLimit is invalid. Supported values are 1 to 64.", h)
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&m.HttpTokens, in.HttpTokens)
	set(&m.HttpEndpoint, in.HttpEndpoint)
	set(&m.HttpProtocolIpv6, in.HttpProtocolIpv6)
	set(&m.Tags, in.InstanceMetadataTags)
	if in.HttpPutResponseHopLimit != 0 {
		m.HopLimit = in.HttpPutResponseHopLimit
	}
	return m, nil
}

// launchAttrs checks RunInstances' attribute parameters and returns the
// attributes its instances start with.
func launchAttrs(in *ec2.RunInstancesInput) (Attrs, error) {
	a := Attrs{DisableApiTermination: in.DisableApiTermination, DisableApiStop: in.DisableApiStop}
	switch b := in.InstanceInitiatedShutdownBehavior; b {
	case "", "stop":
	case "terminate":
		a.ShutdownBehavior = b
	default:
		return a, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter instanceInitiatedShutdownBehavior is invalid. Supported values are: stop, terminate", b)
	}
	if in.MetadataOptions != nil {
		m, err := a.Metadata.change(*in.MetadataOptions)
		if err != nil {
			return a, err
		}
		a.Metadata = m
	}
	a.Monitored = in.Monitoring != nil && in.Monitoring.Enabled
	return a, nil
}

// viewAttrs adds the attributes DescribeInstances shows.
func viewAttrs(in *ec2.Instance, r *Record) {
	in.MetadataOptions = r.Attr().Metadata.View()
	in.Monitoring = &ec2.Monitoring{State: monitoringState(r.Attr().Monitored)}
}

func monitoringState(on bool) string {
	if on {
		return "enabled"
	}
	return "disabled"
}

// terminationProtected refuses to terminate an instance with
// DisableApiTermination, as EC2 does.
func terminationProtected(r *Record) error {
	if r.Attr().DisableApiTermination {
		return ec2.Errorf(ec2.CodeOperationNotPermitted, "The instance '%s' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.", r.InstanceId)
	}
	return nil
}

// stopProtected refuses to stop an instance with DisableApiStop.
func stopProtected(r *Record) error {
	if r.Attr().DisableApiStop {
		return ec2.Errorf(ec2.CodeOperationNotPermitted, "The instance '%s' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.", r.InstanceId)
	}
	return nil
}

// shutdownTerminates ends an instance whose guest powered itself off
// when its InstanceInitiatedShutdownBehavior is terminate: it goes
// shutting-down and the driver destroys the guest (terminated follows).
func (s *Service) shutdownTerminates(tx *state.Tx, r *Record, now time.Time) {
	n := r.clone()
	setState(n, ec2.StateShuttingDown, now)
	n.StateTransitionReason = "Client initiated (" + now.UTC().Format("2006-01-02 15:04:05 GMT") + ")"
	n.StateReason = &ec2.StateReason{Code: "Client.InstanceInitiatedShutdown", Message: "Client.InstanceInitiatedShutdown: Instance initiated shutdown"}
	s.put(tx, n)
	d, id := s.driverOf(r.Placement.HostId), r.InstanceId
	s.after(tx, func(ctx context.Context) error {
		err := d.Destroy(ctx, id)
		if errors.Is(err, hv.ErrNotFound) {
			s.Push(hv.Event{ID: id, State: hv.StateDestroyed, At: s.clk.Now()})
			return nil
		}
		return err
	})
}
