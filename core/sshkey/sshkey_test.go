package sshkey

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha1"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

var (
	sha1ColonHex = regexp.MustCompile(`^([0-9a-f]{2}:){19}[0-9a-f]{2}$`)
	md5ColonHex  = regexp.MustCompile(`^([0-9a-f]{2}:){15}[0-9a-f]{2}$`)
	sha256Base64 = regexp.MustCompile(`^[A-Za-z0-9+/]{43}=$`)
)

func TestGenerate(t *testing.T) {
	tests := []struct {
		kind     string
		wantType string
		pemType  string
		fpFormat *regexp.Regexp
	}{
		{kind: "rsa", wantType: TypeRSA, pemType: "RSA PRIVATE KEY", fpFormat: sha1ColonHex},
		{kind: "ed25519", wantType: TypeED25519, pemType: "OPENSSH PRIVATE KEY", fpFormat: sha256Base64},
		{kind: "", wantType: TypeRSA, pemType: "RSA PRIVATE KEY", fpFormat: sha1ColonHex},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("kind=%q", tc.kind), func(t *testing.T) {
			key, err := Generate(tc.kind)
			if err != nil {
				t.Fatalf("Generate(%q): %v", tc.kind, err)
			}
			if key.Type != tc.wantType {
				t.Errorf("Type = %q, want %q", key.Type, tc.wantType)
			}
			if key.Comment != "" {
				t.Errorf("Comment = %q, want empty", key.Comment)
			}
			if strings.HasSuffix(key.PublicKey, "\n") || len(strings.Fields(key.PublicKey)) != 2 {
				t.Errorf("PublicKey = %q, want \"<type> <base64>\" without newline", key.PublicKey)
			}
			if !tc.fpFormat.MatchString(key.Fingerprint) {
				t.Errorf("Fingerprint = %q, want match for %s", key.Fingerprint, tc.fpFormat)
			}

			block, rest := pem.Decode(key.PrivatePEM)
			if block == nil || len(bytes.TrimSpace(rest)) != 0 {
				t.Fatal("PrivatePEM is not a single PEM block")
			}
			if block.Type != tc.pemType {
				t.Errorf("PEM type = %q, want %q", block.Type, tc.pemType)
			}

			// Parse back with x/crypto/ssh directly, then through our wrapper.
			signer, err := ssh.ParsePrivateKey(key.PrivatePEM)
			if err != nil {
				t.Fatalf("ssh.ParsePrivateKey: %v", err)
			}
			if got := authorizedKey(signer.PublicKey()); got != key.PublicKey {
				t.Errorf("public key of parsed private key = %q, want %q", got, key.PublicKey)
			}
			ours, err := ParsePrivateKey(key.PrivatePEM)
			if err != nil {
				t.Fatalf("ParsePrivateKey: %v", err)
			}
			pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(key.PublicKey))
			if err != nil {
				t.Fatalf("ssh.ParseAuthorizedKey(PublicKey): %v", err)
			}
			data := []byte("ec2x signing check")
			sig, err := ours.Sign(nil, data)
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			if err := pub.Verify(data, sig); err != nil {
				t.Errorf("signature by private key does not verify with PublicKey: %v", err)
			}

			// Recompute the fingerprint from the parsed material, independently of fingerprint.go.
			switch key.Type {
			case TypeRSA:
				priv, err := x509.ParsePKCS1PrivateKey(block.Bytes)
				if err != nil {
					t.Fatalf("PrivatePEM is not PKCS#1: %v", err)
				}
				if bits := priv.N.BitLen(); bits != RSABits {
					t.Errorf("modulus = %d bits, want %d", bits, RSABits)
				}
				der, err := x509.MarshalPKCS8PrivateKey(priv)
				if err != nil {
					t.Fatal(err)
				}
				sum := sha1.Sum(der)
				want := strings.TrimSpace(fmt.Sprintf("% x", sum[:]))
				if want = strings.ReplaceAll(want, " ", ":"); key.Fingerprint != want {
					t.Errorf("Fingerprint = %q, want SHA-1 of PKCS#8 %q", key.Fingerprint, want)
				}
			case TypeED25519:
				want := strings.TrimPrefix(ssh.FingerprintSHA256(pub), "SHA256:") + "="
				if key.Fingerprint != want {
					t.Errorf("Fingerprint = %q, want %q", key.Fingerprint, want)
				}
			}

			// Importing the public half: ED25519 keeps its fingerprint, RSA
			// switches to the MD5 rule (EC2 documents this for re-uploaded keys).
			imported, err := Import([]byte(key.PublicKey))
			if err != nil {
				t.Fatalf("Import(PublicKey): %v", err)
			}
			if imported.PublicKey != key.PublicKey || imported.Type != key.Type {
				t.Errorf("Import(PublicKey) = %v %q, want %v %q", imported.Type, imported.PublicKey, key.Type, key.PublicKey)
			}
			switch key.Type {
			case TypeRSA:
				if !md5ColonHex.MatchString(imported.Fingerprint) {
					t.Errorf("imported RSA fingerprint = %q, want MD5 colon hex", imported.Fingerprint)
				}
			case TypeED25519:
				if imported.Fingerprint != key.Fingerprint {
					t.Errorf("imported ED25519 fingerprint = %q, want %q", imported.Fingerprint, key.Fingerprint)
				}
			}

			again, err := Generate(tc.kind)
			if err != nil {
				t.Fatal(err)
			}
			if again.PublicKey == key.PublicKey || bytes.Equal(again.PrivatePEM, key.PrivatePEM) {
				t.Error("two Generate calls returned the same key")
			}
		})
	}
}

