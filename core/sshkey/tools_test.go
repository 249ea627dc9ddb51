package sshkey

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// These tests compare fingerprints with the ones openssl and ssh-keygen
// compute, using the commands of the EC2 user guide ("Verify the fingerprint
// of your key pair"). They are skipped when the tools are not installed,
// unless EC2X_REQUIRE_SSH_TOOLS is set, as CI sets it (and installs them).

// requireTools skips t unless every named program is on PATH; with
// EC2X_REQUIRE_SSH_TOOLS set, a missing one fails t.
func requireTools(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			if os.Getenv("EC2X_REQUIRE_SSH_TOOLS") != "" {
				t.Fatalf("EC2X_REQUIRE_SSH_TOOLS is set but %s is missing: %v (CI installs openssh-client and openssl)", n, err)
			}
			t.Skipf("%s not found on PATH (apt-get install openssh-client openssl)", n)
		}
	}
}

// runTool runs name with args and stdin, returning stdout; stderr goes into the failure message only.
func runTool(t *testing.T, stdin []byte, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes()
}

// opensslDigest hashes data with "openssl <algo> -c" and returns the colon-hex digest.
func opensslDigest(t *testing.T, algo string, data []byte) string {
	t.Helper()
	if len(data) == 0 {
		t.Fatalf("nothing to hash with openssl %s", algo)
	}
	out := strings.TrimSpace(string(runTool(t, data, "openssl", algo, "-c")))
	// "SHA1(stdin)= aa:bb:..." (OpenSSL 3) or "(stdin)= aa:bb:..." (older).
	i := strings.LastIndex(out, "= ")
	if i < 0 {
		t.Fatalf("unexpected openssl %s output %q", algo, out)
	}
	return out[i+2:]
}

// sshKeygenSHA256 returns the SHA-256 fingerprint ssh-keygen -l prints for file, in EC2's spelling.
func sshKeygenSHA256(t *testing.T, file string) string {
	t.Helper()
	fields := strings.Fields(string(runTool(t, nil, "ssh-keygen", "-l", "-E", "sha256", "-f", file)))
	if len(fields) < 2 || !strings.HasPrefix(fields[1], "SHA256:") {
		t.Fatalf("unexpected ssh-keygen -l output %q", fields)
	}
	fp := strings.TrimPrefix(fields[1], "SHA256:")
	for len(fp)%4 != 0 {
		fp += "="
	}
	return fp
}

