package configs

import (
	"crypto/rand"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
)

// ExampleAccessKeyID is the built-in key of [[api.credentials]]. Its
// secret is printed in the README, so it proves nothing about who calls.
const ExampleAccessKeyID = "AKIDEXAMPLE"

// Loopback reports whether a listen address (HOST:PORT) is reachable only
// from this machine. An empty host is every interface.
func Loopback(listen string) bool {
	if port, ok := strings.CutPrefix(listen, "localhost:"); ok {
		_, err := strconv.ParseUint(port, 10, 16)
		return err == nil || port == ""
	}
	// netip, not net: the CLI links this package, and net links cgo.
	ap, err := netip.ParseAddrPort(listen)
	return err == nil && ap.Addr().Unmap().IsLoopback()
}

// UsesExampleKey reports whether the example key is among the keys the
// EC2 endpoint accepts.
func (a API) UsesExampleKey() bool {
	for _, c := range a.Credentials {
		if c.AccessKeyID == ExampleAccessKeyID {
			return true
		}
	}
	return false
}

// ExposedExampleKey is the error for an endpoint on a non-loopback address
// that would accept the example key: anyone who read the README could
// terminate the owner's instances.
func ExposedExampleKey(listen string) string {
	return fmt.Sprintf("the EC2 endpoint would listen on %s, beyond this machine, with the example key %s whose secret is public: "+
		"make a key of your own (ec2x serve --new-credentials) or listen on 127.0.0.1", listen, ExampleAccessKeyID)
}

// NewCredential makes a random access key pair in AWS's shapes: an ID of
// AKIA and 16 characters of A-Z and 2-7, and a secret of 40.
func NewCredential() Credential {
	const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	const secretChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	pick := func(n int, from string) string {
		b := make([]byte, n)
		_, _ = rand.Read(b) // never fails (crypto/rand)
		for i := range b {
			b[i] = from[int(b[i])%len(from)]
		}
		return string(b)
	}
	return Credential{AccessKeyID: "AKIA" + pick(16, idChars), SecretAccessKey: pick(40, secretChars)}
}

// AddCredential appends a key to home's config.toml as the user's own
// [[api.credentials]] (which replace the built-in example key), keeping the
// rest of the file; the file is made 0600, since it holds a secret.
func AddCredential(home string, c Credential, now time.Time) error {
	p := Path(home)
	old, err := os.ReadFile(p)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	var b strings.Builder
	b.Write(old)
	if len(old) > 0 && !strings.HasSuffix(string(old), "\n") {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\n# made by ec2x serve --new-credentials, %s\n[[api.credentials]]\naccess_key_id = %q\nsecret_access_key = %q\n",
		now.UTC().Format(time.RFC3339), c.AccessKeyID, c.SecretAccessKey)
	if _, err := load([]byte(b.String()), p); err != nil {
		return fmt.Errorf("config.toml would not load with the new key (left as it was): %w", err)
	}
	if err := os.MkdirAll(home, 0o700); err != nil {
		return err
	}
	tmp := p + ".new"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}
