package daemon

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"golang.org/x/crypto/ssh"
)

// TestSDKImportKeyPair: PublicKeyMaterial is a blob, which the SDK sends
// as one base64 value (as `aws ec2 import-key-pair` and Terraform's
// aws_key_pair do); the endpoint once looked for PublicKeyMaterial.1 and
// refused it as an unknown parameter.
func TestSDKImportKeyPair(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	rsaLine, err := os.ReadFile("../sshkey/testdata/rsa2048.pub")
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		data, err := os.ReadFile("../sshkey/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	rsaPub := strings.Join(strings.Fields(string(rsaLine))[:2], " ")
	for _, tc := range []struct {
		name, keyType string
		material      []byte
		// public is the OpenSSH form DescribeKeyPairs must show.
		public string
	}{
		{"ed25519", "ed25519", ssh.MarshalAuthorizedKey(sshPub), strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub)))},
		{"rsa", "rsa", rsaLine, rsaPub},
		{"rsa-rfc4716", "rsa", read("rsa2048.rfc4716"), rsaPub},
		{"rsa-pem-pkcs1", "rsa", read("rsa2048.pkcs1.pem"), rsaPub},
		{"rsa-pem-pkcs8", "rsa", read("rsa2048.pkcs8.pem"), rsaPub},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.ImportKeyPair(ctx, &ec2.ImportKeyPairInput{KeyName: aws.String("imported-" + tc.name), PublicKeyMaterial: tc.material})
			if err != nil {
				t.Fatalf("ImportKeyPair: %v", err)
			}
			d, err := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{KeyNames: []string{"imported-" + tc.name}, IncludePublicKey: aws.Bool(true)})
			if err != nil {
				t.Fatal(err)
			}
			k := d.KeyPairs[0]
			if string(k.KeyType) != tc.keyType || aws.ToString(k.KeyFingerprint) != aws.ToString(out.KeyFingerprint) ||
				strings.Join(strings.Fields(aws.ToString(k.PublicKey))[:2], " ") != tc.public {
				t.Errorf("described %s %s %q, imported fingerprint %s", k.KeyType, aws.ToString(k.KeyFingerprint), aws.ToString(k.PublicKey), aws.ToString(out.KeyFingerprint))
			}
		})
	}
	// EC2 takes ED25519 keys in OpenSSH format only.
	t.Run("ed25519 in RFC 4716 format", func(t *testing.T) {
		_, err := c.ImportKeyPair(ctx, &ec2.ImportKeyPairInput{KeyName: aws.String("ed-rfc"), PublicKeyMaterial: read("ed25519.rfc4716")})
		if code := apiCode(t, err); code != "InvalidKey.Format" {
			t.Errorf("code %s, want InvalidKey.Format", code)
		}
	})
	t.Run("material that is not a key", func(t *testing.T) {
		_, err := c.ImportKeyPair(ctx, &ec2.ImportKeyPairInput{KeyName: aws.String("junk"), PublicKeyMaterial: []byte("not a key")})
		if code := apiCode(t, err); code != "InvalidKey.Format" {
			t.Errorf("code %s, want InvalidKey.Format", code)
		}
	})
}

// CreateKeyPair's KeyFormat: pem by default, ppk for PuTTY, anything else
// refused before a key pair exists.
func TestSDKCreateKeyPairFormats(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		typ    types.KeyType
		format types.KeyFormat
		prefix string
	}{
		{"rsa default", types.KeyTypeRsa, "", "-----BEGIN RSA PRIVATE KEY-----"},
		{"ed25519 pem", types.KeyTypeEd25519, types.KeyFormatPem, "-----BEGIN OPENSSH PRIVATE KEY-----"},
		{"rsa ppk", types.KeyTypeRsa, types.KeyFormatPpk, "PuTTY-User-Key-File-2: ssh-rsa\n"},
		{"ed25519 ppk", types.KeyTypeEd25519, types.KeyFormatPpk, "PuTTY-User-Key-File-2: ssh-ed25519\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := strings.ReplaceAll(tc.name, " ", "-")
			out, err := c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String(name), KeyType: tc.typ, KeyFormat: tc.format})
			if err != nil {
				t.Fatal(err)
			}
			if m := aws.ToString(out.KeyMaterial); !strings.HasPrefix(m, tc.prefix) {
				t.Errorf("key material starts %.40q, want %q", m, tc.prefix)
			}
		})
	}
	_, err := c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("odd"), KeyFormat: "pfx"})
	if code := apiCode(t, err); code != "InvalidParameterValue" {
		t.Errorf("KeyFormat pfx: %s, want InvalidParameterValue", code)
	}
	d, err := c.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{Filters: []types.Filter{{Name: aws.String("key-name"), Values: []string{"odd"}}}})
	if err != nil || len(d.KeyPairs) != 0 {
		t.Errorf("a refused CreateKeyPair left %v (%v)", d.KeyPairs, err)
	}
}
