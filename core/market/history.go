package market

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
)

// historySpec orders price points newest first, then by zone and type.
var historySpec = &describe.Spec[*ec2.SpotPrice]{
	Fields: []describe.Field[*ec2.SpotPrice]{
		{Name: "instance-type", Value: func(p *ec2.SpotPrice) string { return p.InstanceType }},
		{Name: "availability-zone", Value: func(p *ec2.SpotPrice) string { return p.AvailabilityZone }},
		{Name: "product-description", Value: func(p *ec2.SpotPrice) string { return p.ProductDescription }},
		{Name: "spot-price", Value: func(p *ec2.SpotPrice) string { return p.SpotPrice }},
		{Name: "timestamp", Value: func(p *ec2.SpotPrice) string { return p.Timestamp.Format(time.RFC3339) }},
	},
	Key: func(k *describe.Key, p *ec2.SpotPrice) {
		k.Num(-p.Timestamp.Unix())
		k.Str(p.AvailabilityZone)
		k.Str(p.InstanceType)
	},
	Paging: describe.Paging{Min: 1, Max: 1000},
}

// DescribeSpotPriceHistory lists the price changes of the region's pools
// in a time range (default: the last day), newest first. As in EC2, the
// price in force at StartTime is included.
func (s *Service) DescribeSpotPriceHistory(ctx context.Context, region string, in *ec2.DescribeSpotPriceHistoryInput) (*ec2.DescribeSpotPriceHistoryOutput, error) {
	if err := s.AwaitPrices(ctx); err != nil {
		return nil, err
	}
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	for _, typ := range in.InstanceTypes {
		if s.cat.Type(typ) == nil {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for InstanceType.", typ)
		}
	}
	if in.AvailabilityZoneId != "" {
		if in.AvailabilityZone != "" {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Only one of AvailabilityZone and AvailabilityZoneId may be given.")
		}
		for i, z := range r.Cfg.Zones {
			if catalog.ZoneID(r.Cfg, region, i) == in.AvailabilityZoneId {
				in.AvailabilityZone = z
			}
		}
		if in.AvailabilityZone == "" {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid availability zone ID: [%s]", in.AvailabilityZoneId)
		}
	}
	if !linuxProduct(in.ProductDescriptions) {
		return &ec2.DescribeSpotPriceHistoryOutput{SpotPriceHistory: []ec2.SpotPrice{}}, nil
	}
	if in.AvailabilityZone != "" && !contains(r.Cfg.Zones, in.AvailabilityZone) {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid availability zone: [%s]", in.AvailabilityZone)
	}
	plan, err := historySpec.Compile(describe.Query{Filters: in.Filters, MaxResults: in.MaxResults, NextToken: in.NextToken,
		Scope: fmt.Sprintf("DescribeSpotPriceHistory/%s/%v/%s/%d/%d", region, in.InstanceTypes, in.AvailabilityZone, in.StartTime.Unix(), in.EndTime.Unix())})
	if err != nil {
		return nil, err
	}
	end := in.EndTime
	if end.IsZero() {
		end = s.clk.Now()
	}
	start := in.StartTime
	if start.IsZero() {
		start = end.Add(-24 * time.Hour)
	}
	if start.After(end) {
		// Equal times ask for the price in force then, which EC2 answers.
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "StartTime must be before EndTime")
	}
	before := map[string]*ec2.SpotPrice{} // the last change before start, per pool
	var points []*ec2.SpotPrice
	err = s.rt.Store().Scan(ctx, kindSpotHistory, region, func(k, v []byte) error {
		zone, typ, at, ok := parseHistoryKey(k)
		if !ok || (in.AvailabilityZone != "" && zone != in.AvailabilityZone) || (len(in.InstanceTypes) > 0 && !contains(in.InstanceTypes, typ)) {
			return nil
		}
		price, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return fmt.Errorf("spot history %s: %w", k, err)
		}
		p := &ec2.SpotPrice{InstanceType: typ, AvailabilityZone: zone, SpotPrice: catalog.USD(price), Timestamp: time.Unix(at, 0).UTC(), ProductDescription: "Linux/UNIX"}
		switch {
		case at < start.Unix():
			before[zone+" "+typ] = p
		case at <= end.Unix():
			points = append(points, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(before))
	for k := range before {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		points = append(points, before[k])
	}
	page, next := plan.Page(plan.Filter(points))
	out := &ec2.DescribeSpotPriceHistoryOutput{SpotPriceHistory: make([]ec2.SpotPrice, len(page)), NextToken: next}
	for i, p := range page {
		out.SpotPriceHistory[i] = *p
	}
	return out, nil
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// linuxProduct reports whether ProductDescriptions (none: any) asks for
// the one product ec2x prices, Linux/UNIX (in a VPC or not: the same
// pools).
func linuxProduct(products []string) bool {
	if len(products) == 0 {
		return true
	}
	for _, p := range products {
		if p == "Linux/UNIX" || p == "Linux/UNIX (Amazon VPC)" {
			return true
		}
	}
	return false
}
