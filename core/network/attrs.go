package network

import (
	"context"
	"regexp"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// Account attributes and Elastic IP attributes.

// accountAttributeNames are the attributes DescribeAccountAttributes knows, in EC2's order.
var accountAttributeNames = []string{"supported-platforms", "vpc-max-security-groups-per-interface",
	"max-elastic-ips", "max-instances", "vpc-max-elastic-ips", "default-vpc"}

// DescribeAccountAttributes answers the account's platform, default VPC
// and limits, as configured.
func (s *Service) DescribeAccountAttributes(ctx context.Context, region string, in *ec2.DescribeAccountAttributesInput) (*ec2.DescribeAccountAttributesOutput, error) {
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	names := in.AttributeNames
	if len(names) == 0 {
		names = accountAttributeNames
	}
	for _, n := range names {
		found := false
		for _, k := range accountAttributeNames {
			found = found || k == n
		}
		if !found {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter attributeName is invalid. Unknown attribute.", n)
		}
	}
	if in.DryRun {
		return nil, state.DryRun()
	}
	var vpc string
	_ = r.View(func(r *state.Region) error { vpc = s.VpcID(r); return nil })
	if vpc == "" {
		vpc = "none" // as EC2 says once the default VPC is deleted
	}
	eips := strconv.Itoa(s.cfg.Limits.ElasticIPsPerRegion)
	values := map[string][]string{
		"supported-platforms":                   {"VPC"},
		"vpc-max-security-groups-per-interface": {strconv.Itoa(maxGroupsPerInterface)},
		"max-elastic-ips":                       {"0"}, // EC2-Classic addresses: none since its retirement
		"max-instances":                         {strconv.Itoa(s.cfg.Limits.MaxCountPerRun)},
		"vpc-max-elastic-ips":                   {eips},
		"default-vpc":                           {or(vpc, "none")},
	}
	out := &ec2.DescribeAccountAttributesOutput{AccountAttributes: []ec2.AccountAttribute{}}
	for _, n := range names {
		a := ec2.AccountAttribute{AttributeName: n}
		for _, v := range values[n] {
			a.AttributeValues = append(a.AttributeValues, ec2.AccountAttributeValue{AttributeValue: v})
		}
		out.AccountAttributes = append(out.AccountAttributes, a)
	}
	return out, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// domainNameRe is a DNS name: labels of letters, digits and hyphens.
var domainNameRe = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$`)

// DescribeAddressesAttribute lists Elastic IPs' PTR records (domain-name).
func (s *Service) DescribeAddressesAttribute(ctx context.Context, region string, in *ec2.DescribeAddressesAttributeInput) (*ec2.DescribeAddressesAttributeOutput, error) {
	if in.Attribute != "" && in.Attribute != "domain-name" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter attribute is invalid. Supported value: domain-name", in.Attribute)
	}
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	out := &ec2.DescribeAddressesAttributeOutput{Addresses: []ec2.AddressAttribute{}}
	err = r.View(func(rd *state.Region) error {
		if in.DryRun {
			return state.DryRun()
		}
		if len(in.AllocationIds) == 0 {
			state.Each(rd, Addresses, func(a *Address) bool {
				out.Addresses = append(out.Addresses, addressAttr(a))
				return true
			})
			return nil
		}
		for _, id := range in.AllocationIds {
			a, err := findAddress(rd, id, "")
			if err != nil {
				return err
			}
			out.Addresses = append(out.Addresses, addressAttr(a))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func addressAttr(a *Address) ec2.AddressAttribute {
	return ec2.AddressAttribute{AllocationId: a.AllocationId, PublicIp: a.PublicIp, PtrRecord: a.PtrRecord}
}

// ModifyAddressAttribute sets an Elastic IP's PTR record (its reverse DNS name).
func (s *Service) ModifyAddressAttribute(ctx context.Context, region string, in *ec2.ModifyAddressAttributeInput) (*ec2.ModifyAddressAttributeOutput, error) {
	name := in.DomainName
	if name == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter DomainName")
	}
	if len(name) > 253 || !domainNameRe.MatchString(name) {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter domainName is invalid.", name)
	}
	out, err := s.setPtr(ctx, region, in.AllocationId, strings.TrimSuffix(name, ".")+".", in.DryRun)
	return (*ec2.ModifyAddressAttributeOutput)(out), err
}

// ResetAddressAttribute removes an Elastic IP's PTR record.
func (s *Service) ResetAddressAttribute(ctx context.Context, region string, in *ec2.ResetAddressAttributeInput) (*ec2.ResetAddressAttributeOutput, error) {
	if in.Attribute != "domain-name" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter attribute is invalid. Supported value: domain-name", in.Attribute)
	}
	out, err := s.setPtr(ctx, region, in.AllocationId, "", in.DryRun)
	return (*ec2.ResetAddressAttributeOutput)(out), err
}

// setPtr sets (or with "" removes) an allocation's PTR record.
func (s *Service) setPtr(ctx context.Context, region, allocID, name string, dry bool) (*ec2.AddressAttributeOutput, error) {
	if allocID == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter AllocationId")
	}
	var out *ec2.AddressAttributeOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		a, err := findAddress(tx, allocID, "")
		if err != nil {
			return err
		}
		if dry {
			return state.DryRun()
		}
		n := *a
		n.PtrRecord = name
		state.Put(tx, Addresses, &n)
		v := addressAttr(&n)
		out = &ec2.AddressAttributeOutput{Address: &v}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