func TestGenerateUnsupported(t *testing.T) {
	for _, kind := range []string{"dsa", "ecdsa", "RSA", "ED25519", "ed448", " rsa"} {
		t.Run(kind, func(t *testing.T) {
			key, err := Generate(kind)
			if !errors.Is(err, ErrUnsupportedKeyType) {
				t.Fatalf("Generate(%q) error = %v, want ErrUnsupportedKeyType", kind, err)
			}
			if key != nil {
				t.Errorf("Generate(%q) returned a key with an error", kind)
			}
		})
	}
}

// TestED25519KnownAnswer checks a fixed ED25519 key against values computed
// with openssl and ssh-keygen: the raw public key from
// "openssl pkey -pubout" on the PKCS#8 form of the seed, wrapped as an SSH
// blob, hashed with "openssl dgst -sha256 -binary | base64", and confirmed
// with "ssh-keygen -l" (which prints the same digest without '=').
func TestED25519KnownAnswer(t *testing.T) {
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i)
	}
	key, err := fromED25519PrivateKey(ed25519.NewKeyFromSeed(seed))
	if err != nil {
		t.Fatal(err)
	}
	const (
		wantPublic = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"
		wantFP     = "lbmsoA0yIEcEiVDRnMWuzm+nV+3ZEEpVIURqFoeSspg="
	)
	if key.PublicKey != wantPublic {
		t.Errorf("PublicKey = %q, want %q", key.PublicKey, wantPublic)
	}
	if key.Fingerprint != wantFP {
		t.Errorf("Fingerprint = %q, want %q", key.Fingerprint, wantFP)
	}
	signer, err := ParsePrivateKey(key.PrivatePEM)
	if err != nil {
		t.Fatal(err)
	}
	if got := authorizedKey(signer.PublicKey()); got != wantPublic {
		t.Errorf("parsed private key has public key %q, want %q", got, wantPublic)
	}
}

func TestParsePrivateKeyErrors(t *testing.T) {
	ed, err := Generate(TypeED25519)
	if err != nil {
		t.Fatal(err)
	}
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	encrypted, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		input []byte
	}{
		{name: "empty", input: nil},
		{name: "blank", input: []byte(" \n\t")},
		{name: "garbage", input: []byte("not a key")},
		{name: "public key", input: []byte(ed.PublicKey)},
		{name: "truncated", input: ed.PrivatePEM[:len(ed.PrivatePEM)/2]},
		{name: "passphrase", input: pem.EncodeToMemory(encrypted)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParsePrivateKey(tc.input); !errors.Is(err, ErrInvalidPrivateKey) {
				t.Fatalf("ParsePrivateKey error = %v, want ErrInvalidPrivateKey", err)
			}
		})
	}
}

func TestKeyStringHidesPrivateKey(t *testing.T) {
	key, err := Generate(TypeED25519)
	if err != nil {
		t.Fatal(err)
	}
	body := strings.Split(string(key.PrivatePEM), "\n")[1]
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		t.Run(verb, func(t *testing.T) {
			out := fmt.Sprintf(verb, key)
			if strings.Contains(out, body) || strings.Contains(out, "PRIVATE KEY") {
				t.Errorf("fmt %s of *Key exposes the private key", verb)
			}
			if !strings.Contains(out, key.Fingerprint) {
				t.Errorf("fmt %s of *Key = %q, want it to name the fingerprint", verb, out)
			}
		})
	}
	var nilKey *Key
	if got := nilKey.String(); got != "<nil>" {
		t.Errorf("nil Key String() = %q", got)
	}
}
