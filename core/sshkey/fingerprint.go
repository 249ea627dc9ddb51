package sshkey

import (
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// The fingerprint rules and their sources are in the package documentation (doc.go).

// colonHex renders b as lower-case hex bytes separated by ':'.
func colonHex(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = hex.EncodeToString([]byte{c})
	}
	return strings.Join(parts, ":")
}

// createdRSAFingerprint is EC2's fingerprint for an RSA key pair made by CreateKeyPair.
func createdRSAFingerprint(k *rsa.PrivateKey) (string, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", fmt.Errorf("sshkey: encode PKCS#8 for fingerprint: %w", err)
	}
	sum := sha1.Sum(der)
	return colonHex(sum[:]), nil
}

// importedRSAFingerprint is EC2's fingerprint for an RSA public key given to ImportKeyPair.
func importedRSAFingerprint(k *rsa.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		return "", fmt.Errorf("sshkey: encode public key for fingerprint: %w", err)
	}
	sum := md5.Sum(der)
	return colonHex(sum[:]), nil
}

// ed25519Fingerprint is EC2's fingerprint for any ED25519 key pair.
func ed25519Fingerprint(pub ssh.PublicKey) string {
	sum := sha256.Sum256(pub.Marshal())
	return base64.StdEncoding.EncodeToString(sum[:])
}
