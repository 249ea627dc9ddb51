package instance

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/sched"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
	"github.com/ec2x/ec2x/hv"
)

// noticeLead is how long before an interruption its notice is given.
const noticeLead = 2 * time.Minute

// spotTerms are a validated spot launch's terms.
type spotTerms struct {
	max          float64
	kind         string // one-time, persistent
	interruption string // stop, terminate, hibernate
}

// parseSpotTerms checks InstanceMarketOptions against EC2's rules.
func (s *Service) parseSpotTerms(region, typ string, mo *ec2.InstanceMarketOptions) (*spotTerms, error) {
	if mo == nil {
		return nil, nil
	}
	if mo.MarketType != "spot" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for MarketType: only spot", mo.MarketType)
	}
	if !s.mkt.Priced() {
		return nil, ec2.Errorf(ec2.CodeUnsupported, "Spot instances need the pricing modules, which are not loaded")
	}
	so := mo.SpotOptions
	if so == nil {
		so = &ec2.SpotOptions{}
	}
	st := &spotTerms{max: s.cat.OnDemand(region, typ), kind: so.SpotInstanceType, interruption: so.InstanceInterruptionBehavior}
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
func (s *Service) spotZones(rd state.Reader, typ string, zone string, st *spotTerms) ([]string, error) {
	zones := rd.Region().Cfg.Zones
	if zone != "" {
		zones = []string{zone}
	}
	var ok []string
	lowest := -1.0
	for _, z := range zones {
		p := s.mkt.SpotPrice(rd, z, typ)
		if p <= st.max {
			ok = append(ok, z)
		}
		if lowest < 0 || p < lowest {
			lowest = p
		}
	}
	if len(ok) == 0 {
		return nil, ec2.Errorf(ec2.CodeSpotMaxPriceTooLow, "Your Spot request price of %s is lower than the minimum required Spot request fulfillment price of %s.", catalog.USD(st.max), catalog.USD(lowest))
	}
	return ok, nil
}

