package monitor

import (
	"errors"
	"fmt"
)

// CloudWatch error codes that the package returns.
const (
	CodeInvalidParameterValue       = "InvalidParameterValue"
	CodeInvalidParameterCombination = "InvalidParameterCombination"
	CodeMissingParameter            = "MissingParameter"
)

// Error is a CloudWatch-style service error: a code and a message. The API
// layer passes Code through to the user as it does EC2's codes.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is makes errors.Is(err, ErrInvalidParameterValue) and the like match on
// the code alone.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Code == e.Code
}

// Sentinels to match with errors.Is.
var (
	ErrInvalidParameterValue       = &Error{Code: CodeInvalidParameterValue}
	ErrInvalidParameterCombination = &Error{Code: CodeInvalidParameterCombination}
	ErrMissingParameter            = &Error{Code: CodeMissingParameter}
	// ErrNoData means an instance has no sample within the 1-minute
	// retention (never sampled, or stopped for over 15 days).
	ErrNoData = errors.New("monitor: no recent sample of the instance")
)

func invalidValue(format string, a ...any) error {
	return &Error{Code: CodeInvalidParameterValue, Message: fmt.Sprintf(format, a...)}
}

func invalidCombination(format string, a ...any) error {
	return &Error{Code: CodeInvalidParameterCombination, Message: fmt.Sprintf(format, a...)}
}

func missing(name string) error {
	return &Error{Code: CodeMissingParameter, Message: "the parameter " + name + " is required"}
}
