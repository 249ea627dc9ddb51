package sshkey

import (
	"errors"
	"fmt"
)

// ErrInvalidKeyFormat reports public key material ImportKeyPair rejects; EC2 answers InvalidKey.Format, "Key is not in valid OpenSSH public key format".
var ErrInvalidKeyFormat = errors.New("key is not in valid OpenSSH public key format")

// ErrUnsupportedKeyType reports a key type Generate cannot create (EC2 accepts only "rsa" and "ed25519").
var ErrUnsupportedKeyType = errors.New("unsupported key type")

// ErrInvalidPrivateKey reports private key material that ParsePrivateKey cannot use.
var ErrInvalidPrivateKey = errors.New("invalid private key")

// formatError wraps ErrInvalidKeyFormat with a detail that names the problem, never the key.
func formatError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidKeyFormat, fmt.Sprintf(format, args...))
}