// RequestSpotInstances opens spot requests; each is fulfilled at once if
// the price and capacity allow, else at a later market tick.
func (s *Service) RequestSpotInstances(ctx context.Context, region string, in *ec2.RequestSpotInstancesInput) (*ec2.RequestSpotInstancesOutput, error) {
	if err := s.mkt.AwaitPrices(ctx); err != nil {
		return nil, err
	}
	n := in.InstanceCount
	if n == 0 {
		n = 1
	}
	if n < 1 || n > s.cfg.Limits.MaxCountPerRun {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "InstanceCount must be 1 to %d", s.cfg.Limits.MaxCountPerRun)
	}
	typ := in.LaunchSpecification.InstanceType
	if typ == "" {
		typ = "t2.micro"
		in.LaunchSpecification.InstanceType = typ
	}
	if s.cfg.Types[typ] == nil {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for InstanceType.", typ)
	}
	st, err := s.parseSpotTerms(region, typ, &ec2.InstanceMarketOptions{MarketType: "spot", SpotOptions: &ec2.SpotOptions{
		MaxPrice: in.SpotPrice, SpotInstanceType: in.Type, InstanceInterruptionBehavior: in.InstanceInterruptionBehavior}})
	if err != nil {
		return nil, err
	}
	tags, err := tagging.FromSpecs(in.TagSpecifications, "spot-instances-request")
	if err != nil {
		return nil, err
	}
	out := &ec2.RequestSpotInstancesOutput{}
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		if _, _, _, err := s.cat.ResolveImage(tx, in.LaunchSpecification.ImageId); err != nil {
			return err
		}
		if in.DryRun {
			return state.DryRun()
		}
		now := s.clk.Now().UTC()
		for i := 0; i < n; i++ {
			r := ec2.SpotInstanceRequest{SpotInstanceRequestId: tx.Region().NewID("sir"), SpotPrice: catalog.USD(st.max), Type: st.kind, State: "open",
				Status:              ec2.SpotStatus{Code: "pending-evaluation", Message: "Your Spot request has been submitted for review, and is pending evaluation.", UpdateTime: now},
				LaunchSpecification: in.LaunchSpecification, InstanceInterruptionBehavior: st.interruption, CreateTime: now,
				ProductDescription: "Linux/UNIX", Tags: tags}
			state.Put(tx, SpotRequests, &r)
			out.SpotInstanceRequests = append(out.SpotInstanceRequests, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.fulfilSpot(ctx, region)
	r, _ := s.rt.Region(region)
	r.RLock()
	for i, req := range out.SpotInstanceRequests {
		if cur := state.Get(r, SpotRequests, req.SpotInstanceRequestId); cur != nil {
			out.SpotInstanceRequests[i] = *cur
		}
	}
	r.RUnlock()
	return out, nil
}

// fulfilSpot tries every open request of a region: a launch when price
// and capacity allow, else the status that says why not.
func (s *Service) fulfilSpot(ctx context.Context, region string) {
	r, err := s.rt.Region(region)
	if err != nil {
		return
	}
	var open, resume []ec2.SpotInstanceRequest
	r.RLock()
	state.Each(r, SpotRequests, func(req *ec2.SpotInstanceRequest) bool {
		switch {
		case req.State == "open":
			open = append(open, *req)
		case req.State == "disabled" && strings.HasPrefix(req.Status.Code, "instance-stopped-") && req.Status.Code != "instance-stopped-by-user":
			if i := get(r, req.InstanceId); i != nil && i.State.Name == ec2.StateStopped &&
				s.mkt.SpotPrice(r, i.Placement.AvailabilityZone, i.InstanceType) <= i.SpotOf().SpotMaxPrice {
				resume = append(resume, *req)
			}
		}
		return true
	})
	r.RUnlock()
	// A persistent request whose instance the market stopped starts it
	// again once the price and capacity allow, as EC2 does.
	sort.Slice(resume, func(i, j int) bool { return resume[i].CreateTime.Before(resume[j].CreateTime) })
	for _, req := range resume {
		// StartInstances makes the request active again.
		_, _ = s.StartInstances(ctx, region, &ec2.StartInstancesInput{InstanceIds: []string{req.InstanceId}})
	}
	sort.Slice(open, func(i, j int) bool { return open[i].CreateTime.Before(open[j].CreateTime) })
	for _, req := range open {
		spec := req.LaunchSpecification
		in := &ec2.RunInstancesInput{ImageId: spec.ImageId, InstanceType: spec.InstanceType, MinCount: 1, MaxCount: 1,
			KeyName: spec.KeyName, Placement: spec.Placement, SubnetId: spec.SubnetId, SecurityGroupIds: spec.SecurityGroupIds,
			UserData: spec.UserData, InstanceMarketOptions: &ec2.InstanceMarketOptions{MarketType: "spot", SpotOptions: &ec2.SpotOptions{
				MaxPrice: req.SpotPrice, SpotInstanceType: req.Type, InstanceInterruptionBehavior: req.InstanceInterruptionBehavior}}}
		_, err := s.runInstances(ctx, region, in, req.SpotInstanceRequestId)
		if err == nil {
			continue
		}
		code, msg := "capacity-not-available", "There is no capacity available for the instance type in the requested zone."
		if ec2.CodeOf(err) == ec2.CodeSpotMaxPriceTooLow {
			code, msg = "price-too-low", "Your Spot request price is lower than the minimum required Spot request fulfillment price."
		} else if ec2.CodeOf(err) != ec2.CodeInsufficientInstanceCapacity {
			code, msg = "bad-parameters", err.Error()
		}
		_ = s.rt.Update(ctx, region, func(tx *state.Tx) error {
			cur := state.Get(tx, SpotRequests, req.SpotInstanceRequestId)
			if cur == nil || cur.State != "open" || cur.Status.Code == code {
				return nil
			}
			nr := *cur
			nr.Status = ec2.SpotStatus{Code: code, Message: msg, UpdateTime: s.clk.Now().UTC()}
			if code == "bad-parameters" {
				nr.State = "failed"
			}
			state.Put(tx, SpotRequests, &nr)
			return nil
		})
	}
}

var spotRequestSpec = &describe.Spec[*ec2.SpotInstanceRequest]{
	Fields: []describe.Field[*ec2.SpotInstanceRequest]{
		{Name: "spot-instance-request-id", Value: func(r *ec2.SpotInstanceRequest) string { return r.SpotInstanceRequestId }},
		{Name: "state", Value: func(r *ec2.SpotInstanceRequest) string { return r.State }},
		{Name: "status-code", Value: func(r *ec2.SpotInstanceRequest) string { return r.Status.Code }},
		{Name: "instance-id", Values: func(r *ec2.SpotInstanceRequest) []string { return describe.Optional(r.InstanceId) }},
		{Name: "type", Value: func(r *ec2.SpotInstanceRequest) string { return r.Type }},
		{Name: "spot-price", Value: func(r *ec2.SpotInstanceRequest) string { return r.SpotPrice }},
		{Name: "product-description", Value: func(r *ec2.SpotInstanceRequest) string { return r.ProductDescription }},
		{Name: "launch.instance-type", Value: func(r *ec2.SpotInstanceRequest) string { return r.LaunchSpecification.InstanceType }},
		{Name: "launch.image-id", Value: func(r *ec2.SpotInstanceRequest) string { return r.LaunchSpecification.ImageId }},
		{Name: "launch.key-name", Values: func(r *ec2.SpotInstanceRequest) []string { return describe.Optional(r.LaunchSpecification.KeyName) }},
		{Name: "launched-availability-zone", Values: func(r *ec2.SpotInstanceRequest) []string { return describe.Optional(r.LaunchedAvailabilityZone) }},
		{Name: "instance-interruption-behavior", Value: func(r *ec2.SpotInstanceRequest) string { return r.InstanceInterruptionBehavior }},
	},
	Tags: func(r *ec2.SpotInstanceRequest) []ec2.Tag { return r.Tags },
	// Oldest request first.
	Key: func(k *describe.Key, r *ec2.SpotInstanceRequest) {
		k.Time(r.CreateTime)
		k.Str(r.SpotInstanceRequestId)
	},
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "SpotInstanceRequestIds"},
}

