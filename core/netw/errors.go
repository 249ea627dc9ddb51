package netw

import "errors"

// Sentinel errors of the address plane; match them with errors.Is.
var (
	ErrSubnetFull    = errors.New("no free private address in the subnet")
	ErrPoolExhausted = errors.New("no free public address in the region's pool")
	ErrAddressInUse  = errors.New("address already in use")
	ErrOutOfRange    = errors.New("address out of range")
)
