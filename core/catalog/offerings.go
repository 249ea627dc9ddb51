package catalog

import (
	"context"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
)

// Location types of DescribeInstanceTypeOfferings.
const (
	locRegion = "region"
	locZone   = "availability-zone"
	locZoneID = "availability-zone-id"
)

// offerItem is an offering with its place in the answer.
type offerItem struct {
	loc, typ int // the location's and the type's place
	offer    ec2.InstanceTypeOffering
}

var offeringSpec = &describe.Spec[offerItem]{
	Fields: []describe.Field[offerItem]{
		{Name: "instance-type", Value: func(o offerItem) string { return o.offer.InstanceType }},
		{Name: "location", Value: func(o offerItem) string { return o.offer.Location }},
	},
	Key:    func(k *describe.Key, o offerItem) { k.Num(int64(o.loc)); k.Num(int64(o.typ)) },
	Paging: describe.Paging{Min: 5, Max: 1000},
}

// DescribeInstanceTypeOfferings lists which types the region offers, or
// each of its zones, by name or by zone ID (LocationType; region when
// unset), a page at a time.
func (c *Catalog) DescribeInstanceTypeOfferings(ctx context.Context, region string, in *ec2.DescribeInstanceTypeOfferingsInput) (*ec2.DescribeInstanceTypeOfferingsOutput, error) {
	r, err := c.regionOf(region)
	if err != nil {
		return nil, err
	}
	kind := in.LocationType
	switch kind {
	case "":
		kind = locRegion
	case locRegion, locZone, locZoneID:
	default:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter locationType is invalid. Valid values: region, availability-zone, availability-zone-id", in.LocationType)
	}
	plan, err := offeringSpec.Compile(describe.Query{Filters: in.Filters, MaxResults: in.MaxResults, NextToken: in.NextToken,
		Scope: "DescribeInstanceTypeOfferings " + region + " " + kind})
	if err != nil {
		return nil, err
	}
	type location struct{ name, zone string }
	var locs []location
	switch kind {
	case locRegion:
		locs = []location{{region, ""}}
	default:
		for i, z := range r.Zones {
			name := z
			if kind == locZoneID {
				name = ZoneID(r, region, i)
			}
			locs = append(locs, location{name, z})
		}
	}
	var items []offerItem
	for li, l := range locs {
		for ti, n := range c.names {
			if !c.cfg.Offered(region, l.zone, n) {
				continue
			}
			o := offerItem{li, ti, ec2.InstanceTypeOffering{InstanceType: n, LocationType: kind, Location: l.name}}
			if plan.Match(o) {
				items = append(items, o)
			}
		}
	}
	page, next := plan.Page(items)
	out := &ec2.DescribeInstanceTypeOfferingsOutput{InstanceTypeOfferings: make([]ec2.InstanceTypeOffering, len(page)), NextToken: next}
	for i, o := range page {
		out.InstanceTypeOfferings[i] = o.offer
	}
	return out, nil
}
