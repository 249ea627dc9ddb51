package sshkey

import (
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// Fixtures in testdata were made with OpenSSH 9.2 / OpenSSL 3.0:
//
//	ssh-keygen -t rsa -b 2048 -C kat@ec2x -f rsa        -> rsa2048.pub
//	ssh-keygen -e -f rsa.pub                            -> rsa2048.rfc4716
//	ssh-keygen -e -m PKCS8 -f rsa.pub                   -> rsa2048.pkcs8.pem
//	ssh-keygen -e -m PEM -f rsa.pub                     -> rsa2048.pkcs1.pem
//	ssh-keygen -t ed25519 -C kat@ec2x -f ed             -> ed25519.pub (and -e: ed25519.rfc4716)
//	ssh-keygen -t dsa / -t ecdsa                        -> dsa.pub, ecdsa.pub, ecdsa.pkcs8.pem
//
// Expected fingerprints were computed with the commands of the EC2 user guide:
//
//	ssh-keygen -e -m PKCS8 -f rsa.pub | openssl pkey -pubin -outform DER | openssl md5 -c
//	ssh-keygen -l -f ed.pub   (SHA256:..., prefix dropped, '=' padding added)
const (
	fixtureRSAFingerprint     = "cd:61:de:8a:09:4f:00:44:f5:01:7d:24:13:ff:ac:b2"
	fixtureED25519Fingerprint = "uuleC3tU8vEsv+Bfmt90c8yqzisLLF1kt2mnyUMyP+0="
	// ssh-keygen -l -E md5 hashes the SSH blob (RFC 4716 section 4); EC2 does not.
	fixtureRSAWireMD5 = "11:ba:7b:64:99:46:c8:a8:22:55:4d:7c:fa:fa:bc:53"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pemBody returns the base64 lines of the single PEM block in b.
func pemBody(t *testing.T, b []byte) string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[1:len(lines)-1], "\n")
}

// fakeRSA returns an RSA public key with a modulus of exactly bits bits; it
// need not be a product of primes, since Import only inspects the encoding.
func fakeRSA(bits int) *rsa.PublicKey {
	n := new(big.Int).Lsh(big.NewInt(1), uint(bits-1))
	n.Add(n, big.NewInt(12345))
	return &rsa.PublicKey{N: n, E: 65537}
}

func authorizedLine(t *testing.T, k any) string {
	t.Helper()
	pub, err := ssh.NewPublicKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return authorizedKey(pub)
}

