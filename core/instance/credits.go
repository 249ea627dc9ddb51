package instance

import (
	"context"
	"slices"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// creditDefault is a region's default credit option of a burstable family,
// once ModifyDefaultCreditSpecification has set it.
type creditDefault struct {
	InstanceFamily string `json:"InstanceFamily"`
	CpuCredits     string `json:"CpuCredits"`
}

// creditDefaults are ccd/<region>/<family>.
var creditDefaults = state.Table[creditDefault]{Kind: "ccd", ID: func(c *creditDefault) string { return c.InstanceFamily }}

// creditFamilies are the families EC2's default credit options cover.
var creditFamilies = []string{"t2", "t3", "t3a", "t4g"}

func validCredits(v string) bool { return v == "standard" || v == "unlimited" }

// checkLaunchCredits checks RunInstances' CreditSpecification: a known
// option, for a type that bursts (EC2 refuses either option otherwise).
func checkLaunchCredits(typeName string, t *configs.InstType, cs *ec2.CreditSpecificationRequest) error {
	if cs == nil {
		return nil
	}
	if !validCredits(cs.CpuCredits) {
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter CreditSpecification.CpuCredits is invalid. Valid values: standard, unlimited.", cs.CpuCredits)
	}
	if !t.Burstable {
		return ec2.Errorf(ec2.CodeInstanceCreditSpecificationNotSupported, "The %s instance type does not support T2 Unlimited.", typeName)
	}
	return nil
}

// launchCredits is a new instance's credit option: the request's, else
// its family's default in the region ("" for a type that does not burst).
func (s *Service) launchCredits(rd state.Reader, l *launch) string {
	if !l.typ.Burstable {
		return ""
	}
	mode := s.familyDefault(rd, configs.Family(l.typeName))
	if cs := l.in.CreditSpecification; cs != nil {
		mode = cs.CpuCredits
	}
	// The type's own mode is kept as "" (CreditMode reads it back): a
	// launch of 1,000 must fit one transaction, and most use the default.
	if mode == or(l.typ.CreditMode, "standard") {
		return ""
	}
	return mode
}

// familyDefault is a family's default credit option in a region: what
// ModifyDefaultCreditSpecification set, else the catalogue's.
func (s *Service) familyDefault(rd state.Reader, family string) string {
	if d := state.Get(rd, creditDefaults, family); d != nil {
		return d.CpuCredits
	}
	for name, t := range s.cfg.Types {
		if t.Burstable && t.CreditMode == "unlimited" && configs.Family(name) == family {
			return "unlimited"
		}
	}
	return "standard"
}

// CreditMode is an instance's credit option: its own, else its type's
// (instances from before CreditSpecification was stored have none).
func (s *Service) CreditMode(r *Record) string {
	if r.CpuCredits != "" {
		return r.CpuCredits
	}
	if t := s.cfg.Types[r.InstanceType]; t != nil && t.CreditMode == "unlimited" {
		return "unlimited"
	}
	return "standard"
}

func (s *Service) burstable(r *Record) bool {
	t := s.cfg.Types[r.InstanceType]
	return t != nil && t.Burstable
}

var creditSpec = &describe.Spec[*Record]{
	Fields: []describe.Field[*Record]{
		{Name: "instance-id", Value: func(r *Record) string { return r.InstanceId }},
	},
	Key: func(k *describe.Key, r *Record) {
		k.Time(r.LaunchTime)
		k.Num(int64(r.AmiLaunchIndex))
		k.Str(r.InstanceId)
	},
	Paging: describe.Paging{Min: 5, Max: 1000, IDsParam: "InstanceId"},
}

// DescribeInstanceCreditSpecifications lists credit options as EC2 does:
// the named instances (a type that does not burst reads standard), or
// else every burstable instance.
func (s *Service) DescribeInstanceCreditSpecifications(ctx context.Context, region string, in *ec2.DescribeInstanceCreditSpecificationsInput) (*ec2.DescribeInstanceCreditSpecificationsOutput, error) {
	if in.DryRun {
		return nil, state.DryRun()
	}
	q := describe.Query{Filters: in.Filters, IDs: in.InstanceIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeInstanceCreditSpecifications"}
	page, next, err := state.Describe(s.rt, region, creditSpec, q, func(r *state.Region) ([]*Record, error) {
		return s.gather(r, in.InstanceIds, s.burstable)
	}, func(_ *state.Region, r *Record) ec2.InstanceCreditSpecification {
		return ec2.InstanceCreditSpecification{InstanceId: r.InstanceId, CpuCredits: s.CreditMode(r)}
	})
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []ec2.InstanceCreditSpecification{}
	}
	return &ec2.DescribeInstanceCreditSpecificationsOutput{InstanceCreditSpecifications: page, NextToken: next}, nil
}

// ModifyInstanceCreditSpecification changes instances' credit options in
// one transaction; instances it cannot change are listed with why, as
// EC2 lists them, and do not fail the others.
func (s *Service) ModifyInstanceCreditSpecification(ctx context.Context, region string, in *ec2.ModifyInstanceCreditSpecificationInput) (*ec2.ModifyInstanceCreditSpecificationOutput, error) {
	if len(in.InstanceCreditSpecifications) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter InstanceCreditSpecification")
	}
	for _, c := range in.InstanceCreditSpecifications {
		if !validCredits(c.CpuCredits) {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter cpuCredits is invalid. Valid values: standard, unlimited.", c.CpuCredits)
		}
	}
	out := &ec2.ModifyInstanceCreditSpecificationOutput{
		SuccessfulInstanceCreditSpecifications:   []ec2.SuccessfulInstanceCreditSpecificationItem{},
		UnsuccessfulInstanceCreditSpecifications: []ec2.UnsuccessfulInstanceCreditSpecificationItem{},
	}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		for _, c := range in.InstanceCreditSpecifications {
			if code, msg := s.modifyCredits(tx, c, in.DryRun); code != "" {
				out.UnsuccessfulInstanceCreditSpecifications = append(out.UnsuccessfulInstanceCreditSpecifications,
					ec2.UnsuccessfulInstanceCreditSpecificationItem{InstanceId: c.InstanceId, Error: ec2.UnsuccessfulInstanceCreditSpecificationItemError{Code: code, Message: msg}})
				continue
			}
			out.SuccessfulInstanceCreditSpecifications = append(out.SuccessfulInstanceCreditSpecifications, ec2.SuccessfulInstanceCreditSpecificationItem{InstanceId: c.InstanceId})
		}
		if in.DryRun {
			return state.DryRun()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// modifyCredits changes one instance's option in tx, or says why not.
func (s *Service) modifyCredits(tx *state.Tx, c ec2.InstanceCreditSpecification, dry bool) (code, msg string) {
	if !ec2.ValidInstanceID(c.InstanceId) {
		return ec2.CodeInvalidInstanceIDMalformed, "Invalid id: \"" + c.InstanceId + "\""
	}
	r := get(tx, c.InstanceId)
	switch {
	case r == nil || s.hidden(r):
		return ec2.CodeInvalidInstanceIDNotFound, "The instance ID '" + c.InstanceId + "' does not exist"
	case !s.burstable(r):
		return ec2.CodeInstanceCreditSpecificationNotSupported, "The " + r.InstanceType + " instance type does not support T2 Unlimited."
	case r.State.Name == ec2.StateTerminated || r.State.Name == ec2.StateShuttingDown:
		return ec2.CodeIncorrectInstanceState, "The instance '" + r.InstanceId + "' is not in a state from which its credit option can be modified."
	}
	if !dry && s.CreditMode(r) != c.CpuCredits {
		n := r.clone()
		n.CpuCredits = c.CpuCredits
		s.put(tx, n)
	}
	return "", ""
}

func checkFamily(f string) error {
	if f == "" {
		return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter InstanceFamily")
	}
	if !slices.Contains(creditFamilies, f) {
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter InstanceFamily is invalid. Valid values: t2, t3, t3a, t4g.", f)
	}
	return nil
}

// GetDefaultCreditSpecification is a burstable family's default credit
// option in the region.
func (s *Service) GetDefaultCreditSpecification(ctx context.Context, region string, in *ec2.GetDefaultCreditSpecificationInput) (*ec2.GetDefaultCreditSpecificationOutput, error) {
	if err := checkFamily(in.InstanceFamily); err != nil {
		return nil, err
	}
	if in.DryRun {
		return nil, state.DryRun()
	}
	rg, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	rg.RLock()
	defer rg.RUnlock()
	return &ec2.GetDefaultCreditSpecificationOutput{InstanceFamilyCreditSpecification: ec2.InstanceFamilyCreditSpecification{
		InstanceFamily: in.InstanceFamily, CpuCredits: s.familyDefault(rg, in.InstanceFamily)}}, nil
}

// ModifyDefaultCreditSpecification sets a family's default credit option
// in the region, for instances launched from now on.
func (s *Service) ModifyDefaultCreditSpecification(ctx context.Context, region string, in *ec2.ModifyDefaultCreditSpecificationInput) (*ec2.ModifyDefaultCreditSpecificationOutput, error) {
	if err := checkFamily(in.InstanceFamily); err != nil {
		return nil, err
	}
	if in.CpuCredits == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter CpuCredits")
	}
	if !validCredits(in.CpuCredits) {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter CpuCredits is invalid. Valid values: standard, unlimited.", in.CpuCredits)
	}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		if in.DryRun {
			return state.DryRun()
		}
		state.Put(tx, creditDefaults, &creditDefault{InstanceFamily: in.InstanceFamily, CpuCredits: in.CpuCredits})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.ModifyDefaultCreditSpecificationOutput{InstanceFamilyCreditSpecification: ec2.InstanceFamilyCreditSpecification{
		InstanceFamily: in.InstanceFamily, CpuCredits: in.CpuCredits}}, nil
}
