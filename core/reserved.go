package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/ec2x/ec2x/core/billing"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/store"
)

// kindReserved keys reservations: ri/<region>/<reservation id>.
const kindReserved = "ri"

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
func (c *Cloud) offerings(ctx context.Context, region string, types []string) ([]ec2.ReservedInstancesOffering, error) {
	if c.pricer == nil {
		return nil, ec2.Errorf(ec2.CodeUnsupported, "Reserved instances need the pricing modules, which are not loaded")
	}
	c.mu.RLock()
	zones := c.regions[region].cfg.Zones
	c.mu.RUnlock()
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
						in = append(in, ReservedQuoteInput{OnDemand: c.onDemand(region, typ), TermYears: years, Payment: pay, Class: class})
					}
				}
			}
		}
	}
	rates, err := c.pricer.ReservedRates(ctx, region, in)
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
			AvailabilityZone: s.zone, Scope: scope, Duration: dur, FixedPrice: roundPrice(rates[i].Upfront),
			RecurringCharges: []ec2.RecurringCharge{{Amount: roundPrice(rates[i].Hourly), Frequency: "Hourly"}},
			CurrencyCode:     "USD", InstanceTenancy: "default", OfferingClass: classNames[s.class],
			OfferingType: paymentNames[s.payment], ProductDescription: "Linux/UNIX", EffectiveHourly: usd(rates[i].Effective)}
	}
	return out, nil
}

// DescribeReservedInstancesOfferings lists what can be reserved.
func (c *Cloud) DescribeReservedInstancesOfferings(ctx context.Context, region string, in *ec2.DescribeReservedInstancesOfferingsInput) (*ec2.DescribeReservedInstancesOfferingsOutput, error) {
	if _, err := c.regionRead(region); err != nil {
		return nil, err
	}
	types := c.offeredTypes(region)
	if in.InstanceType != "" {
		if c.cfg.Types[in.InstanceType] == nil {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for InstanceType.", in.InstanceType)
		}
		types = []string{in.InstanceType}
	}
	all, err := c.offerings(ctx, region, types)
	if err != nil {
		return nil, err
	}
	out := &ec2.DescribeReservedInstancesOfferingsOutput{ReservedInstancesOfferings: []ec2.ReservedInstancesOffering{}}
	for _, o := range all {
		switch {
		case len(in.ReservedInstancesOfferingIds) > 0 && !contains(in.ReservedInstancesOfferingIds, o.ReservedInstancesOfferingId),
			in.AvailabilityZone != "" && o.AvailabilityZone != in.AvailabilityZone,
			in.OfferingClass != "" && o.OfferingClass != in.OfferingClass,
			in.OfferingType != "" && o.OfferingType != in.OfferingType,
			in.Duration != 0 && o.Duration != in.Duration:
			continue
		}
		out.ReservedInstancesOfferings = append(out.ReservedInstancesOfferings, o)
	}
	return out, nil
}

// regionRead checks a region exists.
func (c *Cloud) regionRead(region string) (*regionState, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.region(region)
}

// PurchaseReservedInstancesOffering buys a reservation: its upfront fee is
// billed now, and it covers matching instance-hours until its term ends.
func (c *Cloud) PurchaseReservedInstancesOffering(ctx context.Context, region string, in *ec2.PurchaseReservedInstancesOfferingInput) (*ec2.PurchaseReservedInstancesOfferingOutput, error) {
	n := in.InstanceCount
	if n == 0 {
		n = 1
	}
	if n < 1 || n > 10000 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "InstanceCount must be 1 to 10000")
	}
	var offering *ec2.ReservedInstancesOffering
	all, err := c.offerings(ctx, region, c.offeredTypes(region))
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
	err = c.mutate(ctx, region, in.DryRun, func(t *tx) error {
		now := c.clk.Now().UTC()
		ri := ec2.ReservedInstances{ReservedInstancesId: c.newReservationID(), ReservedInstancesOfferingId: offering.ReservedInstancesOfferingId,
			InstanceType: offering.InstanceType, AvailabilityZone: offering.AvailabilityZone, Scope: offering.Scope, InstanceCount: n,
			Start: now, End: now.Add(time.Duration(offering.Duration) * time.Second), Duration: offering.Duration,
			FixedPrice: offering.FixedPrice, RecurringCharges: offering.RecurringCharges, CurrencyCode: "USD",
			OfferingClass: offering.OfferingClass, OfferingType: offering.OfferingType, ProductDescription: "Linux/UNIX",
			State: "active", EffectiveHourly: offering.EffectiveHourly}
		t.putOther(store.Key(kindReserved, region, ri.ReservedInstancesId), &ri, nil)
		if fee := offering.FixedPrice * float64(n); fee > 0 {
			t.putOther(usageKey(region, ri.ReservedInstancesId, now.UnixNano()), &billing.Segment{Kind: billing.KindUpfront,
				Key: ri.ReservedInstancesId, Type: ri.InstanceType, Start: now, End: now, Amount: fee}, nil)
		}
		out.ReservedInstancesId = ri.ReservedInstancesId
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// newReservationID is a UUID-shaped ID, as EC2's reservations have.
// Call with c.mu held.
func (c *Cloud) newReservationID() string {
	h := c.newID("x")[2:] + c.newID("x")[2:]
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// DescribeReservedInstances lists the region's reservations; those past
// their term are retired.
func (c *Cloud) DescribeReservedInstances(ctx context.Context, region string, in *ec2.DescribeReservedInstancesInput) (*ec2.DescribeReservedInstancesOutput, error) {
	if _, err := c.regionRead(region); err != nil {
		return nil, err
	}
	now := c.clk.Now()
	out := &ec2.DescribeReservedInstancesOutput{ReservedInstances: []ec2.ReservedInstances{}}
	err := scanKind(ctx, c.st, kindReserved, region, func(ri *ec2.ReservedInstances) error {
		if len(in.ReservedInstancesIds) > 0 && !contains(in.ReservedInstancesIds, ri.ReservedInstancesId) {
			return nil
		}
		if !now.Before(ri.End) {
			ri.State = "retired"
		}
		out.ReservedInstances = append(out.ReservedInstances, *ri)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, id := range in.ReservedInstancesIds {
		if !slices.ContainsFunc(out.ReservedInstances, func(ri ec2.ReservedInstances) bool { return ri.ReservedInstancesId == id }) {
			return nil, ec2.Errorf(ec2.CodeInvalidReservedInstancesId, "The Reserved Instance '%s' does not exist.", id)
		}
	}
	sort.Slice(out.ReservedInstances, func(i, j int) bool {
		return out.ReservedInstances[i].Start.Before(out.ReservedInstances[j].Start)
	})
	return out, nil
}

// reservations are the region's purchases in billing's terms.
func (c *Cloud) reservations(ctx context.Context, region string) ([]billing.Reservation, error) {
	var out []billing.Reservation
	err := scanKind(ctx, c.st, kindReserved, region, func(ri *ec2.ReservedInstances) error {
		hourly := 0.0
		for _, rc := range ri.RecurringCharges {
			hourly += rc.Amount
		}
		out = append(out, billing.Reservation{ID: ri.ReservedInstancesId, Type: ri.InstanceType, Zone: ri.AvailabilityZone,
			Count: ri.InstanceCount, Hourly: hourly, Start: ri.Start, End: ri.End})
		return nil
	})
	return out, err
}
