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

	"github.com/ec2x/ec2x/core/render"
)

var (
	instanceIDRe = regexp.MustCompile(`^i-([0-9a-f]{8}|[0-9a-f]{17})$`)
	amiIDRe      = regexp.MustCompile(`^ami-([0-9a-f]{8}|[0-9a-f]{17})$`)
)

// ValidInstanceID reports whether id has the shape of an instance ID.
func ValidInstanceID(id string) bool { return instanceIDRe.MatchString(id) }

// DescribeInstancesInput is EC2's DescribeInstances request.
type DescribeInstancesInput struct {
	InstanceIds []string `json:"InstanceIds,omitempty"`
	Filters     []Filter `json:"Filters,omitempty"`
}

// DescribeInstancesOutput lists instances, without EC2's Reservations layer.
type DescribeInstancesOutput struct {
	Instances []*Instance `json:"Instances"`
}

// instanceFilters maps EC2's filter names to the instance's values.
var instanceFilters = map[string]func(r *instRecord) []string{
	"instance-id":         func(r *instRecord) []string { return []string{r.InstanceId} },
	"instance-state-name": func(r *instRecord) []string { return []string{r.State.Name} },
	"instance-state-code": func(r *instRecord) []string { return []string{strconv.Itoa(r.State.Code)} },
	"instance-type":       func(r *instRecord) []string { return []string{r.InstanceType} },
	"availability-zone":   func(r *instRecord) []string { return []string{r.Placement.AvailabilityZone} },
	"image-id":            func(r *instRecord) []string { return []string{r.ImageId} },
	"key-name":            func(r *instRecord) []string { return []string{r.KeyName} },
	"private-ip-address":  func(r *instRecord) []string { return []string{r.PrivateIpAddress} },
	"ip-address":          func(r *instRecord) []string { return []string{r.PublicIpAddress} },
	"private-dns-name": func(r *instRecord) []string {
		a, err := netip.ParseAddr(r.PrivateIpAddress)
		if err != nil {
			return nil
		}
		return []string{privateDNS(r.Region, a)}
	},
	"dns-name": func(r *instRecord) []string {
		a, err := netip.ParseAddr(r.PublicIpAddress)
		if err != nil {
			return nil
		}
		return []string{publicDNS(r.Region, a)}
	},
	"subnet-id":           func(r *instRecord) []string { return []string{r.SubnetId} },
	"vpc-id":              func(r *instRecord) []string { return []string{r.VpcId} },
	"host-id":             func(r *instRecord) []string { return []string{r.Placement.HostId} },
	"architecture":        func(r *instRecord) []string { return []string{r.Architecture} },
	"hypervisor":          func(r *instRecord) []string { return []string{r.Hypervisor} },
	"virtualization-type": func(r *instRecord) []string { return []string{"hvm"} },
	"client-token":        func(r *instRecord) []string { return []string{r.ClientToken} },
	"tenancy":             func(r *instRecord) []string { return []string{r.Placement.Tenancy} },
	"root-device-type":    func(r *instRecord) []string { return []string{"ebs"} },
	"launch-time":         func(r *instRecord) []string { return []string{r.LaunchTime.UTC().Format(time.RFC3339)} },
	"ami-launch-index":    func(r *instRecord) []string { return []string{strconv.Itoa(r.AmiLaunchIndex)} },
	"instance-lifecycle":  func(r *instRecord) []string { return []string{"on-demand"} },
	"instance-state-reason-code": func(r *instRecord) []string {
		if r.StateReason == nil {
			return nil
		}
		return []string{r.StateReason.Code}
	},
	"tag-key": func(r *instRecord) []string {
		out := make([]string, len(r.Tags))
		for i, t := range r.Tags {
			out[i] = t.Key
		}
		return out
	},
	"tag-value": func(r *instRecord) []string {
		out := make([]string, len(r.Tags))
		for i, t := range r.Tags {
			out[i] = t.Value
		}
		return out
	},
	"network-interface.network-interface-id": func(r *instRecord) []string {
		if r.EniId == "" || r.State.Name == StateTerminated {
			return nil
		}
		return []string{r.EniId}
	},
	"network-interface.addresses.private-ip-address": func(r *instRecord) []string {
		if r.PrivateIpAddress == "" {
			return nil
		}
		return []string{r.PrivateIpAddress}
	},
}

