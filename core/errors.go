// Package core assembles ec2x's EC2 service from its families.
package core

import (
	"errors"
)

// Sentinel errors of the service's own machinery.
var (
	// ErrClosed is returned by calls made after the Cloud was closed.
	ErrClosed = errors.New("ec2x: service is shutting down")
)