func TestImportAccepts(t *testing.T) {
	rsaLine := strings.TrimSpace(string(readFixture(t, "rsa2048.pub")))
	rsaPublic := strings.Join(strings.Fields(rsaLine)[:2], " ")
	edLine := strings.TrimSpace(string(readFixture(t, "ed25519.pub")))
	edPublic := strings.Join(strings.Fields(edLine)[:2], " ")
	pkcs8PEM := readFixture(t, "rsa2048.pkcs8.pem")
	pkcs1PEM := readFixture(t, "rsa2048.pkcs1.pem")
	pkcs8DER, _ := pem.Decode(pkcs8PEM)
	pkcs1DER, _ := pem.Decode(pkcs1PEM)

	tests := []struct {
		name        string
		material    []byte
		wantType    string
		wantPublic  string
		wantFP      string
		wantComment string
	}{
		{"openssh rsa with comment", []byte(rsaLine), TypeRSA, rsaPublic, fixtureRSAFingerprint, "kat@ec2x"},
		{"openssh rsa without comment", []byte(rsaPublic), TypeRSA, rsaPublic, fixtureRSAFingerprint, ""},
		{"openssh rsa trailing newline", []byte(rsaLine + "\n"), TypeRSA, rsaPublic, fixtureRSAFingerprint, "kat@ec2x"},
		{"openssh rsa CRLF and spaces", []byte("  " + rsaLine + "\r\n"), TypeRSA, rsaPublic, fixtureRSAFingerprint, "kat@ec2x"},
		{"openssh rsa comment with spaces", []byte(rsaPublic + " my laptop key"), TypeRSA, rsaPublic, fixtureRSAFingerprint, "my laptop key"},
		{"openssh rsa tab separated", []byte(strings.ReplaceAll(rsaLine, " ", "\t")), TypeRSA, rsaPublic, fixtureRSAFingerprint, "kat@ec2x"},
		{"openssh ed25519", []byte(edLine), TypeED25519, edPublic, fixtureED25519Fingerprint, "kat@ec2x"},
		{"openssh ed25519 without comment", []byte(edPublic + "\n"), TypeED25519, edPublic, fixtureED25519Fingerprint, ""},
		{"rfc4716 rsa", readFixture(t, "rsa2048.rfc4716"), TypeRSA, rsaPublic, fixtureRSAFingerprint, "2048-bit RSA, converted by kat@ec2x from OpenSSH"},
		{"rfc4716 rsa continued header", []byte("---- BEGIN SSH2 PUBLIC KEY ----\nSubject: kat\nComment: \"split \\\nheader\"\nx-private: a\n" +
			strings.TrimSpace(pemBodyOf(readFixture(t, "rsa2048.rfc4716"))) + "\n---- END SSH2 PUBLIC KEY ----\n"),
			TypeRSA, rsaPublic, fixtureRSAFingerprint, "split header"},
		{"pem pkix", pkcs8PEM, TypeRSA, rsaPublic, fixtureRSAFingerprint, ""},
		{"pem pkcs1", pkcs1PEM, TypeRSA, rsaPublic, fixtureRSAFingerprint, ""},
		{"base64 der pkix wrapped", []byte(pemBody(t, pkcs8PEM)), TypeRSA, rsaPublic, fixtureRSAFingerprint, ""},
		{"base64 der pkix one line", []byte(base64.StdEncoding.EncodeToString(pkcs8DER.Bytes) + "\n"), TypeRSA, rsaPublic, fixtureRSAFingerprint, ""},
		{"base64 der pkcs1", []byte(pemBody(t, pkcs1PEM)), TypeRSA, rsaPublic, fixtureRSAFingerprint, ""},
		{"raw der pkix", pkcs8DER.Bytes, TypeRSA, rsaPublic, fixtureRSAFingerprint, ""},
		{"raw der pkcs1", pkcs1DER.Bytes, TypeRSA, rsaPublic, fixtureRSAFingerprint, ""},
		{"rsa 1024 bits", []byte(authorizedLine(t, fakeRSA(1024))), TypeRSA, authorizedLine(t, fakeRSA(1024)), "", ""},
		{"rsa 4096 bits", []byte(authorizedLine(t, fakeRSA(4096))), TypeRSA, authorizedLine(t, fakeRSA(4096)), "", ""},
		{"rsa 16384 bits", []byte(authorizedLine(t, fakeRSA(16384))), TypeRSA, authorizedLine(t, fakeRSA(16384)), "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, err := Import(tc.material)
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if key.Type != tc.wantType {
				t.Errorf("Type = %q, want %q", key.Type, tc.wantType)
			}
			if key.PublicKey != tc.wantPublic {
				t.Errorf("PublicKey = %q, want %q", key.PublicKey, tc.wantPublic)
			}
			if tc.wantFP != "" && key.Fingerprint != tc.wantFP {
				t.Errorf("Fingerprint = %q, want %q", key.Fingerprint, tc.wantFP)
			}
			if key.Type == TypeRSA && !md5ColonHex.MatchString(key.Fingerprint) {
				t.Errorf("Fingerprint = %q, want MD5 colon hex", key.Fingerprint)
			}
			if key.Comment != tc.wantComment {
				t.Errorf("Comment = %q, want %q", key.Comment, tc.wantComment)
			}
			if key.PrivatePEM != nil {
				t.Error("imported key has PrivatePEM")
			}
		})
	}
}

// pemBodyOf returns the base64 body of an RFC 4716 file (lines without ':' between the markers).
func pemBodyOf(b []byte) string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" && !strings.HasPrefix(l, "----") && !strings.Contains(l, ":") && !strings.HasPrefix(l, " ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestImportFingerprintIsNotSSHKeygenMD5(t *testing.T) {
	key, err := Import(readFixture(t, "rsa2048.pub"))
	if err != nil {
		t.Fatal(err)
	}
	if key.Fingerprint == fixtureRSAWireMD5 {
		t.Errorf("imported RSA fingerprint uses the SSH-blob MD5 (ssh-keygen -E md5); EC2 hashes the PKIX DER")
	}
}

