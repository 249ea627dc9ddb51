package monitor

import (
	"errors"

	"github.com/ec2x/ec2x/core/ec2"
)

// Sentinels to match with errors.Is: ec2.Error matches on the code alone
// when the target has no message. The codes are EC2's (CloudWatch's are
// the same), kept in core/ec2 with every other.
var (
	ErrInvalidParameterValue       = &ec2.Error{Code: ec2.CodeInvalidParameterValue}
	ErrInvalidParameterCombination = &ec2.Error{Code: ec2.CodeInvalidParameterCombination}
	ErrMissingParameter            = &ec2.Error{Code: ec2.CodeMissingParameter}
	// ErrNoData means an instance has no sample within the 1-minute
	// retention (never sampled, or stopped for over 15 days).
	ErrNoData = errors.New("monitor: no recent sample of the instance")
)

func invalidValue(format string, a ...any) error {
	return ec2.Errorf(ec2.CodeInvalidParameterValue, format, a...)
}

func invalidCombination(format string, a ...any) error {
	return ec2.Errorf(ec2.CodeInvalidParameterCombination, format, a...)
}

func missing(name string) error {
	return ec2.Errorf(ec2.CodeMissingParameter, "the parameter %s is required", name)
}
