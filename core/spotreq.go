package core

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/sched"
	"github.com/ec2x/ec2x/core/store"
)

// spotRequestKey is sir/<region>/<id>.
func spotRequestKey(region, id string) []byte { return store.Key(kindSpotRequest, region, id) }

// putRequest writes a request within t.
func (t *tx) putRequest(r ec2.SpotInstanceRequest) {
	t.putOther(spotRequestKey(t.rs.name, r.SpotInstanceRequestId), &r, func() { t.rs.spotReqs[r.SpotInstanceRequestId] = &r })
}

// spotTerms are a validated spot launch's terms.
type spotTerms struct {
	max          float64
	kind         string // one-time, persistent
	interruption string // stop, terminate, hibernate
	request      *ec2.SpotInstanceRequest
}

// parseSpotTerms checks InstanceMarketOptions against EC2's rules.
func (c *Cloud) parseSpotTerms(region, typ string, mo *ec2.InstanceMarketOptions) (*spotTerms, error) {
	if mo == nil {
		return nil, nil
	}
	if mo.MarketType != "spot" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for MarketType: only spot", mo.MarketType)
	}
	if c.pricer == nil {
		return nil, ec2.Errorf(ec2.CodeUnsupported, "Spot instances need the pricing modules, which are not loaded")
	}
	so := mo.SpotOptions
	if so == nil {
		so = &ec2.SpotOptions{}
	}
	st := &spotTerms{max: c.onDemand(region, typ), kind: so.SpotInstanceType, interruption: so.InstanceInterruptionBehavior}
	if so.MaxPrice != "" {
		v, err := strconv.ParseFloat(so.MaxPrice, 64)
		if err != nil || v <= 0 {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for MaxPrice: a positive USD amount per hour", so.MaxPrice)
		}
		st.max = v
	}
	if st.kind == "" {
		st.kind = "one-time"
	}
	if st.kind != "one-time" && st.kind != "persistent" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for SpotInstanceType: one-time or persistent", st.kind)
	}
	switch st.interruption {
	case "":
		st.interruption = "terminate"
	case "terminate", "stop", "hibernate":
	default:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for InstanceInterruptionBehavior: stop, terminate or hibernate", st.interruption)
	}
	if st.interruption != "terminate" && st.kind != "persistent" && mo.SpotOptions != nil && mo.SpotOptions.SpotInstanceType == "one-time" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "InstanceInterruptionBehavior %s needs a persistent spot request", st.interruption)
	}
	return st, nil
}

// spotZones are the zones where a spot launch of typ at max fits the
// price, or an EC2 error naming the cheapest price when none does.
func (c *Cloud) spotZones(rs *regionState, typ string, zone string, st *spotTerms) ([]string, error) {
	zones := rs.cfg.Zones
	if zone != "" {
		zones = []string{zone}
	}
	var ok []string
	lowest := -1.0
	for _, z := range zones {
		p := c.spotPrice(rs, z, typ)
		if p <= st.max {
			ok = append(ok, z)
		}
		if lowest < 0 || p < lowest {
			lowest = p
		}
	}
	if len(ok) == 0 {
		return nil, ec2.Errorf(ec2.CodeSpotMaxPriceTooLow, "Your Spot request price of %s is lower than the minimum required Spot request fulfillment price of %s.", usd(st.max), usd(lowest))
	}
	return ok, nil
}

