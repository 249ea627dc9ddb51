package sshkey

import (
	"bytes"
	"crypto/dsa" //nolint:staticcheck // only to name DSA keys when rejecting them
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Limits on imported RSA moduli.
//
// The EC2 user guide lists 1024, 2048 and 4096 bits as the supported lengths
// for imported keys, yet EC2 has been seen to accept larger ones (8192 bits);
// ec2x accepts any modulus from MinImportRSABits to MaxImportRSABits bits.
const (
	// MinImportRSABits is the smallest RSA modulus Import accepts.
	MinImportRSABits = 1024
	// MaxImportRSABits is the largest RSA modulus Import accepts (OpenSSH's own ceiling).
	MaxImportRSABits = 16384
)

// Markers of the RFC 4716 "SSH2" public key file format.
const (
	rfc4716Begin = "---- BEGIN SSH2 PUBLIC KEY ----"
	rfc4716End   = "---- END SSH2 PUBLIC KEY ----"
)

// Import validates public key material as ImportKeyPair does and returns the key with EC2's fingerprint.
//
// material is the PublicKeyMaterial after the API layer has removed its
// base64 transport encoding. Following the EC2 user guide ("Create a key pair
// using a third-party tool and import the public key to Amazon EC2"), the
// accepted key types are RSA and ED25519 (DSA, ECDSA, security-key and
// certificate keys are refused), in these formats:
//
//   - OpenSSH public key format, one line "ssh-rsa|ssh-ed25519 <base64> [comment]"
//     as found in ~/.ssh/authorized_keys (RSA and ED25519);
//   - base64 encoded DER (RSA only): a SubjectPublicKeyInfo or PKCS#1
//     RSAPublicKey, given as bare base64 text, as a PEM "PUBLIC KEY" or
//     "RSA PUBLIC KEY" block, or as raw DER bytes;
//   - the SSH public key file format of RFC 4716 (RSA only).
//
// Every rejection wraps ErrInvalidKeyFormat. The returned Key has no
// PrivatePEM; its Fingerprint follows EC2's rule for imported keys (MD5 of the
// PKIX DER for RSA, padded base64 SHA-256 for ED25519).
func Import(material []byte) (*Key, error) {
	if len(bytes.TrimSpace(material)) == 0 {
		return nil, formatError("empty key material")
	}
	if material[0] == 0x30 { // ASN.1 SEQUENCE: raw DER
		return importDER(material)
	}
	text := strings.TrimSpace(string(material))
	switch {
	case strings.HasPrefix(text, rfc4716Begin):
		return importRFC4716(text)
	case strings.HasPrefix(text, "-----BEGIN "):
		return importPEM(text)
	case looksLikeOpenSSHLine(text):
		return importOpenSSHLine(text)
	default:
		der, err := base64.StdEncoding.DecodeString(stripSpace(text))
		if err != nil {
			return nil, formatError("not an OpenSSH public key line, RFC 4716 file, PEM public key or base64 DER")
		}
		return importDER(der)
	}
}

// looksLikeOpenSSHLine reports whether text starts with a key type name such as "ssh-rsa" followed by more fields.
func looksLikeOpenSSHLine(text string) bool {
	fields := strings.Fields(text)
	if len(fields) < 2 {
		return false
	}
	name := fields[0]
	if !strings.Contains(name, "-") {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '@' || r == '.') {
			return false
		}
	}
	return true
}

// importOpenSSHLine parses a single authorized_keys style line.
func importOpenSSHLine(text string) (*Key, error) {
	if strings.ContainsAny(text, "\r\n") {
		return nil, formatError("expected exactly one public key line")
	}
	fields := strings.Fields(text)
	name := fields[0]
	if err := checkSSHKeyType(name); err != nil {
		return nil, err
	}
	blob, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil {
		return nil, formatError("key data is not valid base64 (truncated?)")
	}
	pub, err := ssh.ParsePublicKey(blob)
	if err != nil {
		return nil, formatError("cannot decode %s key data (truncated or corrupt): %v", name, err)
	}
	if pub.Type() != name {
		return nil, formatError("key type %q does not match the %q key data", name, pub.Type())
	}
	key, err := fromSSHPublicKey(pub)
	if err != nil {
		return nil, err
	}
	key.Comment = strings.Join(fields[2:], " ")
	return key, nil
}

// checkSSHKeyType rejects SSH key type names EC2 does not import.
func checkSSHKeyType(name string) error {
	switch {
	case name == ssh.KeyAlgoRSA || name == ssh.KeyAlgoED25519:
		return nil
	case name == ssh.InsecureKeyAlgoDSA:
		return formatError("DSA keys are not supported; use RSA or ED25519")
	case strings.HasPrefix(name, "ecdsa-"):
		return formatError("ECDSA keys are not supported; use RSA or ED25519")
	case strings.HasPrefix(name, "sk-"):
		return formatError("security key (%s) keys are not supported; use RSA or ED25519", name)
	case strings.HasSuffix(name, "-cert-v01@openssh.com"):
		return formatError("certificates are not supported; import the plain public key")
	default:
		return formatError("unsupported key type %q; use RSA or ED25519", name)
	}
}

