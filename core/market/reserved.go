package market

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// Durations of reservation terms, in seconds as EC2 gives them.
const (
	year1 = 31536000
	year3 = 94608000
)

var (
	paymentNames = map[int32]string{PaymentAll: "All Upfront", PaymentPartial: "Partial Upfront", PaymentNone: "No Upfront"}
	classNames   = map[int32]string{ClassStandard: "standard", ClassConvertible: "convertible"}
)

// offeringShape is one combination the catalogue is offered in.
type offeringShape struct {
	typ, zone      string
	years          int32
	payment, class int32
}

// offeringID is stable: the same shape has the same ID in every run.
func offeringID(region string, s offeringShape) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s/%s/%s/%d/%d/%d", region, s.typ, s.zone, s.years, s.payment, s.class))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// offerings prices every shape of the given types in a region: 1 and 3
// years, each payment option, standard and convertible, regional and (for
// standard) zonal.
func (s *Service) offerings(ctx context.Context, region string, types []string) ([]ec2.ReservedInstancesOffering, error) {
	if s.pricer == nil {
		return nil, ec2.Errorf(ec2.CodeUnsupported, "Reserved instances need the pricing modules, which are not loaded")
	}
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	zones := r.Cfg.Zones
	var shapes []offeringShape
	var in []ReservedQuoteInput
	for _, typ := range types {
		for _, years := range []int32{1, 3} {
			for _, pay := range []int32{PaymentAll, PaymentPartial, PaymentNone} {
				for _, class := range []int32{ClassStandard, ClassConvertible} {
					scopes := []string{""}
					if class == ClassStandard {
						scopes = append(scopes, zones...)
					}
					for _, z := range scopes {
						shapes = append(shapes, offeringShape{typ, z, years, pay, class})
						in = append(in, ReservedQuoteInput{OnDemand: s.cat.OnDemand(region, typ), TermYears: years, Payment: pay, Class: class})
					}
				}
			}
		}
	}
	rates, err := s.pricer.ReservedRates(ctx, region, in)
	if err != nil {
		return nil, pricingErr(err)
	}
	if len(rates) != len(in) {
		return nil, ec2.Errorf(ec2.CodeInternalError, "the reserved module priced %d of %d offerings", len(rates), len(in))
	}
	out := make([]ec2.ReservedInstancesOffering, len(shapes))
	for i, s := range shapes {
		scope, dur := "Region", int64(year1)
		if s.zone != "" {
			scope = "Availability Zone"
		}
		if s.years == 3 {
			dur = year3
		}
		out[i] = ec2.ReservedInstancesOffering{ReservedInstancesOfferingId: offeringID(region, s), InstanceType: s.typ,
			AvailabilityZone: s.zone, Scope: scope, Duration: dur, FixedPrice: catalog.RoundPrice(rates[i].Upfront),
			RecurringCharges: []ec2.RecurringCharge{{Amount: catalog.RoundPrice(rates[i].Hourly), Frequency: "Hourly"}},
			CurrencyCode:     "USD", InstanceTenancy: "default", OfferingClass: classNames[s.class],
			OfferingType: paymentNames[s.payment], ProductDescription: "Linux/UNIX", EffectiveHourly: catalog.USD(rates[i].Effective)}
	}
	return out, nil
}

// offering is an offering with its place in the catalogue's order.
type offering struct {
	index int
	o     ec2.ReservedInstancesOffering
}

func one(v string) []string { return []string{v} }

func num(v float64) []string { return one(strconv.FormatFloat(v, 'f', -1, 64)) }

var offeringSpec = &describe.Spec[*offering]{
	Fields: []describe.Field[*offering]{
		{Name: "availability-zone", Value: func(o *offering) string { return o.o.AvailabilityZone }},
		{Name: "duration", Value: func(o *offering) string { return strconv.FormatInt(o.o.Duration, 10) }},
		{Name: "fixed-price", Values: func(o *offering) []string { return num(o.o.FixedPrice) }},
		{Name: "instance-type", Value: func(o *offering) string { return o.o.InstanceType }},
		{Name: "marketplace", Value: func(o *offering) string { return strconv.FormatBool(o.o.Marketplace) }},
		{Name: "product-description", Value: func(o *offering) string { return o.o.ProductDescription }},
		{Name: "reserved-instances-offering-id", Value: func(o *offering) string { return o.o.ReservedInstancesOfferingId }},
		{Name: "scope", Value: func(o *offering) string { return o.o.Scope }},
		{Name: "usage-price", Values: func(o *offering) []string { return num(o.o.UsagePrice) }},
	},
	Key:    func(k *describe.Key, o *offering) { k.Num(int64(o.index)) },
	Paging: describe.Paging{Min: 1, Max: 1000},
}

