package ec2

import (
	"errors"
	"fmt"
	"testing"
)

// Callers (the API server, the CLI's exit codes) match errors by EC2 code.
func TestErrorMatching(t *testing.T) {
	err := fmt.Errorf("stop: %w", Errorf(CodeIncorrectInstanceState, "The instance '%s' is stopped.", "i-1"))
	cases := []struct {
		name   string
		target error
		want   bool
	}{
		{"code alone", &Error{Code: CodeIncorrectInstanceState}, true},
		{"code and message", &Error{Code: CodeIncorrectInstanceState, Message: "The instance 'i-1' is stopped."}, true},
		{"other message", &Error{Code: CodeIncorrectInstanceState, Message: "other"}, false},
		{"other code", &Error{Code: CodeInvalidInstanceIDNotFound}, false},
		{"not an EC2 error", errors.New("ec2x: service is shutting down"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := errors.Is(err, tc.target); got != tc.want {
				t.Errorf("errors.Is = %v, want %v", got, tc.want)
			}
		})
	}
	if CodeOf(err) != CodeIncorrectInstanceState || CodeOf(errors.New("disk on fire")) != CodeInternalError {
		t.Errorf("CodeOf: %s, %s", CodeOf(err), CodeOf(errors.New("disk on fire")))
	}
	if got := err.Error(); got != "stop: IncorrectInstanceState: The instance 'i-1' is stopped." {
		t.Errorf("Error() = %q", got)
	}
}