// fromSSHPublicKey builds the Key ImportKeyPair returns for an RSA or ED25519 SSH public key.
func fromSSHPublicKey(pub ssh.PublicKey) (*Key, error) {
	cpk, ok := pub.(ssh.CryptoPublicKey)
	if !ok {
		return nil, formatError("unsupported key type %q", pub.Type())
	}
	switch k := cpk.CryptoPublicKey().(type) {
	case *rsa.PublicKey:
		return fromRSAPublicKey(k)
	case ed25519.PublicKey:
		return &Key{
			Type:        TypeED25519,
			PublicKey:   authorizedKey(pub),
			Fingerprint: ed25519Fingerprint(pub),
		}, nil
	default:
		return nil, formatError("unsupported key type %q; use RSA or ED25519", pub.Type())
	}
}

// fromRSAPublicKey checks k's size and builds the Key ImportKeyPair returns for it.
func fromRSAPublicKey(k *rsa.PublicKey) (*Key, error) {
	if k.N == nil || k.N.Sign() <= 0 {
		return nil, formatError("RSA modulus is not positive")
	}
	if k.E < 3 || k.E%2 == 0 {
		return nil, formatError("RSA public exponent is invalid")
	}
	if bits := k.N.BitLen(); bits < MinImportRSABits || bits > MaxImportRSABits {
		return nil, formatError("RSA key is %d bits; supported lengths are %d to %d bits", bits, MinImportRSABits, MaxImportRSABits)
	}
	pub, err := ssh.NewPublicKey(k)
	if err != nil {
		return nil, formatError("RSA key cannot be expressed as an SSH key: %v", err)
	}
	fp, err := importedRSAFingerprint(k)
	if err != nil {
		return nil, formatError("%v", err)
	}
	return &Key{Type: TypeRSA, PublicKey: authorizedKey(pub), Fingerprint: fp}, nil
}

// importRFC4716 parses an RFC 4716 "---- BEGIN SSH2 PUBLIC KEY ----" file.
func importRFC4716(text string) (*Key, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var body strings.Builder
	comment := ""
	ended := false
	for i := 1; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == rfc4716End {
			ended = true
			if rest := strings.TrimSpace(strings.Join(lines[i+1:], "\n")); rest != "" {
				return nil, formatError("unexpected data after %q", rfc4716End)
			}
			break
		}
		if body.Len() == 0 && strings.Contains(line, ":") {
			// A header, possibly continued by a trailing backslash (RFC 4716 section 3.3).
			header := line
			for strings.HasSuffix(header, `\`) && i+1 < len(lines) {
				i++
				header = strings.TrimSuffix(header, `\`) + strings.TrimSpace(lines[i])
			}
			tag, value, _ := strings.Cut(header, ":")
			if strings.EqualFold(strings.TrimSpace(tag), "Comment") {
				comment = strings.Trim(strings.TrimSpace(value), `"`)
			}
			continue
		}
		body.WriteString(line)
	}
	if !ended {
		return nil, formatError("missing %q line (truncated?)", rfc4716End)
	}
	blob, err := base64.StdEncoding.DecodeString(body.String())
	if err != nil {
		return nil, formatError("RFC 4716 key body is not valid base64 (truncated?)")
	}
	pub, err := ssh.ParsePublicKey(blob)
	if err != nil {
		return nil, formatError("cannot decode RFC 4716 key data (truncated or corrupt): %v", err)
	}
	if pub.Type() != ssh.KeyAlgoRSA {
		if err := checkSSHKeyType(pub.Type()); err != nil {
			return nil, err
		}
		return nil, formatError("the RFC 4716 format is accepted for RSA keys only; give %s keys in OpenSSH format", pub.Type())
	}
	key, err := fromSSHPublicKey(pub)
	if err != nil {
		return nil, err
	}
	key.Comment = comment
	return key, nil
}

// importPEM parses a PEM "PUBLIC KEY" or "RSA PUBLIC KEY" block.
func importPEM(text string) (*Key, error) {
	block, rest := pem.Decode([]byte(text))
	if block == nil {
		return nil, formatError("malformed PEM block (truncated?)")
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, formatError("unexpected data after the PEM block")
	}
	switch block.Type {
	case "PUBLIC KEY", "RSA PUBLIC KEY":
		return importDER(block.Bytes)
	default:
		if strings.Contains(block.Type, "PRIVATE KEY") {
			return nil, formatError("a private key was given; import only the public key")
		}
		return nil, formatError("unsupported PEM block type %q; want PUBLIC KEY or RSA PUBLIC KEY", block.Type)
	}
}

// importDER parses a DER SubjectPublicKeyInfo or PKCS#1 RSAPublicKey.
func importDER(der []byte) (*Key, error) {
	if k, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return fromRSAPublicKey(k)
	}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, formatError("DER data is not an RSA public key (truncated or corrupt)")
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return fromRSAPublicKey(k)
	case *dsa.PublicKey:
		return nil, formatError("DSA keys are not supported; use RSA or ED25519")
	case *ecdsa.PublicKey:
		return nil, formatError("ECDSA keys are not supported; use RSA or ED25519")
	case ed25519.PublicKey:
		return nil, formatError("the DER format is accepted for RSA keys only; give ED25519 keys in OpenSSH format")
	default:
		return nil, formatError("unsupported public key algorithm %T; use RSA or ED25519", pub)
	}
}

// stripSpace removes all ASCII white space from s.
func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n', '\v', '\f':
			return -1
		}
		return r
	}, s)
}
