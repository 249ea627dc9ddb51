package store

import "errors"

// Sentinel errors of the store; match them with errors.Is.
var (
	ErrNotFound     = errors.New("store: key not found")
	ErrTooBig       = errors.New("store: change too large for one transaction")
	ErrSchemaTooNew = errors.New("store: written by a newer ec2x")
	ErrSchemaTooOld = errors.New("store: written by an older, unsupported ec2x")
)
