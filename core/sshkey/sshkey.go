package sshkey

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Key types, spelled as EC2's KeyType values.
const (
	// TypeRSA is EC2's KeyType for RSA key pairs.
	TypeRSA = "rsa"
	// TypeED25519 is EC2's KeyType for ED25519 key pairs.
	TypeED25519 = "ed25519"
)

// RSABits is the modulus size of RSA key pairs made by CreateKeyPair.
const RSABits = 2048

// Key is a key pair as EC2 reports it from CreateKeyPair, ImportKeyPair and DescribeKeyPairs.
//
// PrivatePEM is secret: String and GoString omit it so that a Key passed to a
// logger or fmt verb does not leak it.
type Key struct {
	// Type is TypeRSA or TypeED25519.
	Type string
	// PrivatePEM is CreateKeyPair's KeyMaterial (PKCS#1 "RSA PRIVATE KEY" for rsa, "OPENSSH PRIVATE KEY" for ed25519); nil for imported keys.
	PrivatePEM []byte
	// PublicKey is the OpenSSH authorized_keys form "<type> <base64>", without comment or newline.
	PublicKey string
	// Fingerprint is the KeyFingerprint EC2 reports for this key (rules in the package documentation).
	Fingerprint string
	// Comment is the comment carried by imported material, if any; empty for generated keys.
	Comment string
	// private is a generated key's private half, for PPK; nil for imported keys.
	private crypto.Signer
}

// String describes k without its private key.
func (k *Key) String() string {
	if k == nil {
		return "<nil>"
	}
	return fmt.Sprintf("sshkey.Key{Type:%s Fingerprint:%s}", k.Type, k.Fingerprint)
}

// GoString describes k for %#v without its private key.
func (k *Key) GoString() string { return k.String() }

// Generate creates a key pair as CreateKeyPair does for KeyType kind ("rsa", "ed25519"; "" means EC2's default, "rsa").
func Generate(kind string) (*Key, error) {
	switch kind {
	case TypeRSA, "":
		priv, err := rsa.GenerateKey(rand.Reader, RSABits)
		if err != nil {
			return nil, fmt.Errorf("sshkey: generate rsa key: %w", err)
		}
		return fromRSAPrivateKey(priv)
	case TypeED25519:
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("sshkey: generate ed25519 key: %w", err)
		}
		return fromED25519PrivateKey(priv)
	default:
		return nil, fmt.Errorf("%w %q: want %q or %q", ErrUnsupportedKeyType, kind, TypeRSA, TypeED25519)
	}
}

// fromRSAPrivateKey builds the Key CreateKeyPair returns for priv.
func fromRSAPrivateKey(priv *rsa.PrivateKey) (*Key, error) {
	pub, err := ssh.NewPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("sshkey: rsa public key: %w", err)
	}
	fp, err := createdRSAFingerprint(priv)
	if err != nil {
		return nil, err
	}
	block := &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(priv)}
	return &Key{
		Type:        TypeRSA,
		private:     priv,
		PrivatePEM:  pem.EncodeToMemory(block),
		PublicKey:   authorizedKey(pub),
		Fingerprint: fp,
	}, nil
}

// fromED25519PrivateKey builds the Key CreateKeyPair returns for priv.
func fromED25519PrivateKey(priv ed25519.PrivateKey) (*Key, error) {
	pubKey, ok := priv.Public().(ed25519.PublicKey)
	if !ok {
		return nil, errors.New("sshkey: ed25519 key has no public half")
	}
	pub, err := ssh.NewPublicKey(pubKey)
	if err != nil {
		return nil, fmt.Errorf("sshkey: ed25519 public key: %w", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		return nil, fmt.Errorf("sshkey: encode ed25519 private key: %w", err)
	}
	return &Key{
		Type:        TypeED25519,
		private:     priv,
		PrivatePEM:  pem.EncodeToMemory(block),
		PublicKey:   authorizedKey(pub),
		Fingerprint: ed25519Fingerprint(pub),
	}, nil
}

// authorizedKey renders pub as an authorized_keys line without the trailing newline.
func authorizedKey(pub ssh.PublicKey) string {
	return strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(pub)), "\n")
}

// ParsePrivateKey parses an unencrypted PEM private key (such as Key.PrivatePEM) into an ssh.Signer.
func ParsePrivateKey(pemBytes []byte) (ssh.Signer, error) {
	if len(strings.TrimSpace(string(pemBytes))) == 0 {
		return nil, fmt.Errorf("%w: empty input", ErrInvalidPrivateKey)
	}
	signer, err := ssh.ParsePrivateKey(pemBytes)
	if err != nil {
		var missing *ssh.PassphraseMissingError
		if errors.As(err, &missing) {
			return nil, fmt.Errorf("%w: key is passphrase-protected", ErrInvalidPrivateKey)
		}
		// Errors from x/crypto/ssh describe the structure, never the key bytes.
		return nil, fmt.Errorf("%w: %v", ErrInvalidPrivateKey, err)
	}
	return signer, nil
}