// DescribeReservedInstancesOfferings lists what can be reserved.
func (s *Service) DescribeReservedInstancesOfferings(ctx context.Context, region string, in *ec2.DescribeReservedInstancesOfferingsInput) (*ec2.DescribeReservedInstancesOfferingsOutput, error) {
	if _, err := s.rt.Region(region); err != nil {
		return nil, err
	}
	plan, err := offeringSpec.Compile(describe.Query{Filters: in.Filters, IDs: in.ReservedInstancesOfferingIds,
		MaxResults: in.MaxResults, NextToken: in.NextToken,
		Scope: fmt.Sprintf("DescribeReservedInstancesOfferings/%s/%s/%s/%s/%s/%d", region, in.InstanceType, in.AvailabilityZone, in.OfferingClass, in.OfferingType, in.Duration)})
	if err != nil {
		return nil, err
	}
	types := s.cat.Offered(region)
	if in.InstanceType != "" {
		if s.cat.Type(in.InstanceType) == nil {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for InstanceType.", in.InstanceType)
		}
		types = []string{in.InstanceType}
	}
	all, err := s.offerings(ctx, region, types)
	if err != nil {
		return nil, err
	}
	var items []*offering
	for i, o := range all {
		switch {
		case len(in.ReservedInstancesOfferingIds) > 0 && !contains(in.ReservedInstancesOfferingIds, o.ReservedInstancesOfferingId),
			in.AvailabilityZone != "" && o.AvailabilityZone != in.AvailabilityZone,
			in.OfferingClass != "" && o.OfferingClass != in.OfferingClass,
			in.OfferingType != "" && o.OfferingType != in.OfferingType,
			in.Duration != 0 && o.Duration != in.Duration:
			continue
		}
		items = append(items, &offering{i, o})
	}
	page, next := plan.Page(plan.Filter(items))
	out := &ec2.DescribeReservedInstancesOfferingsOutput{ReservedInstancesOfferings: make([]ec2.ReservedInstancesOffering, len(page)), NextToken: next}
	for i, o := range page {
		out.ReservedInstancesOfferings[i] = o.o
	}
	return out, nil
}

