package sshkey

import (
	"crypto/ed25519"
	"crypto/rsa"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// PuTTY's own puttygen reads the PPK files CreateKeyPair makes (it checks
// their MAC) and converts them back to the very key pair generated.
func TestPPKReadByPuttygen(t *testing.T) {
	requireTools(t, "puttygen")
	for _, kind := range []string{TypeRSA, TypeED25519} {
		t.Run(kind, func(t *testing.T) {
			k, err := Generate(kind)
			if err != nil {
				t.Fatal(err)
			}
			ppk, err := k.PPK("web-key")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(ppk), "PuTTY-User-Key-File-2: ") || !strings.Contains(string(ppk), "\nComment: web-key\n") {
				t.Fatalf("not a PPK file:\n%s", ppk)
			}
			dir := t.TempDir()
			file := filepath.Join(dir, "k.ppk")
			if err := os.WriteFile(file, ppk, 0o600); err != nil {
				t.Fatal(err)
			}
			pub := runTool(t, nil, "puttygen", file, "-O", "public-openssh", "-o", "/dev/stdout")
			if got := strings.Fields(string(pub)); len(got) < 2 || got[0]+" "+got[1] != k.PublicKey {
				t.Fatalf("puttygen's public key %q, want %q", pub, k.PublicKey)
			}
			out := filepath.Join(dir, "k")
			runTool(t, nil, "puttygen", file, "-O", "private-openssh-new", "-o", out)
			pem, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ssh.ParseRawPrivateKey(pem)
			if err != nil {
				t.Fatalf("puttygen's conversion: %v", err)
			}
			switch p := back.(type) {
			case *rsa.PrivateKey:
				// OpenSSH's file may list the primes the other way round:
				// the same key has the same modulus and private exponent.
				o := k.private.(*rsa.PrivateKey)
				if !p.PublicKey.Equal(&o.PublicKey) || p.D.Cmp(o.D) != 0 || p.Validate() != nil {
					t.Fatal("the RSA key puttygen read back is another key")
				}
			case *ed25519.PrivateKey:
				if !p.Equal(k.private) {
					t.Fatal("the ed25519 key puttygen read back is another key")
				}
			default:
				t.Fatalf("puttygen gave a %T", back)
			}
		})
	}
}

// A one-bit change anywhere in the private part fails PuTTY's MAC check.
func TestPPKTamperedRefused(t *testing.T) {
	requireTools(t, "puttygen")
	k, err := Generate(TypeED25519)
	if err != nil {
		t.Fatal(err)
	}
	ppk, err := k.PPK("k")
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(ppk), "Comment: k\n", "Comment: K\n", 1)
	file := filepath.Join(t.TempDir(), "k.ppk")
	if err := os.WriteFile(file, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := runCmd("puttygen", file, "-O", "private-openssh-new", "-o", filepath.Join(t.TempDir(), "k")); err == nil {
		t.Fatalf("puttygen accepted a file whose comment no longer matches its MAC: %s", out)
	}
}

// An imported key has no private half to write.
func TestPPKOfImportedKey(t *testing.T) {
	k, err := Generate(TypeED25519)
	if err != nil {
		t.Fatal(err)
	}
	imp, err := Import([]byte(k.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := imp.PPK("x"); err == nil {
		t.Fatal("PPK of an imported key succeeded")
	}
}

// runCmd runs a program for its outcome: combined output and error.
func runCmd(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}