func TestImportRejects(t *testing.T) {
	rsaLine := strings.TrimSpace(string(readFixture(t, "rsa2048.pub")))
	rsaFields := strings.Fields(rsaLine)
	edLine := strings.TrimSpace(string(readFixture(t, "ed25519.pub")))
	edFields := strings.Fields(edLine)
	pkcs8PEM := string(readFixture(t, "rsa2048.pkcs8.pem"))
	pkcs8DER, _ := pem.Decode([]byte(pkcs8PEM))
	rfc := string(readFixture(t, "rsa2048.rfc4716"))
	blob, err := base64.StdEncoding.DecodeString(rsaFields[1])
	if err != nil {
		t.Fatal(err)
	}
	edPub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	edPKIX, err := x509.MarshalPKIXPublicKey(edPub)
	if err != nil {
		t.Fatal(err)
	}
	bigDER, err := x509.MarshalPKIXPublicKey(fakeRSA(MaxImportRSABits + 8))
	if err != nil {
		t.Fatal(err)
	}
	generated, err := Generate(TypeRSA)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		material []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"blank", []byte(" \r\n\t ")},
		{"garbage text", []byte("hello world, this is not a key")},
		{"garbage binary", []byte{0x00, 0xff, 0x10, 0x80, 0x7f}},
		{"garbage der", []byte{0x30, 0x03, 0x02, 0x01, 0x00}},
		{"not base64", []byte("!!!!")},
		{"type only", []byte("ssh-rsa")},
		{"dsa", readFixture(t, "dsa.pub")},
		{"ecdsa", readFixture(t, "ecdsa.pub")},
		{"ecdsa pem", readFixture(t, "ecdsa.pkcs8.pem")},
		{"ed25519 rfc4716", readFixture(t, "ed25519.rfc4716")},
		{"ed25519 pkix der", edPKIX},
		{"ed25519 pkix pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: edPKIX})},
		{"security key", []byte("sk-ssh-ed25519@openssh.com " + edFields[1])},
		{"certificate", []byte("ssh-rsa-cert-v01@openssh.com " + rsaFields[1])},
		{"unknown type", []byte("ssh-foo " + rsaFields[1])},
		{"type mismatch", []byte("ssh-ed25519 " + rsaFields[1])},
		{"truncated base64", []byte("ssh-rsa " + rsaFields[1][:len(rsaFields[1])/2+1])},
		{"truncated blob", []byte("ssh-rsa " + base64.StdEncoding.EncodeToString(blob[:len(blob)-40]))},
		{"truncated ed25519", []byte("ssh-ed25519 " + edFields[1][:40])},
		{"trailing junk in blob", []byte("ssh-rsa " + base64.StdEncoding.EncodeToString(append(append([]byte{}, blob...), 0, 0, 0, 1, 'x')))},
		{"truncated rfc4716", []byte(rfc[:len(rfc)-40])},
		{"rfc4716 data after end", []byte(rfc + "ssh-rsa AAAA\n")},
		{"truncated pem", []byte(pkcs8PEM[:len(pkcs8PEM)-30])},
		{"pem data after end", []byte(pkcs8PEM + "junk\n")},
		{"truncated der", pkcs8DER.Bytes[:len(pkcs8DER.Bytes)-10]},
		{"truncated base64 der", []byte(base64.StdEncoding.EncodeToString(pkcs8DER.Bytes[:100]))},
		{"two keys", []byte(rsaLine + "\n" + edLine + "\n")},
		{"authorized_keys options", []byte(`from="10.0.0.1" ` + rsaLine)},
		{"double base64", []byte(base64.StdEncoding.EncodeToString([]byte(rsaLine)))},
		{"private key pem", generated.PrivatePEM},
		{"unknown pem type", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: pkcs8DER.Bytes})},
		{"rsa too small", []byte(authorizedLine(t, fakeRSA(MinImportRSABits-1)))},
		{"rsa 512 bits", []byte(authorizedLine(t, fakeRSA(512)))},
		{"rsa too large der", bigDER},
		{"rsa even exponent", pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rsa.PublicKey{N: fakeRSA(2048).N, E: 65536})})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, err := Import(tc.material)
			if !errors.Is(err, ErrInvalidKeyFormat) {
				t.Fatalf("Import error = %v, want ErrInvalidKeyFormat", err)
			}
			if key != nil {
				t.Error("Import returned a key with an error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, ErrInvalidKeyFormat.Error()+": ") {
				t.Errorf("error %q does not start with %q and a detail", msg, ErrInvalidKeyFormat)
			}
			// The detail must not echo key material (private keys above all).
			for _, field := range strings.Fields(string(tc.material)) {
				if len(field) >= 40 && strings.Contains(msg, field) {
					t.Errorf("error message echoes the input")
					break
				}
			}
		})
	}
}

func TestImportRejectionDetails(t *testing.T) {
	tests := []struct {
		name     string
		material []byte
		want     string
	}{
		{"dsa", readFixture(t, "dsa.pub"), "DSA keys are not supported"},
		{"ecdsa", readFixture(t, "ecdsa.pub"), "ECDSA keys are not supported"},
		{"ecdsa pem", readFixture(t, "ecdsa.pkcs8.pem"), "ECDSA keys are not supported"},
		{"empty", nil, "empty key material"},
		{"ed25519 rfc4716", readFixture(t, "ed25519.rfc4716"), "RSA keys only"},
		{"rsa too small", []byte(authorizedLine(t, fakeRSA(768))), "768 bits"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Import(tc.material)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Import error = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}
