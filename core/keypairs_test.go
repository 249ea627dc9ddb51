package core

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/sshkey"
	"golang.org/x/crypto/ssh"
)

var keyPairIDRe = regexp.MustCompile(`^key-[0-9a-f]{17}$`)

func TestCreateKeyPair(t *testing.T) {
	e := newEnv(t, "")
	cases := []struct {
		name, keyType string
		wantType      string
		fingerprint   *regexp.Regexp
	}{
		// EC2: SHA-256 in base64 with padding for ed25519; SHA-1 of the
		// PKCS#8 key as colon hex for created RSA keys. RSA is the default.
		{"ed25519", "ed25519", "ed25519", regexp.MustCompile(`^[A-Za-z0-9+/]{43}=$`)},
		{"rsa by default", "", "rsa", regexp.MustCompile(`^([0-9a-f]{2}:){19}[0-9a-f]{2}$`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.c.CreateKeyPair(e.ctx, use1, &ec2.CreateKeyPairInput{KeyName: tc.name, KeyType: tc.keyType})
			if err != nil {
				t.Fatal(err)
			}
			if !keyPairIDRe.MatchString(out.KeyPairId) || out.KeyName != tc.name || !tc.fingerprint.MatchString(out.KeyFingerprint) {
				t.Errorf("answer %+v", out)
			}
			// The private half works, and its public half is the one stored.
			signer, err := sshkey.ParsePrivateKey([]byte(out.KeyMaterial))
			if err != nil {
				t.Fatalf("the private key does not parse: %v", err)
			}
			desc, err := e.c.DescribeKeyPairs(e.ctx, use1, &ec2.DescribeKeyPairsInput{KeyNames: []string{tc.name}, IncludePublicKey: true})
			if err != nil {
				t.Fatal(err)
			}
			k := desc.KeyPairs[0]
			wantPub := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))) + " " + tc.name
			if k.PublicKey != wantPub || k.KeyType != tc.wantType || k.KeyFingerprint != out.KeyFingerprint ||
				k.KeyPairId != out.KeyPairId || !k.CreateTime.Equal(epoch) {
				t.Errorf("described %+v\nwant public key %q", k, wantPub)
			}
		})
	}
}

func TestImportKeyPair(t *testing.T) {
	e := newEnv(t, "")
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	edLine := ssh.MarshalAuthorizedKey(sshPub)
	rsaLine, err := os.ReadFile("sshkey/testdata/rsa2048.pub")
	if err != nil {
		t.Fatal(err)
	}
	dsaLine, err := os.ReadFile("sshkey/testdata/dsa.pub")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		material []byte
		wantType string
		fp       *regexp.Regexp
	}{
		{"ed25519", edLine, "ed25519", regexp.MustCompile(`^[A-Za-z0-9+/]{43}=$`)},
		// Imported RSA keys get EC2's MD5 fingerprint of the public key.
		{"rsa", rsaLine, "rsa", regexp.MustCompile(`^([0-9a-f]{2}:){15}[0-9a-f]{2}$`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.c.ImportKeyPair(e.ctx, use1, &ec2.ImportKeyPairInput{KeyName: tc.name, PublicKeyMaterial: tc.material})
			if err != nil {
				t.Fatal(err)
			}
			if !keyPairIDRe.MatchString(out.KeyPairId) || !tc.fp.MatchString(out.KeyFingerprint) {
				t.Errorf("answer %+v", out)
			}
			desc, err := e.c.DescribeKeyPairs(e.ctx, use1, &ec2.DescribeKeyPairsInput{KeyPairIds: []string{out.KeyPairId}, IncludePublicKey: true})
			if err != nil {
				t.Fatal(err)
			}
			if k := desc.KeyPairs[0]; k.KeyType != tc.wantType || !strings.HasPrefix(string(tc.material), strings.Fields(k.PublicKey)[0]+" "+strings.Fields(k.PublicKey)[1]) {
				t.Errorf("described %+v", k)
			}
		})
	}
	errCases := []struct {
		name     string
		keyName  string
		material []byte
		code     string
		frag     string
	}{
		{"garbage", "g", []byte("not a key"), ec2.CodeInvalidKeyFormat, "not in valid OpenSSH public key format"},
		{"DSA", "d", dsaLine, ec2.CodeInvalidKeyFormat, ""},
		{"empty", "e", nil, ec2.CodeInvalidKeyFormat, ""},
		{"duplicate name", "ed25519", edLine, ec2.CodeInvalidKeyPairDuplicate, "The keypair 'ed25519' already exists."},
		{"empty name", "", edLine, ec2.CodeInvalidParameterValue, "1 to 255"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.ImportKeyPair(e.ctx, use1, &ec2.ImportKeyPairInput{KeyName: tc.keyName, PublicKeyMaterial: tc.material})
			wantCode(t, err, tc.code, tc.frag)
		})
	}
}