// DescribeSpotInstanceRequests lists the region's spot requests.
func (s *Service) DescribeSpotInstanceRequests(ctx context.Context, region string, in *ec2.DescribeSpotInstanceRequestsInput) (*ec2.DescribeSpotInstanceRequestsOutput, error) {
	q := describe.Query{Filters: in.Filters, IDs: in.SpotInstanceRequestIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeSpotInstanceRequests"}
	out, next, err := state.Describe(s.rt, region, spotRequestSpec, q, func(r *state.Region) ([]*ec2.SpotInstanceRequest, error) {
		return state.Gather(r, SpotRequests, in.SpotInstanceRequestIds, func(r *state.Region, id string) (*ec2.SpotInstanceRequest, error) { return findRequest(r, id) })
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeSpotInstanceRequestsOutput{SpotInstanceRequests: out, NextToken: next}, nil
}

func findRequest(rd state.Reader, id string) (*ec2.SpotInstanceRequest, error) {
	if !ec2.ValidID("sir", id) {
		return nil, ec2.MalformedID(ec2.CodeInvalidSpotInstanceRequestIDMalformed, "sir", id)
	}
	if r := state.Get(rd, SpotRequests, id); r != nil {
		return r, nil
	}
	return nil, ec2.Errorf(ec2.CodeInvalidSpotInstanceRequestIDNotFound, "The spot instance request ID '%s' does not exist", id)
}

// CancelSpotInstanceRequests cancels requests; as in EC2, instances they
// launched keep running.
func (s *Service) CancelSpotInstanceRequests(ctx context.Context, region string, in *ec2.CancelSpotInstanceRequestsInput) (*ec2.CancelSpotInstanceRequestsOutput, error) {
	out := &ec2.CancelSpotInstanceRequestsOutput{}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		var reqs []*ec2.SpotInstanceRequest
		for _, id := range in.SpotInstanceRequestIds {
			r, err := findRequest(tx, id)
			if err != nil {
				return err
			}
			reqs = append(reqs, r)
		}
		if in.DryRun {
			return state.DryRun()
		}
		for _, r := range reqs {
			nr := *r
			if nr.State == "open" || nr.State == "active" || nr.State == "disabled" {
				code := "canceled-before-fulfillment"
				if nr.InstanceId != "" {
					code = "request-canceled-and-instance-running"
				}
				nr.State = "cancelled"
				nr.Status = ec2.SpotStatus{Code: code, Message: "Your Spot request is canceled.", UpdateTime: s.clk.Now().UTC()}
				state.Put(tx, SpotRequests, &nr)
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
func (s *Service) spotLaunch(tx *state.Tx, l *launch, r *Record, now time.Time) {
	sp := r.editSpot()
	sp.InstanceLifecycle, sp.SpotMaxPrice, sp.Interruption = "spot", l.spot.max, l.spot.interruption
	req := ec2.SpotInstanceRequest{SpotInstanceRequestId: tx.Region().NewID("sir"), SpotPrice: catalog.USD(l.spot.max), Type: l.spot.kind,
		LaunchSpecification:          ec2.SpotLaunchSpecification{ImageId: l.amiID, InstanceType: l.typeName, KeyName: l.in.KeyName},
		InstanceInterruptionBehavior: l.spot.interruption, CreateTime: now.UTC(), ProductDescription: "Linux/UNIX", Tags: l.spotTags}
	if cur := state.Get(tx, SpotRequests, l.fulfils); cur != nil {
		req = *cur
	}
	req.State, req.InstanceId, req.LaunchedAvailabilityZone = "active", r.InstanceId, r.Placement.AvailabilityZone
	req.Status = ec2.SpotStatus{Code: "fulfilled", Message: "Your Spot request is fulfilled.", UpdateTime: now.UTC()}
	r.editSpot().SpotInstanceRequestId = req.SpotInstanceRequestId
	state.Put(tx, SpotRequests, &req)
}

// preempt finds a host in the request's zone that fits once spot guests
// give back their share, and picks those guests, the lowest-paying first;
// the caller gives them their notices. The new guest takes the host at
// once; the spot guests leave two minutes later. noticed are guests
// already picked in this Tx: like those with a notice, they leave anyway.
func (s *Service) preempt(tx *state.Tx, req sched.Request, noticed []*Record) (*sched.Host, []*Record, bool) {
	pre := req
	pre.Preempt = true
	host, _, ok := s.sched.Place(tx.Region().Name, pre, false)
	if !ok {
		return nil, nil, false
	}
	needCPU, needMem := host.Shortfall(req)
	picked := map[string]bool{}
	for _, v := range noticed {
		picked[v.InstanceId] = true
	}
	// Guests already noticed will leave anyway: they count as freed.
	var victims []*Record
	state.Each(tx, Instances, func(cur *Record) bool {
		if cur.Placement.HostId != host.ID || !cur.Spot() || !HoldsHost(cur.State.Name) {
			return true
		}
		if cur.SpotOf().Notice != nil || picked[cur.InstanceId] {
			typ := s.cfg.Types[cur.InstanceType]
			needCPU, needMem = needCPU-typ.VCPUs, needMem-typ.MemoryMiB
			return true
		}
		victims = append(victims, cur)
		return true
	})
	sort.Slice(victims, func(i, j int) bool {
		if victims[i].SpotOf().SpotMaxPrice != victims[j].SpotOf().SpotMaxPrice {
			return victims[i].SpotOf().SpotMaxPrice < victims[j].SpotOf().SpotMaxPrice
		}
		if !victims[i].LaunchTime.Equal(victims[j].LaunchTime) {
			return victims[i].LaunchTime.After(victims[j].LaunchTime)
		}
		return victims[i].InstanceId < victims[j].InstanceId
	})
	var chosen []*Record
	for _, v := range victims {
		if needCPU <= 0 && needMem <= 0 {
			break
		}
		typ := s.cfg.Types[v.InstanceType]
		needCPU, needMem = needCPU-typ.VCPUs, needMem-typ.MemoryMiB
		chosen = append(chosen, v)
	}
	if needCPU > 0 || needMem > 0 {
		return nil, nil, false // not even all of them would make room
	}
	return host, chosen, true
}

// pricedOut gives every running spot instance above its maximum price its
// notice, inside the market's repricing Tx (market.Hooks).
func (s *Service) pricedOut(tx *state.Tx, price func(zone, typ string) float64) {
	now := s.clk.Now()
	var out []*Record
	state.Each(tx, Instances, func(r *Record) bool {
		if r.Spot() && r.SpotOf().Notice == nil && r.State.Name == ec2.StateRunning && price(r.Placement.AvailabilityZone, r.InstanceType) > r.SpotOf().SpotMaxPrice {
			out = append(out, r)
		}
		return true
	})
	sort.Slice(out, func(i, j int) bool { return out[i].InstanceId < out[j].InstanceId })
	for _, r := range out {
		s.after(tx, s.notice(tx, r, now, "price")...)
	}
}

// notice gives a spot instance its two-minute notice within tx and returns
// the driver call that prints it on the console; the interruption itself
// is scheduled once the notice is durable (see armNotice).
func (s *Service) notice(tx *state.Tx, r *Record, now time.Time, why string) []driverCall {
	action := r.SpotOf().Interruption
	if action == "" {
		action = "terminate"
	}
	n := get(tx, r.InstanceId).clone()
	n.editSpot().Notice = &ec2.InstanceAction{Action: action, Time: now.Add(noticeLead).UTC()}
	n.editSpot().NoticeCause = why
	s.put(tx, n)
	if req := state.Get(tx, SpotRequests, r.SpotOf().SpotInstanceRequestId); req != nil {
		nr := *req
		nr.Status = ec2.SpotStatus{Code: "marked-for-" + map[bool]string{true: "termination", false: "stop"}[action == "terminate"],
			Message: "Spot Instance is marked for interruption (" + why + ")", UpdateTime: now.UTC()}
		state.Put(tx, SpotRequests, &nr)
	}
	region, id, at := tx.Region().Name, r.InstanceId, n.SpotOf().Notice.Time
	line := fmt.Sprintf("ec2x: spot instance-action: %s at %s", action, at.Format(time.RFC3339))
	d := s.driverOf(r.Placement.HostId)
	return []driverCall{func(ctx context.Context) error {
		s.armNotice(region, id, at)
		if ca, ok := d.(hv.ConsoleAppender); ok {
			return ca.AppendConsole(ctx, id, line)
		}
		return nil
	}}
}

// armNotice schedules the interruption a notice announced.
func (s *Service) armNotice(region, id string, at time.Time) {
	s.clk.AfterFunc(at.Sub(s.clk.Now()), func() { s.interrupt(s.mkt.Life(), region, id) })
}

// interrupt carries out a notice: stop, hibernate (a stop here) or
// terminate, with EC2's spot reasons; the request follows.
func (s *Service) interrupt(ctx context.Context, region, id string) {
	_, err := s.changeStates(ctx, region, []string{id}, false, func(tx *state.Tx, r *Record, now time.Time) ([]driverCall, error) {
		if r.SpotOf().Notice == nil || (r.State.Name != ec2.StateRunning && r.State.Name != ec2.StatePending) {
			return nil, nil
		}
		n := r.clone()
		action := r.SpotOf().Notice.Action
		sp := n.editSpot()
		sp.Notice, sp.NoticeCause = nil, ""
		d, iid := s.driverOf(r.Placement.HostId), r.InstanceId
		cause := "by-price"
		if r.SpotOf().NoticeCause == "capacity" {
			cause = "no-capacity"
		}
		code, status := "Server.SpotInstanceShutdown", "instance-stopped-"+cause
		var call driverCall
		if action == "terminate" {
			code, status = "Server.SpotInstanceTermination", "instance-terminated-"+cause
			setState(n, ec2.StateShuttingDown, now)
			call = func(ctx context.Context) error { return d.Destroy(ctx, iid) }
		} else {
			setState(n, ec2.StateStopping, now)
			call = func(ctx context.Context) error { return d.Stop(ctx, iid, false) }
		}
		n.StateReason = &ec2.StateReason{Code: code, Message: code + ": Spot instance interruption"}
		n.StateTransitionReason = "Service initiated (" + now.UTC().Format("2006-01-02 15:04:05 GMT") + ")"
		s.put(tx, n)
		if req := state.Get(tx, SpotRequests, r.SpotOf().SpotInstanceRequestId); req != nil {
			nr := *req
			nr.Status = ec2.SpotStatus{Code: status, Message: "Spot Instance interrupted: " + action, UpdateTime: now.UTC()}
			switch {
			case nr.Type == "persistent" && action == "terminate":
				nr.State, nr.InstanceId = "open", ""
			case nr.Type == "persistent":
				nr.State = "disabled"
			default:
				nr.State = "closed"
			}
			state.Put(tx, SpotRequests, &nr)
		}
		return []driverCall{call}, nil
	})
	if err != nil {
		s.log.Error().Err(err).Str("instance", id).Msg("spot interruption")
	}
}

// rearmNotices schedules the interruptions whose notices were given before
// a restart; overdue ones run at once.
func (s *Service) rearmNotices() {
	for _, r := range s.rt.Regions() {
		r.RLock()
		state.Each(r, Instances, func(rec *Record) bool {
			if rec.SpotOf().Notice != nil && (rec.State.Name == ec2.StateRunning || rec.State.Name == ec2.StatePending) {
				s.armNotice(r.Name, rec.InstanceId, rec.SpotOf().Notice.Time)
			}
			return true
		})
		r.RUnlock()
	}
}