// PurchaseReservedInstancesOffering buys a reservation: its upfront fee is
// billed now, and it covers matching instance-hours until its term ends.
func (s *Service) PurchaseReservedInstancesOffering(ctx context.Context, region string, in *ec2.PurchaseReservedInstancesOfferingInput) (*ec2.PurchaseReservedInstancesOfferingOutput, error) {
	n := in.InstanceCount
	if n == 0 {
		n = 1
	}
	if n < 1 || n > 10000 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "InstanceCount must be 1 to 10000")
	}
	var offering *ec2.ReservedInstancesOffering
	all, err := s.offerings(ctx, region, s.cat.Offered(region))
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].ReservedInstancesOfferingId == in.ReservedInstancesOfferingId {
			offering = &all[i]
		}
	}
	if offering == nil {
		return nil, ec2.Errorf(ec2.CodeInvalidReservedInstancesOfferingId, "The offering ID '%s' is not valid", in.ReservedInstancesOfferingId)
	}
	out := &ec2.PurchaseReservedInstancesOfferingOutput{}
	err = s.rt.Update(ctx, region, func(tx *state.Tx) error {
		if in.DryRun {
			return state.DryRun()
		}
		now := s.clk.Now().UTC()
		ri := ec2.ReservedInstances{ReservedInstancesId: newReservationID(tx.Region()), ReservedInstancesOfferingId: offering.ReservedInstancesOfferingId,
			InstanceType: offering.InstanceType, AvailabilityZone: offering.AvailabilityZone, Scope: offering.Scope, InstanceCount: n,
			Start: now, End: now.Add(time.Duration(offering.Duration) * time.Second), Duration: offering.Duration,
			FixedPrice: offering.FixedPrice, RecurringCharges: offering.RecurringCharges, CurrencyCode: "USD",
			OfferingClass: offering.OfferingClass, OfferingType: offering.OfferingType, ProductDescription: "Linux/UNIX",
			State: "active", EffectiveHourly: offering.EffectiveHourly}
		state.Put(tx, Reserved, &ri)
		if fee := offering.FixedPrice * float64(n); fee > 0 {
			tx.Emit(Purchased{Reservation: ri, Fee: fee, At: now})
		}
		out.ReservedInstancesId = ri.ReservedInstancesId
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Purchased is emitted when a reservation with an upfront fee is bought:
// the billing meter bills the fee.
type Purchased struct {
	Reservation ec2.ReservedInstances
	Fee         float64
	At          time.Time
}

// newReservationID is a UUID-shaped ID, as EC2's reservations have.
func newReservationID(r *state.Region) string {
	h := r.NewID("x")[2:] + r.NewID("x")[2:]
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

var reservedSpec = &describe.Spec[*ec2.ReservedInstances]{
	Fields: []describe.Field[*ec2.ReservedInstances]{
		{Name: "availability-zone", Value: func(r *ec2.ReservedInstances) string { return r.AvailabilityZone }},
		{Name: "duration", Value: func(r *ec2.ReservedInstances) string { return strconv.FormatInt(r.Duration, 10) }},
		{Name: "end", Value: func(r *ec2.ReservedInstances) string { return r.End.Format(time.RFC3339) }},
		{Name: "fixed-price", Values: func(r *ec2.ReservedInstances) []string { return num(r.FixedPrice) }},
		{Name: "instance-type", Value: func(r *ec2.ReservedInstances) string { return r.InstanceType }},
		{Name: "scope", Value: func(r *ec2.ReservedInstances) string { return r.Scope }},
		{Name: "product-description", Value: func(r *ec2.ReservedInstances) string { return r.ProductDescription }},
		{Name: "reserved-instances-id", Value: func(r *ec2.ReservedInstances) string { return r.ReservedInstancesId }},
		{Name: "start", Value: func(r *ec2.ReservedInstances) string { return r.Start.Format(time.RFC3339) }},
		{Name: "state", Value: func(r *ec2.ReservedInstances) string { return r.State }},
		{Name: "usage-price", Values: func(r *ec2.ReservedInstances) []string { return num(r.UsagePrice) }},
	},
	Tags: func(r *ec2.ReservedInstances) []ec2.Tag { return r.Tags },
	// Oldest purchase first.
	Key: func(k *describe.Key, r *ec2.ReservedInstances) { k.Time(r.Start); k.Str(r.ReservedInstancesId) },
}

// DescribeReservedInstances lists the region's reservations; those past
// their term are retired.
func (s *Service) DescribeReservedInstances(ctx context.Context, region string, in *ec2.DescribeReservedInstancesInput) (*ec2.DescribeReservedInstancesOutput, error) {
	now := s.clk.Now()
	q := describe.Query{Filters: in.Filters, IDs: in.ReservedInstancesIds, Scope: "DescribeReservedInstances"}
	out, _, err := state.Describe(s.rt, region, reservedSpec, q, func(r *state.Region) ([]*ec2.ReservedInstances, error) {
		all, err := state.Gather(r, Reserved, in.ReservedInstancesIds, func(r *state.Region, id string) (*ec2.ReservedInstances, error) { return findReserved(r, id) })
		for i, ri := range all {
			if !now.Before(ri.End) {
				n := *ri
				n.State = "retired"
				all[i] = &n
			}
		}
		return all, err
	}, state.Deref)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.ReservedInstances{}
	}
	return &ec2.DescribeReservedInstancesOutput{ReservedInstances: out}, nil
}

// findReserved finds a reservation by ID, or fails as EC2 does.
func findReserved(rd state.Reader, id string) (*ec2.ReservedInstances, error) {
	if ri := state.Get(rd, Reserved, id); ri != nil {
		return ri, nil
	}
	return nil, ec2.Errorf(ec2.CodeInvalidReservedInstancesId, "The Reserved Instance '%s' does not exist.", id)
}

// reservationRe is a reservation ID's shape: a UUID in lower case.
var reservationRe = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// Tags is the taggable kind of reservations, whose IDs are UUIDs.
func (s *Service) Tags() tagging.Kind {
	return tagging.Kind{Match: reservationRe.MatchString, Type: "reserved-instances",
		List: tagging.Lister(Reserved, func(r *ec2.ReservedInstances) string { return r.ReservedInstancesId }, func(r *ec2.ReservedInstances) []ec2.Tag { return r.Tags }),
		Retag: func(tx *state.Tx, id string, f tagging.Retag) error {
			ri, err := findReserved(tx, id)
			if err != nil {
				return err
			}
			n := *ri
			if n.Tags, err = f(ri.Tags); err != nil {
				return err
			}
			state.Put(tx, Reserved, &n)
			return nil
		}}
}

// Reservations are the region's purchases, as bought.
func (s *Service) Reservations(ctx context.Context, region string) ([]ec2.ReservedInstances, error) {
	var out []ec2.ReservedInstances
	err := state.Scan(ctx, s.rt.Store(), kindReserved, region, func(ri *ec2.ReservedInstances) error {
		out = append(out, *ri)
		return nil
	})
	return out, err
}