func TestKeyPairErrors(t *testing.T) {
	e := newEnv(t, "")
	if _, err := e.c.CreateKeyPair(e.ctx, use1, &ec2.CreateKeyPairInput{KeyName: "taken", KeyType: "ed25519"}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		in   ec2.CreateKeyPairInput
		code string
		frag string
	}{
		{"duplicate", ec2.CreateKeyPairInput{KeyName: "taken", KeyType: "ed25519"}, ec2.CodeInvalidKeyPairDuplicate, "'taken'"},
		{"empty name", ec2.CreateKeyPairInput{KeyType: "ed25519"}, ec2.CodeInvalidParameterValue, "1 to 255"},
		{"name too long", ec2.CreateKeyPairInput{KeyName: strings.Repeat("k", 256), KeyType: "ed25519"}, ec2.CodeInvalidParameterValue, "1 to 255"},
		{"not ASCII", ec2.CreateKeyPairInput{KeyName: "clé", KeyType: "ed25519"}, ec2.CodeInvalidParameterValue, "ASCII"},
		{"unknown type", ec2.CreateKeyPairInput{KeyName: "x", KeyType: "dsa"}, ec2.CodeInvalidParameterValue, "'dsa'"},
		{"tags for another resource", ec2.CreateKeyPairInput{KeyName: "x", KeyType: "ed25519",
			TagSpecifications: instanceTags("a", "b")}, ec2.CodeInvalidParameter, "'instance'"},
		{"unknown region", ec2.CreateKeyPairInput{KeyName: "x", KeyType: "ed25519"}, ec2.CodeInvalidRegion, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			region := use1
			if tc.code == ec2.CodeInvalidRegion {
				region = "mars-1"
			}
			in := tc.in
			_, err := e.c.CreateKeyPair(e.ctx, region, &in)
			wantCode(t, err, tc.code, tc.frag)
		})
	}
	if _, err := e.c.CreateKeyPair(e.ctx, use1, &ec2.CreateKeyPairInput{KeyName: strings.Repeat("k", 255), KeyType: "ed25519"}); err != nil {
		t.Errorf("a 255-character name is allowed: %v", err)
	}
}

func TestDescribeAndDeleteKeyPairs(t *testing.T) {
	e := newEnv(t, "[sim]\nboot_seconds = 0\n")
	ids := map[string]string{}
	for _, n := range []string{"charlie", "alpha", "bravo"} {
		out, err := e.c.CreateKeyPair(e.ctx, use1, &ec2.CreateKeyPairInput{KeyName: n, KeyType: "ed25519"})
		if err != nil {
			t.Fatal(err)
		}
		ids[n] = out.KeyPairId
	}
	names := func(in *ec2.DescribeKeyPairsInput) []string {
		t.Helper()
		out, err := e.c.DescribeKeyPairs(e.ctx, use1, in)
		if err != nil {
			t.Fatal(err)
		}
		var ns []string
		for _, k := range out.KeyPairs {
			if k.PublicKey != "" && !in.IncludePublicKey {
				t.Errorf("%s: public key shown without IncludePublicKey", k.KeyName)
			}
			ns = append(ns, k.KeyName)
		}
		return ns
	}
	if got := names(&ec2.DescribeKeyPairsInput{}); !slices.Equal(got, []string{"alpha", "bravo", "charlie"}) {
		t.Errorf("all keys sorted: %v", got)
	}
	if got := names(&ec2.DescribeKeyPairsInput{KeyNames: []string{"bravo"}, KeyPairIds: []string{ids["alpha"]}}); !slices.Equal(got, []string{"alpha", "bravo"}) {
		t.Errorf("by name and ID: %v", got)
	}
	_, err := e.c.DescribeKeyPairs(e.ctx, use1, &ec2.DescribeKeyPairsInput{KeyNames: []string{"delta"}})
	wantCode(t, err, ec2.CodeInvalidKeyPairNotFound, "The key pair 'delta' does not exist")
	_, err = e.c.DescribeKeyPairs(e.ctx, use1, &ec2.DescribeKeyPairsInput{KeyPairIds: []string{"key-0123456789abcdef0"}})
	wantCode(t, err, ec2.CodeInvalidKeyPairNotFound, "key-0123456789abcdef0")

	// An instance keeps the name of a key deleted after its launch.
	inst := e.run(use1, &ec2.RunInstancesInput{KeyName: "alpha"}).Instances[0].InstanceId
	cases := []struct {
		name string
		in   ec2.DeleteKeyPairInput
	}{
		{"by name", ec2.DeleteKeyPairInput{KeyName: "alpha"}},
		{"by ID", ec2.DeleteKeyPairInput{KeyPairId: ids["bravo"]}},
		{"already deleted", ec2.DeleteKeyPairInput{KeyName: "alpha"}},
		{"never existed", ec2.DeleteKeyPairInput{KeyName: "zulu"}},
		{"unknown ID", ec2.DeleteKeyPairInput{KeyPairId: "key-0123456789abcdef0"}},
	}
	for _, tc := range cases {
		t.Run("delete "+tc.name, func(t *testing.T) {
			in := tc.in
			out, err := e.c.DeleteKeyPair(e.ctx, use1, &in)
			if err != nil || !out.Return {
				t.Errorf("%+v, %v", out, err)
			}
		})
	}
	_, err = e.c.DeleteKeyPair(e.ctx, use1, &ec2.DeleteKeyPairInput{})
	wantCode(t, err, ec2.CodeMissingParameter, "KeyName")
	if got := names(&ec2.DescribeKeyPairsInput{IncludePublicKey: true}); !slices.Equal(got, []string{"charlie"}) {
		t.Errorf("after deletes: %v", got)
	}
	if got := e.get(use1, inst).KeyName; got != "alpha" {
		t.Errorf("instance KeyName %q after its key was deleted", got)
	}
	_, err = e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{KeyName: "alpha"})
	wantCode(t, err, ec2.CodeInvalidKeyPairNotFound, "'alpha'")
	// The name is free again.
	if _, err := e.c.CreateKeyPair(e.ctx, use1, &ec2.CreateKeyPairInput{KeyName: "alpha", KeyType: "ed25519"}); err != nil {
		t.Errorf("re-create a deleted name: %v", err)
	}
}
