package core

import (
	"bytes"
	"context"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/render"
)

var (
	instanceIDRe = regexp.MustCompile(`^i-([0-9a-f]{8}|[0-9a-f]{17})$`)
	amiIDRe      = regexp.MustCompile(`^ami-([0-9a-f]{8}|[0-9a-f]{17})$`)
)

// ValidInstanceID reports whether id has the shape of an instance ID.
func ValidInstanceID(id string) bool { return instanceIDRe.MatchString(id) }

// instanceFilters maps EC2's filter names to the instance's values.
var instanceFilters = map[string]func(rs *regionState, r *instRecord) []string{
	"instance-id":         func(rs *regionState, r *instRecord) []string { return []string{r.InstanceId} },
	"instance-state-name": func(rs *regionState, r *instRecord) []string { return []string{r.State.Name} },
	"instance-state-code": func(rs *regionState, r *instRecord) []string { return []string{strconv.Itoa(r.State.Code)} },
	"instance-type":       func(rs *regionState, r *instRecord) []string { return []string{r.InstanceType} },
	"availability-zone":   func(rs *regionState, r *instRecord) []string { return []string{r.Placement.AvailabilityZone} },
	"image-id":            func(rs *regionState, r *instRecord) []string { return []string{r.ImageId} },
	"key-name":            func(rs *regionState, r *instRecord) []string { return []string{r.KeyName} },
	"private-ip-address": func(rs *regionState, r *instRecord) []string {
		priv, _ := rs.addresses(r)
		return nonEmpty(priv)
	},
	"ip-address": func(rs *regionState, r *instRecord) []string {
		_, pub := rs.addresses(r)
		return nonEmpty(pub)
	},
	"private-dns-name": func(rs *regionState, r *instRecord) []string {
		priv, _ := rs.addresses(r)
		a, err := netip.ParseAddr(priv)
		if err != nil {
			return nil
		}
		return []string{privateDNS(r.Region, a)}
	},
	"dns-name": func(rs *regionState, r *instRecord) []string {
		_, pub := rs.addresses(r)
		a, err := netip.ParseAddr(pub)
		if err != nil {
			return nil
		}
		return []string{publicDNS(r.Region, a)}
	},
	"subnet-id": func(rs *regionState, r *instRecord) []string {
		if e := rs.primary(r); e != nil {
			return []string{e.SubnetId}
		}
		return nil
	},
	"vpc-id": func(rs *regionState, r *instRecord) []string {
		if rs.primary(r) != nil {
			return []string{rs.net.VpcId}
		}
		return nil
	},
	"instance.group-id": func(rs *regionState, r *instRecord) []string {
		if e := rs.primary(r); e != nil {
			return e.Groups
		}
		return nil
	},
	"instance.group-name": func(rs *regionState, r *instRecord) []string {
		var out []string
		if e := rs.primary(r); e != nil {
			for _, g := range e.Groups {
				if sg := rs.sgs[g]; sg != nil {
					out = append(out, sg.GroupName)
				}
			}
		}
		return out
	},
	"host-id":             func(rs *regionState, r *instRecord) []string { return []string{r.Placement.HostId} },
	"architecture":        func(rs *regionState, r *instRecord) []string { return []string{r.Architecture} },
	"hypervisor":          func(rs *regionState, r *instRecord) []string { return []string{r.Hypervisor} },
	"virtualization-type": func(rs *regionState, r *instRecord) []string { return []string{"hvm"} },
	"client-token":        func(rs *regionState, r *instRecord) []string { return []string{r.ClientToken} },
	"tenancy":             func(rs *regionState, r *instRecord) []string { return []string{r.Placement.Tenancy} },
	"root-device-type":    func(rs *regionState, r *instRecord) []string { return []string{"ebs"} },
	"launch-time": func(rs *regionState, r *instRecord) []string {
		return []string{r.LaunchTime.UTC().Format(time.RFC3339)}
	},
	"ami-launch-index": func(rs *regionState, r *instRecord) []string { return []string{strconv.Itoa(r.AmiLaunchIndex)} },
	"instance-lifecycle": func(rs *regionState, r *instRecord) []string {
		if r.spot() {
			return []string{"spot"}
		}
		return []string{"on-demand"}
	},
	"spot-instance-request-id": func(rs *regionState, r *instRecord) []string { return nonEmpty(r.SpotInstanceRequestId) },
	"instance-state-reason-code": func(rs *regionState, r *instRecord) []string {
		if r.StateReason == nil {
			return nil
		}
		return []string{r.StateReason.Code}
	},
	"network-interface.network-interface-id": func(rs *regionState, r *instRecord) []string { return r.Enis },
	"network-interface.addresses.private-ip-address": func(rs *regionState, r *instRecord) []string {
		var out []string
		for _, id := range r.Enis {
			if e := rs.enis[id]; e != nil {
				for _, a := range e.Addrs {
					out = append(out, a.Private)
				}
			}
		}
		return out
	},
	"network-interface.addresses.association.public-ip": func(rs *regionState, r *instRecord) []string {
		var out []string
		for _, id := range r.Enis {
			if e := rs.enis[id]; e != nil {
				for _, a := range e.Addrs {
					if a.Public != "" {
						out = append(out, a.Public)
					}
				}
			}
		}
		return out
	},
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// InstanceFilterNames lists the filter names DescribeInstances knows.
func InstanceFilterNames() []string {
	names := make([]string, 0, len(instanceFilters)+1)
	for n := range instanceFilters {
		names = append(names, n)
	}
	names = append(names, "tag:<key>", "tag-key", "tag-value")
	sort.Strings(names)
	return names
}

// filter is an EC2 filter ready to match values of one kind of resource.
type filter[T any] struct {
	values func(x *T) []string
	pats   []string
	exact  bool
}

// compileGeneric prepares EC2 filters for a resource kind: names maps each
// filter name to the resource's values, tags gives tag:KEY, tag-key and
// tag-value. An unknown name is InvalidParameterValue, as in EC2.
func compileGeneric[T any](fs []ec2.Filter, names map[string]func(x *T) []string, tags func(x *T) []ec2.Tag) ([]filter[T], error) {
	out := make([]filter[T], 0, len(fs))
	for _, f := range fs {
		get := names[f.Name]
		if key, ok := strings.CutPrefix(f.Name, "tag:"); ok && key != "" {
			get = func(x *T) []string {
				if v, ok := tagValue(tags(x), key); ok {
					return []string{v}
				}
				return nil
			}
		}
		switch f.Name {
		case "tag-key", "tag-value":
			key := f.Name == "tag-key"
			get = func(x *T) []string {
				ts := tags(x)
				out := make([]string, len(ts))
				for i, t := range ts {
					out[i] = t.Value
					if key {
						out[i] = t.Key
					}
				}
				return out
			}
		}
		if get == nil {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The filter '%s' is invalid", f.Name)
		}
		if len(f.Values) == 0 {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The filter '%s' needs at least one value", f.Name)
		}
		exact := true
		for _, v := range f.Values {
			if strings.ContainsAny(v, "*?") {
				exact = false
			}
		}
		out = append(out, filter[T]{values: get, pats: f.Values, exact: exact})
	}
	return out, nil
}

// matchGeneric: every filter must match (AND); within one, any value (OR).
func matchGeneric[T any](fs []filter[T], x *T) bool {
	for _, f := range fs {
		ok := false
	values:
		for _, v := range f.values(x) {
			for _, p := range f.pats {
				if (f.exact && v == p) || (!f.exact && wildMatch(p, v)) {
					ok = true
					break values
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// findEach looks up every reference with find, failing on the first that
// is missing, as EC2's Describe calls do.
func findEach[R any](refs []string, find func(ref string) (R, error)) ([]R, error) {
	out := make([]R, 0, len(refs))
	for _, ref := range refs {
		r, err := find(ref)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// valuesOf lists a map's records.
func valuesOf[K comparable, R any](m map[K]R) []R {
	out := make([]R, 0, len(m))
	for _, r := range m {
		out = append(out, r)
	}
	return out
}

// viewsMatching renders every record and keeps the views the filters match.
func viewsMatching[R, V any](recs []R, view func(R) V, fs []filter[V]) []V {
	out := make([]V, 0, len(recs))
	for _, r := range recs {
		v := view(r)
		if matchGeneric(fs, &v) {
			out = append(out, v)
		}
	}
	return out
}

// instCtx is an instance with its region, for instance filters.
type instCtx struct {
	rs *regionState
	r  *instRecord
}

// instanceFilterFns adapts instanceFilters to the generic engine.
var instanceFilterFns = func() map[string]func(x *instCtx) []string {
	m := make(map[string]func(x *instCtx) []string, len(instanceFilters))
	for name, f := range instanceFilters {
		m[name] = func(x *instCtx) []string { return f(x.rs, x.r) }
	}
	return m
}()

func compileFilters(fs []ec2.Filter) ([]filter[instCtx], error) {
	return compileGeneric(fs, instanceFilterFns, func(x *instCtx) []ec2.Tag { return x.r.Tags })
}

// wildMatch reports whether s matches EC2's pattern: * matches any run of
// characters and ? any one character, slashes included (path.Match stops
// at '/', which tag values such as paths and ARNs are full of); every other
// character, [ and \ included, stands for itself.
func wildMatch(pattern, s string) bool {
	p, v := []rune(pattern), []rune(s)
	pi, vi := 0, 0
	star, mark := -1, 0 // the last * seen and where in v its run began
	for vi < len(v) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, vi
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == v[vi]):
			pi++
			vi++
		case star >= 0:
			// Let the last * take one more character and retry.
			mark++
			pi, vi = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// DescribeInstances lists instances by ID and filters, oldest launch first.
func (c *Cloud) DescribeInstances(ctx context.Context, region string, in *ec2.DescribeInstancesInput) (*ec2.DescribeInstancesOutput, error) {
	out := &ec2.DescribeInstancesOutput{}
	err := c.describe(region, in, func(rs *regionState, recs []*instRecord) {
		out.Instances = make([]*ec2.Instance, len(recs))
		out.ReservationIds = make([]string, len(recs))
		for i, r := range recs {
			out.Instances[i] = rs.api(c.cfg, r)
			out.ReservationIds[i] = r.reservation()
		}
		if in.MaxResults > 0 && len(recs) == in.MaxResults {
			out.NextToken = pageToken(recs[len(recs)-1])
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// InstanceHeader is the header of instance tables.
var InstanceHeader = []string{"INSTANCE ID", "NAME", "TYPE", "STATE", "ZONE", "PRIVATE IP", "PUBLIC IP", "AGE"}

// InstanceRow is one instance as a table row under InstanceHeader.
func InstanceRow(in *ec2.Instance, now time.Time) []string {
	name, _ := in.Tag("Name")
	return []string{in.InstanceId, render.Dash(name), in.InstanceType, in.State.Name, in.Placement.AvailabilityZone,
		render.Dash(in.PrivateIpAddress), render.Dash(in.PublicIpAddress), render.Age(now.Sub(in.LaunchTime))}
}

// recordRow is InstanceRow without building the whole Instance.
func (rs *regionState) recordRow(r *instRecord, now time.Time) []string {
	name, _ := r.Tag("Name")
	priv, pub := rs.addresses(r)
	return []string{r.InstanceId, render.Dash(name), r.InstanceType, r.State.Name, r.Placement.AvailabilityZone,
		render.Dash(priv), render.Dash(pub), render.Age(now.Sub(r.LaunchTime))}
}

// DescribeInstanceTable is DescribeInstances answering with text for a
// terminal (an ec2x action: the CLI's listings use it). Rendering where the
// records live spares a short-lived CLI process from decoding a thousand
// JSON objects, which would cost more than the rest of the call.
func (c *Cloud) DescribeInstanceTable(ctx context.Context, region string, in *ec2.DescribeInstanceTableInput) (*ec2.Text, error) {
	switch in.Format {
	case "ids", "table", "text":
	default:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Format must be table, text or ids, not '%s'", in.Format)
	}
	var b bytes.Buffer
	var rows [][]string
	err := c.describe(region, &in.DescribeInstancesInput, func(rs *regionState, recs []*instRecord) {
		b.Grow(len(recs) * 128)
		if in.Format == "ids" {
			for _, r := range recs {
				b.WriteString(r.InstanceId)
				b.WriteByte('\n')
			}
			return
		}
		rows = make([][]string, len(recs))
		for i, r := range recs {
			rows[i] = rs.recordRow(r, in.Now)
		}
	})
	if err != nil || in.Format == "ids" {
		return &ec2.Text{Body: b.Bytes()}, err
	}
	if in.Format == "text" {
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\t"))
			b.WriteByte('\n')
		}
		return &ec2.Text{Body: b.Bytes()}, nil
	}
	if err := render.Table(&b, InstanceHeader, rows, in.Color); err != nil {
		return nil, err
	}
	return &ec2.Text{Body: b.Bytes()}, nil
}

// describe selects the visible instances that match, sorted, and hands
// them to emit under the read lock (interfaces are looked up in maps that
// writers change).
func (c *Cloud) describe(region string, in *ec2.DescribeInstancesInput, emit func(rs *regionState, recs []*instRecord)) error {
	fs, err := compileFilters(in.Filters)
	if err != nil {
		return err
	}
	after, err := checkPaging(in)
	if err != nil {
		return err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	rs, err := c.region(region)
	if err != nil {
		return err
	}
	var recs []*instRecord
	if len(in.InstanceIds) > 0 {
		if recs, err = c.lookupLocked(rs, in.InstanceIds); err != nil {
			return err
		}
	} else {
		recs = make([]*instRecord, 0, len(rs.instances))
		for _, r := range rs.instances {
			recs = append(recs, r)
		}
	}
	kept := recs[:0]
	for _, r := range recs {
		if !c.hiddenLocked(r) && matchGeneric(fs, &instCtx{rs, r}) {
			kept = append(kept, r)
		}
	}
	sort.Slice(kept, func(i, j int) bool {
		a, b := kept[i], kept[j]
		if !a.LaunchTime.Equal(b.LaunchTime) {
			return a.LaunchTime.Before(b.LaunchTime)
		}
		if a.AmiLaunchIndex != b.AmiLaunchIndex {
			return a.AmiLaunchIndex < b.AmiLaunchIndex
		}
		return a.InstanceId < b.InstanceId
	})
	emit(rs, page(kept, after, in.MaxResults))
	return nil
}

// maxWaitCall bounds one WaitInstances call so that connections do not
// hang forever; clients call again.
const maxWaitCall = 20 * time.Second

// WaitInstances blocks until every instance is in the state, the timeout
// passes (Done false), or an instance can no longer get there (an error).
func (c *Cloud) WaitInstances(ctx context.Context, region string, in *ec2.WaitInstancesInput) (*ec2.WaitInstancesOutput, error) {
	if !ec2.ValidStateName(in.State) {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "'%s' is not an instance state", in.State)
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
		c.mu.RLock()
		rs, err := c.region(region)
		if err != nil {
			c.mu.RUnlock()
			return nil, err
		}
		recs, err := c.lookupLocked(rs, in.InstanceIds)
		changed := c.changed
		var views []*ec2.Instance
		for _, r := range recs {
			views = append(views, rs.api(c.cfg, r))
		}
		c.mu.RUnlock()
		if err != nil {
			return nil, err
		}
		out := &ec2.WaitInstancesOutput{Done: true, Instances: views}
		for _, r := range recs {
			if r.State.Name == in.State {
				continue
			}
			out.Done = false
			if unreachable(r.State.Name, in.State) {
				return nil, ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is %s; it will not become %s.", r.InstanceId, r.State.Name, in.State)
			}
		}
		if out.Done {
			return out, nil
		}
		select {
		case <-changed:
		case <-timer.C:
			return out, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
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

func joinIDs(ids []string) string { return strings.Join(ids, ", ") }