// writeFile writes data to a fresh file in dir with owner-only permissions.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFingerprintsMatchTools(t *testing.T) {
	t.Run("created rsa is sha1 of pkcs8 per openssl", func(t *testing.T) {
		requireTools(t, "openssl")
		key, err := Generate(TypeRSA)
		if err != nil {
			t.Fatal(err)
		}
		file := writeFile(t, t.TempDir(), "key.pem", key.PrivatePEM)
		der := runTool(t, nil, "openssl", "pkcs8", "-in", file, "-inform", "PEM", "-outform", "DER", "-topk8", "-nocrypt")
		if want := opensslDigest(t, "sha1", der); key.Fingerprint != want {
			t.Errorf("Fingerprint = %q, openssl says %q", key.Fingerprint, want)
		}
	})

	t.Run("created keys load in ssh-keygen", func(t *testing.T) {
		requireTools(t, "ssh-keygen")
		for _, kind := range []string{TypeRSA, TypeED25519} {
			key, err := Generate(kind)
			if err != nil {
				t.Fatal(err)
			}
			file := writeFile(t, t.TempDir(), "key", key.PrivatePEM)
			derived := strings.Fields(string(runTool(t, nil, "ssh-keygen", "-y", "-f", file)))
			if got := strings.Join(derived[:2], " "); got != key.PublicKey {
				t.Errorf("%s: ssh-keygen -y = %q, want %q", kind, got, key.PublicKey)
			}
			if kind == TypeED25519 {
				if want := sshKeygenSHA256(t, file); key.Fingerprint != want {
					t.Errorf("ed25519 Fingerprint = %q, ssh-keygen says %q", key.Fingerprint, want)
				}
			}
		}
	})

	t.Run("imported rsa is md5 of pkix per openssl", func(t *testing.T) {
		requireTools(t, "ssh-keygen", "openssl")
		dir := t.TempDir()
		file := filepath.Join(dir, "id_rsa")
		runTool(t, nil, "ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-C", "tools@ec2x", "-m", "PEM", "-f", file)
		pub, err := os.ReadFile(file + ".pub")
		if err != nil {
			t.Fatal(err)
		}
		key, err := Import(pub)
		if err != nil {
			t.Fatalf("Import: %v", err)
		}
		// From the private key, as in the user guide ...
		fromPrivate := opensslDigest(t, "md5", runTool(t, nil, "openssl", "pkey", "-in", file, "-pubout", "-outform", "DER"))
		// ... and from the public key alone.
		spki := runTool(t, nil, "ssh-keygen", "-e", "-m", "PKCS8", "-f", file+".pub")
		fromPublic := opensslDigest(t, "md5", runTool(t, spki, "openssl", "pkey", "-pubin", "-outform", "DER"))
		if key.Fingerprint != fromPrivate || key.Fingerprint != fromPublic {
			t.Errorf("Fingerprint = %q, openssl says %q (private) / %q (public)", key.Fingerprint, fromPrivate, fromPublic)
		}
		if key.Comment != "tools@ec2x" {
			t.Errorf("Comment = %q", key.Comment)
		}

		for _, format := range []string{"RFC4716", "PKCS8", "PEM"} {
			converted := runTool(t, nil, "ssh-keygen", "-e", "-m", format, "-f", file+".pub")
			again, err := Import(converted)
			if err != nil {
				t.Fatalf("Import(ssh-keygen -e -m %s): %v", format, err)
			}
			if again.Fingerprint != key.Fingerprint || again.PublicKey != key.PublicKey {
				t.Errorf("-m %s: got %q %q, want %q %q", format, again.Fingerprint, again.PublicKey, key.Fingerprint, key.PublicKey)
			}
		}
	})

	t.Run("imported ed25519 is sha256 per ssh-keygen", func(t *testing.T) {
		requireTools(t, "ssh-keygen")
		file := filepath.Join(t.TempDir(), "id_ed25519")
		runTool(t, nil, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "tools@ec2x", "-f", file)
		pub, err := os.ReadFile(file + ".pub")
		if err != nil {
			t.Fatal(err)
		}
		key, err := Import(pub)
		if err != nil {
			t.Fatalf("Import: %v", err)
		}
		if want := sshKeygenSHA256(t, file+".pub"); key.Fingerprint != want {
			t.Errorf("Fingerprint = %q, ssh-keygen says %q", key.Fingerprint, want)
		}
	})

	t.Run("fixture fingerprints per tools", func(t *testing.T) {
		requireTools(t, "ssh-keygen", "openssl")
		spki := runTool(t, nil, "ssh-keygen", "-e", "-m", "PKCS8", "-f", filepath.Join("testdata", "rsa2048.pub"))
		if got := opensslDigest(t, "md5", runTool(t, spki, "openssl", "pkey", "-pubin", "-outform", "DER")); got != fixtureRSAFingerprint {
			t.Errorf("openssl md5 of rsa2048.pub = %q, fixture constant %q", got, fixtureRSAFingerprint)
		}
		if got := sshKeygenSHA256(t, filepath.Join("testdata", "ed25519.pub")); got != fixtureED25519Fingerprint {
			t.Errorf("ssh-keygen of ed25519.pub = %q, fixture constant %q", got, fixtureED25519Fingerprint)
		}
	})

	t.Run("dsa from ssh-keygen is rejected", func(t *testing.T) {
		requireTools(t, "ssh-keygen")
		file := filepath.Join(t.TempDir(), "id_dsa")
		cmd := exec.Command("ssh-keygen", "-q", "-t", "dsa", "-N", "", "-f", file)
		if out, err := cmd.CombinedOutput(); err != nil {
			// OpenSSH 9.8 dropped DSA: the key OpenSSH 9.2 made stands in
			t.Logf("this ssh-keygen cannot make DSA keys (%v: %s); testdata/dsa.pub is one it made", err, bytes.TrimSpace(out))
			file = filepath.Join("testdata", "dsa")
		}
		pub, err := os.ReadFile(file + ".pub")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Import(pub); err == nil || !strings.Contains(err.Error(), "DSA") {
			t.Errorf("Import(DSA) error = %v, want a DSA rejection", err)
		}
	})
}
