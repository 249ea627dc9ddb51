package instance

import (
	"context"
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/network"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/hv"
)

// inst is an instance with what its filters read: the region's records
// (under its lock) and the service.
type inst struct {
	r  *Record
	rd state.Reader
	s  *Service
}

func one(v string) []string { return []string{v} }

// eachAddr lists a value of every address of every interface.
func eachAddr(x inst, f func(network.Addr) string) []string {
	var out []string
	for _, id := range x.r.Enis {
		if e := network.Interface(x.rd, id); e != nil {
			for _, a := range e.Addrs {
				if v := f(a); v != "" {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// instanceSpec is DescribeInstances' filters and order: oldest launch
// first, then launch index, then ID.
var instanceSpec = &describe.Spec[inst]{
	Fields: append([]describe.Field[inst]{
		{Name: "instance-id", Value: func(x inst) string { return x.r.InstanceId }},
		{Name: "instance-state-name", Value: func(x inst) string { return x.r.State.Name }},
		{Name: "instance-state-code", Value: func(x inst) string { return strconv.Itoa(x.r.State.Code) }},
		{Name: "instance-type", Value: func(x inst) string { return x.r.InstanceType }},
		{Name: "availability-zone", Value: func(x inst) string { return x.r.Placement.AvailabilityZone }},
		{Name: "image-id", Value: func(x inst) string { return x.r.ImageId }},
		{Name: "key-name", Value: func(x inst) string { return x.r.KeyName }},
		{Name: "private-ip-address", Values: func(x inst) []string { priv, _ := addresses(x.rd, x.r); return describe.Optional(priv) }},
		{Name: "ip-address", Values: func(x inst) []string { _, pub := addresses(x.rd, x.r); return describe.Optional(pub) }},
		{Name: "private-dns-name", Values: func(x inst) []string {
			priv, _ := addresses(x.rd, x.r)
			if a, err := netip.ParseAddr(priv); err == nil {
				return one(PrivateDNS(x.r.Region, a))
			}
			return nil
		}},
		{Name: "dns-name", Values: func(x inst) []string {
			_, pub := addresses(x.rd, x.r)
			if a, err := netip.ParseAddr(pub); err == nil {
				return one(PublicDNS(x.r.Region, a))
			}
			return nil
		}},
		{Name: "subnet-id", Values: func(x inst) []string {
			if e := primary(x.rd, x.r); e != nil {
				return one(e.SubnetId)
			}
			return nil
		}},
		{Name: "vpc-id", Values: func(x inst) []string {
			if e := primary(x.rd, x.r); e != nil {
				return one(x.s.net.SubnetVpc(x.rd, e.SubnetId))
			}
			return nil
		}},
		{Name: "instance.group-id", Values: func(x inst) []string {
			if e := primary(x.rd, x.r); e != nil {
				return e.Groups
			}
			return nil
		}},
		{Name: "instance.group-name", Values: func(x inst) []string {
			var out []string
			if e := primary(x.rd, x.r); e != nil {
				for _, g := range network.GroupView(x.rd, e.Groups) {
					if g.GroupName != "" {
						out = append(out, g.GroupName)
					}
				}
			}
			return out
		}},
		{Name: "host-id", Value: func(x inst) string { return x.r.Placement.HostId }},
		{Name: "architecture", Value: func(x inst) string { return x.r.Architecture }},
		{Name: "hypervisor", Value: func(x inst) string { return x.r.Hypervisor }},
		{Name: "virtualization-type", Value: func(x inst) string { return "hvm" }},
		{Name: "client-token", Value: func(x inst) string { return x.r.ClientToken }},
		{Name: "tenancy", Value: func(x inst) string { return x.r.Placement.Tenancy }},
		{Name: "root-device-type", Value: func(x inst) string { return "ebs" }},
		{Name: "launch-time", Value: func(x inst) string { return x.r.LaunchTime.UTC().Format(time.RFC3339) }},
		{Name: "ami-launch-index", Value: func(x inst) string { return strconv.Itoa(int(x.r.AmiLaunchIndex)) }},
		{Name: "reservation-id", Value: func(x inst) string { return x.r.reservation() }},
		{Name: "instance-lifecycle", Values: func(x inst) []string {
			if x.r.Spot() {
				return one("spot")
			}
			return one("on-demand")
		}},
		{Name: "spot-instance-request-id", Values: func(x inst) []string { return describe.Optional(x.r.SpotOf().SpotInstanceRequestId) }},
		{Name: "instance-state-reason-code", Values: func(x inst) []string {
			if x.r.StateReason == nil {
				return nil
			}
			return one(x.r.StateReason.Code)
		}},
		{Name: "network-interface.network-interface-id", Values: func(x inst) []string { return x.r.Enis }},
		{Name: "network-interface.addresses.private-ip-address", Values: func(x inst) []string {
			return eachAddr(x, func(a network.Addr) string { return a.Private })
		}},
		{Name: "network-interface.addresses.association.public-ip", Values: func(x inst) []string {
			return eachAddr(x, func(a network.Addr) string { return a.Public })
		}},
		// Instance attributes (attrs.go).
		{Name: "monitoring-state", Value: func(x inst) string { return monitoringState(x.r.Attr().Monitored) }},
		{Name: "metadata-options.http-tokens", Value: func(x inst) string { return x.r.Attr().Metadata.View().HttpTokens }},
		{Name: "metadata-options.http-put-response-hop-limit", Value: func(x inst) string { return strconv.Itoa(x.r.Attr().Metadata.View().HttpPutResponseHopLimit) }},
		{Name: "metadata-options.http-endpoint", Value: func(x inst) string { return x.r.Attr().Metadata.View().HttpEndpoint }},
		{Name: "metadata-options.instance-metadata-tags", Value: func(x inst) string { return x.r.Attr().Metadata.View().InstanceMetadataTags }},
	}, slices.Concat(launchOptFields, netFields)...),
	Tags: func(x inst) []ec2.Tag { return x.r.Tags },
	Key: func(k *describe.Key, x inst) {
		k.Time(x.r.LaunchTime)
		k.Num(int64(x.r.AmiLaunchIndex))
		k.Str(x.r.InstanceId)
	},
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "instancesSet"},
}

// InstanceFilterNames lists the filter names DescribeInstances knows.
func InstanceFilterNames() []string { return instanceSpec.Names() }

// DescribeInstances lists instances by ID and filters, oldest launch first.
func (s *Service) DescribeInstances(ctx context.Context, region string, in *ec2.DescribeInstancesInput) (*ec2.DescribeInstancesOutput, error) {
	type found struct {
		in  *ec2.Instance
		res string
	}
	page, next, err := describeIn(s, region, in, func(rd state.Reader, r *Record) found { return found{s.view(rd, r), r.reservation()} })
	if err != nil {
		return nil, err
	}
	out := &ec2.DescribeInstancesOutput{Instances: make([]*ec2.Instance, len(page)), ReservationIds: make([]string, len(page)), NextToken: next}
	for i, f := range page {
		out.Instances[i], out.ReservationIds[i] = f.in, f.res
	}
	return out, nil
}

// DescribeInstanceRows is DescribeInstances answering with compact rows,
// for the CLI's listings (an ec2x action): a short-lived CLI process that
// decoded a thousand full instances would spend more on that than on the
// rest of the call.
func (s *Service) DescribeInstanceRows(ctx context.Context, region string, in *ec2.DescribeInstanceRowsInput) (*ec2.DescribeInstanceRowsOutput, error) {
	lines, _, err := describeIn(s, region, &in.DescribeInstancesInput, func(rd state.Reader, r *Record) []byte {
		b := make([]byte, 0, 128)
		b = append(b, r.InstanceId...)
		if in.IdsOnly {
			return append(b, '\n')
		}
		name, _ := r.Tag("Name")
		priv, pub := addresses(rd, r)
		for _, f := range [...]string{name, r.InstanceType, r.State.Name, r.Placement.AvailabilityZone, priv, pub} {
			b = ec2.AppendRowField(append(b, '\t'), f)
		}
		b = r.LaunchTime.UTC().AppendFormat(append(b, '\t'), time.RFC3339)
		return append(b, '\n')
	})
	if err != nil {
		return nil, err
	}
	n := 0
	for _, l := range lines {
		n += len(l)
	}
	out := &ec2.DescribeInstanceRowsOutput{Body: make([]byte, 0, n)}
	for _, l := range lines {
		out.Body = append(out.Body, l...)
	}
	return out, nil
}

// Select is the visible instances the filters match, in DescribeInstances'
// order, each made into a V under the region's read lock (for views of
// the fleet elsewhere: the monitor's frames).
func Select[V any](s *Service, region string, filters []ec2.Filter, view func(rd state.Reader, r *Record) V) ([]V, error) {
	out, _, err := describeIn(s, region, &ec2.DescribeInstancesInput{Filters: filters}, view)
	return out, err
}

// describeIn runs DescribeInstances' query through the describe engine:
// the visible instances (those asked for, or all), filtered and paged.
func describeIn[V any](s *Service, region string, in *ec2.DescribeInstancesInput, view func(rd state.Reader, r *Record) V) ([]V, string, error) {
	q := describe.Query{Filters: in.Filters, IDs: in.InstanceIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeInstances"}
	return state.Describe(s.rt, region, instanceSpec, q, func(r *state.Region) ([]inst, error) {
		if len(in.InstanceIds) > 0 {
			recs, err := s.lookup(r, in.InstanceIds)
			items := make([]inst, len(recs))
			for i, rec := range recs {
				items[i] = inst{rec, r, s}
			}
			return items, err
		}
		all := state.Published(r, Instances)
		items := make([]inst, 0, len(all))
		for _, rec := range all {
			if !s.hidden(rec) {
				items = append(items, inst{rec, r, s})
			}
		}
		return items, nil
	}, func(r *state.Region, x inst) V { return view(r, x.r) })
}

// maxWaitCall bounds one WaitInstances call so that connections do not
// hang forever; clients call again.
const maxWaitCall = 20 * time.Second

// WaitInstances blocks until every instance is in the state, the timeout
// passes (Done false), or an instance can no longer get there (an error).
func (s *Service) WaitInstances(ctx context.Context, region string, in *ec2.WaitInstancesInput) (*ec2.WaitInstancesOutput, error) {
	if !ec2.ValidStateName(in.State) {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "'%s' is not an instance state", in.State)
	}
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	d := seconds(in.TimeoutSeconds)
	if d <= 0 || d > maxWaitCall {
		d = maxWaitCall
	}
	// Real time bounds the call even under a fake clock: it only limits
	// how long one HTTP request is held open.
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		out, changed, err := s.waitCheck(r, in, false)
		if err != nil || out != nil {
			return out, err
		}
		select {
		case <-changed:
		case <-timer.C:
			out, _, err := s.waitCheck(r, in, true)
			return out, err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// waitCheck looks at the instances once: the answer when they are all in
// the state (or when final), else nil and the channel closed at the
// region's next change. Views are built only for an answer: waiters wake
// at every change of their region.
func (s *Service) waitCheck(r *state.Region, in *ec2.WaitInstancesInput, final bool) (*ec2.WaitInstancesOutput, <-chan struct{}, error) {
	r.RLock()
	defer r.RUnlock()
	recs, err := s.lookup(r, in.InstanceIds)
	if err != nil {
		return nil, nil, err
	}
	out := &ec2.WaitInstancesOutput{Done: true}
	for _, rec := range recs {
		if rec.State.Name == in.State {
			continue
		}
		out.Done = false
		if unreachable(rec.State.Name, in.State) {
			return nil, nil, ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is %s; it will not become %s.", rec.InstanceId, rec.State.Name, in.State)
		}
	}
	if !out.Done && !final {
		return nil, r.Changed(), nil
	}
	for _, rec := range recs {
		out.Instances = append(out.Instances, s.view(r, rec))
	}
	return out, nil, nil
}

// unreachable reports whether an instance in state from can no longer reach
// want without someone asking, as the AWS CLI's waiters judge it.
func unreachable(from, want string) bool {
	switch want {
	case ec2.StateRunning:
		return from == ec2.StateTerminated || from == ec2.StateShuttingDown || from == ec2.StateStopping
	case ec2.StateStopped:
		return from == ec2.StateTerminated || from == ec2.StateShuttingDown
	case ec2.StateTerminated:
		return false
	}
	return from == ec2.StateTerminated
}

// Running is an instance the sampler reads: where it runs and since when.
type Running struct {
	Region, ID, Type string
	Since            time.Time
	Driver           hv.Driver
	// CreditMode is the instance's CPU credit option (burstable types).
	CreditMode string
	// HostDown says the instance's host does not answer.
	HostDown bool
}

// Running lists every running instance of every region.
func (s *Service) Running() []Running {
	var out []Running
	for _, r := range s.rt.Regions() {
		r.RLock()
		for _, rec := range state.Published(r, Instances) {
			if rec.State.Name == ec2.StateRunning {
				down, _ := s.HostDown(rec.Placement.HostId)
				out = append(out, Running{r.Name, rec.InstanceId, rec.InstanceType, rec.StateSince, s.driverOf(rec.Placement.HostId), s.CreditMode(rec), down})
			}
		}
		r.RUnlock()
	}
	return out
}

// States is every known instance's state, by ID.
func (s *Service) States() map[string]string {
	out := map[string]string{}
	for _, r := range s.rt.Regions() {
		r.RLock()
		for id, rec := range state.Published(r, Instances) {
			out[id] = rec.State.Name
		}
		r.RUnlock()
	}
	return out
}

// Check fails as EC2 does unless the instance exists in the region.
func (s *Service) Check(region, id string) error {
	_, _, err := s.readOne(region, id)
	return err
}
