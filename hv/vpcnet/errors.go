package vpcnet

import "errors"

// ErrUnavailable says this machine cannot run the fabric (not root, no
// /dev/net/tun, no ip or nft command): guests keep their user-mode
// networks, and the reason says why.
var ErrUnavailable = errors.New("private guest networks unavailable")