// InstanceFilterNames lists the filter names DescribeInstances knows.
func InstanceFilterNames() []string {
	names := make([]string, 0, len(instanceFilters)+1)
	for n := range instanceFilters {
		names = append(names, n)
	}
	names = append(names, "tag:<key>")
	sort.Strings(names)
	return names
}

// compiledFilter is a filter ready to match.
type compiledFilter struct {
	values func(r *instRecord) []string
	pats   []string
	exact  bool
}

func compileFilters(fs []Filter) ([]compiledFilter, error) {
	out := make([]compiledFilter, 0, len(fs))
	for _, f := range fs {
		var get func(r *instRecord) []string
		if key, ok := strings.CutPrefix(f.Name, "tag:"); ok && key != "" {
			get = func(r *instRecord) []string {
				if v, ok := r.Tag(key); ok {
					return []string{v}
				}
				return nil
			}
		} else if get = instanceFilters[f.Name]; get == nil {
			return nil, Errorf(CodeInvalidParameterValue, "The filter '%s' is invalid", f.Name)
		}
		if len(f.Values) == 0 {
			return nil, Errorf(CodeInvalidParameterValue, "The filter '%s' needs at least one value", f.Name)
		}
		exact := true
		for _, v := range f.Values {
			if strings.ContainsAny(v, "*?") {
				exact = false
			}
		}
		out = append(out, compiledFilter{values: get, pats: f.Values, exact: exact})
	}
	return out, nil
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

// match: every filter must match (AND); within one, any value (OR).
func match(fs []compiledFilter, r *instRecord) bool {
	for _, f := range fs {
		vals := f.values(r)
		ok := false
	values:
		for _, v := range vals {
			for _, p := range f.pats {
				if f.exact {
					if v == p {
						ok = true
						break values
					}
				} else if wildMatch(p, v) {
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

// DescribeInstances lists instances by ID and filters, oldest launch first.
func (c *Cloud) DescribeInstances(ctx context.Context, region string, in *DescribeInstancesInput) (*DescribeInstancesOutput, error) {
	recs, err := c.describe(region, in)
	if err != nil {
		return nil, err
	}
	out := &DescribeInstancesOutput{Instances: make([]*Instance, len(recs))}
	for i, r := range recs {
		out.Instances[i] = r.api(c.cfg)
	}
	return out, nil
}

// DescribeInstanceTableInput asks for instances already rendered for a
// terminal: Format is table (aligned, with a header), text (tab-separated)
// or ids (one ID a line); Now is the caller's clock, for the AGE column.
type DescribeInstanceTableInput struct {
	DescribeInstancesInput
	Format string    `json:"Format"`
	Color  bool      `json:"Color,omitempty"`
	Now    time.Time `json:"Now"`
}

// Text is an answer that is already text; the API sends it as it is.
type Text struct{ Body []byte }

// Raw returns the bytes to send.
func (t *Text) Raw() []byte { return t.Body }

// SetRaw takes the bytes received.
func (t *Text) SetRaw(b []byte) { t.Body = b }

// InstanceHeader is the header of instance tables.
var InstanceHeader = []string{"INSTANCE ID", "NAME", "TYPE", "STATE", "ZONE", "PRIVATE IP", "PUBLIC IP", "AGE"}

// InstanceRow is one instance as a table row under InstanceHeader.
func InstanceRow(in *Instance, now time.Time) []string {
	name, _ := in.Tag("Name")
	return []string{in.InstanceId, render.Dash(name), in.InstanceType, in.State.Name, in.Placement.AvailabilityZone,
		render.Dash(in.PrivateIpAddress), render.Dash(in.PublicIpAddress), render.Age(now.Sub(in.LaunchTime))}
}

// recordRow is InstanceRow without building the whole Instance.
func recordRow(r *instRecord, now time.Time) []string {
	name, _ := r.Tag("Name")
	return []string{r.InstanceId, render.Dash(name), r.InstanceType, r.State.Name, r.Placement.AvailabilityZone,
		render.Dash(r.PrivateIpAddress), render.Dash(r.PublicIpAddress), render.Age(now.Sub(r.LaunchTime))}
}

// DescribeInstanceTable is DescribeInstances answering with text for a
// terminal (an ec2x action: the CLI's listings use it). Rendering where the
// records live spares a short-lived CLI process from decoding a thousand
// JSON objects, which would cost more than the rest of the call.
func (c *Cloud) DescribeInstanceTable(ctx context.Context, region string, in *DescribeInstanceTableInput) (*Text, error) {
	recs, err := c.describe(region, &in.DescribeInstancesInput)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(len(recs) * 128)
	switch in.Format {
	case "ids":
		for _, r := range recs {
			b.WriteString(r.InstanceId)
			b.WriteByte('\n')
		}
		return &Text{Body: b.Bytes()}, nil
	case "table", "text":
	default:
		return nil, Errorf(CodeInvalidParameterValue, "Format must be table, text or ids, not '%s'", in.Format)
	}
	rows := make([][]string, len(recs))
	for i, r := range recs {
		rows[i] = recordRow(r, in.Now)
	}
	if in.Format == "text" {
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\t"))
			b.WriteByte('\n')
		}
		return &Text{Body: b.Bytes()}, nil
	}
	if err := render.Table(&b, InstanceHeader, rows, in.Color); err != nil {
		return nil, err
	}
	return &Text{Body: b.Bytes()}, nil
}

// describe selects the visible instances that match, sorted.
func (c *Cloud) describe(region string, in *DescribeInstancesInput) ([]*instRecord, error) {
	fs, err := compileFilters(in.Filters)
	if err != nil {
		return nil, err
	}
	c.mu.RLock()
	rs, err := c.region(region)
	if err != nil {
		c.mu.RUnlock()
		return nil, err
	}
	var recs []*instRecord
	if len(in.InstanceIds) > 0 {
		if recs, err = c.lookupLocked(rs, in.InstanceIds); err != nil {
			c.mu.RUnlock()
			return nil, err
		}
	} else {
		recs = make([]*instRecord, 0, len(rs.instances))
		for _, r := range rs.instances {
			recs = append(recs, r)
		}
	}
	kept := recs[:0]
	for _, r := range recs {
		if !c.hiddenLocked(r) && match(fs, r) {
			kept = append(kept, r)
		}
	}
	c.mu.RUnlock()
	// Records are immutable once published: sorting and encoding need no lock.
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
	return kept, nil
}

// WaitInstancesInput asks to wait until every instance is in State.
type WaitInstancesInput struct {
	InstanceIds []string `json:"InstanceIds"`
	State       string   `json:"State"`
	// TimeoutSeconds bounds this one call; clients loop for longer waits.
	TimeoutSeconds float64 `json:"TimeoutSeconds"`
}

// WaitInstancesOutput says whether the wait is over, with the instances.
type WaitInstancesOutput struct {
	Done      bool        `json:"Done"`
	Instances []*Instance `json:"Instances"`
}

// maxWaitCall bounds one WaitInstances call so that connections do not
// hang forever; clients call again.
const maxWaitCall = 20 * time.Second

// WaitInstances blocks until every instance is in the state, the timeout
// passes (Done false), or an instance can no longer get there (an error).
func (c *Cloud) WaitInstances(ctx context.Context, region string, in *WaitInstancesInput) (*WaitInstancesOutput, error) {
	if !ValidStateName(in.State) {
		return nil, Errorf(CodeInvalidParameterValue, "'%s' is not an instance state", in.State)
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
		c.mu.RUnlock()
		if err != nil {
			return nil, err
		}
		out := &WaitInstancesOutput{Done: true}
		for _, r := range recs {
			out.Instances = append(out.Instances, r.api(c.cfg))
			if r.State.Name == in.State {
				continue
			}
			out.Done = false
			if unreachable(r.State.Name, in.State) {
				return nil, Errorf(CodeIncorrectInstanceState, "The instance '%s' is %s; it will not become %s.", r.InstanceId, r.State.Name, in.State)
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
	case StateRunning:
		return from == StateTerminated || from == StateShuttingDown || from == StateStopping
	case StateStopped:
		return from == StateTerminated || from == StateShuttingDown
	case StateTerminated:
		return false
	}
	return from == StateTerminated
}

func joinIDs(ids []string) string { return strings.Join(ids, ", ") }