// RequestSpotInstances opens spot requests; each is fulfilled at once if
// the price and capacity allow, else at a later market tick.
func (c *Cloud) RequestSpotInstances(ctx context.Context, region string, in *ec2.RequestSpotInstancesInput) (*ec2.RequestSpotInstancesOutput, error) {
	if err := c.awaitMarket(ctx); err != nil {
		return nil, err
	}
	n := in.InstanceCount
	if n == 0 {
		n = 1
	}
	if n < 1 || n > c.cfg.Limits.MaxCountPerRun {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "InstanceCount must be 1 to %d", c.cfg.Limits.MaxCountPerRun)
	}
	typ := in.LaunchSpecification.InstanceType
	if typ == "" {
		typ = "t2.micro"
		in.LaunchSpecification.InstanceType = typ
	}
	if c.cfg.Types[typ] == nil {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for InstanceType.", typ)
	}
	st, err := c.parseSpotTerms(region, typ, &ec2.InstanceMarketOptions{MarketType: "spot", SpotOptions: &ec2.SpotOptions{
		MaxPrice: in.SpotPrice, SpotInstanceType: in.Type, InstanceInterruptionBehavior: in.InstanceInterruptionBehavior}})
	if err != nil {
		return nil, err
	}
	var tags []ec2.Tag
	for _, ts := range in.TagSpecifications {
		if ts.ResourceType != "spot-instances-request" {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "'%s' is not a valid taggable resource type for this operation.", ts.ResourceType)
		}
		tags = append(tags, ts.Tags...)
	}
	out := &ec2.RequestSpotInstancesOutput{}
	err = c.mutate(ctx, region, in.DryRun, func(t *tx) error {
		if _, _, _, err := c.resolveImage(t.rs, in.LaunchSpecification.ImageId); err != nil {
			return err
		}
		now := c.clk.Now().UTC()
		for i := 0; i < n; i++ {
			r := ec2.SpotInstanceRequest{SpotInstanceRequestId: c.newID("sir"), SpotPrice: usd(st.max), Type: st.kind, State: "open",
				Status:              ec2.SpotStatus{Code: "pending-evaluation", Message: "Your Spot request has been submitted for review, and is pending evaluation.", UpdateTime: now},
				LaunchSpecification: in.LaunchSpecification, InstanceInterruptionBehavior: st.interruption, CreateTime: now,
				ProductDescription: "Linux/UNIX", Tags: tags}
			t.putRequest(r)
			out.SpotInstanceRequests = append(out.SpotInstanceRequests, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.fulfilSpot(ctx, region)
	c.mu.RLock()
	for i, r := range out.SpotInstanceRequests {
		if cur := c.regions[region].spotReqs[r.SpotInstanceRequestId]; cur != nil {
			out.SpotInstanceRequests[i] = *cur
		}
	}
	c.mu.RUnlock()
	return out, nil
}

// fulfilSpot tries every open request of a region: a launch when price
// and capacity allow, else the status that says why not.
func (c *Cloud) fulfilSpot(ctx context.Context, region string) {
	c.mu.RLock()
	rs := c.regions[region]
	var open, resume []ec2.SpotInstanceRequest
	for _, r := range rs.spotReqs {
		switch {
		case r.State == "open":
			open = append(open, *r)
		case r.State == "disabled" && strings.HasPrefix(r.Status.Code, "instance-stopped-") && r.Status.Code != "instance-stopped-by-user":
			if i := rs.instances[r.InstanceId]; i != nil && i.State.Name == ec2.StateStopped &&
				c.spotPrice(rs, i.Placement.AvailabilityZone, i.InstanceType) <= i.SpotMaxPrice {
				resume = append(resume, *r)
			}
		}
	}
	c.mu.RUnlock()
	// A persistent request whose instance the market stopped starts it
	// again once the price and capacity allow, as EC2 does.
	for _, req := range resume {
		// StartInstances makes the request active again.
		_, _ = c.StartInstances(ctx, region, &ec2.InstanceIdsInput{InstanceIds: []string{req.InstanceId}})
	}
	sort.Slice(open, func(i, j int) bool { return open[i].CreateTime.Before(open[j].CreateTime) })
	for _, req := range open {
		spec := req.LaunchSpecification
		in := &ec2.RunInstancesInput{ImageId: spec.ImageId, InstanceType: spec.InstanceType, MinCount: 1, MaxCount: 1,
			KeyName: spec.KeyName, Placement: spec.Placement, SubnetId: spec.SubnetId, SecurityGroupIds: spec.SecurityGroupIds,
			UserData: spec.UserData, InstanceMarketOptions: &ec2.InstanceMarketOptions{MarketType: "spot", SpotOptions: &ec2.SpotOptions{
				MaxPrice: req.SpotPrice, SpotInstanceType: req.Type, InstanceInterruptionBehavior: req.InstanceInterruptionBehavior}}}
		_, err := c.runInstances(ctx, region, in, req.SpotInstanceRequestId)
		if err == nil {
			continue
		}
		code, msg := "capacity-not-available", "There is no capacity available for the instance type in the requested zone."
		if ec2.CodeOf(err) == ec2.CodeSpotMaxPriceTooLow {
			code, msg = "price-too-low", "Your Spot request price is lower than the minimum required Spot request fulfillment price."
		} else if ec2.CodeOf(err) != ec2.CodeInsufficientInstanceCapacity {
			code, msg = "bad-parameters", err.Error()
		}
		_ = c.mutate(ctx, region, false, func(t *tx) error {
			cur := t.rs.spotReqs[req.SpotInstanceRequestId]
			if cur == nil || cur.State != "open" || cur.Status.Code == code {
				return nil
			}
			nr := *cur
			nr.Status = ec2.SpotStatus{Code: code, Message: msg, UpdateTime: c.clk.Now().UTC()}
			if code == "bad-parameters" {
				nr.State = "failed"
			}
			t.putRequest(nr)
			return nil
		})
	}
}

var spotRequestFilters = map[string]func(r *ec2.SpotInstanceRequest) []string{
	"spot-instance-request-id": func(r *ec2.SpotInstanceRequest) []string { return []string{r.SpotInstanceRequestId} },
	"state":                    func(r *ec2.SpotInstanceRequest) []string { return []string{r.State} },
	"status-code":              func(r *ec2.SpotInstanceRequest) []string { return []string{r.Status.Code} },
	"instance-id":              func(r *ec2.SpotInstanceRequest) []string { return nonEmpty(r.InstanceId) },
	"type":                     func(r *ec2.SpotInstanceRequest) []string { return []string{r.Type} },
	"launch.instance-type":     func(r *ec2.SpotInstanceRequest) []string { return []string{r.LaunchSpecification.InstanceType} },
	"launched-availability-zone": func(r *ec2.SpotInstanceRequest) []string {
		return nonEmpty(r.LaunchedAvailabilityZone)
	},
}

// DescribeSpotInstanceRequests lists the region's spot requests.
func (c *Cloud) DescribeSpotInstanceRequests(ctx context.Context, region string, in *ec2.DescribeSpotInstanceRequestsInput) (*ec2.DescribeSpotInstanceRequestsOutput, error) {
	fs, err := compileGeneric(in.Filters, spotRequestFilters, func(r *ec2.SpotInstanceRequest) []ec2.Tag { return r.Tags })
	if err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	rs, err := c.region(region)
	if err != nil {
		return nil, err
	}
	recs, err := findEach(in.SpotInstanceRequestIds, rs.findRequest)
	if err != nil {
		return nil, err
	}
	if len(in.SpotInstanceRequestIds) == 0 {
		recs = valuesOf(rs.spotReqs)
	}
	out := &ec2.DescribeSpotInstanceRequestsOutput{SpotInstanceRequests: viewsMatching(recs, func(r *ec2.SpotInstanceRequest) ec2.SpotInstanceRequest { return *r }, fs)}
	sort.Slice(out.SpotInstanceRequests, func(i, j int) bool {
		return out.SpotInstanceRequests[i].CreateTime.Before(out.SpotInstanceRequests[j].CreateTime)
	})
	return out, nil
}

func (rs *regionState) findRequest(id string) (*ec2.SpotInstanceRequest, error) {
	if !strings.HasPrefix(id, "sir-") {
		return nil, ec2.Errorf(ec2.CodeInvalidSpotInstanceRequestIDMalformed, "Invalid id: \"%s\" (expecting \"sir-...\")", id)
	}
	if r := rs.spotReqs[id]; r != nil {
		return r, nil
	}
	return nil, ec2.Errorf(ec2.CodeInvalidSpotInstanceRequestIDNotFound, "The spot instance request ID '%s' does not exist", id)
}

// CancelSpotInstanceRequests cancels requests; as in EC2, instances they
// launched keep running.
func (c *Cloud) CancelSpotInstanceRequests(ctx context.Context, region string, in *ec2.CancelSpotInstanceRequestsInput) (*ec2.CancelSpotInstanceRequestsOutput, error) {
	out := &ec2.CancelSpotInstanceRequestsOutput{}
	err := c.mutate(ctx, region, in.DryRun, func(t *tx) error {
		reqs, err := findEach(in.SpotInstanceRequestIds, t.rs.findRequest)
		if err != nil {
			return err
		}
		for _, r := range reqs {
			nr := *r
			if nr.State == "open" || nr.State == "active" || nr.State == "disabled" {
				code := "canceled-before-fulfillment"
				if nr.InstanceId != "" {
					code = "request-canceled-and-instance-running"
				}
				nr.State = "cancelled"
				nr.Status = ec2.SpotStatus{Code: code, Message: "Your Spot request is canceled.", UpdateTime: c.clk.Now().UTC()}
				t.putRequest(nr)
			}
			out.CancelledSpotInstanceRequests = append(out.CancelledSpotInstanceRequests, ec2.CancelledSpotInstanceRequest{SpotInstanceRequestId: nr.SpotInstanceRequestId, State: nr.State})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// spotLaunch makes r a spot instance and records its request: a new
// fulfilled one for RunInstances, or the open request the market fulfils.
func (c *Cloud) spotLaunch(t *tx, l *launch, r *instRecord, now time.Time) {
	r.InstanceLifecycle, r.SpotMaxPrice, r.Interruption = "spot", l.spot.max, l.spot.interruption
	req := ec2.SpotInstanceRequest{SpotInstanceRequestId: c.newID("sir"), SpotPrice: usd(l.spot.max), Type: l.spot.kind,
		LaunchSpecification:          ec2.SpotLaunchSpecification{ImageId: l.amiID, InstanceType: l.typeName, KeyName: l.in.KeyName},
		InstanceInterruptionBehavior: l.spot.interruption, CreateTime: now.UTC(), ProductDescription: "Linux/UNIX"}
	if cur := t.rs.spotReqs[l.fulfils]; cur != nil {
		req = *cur
	}
	req.State, req.InstanceId, req.LaunchedAvailabilityZone = "active", r.InstanceId, r.Placement.AvailabilityZone
	req.Status = ec2.SpotStatus{Code: "fulfilled", Message: "Your Spot request is fulfilled.", UpdateTime: now.UTC()}
	r.SpotInstanceRequestId = req.SpotInstanceRequestId
	t.putRequest(req)
}

// preempt finds a host in the request's zone that fits once spot guests
// give back their share, and gives those guests their notices, the
// lowest-paying first. The new guest takes the host at once; the spot
// guests leave two minutes later.
func (c *Cloud) preempt(t *tx, req sched.Request, now time.Time, after *[]driverCall) (*sched.Host, bool) {
	pre := req
	pre.Preempt = true
	host, _, ok := c.sched.Place(t.rs.name, pre, false)
	if !ok {
		return nil, false
	}
	needCPU, needMem := host.Shortfall(req)
	// Guests already noticed will leave anyway: they count as freed.
	var victims []*instRecord
	for _, r := range t.rs.instances {
		cur := t.instance(r.InstanceId)
		if cur.Placement.HostId != host.ID || !cur.spot() || !holdsHost(cur.State.Name) {
			continue
		}
		if cur.Notice != nil {
			typ := c.cfg.Types[cur.InstanceType]
			needCPU, needMem = needCPU-typ.VCPUs, needMem-typ.MemoryMiB
			continue
		}
		victims = append(victims, cur)
	}
	sort.Slice(victims, func(i, j int) bool {
		if victims[i].SpotMaxPrice != victims[j].SpotMaxPrice {
			return victims[i].SpotMaxPrice < victims[j].SpotMaxPrice
		}
		return victims[i].LaunchTime.After(victims[j].LaunchTime)
	})
	var chosen []*instRecord
	for _, v := range victims {
		if needCPU <= 0 && needMem <= 0 {
			break
		}
		typ := c.cfg.Types[v.InstanceType]
		needCPU, needMem = needCPU-typ.VCPUs, needMem-typ.MemoryMiB
		chosen = append(chosen, v)
	}
	if needCPU > 0 || needMem > 0 {
		return nil, false // not even all of them would make room
	}
	for _, v := range chosen {
		*after = append(*after, c.noticeTx(t, v, now, "capacity")...)
	}
	return host, true
}
